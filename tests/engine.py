"""Running one kind of follow-up at a time, as the engine does for all of them."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from followups import kinds
from followups.services import repair, sweep_source


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
