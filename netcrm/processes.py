"""The command lines of netcrm's processes, in one place.

`manage.py runstack` (what `make run` starts) runs these, and `compose.yaml` runs
the same ones (tests/netcrm/test_container_files.py holds them together). Each is
an argument list without the interpreter: runstack puts `python -m` in front so the
virtualenv's own gunicorn and celery run; a container runs them from the PATH.
"""

from __future__ import annotations

from netcrm.celery import long_queue

# gthread, 3 processes × 2 threads on 2 cores: a page is mostly Python (the database
# waits are short), and threads of one process take turns on its one interpreter
# lock. Of 2×4, 3×2, 4×2, 4×1 and 5×1 under bench/load.py, 3×2 served the most
# requests with the lowest p95 (bench/README.md).
WEB = [
    "gunicorn", "netcrm.wsgi:application",
    "--workers", "3", "--threads", "2", "--worker-class", "gthread",
    "--timeout", "60", "--graceful-timeout", "20",
    # One line per request, with the request id the app puts on every response.
    "--access-logfile", "-",
    "--access-logformat", '%(h)s "%(r)s" %(s)s %(B)s %(M)sms request_id=%({x-request-id}o)s',
]

WORKER = ["celery", "-A", "netcrm", "worker", "--loglevel", "INFO", "--concurrency", "2"]

# The long jobs (a restore, an account's deletion, an import: netcrm/celery.py) have a
# worker of their own, one at a time, so that they never hold up the follow-ups.
LONG_WORKER = [
    "celery", "-A", "netcrm", "worker", "--loglevel", "INFO", "--concurrency", "1",
    "--hostname", "long@%h",
]

BEAT = ["celery", "-A", "netcrm", "beat", "--loglevel", "INFO"]


def web(addr: str) -> list[str]:
    """Gunicorn serving netcrm on host:port (a bare port means 127.0.0.1, as runserver)."""
    bind = addr if ":" in addr else f"127.0.0.1:{addr}"
    return [*WEB, "--bind", bind]


def web_dev(manage: str, addr: str) -> list[str]:
    """Django's autoreloading development server (`make dev`), run by `python`."""
    return [manage, "runserver", addr]


def worker() -> list[str]:
    return list(WORKER)


def long_worker(queue: str) -> list[str]:
    """The worker of `queue`'s long jobs (`queue` is CELERY_QUEUE, "celery" by default)."""
    return [*LONG_WORKER, "--queues", long_queue(queue)]


def beat(schedule: str) -> list[str]:
    """Beat keeps its schedule's last-run times in a file under DATA_DIR."""
    return [*BEAT, "--schedule", schedule]
