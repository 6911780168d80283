from django import forms
from django.conf import settings
from django.contrib.auth.forms import UserCreationForm
from django.contrib.auth.models import User

from accounts.models import Profile, timezone_choices
from netcrm.lib.forms import CheckedFormMixin


class SignupForm(CheckedFormMixin, UserCreationForm):
    """A new account. An email address that has an account already is no error:
    saying so would tell anyone who has one (accounts.services.sign_up)."""

    first_name = forms.CharField(
        max_length=150, required=False, help_text="Your drafted notes are signed with your name.",
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
    )
    last_name = forms.CharField(
        max_length=150, required=False,
        widget=forms.TextInput(attrs={"autocomplete": "family-name"}),
    )
    email = forms.EmailField(
        required=True, help_text="For password resets and your morning digest.",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    timezone = forms.ChoiceField(
        choices=timezone_choices, required=False, initial=settings.TIME_ZONE,
        help_text="Follow-ups fall due in your own mornings.",
    )

    field_order = [
        "username", "first_name", "last_name", "email", "timezone", "password1", "password2",
    ]

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ["username", "first_name", "last_name", "email"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            # Untouched: static/js/app.js may put the browser's timezone in (a choice
            # made, and sent back with a mistake, is left alone).
            self.fields["timezone"].widget.attrs["data-browser-timezone"] = ""

    def clean_timezone(self) -> str:
        return self.cleaned_data["timezone"] or settings.TIME_ZONE


class AccountForm(CheckedFormMixin, forms.ModelForm):
    """Your name (drafted notes are signed with it) and email address (password resets,
    the digest), as typed at sign-up, put right later. A new email address asks for the
    password: a reset goes to that address, so a session left open on a shared computer
    must not be enough to take the account."""

    password = forms.CharField(
        label="Your password", required=False, strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text="Needed only to change your email address.",
    )

    class Meta:
        model = User
        fields = ["first_name", "last_name", "email"]
        widgets = {
            "first_name": forms.TextInput(attrs={"autocomplete": "given-name"}),
            "last_name": forms.TextInput(attrs={"autocomplete": "family-name"}),
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["first_name"].help_text = "Your drafted notes are signed with your name."
        self.fields["email"].required = True
        self.fields["email"].help_text = "For password resets and your morning digest."

    def clean_email(self) -> str:
        return User.objects.normalize_email(self.cleaned_data["email"])

    def email_changed(self) -> bool:
        return self.cleaned_data.get("email", self.initial["email"]) != self.initial["email"]

    def clean(self) -> dict:
        cleaned = super().clean()
        password = cleaned.get("password", "")
        if self.email_changed() and not self.instance.check_password(password):
            self.add_error("password", (
                "That is not your password: type it again to change your email address."
                if password else "To change your email address, type your password."
            ))
        return cleaned


class ProfileForm(CheckedFormMixin, forms.ModelForm):
    timezone = forms.ChoiceField(choices=timezone_choices)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["timezone"].choices = timezone_choices(self.instance.timezone)

    class Meta:
        model = Profile
        fields = [
            "timezone", "theme", "morning_hour", "digest_enabled", "digest_time",
            "thank_you_delay_days", "referral_call_delay_days", "prepare_days_before",
            "reply_within_hours", "help_back_delay_days", "application_checkin_days",
        ]
        # Said as a person would, beside each field's help text (the columns' own names
        # read "Thank you delay days").
        labels = {
            "thank_you_delay_days": "Thank-you note after (days)",
            "referral_call_delay_days": "Referral call after (days)",
            "prepare_days_before": "Prepare before a meeting (days)",
            "reply_within_hours": "Reply to a request within (hours)",
            "help_back_delay_days": "Help back after (days)",
        }
        widgets = {
            "digest_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "morning_hour": forms.NumberInput(attrs={"min": 0, "max": 23}),
            "thank_you_delay_days": forms.NumberInput(attrs={"min": 0, "max": 30}),
            "referral_call_delay_days": forms.NumberInput(attrs={"min": 0, "max": 30}),
            "application_checkin_days": forms.NumberInput(attrs={"min": 1, "max": 60}),
        }
