"""Leads (list, one, add, move on) and referrals (list, add) through the API."""

from __future__ import annotations

import uuid

import pytest

from contacts.models import Contact
from jobs.models import Lead, LeadMove
from referrals.models import Referral
from tests.api.conftest import assert_422_at
from tests.factories import bulk_contacts, make_contact, make_organization

pytestmark = pytest.mark.django_db


def make_leads(user, count: int, start: int = 0) -> list[Lead]:
    organization = make_organization(user, f"Org {start}")
    people = bulk_contacts(user, 2, prefix=f"P{start}")
    return [
        Lead(user=user, organization=organization, role=f"Role {start + i:03d}").save_new(people)
        for i in range(count)
    ]


def test_leads_list_filters_and_one_lead(api, user, other_user):
    leads = make_leads(user, 3)
    make_leads(other_user, 1)
    Lead.objects.filter(pk=leads[0].pk).update(status="applied")
    page = api.get("/api/leads").json()
    assert page["count"] == 3
    applied = api.get("/api/leads", {"status": "applied"}).json()["items"]
    assert [lead["role"] for lead in applied] == ["Role 000"]
    assert api.get("/api/leads", {"q": "role 002"}).json()["count"] == 1
    assert api.get("/api/leads", {"status": "lost"}).status_code == 422
    body = api.get(f"/api/leads/{leads[1].pk}").json()
    assert body["organization"]["name"] == "Org 0"
    assert [c["name"] for c in body["contacts"]] == ["P0 000", "P0 001"]


def test_the_leads_list_runs_as_many_queries_for_50_as_for_5(
    api, user, django_assert_max_num_queries
):
    make_leads(user, 5)
    api.get("/api/leads")
    with django_assert_max_num_queries(7) as few:
        assert len(api.get("/api/leads").json()["items"]) == 5
    make_leads(user, 45, start=100)
    with django_assert_max_num_queries(len(few)):
        assert len(api.get("/api/leads", {"limit": 100}).json()["items"]) == 50


def test_adding_a_lead_with_its_people(api, user):
    sara = make_contact(user, "Sara Smith")
    key = {"Idempotency-Key": str(uuid.uuid4())}
    body = {"organization_name": "Acme", "role": " Data  Analyst ", "contacts": [sara.pk],
            "status": "reached_out"}
    response = api.post("/api/leads", body, headers=key)
    assert response.status_code == 201, response.content
    assert api.post("/api/leads", body, headers=key).json() == response.json()
    lead = Lead.objects.get()
    assert (lead.role, lead.organization.name, lead.status) == (
        "Data Analyst", "Acme", "reached_out"
    )
    assert list(lead.contacts.all()) == [sara]
    assert LeadMove.objects.filter(lead=lead).count() == 1


@pytest.mark.parametrize(
    ("body", "loc"),
    [
        ({"organization_name": "Acme"}, ("role",)),
        ({"organization_name": "x" * 201, "role": "Analyst"}, ("organization_name",)),
        ({"organization_name": "Acme", "role": "A", "posting_url": "javascript:x"},
         ("posting_url",)),
        ({"organization_name": "Acme", "role": "A", "status": "closed"}, ("status",)),
        ({"organization_name": "Acme", "role": "A", "event_id": 2**40, "source": "event"},
         ("event_id",)),
    ],
)
def test_lead_mistakes_are_a_422(api, body, loc):
    assert_422_at(api.post("/api/leads", body), *loc)
    assert not Lead.objects.exists()


@pytest.mark.parametrize("unnamed", [{}, {"organization_name": ""}, {"organization_name": " "},
                                     {"organization_name": None}])
def test_a_lead_whose_organization_is_not_named_yet(api, user, unnamed):
    """A recruiter's client: the lead is its role alone, its organization null."""
    response = api.post("/api/leads", {"role": "Product Manager"} | unnamed)
    assert response.status_code == 201, response.content
    assert response.json()["organization"] is None
    lead = Lead.objects.get()
    assert (lead.role, lead.organization) == ("Product Manager", None)
    make_leads(user, 1)  # and one at an organization beside it
    listed = {item["role"]: item["organization"] for item in api.get("/api/leads").json()["items"]}
    assert listed == {"Product Manager": None, "Role 000": {"id": listed["Role 000"]["id"],
                                                            "name": "Org 0"}}
    assert api.get(f"/api/leads/{lead.pk}").json()["organization"] is None
    assert api.get("/api/leads", {"q": "product"}).json()["count"] == 1
    moved = api.post(f"/api/leads/{lead.pk}/move", {"to": "applied"}).json()
    assert moved["moved"] and moved["lead"]["organization"] is None


def test_the_schema_says_a_leads_organization_may_be_null(api):
    schemas = api.get("/api/openapi.json").json()["components"]["schemas"]
    assert "organization_name" not in schemas["LeadIn"].get("required", [])
    assert {"type": "null"} in schemas["LeadOut"]["properties"]["organization"]["anyOf"]


def test_moving_a_lead_once_from_the_stage_seen(api, user):
    lead = make_leads(user, 1)[0]
    response = api.post(f"/api/leads/{lead.pk}/move", {"to": "applied"})
    assert response.status_code == 200
    assert (response.json()["moved"], response.json()["lead"]["status"]) == (True, "applied")
    # Sent again from what the phone saw before: it moved already, it moves no more.
    again = api.post(f"/api/leads/{lead.pk}/move", {"to": "interviewing", "from_status": "found"})
    assert again.json()["moved"] is False and again.json()["lead"]["status"] == "applied"
    closed = api.post(f"/api/leads/{lead.pk}/move", {"to": "won"}).json()
    assert (closed["lead"]["status"], closed["lead"]["outcome"]) == ("closed", "won")
    assert LeadMove.objects.filter(lead=lead).count() == 3
    assert_422_at(api.post(f"/api/leads/{lead.pk}/move", {"to": "hired"}), "to")


def test_referrals_list_and_add(api, user, other_user):
    sara = make_contact(user, "Sara Smith")
    response = api.post("/api/referrals", {"contact": sara.pk, "name": "John Public",
                                          "organization": "Initech", "reason": "knows all"})
    assert response.status_code == 201, response.content
    referral = Referral.objects.get()
    assert (referral.referrer, referral.referred.name, referral.reason) == (
        sara, "John Public", "knows all"
    )
    received = api.post("/api/referrals", {"contact": sara.pk, "direction": "received",
                                          "name": "Ann Lee"})
    assert received.json()["referrer"]["name"] == "Ann Lee"
    assert received.json()["referred"]["name"] == "Sara Smith"
    assert api.get("/api/referrals").json()["count"] == 2
    john = Contact.objects.get(name="John Public")
    assert api.get("/api/referrals", {"contact": john.pk}).json()["count"] == 1
    error = assert_422_at(api.post("/api/referrals", {"contact": sara.pk, "name": "john public",
                                                    "organization": "initech"}))
    assert "referred you to John Public already" in error["msg"]
    assert_422_at(api.post("/api/referrals", {"contact": sara.pk, "name": ""}), "name")
    assert Referral.objects.count() == 2


def test_the_referrals_list_runs_as_many_queries_for_50_as_for_5(
    api, user, django_assert_max_num_queries
):
    def make(n, prefix):
        people = bulk_contacts(user, n + 1, prefix=prefix)
        Referral.objects.bulk_create(
            Referral(user=user, referrer=people[0], referred=p) for p in people[1:]
        )

    make(5, "A")
    api.get("/api/referrals")
    with django_assert_max_num_queries(6) as few:
        assert len(api.get("/api/referrals").json()["items"]) == 5
    make(45, "B")
    with django_assert_max_num_queries(len(few)):
        assert len(api.get("/api/referrals", {"limit": 100}).json()["items"]) == 50
