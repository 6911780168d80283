"""Sending Celery messages without ever failing the request that saved the data."""

from __future__ import annotations

import logging
from functools import partial
from typing import Any

from celery import Task
from django.db import transaction

logger = logging.getLogger(__name__)


def send_task(task: Task, *args: Any) -> bool:
    """Publish now; on a broker outage log it and return False.

    The rows are saved already and the beat sweep finds whatever a message did
    not reach, so an unreachable broker must not become an error page.
    """
    try:
        task.apply_async(args=args, retry=False)
    except Exception:  # kombu raises OperationalError, redis-py its own, OSError…
        logger.warning("broker unreachable: %s%r left to the sweep", task.name, args, exc_info=True)
        return False
    return True


def enqueue_on_commit(task: Task, *args: Any) -> None:
    """Publish once the surrounding transaction commits (at once outside one)."""
    transaction.on_commit(partial(send_task, task, *args))
