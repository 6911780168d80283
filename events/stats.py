"""What came of an event or group: the people met there, the meetings with them
since, the referrals they gave since, and the leads found there.

"Since" is the first time you went (the event's first visit); for an event with no
visit logged, everything counts. Each count is a correlated subquery, so
`outcomes(user, events)` annotates any number of events in one query (the insights
page reuses it), and `came_of(event)` lists the same rows for one event. Leads are
read through the reverse relation jobs.Lead.event declares (`related_name="leads"`):
this app imports nothing of jobs, which sits above it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import FieldDoesNotExist
from django.db.models import (
    DateField, IntegerField, Min, OuterRef, QuerySet, Subquery, Value,
)
from django.db.models.functions import Coalesce

from contacts.models import Contact
from events.models import Event, EventVisit
from meetings.models import Meeting
from netcrm.lib.forms import EARLIEST
from netcrm.lib.models import count_of
from referrals.models import Referral

OUTCOMES = ("people_count", "meeting_count", "referral_count", "lead_count")


def lead_model():
    """jobs.Lead, through the reverse relation of its `event` field (None without it)."""
    try:
        return Event._meta.get_field("leads").related_model
    except FieldDoesNotExist:
        return None


def _up(ref: str, levels: int):
    """OuterRef(ref) from `levels` subqueries below the query that has `ref`."""
    expression = ref
    for _ in range(levels):
        expression = OuterRef(expression)
    return expression


def met_there(event, below: int = 0) -> QuerySet:
    """The ids of the contacts met at `event`, as their "how you met" or on one of its
    visits: a UNION of two indexed lookups (an OR of the two, asked of every contact,
    made the events page read all of them once per event). `event` is an Event or a
    pk; or, with `below` > 0, the name of the field of the query `below` subqueries
    above this one that holds the event's pk."""
    here = _up(event, below) if below else event
    visit_people = EventVisit.people.through.objects.filter(eventvisit__event=here)
    return Contact.objects.filter(met_at=here).values("pk").union(
        visit_people.values("contact_id")
    )


def _count(rows: QuerySet) -> Coalesce:
    """How many of `rows` there are (all one user's: one group), each counted once
    where a join repeats it."""
    return count_of(rows, "user", distinct=True)


def outcomes(user, events: QuerySet | None = None) -> QuerySet:
    """`events` (the user's; all of them by default) annotated, in one query, with
    `first_visit` and `last_visit` (None if never), `since` (the first visit, or 1900),
    `visit_count` and the OUTCOMES counts: people_count, meeting_count, referral_count,
    lead_count."""
    events = (Event.objects.all() if events is None else events).filter(user=user)
    visits = EventVisit.objects.filter(event=OuterRef("pk")).order_by()
    events = events.annotate(
        first_visit=Subquery(
            visits.values("event").annotate(first=Min("on")).values("first")[:1],
            output_field=DateField(),
        ),
        last_visit=Subquery(visits.order_by("-on").values("on")[:1], output_field=DateField()),
    ).annotate(since=Coalesce("first_visit", Value(EARLIEST), output_field=DateField()))
    # The people, as a subquery one level below a meeting's or referral's subquery.
    people_below = met_there("pk", below=2)
    counts = {
        "visit_count": _count(EventVisit.objects.filter(event=OuterRef("pk"))),
        "people_count": _count(Contact.objects.filter(user=user, pk__in=met_there("pk", below=2))),
        "meeting_count": _count(Meeting.objects.filter(
            user=user, contacts__in=people_below, starts_at__date__gte=OuterRef("since"),
        )),
        "referral_count": _count(Referral.objects.filter(
            user=user, referrer__in=people_below, referred_on__gte=OuterRef("since"),
        )),
    }
    Lead = lead_model()
    counts["lead_count"] = (
        _count(Lead.objects.filter(user=user, event=OuterRef("pk"))) if Lead
        else Value(0, output_field=IntegerField())
    )
    return events.annotate(**counts)


@dataclass
class CameOf:
    """One event's outcomes, row by row (each list at most `limit` long)."""

    people: list[Contact]
    meetings: list[Meeting]
    referrals: list[Referral]
    leads: list
    since: date | None


def came_of(event: Event, since: date | None, limit: int) -> CameOf:
    """The people met at `event`, and the meetings, referrals and leads since `since`
    (its first visit), newest first: a fixed number of queries."""
    user = event.user_id
    people = Contact.objects.filter(user=user, pk__in=met_there(event.pk))
    start = since or EARLIEST
    meetings = (
        Meeting.objects.filter(user=user, contacts__in=people, starts_at__date__gte=start)
        .distinct().with_contacts().order_by("-starts_at", "-pk")
    )
    referrals = (
        Referral.objects.filter(user=user, referrer__in=people, referred_on__gte=start)
        .with_people().order_by("-referred_on", "-pk")
    )
    Lead = lead_model()
    leads = (
        Lead.objects.filter(user=user, event=event).select_related("organization")
        .order_by("-found_on", "-pk") if Lead else []
    )
    return CameOf(
        people=list(people.select_related("organization").order_by("name", "pk")[:limit]),
        meetings=list(meetings[:limit]),
        referrals=list(referrals[:limit]),
        leads=list(leads[:limit]),
        since=since,
    )
