"""What holds for every endpoint: a token is required (none, a wrong one or a revoked
one is a 401), another user's id is a 404, a method it does not take is a 405. The
table below lists every operation; a test checks it against the OpenAPI schema, so a
new endpoint cannot be missed."""

from __future__ import annotations

import pytest

from api.models import ApiToken
from contacts.models import Contact
from followups.models import FollowUp
from jobs.models import Lead
from meetings.models import Meeting
from referrals.models import Referral
from tests.factories import make_contact, make_followup, make_meeting, make_organization

pytestmark = pytest.mark.django_db

# (method, path, body); {names} are the owner's rows.
ENDPOINTS = [
    ("get", "/api/contacts", None),
    ("post", "/api/contacts", {"name": "Ada Lovelace"}),
    ("get", "/api/contacts/{contact}", None),
    ("patch", "/api/contacts/{contact}", {"title": "CTO"}),
    ("delete", "/api/contacts/{contact}", None),
    ("get", "/api/contacts/{contact}/chains", None),
    ("get", "/api/organizations", None),
    ("post", "/api/organizations", {"name": "Initech"}),
    ("get", "/api/organizations/{organization}", None),
    ("get", "/api/meetings", None),
    ("post", "/api/meetings", {"contacts": ["{contact}"], "notes": "Coffee"}),
    ("get", "/api/meetings/{meeting}", None),
    ("get", "/api/referrals", None),
    ("post", "/api/referrals", {"contact": "{contact}", "name": "John Public"}),
    ("get", "/api/followups/queue", None),
    ("post", "/api/followups/{followup}/done", None),
    ("post", "/api/followups/{followup}/skip", None),
    ("post", "/api/followups/{followup}/snooze", {"days": 3}),
    ("get", "/api/leads", None),
    ("post", "/api/leads", {"organization_name": "Acme", "role": "Data Analyst"}),
    ("get", "/api/leads/{lead}", None),
    ("post", "/api/leads/{lead}/move", {"to": "applied"}),
]
IDS = [f"{method} {path}" for method, path, _ in ENDPOINTS]


@pytest.fixture
def owned(user) -> dict[str, int]:
    organization = make_organization(user, "Acme")
    contact = make_contact(user, "Sara Smith", organization=organization)
    meeting = make_meeting(user, [contact])
    followup = make_followup(user, contact=contact)
    lead = Lead(user=user, organization=organization, role="Analyst").save_new([contact])
    return {
        "organization": organization.pk, "contact": contact.pk, "meeting": meeting.pk,
        "followup": followup.pk, "lead": lead.pk,
    }


def fill(value, ids: dict[str, int]):
    """The path or body with each {name} replaced by that row's id."""
    if isinstance(value, str):
        if value.startswith("{") and value.endswith("}") and value[1:-1] in ids:
            return ids[value[1:-1]]
        return value.format(**ids)
    if isinstance(value, list):
        return [fill(v, ids) for v in value]
    if isinstance(value, dict):
        return {k: fill(v, ids) for k, v in value.items()}
    return value


def call(client, method: str, path: str, body, ids: dict[str, int]):
    path = fill(path, ids)
    if method == "get":
        return client.get(path)
    if method == "delete":
        return client.delete(path)
    return getattr(client, method)(path, fill(body, ids))


def counts() -> tuple[int, ...]:
    return tuple(
        model.objects.count() for model in (Contact, Meeting, Referral, Lead, FollowUp)
    ) + (FollowUp.objects.filter(status="pending").count(),)


def test_the_table_lists_every_operation_of_the_schema(anonymous):
    schema = anonymous.get("/api/openapi.json").json()
    operations = {
        (method, path.replace("{pk}", "{x}"))
        for path, item in schema["paths"].items() for method in item
    }
    listed = {
        (method, path.replace("{contact}", "{x}").replace("{organization}", "{x}")
         .replace("{meeting}", "{x}").replace("{followup}", "{x}").replace("{lead}", "{x}"))
        for method, path, _ in ENDPOINTS
    }
    assert operations == listed


@pytest.mark.parametrize(("method", "path", "body"), ENDPOINTS, ids=IDS)
def test_a_token_is_required(anonymous, owned, method, path, body):
    before = counts()
    response = call(anonymous, method, path, body, owned)
    assert response.status_code == 401, response.content
    assert response.json() == {"detail": "Unauthorized"}
    assert counts() == before


@pytest.mark.parametrize(("method", "path", "body"), ENDPOINTS, ids=IDS)
@pytest.mark.parametrize("wrong", ["revoked", "made up", "basic"])
def test_a_revoked_or_wrong_token_is_refused(client, user, owned, method, path, body, wrong):
    from tests.api.conftest import ApiClient

    row, token = ApiToken.issue(user, "old laptop")
    row.revoke()
    headers = {}
    if wrong == "made up":
        token = "ncrm_" + "x" * 43
    client_ = ApiClient(client, token)
    if wrong == "basic":
        client_.token, headers = None, {"Authorization": "Basic YWxpY2U6cGFzc3dvcmQ="}
    before = counts()
    path_, body_ = fill(path, owned), fill(body, owned)
    if method == "get":
        response = client_.get(path_, headers=headers)
    elif method == "delete":
        response = client_.delete(path_, headers=headers)
    else:
        response = getattr(client_, method)(path_, body_, headers=headers)
    assert response.status_code == 401, response.content
    assert counts() == before


def names_a_row(endpoint) -> bool:
    _method, path, body = endpoint
    return "{" in path or "'{" in str(body)


@pytest.mark.parametrize(
    ("method", "path", "body"), [e for e in ENDPOINTS if names_a_row(e)],
    ids=[i for i, e in zip(IDS, ENDPOINTS) if names_a_row(e)],
)
def test_another_users_object_is_a_404(api, other_api, owned, method, path, body):
    """Mallory's token, Alice's ids: a 404 (exactly like a missing id), nothing changed.
    (Logging a meeting with someone else's contact is refused as an unknown choice.)"""
    before = counts()
    response = call(other_api, method, path, body, owned)
    if path == "/api/meetings":
        assert response.status_code == 422
    else:
        assert response.status_code == 404, response.content
        assert response.json() == {"detail": "Not Found"}
    assert counts() == before


@pytest.mark.parametrize(("method", "path", "body"), ENDPOINTS, ids=IDS)
def test_a_missing_id_is_a_404_and_the_owner_gets_through(api, owned, method, path, body):
    if "{" in path:
        gone = dict.fromkeys(owned, 2**62)
        assert call(api, method, path, body, gone).status_code == 404
    response = call(api, method, path, body, owned)
    assert response.status_code in (200, 201), response.content


@pytest.mark.parametrize(
    ("path", "allowed"),
    [
        ("/api/contacts", "GET, POST"),
        ("/api/contacts/{contact}", "GET, PATCH, DELETE"),
        ("/api/contacts/{contact}/chains", "GET"),
        ("/api/organizations", "GET, POST"),
        ("/api/organizations/{organization}", "GET"),
        ("/api/meetings", "GET, POST"),
        ("/api/meetings/{meeting}", "GET"),
        ("/api/referrals", "GET, POST"),
        ("/api/followups/queue", "GET"),
        ("/api/followups/{followup}/done", "POST"),
        ("/api/followups/{followup}/skip", "POST"),
        ("/api/followups/{followup}/snooze", "POST"),
        ("/api/leads", "GET, POST"),
        ("/api/leads/{lead}", "GET"),
        ("/api/leads/{lead}/move", "POST"),
    ],
)
def test_a_method_an_endpoint_does_not_take_is_a_405(api, owned, path, allowed):
    before = counts()
    for method in ("get", "post", "put", "patch", "delete"):
        if method.upper() in allowed.split(", "):
            continue
        response = api.send(method, fill(path, owned), {})
        assert response.status_code == 405, (method, path, response.status_code)
        assert set(response["Allow"].split(", ")) == set(allowed.split(", "))
    assert counts() == before


HUGE = 2**70


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("get", f"/api/contacts/{HUGE}", None),
        ("get", f"/api/leads/{HUGE}", None),
        ("get", f"/api/referrals?contact={HUGE}", None),
        ("get", f"/api/meetings?offset={HUGE}", None),
        ("post", "/api/meetings", {"contacts": [HUGE], "new_contact_name": "Ann"}),
        ("post", "/api/meetings", {"new_contact_name": "Ann", "length_minutes": HUGE}),
        ("post", "/api/referrals", {"contact": HUGE, "name": "Ann"}),
        ("post", "/api/contacts", {"name": "Ann", "met_at_id": HUGE}),
        ("post", "/api/contacts", {"name": "Ann", "keep_in_touch_days": HUGE}),
        ("post", "/api/leads", {"organization_name": "A", "role": "B", "event_id": HUGE}),
        ("post", "/api/leads", {"organization_name": "A", "role": "B", "contacts": [HUGE]}),
    ],
)
def test_a_number_too_big_for_the_database_is_a_4xx_never_a_500(api, method, path, body):
    response = api.get(path) if method == "get" else api.post(path, body)
    assert response.status_code in (404, 422), (response.status_code, response.content)


@pytest.mark.parametrize("path", ["/api/contacts/-1", "/api/contacts/abc", "/api/nothing-here"])
def test_an_address_no_endpoint_takes_is_the_apis_json_404(api, client, path):
    """Not Django's HTML page: a client reads `{"detail": "Not Found"}` as for any id."""
    response = api.get(path)
    assert response.status_code == 404 and response.json() == {"detail": "Not Found"}
    page = client.get("/contacts/-1/")  # the pages keep theirs
    assert page.status_code == 404 and page["Content-Type"].startswith("text/html")
