"""A backup restored, and an account left, through a real Celery worker on a real Redis."""

from __future__ import annotations

import gzip
import os
import signal
import socket
import subprocess
import sys
from datetime import timedelta

import psycopg
import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from contacts.models import Contact
from netcrm import processes
from netcrm.celery import app as celery_app
from portability import backup, restores
from portability.models import Departure, Restore, RestoreStatus
from portability.tasks import delete_account, restore_upload, resume_stalled
from tests.conftest import broker_unreachable, empty_queues, make_user, run_task, wait_for
from tests.factories import make_contact, make_meeting
from tests.stack import database_url, stack_process

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
    """Running past STALLED (its worker died elsewhere): handed to a worker again while
    it has been claimed fewer than MAX_ATTEMPTS times; after that, beat says so on its
    page instead of handing it to the long jobs' worker once more."""
    stalled = timezone.now() - restores.STALLED - timedelta(seconds=1)
    raw = gzip.compress(a_backup(other_user))
    again = Restore.objects.create(
        user=user, filename="b.json", size=1, payload=raw, status=RestoreStatus.RUNNING,
        attempts=restores.MAX_ATTEMPTS - 1, started_at=stalled,
    )
    someone = make_user("someone")
    hopeless = Restore.objects.create(
        user=someone, filename="huge.json", size=1, payload=raw,
        status=RestoreStatus.RUNNING, attempts=restores.MAX_ATTEMPTS, started_at=stalled,
    )

    assert run_task(resume_stalled) == 1
    wait_for(lambda: done(again.pk))
    again.refresh_from_db()
    assert again.attempts == restores.MAX_ATTEMPTS  # its last claim counted
    assert Contact.objects.for_user(user).count() == 1
    assert_given_up(client, hopeless)


def assert_given_up(client, restore: Restore) -> None:
    """Failed with its file dropped, nothing restored, and its page saying why."""
    restore.refresh_from_db()
    assert restore.status == RestoreStatus.FAILED and restore.payload == b""
    assert not Contact.objects.for_user(restore.user).exists()
    client.force_login(restore.user)
    page = client.get(restore.get_absolute_url()).content.decode()
    assert "The restore stopped 3 times without finishing" in page


def dead_claimant() -> str:
    """"host:pid" of a process of this machine that has exited (and been reaped)."""
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    return f"{socket.gethostname()}:{gone.pid}"


def test_who_claimed_a_restore_is_known_dead_only_on_this_machine():
    gone = dead_claimant()
    here = socket.gethostname()
    assert restores.died(gone)
    assert not restores.died(restores.worker_process())  # this process
    assert not restores.died(f"{here}:1")  # init: alive, whoever's it is
    assert not restores.died(f"another-{gone}")  # can't tell: beat's STALLED
    assert not restores.died("") and not restores.died(f"{here}:") and not restores.died("x")


def test_a_restore_whose_claimant_died_here_is_taken_over_at_once(celery_worker, user, other_user):
    """The message of a restore whose worker was killed comes again at once; the worker
    that gets it sees the claimant gone and goes on, without waiting for beat."""
    made = Restore.objects.create(
        user=user, filename="b.json", size=1, payload=gzip.compress(a_backup(other_user)),
        status=RestoreStatus.RUNNING, started_at=timezone.now(), attempts=1,
        claimed_by=dead_claimant(),
    )
    assert run_task(restore_upload, made.pk) is True
    made.refresh_from_db()
    assert (made.status, made.attempts, made.claimed_by) == (
        RestoreStatus.DONE, 2, restores.worker_process()
    )
    assert Contact.objects.for_user(user).count() == 1
    # A claimant still alive (the message delivered twice) is left alone.
    alive = Restore.objects.create(
        user=other_user, filename="b.json", size=1, payload=b"x", attempts=1,
        status=RestoreStatus.RUNNING, started_at=timezone.now(),
        claimed_by=restores.worker_process(),
    )
    assert run_task(restore_upload, alive.pk) is False
    alive.refresh_from_db()
    assert (alive.status, alive.attempts) == (RestoreStatus.RUNNING, 1)


def test_the_third_death_here_gives_up_at_once(celery_worker, client, user, other_user):
    made = Restore.objects.create(
        user=user, filename="huge.json", size=1, payload=gzip.compress(a_backup(other_user)),
        status=RestoreStatus.RUNNING, started_at=timezone.now(),
        attempts=restores.MAX_ATTEMPTS, claimed_by=dead_claimant(),
    )
    assert run_task(restore_upload, made.pk) is False
    assert_given_up(client, made)


def test_a_long_worker_killed_mid_restore_is_followed_by_the_next_at_once(
    user, other_user, tmp_path
):
    """`make run`'s long jobs' worker, by its own command line, killed (SIGKILL, as the
    kernel's out-of-memory killer does) while it restores: its process pool starts
    another, the message comes again, and the restore is done in seconds, once, with
    nothing of the first try left."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has one writer: what would hold the restore holds its claim too")
    raw = a_backup(other_user)
    empty_queues()
    queue = celery_app.conf.task_default_queue
    with stack_process(processes.long_worker(queue), tmp_path) as worker:
        wait_for(lambda: "ready" in worker.log.read_text(), timeout=60)
        with psycopg.connect(database_url()) as lock:
            # The restore's INSERTs wait on this: the worker is caught halfway.
            lock.execute(f"LOCK TABLE {Contact._meta.db_table} IN EXCLUSIVE MODE")
            made = restores.start(user, SimpleUploadedFile("b.json", raw))
            wait_for(lambda: Restore.objects.get(pk=made.pk).claimed_by, timeout=30)
            first = Restore.objects.get(pk=made.pk).claimed_by
            os.kill(int(first.rpartition(":")[2]), signal.SIGKILL)
            wait_for(lambda: Restore.objects.get(pk=made.pk).attempts == 2, timeout=30)
            lock.rollback()
        wait_for(lambda: done(made.pk), timeout=30)
    made.refresh_from_db()
    assert made.claimed_by not in ("", first)
    assert list(Contact.objects.for_user(user).values_list("name", flat=True)) == ["Sara Smith"]
    assert "takes it over" in worker.log.read_text()


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
