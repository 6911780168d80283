"""Reciprocation follow-ups, created by a real Celery worker on a real Redis."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Profile
from contacts.models import Contact
from followups.models import FollowUp, Status
from followups.tasks import sweep_followups
from meetings.models import Meeting
from reciprocity.models import InboundRequest, RequestStatus
from tests.conftest import broker_unreachable, run_task, wait_for

pytestmark = pytest.mark.django_db(transaction=True)

LOG = reverse("reciprocity:log-request")


def form_time(user, moment) -> str:
    """`moment` as the user's datetime-local input shows it, in their own timezone
    (never the thread's active one, which an earlier request may have left set)."""
    return moment.astimezone(Profile.for_user(user).tzinfo).strftime("%Y-%m-%dT%H:%M")


def request_form(user, **overrides) -> dict:
    data = {
        "new_contact_name": "Zoe Carter",
        "new_contact_organization": "Globex",
        "ask": "time",
        "details": "A friend of Sara's; moving into data engineering.",
        "received_at": form_time(user, timezone.now() - timedelta(minutes=1)),
    }
    return data | overrides


def replies():
    return FollowUp.objects.filter(kind="reply")


def help_backs():
    return FollowUp.objects.filter(kind="help_back")


def test_logging_a_request_creates_one_priority_reply(celery_worker, client_logged_in, user):
    user.profile.reply_within_hours = 2
    user.profile.save()

    response = client_logged_in.post(LOG, request_form(user))

    inbound = InboundRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("reciprocity:request-detail", args=[inbound.pk])
    reply = wait_for(lambda: replies().first())
    assert (reply.user, reply.contact, reply.inbound_request) == (user, inbound.contact, inbound)
    assert reply.title == "Reply to Zoe Carter: 15 minutes of your time"
    assert reply.due_at == inbound.received_at + timedelta(hours=2)
    assert reply.due_at <= timezone.now() + timedelta(hours=2)
    assert reply.draft.startswith("Hi Zoe,")
    # It is in the queue (today's, or tomorrow's just after midnight).
    queue = client_logged_in.get(reverse("home:dashboard")).context
    assert [reply] == queue["overdue"] + queue["due_today"] + queue["upcoming"]

    # The sweep, twice, creates nothing more.
    assert run_task(sweep_followups) == 0
    assert run_task(sweep_followups) == 0
    assert replies().count() == 1


def test_answering_the_request_closes_its_reply(celery_worker, client_logged_in, user):
    client_logged_in.post(LOG, request_form(user))
    reply = wait_for(lambda: replies().first())
    inbound = InboundRequest.objects.get()

    response = client_logged_in.post(
        reverse("reciprocity:answer-request", args=[inbound.pk]), {"status": "replied"}
    )

    assert response.status_code == 302
    reply.refresh_from_db()
    inbound.refresh_from_db()
    assert inbound.status == RequestStatus.REPLIED
    assert reply.status == Status.DONE
    assert client_logged_in.get(reverse("home:dashboard")).context["total"] == 0
    assert run_task(sweep_followups) == 0
    assert replies().count() == 1


def test_broker_outage_still_saves_and_the_sweep_repairs_it(
    celery_worker, client_logged_in, user, tmp_path
):
    with broker_unreachable(tmp_path):
        response = client_logged_in.post(LOG, request_form(user))
        assert response.status_code == 302
        inbound = InboundRequest.objects.get(user=user)
        assert response["Location"] == reverse("reciprocity:request-detail", args=[inbound.pk])
    assert not replies().exists()

    # Redis is back: beat's next sweep, run by the worker, repairs it once.
    assert run_task(sweep_followups) == 1
    assert replies().get().inbound_request == inbound
    assert run_task(sweep_followups) == 0
    assert replies().count() == 1


def test_logging_a_meeting_schedules_one_help_back_per_person(
    celery_worker, client_logged_in, user
):
    john = Contact.objects.create(user=user, name="John Public")
    held = timezone.now() - timedelta(days=1)
    data = {
        "contacts": [john.pk],
        "new_contact_name": "Sara Smith",
        "starts_at": form_time(user, held),
        "kind": "coffee",
        "length_minutes": 15,
        "invited_by": "me",
        "paid_by": "me",
    }

    client_logged_in.post(reverse("meetings:log-meeting"), data)

    wait_for(lambda: help_backs().count() == 2)
    meeting = Meeting.objects.get()
    assert sorted(help_backs().values_list("contact__name", flat=True)) == [
        "John Public", "Sara Smith",
    ]
    assert set(help_backs().values_list("meeting", flat=True)) == {meeting.pk}
    # Saving the meeting again, and sweeping twice, add nothing.
    response = client_logged_in.post(
        reverse("meetings:edit-meeting", args=[meeting.pk]),
        data | {"contacts": list(meeting.contacts.values_list("pk", flat=True)),
                "new_contact_name": "", "notes": "more"},
    )
    assert response.status_code == 302
    assert run_task(sweep_followups) == 0
    assert run_task(sweep_followups) == 0
    assert help_backs().count() == 2


def test_a_planned_meeting_gets_no_help_back(celery_worker, client_logged_in, user):
    later = timezone.now() + timedelta(days=3)
    client_logged_in.post(reverse("meetings:log-meeting"), {
        "new_contact_name": "Alan Ames",
        "starts_at": form_time(user, later),
        "kind": "coffee", "length_minutes": 15, "invited_by": "me", "paid_by": "me",
    })
    meeting = Meeting.objects.get()
    # Wait for the worker to have handled the message: the sweep runs after it (FIFO).
    run_task(sweep_followups)
    assert not help_backs().exists()
    assert Meeting.objects.get(pk=meeting.pk).is_upcoming
