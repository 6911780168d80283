from django import forms

from api.models import ApiToken
from netcrm.lib.forms import CheckedFormMixin

MAX_ACTIVE = 20


class TokenForm(CheckedFormMixin, forms.Form):
    name = forms.CharField(
        label="Name", max_length=100,
        help_text="What will use it: “my phone”, “a backup script”.",
        error_messages={"required": "Name it, so you know which one to revoke later."},
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["name"].widget.attrs.update(autocomplete="off")

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise forms.ValidationError("Name it, so you know which one to revoke later.")
        return name

    def clean(self):
        cleaned = super().clean()
        if ApiToken.objects.for_user(self.user).active().count() >= MAX_ACTIVE:
            raise forms.ValidationError(
                f"You have {MAX_ACTIVE} tokens already: revoke one you no longer use first."
            )
        return cleaned
