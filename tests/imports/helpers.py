"""Shared by the import tests: the sample files, and importing one at once."""

from __future__ import annotations

from pathlib import Path

from imports import services
from imports.models import ImportBatch, Status

SAMPLES = Path(__file__).parent / "samples"


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
