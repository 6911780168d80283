from __future__ import annotations

from django import forms
from django.conf import settings

from netcrm.lib.forms import CheckedFormMixin


class RestoreForm(CheckedFormMixin, forms.Form):
    backup = forms.FileField(
        label="Backup file",
        help_text="The .json file that “Download a full backup” gave you.",
        widget=forms.FileInput(attrs={"accept": ".json,application/json"}),
        error_messages={
            "required": "Choose the backup file to restore.",
            "empty": "The submitted file is empty: it is no netcrm backup.",
        },
    )

    def clean_backup(self):
        upload = self.cleaned_data["backup"]
        limit = settings.RESTORE_MAX_MB * 1024 * 1024
        if upload.size > limit:
            raise forms.ValidationError(
                f"This file is larger than {settings.RESTORE_MAX_MB} MB: it is no netcrm backup "
                "this server takes (RESTORE_MAX_MB)."
            )
        return upload


class LeaveForm(CheckedFormMixin, forms.Form):
    password = forms.CharField(
        label="Your password, to be sure it is you", strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, user, *args, **kwargs) -> None:
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError("That is not your password.", code="wrong_password")
        return password
