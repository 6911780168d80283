from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.functional import cached_property

from contacts.forms import events_of, shows_with
from contacts.models import Contact, Organization
from jobs.models import TARGETS, Lead, Outcome, Source, Status
from jobs.services import save_lead
from meetings.forms import ContactsField
from netcrm.lib.forms import CheckedFormMixin
from netcrm.lib.http import ids_from
from netcrm.lib.fold import Folded

ORGANIZATION_CHOICES_LIMIT = 200


class LeadForm(CheckedFormMixin, forms.ModelForm):
    """Add or edit a lead: the organization typed (an existing one is reused, whatever
    its case), or left empty while nobody will name it (a recruiter's client), and the
    people involved picked from your contacts."""

    organization_name = forms.CharField(
        label="Organization", max_length=200, required=False,
        help_text="Not named yet (a recruiter's client)? Leave it empty and name it later.",
    )
    contacts = ContactsField(
        queryset=Contact.objects.none(), required=False, widget=forms.CheckboxSelectMultiple,
        label="People involved",
    )
    past_only = {"found_on": "when did you find it?"}

    class Meta:
        model = Lead
        fields = ["role", "posting_url", "source", "event", "found_on", "status", "notes"]
        labels = {"status": "Where it stands", "event": "Found at"}
        error_messages = {"role": {"required": "Which role? “Data Analyst” is enough."}}
        widgets = {
            "role": forms.TextInput(attrs={"placeholder": "Data Analyst", "autocomplete": "off"}),
            "posting_url": forms.URLInput(attrs={"placeholder": "https://…"}),
            "found_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["contacts"].queryset = Contact.objects.for_user(user)
        self.fields["organization_name"].widget.attrs.update(
            list="organization-names", autocomplete="off", autofocus=True
        )
        self.fields["found_on"].input_formats = ["%Y-%m-%d"]
        event = self.fields["event"]
        event.queryset = events_of(user)
        event.empty_label = "Not one you logged"
        event.help_text = "The event or group where you heard of it."
        event.widget.attrs.update(shows_with("source", [Source.EVENT]))
        if self.instance.pk:
            # Editing: the status moves with the lead's buttons, each move recorded.
            del self.fields["status"]
            organization = self.instance.organization
            self.fields["organization_name"].initial = organization.name if organization else ""
        else:
            self.fields["status"].choices = [
                (value, label) for value, label in Status.choices if value != Status.CLOSED
            ]
            self.fields["found_on"].initial = timezone.localdate()
        self.order_fields(["organization_name", "role"])

    @cached_property
    def organization_names(self) -> list[str]:
        """For the organization box's suggestions (one query, when the page shows it)."""
        return list(
            Organization.objects.for_user(self.user)
            .order_by(Folded("name"))
            .values_list("name", flat=True)[:ORGANIZATION_CHOICES_LIMIT]
        )

    def selected_contacts(self) -> list[Contact]:
        """The people ticked so far, in the order given, to redraw the chips."""
        if self.is_bound:
            ids = ids_from(self.data.getlist("contacts"))
        elif self.instance.pk:
            return list(self.instance.contacts.select_related("organization"))
        else:
            ids = ids_from(self.initial.get("contacts", []))
        if not ids:
            return []
        found = Contact.objects.for_user(self.user).select_related("organization").in_bulk(ids)
        return [found[i] for i in ids if i in found]

    def clean_organization_name(self) -> str:
        """The name with its spaces tidied; empty (no organization yet) when only
        spaces were typed."""
        return " ".join(self.cleaned_data["organization_name"].split())

    def clean_role(self) -> str:
        return " ".join(self.cleaned_data["role"].split())

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("source") != Source.EVENT:
            cleaned["event"] = None  # found elsewhere: at no event
        return cleaned

    def save(self, commit: bool = True) -> Lead:
        lead = super().save(commit=False)
        lead.user = self.user
        # Empty: no organization yet (named() gives None for an empty name).
        lead.organization = Organization.objects.named(
            self.user, self.cleaned_data["organization_name"]
        )
        return save_lead(lead, self.cleaned_data["contacts"])


class MoveForm(CheckedFormMixin, forms.Form):
    """One tap: `to` a status (or an outcome, which closes the lead), from the
    status and outcome the card showed (so a double tap moves it once)."""

    to = forms.ChoiceField(choices=[(key, key) for key in TARGETS])
    from_status = forms.ChoiceField(choices=Status.choices)
    from_outcome = forms.ChoiceField(choices=[("", ""), *Outcome.choices], required=False)

    def target(self) -> tuple[str, str]:
        return TARGETS[self.cleaned_data["to"]]

    def seen(self) -> tuple[str, str]:
        status, outcome = self.cleaned_data["from_status"], self.cleaned_data["from_outcome"]
        return status, outcome if status == Status.CLOSED else ""
