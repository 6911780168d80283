"""Referral follow-through: what logging a meeting calls for, run here as the worker
would run it (the path through a real worker is test_followthrough_worker's)."""

from datetime import UTC, datetime, time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from contacts.models import Contact
from followups.models import FollowUp, Status
from followups.services import sweep
from meetings.models import Meeting
from referrals.models import IntroStatus, Progress, Referral
from tests.engine import run_enqueued
from tests.factories import make_meeting
from tests.referrals.test_capture import meeting_with_referrals

pytestmark = pytest.mark.django_db
LOG = reverse("meetings:log-meeting")


def kinds() -> list[str]:
    return sorted(FollowUp.objects.values_list("kind", flat=True))


def test_no_ask_for_an_intro_when_it_was_asked_already(
    client_logged_in, user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as enqueued:
        client_logged_in.post(LOG, meeting_with_referrals(
            {"name": "John Public", "intro_status": IntroStatus.CALLED},
        ))
    run_enqueued(enqueued)
    assert FollowUp.objects.filter(kind="referral_call").exists()
    assert sweep() == 0
    assert kinds() == ["help_back", "referral_call", "thank_you"]


def test_meeting_the_referred_person_tells_the_referrer_how_it_went(
    client_logged_in, user, django_capture_on_commit_callbacks
):
    sara = Contact.objects.create(user=user, name="Sara Smith")
    john = Contact.objects.create(user=user, name="John Public")
    referral = Referral.objects.create(
        user=user, referrer=sara, referred=john, intro_status=IntroStatus.CALLED
    )
    # The call to John (the intro was made), and help back to Sara later.
    assert sweep() == 2

    with django_capture_on_commit_callbacks() as enqueued:
        client_logged_in.post(LOG, meeting_with_referrals(
            new_contact_name="", new_contact_organization="", contacts=[john.pk],
            purpose="how Acme's data team hires",
        ))
    run_enqueued(enqueued)
    loop = FollowUp.objects.filter(kind="close_loop").get()
    referral.refresh_from_db()
    assert referral.progress == Progress.MET
    assert loop.title == "Tell Sara Smith how it went with John Public"
    assert loop.contact == sara and loop.referral == referral
    assert "I met John Public on Friday, 20 November" in loop.draft
    assert "We talked about how Acme's data team hires, and it was a real help." in loop.draft
    # Met on 20 November, logged today: due this morning, not overdue since the 21st.
    this_morning = datetime.combine(timezone.localdate(), time(9), tzinfo=UTC)
    assert loop.due_at == this_morning
    assert FollowUp.objects.get(kind="thank_you").due_at == this_morning
    # Meeting John made the call moot: it closed itself.
    assert FollowUp.objects.get(kind="referral_call").status == Status.DONE
    assert FollowUp.objects.filter(kind="thank_you").exists()
    assert sweep() == 0
    assert FollowUp.objects.filter(kind="close_loop").count() == 1


def test_the_sweep_finds_an_old_referral_met_at_a_meeting_logged_lately(user):
    """A referral from long before the sweep's window, whose person was met at a meeting
    logged lately (its message lost): the sweep still tells the referrer how it went."""
    sara = Contact.objects.create(user=user, name="Sara Smith")
    john = Contact.objects.create(user=user, name="John Public")
    meeting = make_meeting(user, [john])
    referral = Referral.objects.create(
        user=user, referrer=sara, referred=john, intro_status=IntroStatus.CALLED,
        progress=Progress.MET, met_meeting=meeting,
    )
    Referral.objects.filter(pk=referral.pk).update(created_at=timezone.now() - timedelta(days=90))
    sweep()
    assert FollowUp.objects.filter(kind="close_loop", referral=referral).count() == 1
    # And a referral from as long ago, met at a meeting as old, is left alone.
    old = make_meeting(user, [john])
    Meeting.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=90))
    Referral.objects.filter(pk=referral.pk).update(met_meeting=old)
    FollowUp.objects.filter(kind="close_loop").delete()
    sweep()
    assert not FollowUp.objects.filter(kind="close_loop").exists()
