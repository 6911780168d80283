"""Reciprocation follow-ups: what logging a request or a meeting calls for, run here as
the worker would run it (the path through a real worker is test_worker's)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Profile
from contacts.models import Contact
from followups.models import FollowUp, Status
from followups.services import sweep
from meetings.models import Meeting
from reciprocity.models import InboundRequest, RequestStatus
from tests.engine import run_enqueued

pytestmark = pytest.mark.django_db

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


def test_answering_the_request_closes_its_reply(
    client_logged_in, user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as enqueued:
        client_logged_in.post(LOG, request_form(user))
    run_enqueued(enqueued)
    reply = replies().get()
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
    assert sweep() == 0
    assert replies().count() == 1


def test_logging_a_meeting_schedules_one_help_back_per_person(
    client_logged_in, user, django_capture_on_commit_callbacks
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

    with django_capture_on_commit_callbacks() as enqueued:
        client_logged_in.post(reverse("meetings:log-meeting"), data)
    run_enqueued(enqueued)

    assert help_backs().count() == 2
    meeting = Meeting.objects.get()
    assert sorted(help_backs().values_list("contact__name", flat=True)) == [
        "John Public", "Sara Smith",
    ]
    assert set(help_backs().values_list("meeting", flat=True)) == {meeting.pk}
    # Saving the meeting again, and sweeping twice, add nothing.
    with django_capture_on_commit_callbacks() as enqueued:
        response = client_logged_in.post(
            reverse("meetings:edit-meeting", args=[meeting.pk]),
            data | {"contacts": list(meeting.contacts.values_list("pk", flat=True)),
                    "new_contact_name": "", "notes": "more"},
        )
    assert response.status_code == 302
    run_enqueued(enqueued)
    assert sweep() == 0
    assert sweep() == 0
    assert help_backs().count() == 2


def test_a_planned_meeting_gets_no_help_back(
    client_logged_in, user, django_capture_on_commit_callbacks
):
    later = timezone.now() + timedelta(days=3)
    with django_capture_on_commit_callbacks() as enqueued:
        client_logged_in.post(reverse("meetings:log-meeting"), {
            "new_contact_name": "Alan Ames",
            "starts_at": form_time(user, later),
            "kind": "coffee", "length_minutes": 15, "invited_by": "me", "paid_by": "me",
        })
    meeting = Meeting.objects.get()
    # What the worker does with the message, then the sweep.
    run_enqueued(enqueued)
    sweep()
    assert not help_backs().exists()
    assert Meeting.objects.get(pk=meeting.pk).is_upcoming
