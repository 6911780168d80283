"""A backup restored, and an account left, through a real Celery worker on a real Redis."""

from __future__ import annotations

import gzip
from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from contacts.models import Contact
from portability import backup, restores
from portability.models import Departure, Restore, RestoreStatus
from portability.tasks import delete_account, restore_upload, resume_stalled
from tests.conftest import broker_unreachable, run_task, wait_for
from tests.factories import make_contact, make_meeting

pytestmark = pytest.mark.django_db(transaction=True)

RESTORE = reverse("portability:restore")


def a_backup(owner) -> bytes:
    sara = make_contact(owner, "Sara Smith", organization="Acme")
    make_meeting(owner, [sara], purpose="hiring")
    return backup.backup_json(owner).encode()


def done(pk) -> bool:
    return Restore.objects.filter(pk=pk, status=RestoreStatus.DONE).exists()


def test_the_worker_restores_an_upload_once(celery_worker, client, user, other_user):
    client.force_login(user)
    response = client.post(RESTORE, {"backup": SimpleUploadedFile("b.json", a_backup(other_user))})
    made = Restore.objects.get()
    assert response["Location"] == made.get_absolute_url()
    wait_for(lambda: done(made.pk))
    assert list(Contact.objects.for_user(user).values_list("name", flat=True)) == ["Sara Smith"]
    page = client.get(made.get_absolute_url()).content.decode()
    assert "Restored 1 organization, 1 contact, 1 meeting" in page
    # The message delivered again (or a second worker) restores nothing more.
    assert run_task(restore_upload, made.pk) is False
    assert Contact.objects.for_user(user).count() == 1


def test_a_lost_message_is_sent_again_by_beat(celery_worker, client, user, other_user, tmp_path):
    client.force_login(user)
    raw = a_backup(other_user)
    with broker_unreachable(tmp_path):  # saved, though the message is lost
        response = client.post(RESTORE, {"backup": SimpleUploadedFile("b.json", raw)})
    made = Restore.objects.get()
    assert response.status_code == 302 and made.status == RestoreStatus.QUEUED
    assert run_task(resume_stalled) == 0  # not a minute old yet
    Restore.objects.filter(pk=made.pk).update(queued_at=timezone.now() - timedelta(minutes=2))
    assert run_task(resume_stalled) == 1
    wait_for(lambda: done(made.pk))
    assert Contact.objects.for_user(user).count() == 1


def test_a_restore_whose_worker_died_is_run_again(celery_worker, user, other_user):
    """Claimed (running) by a worker killed before its transaction committed: nothing
    of it is in the database, and once it has run longer than a restore may, beat
    hands it to a worker again."""
    made = Restore.objects.create(
        user=user, filename="b.json", size=1, payload=gzip.compress(a_backup(other_user)),
        status=RestoreStatus.RUNNING, started_at=timezone.now() - timedelta(minutes=5),
    )
    assert run_task(resume_stalled) == 0  # it may still be running
    Restore.objects.filter(pk=made.pk).update(
        started_at=timezone.now() - restores.STALLED - timedelta(seconds=1)
    )
    assert run_task(resume_stalled) == 1
    wait_for(lambda: done(made.pk))
    assert Contact.objects.for_user(user).count() == 1


def test_a_restore_that_kills_its_worker_every_time_is_given_up_on(
    celery_worker, client, user, other_user
):
    """Claimed three times, and each time its worker died before it finished (a file
    too big for the worker's memory): beat says so on its page instead of handing it
    to the long jobs' worker a fourth time."""
    made = Restore.objects.create(
        user=user, filename="huge.json", size=1, payload=gzip.compress(a_backup(other_user)),
        status=RestoreStatus.RUNNING, attempts=restores.MAX_ATTEMPTS - 1,
        started_at=timezone.now() - restores.STALLED - timedelta(seconds=1),
    )
    assert run_task(resume_stalled) == 1  # the second death: once more
    wait_for(lambda: done(made.pk))
    made.refresh_from_db()
    assert made.attempts == restores.MAX_ATTEMPTS  # each claim counted
    Contact.objects.filter(user=user).delete()  # as if that third run had died too
    Restore.objects.filter(pk=made.pk).update(
        status=RestoreStatus.RUNNING, payload=gzip.compress(a_backup(other_user)),
        started_at=timezone.now() - restores.STALLED - timedelta(seconds=1),
    )

    assert run_task(resume_stalled) == 0
    made.refresh_from_db()
    assert made.status == RestoreStatus.FAILED and made.payload == b""
    assert not Contact.objects.filter(user=user).exists()
    client.force_login(user)
    page = client.get(made.get_absolute_url()).content.decode()
    assert "The restore stopped 3 times without finishing" in page


def test_the_worker_deletes_an_account_its_owner_left(celery_worker, client, user, tmp_path):
    user.set_password("a-long-password-1")
    user.save()
    make_contact(user, "Sara Smith")
    client.force_login(user)
    with broker_unreachable(tmp_path):  # closed, though the message is lost
        response = client.post(reverse("portability:leave"), {"password": "a-long-password-1"})
    assert response.status_code == 302
    assert Departure.objects.filter(user=user).exists() and Contact.objects.exists()
    assert run_task(resume_stalled) == 0  # not a minute old yet
    Departure.objects.filter(user=user).update(requested_at=timezone.now() - timedelta(minutes=2))
    assert run_task(resume_stalled) == 1
    wait_for(lambda: not User.objects.filter(pk=user.pk).exists())
    assert not Contact.objects.exists() and not Departure.objects.exists()
    assert run_task(delete_account, user.pk) is False
