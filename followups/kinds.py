"""The registry of follow-up kinds: one small class per kind, in the app that owns
its subject (`meetings/followups.py`, `referrals/followups.py`…), registered when
that app loads. The engine (`followups.services`) loops over the registry and
knows no domain app; `FollowUp` has no per-kind switch.

A kind says:
- its name (stored in FollowUp.kind), label and badge;
- where its rows come from: one or more `Source`s, each naming the model of its
  subject ("meetings.Meeting"), which saved rows call for it (`after_save`), which
  rows the sweep should repair (`pending`) and how to repair them (`repair`:
  create, move or redraft what is missing; safe to run any number of times);
- what done and skip do to its subject (`done`, `skipped`), in the same
  transaction as the status change;
- its email subject, for the mailto link.

Adding a kind is one class in one file, plus its draft template.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, ClassVar

from django.db.models import QuerySet

if TYPE_CHECKING:
    from followups.models import FollowUp


@dataclass(frozen=True)
class Source:
    """Where one kind's follow-ups come from: rows of the model `subject`."""

    subject: str  # a model label, "meetings.Meeting"
    pending: Callable[[datetime], QuerySet]  # subjects the sweep should repair
    repair: Callable[[list[int], datetime], int]  # returns how many follow-ups changed
    # (label, ids) of saved rows -> the ids of this source's subjects they call for
    after_save: Callable[[str, list[int]], Iterable[int]]


class FollowUpKind:
    name: ClassVar[str]
    label: ClassVar[str]
    badge: ClassVar[str] = ""  # the queue's badge; the label unless a kind says shorter
    email_subject: ClassVar[str] = ""  # "" means the follow-up's title
    mailto: ClassVar[bool] = True  # offer "email it" when the contact has an address
    priority: ClassVar[bool] = False  # first in the queue, marked as a priority

    def __init_subclass__(cls, **kwargs) -> None:
        super().__init_subclass__(**kwargs)
        if not cls.__dict__.get("badge") and "label" in cls.__dict__:
            cls.badge = cls.label

    # The usual single source: override `subject`, `pending` and `repair`.
    subject: ClassVar[str] = ""

    def sources(self) -> list[Source]:
        if not self.subject:
            return []  # made by hand only
        return [Source(self.subject, self.pending, self.repair, self.after_save)]

    def after_save(self, label: str, ids: list[int]) -> Iterable[int]:
        """The subjects that rows of model `label` just saved call for (default: those rows)."""
        return ids if label == self.subject else []

    def pending(self, now: datetime) -> QuerySet:
        raise NotImplementedError

    def repair(self, ids: list[int], now: datetime) -> int:
        raise NotImplementedError

    @property
    def made_by_hand(self) -> bool:
        """No source: only a person makes these (the engine would not make one again)."""
        return not self.sources()

    # Doing or skipping one may change its subject. What a kind changes it returns
    # (JSON-able, or None): Undo hands that back to `undo_done` / `undo_skipped`, which
    # take back exactly that change, and only if nothing has changed it since.
    def done(self, followup: FollowUp, now: datetime) -> dict | None:
        """What doing it changes in its subject (nothing by default)."""
        return None

    def undo_done(self, followup: FollowUp, changed: dict) -> None:
        """Take back what `done` changed."""

    def skipped(self, followup: FollowUp, now: datetime) -> dict | None:
        """What skipping it changes in its subject (nothing by default)."""
        return None

    def undo_skipped(self, followup: FollowUp, changed: dict) -> None:
        """Take back what `skipped` changed."""

    def subject_line(self, followup: FollowUp) -> str:
        return self.email_subject or followup.title


REGISTRY: dict[str, FollowUpKind] = {}


def register(cls: type[FollowUpKind]) -> type[FollowUpKind]:
    """Class decorator: add one instance of `cls` to the registry, under its name."""
    if cls.name in REGISTRY and type(REGISTRY[cls.name]) is not cls:
        raise ValueError(f"two follow-up kinds are called {cls.name!r}")
    REGISTRY[cls.name] = cls()
    return cls


def get(name: str) -> FollowUpKind:
    """The kind called `name`; an unknown name (a kind since removed) does nothing."""
    return REGISTRY.get(name) or Unknown()


def priority_kinds() -> list[str]:
    return [kind.name for kind in REGISTRY.values() if kind.priority]


def choices() -> list[tuple[str, str]]:
    """FollowUp.kind's choices: every registered kind (a callable, so adding a kind
    needs no migration)."""
    return [(kind.name, kind.label) for kind in REGISTRY.values()]


class Unknown(FollowUpKind):
    name = ""
    label = "Follow-up"


@register
class Custom(FollowUpKind):
    """Added by hand, about anyone or nobody: the engine's own kind."""

    name = "custom"
    label = "Custom"
