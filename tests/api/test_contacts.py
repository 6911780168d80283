"""Contacts and organizations through the API: lists (search, pages, a query count that
holds whatever the number of rows), one contact, add, change, delete into the Trash,
and the chains that led to someone."""

from __future__ import annotations

import uuid

import pytest

from contacts.models import Contact, Organization
from referrals.models import Referral
from tests.api.conftest import assert_422_at
from tests.events.factories import make_event
from tests.factories import bulk_contacts, bulk_organizations, make_contact
from trash.models import TrashEntry

pytestmark = pytest.mark.django_db


def test_the_list_is_the_users_contacts_in_pages_with_a_count(api, user, other_user):
    bulk_contacts(user, 30)
    make_contact(other_user, "Not Yours")
    page = api.get("/api/contacts").json()
    assert page["count"] == 30
    assert [c["name"] for c in page["items"]] == [f"Person {i:03d}" for i in range(25)]
    page = api.get("/api/contacts", {"limit": 10, "offset": 25}).json()
    assert [c["name"] for c in page["items"]] == [f"Person {i:03d}" for i in range(25, 30)]


@pytest.mark.parametrize(
    "params", [{"limit": 101}, {"limit": 0}, {"offset": -1}, {"limit": "x"}, {"offset": 2**64}]
)
def test_a_page_beyond_the_limits_is_a_422(api, params):
    response = api.get("/api/contacts", params)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][0] == "query"


def test_search_finds_by_name_organization_email_or_tag(api, user):
    make_contact(user, "Sara Smith", organization="Acme", tags=["mentor"])
    make_contact(user, "John Public", email="john@initech.example")
    make_contact(user, "Nobody Else")
    names = lambda q: [c["name"] for c in api.get("/api/contacts", {"q": q}).json()["items"]]
    assert names("acme") == ["Sara Smith"]
    assert names("initech") == ["John Public"]
    assert names("MENTOR") == ["Sara Smith"]
    assert api.get("/api/contacts", {"q": "\x00"}).status_code == 200  # not sent to PostgreSQL


@pytest.mark.parametrize(
    ("path", "make"),
    [
        ("/api/contacts", lambda user, n: bulk_contacts(
            user, n, organizations=bulk_organizations(user, 3, prefix=f"O{n}"), tag="t")),
        ("/api/organizations", lambda user, n: bulk_organizations(user, n, prefix=f"O{n}")),
    ],
)
def test_the_list_runs_as_many_queries_for_50_rows_as_for_5(
    api, user, path, make, django_assert_max_num_queries
):
    make(user, 5)
    api.get(path)  # the token's last use is written once a minute, not on every call
    with django_assert_max_num_queries(6) as few:
        assert len(api.get(path).json()["items"]) == 5
    make(user, 45)
    with django_assert_max_num_queries(len(few)):
        assert len(api.get(path, {"limit": 100}).json()["items"]) >= 50


def test_one_contact_with_its_organization_and_tags(api, user):
    sara = make_contact(user, "Sara Smith", organization="Acme", tags=["mentor", "data"])
    body = api.get(f"/api/contacts/{sara.pk}").json()
    assert body["name"] == "Sara Smith"
    assert body["organization"] == {"id": sara.organization_id, "name": "Acme"}
    assert body["tags"] == ["data", "mentor"]


def test_adding_a_contact_reuses_the_organization_and_keeps_tags(api, user):
    acme = Organization.objects.create(user=user, name="Acme")
    response = api.post("/api/contacts", {
        "name": "  Ada   Lovelace ", "organization_name": "ACME", "tags": ["math", "a, b"],
        "past_organization_names": ["Babbage & Co"], "keep_in_touch_days": 30,
        "links": "linkedin.com/in/ada",
    })
    assert response.status_code == 201, response.content
    ada = Contact.objects.get(pk=response.json()["id"])
    assert (ada.user, ada.organization) == (user, acme)
    assert sorted(ada.tags.names()) == ["a, b", "math"]
    assert [o.name for o in ada.past_organizations.all()] == ["Babbage & Co"]
    assert ada.keep_in_touch_reminder() is not None  # the cadence's reminder, as the form does
    assert response.json()["tags"] == ["a, b", "math"]


@pytest.mark.parametrize(
    ("body", "loc", "type_"),
    [
        ({}, ("name",), "missing"),
        ({"name": ""}, ("name",), "required"),
        ({"name": "Eve\x00"}, ("name",), "null_characters_not_allowed"),
        ({"name": "Eve", "phone": "1\x07"}, ("phone",), "control_characters"),
        ({"name": "Eve", "links": "javascript:alert(1)"}, ("links",), "unsafe_link"),
        ({"name": "Eve", "email": "not an address"}, ("email",), "invalid"),
        ({"name": "Eve", "keep_in_touch_days": 45}, ("keep_in_touch_days",), "invalid_choice"),
        ({"name": "Eve", "source": "telepathy"}, ("source",), "literal_error"),
        ({"name": "Eve", "met_at_id": 2**40}, ("met_at_id",), "invalid_choice"),
        ({"name": ["Eve"]}, ("name",), "string_type"),
    ],
)
def test_mistakes_are_a_422_in_the_schemas_shape_and_save_nothing(api, body, loc, type_):
    error = assert_422_at(api.post("/api/contacts", body), *loc)
    assert error["type"] == type_
    assert not Contact.objects.exists()


@pytest.mark.parametrize(
    "raw", ["{", "[1, 2]", "", "null", r'{"name": "\ud800"}', b'{"name": "\xff"}']
)
def test_a_body_that_is_no_json_object_is_a_4xx_never_a_500(api, raw):
    response = api.post("/api/contacts", raw)
    assert response.status_code in (400, 422), (response.status_code, response.content)
    assert not Contact.objects.exists()


def test_the_same_idempotency_key_twice_makes_one_contact_and_the_same_answer(api):
    key = str(uuid.uuid4())
    first = api.post("/api/contacts", {"name": "Ada"}, headers={"Idempotency-Key": key})
    again = api.post("/api/contacts", {"name": "Ada"}, headers={"Idempotency-Key": key})
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json()
    assert Contact.objects.count() == 1
    fresh = {"Idempotency-Key": str(uuid.uuid4())}
    other = api.post("/api/contacts", {"name": "Ada"}, headers=fresh)
    assert other.status_code == 201 and Contact.objects.count() == 2


def test_a_key_whose_create_had_mistakes_is_free_again(api):
    key = str(uuid.uuid4())
    mistaken = api.post("/api/contacts", {"name": ""}, headers={"Idempotency-Key": key})
    assert mistaken.status_code == 422
    fixed = api.post("/api/contacts", {"name": "Ada"}, headers={"Idempotency-Key": key})
    assert fixed.status_code == 201 and Contact.objects.count() == 1


def test_an_idempotency_key_that_is_no_uuid_is_a_422(api):
    response = api.post("/api/contacts", {"name": "Ada"}, headers={"Idempotency-Key": "again"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["header", "Idempotency-Key"]
    assert not Contact.objects.exists()


def test_changing_a_contact_changes_only_the_fields_sent(api, user):
    sara = make_contact(
        user, "Sara Smith", organization="Acme", tags=["mentor"], email="sara@acme.example"
    )
    response = api.patch(f"/api/contacts/{sara.pk}", {"title": "CTO", "tags": ["mentor", "cto"]})
    assert response.status_code == 200, response.content
    sara.refresh_from_db()
    assert (sara.title, sara.email, sara.organization.name) == ("CTO", "sara@acme.example", "Acme")
    assert sorted(sara.tags.names()) == ["cto", "mentor"]
    assert_422_at(api.patch(f"/api/contacts/{sara.pk}", {"name": ""}), "name")
    sara.refresh_from_db()
    assert sara.name == "Sara Smith"


def test_where_you_met_goes_with_a_source_that_has_one_and_is_never_dropped_unsaid(api, user):
    club = make_event(user)
    # Sent with a "how you met" that names no event: said, not saved without it.
    sent = api.post("/api/contacts", {"name": "Eve", "met_at_id": club.pk})
    error = assert_422_at(sent, "met_at_id")
    assert "event, a group or volunteering" in error["msg"]
    assert not Contact.objects.exists()
    response = api.post("/api/contacts", {"name": "Eve", "source": "group", "met_at_id": club.pk})
    assert response.status_code == 201, response.content
    eve = Contact.objects.get(pk=response.json()["id"])
    assert (eve.source, eve.met_at) == ("group", club)
    # Changing how you met to one without an event lets the event go, as the form does.
    assert api.patch(f"/api/contacts/{eve.pk}", {"source": "online"}).json()["met_at_id"] is None
    # Naming the event again while the source has none is the mistake, said.
    assert_422_at(api.patch(f"/api/contacts/{eve.pk}", {"met_at_id": club.pk}), "met_at_id")
    eve.refresh_from_db()
    assert (eve.source, eve.met_at) == ("online", None)
    assert api.patch(
        f"/api/contacts/{eve.pk}", {"source": "event", "met_at_id": club.pk}
    ).json()["met_at_id"] == club.pk


def test_deleting_a_contact_moves_it_to_the_trash_with_what_goes_with_it(api, user):
    sara, john = make_contact(user, "Sara Smith"), make_contact(user, "John Public")
    Referral.objects.create(user=user, referrer=sara, referred=john)
    response = api.delete(f"/api/contacts/{sara.pk}")
    assert response.status_code == 200
    entry = TrashEntry.objects.get(pk=response.json()["trash_entry"])
    assert (entry.subject_id, entry.kind) == (sara.pk, "contact")
    assert "1 referral chain through Sara Smith will break" in entry.summary
    assert not Contact.objects.filter(pk=sara.pk).exists() and not Referral.objects.exists()
    assert api.delete(f"/api/contacts/{sara.pk}").status_code == 404


def test_the_chains_that_led_to_a_contact(api, user):
    ann, bob = make_contact(user, "Ann", organization="Acme"), make_contact(user, "Bob")
    cy = make_contact(user, "Cy")
    Referral.objects.create(user=user, referrer=ann, referred=bob)
    Referral.objects.create(user=user, referrer=bob, referred=cy)
    body = api.get(f"/api/contacts/{cy.pk}/chains").json()
    assert body["contact"]["name"] == "Cy"
    assert [[p["name"] for p in chain] for chain in body["chains"]] == [["Ann", "Bob", "Cy"]]
    assert body["chains"][0][0]["organization"]["name"] == "Acme"


def test_organizations_list_search_one_and_add(api, user):
    bulk_organizations(user, 3)
    assert api.get("/api/organizations").json()["count"] == 3
    assert [o["name"] for o in api.get("/api/organizations", {"q": "001"}).json()["items"]] == [
        "Org 001"
    ]
    response = api.post("/api/organizations", {"name": "Initech", "is_target": True})
    assert response.status_code == 201
    initech = Organization.objects.get(pk=response.json()["id"])
    assert (initech.user, initech.is_target) == (user, True)
    assert api.get(f"/api/organizations/{initech.pk}").json()["name"] == "Initech"
    clash = assert_422_at(api.post("/api/organizations", {"name": "initech"}), "name")
    assert clash["msg"] == "You have an organization of this name already."
    assert_422_at(api.post("/api/organizations", {"name": "X", "website": "nope"}), "website")
    assert Organization.objects.count() == 4
