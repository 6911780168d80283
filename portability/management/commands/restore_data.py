from __future__ import annotations

from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from portability import backup


class Command(BaseCommand):
    help = "Restore a full backup (from export_data or the Your data page) into an empty account."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--user", required=True, help="The username to restore into.")
        parser.add_argument("file", help="The backup's .json file.")

    def handle(self, *args: Any, user: str, file: str, **options: Any) -> None:
        owner = get_user_model().objects.filter(username=user).first()
        if owner is None:
            raise CommandError(f"No user called {user!r}: sign up (or createsuperuser) first.")
        try:
            raw = Path(file).read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror or error}.")
        try:
            restored = backup.restore_backup(owner, raw)
        except backup.BackupError as error:
            raise CommandError(str(error))
        self.stdout.write(f"Restored {backup.describe(restored)} into {user}.")
