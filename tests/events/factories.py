"""Rows the events tests need."""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone

from events.models import Event, EventVisit, Kind, Recurrence


def make_event(user, name="Tuesday Job Club", kind=Kind.SUPPORT_GROUP, **fields) -> Event:
    fields.setdefault("recurrence", Recurrence.RECURRING)
    return Event.objects.create(user=user, name=name, kind=kind, **fields)


def visit(
    event: Event, on: date | None = None, people=(), days_ago: int | None = None
) -> EventVisit:
    if days_ago is not None:
        on = timezone.localdate() - timedelta(days=days_ago)
    return event.went(on=on, people=people)


def bulk_events(user, count: int, contacts_per_event=(), prefix="Event") -> list[Event]:
    """`count` events, each visited once a week ago with `contacts_per_event` met there."""
    events = Event.objects.bulk_create(
        Event(user=user, name=f"{prefix} {i:03d}", kind=Kind.values[i % len(Kind.values)])
        for i in range(count)
    )
    week_ago = timezone.localdate() - timedelta(days=7)
    visits = EventVisit.objects.bulk_create(
        EventVisit(user=user, event=event, on=week_ago) for event in events
    )
    Through = EventVisit.people.through
    Through.objects.bulk_create(
        Through(eventvisit_id=v.pk, contact_id=c.pk) for v in visits for c in contacts_per_event
    )
    return events
