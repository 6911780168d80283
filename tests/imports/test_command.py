"""manage.py import_contacts: the same import from the command line."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from contacts.models import Contact
from imports import services
from imports.models import ImportBatch, Status
from tests.imports.helpers import SAMPLES, sample

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = StringIO()
    call_command("import_contacts", *args, stdout=out, stderr=out)
    return out.getvalue()


def test_import_prints_the_summary(user):
    output = run("--user", "alice", str(SAMPLES / "linkedin_connections.csv"), str(SAMPLES / "google.csv"))
    assert output.splitlines() == [
        "linkedin_connections.csv (LinkedIn connections): 5 rows",
        "  created: 3", "  matched: 0 (filled in 0)", "  twice in the file, merged: 1",
        "  skipped: 1", "    line 7: no name",
        "google.csv (Google Contacts CSV): 4 rows",
        "  created: 3", "  matched: 0 (filled in 0)", "  twice in the file, merged: 0",
        "  skipped: 1", "    line 6: no name",
    ]
    assert Contact.objects.count() == 6
    assert set(ImportBatch.objects.values_list("status", flat=True)) == {Status.DONE}
    again = run("--user", "alice", str(SAMPLES / "linkedin_connections.csv"))
    # The second Priya row is now someone netcrm has: matched, not merged.
    assert "  created: 0\n  matched: 4 (filled in 0)\n  twice in the file, merged: 0" in again
    assert Contact.objects.count() == 6


def test_dry_run_changes_nothing_and_sees_across_files(user):
    output = run("--user", "alice", "--dry-run", str(SAMPLES / "google.csv"), str(SAMPLES / "google.csv"))
    lines = output.splitlines()
    assert lines[1] == "  would create: 3"
    # The second file's people are the first file's: merged, created once.
    assert lines[7:10] == ["  would create: 0", "  matched: 0", "  twice in the file, merged: 3"]
    assert Contact.objects.count() == 0 and ImportBatch.objects.count() == 0


def test_unknown_user_and_unreadable_files(user, tmp_path):
    header = tmp_path / "header.csv"
    header.write_bytes(sample("google.csv").splitlines(keepends=True)[0])
    with pytest.raises(CommandError, match="No user called 'nobody'"):
        run("--user", "nobody", str(SAMPLES / "google.csv"))
    with pytest.raises(CommandError, match="Some files could not be imported"):
        out = StringIO()
        try:
            call_command("import_contacts", "--user", "alice", str(SAMPLES / "garbage.bin"),
                         str(tmp_path / "missing.csv"), str(SAMPLES / "v4.vcf"), str(header),
                         stdout=out, stderr=out)
        finally:
            text = out.getvalue()
            assert ("header.csv: This file has no people in it, only its header row: there is "
                    "nothing to import.") in text
            assert "garbage.bin: not a file netcrm can read: it is not text" in text
            assert "missing.csv: can't open it" in text
            assert "v4.vcf (vCard): 1 row" in text
    assert Contact.objects.filter(name="Léa Martin").exists()


def test_a_file_given_while_an_import_runs_waits_for_it_and_says_so(user):
    running = services.preview(user, sample("google.csv"), "google.csv").batch
    ImportBatch.objects.filter(pk=running.pk).update(status=Status.RUNNING)
    output = run("--user", "alice", str(SAMPLES / "linkedin_connections.csv"))
    assert output.splitlines() == [
        "linkedin_connections.csv: waits for your import of google.csv, running now; "
        "the worker imports it once that one ends.",
    ]
    assert not Contact.objects.exists()
    waiting = ImportBatch.objects.get(filename="linkedin_connections.csv")
    assert waiting.status == Status.QUEUED

