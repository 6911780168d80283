"""Keep in touch: one open reminder per contact with a cadence, due a cadence after
the last time you were in touch.

The reminder for a contact is due at the user's morning hour, `keep_in_touch_days`
after the latest of: the last interaction (a meeting, a call, a note; the day the
contact was added if none), and the last keep-in-touch reminder closed (done or
skipped). So any logged interaction pushes it back, and completing one schedules
the next a full cadence later.

Every write that changes those inputs (Contact.touch, a changed cadence, a
completed reminder) calls sync_keep_in_touch for its contacts in the same
transaction. The beat sweep runs the same function for whatever still needs it,
so a write that bypassed them (the admin, a lost message) is repaired within a
minute. The partial unique constraint (one open keep-in-touch per contact) makes
creation exactly-once; moves are conditional UPDATEs on the due date read.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import reduce
from operator import or_

from django.db import transaction
from django.db.models import (
    Case, DateTimeField, Exists, F, OuterRef, Q, QuerySet, Subquery, TextField, Value, When,
)
from django.utils import timezone

from accounts.models import Profile
from contacts.models import KEEP_IN_TOUCH, Contact, Organization
from followups.models import OPEN, FollowUp, Status
from followups.services import draft, save_new, signature
from trash.models import TrashEntry
from trash.services import move_to_trash_changing

# Contacts handled per round of queries (the sweep and bulk changes loop over rounds).
BATCH = 200
# How long after an interaction or an edit the sweep double-checks a reminder's due
# date. Every write in the app syncs at once; this catches writes that bypass it (the
# admin, a script), with room for the scheduler being down a day.
RECHECK_WINDOW = timedelta(days=2)


@dataclass
class Synced:
    created: int = 0
    moved: int = 0
    closed: int = 0

    def __add__(self, other: Synced) -> Synced:
        return Synced(
            self.created + other.created, self.moved + other.moved, self.closed + other.closed
        )

    @property
    def total(self) -> int:
        return self.created + self.moved + self.closed


def keep_in_touch_since(contact: Contact, closed_at: datetime | None = None) -> datetime:
    """When the keep-in-touch clock last restarted for `contact`."""
    since = contact.last_interaction_at or contact.created_at
    return max(since, closed_at) if closed_at else since


def keep_in_touch_due(
    contact: Contact, profile: Profile, closed_at: datetime | None = None
) -> datetime:
    """The morning a cadence after the clock last restarted."""
    return profile.morning_after(
        keep_in_touch_since(contact, closed_at), contact.keep_in_touch_days
    )


def keep_in_touch_draft(contact: Contact, profile: Profile) -> str:
    return draft(
        "keep_in_touch.txt", profile,
        contact=contact, last_spoke=contact.last_interaction_at, signature=signature(contact.user),
    )


def last_closed_at() -> Subquery:
    """When the contact's latest keep-in-touch reminder was done or skipped."""
    return Subquery(
        FollowUp.objects.filter(kind=KEEP_IN_TOUCH, contact=OuterRef("pk"))
        .exclude(status__in=OPEN)
        .exclude(completed_at=None)
        .order_by("-completed_at")
        .values("completed_at")[:1]
    )


@transaction.atomic
def sync_keep_in_touch(contact_ids: Iterable[int], now: datetime | None = None) -> Synced:
    """Make these contacts' open keep-in-touch reminders what their cadence calls for:
    create the missing ones, move those due on the wrong day, close (as skipped)
    those of contacts without a cadence any more. Safe to run any number of times,
    from any number of workers; a constant number of queries per BATCH contacts."""
    ids = list(dict.fromkeys(contact_ids))
    result = Synced()
    for start in range(0, len(ids), BATCH):
        result += _sync_batch(ids[start:start + BATCH], now or timezone.now())
    return result


def _sync_batch(ids: list[int], now: datetime) -> Synced:
    open_kit = FollowUp.objects.filter(kind=KEEP_IN_TOUCH).open()
    closed = open_kit.filter(
        contact_id__in=ids, contact__keep_in_touch_days__isnull=True
    ).update(status=Status.SKIPPED, completed_at=now)
    contacts = list(
        Contact.objects.filter(pk__in=ids, keep_in_touch_days__isnull=False)
        .select_related("user", "organization")
        .annotate(kit_closed_at=last_closed_at())
    )
    if not contacts:
        return Synced(closed=closed)
    rows = open_kit.filter(contact__in=contacts).values("pk", "contact_id", "due_at", "status")
    current = {row["contact_id"]: row for row in rows}
    profiles = Profile.objects.for_users(c.user_id for c in contacts)
    new, moves = [], []
    for contact in contacts:
        profile = profiles[contact.user_id]
        due_at = keep_in_touch_due(contact, profile, contact.kit_closed_at)
        row = current.get(contact.pk)
        if row is None:
            new.append(
                FollowUp(
                    user_id=contact.user_id,
                    kind=KEEP_IN_TOUCH,
                    due_at=due_at,
                    title=f"Keep in touch with {contact.name}",
                    draft=keep_in_touch_draft(contact, profile),
                    contact=contact,
                )
            )
        # A snoozed reminder moves later only: the snooze was the user's own choice.
        elif due_at > row["due_at"] or (due_at < row["due_at"] and row["status"] == Status.PENDING):
            moves.append((row, due_at, keep_in_touch_draft(contact, profile)))
    return Synced(created=save_new(new), moved=_move(moves), closed=closed)


def _move(moves: list[tuple[dict, datetime, str]]) -> int:
    """One conditional UPDATE: each row moves only if its due date is still the one read
    (a reminder another worker moved, or the user snoozed meanwhile, is left alone)."""
    if not moves:
        return 0
    unchanged = [Q(pk=row["pk"], due_at=row["due_at"]) for row, _, _ in moves]
    return FollowUp.objects.filter(reduce(or_, unchanged), status__in=OPEN).update(
        due_at=Case(
            *[When(pk=row["pk"], then=Value(due_at)) for row, due_at, _ in moves],
            default=F("due_at"),
            output_field=DateTimeField(),
        ),
        draft=Case(
            *[When(pk=row["pk"], then=Value(text)) for row, _, text in moves],
            default=F("draft"),
            output_field=TextField(),
        ),
    )


def keep_in_touch_done(followup: FollowUp) -> Synced:
    """A keep-in-touch reminder was done: that was a touch, and the next one is due a
    cadence from now (created at once; the constraint keeps it to one)."""
    moment = followup.completed_at or timezone.now()
    with transaction.atomic():
        contact = Contact.objects.get(pk=followup.contact_id)
        if contact.touch(moment):  # touch() syncs the contact itself
            return Synced()
        return sync_keep_in_touch([contact.pk], moment)


# The sweep --------------------------------------------------------------------------


def contacts_needing_keep_in_touch(now: datetime) -> QuerySet[Contact]:
    """Contacts whose open reminder may be missing, moot or on the wrong day: a cadence
    but no open reminder (new, done or skipped); an open reminder but no cadence; or an
    interaction or an edit lately (their due date is checked, and moved if wrong)."""
    since = now - RECHECK_WINDOW
    kit = FollowUp.objects.filter(kind=KEEP_IN_TOUCH, contact=OuterRef("pk"))
    has_open = Exists(kit.filter(status__in=OPEN))
    cadence = Q(keep_in_touch_days__isnull=False)
    recent = Q(last_interaction_at__gte=since) | Q(updated_at__gte=since)
    # Only a contact with a cadence or an open reminder can need anything: those are
    # read from their own indexes, where testing every contact took 5-9 ms a minute
    # (35,000 contacts, none on a cadence; 0.1 ms so).
    candidates = Contact.objects.filter(cadence).values("pk").union(
        FollowUp.objects.filter(kind=KEEP_IN_TOUCH, status__in=OPEN).values("contact_id"),
        all=True,
    )
    return Contact.objects.filter(pk__in=candidates).filter(
        (cadence & ~has_open) | (~cadence & has_open) | (cadence & has_open & recent)
    )


# Cadences ---------------------------------------------------------------------------


def set_cadence(contacts, days: int | None) -> tuple[int, Synced]:
    """Set the cadence of every contact in the QuerySet `contacts` (one UPDATE), then
    bring their reminders in line. Returns how many contacts, and what changed."""
    with transaction.atomic():
        count = contacts.update(keep_in_touch_days=days, updated_at=timezone.now())
        ids = contacts.order_by().values_list("pk", flat=True) if count else []
        return count, sync_keep_in_touch(ids)


def merge_organizations(
    gone: Organization, kept: Organization, name: str
) -> tuple[TrashEntry, tuple[int, int]]:
    """The same company typed two ways made one (Organization.merge_into), `kept` called
    `name` after, as one Trash entry whose restore undoes it all: both organizations,
    their people, leads and alumni as they were. (entry, (people, leads) moved)"""

    with transaction.atomic():
        # As they are saved, not as a form holds them (its instance has the typed name).
        gone, kept = (
            Organization.objects.select_for_update().get(pk=pk) for pk in (gone.pk, kept.pk)
        )

        def change() -> tuple[int, int]:
            kept.name = name  # (after the Trash has kept it as it was)
            return gone.merge_into(kept)

        return move_to_trash_changing(
            gone, keeps=kept, change=change, kind="merge",
            label=f"{gone.name}, merged into {kept.name}",
        )
