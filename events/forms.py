from __future__ import annotations

from django import forms
from django.utils import dateformat, timezone

from contacts.forms import SameNameMixin
from contacts.models import Contact
from events.models import Event, EventVisit
from meetings.forms import ContactsField
from netcrm.lib.forms import CheckedFormMixin
from netcrm.lib.http import ids_from


class PeopleMixin:
    """The people-met chips of a form: `people` picked from the user's contacts."""

    def selected_people(self) -> list[Contact]:
        """The people ticked so far, in the order given, to redraw the chips."""
        ids = ids_from(self.data.getlist("contacts")) if self.is_bound else []
        if not ids:
            return []
        found = Contact.objects.for_user(self.user).select_related("organization").in_bulk(ids)
        return [found[i] for i in ids if i in found]


class EventForm(PeopleMixin, CheckedFormMixin, forms.ModelForm):
    """Add or edit an event or group; adding one also records the first time you went
    (a day, today by default) and whom you met there."""

    went_on = forms.DateField(
        label="When you went", required=False, widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Leave empty if you have not been yet.",
    )
    contacts = ContactsField(
        queryset=Contact.objects.none(), required=False, widget=forms.CheckboxSelectMultiple,
        label="People you met there",
    )
    # Not yet been: leave it empty ("I went" is on the event's page once you have).
    past_only = {"went_on": "leave it empty until you have been."}

    class Meta:
        model = Event
        fields = ["name", "kind", "recurrence", "organizer", "location", "link", "notes"]
        labels = {"recurrence": "Is it"}
        error_messages = {"name": {"required": "What is it called? “Tuesday Job Club” is enough."}}
        widgets = {
            "name": forms.TextInput(
                attrs={"placeholder": "Downtown Business Breakfast", "autocomplete": "off",
                       "autofocus": True}
            ),
            "link": forms.URLInput(attrs={"placeholder": "https://…"}),
            "recurrence": forms.RadioSelect,
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["went_on"].input_formats = ["%Y-%m-%d"]
        if self.instance.pk:  # visits and people are added on the event's page
            del self.fields["went_on"], self.fields["contacts"]
        else:
            self.fields["went_on"].initial = timezone.localdate()
            self.fields["contacts"].queryset = Contact.objects.for_user(user)

    def clean_name(self) -> str:
        return " ".join(self.cleaned_data["name"].split())

    def save(self, commit: bool = True) -> Event:
        event = super().save(commit=False)
        event.user = self.user
        event.save()
        went_on = self.cleaned_data.get("went_on")
        people = list(self.cleaned_data.get("contacts") or [])
        if went_on or people:
            event.went(on=went_on, people=people)
        return event


class VisitForm(CheckedFormMixin, forms.ModelForm):
    """I went again: today unless another day is given."""

    past_only = {"on": "log it once you have been."}

    class Meta:
        model = EventVisit
        fields = ["on", "notes"]
        widgets = {
            "on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "notes": forms.Textarea(
                attrs={"rows": 2, "placeholder": "Who spoke, what you talked about…"}
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["on"].required = False
        self.fields["on"].show_hidden_initial = False
        self.fields["on"].input_formats = ["%Y-%m-%d"]
        self.fields["on"].initial = timezone.localdate()

    def clean_on(self):
        return self.cleaned_data["on"] or timezone.localdate()


class PeopleForm(SameNameMixin, PeopleMixin, CheckedFormMixin, forms.Form):
    """Whom you met there: people you know (chips), or one new person typed once (asked
    about when a contact has that name), on one of the visits (the latest by default;
    today's, made now, when there is none)."""

    contacts = ContactsField(
        queryset=Contact.objects.none(), required=False, widget=forms.CheckboxSelectMultiple,
        label="People you met",
    )
    new_contact_name = forms.CharField(label="New person's name", required=False, max_length=200)
    new_contact_organization = forms.CharField(
        label="Their organization", required=False, max_length=200
    )
    visit = forms.TypedChoiceField(label="On", coerce=int, required=False, empty_value=None)

    def __init__(self, *args, event: Event, visits: list[EventVisit], **kwargs):
        super().__init__(*args, **kwargs)  # the user, and "the same person" answered
        self.event = event
        self.fields["contacts"].queryset = Contact.objects.for_user(self.user)
        choices = [(v.pk, dateformat.format(v.on, "D j M Y")) for v in visits]
        self.fields["visit"].choices = choices or [("", "Today (a new visit)")]
        self.fields["visit"].initial = visits[0].pk if visits else ""

    def clean(self):
        cleaned = super().clean()
        name = " ".join(cleaned.get("new_contact_name", "").split())
        cleaned["new_contact_name"] = name
        cleaned["new_contact_organization"] = " ".join(
            cleaned.get("new_contact_organization", "").split()
        )
        if not cleaned.get("contacts") and not name and not self.errors:
            raise forms.ValidationError(
                "Pick someone you know, or type the name of someone new.", code="nobody"
            )
        self.ask_if_same_name(name)
        return cleaned

    def save(self) -> list[Contact]:
        """Add the people to the visit; returns them (a new person first)."""
        people = list(self.cleaned_data["contacts"])
        visit_id = self.cleaned_data.get("visit")
        visit = (
            EventVisit.objects.get(pk=visit_id, event=self.event) if visit_id
            else self.event.went()
        )
        if name := self.cleaned_data["new_contact_name"]:
            people.insert(0, self.event.meet_new_person(
                name, self.cleaned_data["new_contact_organization"]
            ))
        visit.people.add(*people)
        return people
