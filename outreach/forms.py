from __future__ import annotations

from django import forms
from django.utils import timezone

from contacts.forms import ContactOrNewPersonMixin
from contacts.models import Contact, Source
from netcrm.lib.forms import DATETIME_LOCAL, CheckedFormMixin
from outreach.models import Answer, Outreach
from outreach.services import log_outreach
from referrals.models import Referral

DATETIME_FORMATS = [DATETIME_LOCAL, "%Y-%m-%d %H:%M", "%Y-%m-%d"]


class ReferralChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, referral: Referral) -> str:
        reason = f": “{referral.reason}”" if referral.reason else ""
        return f"{referral.referrer.name}{reason}"


class OutreachForm(ContactOrNewPersonMixin, CheckedFormMixin, forms.ModelForm):
    """Whom you asked (a contact, or a new person typed once), how, when, why, for
    how long, and whose name you dropped."""
    missing_contact = "Whom did you ask? Pick a contact or add a new person."

    contact = forms.ModelChoiceField(queryset=Contact.objects.none(), required=False)
    new_contact_name = forms.CharField(label="New person's name", required=False, max_length=200)
    new_contact_organization = forms.CharField(
        label="Their organization", required=False, max_length=200
    )
    referral = ReferralChoiceField(
        queryset=Referral.objects.none(), required=False, label="Name-drop",
        empty_label="Nobody: no name to drop",
        help_text="Who suggested you talk to them: their name opens the request.",
    )
    past_only = {"asked_at": "when did you ask?"}

    class Meta:
        model = Outreach
        fields = ["contact", "channel", "asked_at", "purpose", "length_minutes", "referral"]
        labels = {"channel": "How did you ask?", "asked_at": "When"}
        error_messages = {
            "purpose": {"required": "Give a positive reason to meet: what do you hope to learn?"}
        }
        widgets = {
            "asked_at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL),
            "length_minutes": forms.NumberInput(attrs={"min": 1, "max": 600}),
            "purpose": forms.Textarea(
                attrs={"rows": 2, "placeholder": "how Acme's data team hires"}
            ),
        }

    def __init__(self, *args, contact: Contact | None = None, **kwargs):
        kwargs.setdefault("auto_id", "outreach_%s")  # unique ids in a modal over any page
        super().__init__(*args, **kwargs)  # the user, and "the same person" answered
        self.contact = contact
        self.fields["contact"].queryset = Contact.objects.for_user(self.user)
        self.fields["asked_at"].input_formats = DATETIME_FORMATS
        # The referrals that name this person: the names the request can drop.
        self.fields["referral"].queryset = (
            Referral.objects.for_user(self.user).filter(referred=contact).select_related("referrer")
            if contact else Referral.objects.none()
        )
        if not self.is_bound and not self.instance.pk:
            self.initial.setdefault(
                "asked_at", timezone.localtime().replace(second=0, microsecond=0)
            )
            if contact:  # the latest referral to them, unless the user picks none
                latest = self.fields["referral"].queryset.order_by("-created_at", "-pk").first()
                self.initial.setdefault("referral", latest.pk if latest else None)

    @property
    def offers_referral(self) -> bool:
        return self.contact is not None and self.fields["referral"].queryset.exists()

    def clean_length_minutes(self) -> int:
        minutes = self.cleaned_data["length_minutes"]
        if not 1 <= minutes <= 600:
            raise forms.ValidationError("Between 1 and 600 minutes: 15 is the usual ask.")
        return minutes

    def clean_purpose(self) -> str:
        purpose = " ".join(self.cleaned_data["purpose"].split())
        if not purpose:
            raise forms.ValidationError(
                "Give a positive reason to meet: what do you hope to learn?", code="required"
            )
        return purpose

    def save(self, commit: bool = True) -> Outreach:
        outreach = super().save(commit=False)
        outreach.user = self.user
        if outreach.contact_id is None:
            outreach.contact = self.new_person(Source.OTHER)
        elif "referral" not in self.data and outreach.referral_id is None:
            # Picked in the type-ahead, so no name-drop was offered: drop the latest.
            outreach.referral = (
                Referral.objects.for_user(self.user).filter(referred=outreach.contact)
                .order_by("-created_at", "-pk").first()
            )
        return log_outreach(outreach)


class AnswerForm(CheckedFormMixin, forms.Form):
    """One tap: their answer, from the answer the page showed (a double tap records it once)."""

    answer = forms.ChoiceField(choices=Answer.choices)
    seen = forms.ChoiceField(choices=Answer.choices, required=False)
