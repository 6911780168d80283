"""Referral follow-through, created by a real Celery worker on a real Redis, each once."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from contacts.models import Contact
from followups.models import FollowUp, Status
from followups.tasks import sweep_followups
from referrals.models import IntroStatus, Progress, Referral
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
    # Due a few days later (the user's referral-call delay, 3 by default), in the morning.
    local_created = timezone.localtime(referral.created_at, user.profile.tzinfo)
    assert timezone.localtime(call.due_at, user.profile.tzinfo).date() == (
        local_created.date() + timedelta(days=3)
    )

    # Logging the same meeting's edit, and sweeping twice, add nothing.
    assert run_task(sweep_followups) == 0
    assert run_task(sweep_followups) == 0
    assert FollowUp.objects.count() == 4


def test_no_ask_for_an_intro_when_it_was_asked_already(celery_worker, client_logged_in, user):
    client_logged_in.post(LOG, meeting_with_referrals(
        {"name": "John Public", "intro_status": IntroStatus.CALLED},
    ))
    wait_for(lambda: FollowUp.objects.filter(kind="referral_call").exists())
    assert run_task(sweep_followups) == 0
    assert kinds() == ["help_back", "referral_call", "thank_you"]


def test_meeting_the_referred_person_tells_the_referrer_how_it_went(
    celery_worker, client_logged_in, user
):
    sara = Contact.objects.create(user=user, name="Sara Smith")
    john = Contact.objects.create(user=user, name="John Public")
    referral = Referral.objects.create(
        user=user, referrer=sara, referred=john, intro_status=IntroStatus.CALLED
    )
    # The call to John (the intro was made), and help back to Sara later.
    assert run_task(sweep_followups) == 2

    client_logged_in.post(LOG, meeting_with_referrals(
        new_contact_name="", new_contact_organization="", contacts=[john.pk],
        purpose="how Acme's data team hires",
    ))
    loop = wait_for(lambda: FollowUp.objects.filter(kind="close_loop").first())
    referral.refresh_from_db()
    assert referral.progress == Progress.MET
    assert loop.title == "Tell Sara Smith how it went with John Public"
    assert loop.contact == sara and loop.referral == referral
    assert "I met John Public on Friday, 20 November" in loop.draft
    # Meeting John made the call moot: it closed itself.
    assert FollowUp.objects.get(kind="referral_call").status == Status.DONE
    wait_for(lambda: FollowUp.objects.filter(kind="thank_you").exists())
    assert run_task(sweep_followups) == 0
    assert FollowUp.objects.filter(kind="close_loop").count() == 1


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
