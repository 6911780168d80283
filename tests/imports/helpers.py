"""Shared by the import tests: the sample files, and importing one at once."""

from __future__ import annotations

from pathlib import Path

from imports import services
from imports.models import ImportBatch, Status

SAMPLES = Path(__file__).parent / "samples"

# A company's card as the iPhone exports it: its name as FN, no N, X-ABShowAs:COMPANY.
IPHONE_COMPANY = (
    "BEGIN:VCARD\r\nVERSION:3.0\r\nPRODID:-//Apple Inc.//iPhone OS 17.4//EN\r\n"
    "N:;;;;\r\nFN:Acme Corp\r\nORG:Acme Corp;\r\n"
    "item1.TEL;type=pref:+1 (415) 555-0100\r\nitem1.X-ABLabel:_$!<Main>!$_\r\n"
    "item2.URL;type=pref:https://acme.example\r\nitem2.X-ABLabel:_$!<HomePage>!$_\r\n"
    "X-ABShowAs:COMPANY\r\nEND:VCARD\r\n"
)


def sample(name: str) -> bytes:
    return (SAMPLES / name).read_bytes()


def import_now(user, name: str | bytes, decisions: dict | None = None, filename: str = "") -> ImportBatch:
    """Preview, confirm and run an import in this process (the worker tests use a worker)."""
    data = sample(name) if isinstance(name, str) else name
    batch = services.preview(user, data, filename or (name if isinstance(name, str) else "file")).batch
    ImportBatch.objects.filter(pk=batch.pk).update(status=Status.QUEUED, decisions=decisions or {})
    services.run_import(batch.pk)
    batch.refresh_from_db()
    return batch
