"""Reciprocation follow-ups, created by a real Celery worker on a real Redis: the path
through the broker, exactly once, and the sweep that repairs a lost message. What the
rules create is tested directly, in test_followups.py."""

from datetime import timedelta

import pytest
from django.urls import reverse

from accounts.models import Profile
from followups.tasks import sweep_followups
from reciprocity.followups import reply_due
from reciprocity.models import InboundRequest
from tests.conftest import broker_unreachable, run_task, wait_for
from tests.reciprocity.test_followups import replies, request_form

pytestmark = pytest.mark.django_db(transaction=True)

LOG = reverse("reciprocity:log-request")


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
    # Within two hours, or at the morning hour when that would fall at night.
    assert reply.due_at == reply_due(inbound, Profile.objects.get(user=user))
    assert reply.due_at >= inbound.received_at + timedelta(hours=2)
    assert reply.draft.startswith("Hi Zoe,")
    # It is in the queue (today's, or tomorrow's just after midnight).
    queue = client_logged_in.get(reverse("home:dashboard")).context
    assert [reply] == queue["overdue"] + queue["due_today"] + queue["upcoming"]

    # The sweep, twice, creates nothing more.
    assert run_task(sweep_followups) == 0
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
