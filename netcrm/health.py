"""What /healthz reports: the database, Redis, the worker and beat, each cheaply.

The workers are not pinged (a broadcast and a wait on every poll): each worker
process refreshes a key in Redis for each queue it consumes every WORKER_BEAT_SECONDS,
expiring after WORKER_ALIVE_SECONDS, and the check reads the keys of the default
queue (the follow-ups) and of the long jobs' queue (netcrm/celery.py). Beat is judged
by the sweep's Heartbeat row, as the dashboard does.
"""

from __future__ import annotations

import logging
import threading

import redis
from celery import bootsteps
from django.conf import settings
from django.db import connection
from django.utils import timezone

from followups.models import Heartbeat
from netcrm.celery import long_queue

log = logging.getLogger(__name__)

WORKER_BEAT_SECONDS = 10
WORKER_ALIVE_SECONDS = 30
TIMEOUT = 0.5  # seconds for Redis to answer


def worker_key(queue: str) -> str:
    """One key per deployment's queue: a test run's worker says nothing about `make run`'s."""
    return f"netcrm:worker-alive:{queue}"


def redis_client(url: str) -> redis.Redis:
    return redis.Redis.from_url(url, socket_connect_timeout=TIMEOUT, socket_timeout=TIMEOUT)


class WorkerHeartbeat(bootsteps.StartStopStep):
    """A Celery consumer step: while the worker consumes, say so in Redis."""

    def __init__(self, consumer, **kwargs) -> None:
        super().__init__(consumer, **kwargs)
        self.stopping = threading.Event()
        self.thread: threading.Thread | None = None

    @staticmethod
    def keys(consumer) -> list[str]:
        """One key for each queue this worker consumes (its -Q, or the default queue)."""
        queues = consumer.app.amqp.queues.consume_from or [consumer.app.conf.task_default_queue]
        return [worker_key(queue) for queue in queues]

    def start(self, consumer) -> None:
        keys = self.keys(consumer)
        url = settings.REDIS_URL
        self.stopping.clear()
        self.thread = threading.Thread(
            target=self._run, args=(url, keys), name="netcrm-worker-heartbeat", daemon=True
        )
        self.thread.start()

    def _run(self, url: str, keys: list[str]) -> None:
        client = redis_client(url)
        while True:
            try:
                now = timezone.now().isoformat()
                with client.pipeline(transaction=False) as pipe:
                    for key in keys:
                        pipe.set(key, now, ex=WORKER_ALIVE_SECONDS)
                    pipe.execute()
            except (redis.RedisError, OSError) as error:
                log.warning("worker heartbeat not written: %s", error)
            if self.stopping.wait(WORKER_BEAT_SECONDS):
                return

    def stop(self, consumer) -> None:
        self.stopping.set()
        if self.thread:
            self.thread.join(timeout=2)
        try:
            redis_client(settings.REDIS_URL).delete(*self.keys(consumer))
        except (redis.RedisError, OSError):
            pass

    shutdown = stop


def check_database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return "ok"
    except Exception as error:  # any driver's error means "down"
        return f"error: {type(error).__name__}"


def check_redis_and_workers(queue: str) -> tuple[str, str, str]:
    """Redis answers PING; some worker of `queue`, and some worker of its long jobs,
    refreshed its key within WORKER_ALIVE_SECONDS."""
    client = redis_client(settings.REDIS_URL)
    try:
        client.ping()
        alive = client.mget([worker_key(queue), worker_key(long_queue(queue))])
    except (redis.RedisError, OSError) as error:
        down = "unknown: Redis is down"
        return f"error: {type(error).__name__}", down, down
    worker, long_worker = (
        "ok" if key is not None else f"error: no worker for {WORKER_ALIVE_SECONDS}s"
        for key in alive
    )
    return "ok", worker, long_worker


def check_beat() -> dict:
    """The sweep beat runs every minute; older than Heartbeat.STALE_AFTER means beat stopped."""
    try:
        beat = Heartbeat.objects.filter(name="sweep").first()
    except Exception as error:
        return {"last_run": None, "ok": False, "error": type(error).__name__}
    if beat is None:
        return {"last_run": None, "ok": False}
    return {
        "last_run": beat.last_seen_at.isoformat(),
        "ok": timezone.now() - beat.last_seen_at <= Heartbeat.STALE_AFTER,
    }


def report(queue: str) -> tuple[dict, bool]:
    """The whole report, and whether everything in it is ok."""
    redis_status, worker_status, long_worker_status = check_redis_and_workers(queue)
    result = {
        "database": check_database(),
        "redis": redis_status,
        "worker": worker_status,
        "long_worker": long_worker_status,
        "beat": check_beat(),
    }
    healthy = (
        result["database"] == "ok" and redis_status == "ok" and worker_status == "ok"
        and long_worker_status == "ok" and result["beat"]["ok"]
    )
    return result, healthy
