from django import forms
from django.contrib.auth.forms import UserCreationForm
from django.contrib.auth.models import User

from accounts.models import Profile, timezone_choices
from netcrm.lib.forms import CheckedFormMixin


class SignupForm(CheckedFormMixin, UserCreationForm):
    email = forms.EmailField(
        required=True, help_text="For password resets and your morning digest."
    )

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ["username", "email"]

    def clean_email(self) -> str:
        email = self.cleaned_data["email"]
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError("An account with this email address exists already.")
        return email


class ProfileForm(CheckedFormMixin, forms.ModelForm):
    timezone = forms.ChoiceField(choices=timezone_choices)

    class Meta:
        model = Profile
        fields = [
            "timezone", "morning_hour", "digest_enabled", "digest_time",
            "thank_you_delay_days", "referral_call_delay_days", "prepare_days_before",
            "reply_within_hours", "help_back_delay_days",
        ]
        widgets = {
            "digest_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "morning_hour": forms.NumberInput(attrs={"min": 0, "max": 23}),
            "thank_you_delay_days": forms.NumberInput(attrs={"min": 0, "max": 30}),
            "referral_call_delay_days": forms.NumberInput(attrs={"min": 0, "max": 30}),
        }
