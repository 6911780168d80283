"""Saving and moving a lead: the use cases the lead pages, seed_demo and any future
API share. Each settles the follow-ups the lead's new state made moot (and withdraws
the open asks about an organization the lead no longer names) and, once it commits,
asks the worker for those it calls for (jobs/followups.py)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.db import transaction

from contacts.models import Contact
from followups.tasks import followups_after_save
from jobs.followups import settle, withdraw_asks
from jobs.models import Lead


@transaction.atomic
def save_lead(lead: Lead, people: Iterable[Contact] = ()) -> Lead:
    """Save a lead, new (its first status is its first move) or edited, with its people."""
    if lead.pk is None:
        lead.save_new(list(people))
    else:
        named_before = (
            Lead.objects.filter(pk=lead.pk).values_list("organization_id", flat=True).first()
        )
        lead.save()
        lead.contacts.set(list(people))
        if named_before != lead.organization_id:
            withdraw_asks([lead.pk])  # they were about the organization it no longer names
    settle([lead.pk])
    followups_after_save("jobs.Lead", lead.pk)
    return lead


def move_lead(
    lead: Lead, status: str, outcome: str = "", *, seen: tuple[str, str] | None = None,
    at: datetime | None = None,
) -> bool:
    """`Lead.move`, and what the move calls for: True if it moved."""
    with transaction.atomic():
        moved = lead.move(status, outcome, seen=seen, at=at)
        if moved:
            settle([lead.pk], now=lead.moved_at)
            followups_after_save("jobs.Lead", lead.pk)
    return moved
