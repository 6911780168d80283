"""Running one kind of follow-up at a time, as the engine does for all of them."""

from __future__ import annotations

from datetime import datetime
from functools import partial

from django.utils import timezone

from followups import kinds, services, tasks
from followups.services import repair, sweep_source
from netcrm.lib.tasks import send_task


def run_kind(name: str, ids: list[int], now: datetime | None = None, subject: str = "") -> int:
    """What the kind `name` creates for these subjects (of its source `subject`, if it
    has several), as after a save."""
    kind = kinds.get(name)
    return sum(
        repair(kind, source, list(ids), now or timezone.now())
        for source in kind.sources()
        if not subject or source.subject == subject
    )


def sweep_kinds(*names: str, now: datetime | None = None) -> int:
    """The sweep, for these kinds only."""
    now = now or timezone.now()
    return sum(
        sweep_source(kinds.get(name), source, now)
        for name in names
        for source in kinds.get(name).sources()
    )


def run_enqueued(callbacks: list, now: datetime | None = None) -> int:
    """Do here, in this process, what the worker does with the `create_followups`
    messages that these on-commit callbacks (`django_capture_on_commit_callbacks`,
    not executed) would have sent: the engine runs for exactly the rows the use case
    enqueued. At least one such message is required, so that a check that nothing was
    created cannot pass because nothing ran. The broker itself is the business of the
    worker tests."""
    messages = [
        callback.args[1:]
        for callback in callbacks
        if isinstance(callback, partial)
        and callback.func is send_task
        and callback.args[0] is tasks.create_followups
    ]
    assert messages, f"no create_followups message among the on-commit callbacks {callbacks}"
    return sum(services.create_followups(label, ids, now=now) for label, ids in messages)
