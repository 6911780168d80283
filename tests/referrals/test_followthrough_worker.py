"""Referral follow-through, created by a real Celery worker on a real Redis, each once,
and repaired by the worker's sweep after a broker outage. What the rules create is
tested directly, in test_followthrough.py."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from followups.models import FollowUp
from followups.tasks import sweep_followups
from referrals.models import Referral
from tests.conftest import broker_unreachable, run_task, wait_for
from tests.referrals.test_capture import meeting_with_referrals

pytestmark = pytest.mark.django_db(transaction=True)
LOG = reverse("meetings:log-meeting")


def kinds() -> list[str]:
    return sorted(FollowUp.objects.values_list("kind", flat=True))


def test_a_referral_given_at_a_meeting_creates_its_follow_ups_once(
    celery_worker, client_logged_in, user
):
    user.first_name, user.last_name = "Dana", "Doe"
    user.save()
    client_logged_in.post(LOG, meeting_with_referrals(
        {"name": "John Public", "organization": "Acme", "reason": "he knows everyone in town"},
    ))
    # Thank Sara, offer her help back later, ask her to call ahead, call John.
    wait_for(lambda: FollowUp.objects.count() == 4)
    assert kinds() == ["ask_intro", "help_back", "referral_call", "thank_you"]

    referral = Referral.objects.get()
    ask = FollowUp.objects.get(kind="ask_intro")
    assert ask.title == "Ask Sara Smith to call John Public ahead"
    assert ask.contact.name == "Sara Smith" and ask.referral == referral
    assert "give John a quick call" in ask.draft

    call = FollowUp.objects.get(kind="referral_call")
    assert call.title == "Call John Public, mention Sara Smith"
    assert call.contact.name == "John Public"
    assert call.draft.startswith("Hi John, this is Dana Doe. Sara Smith suggested I give you a call.")
    assert "Sara told me you know everyone in town" in call.draft
    # Due a few days later (the user's referral-call delay, 3 by default), in the morning
    # of a working day (a Saturday or a Sunday gives the Monday).
    local_created = timezone.localtime(referral.created_at, user.profile.tzinfo)
    due = timezone.localtime(call.due_at, user.profile.tzinfo)
    working_day = local_created.date() + timedelta(days=3)
    while working_day.isoweekday() in (6, 7):  # Saturday, Sunday
        working_day += timedelta(days=1)
    assert due.date() == working_day
    assert due.hour == user.profile.morning_hour

    # Logging the same meeting's edit, and sweeping twice, add nothing.
    assert run_task(sweep_followups) == 0
    assert run_task(sweep_followups) == 0
    assert FollowUp.objects.count() == 4


def test_lost_messages_are_repaired_by_the_sweep(celery_worker, client_logged_in, user, tmp_path):
    with broker_unreachable(tmp_path):
        response = client_logged_in.post(LOG, meeting_with_referrals(
            {"name": "John Public"}, {"name": "Alan Ames"},
        ))
        assert response.status_code == 302
    assert FollowUp.objects.count() == 0
    # A thank-you and help back for Sara; ask + call for each referral.
    assert run_task(sweep_followups) == 6
    assert run_task(sweep_followups) == 0
    assert kinds().count("referral_call") == 2
