"""A double tap makes one thing: every create form carries a submission key; a second
POST with it creates nothing and answers with the first result."""

from __future__ import annotations

import threading
import uuid

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from accounts.models import Submission
from contacts.models import Contact, Note, Organization
from followups.models import FollowUp
from meetings.models import Meeting
from reciprocity.models import InboundRequest
from referrals.models import Referral
from tests.conftest import make_user
from tests.contacts.test_views import contact_form, organization_form
from tests.factories import make_contact
from tests.followups.test_custom import followup_form
from tests.followups.test_thank_you_worker import meeting_form
from tests.helpers import HTMX
from tests.reciprocity.test_views import request_form


def twice(client, url: str, data: dict, **kwargs):
    data = data | {"submission_key": str(uuid.uuid4())}
    return client.post(url, data, **kwargs), client.post(url, data, **kwargs)


CREATE_FORMS = {
    # Someone new, not of Sara's name (the form would ask whether it is her).
    "meeting": (
        lambda c: reverse("meetings:log-meeting"),
        lambda c: meeting_form(new_contact_name="Alan Park"), Meeting,
    ),
    "contact": (
        lambda c: reverse("contacts:create-contact"),
        lambda c: contact_form(name="Priya Raman", email="priya@acme.example"), Contact,
    ),
    "organization": (
        lambda c: reverse("contacts:create-organization"), lambda c: organization_form(),
        Organization,
    ),
    "referral": (
        lambda c: reverse("referrals:add-referral", args=[c.pk]),
        lambda c: {"direction": "gave", "name": "John Public", "intro_status": "not_asked"},
        Referral,
    ),
    "request for help": (
        lambda c: reverse("reciprocity:log-request"), lambda c: request_form(), InboundRequest,
    ),
    "follow-up": (lambda c: reverse("home:add-followup"), lambda c: followup_form(), FollowUp),
    "note": (
        lambda c: reverse("contacts:log-note", args=[c.pk]),
        lambda c: {"body": "Called about the meetup", "happened_at": "2026-11-20T10:00"},
        Note,
    ),
}


@pytest.mark.django_db
@pytest.mark.parametrize("what", list(CREATE_FORMS))
@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
def test_a_second_post_with_the_key_creates_nothing_and_answers_the_same(
    client_logged_in, user, what, htmx
):
    sara = make_contact(user, "Sara Smith")
    url, data, model = CREATE_FORMS[what]
    url, data = url(sara), data(sara)
    before = model.objects.count()
    headers = HTMX if htmx else {}

    first, second = twice(client_logged_in, url, data, headers=headers)

    assert first.status_code in (200, 302), first.content[:300]
    assert model.objects.count() == before + 1
    assert (second.status_code, second.get("Location"), second.content) == (
        first.status_code, first.get("Location"), first.content,
    )
    assert second.get("HX-Trigger") == first.get("HX-Trigger")


@pytest.mark.django_db
def test_the_form_carries_a_fresh_key_and_keeps_it_through_mistakes(client_logged_in):
    url = reverse("meetings:log-meeting")
    page = client_logged_in.get(url).text
    assert page.count('name="submission_key"') == 1
    assert client_logged_in.get(url).text != page  # a new key each time it is opened
    key = str(uuid.uuid4())
    response = client_logged_in.post(url, meeting_form(new_contact_name="") | {"submission_key": key})
    assert response.status_code == 422
    assert f'name="submission_key" value="{key}"' in response.text
    # The mistake freed the key: fixed and sent again, it creates the meeting.
    response = client_logged_in.post(url, meeting_form() | {"submission_key": key})
    assert response.status_code == 302
    assert Meeting.objects.count() == 1
    assert Submission.objects.get().key == uuid.UUID(key)


@pytest.mark.django_db
def test_a_key_is_one_users_own(client_logged_in, user):
    """Another user sending the same key (a copied page) gets their own meeting."""
    key = str(uuid.uuid4())
    client_logged_in.post(reverse("meetings:log-meeting"), meeting_form() | {"submission_key": key})
    other = Client()
    other.force_login(make_user("bob"))
    response = other.post(reverse("meetings:log-meeting"), meeting_form() | {"submission_key": key})
    assert response.status_code == 302
    assert Meeting.objects.count() == 2 and Contact.objects.filter(name="Sara Smith").count() == 2


@pytest.mark.django_db(transaction=True)
def test_ten_identical_posts_at_once_make_one_meeting_and_one_new_person():
    if connection.vendor == "sqlite":
        pytest.skip("SQLite serializes writers: the race needs PostgreSQL (CI runs both)")
    user = make_user("alice")
    data = meeting_form() | {"submission_key": str(uuid.uuid4())}
    start = threading.Barrier(10)
    statuses: list[int] = []

    def tap() -> None:
        client = Client()
        client.force_login(user)
        start.wait()
        statuses.append(client.post(reverse("meetings:log-meeting"), data).status_code)
        connection.close()

    threads = [threading.Thread(target=tap) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert statuses == [302] * 10
    assert Meeting.objects.count() == 1
    assert Contact.objects.filter(name="Sara Smith").count() == 1


@pytest.mark.django_db
def test_old_submission_keys_are_forgotten(user, settings):
    from datetime import timedelta

    from django.utils import timezone

    from accounts.submissions import purge_old

    settings.SUBMISSION_KEEP_DAYS = 30
    old, recent = (Submission.objects.create(user=user, key=uuid.uuid4()) for _ in range(2))
    Submission.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=31))
    assert purge_old() == 1
    assert list(Submission.objects.all()) == [recent]
