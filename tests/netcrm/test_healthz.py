"""/healthz: the database, Redis, the two workers (follow-ups, long jobs) and beat, each
checked cheaply; 200 only when all are fine, 503 with what is down otherwise; no login,
never cached."""

from datetime import timedelta

import pytest
from django.utils import timezone

from followups.models import Heartbeat
from netcrm.celery import app as celery_app
from netcrm.celery import long_queue
from netcrm.health import WORKER_ALIVE_SECONDS, redis_client, worker_key
from tests.conftest import wait_for


@pytest.fixture
def beat_alive(db) -> None:
    Heartbeat.beat("sweep", timezone.now() - timedelta(minutes=1))


def keys() -> tuple[str, str]:
    """The worker keys of the default queue and of its long jobs'."""
    queue = celery_app.conf.task_default_queue
    return worker_key(queue), worker_key(long_queue(queue))


def worker_alive() -> bool:
    from django.conf import settings

    return all(redis_client(settings.REDIS_URL).mget(keys()))


def test_all_ok_with_real_redis_and_a_real_worker(client, celery_worker, beat_alive):
    wait_for(worker_alive, timeout=10)

    response = client.get("/healthz")

    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["database"] == "ok"
    assert body["redis"] == "ok"
    assert body["worker"] == "ok"
    assert body["long_worker"] == "ok"
    assert body["beat"]["ok"] is True
    assert body["beat"]["last_run"].startswith(str(timezone.now().year))
    assert "no-cache" in response["Cache-Control"]
    assert "max-age=0" in response["Cache-Control"]
    assert "Set-Cookie" not in response.headers


def test_a_stopped_worker_takes_its_heartbeat_with_it(client, redis_url, beat_alive):
    # No worker in this test: none of this queue's keys is alive.
    redis_client(redis_url).delete(*keys())

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["worker"] == f"error: no worker for {WORKER_ALIVE_SECONDS}s"
    assert response.json()["long_worker"] == f"error: no worker for {WORKER_ALIVE_SECONDS}s"
    assert response.json()["redis"] == "ok"


def test_503_when_only_the_long_jobs_worker_is_missing(client, redis_url, beat_alive):
    """Restores, deletions and imports would wait for ever: a monitor must hear of it."""
    follow_ups, long_jobs = keys()
    redis_client(redis_url).set(follow_ups, "now", ex=5)
    redis_client(redis_url).delete(long_jobs)

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["worker"] == "ok"
    assert response.json()["long_worker"] == f"error: no worker for {WORKER_ALIVE_SECONDS}s"


def test_503_when_redis_is_unreachable(client, settings, tmp_path, beat_alive):
    settings.REDIS_URL = f"unix://{tmp_path}/nobody-listens.sock"

    response = client.get("/healthz")

    assert response.status_code == 503
    body = response.json()
    assert body["redis"].startswith("error:")
    assert body["worker"].startswith("unknown")
    assert body["long_worker"].startswith("unknown")
    assert body["database"] == "ok"


def test_503_when_beat_is_stale(client, redis_url, db):
    for key in keys():
        redis_client(redis_url).set(key, "now", ex=5)
    last = timezone.now() - Heartbeat.STALE_AFTER - timedelta(seconds=1)
    Heartbeat.beat("sweep", last)

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["beat"] == {"last_run": last.isoformat(), "ok": False}
    assert response.json()["worker"] == response.json()["long_worker"] == "ok"


def test_503_when_beat_never_ran(client, db):
    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["beat"] == {"last_run": None, "ok": False}


def test_no_login_and_a_constant_number_of_queries(
    client, user, beat_alive, django_assert_num_queries
):
    with django_assert_num_queries(2):  # SELECT 1, the sweep's heartbeat
        client.get("/healthz")
    # A signed-in browser's session and user are never loaded either.
    client.force_login(user)
    for _ in range(2):
        with django_assert_num_queries(2):
            response = client.get("/healthz")
    assert response.json()["database"] == "ok"


def test_answers_a_plain_http_probe_whatever_the_host(client, settings, beat_alive):
    settings.SECURE_SSL_REDIRECT = True
    settings.ALLOWED_HOSTS = ["crm.example.com"]

    response = client.get("/healthz", HTTP_HOST="localhost:8000")

    assert response["Content-Type"] == "application/json"
    assert "database" in response.json()
    assert client.get("/accounts/login/", HTTP_HOST="crm.example.com").status_code == 301


def test_only_get(client, db):
    assert client.post("/healthz").status_code == 405
