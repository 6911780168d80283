"""Real processes of the stack (netcrm/processes.py's command lines), as `make run`
starts them, on the test database and Redis."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.db import connection

from netcrm.celery import app as celery_app


def database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@contextmanager
def celery_process(kind: str, tmp_path: Path, *args: str, **env: str):
    """`celery worker` or `celery beat` as a child process on the test database and Redis."""
    with stack_process(["celery", "-A", "netcrm", kind, "--loglevel", "INFO", *args],
                       tmp_path, **env) as process:
        yield process


@contextmanager
def stack_process(command: list[str], tmp_path: Path, **env: str):
    """One of netcrm/processes.py's command lines, run as `make run` runs it (python -m),
    on the test database and Redis."""
    log_path = tmp_path / f"{command[0]}-{time.monotonic_ns()}.log"
    environment = os.environ | {
        "DATABASE_URL": database_url(),
        "REDIS_URL": settings.REDIS_URL,
        "CELERY_QUEUE": celery_app.conf.task_default_queue,
        "DATA_DIR": str(tmp_path / "data"),
        "PYTHONUNBUFFERED": "1",
    } | env
    with open(log_path, "w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", *command],
            cwd=settings.BASE_DIR, env=environment, stdout=log, stderr=subprocess.STDOUT,
        )
        process.log = log_path
        try:
            yield process
        finally:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def children_of(pid: int) -> list[int]:
    return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
