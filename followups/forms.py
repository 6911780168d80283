from __future__ import annotations

from datetime import timedelta

from django import forms
from django.utils import timezone

from accounts.models import Profile
from followups.kinds import Custom
from followups.models import FollowUp, Status
from netcrm.lib.forms import CheckedFormMixin

DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


class CustomFollowUpForm(CheckedFormMixin, forms.ModelForm):
    """A follow-up added by hand: what to do, when, optionally a note and a person.

    Never render `contact` with its widget (it would list every contact): the page
    shows a one-person picker instead."""

    class Meta:
        model = FollowUp
        fields = ["title", "due_at", "draft", "contact"]
        labels = {"title": "What to do", "due_at": "Due", "draft": "Drafted note (optional)"}
        widgets = {
            "title": forms.TextInput(
                attrs={"placeholder": "Send Alan the article on hiring in data teams"}
            ),
            "due_at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL),
            "draft": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, user, profile: Profile | None = None, **kwargs):
        kwargs.setdefault("auto_id", "followup_%s")  # unique ids beside a contact page's forms
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["contact"].queryset = self.fields["contact"].queryset.filter(user=user)
        self.fields["contact"].required = False
        self.fields["due_at"].input_formats = [DATETIME_LOCAL, "%Y-%m-%d %H:%M"]
        if not self.is_bound and "due_at" not in self.initial:
            # Tomorrow, at the hour the user's follow-ups fall due.
            profile = profile or Profile.for_user(user)
            tomorrow = profile.today() + timedelta(days=1)
            self.initial["due_at"] = timezone.localtime(profile.morning_of(tomorrow))

    def clean_title(self) -> str:
        title = " ".join(self.cleaned_data["title"].split())
        if not title:
            raise forms.ValidationError("Say what to do.")
        return title

    def save(self, commit: bool = True) -> FollowUp:
        followup = super().save(commit=False)
        followup.user = self.user
        followup.kind = Custom.name
        followup.status = Status.PENDING
        if commit:
            followup.save()
        return followup
