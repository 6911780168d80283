from __future__ import annotations

from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from portability import backup, exports

FORMATS = {
    "json": backup.backup_text,  # in pieces, as made: a big account's rows never all at once
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
        made = FORMATS[format](owner)
        pieces = [made] if isinstance(made, str) else made
        if output and output != "-":
            # newline="": the CSV's own CRLF line ends stay as they are.
            with Path(output).open("w", encoding="utf-8", newline="") as file:
                file.writelines(pieces)
            self.stderr.write(f"Wrote {format} of {user} to {output}.")
        else:
            for piece in pieces:
                self.stdout.write(piece, ending="")
