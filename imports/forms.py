from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError

from netcrm.lib.forms import CheckedFormMixin


def megabytes(size: int) -> str:
    """"10 MB", "1.4 KB"."""
    unit, size = ("MB", size / 1024 / 1024) if size >= 1024 * 1024 else ("KB", size / 1024)
    return f"{size:.1f}".removesuffix(".0") + f" {unit}"


class UploadForm(CheckedFormMixin, forms.Form):
    file = forms.FileField(
        label="Your contacts file",
        help_text="LinkedIn's Connections.csv, a Google or Outlook CSV, or a vCard (.vcf) "
                  "from your phone. netcrm tells which from the file.",
        error_messages={"required": "Choose the file to import.",
                        "empty": "The file is empty.",
                        "invalid": "Choose the file to import."},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text += f" Up to {megabytes(settings.IMPORT_MAX_BYTES)}."
        self.fields["file"].widget.attrs["accept"] = ".csv,.vcf,.vcard,text/csv,text/vcard"

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > settings.IMPORT_MAX_BYTES:
            raise ValidationError(
                f"This file is {megabytes(upload.size)}; netcrm reads files up to "
                f"{megabytes(settings.IMPORT_MAX_BYTES)}. Export fewer contacts at a time, "
                "or split the file.",
                code="too_big",
            )
        return upload
