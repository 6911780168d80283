"""A backup restored by the worker, not in the request: the biggest network's file
(97 MB, 160,000 rows) takes from 15 s to over a minute to restore, more than a page
should hold a web process and a person's phone for.

The restore page checks what is quick to check (the file's size, that it is text and
JSON at all, that the account is empty), keeps the file compressed in a `Restore` row
and asks the worker for it; the row's page says how far it is, then what came back or
why nothing did. Exactly once: a worker claims the row (queued → running) before it
restores, and marks it done in the restore's own transaction, so a message delivered
twice restores nothing more, and a worker killed halfway leaves nothing behind.
A worker killed halfway has its message delivered again at once (tasks are acknowledged
late), and the next worker on that machine sees the claimant gone and takes it over.
Beat asks again for a restore whose message the broker lost, and for one whose worker
died elsewhere (running for longer than a restore may take). MAX_ATTEMPTS at most: a file
that kills its worker every time (too big for its memory) is then given up on, said
so on its page, instead of taking the long jobs' worker again every quarter of an hour.
"""

from __future__ import annotations

import gzip
import logging
import json
import os
import socket
from datetime import timedelta

from celery.exceptions import SoftTimeLimitExceeded
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from netcrm.lib import generations, planner
from netcrm.lib.tasks import enqueue_on_commit
from portability import backup
from portability.models import Restore, RestoreStatus

logger = logging.getLogger(__name__)

# The longest a restore may take before the worker stops it (the biggest network's
# took 76 s on the slowest machine measured), and when a running one is taken for dead.
TIME_LIMIT = 900
STALLED = timedelta(seconds=TIME_LIMIT + 60)
HEAD = 4096  # bytes of the file looked at in the request
MAX_ATTEMPTS = 3

TOO_LONG = ("The restore took longer than the server allows ({minutes} minutes), so "
            "nothing was restored. Try again when the server is less busy.")
BROKE = ("Something went wrong on the server while restoring, so nothing was restored. "
         "Try again; if it happens again, the server's log says why.")
GAVE_UP = ("The restore stopped {attempts} times without finishing (the server ran out of "
           "memory or was restarted), so nothing was restored. A smaller backup, or the "
           "server's administrator, may get further.")


def check_head(raw: bytes) -> None:
    """What the request can tell from the start of the file: BackupError when it is no
    text, or no JSON object. The rest is checked by the worker (backup.parse)."""
    head = raw[:HEAD]
    try:
        text = head.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        if error.start < len(head) - 3:  # not a character cut in two at the end
            raise backup.BackupError(
                "This is not a netcrm backup: it is not a text (JSON) file.") from None
        text = head[: error.start].decode("utf-8-sig")
    text = text.lstrip()
    if not text.startswith("{"):
        # JSON of another shape ([1, 2, 3], "text", 42) is JSON, but no backup.
        if text.startswith("[") or _json_value(text):
            raise backup.BackupError(backup.NOT_A_BACKUP)
        raise backup.BackupError("This is not a netcrm backup: it is not valid JSON.")


def _json_value(text: str) -> bool:
    """Whether `text` (the head of the file) starts with a whole JSON value."""
    try:
        json.JSONDecoder().raw_decode(text)
    except ValueError:
        return False
    return True


def start(user, upload) -> Restore:
    """Keep the uploaded file and ask the worker to restore it (once this transaction
    commits). BackupError when it cannot be: not an empty account, not a backup."""
    backup.must_be_empty(user)
    raw = upload.read()
    check_head(raw)
    restore = Restore.objects.create(
        user=user, filename=(upload.name or "backup.json")[:200], size=len(raw),
        payload=gzip.compress(raw, compresslevel=1),
    )
    from portability.tasks import restore_upload

    enqueue_on_commit(restore_upload, restore.pk)
    return restore


def under_way(user) -> Restore | None:
    """The user's restore waiting for a worker or running, if any."""
    return (
        Restore.objects.filter(user=user, status__in=RestoreStatus.under_way())
        .defer("payload").first()
    )


def _finish(pk: int, status: str, **fields) -> None:
    Restore.objects.filter(pk=pk).update(
        status=status, payload=b"", finished_at=timezone.now(), **fields
    )


def worker_process() -> str:
    """Who claims a restore: this machine and process ("host:pid")."""
    return f"{socket.gethostname()}:{os.getpid()}"[:200]


def died(claimant: str) -> bool:
    """Whether the process that claimed a restore is known to be gone: on this machine
    and no such process. Another machine's, or one that cannot be told, is not (beat
    takes it for dead once it has run past STALLED)."""
    host, _, pid = claimant.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)  # signal 0: only whether the process is there
    except ProcessLookupError:
        return True
    except OSError:  # there, someone else's
        pass
    return False


def _claim(pk: int) -> bool:
    """Claim a queued restore for this process; or take over a running one whose worker
    died mid-restore on this machine (the message is delivered again at once: tasks are
    acknowledged late), so that it goes on in seconds, not once beat finds it STALLED.
    Nothing of the dead one's transaction was committed."""
    me, now = worker_process(), timezone.now()
    claim = {"status": RestoreStatus.RUNNING, "started_at": now,
             "attempts": F("attempts") + 1, "claimed_by": me}
    if Restore.objects.filter(pk=pk, status=RestoreStatus.QUEUED).update(**claim):
        return True
    running = Restore.objects.filter(pk=pk, status=RestoreStatus.RUNNING).values_list(
        "claimed_by", "attempts"
    ).first()
    if running is None or not died(running[0]):
        return False  # done, failed, or another worker's (the message delivered twice)
    claimant, attempts = running
    if attempts >= MAX_ATTEMPTS:
        _give_up(pk, attempts)
        return False
    logger.warning("restore %s: its worker %s died; %s takes it over", pk, claimant, me)
    return bool(Restore.objects.filter(
        pk=pk, status=RestoreStatus.RUNNING, claimed_by=claimant
    ).update(**claim))


def _give_up(pk: int, attempts: int) -> None:
    logger.error("restore %s given up after %s attempts", pk, attempts)
    _finish(pk, RestoreStatus.FAILED, error=GAVE_UP.format(attempts=attempts))


def run(pk: int) -> bool:
    """Restore the upload `pk` if no worker has it; True when it was restored."""
    if not _claim(pk):
        return False
    restore = Restore.objects.select_related("user").get(pk=pk)
    try:
        with generations.acting_for(restore.user_id), transaction.atomic():
            restored = backup.restore_backup(restore.user, gzip.decompress(restore.payload))
            # In the restore's transaction: restored and said so, or neither.
            _finish(pk, RestoreStatus.DONE, summary=f"Restored {backup.describe(restored)}.")
    except backup.BackupError as error:
        _finish(pk, RestoreStatus.FAILED, error=str(error))
        return False
    except SoftTimeLimitExceeded:
        _finish(pk, RestoreStatus.FAILED, error=TOO_LONG.format(minutes=TIME_LIMIT // 60))
        return False
    except Exception:
        logger.exception("restoring upload %s failed", pk)
        _finish(pk, RestoreStatus.FAILED, error=BROKE)
        raise
    planner.refresh()  # a whole account's rows at once: SQLite's statistics now
    return True


def resume_stalled(now=None) -> int:
    """Restores queued over a minute ago that no worker has claimed (the broker was down
    when they were uploaded) and running ones past STALLED (their worker died and the
    broker lost the message): asked for again, unless their worker died MAX_ATTEMPTS
    times already. Returns how many."""
    now = now or timezone.now()
    stalled = Restore.objects.filter(status=RestoreStatus.RUNNING, started_at__lt=now - STALLED)
    for pk, attempts in stalled.filter(attempts__gte=MAX_ATTEMPTS).values_list("pk", "attempts"):
        _give_up(pk, attempts)
    # Back in the queue, as if queued over a minute ago: asked for below, in this call.
    stalled.filter(attempts__lt=MAX_ATTEMPTS).update(
        status=RestoreStatus.QUEUED, queued_at=now - timedelta(minutes=1, seconds=1)
    )
    waiting = Restore.objects.filter(
        status=RestoreStatus.QUEUED, queued_at__lt=now - timedelta(minutes=1)
    )
    ids = list(waiting.order_by("queued_at", "pk").values_list("pk", flat=True))
    from portability.tasks import restore_upload

    for pk in ids:
        enqueue_on_commit(restore_upload, pk)
    return len(ids)
