"""Someone new typed with the name of a contact already there, on the forms that add a
person by name besides the meeting log (tests/meetings/test_phone_form.py): asking for
a meeting, a request for help, the people met at an event. Each asks once, on the
server (without JavaScript, or with the type-ahead's question passed by), whether it is
the same person; "yes" uses the contact, "no" adds a namesake."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Profile
from contacts.models import Contact
from events.models import EventVisit
from outreach.models import Outreach
from reciprocity.models import InboundRequest
from tests.events.factories import make_event
from tests.factories import make_contact
from tests.helpers import HTMX, assert_fragment, assert_full_page, text

pytestmark = pytest.mark.django_db


def typed_at(user) -> str:
    moment = timezone.now() - timedelta(minutes=5)
    return moment.astimezone(Profile.for_user(user).tzinfo).strftime("%Y-%m-%dT%H:%M")


@dataclass(frozen=True)
class Form:
    name: str
    url: Callable  # (user) -> the form's address
    fields: Callable  # (user) -> the rest of what the form sends
    people: Callable  # (user) -> whom what was saved names
    save: str  # the words of the form's submit button
    htmx: bool  # it is also a dialog, which HTMX swaps


FORMS = [
    Form(
        "outreach", lambda user: reverse("outreach:add-outreach"),
        lambda user: {"channel": "email", "asked_at": typed_at(user), "length_minutes": "15",
                      "purpose": "how the data team hires"},
        lambda user: [o.contact for o in Outreach.objects.filter(user=user)],
        "Save and draft my request", htmx=True,
    ),
    Form(
        "reciprocity", lambda user: reverse("reciprocity:log-request"),
        lambda user: {"ask": "introduction", "received_at": typed_at(user),
                      "details": "An intro to the data team"},
        lambda user: [r.contact for r in InboundRequest.objects.filter(user=user)],
        "Save and schedule my reply", htmx=True,
    ),
    Form(
        "events", lambda user: reverse("events:add-people", args=[make_event(user).pk]),
        lambda user: {},
        lambda user: [c for v in EventVisit.objects.filter(user=user) for c in v.people.all()],
        "Save", htmx=False,
    ),
]


@pytest.fixture(params=FORMS, ids=[f.name for f in FORMS])
def form(request):
    return request.param


@pytest.fixture
def sara(user):
    return make_contact(user, "Sara Smith", organization="Acme")


def post(client, form: Form, user, name: str, headers=None, **more):
    data = form.fields(user) | {"new_contact_name": name} | more
    return client.post(form.url(user), data, headers=headers or {})


@pytest.mark.parametrize("typed", ["Sara Smith", " sara  SMITH "])
def test_someone_new_with_a_contacts_name_is_asked_about_not_created(
    client_logged_in, user, sara, form, typed
):
    said = " ".join(typed.split())
    for headers in [{}, HTMX] if form.htmx else [{}]:
        response = post(client_logged_in, form, user, typed, headers=headers)
        check = assert_fragment if headers else assert_full_page
        body = check(response, 'name="same_name"', status=422)
        assert f"{said} is already in your contacts." in body
        start = body.index("Is it the same person?")
        box = body[start:body.index("</fieldset>", start)]
        assert f'<input type="radio" name="same_name" value="{sara.pk}"> Yes: Sara Smith · Acme' in box
        assert f'<input type="radio" name="same_name" value="{said}"> No: add another {said}' in box
        assert f'<button type="submit">{form.save}</button>' in box
        assert "{#" not in body  # a template's comment of two lines is shown as text
    assert form.people(user) == []
    assert Contact.objects.count() == 1


def test_the_same_person_answered_uses_the_contact(client_logged_in, user, sara, form):
    response = post(client_logged_in, form, user, "sara smith", same_name=str(sara.pk),
                    new_contact_organization="Acme Corp")

    assert response.status_code == 302, text(response)
    assert form.people(user) == [sara]
    assert Contact.objects.count() == 1


def test_another_of_that_name_answered_adds_them_once(client_logged_in, user, sara, form):
    response = post(client_logged_in, form, user, "Sara Smith", same_name="sara smith")

    assert response.status_code == 302, text(response)
    other = Contact.objects.exclude(pk=sara.pk).get(name="Sara Smith")
    assert form.people(user) == [other]
    assert Contact.objects.count() == 2


def test_another_of_that_name_is_kept_when_something_else_is_wrong(
    client_logged_in, user, sara, form
):
    """Asked once: the answer rides along with the form that comes back."""
    too_long = "x" * 201
    response = post(client_logged_in, form, user, "Sara Smith", same_name="Sara Smith",
                    new_contact_organization=too_long)
    body = assert_full_page(response, 'name="same_name" value="Sara Smith" data-same-name', status=422)
    assert "already in your contacts" not in body and "Is it the same person?" not in body
    assert Contact.objects.count() == 1


def test_an_answer_about_another_name_is_no_answer(client_logged_in, user, sara, form):
    make_contact(user, "Bob Newman")
    response = post(client_logged_in, form, user, "Bob Newman", same_name=str(sara.pk))
    assert "Bob Newman is already in your contacts." in assert_full_page(response, "", status=422)
    assert form.people(user) == []


def test_a_nul_in_the_name_is_refused_and_never_looked_up(client_logged_in, user, sara, form):
    """The answer is read before the fields are checked: a name with a NUL (PostgreSQL
    refuses it in a query: a 500) is refused by its field, not looked up."""
    typed = "Sara\x00Smith"
    with CaptureQueriesContext(connection) as queries:
        response = post(client_logged_in, form, user, typed, same_name=str(sara.pk))
    assert_full_page(response, "control character", status=422)
    assert not [q["sql"] for q in queries if typed in q["sql"]]  # (SQLite shows the values)
    assert form.people(user) == [] and Contact.objects.count() == 1


def test_a_namesake_of_another_users_contact_is_not_asked_about(
    client_logged_in, user, other_user, form
):
    theirs = make_contact(other_user, "Sara Smith")
    response = post(client_logged_in, form, user, "Sara Smith", same_name=str(theirs.pk))
    assert response.status_code == 302, text(response)
    mine = Contact.objects.get(user=user)
    assert mine.name == "Sara Smith" and mine.pk != theirs.pk
