"""Meetings through the API: the list, one meeting, and logging one through the very use
case of the log-a-meeting form (the same follow-ups, new people, referrals given)."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from api.models import ApiToken
from contacts.models import Contact
from followups.models import FollowUp
from meetings.models import Meeting
from referrals.models import Referral
from tests.api.conftest import ApiClient, assert_422_at
from tests.conftest import make_user
from tests.engine import run_enqueued
from tests.factories import bulk_contacts, bulk_meetings, make_contact, make_meeting

pytestmark = pytest.mark.django_db


def test_the_list_latest_first_with_the_people_met(api, user, other_user):
    sara = make_contact(user, "Sara Smith", organization="Acme")
    old = make_meeting(user, [sara], starts_at=timezone.now() - timedelta(days=9))
    new = make_meeting(user, [sara], starts_at=timezone.now() - timedelta(days=1))
    make_meeting(other_user, [make_contact(other_user, "Not Yours")])
    page = api.get("/api/meetings").json()
    assert page["count"] == 2
    assert [m["id"] for m in page["items"]] == [new.pk, old.pk]
    assert page["items"][0]["contacts"] == [
        {"id": sara.pk, "name": "Sara Smith",
         "organization": {"id": sara.organization_id, "name": "Acme"}}
    ]


def test_the_list_runs_as_many_queries_for_50_meetings_as_for_5(
    api, user, django_assert_max_num_queries
):
    people = bulk_contacts(user, 3)
    bulk_meetings(user, 5, contacts=people)
    api.get("/api/meetings")
    with django_assert_max_num_queries(6) as few:
        assert len(api.get("/api/meetings").json()["items"]) == 5
    bulk_meetings(user, 45, contacts=people, start=timezone.now() - timedelta(days=30))
    with django_assert_max_num_queries(len(few)):
        assert len(api.get("/api/meetings", {"limit": 100}).json()["items"]) == 50


def test_one_meeting_with_the_referrals_given_there(api, user):
    sara, john = make_contact(user, "Sara Smith"), make_contact(user, "John Public")
    meeting = make_meeting(user, [sara], notes="Coffee at Blue Bottle")
    Referral.objects.create(user=user, referrer=sara, referred=john, meeting=meeting,
                            reason="he knows everyone")
    body = api.get(f"/api/meetings/{meeting.pk}").json()
    assert body["notes"] == "Coffee at Blue Bottle"
    given = [(r["referrer"]["name"], r["referred"]["name"], r["reason"])
             for r in body["referrals_given"]]
    assert given == [("Sara Smith", "John Public", "he knows everyone")]


MEETING = {
    "new_contact_name": "Sara Smith", "new_contact_organization": "Acme",
    "kind": "coffee", "length_minutes": 20, "location": "Blue Bottle",
    "notes": "Knows the VP of engineering.", "invited_by": "me", "paid_by": "me",
}


def test_logging_a_meeting_saves_the_new_person_and_the_referrals_given(api, user):
    john = make_contact(user, "John Public", organization="Initech")
    response = api.post("/api/meetings", MEETING | {
        "starts_at": "2026-11-20T10:00:00Z",
        "referrals": [
            {"name": "Jane Roe", "organization": "Globex", "reason": "runs the data meetup",
             "intro_status": "asked"},
            {"name": "john public", "organization": "initech"},
        ],
    })
    assert response.status_code == 201, response.content
    meeting = Meeting.objects.get(pk=response.json()["id"])
    assert meeting.user == user and meeting.length_minutes == 20
    assert meeting.starts_at.isoformat() == "2026-11-20T10:00:00+00:00"
    sara = meeting.contacts.get()
    assert (sara.name, sara.organization.name) == ("Sara Smith", "Acme")
    given = {(r.referred.name, r.referred.organization.name, r.reason, r.intro_status)
             for r in Referral.objects.filter(referrer=sara)}
    assert given == {("Jane Roe", "Globex", "runs the data meetup", "asked"),
                     ("John Public", "Initech", "", "not_asked")}
    assert Referral.objects.get(referred__name="John Public").referred == john  # found, not new
    assert [r["referred"]["name"] for r in response.json()["referrals_given"]] == [
        "Jane Roe", "John Public"
    ]


def test_each_referral_can_say_who_of_the_people_met_gave_it(api, user):
    john = make_contact(user, "John Public")
    response = api.post("/api/meetings", MEETING | {
        "contacts": [john.pk],
        "referrals": [
            {"name": "Jane Roe", "suggested_by": str(john.pk)},
            {"name": "Alan Ames", "suggested_by": "new"},
            {"name": "Bea Bond"},
        ],
    })
    assert response.status_code == 201, response.content
    given = [(r["referrer"]["name"], r["referred"]["name"])
             for r in response.json()["referrals_given"]]
    # Not said: the first person met (the contacts known, before the new one).
    assert given == [
        ("John Public", "Jane Roe"), ("Sara Smith", "Alan Ames"), ("John Public", "Bea Bond")
    ]


def test_a_meeting_logged_through_the_api_makes_the_same_follow_ups_as_the_form(
    client, django_capture_on_commit_callbacks
):
    """Alice logs with the form, Bob through the API, the same meeting: the engine makes
    the same follow-ups for each (thank-yous, calling the person referred…)."""
    starts = (timezone.now() - timedelta(hours=2)).replace(second=0, microsecond=0)
    made = {}
    for name in ("alice", "bob"):
        user = make_user(name)
        make_contact(user, "John Public", organization="Initech")
        known = make_contact(user, "Mia Wong")
        with django_capture_on_commit_callbacks() as callbacks:
            if name == "alice":
                client.force_login(user)
                response = client.post(reverse("meetings:log-meeting"), {
                    **MEETING, "contacts": [known.pk],
                    "starts_at": timezone.localtime(starts).strftime("%Y-%m-%dT%H:%M"),
                    "referrals-TOTAL_FORMS": 2, "referrals-INITIAL_FORMS": 0,
                    "referrals-0-name": "Jane Roe", "referrals-0-organization": "Globex",
                    "referrals-0-intro_status": "asked",
                    "referrals-1-name": "John Public", "referrals-1-intro_status": "not_asked",
                })
                assert response.status_code == 302
                client.logout()
            else:
                api = ApiClient(client, ApiToken.issue(user, "phone")[1])
                response = api.post("/api/meetings", MEETING | {
                    "contacts": [known.pk], "starts_at": starts.isoformat(),
                    "referrals": [
                        {"name": "Jane Roe", "organization": "Globex", "intro_status": "asked"},
                        {"name": "John Public"},
                    ],
                })
                assert response.status_code == 201, response.content
        run_enqueued(callbacks)
        made[name] = sorted(
            (f.kind, f.title, f.due_at, f.contact.name if f.contact else "", f.status)
            for f in FollowUp.objects.filter(user=user).select_related("contact")
        )
    assert made["alice"], "the form made no follow-up: nothing to compare"
    assert {kind for kind, *_ in made["alice"]} == {
        "thank_you", "help_back", "referral_call", "ask_intro"
    }
    assert made["bob"] == made["alice"]
    assert Contact.objects.filter(user__username="bob").count() == (
        Contact.objects.filter(user__username="alice").count()
    )


def test_the_same_idempotency_key_twice_logs_one_meeting(api, user):
    key = str(uuid.uuid4())
    body = MEETING | {"referrals": [{"name": "Jane Roe"}]}
    first = api.post("/api/meetings", body, headers={"Idempotency-Key": key})
    again = api.post("/api/meetings", body, headers={"Idempotency-Key": key})
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json()
    assert Meeting.objects.count() == 1
    assert Contact.objects.filter(name="Sara Smith").count() == 1
    assert Referral.objects.count() == 1


@pytest.mark.parametrize(
    ("body", "loc", "msg"),
    [
        ({"notes": "alone"}, ("contacts",), "Who did you meet?"),
        (MEETING | {"length_minutes": 0}, ("length_minutes",), "Between 1 and 600 minutes."),
        (MEETING | {"starts_at": "0001-01-01T00:00:00"}, ("starts_at",), "Pick a date"),
        (MEETING | {"starts_at": "yesterday"}, ("starts_at",), "Input should be a valid"),
        (MEETING | {"kind": "lunch"}, ("kind",), "Input should be"),
        (MEETING | {"contacts": [2**40]}, ("contacts",), "Select a valid choice"),
        (MEETING | {"new_contact_name": "", "new_contact_organization": "Acme", "contacts": []},
         ("new_contact_name",), "Give the new person's name too."),
        (MEETING | {"referrals": [{"name": "Sara Smith"}]}, ("referrals", 0, "name"),
         "nobody can refer you to themselves"),
        (MEETING | {"referrals": [{"name": "Jo"}, {"name": "jo"}]}, ("referrals", 1, "name"),
         "on the list twice"),
        (MEETING | {"referrals": [{"name": "Jo", "intro_status": "maybe"}]},
         ("referrals", 0, "intro_status"), "Input should be"),
        (MEETING | {"referrals": [{"name": "Jo"}] * 13}, ("referrals",), "at most 12"),
        (MEETING | {"referrals": [{"name": "Jo", "suggested_by": "42"}]},
         ("referrals", 0, "suggested_by"), "Pick someone you met at this meeting."),
    ],
)
def test_mistakes_are_a_422_at_the_field_and_log_nothing(api, user, body, loc, msg):
    error = assert_422_at(api.post("/api/meetings", body), *loc)
    assert msg in error["msg"], error
    assert not Meeting.objects.exists() and not Referral.objects.exists()
    assert not Contact.objects.exists()


def test_a_new_person_named_like_a_contact_is_added_as_asked(api, user):
    """The log form asks whether Sara Smith typed anew is the Sara already there; a
    script names its new people on purpose, and is not asked (nor refused)."""
    make_contact(user, "Sara Smith")
    response = api.post("/api/meetings", MEETING | {"new_contact_name": "Sara Smith"})
    assert response.status_code == 201, response.content
    assert Contact.objects.filter(user=user, name="Sara Smith").count() == 2
