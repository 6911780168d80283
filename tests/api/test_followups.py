"""The follow-up queue through the API: today's queue as the dashboard shows it, and
done, skip and snooze with the model methods the queue's buttons use."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import Profile
from followups.models import FollowUp
from tests.api.conftest import assert_422_at
from tests.factories import bulk_contacts, bulk_followups, make_contact, make_followup

pytestmark = pytest.mark.django_db


def test_the_queue_is_overdue_then_today_then_the_week_ahead(api, user, other_user):
    now = timezone.now()
    sara = make_contact(user, "Sara Smith", organization="Acme")
    late = make_followup(user, title="Late", due_at=now - timedelta(days=2), contact=sara)
    today = make_followup(user, title="Today", due_at=now)
    soon = make_followup(user, title="Soon", due_at=now + timedelta(days=3))
    make_followup(user, title="Far", due_at=now + timedelta(days=30))
    make_followup(user, title="Done", due_at=now, status="done")
    make_followup(other_user, title="Not yours", due_at=now)
    body = api.get("/api/followups/queue").json()
    assert [f["id"] for f in body["overdue"]] == [late.pk]
    assert [f["id"] for f in body["due_today"]] == [today.pk]
    assert [f["id"] for f in body["upcoming"]] == [soon.pk]
    assert body["counts"] == {"overdue": 1, "today": 1, "upcoming": 1}
    assert (body["total"], body["more"]) == (2, 0)
    assert body["overdue"][0]["contact"]["organization"]["name"] == "Acme"


def test_the_queue_runs_as_many_queries_for_50_follow_ups_as_for_5(
    api, user, django_assert_max_num_queries
):
    people = bulk_contacts(user, 4)
    now = timezone.now()
    bulk_followups(user, [now - timedelta(hours=i) for i in range(5)], contacts=people)
    api.get("/api/followups/queue")
    with django_assert_max_num_queries(8) as few:
        assert api.get("/api/followups/queue").json()["total"] == 5
    bulk_followups(user, [now - timedelta(days=1, hours=i) for i in range(45)], contacts=people)
    with django_assert_max_num_queries(len(few)):
        assert api.get("/api/followups/queue").json()["total"] == 50


def test_the_queue_lists_more_when_asked_and_says_how_many_are_left(api, user):
    people = bulk_contacts(user, 3)
    now = timezone.now()
    bulk_followups(user, [now - timedelta(days=1, hours=i) for i in range(70)], contacts=people)
    first = api.get("/api/followups/queue").json()
    assert (len(first["overdue"]), first["total"], first["more"]) == (30, 70, 40)
    more = api.get("/api/followups/queue?limit=60").json()
    assert (len(more["overdue"]), more["more"]) == (60, 10)
    assert [f["id"] for f in more["overdue"][:30]] == [f["id"] for f in first["overdue"]]
    assert len(api.get("/api/followups/queue?limit=300").json()["overdue"]) == 70


@pytest.mark.parametrize("limit", ["0", "29", "301", "-1", "many", "30%00", "", "3" * 100_000])
def test_a_queue_limit_out_of_range_is_a_422_that_says_so(api, user, limit):
    response = api.get(f"/api/followups/queue?limit={limit}")
    assert response.status_code == 422
    assert [e["loc"] for e in response.json()["detail"]] == [["query", "limit"]]


@pytest.mark.parametrize(("action", "status"), [("done", "done"), ("skip", "skipped")])
def test_done_and_skip_close_it_once(api, user, action, status):
    followup = make_followup(user)
    response = api.post(f"/api/followups/{followup.pk}/{action}")
    assert response.status_code == 200
    assert response.json()["changed"] is True
    assert response.json()["followup"]["status"] == status
    followup.refresh_from_db()
    assert followup.status == status and followup.completed_at is not None
    again = api.post(f"/api/followups/{followup.pk}/{action}").json()
    assert again["changed"] is False and again["followup"]["status"] == status


def test_snooze_for_days_counts_from_the_day_it_is_due(api, user):
    followup = make_followup(user, due_at=timezone.now())
    response = api.post(f"/api/followups/{followup.pk}/snooze", {"days": 3})
    assert response.status_code == 200 and response.json()["changed"] is True
    followup.refresh_from_db()
    profile = Profile.for_user(user)
    assert followup.status == "snoozed"
    assert followup.due_at == profile.morning_of(profile.today() + timedelta(days=3))


def test_snooze_until_a_day(api, user):
    followup = make_followup(user)
    profile = Profile.for_user(user)
    day = profile.today() + timedelta(days=10)
    response = api.post(f"/api/followups/{followup.pk}/snooze", {"until": day.isoformat()})
    assert response.status_code == 200
    followup.refresh_from_db()
    assert followup.due_at == profile.morning_of(day)


@pytest.mark.parametrize(
    ("body", "loc", "msg"),
    [
        ({}, (), "Snooze for a number of days, or until a date."),
        ({"days": 2}, ("days",), "Input should be"),
        ({"until": "2001-01-01"}, (), "Pick a date after today."),
        ({"until": "someday"}, ("until",), "Input should be a valid date"),
    ],
)
def test_a_snooze_that_says_no_day_is_a_422_and_changes_nothing(api, user, body, loc, msg):
    followup = make_followup(user)
    error = assert_422_at(api.post(f"/api/followups/{followup.pk}/snooze", body), *loc)
    assert msg in error["msg"]
    followup.refresh_from_db()
    assert followup.status == "pending"


def test_snoozing_a_closed_one_changes_nothing(api, user):
    followup = make_followup(user, status="done")
    response = api.post(f"/api/followups/{followup.pk}/snooze", {"days": 1})
    assert response.json()["changed"] is False
    assert FollowUp.objects.get(pk=followup.pk).status == "done"
