from __future__ import annotations

from django import forms
from django.forms.formsets import DELETION_FIELD_NAME

from contacts.models import Contact, Organization, Source
from referrals.models import IntroStatus, Referral
from referrals.services import save_referral
from netcrm.lib.forms import CheckedFormMixin


class ReferralRowForm(CheckedFormMixin, forms.Form):
    """One person they suggested you talk to: someone you know, or someone new."""

    # Someone else's name and employer (fields named "name" and "organization" are the
    # ones a phone fills with the user's own): nothing offered.
    name = forms.CharField(
        label="Who should you talk to?", max_length=200, required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    organization = forms.CharField(
        label="At", max_length=200, required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    reason = forms.CharField(
        label="Why them?", max_length=300, required=False,
        widget=forms.TextInput(attrs={"placeholder": "he knows everyone in town"}),
    )
    intro_status = forms.ChoiceField(
        label="Will they call ahead?", choices=IntroStatus.choices, initial=IntroStatus.NOT_ASKED
    )

    def clean(self):
        cleaned = super().clean()
        cleaned["name"] = " ".join(cleaned.get("name", "").split())
        if self.has_changed() and not cleaned["name"]:
            self.add_error("name", "Give their name, or clear this row.")
        return cleaned

    def resolve(self, user) -> Contact | None:
        """The contact this row names: the user's contact of that name (at that
        organization, if given), else a new contact met through a referral."""
        name = self.cleaned_data.get("name")  # an untouched extra row has no data
        if not name:
            return None
        organization = self.cleaned_data["organization"]
        found = Contact.objects.for_user(user).filter(name__iexact=name)
        if organization:
            found = found.filter(organization__name__iexact=" ".join(organization.split()))
        return found.order_by("-last_interaction_at", "-pk").first() or Contact(
            user=user, name=name, source=Source.REFERRAL,
            organization=Organization.objects.named(user, organization, create=False),
        )


class MeetingReferralRowForm(ReferralRowForm):
    """A referral given at a meeting: at a meeting with several people, which of them
    suggested this one (the first person met, when not said)."""

    NEW = "new"  # the meeting's new person, not saved yet
    suggested_by = forms.ChoiceField(
        label="Who suggested them?", required=False,
        widget=forms.Select(attrs={"data-suggested-by": ""}),
        error_messages={"invalid_choice": "Pick someone you met at this meeting."},
    )

    def __init__(self, *args, people=(), **kwargs):
        super().__init__(*args, **kwargs)
        # The meeting's people as (value, name): a contact's id, or NEW. A callable,
        # asked only to draw the menu or to check a value that was sent
        # (static/js/app.js redraws the menu as people are picked).
        self.fields["suggested_by"].choices = people

    def has_changed(self) -> bool:
        """A row left empty stays empty, whoever its menu says (it always says someone),
        removed or not."""
        return any(name not in ("suggested_by", DELETION_FIELD_NAME) for name in self.changed_data)

    def removed(self) -> bool:
        """Whether the row was taken out with its "Remove" (its box ticked)."""
        return bool(self.is_bound and self[DELETION_FIELD_NAME].value())

    def asks_who(self) -> bool:
        """Whether the meeting has two people or more to choose from."""
        return len(list(self.fields["suggested_by"].choices)) > 1


class MeetingReferralFormSet(forms.BaseFormSet):
    """The meeting's referral rows. A row taken out with its "Remove" stays in the
    post with its box ticked (static/js/app.js), so the others keep their numbers, and
    is neither checked nor saved."""

    people = ()  # the meeting's form sets the callable each row's menu draws from

    @classmethod
    def get_deletion_widget(cls):
        return forms.CheckboxInput(attrs={"hidden": True})  # ticked by "Remove"

    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "people": self.people}

    def row(self, index: int) -> MeetingReferralRowForm:
        """One more empty row, the `index`th, as the formset draws its own."""
        return self._construct_form(index)

    def kept(self) -> list[MeetingReferralRowForm]:
        """The rows not removed (once validated)."""
        return [
            row for row in self.forms
            if not (hasattr(row, "cleaned_data") and self._should_delete_form(row))
        ]


ReferralRowFormSet = forms.formset_factory(
    MeetingReferralRowForm, formset=MeetingReferralFormSet, extra=1, max_num=12,
    absolute_max=12, can_delete=True,
)


def check_referral_rows(formset, referrer_of, user) -> bool:
    """Reject a self-referral, a name twice from the same person, and an edge recorded
    already. `referrer_of(row)` is (the referrer's name, the saved referrer or None)."""
    seen: set[tuple[str, str]] = set()
    ok = True
    for row in formset.kept():
        name = row.cleaned_data.get("name", "") if hasattr(row, "cleaned_data") else ""
        if not name or "suggested_by" in row.errors:
            continue
        referrer_name, referrer = referrer_of(row)
        key = (name.casefold(), referrer_name.casefold())
        if key[0] == key[1]:
            row.add_error("name", f"That is {referrer_name}: nobody can refer you to themselves.")
            ok = False
        elif key in seen:
            row.add_error("name", f"{name} is on the list twice.")
            ok = False
        elif referrer and Referral.objects.for_user(user).filter(
            referrer=referrer, referred__name__iexact=name
        ).exists():
            row.add_error("name", f"{referrer.name} referred you to {name} already.")
            ok = False
        seen.add(key)
    return ok


class ContactReferralForm(ReferralRowForm):
    """On a contact's page: someone they suggested, or someone who suggested them."""

    GAVE, RECEIVED = "gave", "received"
    direction = forms.ChoiceField(
        choices=[(GAVE, "They suggested"), (RECEIVED, "They were suggested by")],
        widget=forms.HiddenInput,
    )

    def __init__(self, *args, contact: Contact, **kwargs):
        super().__init__(*args, **kwargs)
        self.contact = contact
        self.fields["name"].required = True
        direction = self.initial.get("direction", self.data.get(self.add_prefix("direction")))
        if direction in (self.GAVE, self.RECEIVED):  # the page shows both: ids of their own
            self.auto_id = f"id_{direction}_%s"
        if direction == self.RECEIVED:
            self.fields["name"].label = f"Who suggested you talk to {contact.first_name}?"
        else:
            self.fields["name"].label = f"Whom did {contact.first_name} suggest?"

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        other = self.resolve(self.contact.user)
        if other.pk == self.contact.pk or (
            other.pk is None and other.name.casefold() == self.contact.name.casefold()
        ):
            raise forms.ValidationError("Nobody can refer you to themselves.")
        gave = cleaned["direction"] == self.GAVE
        referrer, referred = (self.contact, other) if gave else (other, self.contact)
        if not gave and other.pk is None:
            other.source = Source.KNEW  # a new referrer is someone you knew
        if other.pk and Referral.objects.filter(referrer=referrer, referred=referred).exists():
            raise forms.ValidationError(
                f"{referrer.name} referred you to {referred.name} already."
            )
        self.edge = (referrer, referred)
        return cleaned

    def save(self) -> Referral:
        referrer, referred = self.edge
        return save_referral(
            Referral(
                user=self.contact.user, referrer=referrer, referred=referred,
                reason=self.cleaned_data["reason"],
                intro_status=self.cleaned_data["intro_status"],
            )
        )


class ReferralForm(CheckedFormMixin, forms.ModelForm):
    """A referral's details; for one given at a meeting with several people, also which
    of them gave it (a meeting logged before it could be said credited the first)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        referral = self.instance
        people = (
            [c for c in referral.meeting.contacts.all() if c.pk != referral.referred_id]
            if referral.meeting_id else []
        )
        if len(people) < 2:
            del self.fields["referrer"]
            return
        field = self.fields["referrer"]
        # Who it says now stays a choice (were they no longer among the people met).
        field.queryset = Contact.objects.filter(
            pk__in=[c.pk for c in people] + [referral.referrer_id]
        )
        field.label, field.empty_label = "Who suggested them?", None
        field.help_text = f"Of the people at “{referral.meeting.title}”."

    def clean_referrer(self):
        referrer = self.cleaned_data["referrer"]
        referral = self.instance
        if referrer and Referral.objects.filter(
            referrer=referrer, referred_id=referral.referred_id
        ).exclude(pk=referral.pk).exists():
            raise forms.ValidationError(
                f"{referrer.name} referred you to {referral.referred.name} already."
            )
        return referrer

    def save(self, commit: bool = True) -> Referral:
        referral = super().save(commit=False)
        return save_referral(referral, new_referrer="referrer" in self.changed_data)

    class Meta:
        model = Referral
        fields = ["referrer", "reason", "intro_status", "progress", "referred_on"]
        widgets = {"referred_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    past_only = {"referred_on": "when did they refer you?"}
