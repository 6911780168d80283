"""Requests for a meeting, made the way the app makes them."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone

from outreach.models import Outreach
from outreach.services import log_outreach


def make_outreach(
    user, contact, *, days_ago: float = 0, asked_at: datetime | None = None,
    purpose: str = "how Acme's data team hires", **fields,
) -> Outreach:
    return log_outreach(Outreach(
        user=user, contact=contact, purpose=purpose,
        asked_at=asked_at or timezone.now() - timedelta(days=days_ago), **fields,
    ))


def bulk_outreach(user, contacts, count: int, **fields) -> list[Outreach]:
    now = timezone.now()
    return Outreach.objects.bulk_create(
        Outreach(
            user=user, contact=contacts[i % len(contacts)], purpose=f"purpose {i}",
            asked_at=now - timedelta(hours=i), **fields,
        )
        for i in range(count)
    )
