"""The engine: it creates the follow-ups that what the user logged calls for,
exactly once, by looping over the registry of kinds (`followups.kinds`).

- After a save. A use case that saved rows calls
  `followups.tasks.followups_after_save(label, ids)` inside its transaction; once it commits, a Celery message asks the worker to run
  every kind's source that those rows call for.
- The sweep. Every minute beat runs `sweep`: each kind's sources find the
  subjects that lack what they call for (a message lost in a broker outage, a
  planned meeting that has now happened) and repair them, in batches.
- No bad row stops the rest. Each batch is repaired in its own savepoint; a batch
  that fails is retried subject by subject, and a subject that still fails is
  recorded as a `Problem` (kind, subject, owner, error, when, how often), shown to
  its owner, and left alone by the sweep until its subject is saved again or
  `Problem.RETRY_AFTER` has passed. One user's data never delays another's.

Unique constraints on FollowUp make a second run, from any place, create nothing:
the rows are the source of truth.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.apps import apps
from django.db import IntegrityError, transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import Truncator

from accounts.models import Profile
from followups import kinds
from followups.kinds import FollowUpKind, Source
from followups.models import TITLE_LENGTH, FollowUp, Problem

logger = logging.getLogger(__name__)

# How far back the sweep looks for work a lost message left undone.
SWEEP_WINDOW = timedelta(days=14)
SWEEP_BATCH = 500
ERROR_CHARS = 1000


# Building rows ---------------------------------------------------------------------


def signature(user) -> str:
    """How drafts are signed: the user's name, else their username."""
    return user.get_full_name() or user.get_username()


def draft(template: str, profile: Profile, **context) -> str:
    """A drafted note from `followups/drafts/<template>`, or from an app's own folder
    when named with it ("jobs/drafts/ask_about_lead.txt"), dated in the user's timezone."""
    name = template if "/" in template else f"followups/drafts/{template}"
    with timezone.override(profile.tzinfo):  # "on Tuesday" in the user's own week
        return render_to_string(name, context).strip()


def clip_title(title: str) -> str:
    """A title built from names fits its column: shortened, never refused."""
    return Truncator(title).chars(TITLE_LENGTH)


def save_new(rows: list[FollowUp]) -> int:
    """Insert the rows that do not exist yet; a concurrent worker that got there
    first wins, silently (ignore_conflicts on the unique constraints)."""
    for row in rows:
        row.title = clip_title(row.title)
    return len(FollowUp.objects.bulk_create(rows, ignore_conflicts=True)) if rows else 0


# Running the kinds -------------------------------------------------------------------


def sources() -> Iterable[tuple[FollowUpKind, Source]]:
    for kind in kinds.REGISTRY.values():
        for source in kind.sources():
            yield kind, source


def repair(kind: FollowUpKind, source: Source, ids: list[int], now: datetime) -> int:
    """Repair these subjects in one savepoint; on failure, one by one, recording each
    subject that still fails. Returns how many follow-ups changed."""
    if not ids:
        return 0
    try:
        with transaction.atomic():
            changed = source.repair(ids, now)
    except Exception as error:
        if len(ids) == 1:
            record_problem(kind, source.subject, ids[0], error, now)
            return 0
        return sum(repair(kind, source, [pk], now) for pk in ids)
    Problem.objects.filter(kind=kind.name, subject=source.subject, subject_id__in=ids).delete()
    return changed


def record_problem(
    kind: FollowUpKind, subject: str, subject_id: int, error: Exception, now: datetime
) -> None:
    """Note that `kind` could not be made for this subject; count the attempts."""
    logger.warning("follow-up %s for %s %s failed", kind.name, subject, subject_id, exc_info=error)
    text = Truncator(f"{type(error).__name__}: {error}").chars(ERROR_CHARS)
    key = {"kind": kind.name, "subject": subject, "subject_id": subject_id}
    if Problem.objects.filter(**key).update(
        error=text, last_seen_at=now, attempts=F("attempts") + 1
    ):
        return
    owner = apps.get_model(subject).objects.filter(pk=subject_id).values_list("user_id")
    user_id = owner.first()
    if user_id is None:
        return  # the subject is gone: nothing left to repair
    try:
        with transaction.atomic():
            Problem.objects.create(
                **key, user_id=user_id[0], error=text, first_seen_at=now, last_seen_at=now
            )
    except IntegrityError:  # another worker recorded it first
        Problem.objects.filter(**key).update(
            error=text, last_seen_at=now, attempts=F("attempts") + 1
        )


def create_followups(label: str, ids: Iterable[int], now: datetime | None = None) -> int:
    """Everything that the rows `ids` of model `label` (just saved) call for, in every
    kind. Saving a subject retries it even when a Problem is on record."""
    now = now or timezone.now()
    ids = list(ids)
    created = 0
    for kind, source in sources():
        created += repair(kind, source, list(dict.fromkeys(source.after_save(label, ids))), now)
    return created


# The sweep ---------------------------------------------------------------------------


def sweep(now: datetime | None = None) -> int:
    """Repair whatever a lost message missed, kind by kind; safe to run any number of
    times. Returns how many follow-ups changed."""
    now = now or timezone.now()
    resting = resting_subjects(now)
    changed = 0
    for kind, source in sources():
        try:
            changed += sweep_source(kind, source, now, resting)
        except Exception:  # a kind whose own query fails must not stop the others
            logger.exception("sweep of %s (%s) failed", kind.name, source.subject)
    return changed


def resting_subjects(now: datetime) -> dict[tuple[str, str], set[int]]:
    """The subjects with a recent Problem, which the sweep leaves for later, by (kind,
    model label): one read of a table that is nearly always empty, for every source
    (as a subquery in each source's query, it cost 13 of them to build, 4 ms a minute)."""
    resting: dict[tuple[str, str], set[int]] = {}
    for name, subject, subject_id in Problem.objects.filter(
        last_seen_at__gt=now - Problem.RETRY_AFTER
    ).values_list("kind", "subject", "subject_id"):
        resting.setdefault((name, subject), set()).add(subject_id)
    return resting


def sweep_source(
    kind: FollowUpKind, source: Source, now: datetime,
    resting: dict[tuple[str, str], set[int]] | None = None,
) -> int:
    """Every subject `source` calls pending, once, in batches by primary key; those
    with a recent Problem (`resting_subjects`, read here unless given) are left for later.

    The ids in one query without ORDER BY … LIMIT: batches asked for by `pk > last
    ORDER BY pk LIMIT n` let PostgreSQL walk the primary key and test every row of the
    table when nothing is pending (the sweep's usual case, every minute), instead of
    starting from the window's indexes: with the picture of bench/README.md and a
    million follow-ups, 48 ms of SQL a sweep against 27. A backlog's ids are only ids."""
    if resting is None:
        resting = resting_subjects(now)
    left = resting.get((kind.name, source.subject), set())
    ids = sorted(
        pk for pk in source.pending(now).order_by().values_list("pk", flat=True) if pk not in left
    )
    changed = 0
    for start in range(0, len(ids), SWEEP_BATCH):
        changed += repair(kind, source, ids[start:start + SWEEP_BATCH], now)
    return changed


def follow_the_clock(sender, profile: Profile, was: Profile, **kwargs) -> None:
    """The user's timezone or morning hour changed (accounts.signals.clock_changed): their
    open follow-ups keep the day and the time of day they were due at."""
    FollowUp.objects.for_user(profile.user_id).open().keep_local_times(was, profile)
