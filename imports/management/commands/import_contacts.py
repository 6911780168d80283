"""manage.py import_contacts --user USERNAME [--dry-run] FILE...: what the Import page
does, at once (no worker), printing the summary."""

from __future__ import annotations

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from contacts.identity import Index
from imports import services
from imports.models import ImportBatch, Status
from imports.parsers import Refused, Unreadable


class Command(BaseCommand):
    help = "Import contacts from LinkedIn, Google or Outlook CSV files or vCards."

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", metavar="FILE")
        parser.add_argument("--user", required=True, help="the username to import for")
        parser.add_argument("--dry-run", action="store_true",
                            help="show what would happen; change nothing")

    def handle(self, *args, files, user, dry_run, **options):
        owner = get_user_model().objects.filter(username=user).first()
        if owner is None:
            raise CommandError(f"No user called {user!r}.")
        index = Index.for_user(owner, services.region()) if dry_run else None
        seen: list[dict] = []
        failed = False
        for name in files:
            path = Path(name)
            try:
                data = path.read_bytes()
            except OSError as error:
                self.stderr.write(f"{name}: can't open it ({error.strerror})")
                failed = True
                continue
            try:
                # A dry run plans every file against one index: the second file sees the first's people.
                found = services.preview(owner, data, path.name, save=not dry_run, index=index,
                                         seen=seen)
            except Refused as error:
                self.stderr.write(f"{name}: {error}")
                failed = True
                continue
            except Unreadable as error:
                self.stderr.write(f"{name}: not a file netcrm can read: {error}")
                failed = True
                continue
            batch = found.batch
            if not dry_run:
                ImportBatch.objects.filter(pk=batch.pk).update(
                    status=Status.QUEUED, queued_at=timezone.now()
                )
                services.run_import(batch.pk)
                batch.refresh_from_db()
                if batch.waiting_for:  # one import at a time: the worker does it next
                    self.stdout.write(
                        f"{path.name}: waits for your import of {batch.waiting_for.filename}, "
                        "running now; the worker imports it once that one ends."
                    )
                    continue
            self.stdout.write("\n".join(services.summary_lines(batch, dry_run=dry_run)))
        if failed:
            raise CommandError("Some files could not be imported.")
