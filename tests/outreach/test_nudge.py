"""The gentle nudge: a request with no answer after NETCRM_NUDGE_AFTER_DAYS makes one
follow-up, exactly once, created by the engine like every kind."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import Profile
from followups.models import FollowUp, Status
from followups.undo import token, undo
from outreach.models import Answer, Channel, Outreach
from outreach.services import record_answer
from tests.engine import run_enqueued, run_kind, sweep_kinds
from tests.factories import make_contact
from tests.outreach.factories import make_outreach

pytestmark = pytest.mark.django_db


def nudges():
    return FollowUp.objects.filter(kind="nudge")


@pytest.fixture
def alan(user):
    return make_contact(user, "Alan Park", email="alan@juniper.example")


def test_no_nudge_before_the_days_are_up(user, alan, settings):
    settings.NETCRM_NUDGE_AFTER_DAYS = 5
    make_outreach(user, alan, days_ago=4.9)
    assert sweep_kinds("nudge") == 0
    assert not nudges().exists()


def test_no_answer_after_the_days_makes_one_nudge_exactly_once(user, alan, settings):
    settings.NETCRM_NUDGE_AFTER_DAYS = 5
    ask = make_outreach(user, alan, days_ago=5.1, channel=Channel.EMAIL)

    assert sweep_kinds("nudge") == 1
    assert sweep_kinds("nudge") == 0  # the sweep twice: still one
    assert run_kind("nudge", [ask.pk]) == 0  # nor a late message after the save

    nudge = nudges().get()
    profile = Profile.for_user(user)
    assert (nudge.title, nudge.contact, nudge.outreach, nudge.status) == (
        "Nudge Alan Park about coffee", alan, ask, Status.PENDING
    )
    assert nudge.due_at == profile.morning_after(ask.asked_at, 5)
    assert nudge.draft.startswith("Hi Alan,\n\nI know how busy things get, so this is just a gentle nudge")
    assert "15 minutes of your perspective on how Acme's data team hires" in nudge.draft
    assert nudge.mailto().startswith("mailto:alan@juniper.example?subject=Following%20up")


def test_the_setting_says_how_many_days(user, alan, settings):
    settings.NETCRM_NUDGE_AFTER_DAYS = 2
    make_outreach(user, alan, days_ago=2.5)
    assert sweep_kinds("nudge") == 1


def test_a_request_logged_late_is_nudged_right_after_its_save(
    user, alan, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as enqueued:
        ask = make_outreach(user, alan, days_ago=8)
    assert run_enqueued(enqueued) == 1
    assert nudges().get().outreach == ask


def test_no_nudge_once_they_answered(user, alan):
    ask = make_outreach(user, alan, days_ago=9)
    record_answer(ask, Answer.DECLINED)
    assert sweep_kinds("nudge") == 0


def test_an_answer_settles_the_open_nudge(user, alan):
    ask = make_outreach(user, alan, days_ago=6)
    sweep_kinds("nudge")

    assert record_answer(ask, Answer.NOT_HIRING)

    nudge = nudges().get()
    assert nudge.status == Status.DONE and nudge.completed_at is not None
    assert sweep_kinds("nudge") == 0
    # Back to waiting (a mistaken tap): the nudge was made once, and is not made again.
    record_answer(ask, Answer.PENDING)
    assert sweep_kinds("nudge") == 0 and nudges().count() == 1


def test_no_answer_at_all_leaves_the_nudge_open(user, alan):
    ask = make_outreach(user, alan, days_ago=6)
    sweep_kinds("nudge")
    record_answer(ask, Answer.NO_ANSWER)
    assert nudges().get().is_open


def test_done_records_the_nudge_and_undo_takes_it_back(user, alan):
    ask = make_outreach(user, alan, days_ago=6)
    sweep_kinds("nudge")
    nudge = nudges().get()

    assert nudge.mark_done()
    ask.refresh_from_db()
    assert ask.nudged_at == nudge.completed_at

    undo(user, token(nudge))
    ask.refresh_from_db()
    nudge.refresh_from_db()
    assert ask.nudged_at is None and nudge.status == Status.PENDING


def test_undo_leaves_a_nudge_time_recorded_since_alone(user, alan):
    ask = make_outreach(user, alan, days_ago=6)
    sweep_kinds("nudge")
    nudge = nudges().get()
    nudge.mark_done()
    later = timezone.now() + timedelta(minutes=1)
    Outreach.objects.filter(pk=ask.pk).update(nudged_at=later)  # edited since

    undo(user, token(nudge))
    ask.refresh_from_db()
    assert ask.nudged_at == later


def test_one_nudge_per_request_even_to_the_same_person(user, alan):
    make_outreach(user, alan, days_ago=30)
    make_outreach(user, alan, days_ago=6)
    # The first is older than the sweep looks back; saving it again still nudges it.
    assert sweep_kinds("nudge") == 1
    assert run_kind("nudge", list(Outreach.objects.values_list("pk", flat=True))) == 1
    assert nudges().count() == 2
    assert sweep_kinds("nudge") == 0


def test_deleting_a_request_takes_its_nudge(user, alan):
    ask = make_outreach(user, alan, days_ago=6)
    sweep_kinds("nudge")
    ask.delete()
    assert not nudges().exists()


def test_making_nudges_takes_the_same_queries_for_10_or_100(
    user, alan, django_assert_max_num_queries
):
    from referrals.models import Referral

    sara = make_contact(user, "Sara Smith")
    referral = Referral.objects.create(user=user, referrer=sara, referred=alan)
    first = [make_outreach(user, alan, days_ago=6, referral=referral).pk for _ in range(10)]
    with django_assert_max_num_queries(6) as captured:
        assert run_kind("nudge", first) == 10
    more = [make_outreach(user, alan, days_ago=6, referral=referral).pk for _ in range(100)]
    with django_assert_max_num_queries(len(captured)):
        assert run_kind("nudge", more) == 100
