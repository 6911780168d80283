import json

from django import forms
from django.utils import timezone

from contacts.forms import SameNameMixin
from contacts.models import Contact, Organization, Source
from meetings.models import Invited, Kind, Meeting, Paid, QuestionTemplate
from meetings.services import ReferralGiven, log_meeting, normalize_question, question_key
from netcrm.lib.forms import CheckedFormMixin
from netcrm.lib.http import ids_from
from referrals.forms import MeetingReferralRowForm, ReferralRowFormSet, check_referral_rows

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


class PickedQuestionsField(forms.MultipleChoiceField):
    """Questions ticked in the library picker; each box's value is the question as shown.

    Any one-line question is accepted, not only the library's current texts: the user
    may have edited their library in another tab meanwhile, and what they ticked is
    what they saw (it is no more than typing it into the questions box).
    """

    def valid_value(self, value: str) -> bool:
        longest = QuestionTemplate._meta.get_field("text").max_length
        return 0 < len(normalize_question(value)) <= longest


# Behind "More" on the form: what is the same most of the time, so a phone shows who,
# when, notes and the referrals first. Its summary says these values in words.
MORE_FIELDS = (
    "kind", "length_minutes", "location", "purpose", "invited_by", "paid_by",
    "questions", "add_questions", "outcome",
)
INVITED_WORDS = {Invited.ME: "you invited", Invited.THEM: "they invited"}
PAID_WORDS = {
    Paid.ME: "you paid", Paid.THEM: "they paid", Paid.SPLIT: "split", Paid.NOBODY: "nothing to pay",
}


def summary_words(kind: str, minutes: str, invited: str, paid: str, location: str) -> str:
    words = [
        dict(Kind.choices).get(kind, kind), f"{minutes} min" if minutes else "",
        INVITED_WORDS.get(invited, invited), PAID_WORDS.get(paid, paid),
        f"at {location}" if location else "",
    ]
    return " · ".join(word for word in words if word)


class MeetingForm(SameNameMixin, CheckedFormMixin, forms.ModelForm):
    """Log a meeting: who (existing contacts and/or one new person), when, notes, who paid."""

    contacts = ContactsField(
        queryset=Contact.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    # Someone else's name and employer: the phone is not to offer the user's own.
    new_contact_name = forms.CharField(
        label="New person's name", required=False, max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    new_contact_organization = forms.CharField(
        label="Their organization", required=False, max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    add_questions = PickedQuestionsField(
        label="Add from your library",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Ticked questions are added to yours when you save; edit them there.",
    )

    class Meta:
        model = Meeting
        fields = [
            "kind", "starts_at", "length_minutes", "location", "purpose", "notes",
            "questions", "outcome", "invited_by", "paid_by",
        ]
        widgets = {
            "starts_at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL),
            "length_minutes": forms.NumberInput(attrs={"min": 1, "max": 600}),
            "purpose": forms.Textarea(attrs={"rows": 2}),
            "notes": forms.Textarea(attrs={"rows": 4}),
            "questions": forms.Textarea(attrs={"rows": 3}),
            "outcome": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)  # the user, and "the same person" answered
        # A post without the referral rows (an older page, a script) simply has none.
        has_rows = "referrals-TOTAL_FORMS" in self.data
        self.referrals = ReferralRowFormSet(self.data if has_rows else None, prefix="referrals")
        self.referrals.people = self.people_choices
        self.fields["contacts"].queryset = Contact.objects.for_user(self.user)
        # The question library, in one query: the picker's choices and their texts.
        self.question_templates = list(QuestionTemplate.objects.for_user(self.user))
        self.fields["add_questions"].choices = [(t.text, t.text) for t in self.question_templates]
        self.fields["starts_at"].input_formats = [DATETIME_LOCAL, "%Y-%m-%d %H:%M", "%Y-%m-%d"]
        if not self.is_bound and not self.instance.pk:
            self.initial["starts_at"] = timezone.localtime().replace(second=0, microsecond=0)
        # A post without the choices behind "More" (a script, an offline queue, an older
        # page) keeps the meeting's values, or the usual ones for a new meeting.
        for name in ("kind", "length_minutes", "invited_by", "paid_by"):
            if self.is_bound and name not in self.data:
                self.fields[name].required = False

    def pick_same_person(self, data, person: str) -> None:
        """Met: the contact answered to be the new person; and a referral said to come
        from the new person comes from them."""
        super().pick_same_person(data, person)
        for key in [k for k in data if k.endswith("-suggested_by")]:
            if data[key] == MeetingReferralRowForm.NEW:
                data[key] = person

    def selected_contacts(self) -> list[Contact]:
        """The contacts ticked so far, in the order given, to redraw the chips."""
        if not hasattr(self, "_selected"):
            self._selected = self._selected_contacts()
        return self._selected

    def people_choices(self) -> list[tuple[str, str]]:
        """Who can have suggested a referral: the people ticked, then the new person."""
        people = [(str(c.pk), c.name) for c in self.selected_contacts()]
        name = " ".join((self["new_contact_name"].value() or "").split())
        if name:
            people.append((MeetingReferralRowForm.NEW, name))
        return people

    def _selected_contacts(self) -> list[Contact]:
        if self.is_bound:
            ids = ids_from(self.data.getlist("contacts"))
        elif self.instance.pk:
            return list(self.instance.contacts.select_related("organization"))
        else:
            ids = ids_from(self.initial.get("contacts", []))
        found = Contact.objects.for_user(self.user).select_related("organization").in_bulk(ids)
        return [found[i] for i in ids if i in found]

    def _more_value(self, name: str) -> str:
        value = self[name].value()
        if isinstance(value, (list, tuple)):
            return ",".join(str(v) for v in value)
        return "" if value is None else str(value).strip()

    def more_open(self) -> bool:
        """"More" opens by itself when one of its fields has a mistake or a value other
        than the usual one (what a new meeting starts with)."""
        if any(name in self.errors for name in MORE_FIELDS):
            return True
        for name in MORE_FIELDS:
            model_field = name in self.Meta.fields and Meeting._meta.get_field(name)
            usual = str(model_field.get_default()) if model_field else ""
            if self._more_value(name) != usual:
                return True
        return False

    def more_summary(self) -> str:
        """What "More" holds, in words: "Coffee · 15 min · you invited · you paid"."""
        value = self._more_value
        return summary_words(
            value("kind"), value("length_minutes"), value("invited_by"), value("paid_by"),
            value("location"),
        )

    def more_words(self) -> str:
        """The words of the summary, for static/js/app.js to say them again as they change."""
        return json.dumps({
            "kind": dict(Kind.choices), "invited_by": INVITED_WORDS, "paid_by": PAID_WORDS,
        })

    def clean_length_minutes(self) -> int:
        minutes = self.cleaned_data["length_minutes"]
        if minutes is None:  # left out of the post: the usual, or what it was
            return self.instance.length_minutes
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
        self.ask_if_same_name(" ".join(cleaned.get("new_contact_name", "").split()))
        return cleaned

    def is_valid(self) -> bool:
        rows_valid = not self.referrals.is_bound or self.referrals.is_valid()
        valid = super().is_valid() & rows_valid  # both run, so every mistake shows at once
        return valid and check_referral_rows(self.referrals, self.referrer_of, self.user)

    def referrer_of(self, row) -> tuple[str, Contact | None]:
        """Who gave this referral: the person the row names (`suggested_by`), else the
        first person met. (Their name; the contact, None while it is the new person.)"""
        chosen = list(self.cleaned_data.get("contacts") or [])
        new_name = " ".join(self.cleaned_data.get("new_contact_name", "").split())
        picked = row.cleaned_data.get("suggested_by", "")
        if picked == MeetingReferralRowForm.NEW and new_name:
            return new_name, None
        referrer = next((c for c in chosen if str(c.pk) == picked), None)
        referrer = referrer or (chosen[0] if chosen else None)
        return (referrer.name, referrer) if referrer else (new_name, None)

    def save(self, commit: bool = True) -> Meeting:
        """Log the meeting with its people, questions and referrals (one use case)."""
        meeting = super().save(commit=False)
        meeting.user = self.user
        people = list(self.cleaned_data["contacts"])
        name = " ".join(self.cleaned_data["new_contact_name"].split())
        if name:
            people.append(
                Contact(
                    user=self.user, name=name, source=Source.OTHER,
                    organization=Organization.objects.named(
                        self.user, self.cleaned_data["new_contact_organization"], create=False
                    ),
                )
            )
        return log_meeting(
            meeting, people, referrals=self.referrals_given(people),
            questions=self.cleaned_data["add_questions"],
        )

    def referrals_given(self, people: list[Contact]) -> list[ReferralGiven]:
        """The rows filled in, each from the person who gave it (`people`: those met,
        the new one last, unsaved)."""
        if not self.referrals.is_bound:
            return []
        given = []
        # A name given twice (by two of the people met), or the new person met, is one
        # person: one new contact, not two.
        def key(person: Contact) -> tuple[str, str]:
            at = person.organization.name if person.organization else ""
            return person.name.casefold(), at.casefold()

        new = {key(p): p for p in people if p.pk is None}
        for row in self.referrals.kept():
            referred = row.resolve(self.user)
            if referred is None:
                continue
            if referred.pk is None:
                referred = new.setdefault(key(referred), referred)
            _, referrer = self.referrer_of(row)
            given.append(ReferralGiven(
                referred=referred, reason=row.cleaned_data["reason"],
                intro_status=row.cleaned_data["intro_status"],
                referrer=referrer or people[-1],  # None: the new person, saved with the rest
            ))
        return given


class QuestionTemplateForm(CheckedFormMixin, forms.ModelForm):
    """A question in the library: one line (it is added to a meeting one per line)."""

    class Meta:
        model = QuestionTemplate
        fields = ["text"]
        labels = {"text": "Question"}
        widgets = {"text": forms.Textarea(attrs={"rows": 2})}
        error_messages = {"text": {"required": "Write the question."}}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_text(self) -> str:
        text = normalize_question(self.cleaned_data["text"])
        if not text:
            raise forms.ValidationError("Write the question.", code="required")
        others = QuestionTemplate.objects.for_user(self.user).exclude(pk=self.instance.pk)
        if question_key(text) in {question_key(t) for t in others.values_list("text", flat=True)}:
            raise forms.ValidationError(
                "That question is in your library already.", code="duplicate"
            )
        return text

    def save(self, commit: bool = True) -> QuestionTemplate:
        template = super().save(commit=False)
        template.user = self.user
        if commit:
            template.save()
        return template
