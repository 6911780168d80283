"""Exactly once, never lost: a killed worker, Redis down, two beats, beat stopped for hours.

These run real Celery processes (worker, beat) on the test database and a real
Redis, with the project's own settings: nothing here is eager or mocked.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import time
from collections import Counter
from contextlib import contextmanager
from datetime import time as day_time
from datetime import timedelta

import psycopg
import pytest
from celery.contrib.testing.worker import start_worker
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from contacts.models import Contact
from followups.models import DigestLog, FollowUp, Heartbeat
from followups.tasks import create_followups, sweep_followups
from meetings.models import Meeting
from netcrm import processes
from netcrm.celery import app as celery_app
from netcrm.lib.redis import EmbeddedRedis, celery_broker_url
from portability import restores
from referrals.models import Referral
from tests.conftest import empty_queues, make_user, point_broker_at, run_task, wait_for
from tests.stack import celery_process, children_of, database_url, stack_process

pytestmark = pytest.mark.django_db(transaction=True)


# Real processes on the test database ----------------------------------------------


@pytest.fixture(autouse=True)
def empty_queue(redis_url: str) -> None:
    """Start from empty queues: other tests' unconsumed messages are not ours."""
    empty_queues()


@contextmanager
def followups_locked():
    """Hold the follow-up table from another connection: workers block mid-task."""
    if connection.vendor == "sqlite":
        lock = sqlite3.connect(connection.settings_dict["NAME"], isolation_level=None)
        lock.execute("BEGIN IMMEDIATE")
    else:
        lock = psycopg.connect(database_url())
        lock.execute(f"LOCK TABLE {FollowUp._meta.db_table} IN EXCLUSIVE MODE")
    try:
        yield
    finally:
        lock.rollback() if connection.vendor == "postgresql" else lock.execute("ROLLBACK")
        lock.close()


def meetings_without_followups(user, count: int, **fields) -> list[Meeting]:
    """Meetings saved while no message reached a worker (as if Redis had been down)."""
    people = Contact.objects.bulk_create(
        [Contact(user=user, name=f"Person {i}") for i in range(count)]
    )
    start = fields.pop("starts_at", timezone.now() - timedelta(hours=2))
    meetings = Meeting.objects.bulk_create(
        [Meeting(user=user, starts_at=start, **fields) for _ in range(count)]
    )
    Meeting.contacts.through.objects.bulk_create(
        [Meeting.contacts.through(meeting=m, contact=p) for m, p in zip(meetings, people)]
    )
    return meetings


def thank_yous_per_meeting() -> Counter:
    return Counter(FollowUp.objects.filter(kind="thank_you").values_list("meeting", flat=True))


# The tests ---------------------------------------------------------------------------


def test_killing_a_worker_child_mid_task_creates_each_follow_up_exactly_once(user, tmp_path):
    meetings = meetings_without_followups(user, 20)
    with celery_process("worker", tmp_path, "--pool", "prefork", "--concurrency", "2") as worker:
        wait_for(lambda: "ready" in worker.log.read_text(), timeout=60)
        with followups_locked():
            for meeting in meetings:
                create_followups.delay("meetings.Meeting", [meeting.pk])
            # Both children take a task and block on the locked table, mid-transaction.
            wait_for(lambda: worker.log.read_text().count("received") >= 2, timeout=30)
            time.sleep(0.5)
            victim = children_of(worker.pid)[0]
            os.kill(victim, signal.SIGKILL)
            wait_for(lambda: "SIGKILL" in worker.log.read_text(), timeout=30)
        wait_for(lambda: FollowUp.objects.filter(kind="thank_you").count() >= 20, timeout=90)
        # Let any redelivered duplicate run before counting.
        wait_for(lambda: worker.log.read_text().count("succeeded") >= 20, timeout=60)
    log = worker.log.read_text()
    assert "WorkerLostError" in log or "exited with 'signal 9 (SIGKILL)'" in log, log[-2000:]
    assert thank_yous_per_meeting() == Counter({m.pk: 1 for m in meetings})


def test_fifty_meetings_logged_while_redis_is_down_get_fifty_thank_yous(
    client_logged_in, user, tmp_path
):
    redis = EmbeddedRedis(tmp_path / "outage.sock").start()
    session_broker = celery_app.conf.broker_url
    point_broker_at(celery_broker_url(redis.url))
    try:
        redis.stop()  # Redis goes down
        for i in range(50):
            response = client_logged_in.post(reverse("meetings:log-meeting"), {
                "new_contact_name": f"Guest {i}", "starts_at": "2026-11-20T10:00",
                "kind": "coffee", "length_minutes": 15, "invited_by": "me", "paid_by": "me",
            })
            assert response.status_code == 302, f"meeting {i} failed while Redis was down"
        assert Meeting.objects.filter(user=user).count() == 50
        assert FollowUp.objects.count() == 0

        redis.start()  # Redis is back, on the same socket
        point_broker_at(celery_broker_url(redis.url))
        with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=20):
            run_task(sweep_followups)
            assert run_task(sweep_followups) == 0  # the second sweep finds nothing missing
        assert FollowUp.objects.filter(kind="thank_you").count() == 50
        assert set(thank_yous_per_meeting().values()) == {1}
    finally:
        point_broker_at(session_broker)
        redis.stop()


def test_two_beats_at_once_create_no_duplicate_and_one_digest_each(
    celery_worker, user, other_user, tmp_path, settings
):
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    meetings = meetings_without_followups(user, 10)
    meetings_without_followups(other_user, 3)
    for someone in (user, other_user):  # both users' digest time has come, with something due
        someone.profile.digest_time = day_time(0, 0)
        someone.profile.save()
        FollowUp.objects.create(
            user=someone, kind="custom", title="Send the portfolio",
            due_at=timezone.now() - timedelta(minutes=5),
        )
    fast = {"SWEEP_INTERVAL_SECONDS": "0.5", "DIGEST_INTERVAL_SECONDS": "0.5"}
    with celery_process("beat", tmp_path, "--schedule", str(tmp_path / "one"), **fast) as one, \
            celery_process("beat", tmp_path, "--schedule", str(tmp_path / "two"), **fast) as two:
        for beat in (one, two):
            wait_for(lambda b=beat: b.log.read_text().count("send-due-digests") >= 3, timeout=60)
            wait_for(lambda b=beat: b.log.read_text().count("sweep-followups") >= 3, timeout=60)
    # Both beats sent sweeps and digest runs, many times over; let the worker finish them.
    assert run_task(sweep_followups) == 0
    assert thank_yous_per_meeting() == Counter(
        {m.pk: 1 for m in Meeting.objects.all()}
    )
    wait_for(lambda: DigestLog.objects.filter(sent_at__isnull=False).count() == 2)
    assert sorted(DigestLog.objects.values_list("user__username", flat=True)) == [
        "alice", "mallory",
    ]
    assert sorted(m.to[0] for m in mail.outbox) == ["alice@example.com", "mallory@example.com"]


def test_beat_stopped_for_six_hours_every_overdue_item_surfaces_once(
    celery_worker, client_logged_in, user
):
    six_hours_ago = timezone.now() - timedelta(hours=6)
    Heartbeat.beat("sweep", six_hours_ago)
    # Thank-yous fall due as the meeting ends (no delay, and a morning that starts at
    # midnight: at any hour of the day the test runs, all of it is due by now).
    user.profile.thank_you_delay_days = 0
    user.profile.morning_hour = 0
    user.profile.save()
    # While beat was stopped, meetings were logged and their messages were lost.
    meetings = meetings_without_followups(user, 6, starts_at=six_hours_ago)
    Meeting.objects.filter(pk__in=[m.pk for m in meetings]).update(created_at=six_hours_ago)
    sara, john = Contact.objects.filter(user=user)[:2]
    referral = Referral.objects.create(user=user, referrer=sara, referred=john)
    # …and a referral from earlier in the week whose follow-ups a lost message never made.
    Referral.objects.filter(pk=referral.pk).update(created_at=timezone.now() - timedelta(days=5))
    page = client_logged_in.get("/").text
    assert "Reminders are paused" in page and "6\xa0hours" in page

    # Beat is back: its first sweep (run by the worker) surfaces everything, once.
    assert run_task(sweep_followups) >= 8  # 6 thank-yous, the ask for an intro, the call, …
    assert run_task(sweep_followups) == 0
    page = client_logged_in.get("/")
    # Everything whose time passed while beat was down is in today's queue, once.
    overdue = page.context["overdue"] + page.context["due_today"]
    assert all(f.due_at < timezone.now() for f in overdue)
    assert len(overdue) == 8
    assert len({f.pk for f in overdue}) == 8
    assert Counter(f.kind for f in overdue) == {
        "thank_you": 6, "ask_intro": 1, "referral_call": 1,
    }
    assert "Reminders are paused" not in page.text


def test_a_long_job_never_keeps_anyone_s_follow_ups_waiting(user, other_user, tmp_path):
    """`make run`'s two workers, started by its own command lines. While the long jobs'
    worker is taken (here stopped, as if busy with someone's fifteen-minute restore),
    a restore asked for waits in its queue, and a meeting logged meanwhile gets its
    thank-you from the other worker at once. Once the long worker goes on, the restore
    is done too."""
    from portability import backup
    from portability.models import Restore, RestoreStatus

    queue = celery_app.conf.task_default_queue
    someone_else = make_user("someone-else")
    sara = Contact.objects.create(user=other_user, name="Sara Smith")
    Meeting.objects.create(user=other_user).contacts.add(sara)
    raw = backup.backup_json(other_user).encode()
    with (
        stack_process(processes.worker(), tmp_path) as worker,
        stack_process(processes.long_worker(queue), tmp_path) as long_worker,
    ):
        for process in (worker, long_worker):
            wait_for(lambda p=process: "ready" in p.log.read_text(), timeout=60)
        taken = [long_worker.pid, *children_of(long_worker.pid)]
        for pid in taken:
            os.kill(pid, signal.SIGSTOP)
        try:
            upload = SimpleUploadedFile("backup.json", raw)
            restore = restores.start(user, upload)  # committed: its message is sent now
            meeting = meetings_without_followups(someone_else, 1)[0]
            create_followups.delay("meetings.Meeting", [meeting.pk])

            wait_for(lambda: thank_yous_per_meeting() == {meeting.pk: 1}, timeout=30)
            restore.refresh_from_db()
            assert restore.status == RestoreStatus.QUEUED
        finally:
            for pid in taken:
                os.kill(pid, signal.SIGCONT)
        wait_for(lambda: Restore.objects.get(pk=restore.pk).status != RestoreStatus.QUEUED)
        wait_for(lambda: Restore.objects.get(pk=restore.pk).status != RestoreStatus.RUNNING)
    restore.refresh_from_db()
    assert (restore.status, restore.error) == (RestoreStatus.DONE, "")
    assert Contact.objects.filter(user=user, name="Sara Smith").count() == 1
    assert "long@" in long_worker.log.read_text()
