"""What came of an event, counted: events.stats.outcomes(), for the list, the event's
page and the insights page alike."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from contacts.models import Contact
from events.models import Event, Kind
from events.stats import OUTCOMES, came_of, outcomes
from jobs.models import Lead
from referrals.models import Referral
from tests.events.factories import bulk_events, make_event, visit
from tests.factories import bulk_contacts, make_contact, make_meeting, make_organization

pytestmark = pytest.mark.django_db


def counts(event: Event) -> tuple[int, ...]:
    return tuple(getattr(event, name) for name in OUTCOMES)


def ago(days: int):
    return timezone.now() - timedelta(days=days)


def refer(user, referrer, referred, days_ago: int) -> Referral:
    return Referral.objects.create(
        user=user, referrer=referrer, referred=referred,
        referred_on=timezone.localdate() - timedelta(days=days_ago),
    )


def test_counts_people_meetings_referrals_and_leads_since_you_first_went(user):
    sara, john, alan, zoe = (make_contact(user, n) for n in ("Sara", "John", "Alan", "Zoe"))
    breakfast = make_event(user, "Breakfast", Kind.BUSINESS_GROUP)
    visit(breakfast, days_ago=20, people=[sara, john])
    visit(breakfast, days_ago=13, people=[sara])  # met again: still one person
    Contact.objects.filter(pk=alan.pk).update(met_at=breakfast)  # "how you met" names it
    Contact.objects.filter(pk=sara.pk).update(met_at=breakfast)  # both ways: once

    make_meeting(user, [sara, john], starts_at=ago(10))  # one meeting with two of them: 1
    make_meeting(user, [alan], starts_at=ago(5))
    make_meeting(user, [sara], starts_at=ago(40))  # before the first visit: not of it
    make_meeting(user, [zoe], starts_at=ago(3))  # not met there
    refer(user, sara, zoe, days_ago=9)
    refer(user, john, zoe, days_ago=8)
    refer(user, sara, alan, days_ago=30)  # before
    refer(user, zoe, sara, days_ago=2)  # zoe was not met there
    acme = make_organization(user)
    Lead(user=user, organization=acme, role="Analyst", source="event", event=breakfast).save_new()

    event = outcomes(user).get(pk=breakfast.pk)

    assert counts(event) == (3, 2, 2, 1)
    assert event.visit_count == 2
    assert event.first_visit == timezone.localdate() - timedelta(days=20)
    assert event.last_visit == timezone.localdate() - timedelta(days=13)
    came = came_of(event, event.first_visit, limit=10)
    assert sorted(p.name for p in came.people) == ["Alan", "John", "Sara"]
    assert len(came.meetings) == 2 and len(came.referrals) == 2 and len(came.leads) == 1


def test_an_event_never_attended_counts_everything_and_nothing_is_zero(user):
    sara = make_contact(user, "Sara")
    named = make_event(user, "Named only")
    Contact.objects.filter(pk=sara.pk).update(met_at=named)
    make_meeting(user, [sara], starts_at=ago(300))
    empty = make_event(user, "Empty")

    by_name = {e.name: e for e in outcomes(user)}

    assert counts(by_name["Named only"]) == (1, 1, 0, 0)
    assert by_name["Named only"].last_visit is None
    assert counts(by_name["Empty"]) == (0, 0, 0, 0) and by_name["Empty"].visit_count == 0


def test_another_users_rows_never_count(user, other_user):
    mine = make_event(user)
    theirs = make_event(other_user, "Theirs")
    their_contact = make_contact(other_user, "Mallory")
    visit(theirs, days_ago=5, people=[their_contact])
    make_meeting(other_user, [their_contact])
    assert [counts(e) for e in outcomes(user)] == [(0, 0, 0, 0)]
    assert list(outcomes(user, Event.objects.filter(pk=theirs.pk))) == []
    assert counts(outcomes(other_user).get()) == (1, 1, 0, 0)
    assert mine.pk not in outcomes(other_user).values_list("pk", flat=True)


@pytest.mark.parametrize("size", [10, 100])
def test_outcomes_of_any_number_of_events_is_one_query(user, size):
    people = bulk_contacts(user, size)
    bulk_events(user, size, people)
    for person in people[:5]:
        make_meeting(user, [person])
        refer(user, person, people[-1], days_ago=1)

    with CaptureQueriesContext(connection) as queries:
        events = list(outcomes(user))

    assert len(queries) == 1
    assert len(events) == size
    assert all(counts(e) == (size, 5, 5, 0) for e in events)
