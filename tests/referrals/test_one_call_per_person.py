"""Two people referring you to the same person make one call, naming both."""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from accounts.models import Profile
from followups.models import FollowUp, Status
from followups.services import create_followups, sweep
from referrals.models import Progress, Referral
from tests.factories import make_contact

pytestmark = pytest.mark.django_db


def calls():
    return FollowUp.objects.filter(kind="referral_call")


def refer(user, referrer, referred, reason=""):
    referral = Referral.objects.create(
        user=user, referrer=referrer, referred=referred, reason=reason
    )
    create_followups("referrals.Referral", [referral.pk])
    return referral


def test_a_second_referrer_is_named_in_the_one_open_call(user):
    sara, tom = make_contact(user, "Sara Smith"), make_contact(user, "Tom Lee")
    alan = make_contact(user, "Alan Park")
    first = refer(user, sara, alan, "he knows everyone in town")
    refer(user, tom, alan, "she's hiring")

    call = calls().get()
    assert call.referral == first and call.contact == alan
    assert call.title == "Call Alan Park, mention Sara Smith and Tom Lee"
    assert call.draft.startswith(
        "Hi Alan, this is alice. Sara Smith and Tom Lee suggested I give you a call. "
        "Sara told me you know everyone in town, Tom told me you're hiring, and I'm hoping"
    )
    assert sweep() == 0  # the second referral is covered: nothing is missing
    assert calls().count() == 1


def test_the_sweep_makes_one_call_for_two_referrals_it_finds(user):
    sara, tom = make_contact(user, "Sara Smith"), make_contact(user, "Tom Lee")
    alan = make_contact(user, "Alan Park")
    for referrer in (sara, tom):  # saved while the broker was down: no message ran
        Referral.objects.create(user=user, referrer=referrer, referred=alan)

    sweep()

    assert list(calls().values_list("title", flat=True)) == [
        "Call Alan Park, mention Sara Smith and Tom Lee"
    ]


def test_making_the_call_contacts_the_person_for_every_referrer(client_logged_in, user):
    sara, tom = make_contact(user, "Sara Smith"), make_contact(user, "Tom Lee")
    alan = make_contact(user, "Alan Park")
    refer(user, sara, alan)
    refer(user, tom, alan)

    client_logged_in.post(reverse("followups:mark-done", args=[calls().get().pk]))

    assert calls().get().status == Status.DONE
    assert set(Referral.objects.values_list("progress", flat=True)) == {Progress.CONTACTED}


def test_a_referral_after_the_call_was_made_gets_a_call_of_its_own(user):
    """Once the call is done, a new referral to them is a new reason to call."""
    sara, tom = make_contact(user, "Sara Smith"), make_contact(user, "Tom Lee")
    alan = make_contact(user, "Alan Park")
    refer(user, sara, alan)
    calls().get().mark_done()
    refer(user, tom, alan)

    assert list(calls().order_by("pk").values_list("title", "status")) == [
        ("Call Alan Park, mention Sara Smith", Status.DONE),
        ("Call Alan Park, mention Tom Lee", Status.PENDING),
    ]


@pytest.mark.parametrize(
    ("referred_on", "delay", "due_on"),
    [
        ("2026-12-03", 1, "2026-12-04"),  # Thursday + 1: Friday
        ("2026-12-03", 2, "2026-12-07"),  # + 2 is a Saturday: the Monday
        ("2026-12-03", 3, "2026-12-07"),  # + 3 is a Sunday: the Monday
        ("2026-12-03", 4, "2026-12-07"),  # Monday
        ("2026-12-05", 0, "2026-12-07"),  # referred on a Saturday, no delay: the Monday
    ],
)
def test_a_call_falls_due_on_a_working_day(user, referred_on, delay, due_on):
    """A call to someone at work: one that would fall due on a weekend falls due on the
    Monday morning, in the user's timezone."""
    profile = Profile.for_user(user)
    profile.timezone, profile.referral_call_delay_days = "America/Los_Angeles", delay
    profile.save()
    # Late on that evening in Los Angeles: already the next day in UTC.
    at = datetime.combine(date.fromisoformat(referred_on), time(22), tzinfo=ZoneInfo("America/Los_Angeles"))
    referral = Referral.objects.create(
        user=user, referrer=make_contact(user, "Sara Smith"), referred=make_contact(user, "Alan Park")
    )
    Referral.objects.filter(pk=referral.pk).update(created_at=at)
    create_followups("referrals.Referral", [referral.pk])

    due = calls().get().due_at.astimezone(ZoneInfo("America/Los_Angeles"))
    assert due.date() == date.fromisoformat(due_on)
    assert due.hour == profile.morning_hour
