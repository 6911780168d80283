from __future__ import annotations

from django import forms
from django.utils import timezone

from contacts.forms import ContactOrNewPersonMixin
from contacts.models import Contact, Source
from reciprocity.models import InboundRequest
from reciprocity.services import ANSWERS, log_request
from netcrm.lib.forms import DATETIME_LOCAL, CheckedFormMixin

DATETIME_FORMATS = [DATETIME_LOCAL, "%Y-%m-%d %H:%M", "%Y-%m-%d"]


class InboundRequestForm(ContactOrNewPersonMixin, CheckedFormMixin, forms.ModelForm):
    """Someone asked for help: who (a contact, or a new person typed once), what, when."""
    missing_contact = "Who asked? Pick a contact or add a new person."

    contact = forms.ModelChoiceField(queryset=Contact.objects.none(), required=False)
    new_contact_name = forms.CharField(label="New person's name", required=False, max_length=200)
    new_contact_organization = forms.CharField(
        label="Their organization", required=False, max_length=200
    )
    past_only = {"received_at": "when did they ask?"}

    class Meta:
        model = InboundRequest
        fields = ["contact", "ask", "details", "received_at"]
        labels = {"ask": "What did they ask for?", "received_at": "When"}
        widgets = {
            "received_at": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format=DATETIME_LOCAL
            ),
            "details": forms.Textarea(
                attrs={"rows": 3, "placeholder": "“A friend of Sara's, moving into data "
                       "engineering; would love 15 minutes on how you made the switch.”"}
            ),
        }

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "request_%s")  # unique ids in a modal over any page
        super().__init__(*args, **kwargs)  # the user, and "the same person" answered
        self.fields["contact"].queryset = Contact.objects.for_user(self.user)
        self.fields["received_at"].input_formats = DATETIME_FORMATS
        if not self.is_bound:
            self.initial.setdefault(
                "received_at", timezone.localtime().replace(second=0, microsecond=0)
            )

    def save(self, commit: bool = True) -> InboundRequest:
        inbound = super().save(commit=False)
        inbound.user = self.user
        if inbound.contact_id is None:
            inbound.contact = self.new_person(Source.INBOUND)
        return log_request(inbound)


class AnswerForm(CheckedFormMixin, forms.Form):
    status = forms.ChoiceField(choices=[(s.value, s.label) for s in ANSWERS])
