"""The dashboard says so when the scheduler has not run for more than five minutes."""

from datetime import timedelta

import pytest
from django.core.cache import caches
from django.utils import timezone

from followups.models import Heartbeat
from followups.tasks import sweep_followups
from netcrm.lib import generations
from tests.conftest import run_task


@pytest.mark.django_db
def test_warning_when_beat_never_ran_or_stopped(client_logged_in):
    assert "Reminders are paused" in client_logged_in.get("/").text
    Heartbeat.beat("sweep", timezone.now() - timedelta(minutes=4))
    assert "Reminders are paused" not in client_logged_in.get("/").text
    Heartbeat.beat("sweep", timezone.now() - timedelta(minutes=6))
    html = client_logged_in.get("/").text
    assert "Reminders are paused" in html and "has not run" in html and "since" in html


@pytest.mark.django_db(transaction=True)
def test_the_sweep_run_by_the_worker_records_its_heartbeat(celery_worker, client_logged_in):
    run_task(sweep_followups)
    beat = Heartbeat.objects.get(name="sweep")
    assert timezone.now() - beat.last_seen_at < timedelta(seconds=30)
    assert "Reminders are paused" not in client_logged_in.get("/").text


@pytest.mark.django_db
def test_a_heartbeat_redis_lost_is_read_from_the_database(client_logged_in):
    Heartbeat.beat("sweep", timezone.now() - timedelta(minutes=1))
    caches[generations.CACHE].delete(Heartbeat._key("sweep"))  # Redis restarted meanwhile
    assert "Reminders are paused" not in client_logged_in.get("/").text
    Heartbeat.objects.update(last_seen_at=timezone.now() - timedelta(minutes=6))
    assert "Reminders are paused" in client_logged_in.get("/").text
