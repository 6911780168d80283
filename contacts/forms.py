from django import forms
from django.utils import timezone
from django.utils.functional import cached_property

from contacts.models import EVENT_SOURCES, Contact, Note, Organization
from contacts.services import sync_keep_in_touch
from netcrm.lib.fold import Folded, fold
from netcrm.lib.forms import DATETIME_LOCAL, CheckedFormMixin
from netcrm.lib.http import ids_from
from netcrm.lib.text import CONTROL_CHARACTERS

CADENCES = [
    (30, "Every 30 days (monthly)"),
    (60, "Every 60 days"),
    (90, "Every 90 days (quarterly)"),
    (180, "Every 180 days (twice a year)"),
]


def cadence_choices(current: int | None = None):
    """The usual cadences, and the contact's own if it is another (set in the admin…)."""
    choices = [("", "Not set: no reminders"), *CADENCES]
    if current and current not in dict(CADENCES):
        choices.append((current, f"Every {current} days"))
    return choices


def bulk_cadence_choices():
    """For a whole group: a cadence first, and stopping last (never a slip of the thumb)."""
    return [*CADENCES, ("", "Never: stop reminders")]


class CadenceField(forms.TypedChoiceField):
    """A keep-in-touch cadence in days; the empty choice is None (no reminders)."""

    def __init__(self, *, current: int | None = None, choices=None, **kwargs):
        kwargs.setdefault("label", "Keep in touch")
        kwargs.setdefault(
            "help_text",
            "netcrm reminds you when it has been this long since you were last in touch.",
        )
        super().__init__(
            choices=choices or cadence_choices(current), coerce=int, empty_value=None,
            required=False, **kwargs,
        )


def events_of(user):
    """The user's events and groups, for a "where you met" choice: the model is the one
    Contact.met_at names (contacts imports nothing of events, which sits above it)."""
    Event = Contact._meta.get_field("met_at").related_model
    return Event.objects.for_user(user).order_by("name", "pk")


def shows_with(field: str, values) -> dict[str, str]:
    """Widget attributes: static/js/app.js shows the field only while `field` has one
    of `values` (without JavaScript it always shows)."""
    return {"data-shows-with": field, "data-shows-with-values": ",".join(values)}


PAST_ORGANIZATIONS = 10


class ContactForm(CheckedFormMixin, forms.ModelForm):
    organization_name = forms.CharField(
        label="Organization", required=False, max_length=200,
        help_text="Typed once; netcrm reuses an organization of the same name.",
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    past_organization_names = forms.CharField(
        label="Used to work at", required=False, max_length=2000,
        help_text="Organizations, separated by commas: they still know people there.",
    )

    class Meta:
        model = Contact
        fields = [
            "name", "title", "email", "phone", "links", "source", "met_at", "tags",
            "keep_in_touch_days", "notes",
        ]
        # Someone else's details: a phone's keypad for the number, and no offer to fill
        # in the user's own employer, title, address or number.
        widgets = {
            "title": forms.TextInput(attrs={"autocomplete": "off"}),
            "email": forms.EmailInput(attrs={"autocomplete": "off"}),
            "phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
            "links": forms.Textarea(attrs={"rows": 2}),
            "notes": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["name"].widget.attrs.update(autofocus=True, autocomplete="off")
        if self.instance.organization_id:
            self.fields["organization_name"].initial = self.instance.organization.name
        if self.instance.pk:
            self.fields["past_organization_names"].initial = ", ".join(
                o.name for o in self.instance.past_organizations.order_by(Folded("name"))
            )
        self.fields["keep_in_touch_days"] = CadenceField(current=self.instance.keep_in_touch_days)
        met_at = self.fields["met_at"]
        met_at.queryset = events_of(user)
        met_at.label, met_at.empty_label = "Where you met", "Not one you logged"
        met_at.help_text = "The event or group, for an event, a group or volunteering."
        met_at.widget.attrs.update(shows_with("source", EVENT_SOURCES))
        self.order_fields(["name", "organization_name", "title", "past_organization_names"])

    def clean_past_organization_names(self) -> list[str]:
        names = list(dict.fromkeys(
            " ".join(name.split()) for name in self.cleaned_data["past_organization_names"].split(",")
        ))
        names = [name for name in names if name]
        if len(names) > PAST_ORGANIZATIONS:
            raise forms.ValidationError(f"At most {PAST_ORGANIZATIONS} organizations.")
        if any(len(name) > 200 for name in names):
            raise forms.ValidationError("An organization's name is at most 200 characters.")
        return names

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("source") not in EVENT_SOURCES:
            cleaned["met_at"] = None  # hidden for another "how you met": not where you met
        return cleaned

    def save(self, commit: bool = True) -> Contact:
        contact = super().save(commit=False)
        contact.user = self.user
        contact.organization = Organization.objects.named(
            self.user, self.cleaned_data["organization_name"]
        )
        if commit:
            contact.save()
            self.save_m2m()
            contact.past_organizations.set([
                Organization.objects.named(self.user, name)
                for name in self.cleaned_data["past_organization_names"]
            ])
            if "keep_in_touch_days" in self.changed_data:  # a new or changed cadence
                sync_keep_in_touch([contact.pk])
        return contact


class OrganizationForm(CheckedFormMixin, forms.ModelForm):
    class Meta:
        model = Organization
        fields = ["name", "website", "is_target", "quiet_hours", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.instance.user = user
        # Renamed to the name of another of the user's organizations ("ACME Inc." to
        # "Acme"): the two are one, and the form offers to merge them.
        self.merge_target: Organization | None = None
        self.merged_name = self.instance.name  # as it was: the form renames the instance
        if self.instance.pk:
            self.fields["name"].help_text = (
                "The same organization typed two ways (“ACME Inc.” and “Acme”)? "
                "Rename it to the other's name to merge the two."
            )
            if self.is_bound and (name := self._typed_name()):
                self.merge_target = self._clash(name)
        if self.merge_target:
            self.fields["merge"] = forms.BooleanField(
                required=False,
                label=f"Merge {self.merged_name} into {self.merge_target.name}",
                help_text=f"Its people and leads move to {self.merge_target.name}; "
                          f"{self.merged_name} is then gone.",
            )
            self.order_fields(["name", "merge"])  # right under the name that asks for it

    def _typed_name(self) -> str:
        """The name posted, as its field would clean it; "" when the field refuses it (a
        NUL, too long: no query is made with it, PostgreSQL refuses a NUL)."""
        try:
            return " ".join(self.fields["name"].clean(self.data.get("name", "")).split())
        except forms.ValidationError:
            return ""

    def _clash(self, name: str) -> Organization | None:
        """Another of the user's organizations called `name`, whatever the case and accents."""
        return (
            Organization.objects.for_user(self.user).same_name(name)
            .exclude(pk=self.instance.pk).order_by("pk").first()
        )

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data["name"].split())
        if not self.instance.pk and self._clash(name):
            raise forms.ValidationError("You have an organization of this name already.")
        return name

    def clean(self):
        cleaned = super().clean()
        if self.merge_target and "name" in cleaned and not cleaned.get("merge"):
            self.add_error("name", (
                f"You have “{self.merge_target.name}” already. To make them one, tick "
                f"“Merge {self.merged_name} into {self.merge_target.name}” below and save."
            ))
        return cleaned

    def _get_validation_exclusions(self):
        # Merging: the name is the other organization's, which keeps it (and this one
        # is deleted), so it is no clash.
        exclude = super()._get_validation_exclusions()
        if self.merge_target:
            exclude.add("name")
        return exclude

    @property
    def merging(self) -> bool:
        """Valid, and to be merged into `merge_target` (contacts.services.merge_organizations)
        rather than saved."""
        return bool(self.merge_target and self.cleaned_data.get("merge"))


class CadenceForm(CheckedFormMixin, forms.Form):
    """The cadence alone, set from the contact's page."""

    keep_in_touch_days = CadenceField()

    def __init__(self, *args, contact: Contact, **kwargs):
        kwargs.setdefault("initial", {"keep_in_touch_days": contact.keep_in_touch_days})
        super().__init__(*args, **kwargs)
        self.fields["keep_in_touch_days"] = CadenceField(
            current=contact.keep_in_touch_days, help_text=""
        )


class NoteForm(CheckedFormMixin, forms.ModelForm):
    """Log a call, an email or a note: it counts as being in touch."""

    past_only = {"happened_at": "log it once it has happened."}

    class Meta:
        model = Note
        fields = ["body", "happened_at"]
        labels = {"body": "What happened", "happened_at": "When"}
        help_texts = {"happened_at": "Leave empty for now."}
        error_messages = {"body": {"required": "Say what happened, in a word or two."}}
        widgets = {
            "body": forms.Textarea(
                attrs={"rows": 2, "placeholder": "Called Sara: she is moving to the Berlin office…"}
            ),
            "happened_at": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format=DATETIME_LOCAL
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        when = self.fields["happened_at"]
        when.required, when.initial, when.show_hidden_initial = False, None, False
        when.input_formats = [DATETIME_LOCAL, "%Y-%m-%d %H:%M", "%Y-%m-%d"]

    def clean_happened_at(self):
        return self.cleaned_data["happened_at"] or timezone.now()


class KeepInTouchByTagForm(CheckedFormMixin, forms.Form):
    """Keep in touch with everyone tagged [tag] every [N] days."""

    tag = forms.ChoiceField(label="Keep in touch with everyone tagged")
    keep_in_touch_days = CadenceField(
        label="How often", help_text="", choices=bulk_cadence_choices(), initial=CADENCES[0][0]
    )

    def __init__(self, *args, user, tag_names: list[str] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if tag_names is not None:  # the page has them already
            self.tag_names = tag_names
        self.fields["tag"].choices = lambda: [(name, name) for name in self.tag_names]

    @cached_property
    def tag_names(self) -> list[str]:
        """The user's tags (one query, on first use: never for the list's HTMX rows)."""
        return Contact.objects.for_user(self.user).tag_names()

    def contacts(self):
        return Contact.objects.for_user(self.user).tagged(self.cleaned_data["tag"])


class TargetForm(CheckedFormMixin, forms.Form):
    """Mark an organization as a target company, or not: the state wanted, so a double
    tap changes it once."""

    is_target = forms.TypedChoiceField(
        choices=[("1", "A target"), ("0", "Not a target")], coerce=lambda value: value == "1",
        error_messages={"required": "Say whether it is a target.",
                        "invalid_choice": "Say whether it is a target."},
    )


# The answer to "Sara Smith is already in your contacts": her id (the same person), or
# the name itself (another Sara Smith: someone new). The people pickers' "Add another"
# sends it too (static/js/app.js).
SAME_NAME = "same_name"
SAME_NAME_LIMIT = 3


def answers_in(data) -> list[str]:
    """The answers to "already in your contacts" a post holds. A form bound to a plain
    dict (by code, not a browser) holds none: only the page's box sends them."""
    return data.getlist(SAME_NAME) if hasattr(data, "getlist") else []


class SameNameMixin:
    """A form that adds someone new by the name typed (`new_contact_name`, with
    `new_contact_organization`) asks once when a contact has that name already: typed
    by reflex after a coffee, a second Sara Smith would split her notes, referrals and
    follow-ups between two people. The question is templates/contacts/_picker.html,
    "#same-name".

    It goes first among the form's bases and takes the form's `user`. The answer is
    read before the fields are checked: "the same person" puts her among those picked
    (`pick_same_person`) instead of the new person; "another" adds a namesake. The form's
    `clean()` calls `ask_if_same_name(name)` once the name is otherwise fine.
    `ask_same_name=False` never asks (the API names its new people on purpose)."""

    def __init__(self, *args, user, ask_same_name: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.ask_same_name = ask_same_name
        self.same_named: list[Contact] = []
        if self.is_bound and ask_same_name:
            self.data = self._with_same_person(self.data)

    def typed_new_name(self) -> str:
        """The new person's name as typed, in single spaces ("" before a post)."""
        return " ".join((self.data.get("new_contact_name") or "").split()) if self.is_bound else ""

    def _with_same_person(self, data):
        """The post, with "the same person" answered taken at its word. An answer about
        another name than the one now typed is no answer."""
        name = self.typed_new_name()
        picked = ids_from(answers_in(data))
        # Before the fields are checked: a name no field would take (a NUL, which
        # PostgreSQL refuses in a query) is looked up by nobody, and refused by its field.
        too_long = len(name) > self.fields["new_contact_name"].max_length
        if not name or not picked or too_long or CONTROL_CHARACTERS.search(name):
            return data
        same = Contact.objects.for_user(self.user).same_name(name).filter(pk__in=picked)
        person = same.values_list("pk", flat=True).first()
        if person is None:
            return data
        data = data.copy()
        for field in ("new_contact_name", "new_contact_organization", SAME_NAME):
            data.pop(field, None)
        self.pick_same_person(data, str(person))
        return data

    def pick_same_person(self, data, person: str) -> None:
        """Put the contact answered to be the new person among those picked in `data`
        (a copy of the post): one more of `contacts`, or the one `contact`."""
        if "contacts" in self.fields:
            data.setlist("contacts", [*data.getlist("contacts"), person])
        else:
            data["contact"] = person

    def another_of_that_name(self) -> str:
        """The new person's name, when the user said they are not the contact of that
        name ("Add another Sara Smith"): kept in the form, so that it is asked once."""
        name = self.typed_new_name()
        answers = answers_in(self.data) if self.is_bound else []
        said = any(fold(" ".join(answer.split())) == fold(name) for answer in answers)
        return name if name and said else ""

    def ask_if_same_name(self, name: str) -> None:
        """Refuse someone new called `name` (in single spaces) while a contact has that
        name and the user has not said it is another: `same_named` holds whom to offer."""
        if not name or not self.ask_same_name or "new_contact_name" in self.errors:
            return
        if self.another_of_that_name():
            return
        self.same_named = list(
            Contact.objects.for_user(self.user).same_name(name)
            .select_related("organization").order_by("pk")[:SAME_NAME_LIMIT]
        )
        if self.same_named:
            self.add_error("new_contact_name", f"{name} is already in your contacts.")


class ContactOrNewPersonMixin(SameNameMixin):
    """A form that takes a contact you know (`contact`) or a new person typed once
    (`new_contact_name`, `new_contact_organization`): one of them, never both, and
    never a second person of a contact's name unless the user says so."""

    missing_contact = "Pick a contact or add a new person."

    def clean(self):
        cleaned = super().clean()
        contact = cleaned.get("contact")
        name = " ".join(cleaned.get("new_contact_name", "").split())
        cleaned["new_contact_name"] = name
        if contact and name:
            self.add_error(
                "new_contact_name",
                f"You picked {contact.name} already: clear this name, or pick “someone new”.",
            )
        elif not contact and not name and "contact" not in self.errors:
            self.add_error("contact", self.missing_contact)
        if cleaned.get("new_contact_organization") and not name and not contact:
            self.add_error("new_contact_name", "Give the new person's name too.")
        self.ask_if_same_name(name)
        return cleaned

    def new_person(self, source: str) -> Contact:
        """The new person typed in, unsaved, at their organization (made when saved)."""
        return Contact(
            user=self.user,
            name=self.cleaned_data["new_contact_name"],
            organization=Organization.objects.named(
                self.user, self.cleaned_data["new_contact_organization"], create=False
            ),
            source=source,
        )
