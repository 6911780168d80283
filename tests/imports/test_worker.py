"""The import through a real Celery worker on a real Redis."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse

from contacts.models import Contact
from imports import services
from imports.models import ImportBatch, Status
from imports.tasks import import_batch, resume_imports
from tests.conftest import broker_unreachable, run_task, wait_for
from tests.imports.helpers import sample
from tests.planner_stats import forget_statistics, rows_counted

pytestmark = pytest.mark.django_db(transaction=True)


def test_confirm_imports_through_the_worker(celery_worker, client, user):
    client.force_login(user)
    client.post(reverse("imports:upload"), {"file": SimpleUploadedFile("google.csv", sample("google.csv"))})
    batch = ImportBatch.objects.get()
    assert Contact.objects.count() == 0
    client.post(reverse("imports:confirm", args=[batch.pk]))
    wait_for(lambda: ImportBatch.objects.filter(pk=batch.pk, status=Status.DONE).exists())
    assert sorted(Contact.objects.values_list("name", flat=True)) == [
        "Amara Okafor", "Dana Whitfield", "Rafael Costa",
    ]
    # The message delivered again (or a second worker) imports nothing more.
    assert run_task(import_batch, batch.pk) == 0
    assert Contact.objects.count() == 3
    body = client.get(batch.get_absolute_url()).content.decode()
    assert "Import finished" in body and "<strong>3</strong> created" in body


def test_a_lost_message_is_sent_again_by_the_sweep(celery_worker, user, tmp_path):
    batch = services.preview(user, sample("linkedin_connections.csv"), "c.csv").batch
    with broker_unreachable(tmp_path):
        assert services.confirm(batch, {})  # saved, though the message is lost
    batch.refresh_from_db()
    assert batch.status == Status.QUEUED
    assert run_task(resume_imports) == 0  # not a minute old yet
    ImportBatch.objects.filter(pk=batch.pk).update(queued_at=batch.queued_at.replace(year=2020))
    assert run_task(resume_imports) == 1
    wait_for(lambda: ImportBatch.objects.filter(pk=batch.pk, status=Status.DONE).exists())
    assert Contact.objects.count() == 3


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's planner statistics")
def test_an_import_leaves_sqlite_statistics_of_the_contacts_it_made(celery_worker, user):
    forget_statistics()
    batch = services.preview(user, sample("google.csv"), "google.csv").batch
    services.confirm(batch, {})
    wait_for(lambda: ImportBatch.objects.filter(pk=batch.pk, status=Status.DONE).exists())
    assert wait_for(lambda: rows_counted() == "3")  # the three contacts it made
