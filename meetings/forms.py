from django import forms
from django.db import transaction
from django.utils import timezone

from contacts.models import Contact, Organization, Source
from followups.services import settle_referral_followups
from meetings.models import Meeting
from netcrm.lib.http import ids_from
from referrals.forms import ReferralRowFormSet, check_referral_rows
from referrals.models import Referral

DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


class ContactsField(forms.ModelMultipleChoiceField):
    """Contact ids; a value that is no id at all is a choice error, not a database error."""

    def _check_values(self, value):
        for pk in value:
            if not ids_from([pk]):
                raise forms.ValidationError(
                    self.error_messages["invalid_pk_value"], code="invalid_pk_value",
                    params={"pk": pk},
                )
        return super()._check_values(value)


class MeetingForm(forms.ModelForm):
    """Log a meeting: who (existing contacts and/or one new person), when, notes, who paid."""

    contacts = ContactsField(
        queryset=Contact.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    new_contact_name = forms.CharField(label="New person's name", required=False, max_length=200)
    new_contact_organization = forms.CharField(
        label="Their organization", required=False, max_length=200
    )

    class Meta:
        model = Meeting
        fields = [
            "kind", "starts_at", "length_minutes", "location", "purpose", "notes",
            "questions", "outcome", "invited_by", "paid_by",
        ]
        widgets = {
            "starts_at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL),
            "length_minutes": forms.NumberInput(attrs={"min": 5, "max": 600, "step": 5}),
            "purpose": forms.Textarea(attrs={"rows": 2}),
            "notes": forms.Textarea(attrs={"rows": 4}),
            "questions": forms.Textarea(attrs={"rows": 3}),
            "outcome": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        # A post without the referral rows (an older page, a script) simply has none.
        has_rows = "referrals-TOTAL_FORMS" in self.data
        self.referrals = ReferralRowFormSet(self.data if has_rows else None, prefix="referrals")
        self.fields["contacts"].queryset = Contact.objects.for_user(user)
        self.fields["starts_at"].input_formats = [DATETIME_LOCAL, "%Y-%m-%d %H:%M", "%Y-%m-%d"]
        if not self.is_bound and not self.instance.pk:
            self.initial["starts_at"] = timezone.localtime().replace(second=0, microsecond=0)

    def selected_contacts(self) -> list[Contact]:
        """The contacts ticked so far, in the order given, to redraw the chips."""
        if self.is_bound:
            ids = ids_from(self.data.getlist("contacts"))
        elif self.instance.pk:
            return list(self.instance.contacts.select_related("organization"))
        else:
            ids = ids_from(self.initial.get("contacts", []))
        found = Contact.objects.for_user(self.user).select_related("organization").in_bulk(ids)
        return [found[i] for i in ids if i in found]

    def clean_length_minutes(self) -> int:
        minutes = self.cleaned_data["length_minutes"]
        if not 1 <= minutes <= 600:
            raise forms.ValidationError("Between 1 and 600 minutes.")
        return minutes

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("contacts") and not cleaned.get("new_contact_name", "").strip():
            if "contacts" not in self.errors:
                self.add_error(
                    "contacts", "Who did you meet? Pick a contact or add a new person."
                )
        if cleaned.get("new_contact_organization") and not cleaned.get("new_contact_name"):
            self.add_error("new_contact_name", "Give the new person's name too.")
        return cleaned

    def is_valid(self) -> bool:
        rows_valid = not self.referrals.is_bound or self.referrals.is_valid()
        valid = super().is_valid() & rows_valid  # both run, so every mistake shows at once
        return valid and check_referral_rows(
            self.referrals, self.referrer_name(), self.referrer(), self.user
        )

    def referrer_name(self) -> str:
        referrer = self.referrer()
        return referrer.name if referrer else " ".join(self.cleaned_data["new_contact_name"].split())

    def referrer(self) -> Contact | None:
        """Referrals given at a meeting come from the first person met."""
        chosen = self.cleaned_data.get("contacts")
        return chosen[0] if chosen else None

    @transaction.atomic
    def save(self, commit: bool = True) -> Meeting:
        """Save the meeting, new people, participants and referrals together."""
        meeting = super().save(commit=False)
        meeting.user = self.user
        meeting.save()
        people = list(self.cleaned_data["contacts"])
        name = " ".join(self.cleaned_data["new_contact_name"].split())
        if name:
            people.append(
                Contact.objects.create(
                    user=self.user,
                    name=name,
                    organization=Organization.objects.named(
                        self.user, self.cleaned_data["new_contact_organization"]
                    ),
                    source=Source.OTHER,
                )
            )
        meeting.contacts.set(people)
        meeting.touch_contacts()
        settle_referral_followups(Referral.objects.for_user(self.user).record_meeting(meeting))
        self.save_referrals(meeting, referrer=people[0])
        return meeting

    def save_referrals(self, meeting: Meeting, referrer: Contact) -> list[Referral]:
        saved = []
        if not self.referrals.is_bound:
            return saved
        for row in self.referrals.forms:
            referred = row.resolve(self.user)
            if referred is None:
                continue
            if referred.pk is None:
                referred.save()
            saved.append(
                Referral.objects.create(
                    user=self.user, referrer=referrer, referred=referred, meeting=meeting,
                    reason=row.cleaned_data["reason"],
                    intro_status=row.cleaned_data["intro_status"],
                    referred_on=timezone.localdate(meeting.starts_at),
                )
            )
        return saved
