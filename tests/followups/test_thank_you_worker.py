"""The thank-you follow-up, created by a real Celery worker on a real Redis: the path
through the broker, exactly once, and the sweep that repairs a lost message. What the
rule creates is tested directly, in test_services.py."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from followups.models import FollowUp
from followups.tasks import sweep_followups
from meetings.models import Meeting
from tests.conftest import broker_unreachable, run_task, wait_for
from tests.followups.test_services import meeting_form

pytestmark = pytest.mark.django_db(transaction=True)


def thank_yous():
    return FollowUp.objects.filter(kind="thank_you")


def test_logging_a_meeting_creates_exactly_one_thank_you(celery_worker, client_logged_in, user):
    met = timezone.localdate() - timedelta(days=1)  # logged the day after: due this morning
    response = client_logged_in.post(
        reverse("meetings:log-meeting"), meeting_form(starts_at=f"{met}T10:00")
    )
    assert response.status_code == 302

    followup = wait_for(lambda: thank_yous().first())
    meeting = Meeting.objects.get()
    assert followup.user == user
    assert followup.meeting == meeting
    assert followup.contact.name == "Sara Smith"
    assert followup.title == "Thank Sara Smith for the coffee"
    assert followup.draft.startswith("Hi Sara,")
    assert "how networking works in this town" in followup.draft
    assert f"coffee on {met:%A}, {met.day} {met:%B}." in followup.draft
    # Due the next morning in the user's timezone (UTC here), at their morning hour.
    assert followup.due_at.isoformat() == f"{met + timedelta(days=1)}T09:00:00+00:00"

    # Saving the meeting again creates nothing more; nor does the sweep, twice.
    edit = meeting_form(
        new_contact_name="", new_contact_organization="", starts_at=f"{met}T10:00",
        contacts=[followup.contact_id], notes="more notes",
    )
    response = client_logged_in.post(reverse("meetings:edit-meeting", args=[meeting.pk]), edit)
    assert response.status_code == 302
    assert run_task(sweep_followups) == 0
    assert run_task(sweep_followups) == 0
    assert thank_yous().count() == 1


def test_broker_outage_still_saves_and_the_sweep_repairs_it(
    celery_worker, client_logged_in, user, tmp_path
):
    with broker_unreachable(tmp_path):
        response = client_logged_in.post(reverse("meetings:log-meeting"), meeting_form())
        # The user gets the success redirect although no message could be sent.
        assert response.status_code == 302
        assert response.url == Meeting.objects.get(user=user).get_absolute_url()
    assert thank_yous().count() == 0

    # Redis is reachable again: beat's next sweep, run by the worker, repairs it.
    run_task(sweep_followups)
    followup = thank_yous().get()
    assert followup.contact.name == "Sara Smith"
    assert run_task(sweep_followups) == 0
    assert thank_yous().count() == 1
