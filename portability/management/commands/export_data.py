from __future__ import annotations

from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from portability import backup, exports

FORMATS = {
    "json": backup.backup_json,
    "csv": exports.contacts_csv,
    "vcf": exports.contacts_vcard,
}


class Command(BaseCommand):
    help = (
        "Export a user's data: a full backup (json), or their contacts as CSV or vCard "
        "4.0 (vcf), to a file (-o) or standard output."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--user", required=True, help="The username whose data to export.")
        parser.add_argument("--format", choices=sorted(FORMATS), default="json")
        parser.add_argument("-o", "--output", help="The file to write (default: standard output).")

    def handle(self, *args: Any, user: str, format: str, output: str | None, **options: Any) -> None:
        owner = get_user_model().objects.filter(username=user).first()
        if owner is None:
            raise CommandError(f"No user called {user!r}.")
        text = FORMATS[format](owner)
        if output and output != "-":
            # newline="": the CSV's own CRLF line ends stay as they are.
            Path(output).write_text(text, encoding="utf-8", newline="")
            self.stderr.write(f"Wrote {format} of {user} to {output}.")
        else:
            self.stdout.write(text, ending="")
