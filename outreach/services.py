"""Asking for a meeting: log the request, record the answer, plan the meeting it led
to. Each is one function the views, `seed_demo` and tests call."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from followups.tasks import followups_after_save
from meetings.models import Meeting
from outreach.followups import settle
from outreach.models import ANSWERED, Answer, Outreach


@transaction.atomic
def log_outreach(outreach: Outreach) -> Outreach:
    """Save a request (and its person, if new). Asking is a touch; the worker makes
    the gentle nudge once it is due (at once, for a request logged days late)."""
    if outreach.contact.pk is None:
        outreach.contact = outreach.contact.save_with_organization()
    outreach.save()
    outreach.contact.touch(outreach.asked_at)
    followups_after_save("outreach.Outreach", outreach.pk)
    return outreach


def record_answer(
    outreach: Outreach, answer: str, *, seen: str | None = None, now: datetime | None = None
) -> bool:
    """Record their answer, from the answer the user saw (`seen`: a double tap or a
    stale tab records it once). A real answer is a touch and settles the nudge.
    True if it changed; the instance is refreshed."""
    if answer not in Answer.values:
        raise ValueError(f"not an answer: {answer!r}")
    now = now or timezone.now()
    before = seen if seen is not None else outreach.answer
    if answer == before:
        outreach.refresh_from_db(fields=["answer", "answered_at"])
        return False
    with transaction.atomic():
        changed = Outreach.objects.filter(pk=outreach.pk, answer=before).update(
            answer=answer, answered_at=None if answer == Answer.PENDING else now,
            updated_at=now,
        )
        if changed and answer in ANSWERED:
            outreach.contact.touch(now)  # they answered: an interaction
            settle([outreach.pk], now)
    outreach.refresh_from_db(fields=["answer", "answered_at"])
    return bool(changed)


@transaction.atomic
def plan_meeting(outreach: Outreach, meeting: Meeting, now: datetime | None = None) -> Outreach:
    """They said yes: the request links the meeting planned (and is accepted, if it
    was not yet)."""
    if outreach.answer != Answer.ACCEPTED:
        record_answer(outreach, Answer.ACCEPTED, now=now)
    Outreach.objects.filter(pk=outreach.pk).update(meeting=meeting)
    outreach.meeting = meeting
    return outreach
