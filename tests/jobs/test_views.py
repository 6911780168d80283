"""Views of jobs/: the leads board, adding, a lead's page, editing, one-tap moves."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from pytest_django.asserts import assertContains, assertNotContains

from contacts.models import Organization
from jobs.models import Lead, LeadMove, Outcome, Status
from jobs.views import COLUMN_LIMIT
from referrals.models import Referral
from tests.factories import make_contact, make_organization
from tests.helpers import (
    HTMX,
    assert_fragment,
    assert_full_page,
    assert_htmx_login_redirect,
    assert_login_redirect,
    assert_not_allowed,
    count_queries,
    hx_trigger,
    text,
)

pytestmark = pytest.mark.django_db

LEADS = reverse("jobs:lead-list")
NEW_LEAD = reverse("jobs:add-lead")


def make_lead(user, role="Data Analyst", organization="Acme", status=Status.FOUND, **fields):
    if isinstance(organization, str):
        organization = Organization.objects.named(user, organization)
    people = fields.pop("people", ())
    outcome = fields.pop("outcome", "")
    return Lead(
        user=user, organization=organization, role=role, status=status, outcome=outcome,
        **fields,
    ).save_new(people)


def bulk_leads(user, count: int, organizations, statuses=tuple(Status.values)) -> list[Lead]:
    """`count` leads round robin over organizations and statuses, each with a move."""
    now = timezone.now()
    leads = Lead.objects.bulk_create(
        Lead(
            user=user, organization=organizations[i % len(organizations)], role=f"Role {i:03d}",
            status=(status := statuses[i % len(statuses)]),
            outcome=Outcome.LOST if status == Status.CLOSED else "",
            moved_at=now - timedelta(minutes=i),
        )
        for i in range(count)
    )
    LeadMove.objects.bulk_create(
        LeadMove(user=user, lead=lead, from_status="", to_status=lead.status, outcome=lead.outcome)
        for lead in leads
    )
    return leads


def lead_url(lead: Lead) -> str:
    return reverse("jobs:lead-detail", args=[lead.pk])


def edit_url(lead: Lead) -> str:
    return reverse("jobs:edit-lead", args=[lead.pk])


def move_url(lead: Lead) -> str:
    return reverse("jobs:move-lead", args=[lead.pk])


def lead_form(**overrides) -> dict:
    return {
        "organization_name": "Acme",
        "role": "Data Analyst",
        "posting_url": "https://acme.example/jobs/42",
        "source": "job_board",
        "found_on": "2026-11-20",
        "status": "found",
        "notes": "Posted on the company site.",
    } | overrides


def board(response) -> dict[str, list[str]]:
    return {c.status: [lead.role for lead in c.leads] for c in response.context["columns"]}


# --- the board ------------------------------------------------------------------------


def test_the_board_shows_the_users_leads_by_status(client_logged_in, user, other_user):
    make_lead(user, "Data Analyst", "Acme")
    make_lead(user, "Platform Engineer", "Juniper", status=Status.APPLIED)
    make_lead(user, "Quant", "Northwind", status=Status.CLOSED, outcome=Outcome.LOST)
    make_lead(other_user, "Secret Role", "Evil Corp")

    response = client_logged_in.get(LEADS)

    body = assert_full_page(response, 'id="lead-board"')
    columns = board(response)
    assert list(columns) == list(Status.values)
    assert columns["found"] == ["Data Analyst"]
    assert columns["applied"] == ["Platform Engineer"]
    assert columns["closed"] == ["Quant"]
    assert "3 leads" in body
    assert "Secret Role" not in body and "Evil Corp" not in body
    assert '<span class="badge outcome-lost">Lost</span>' in body
    # One tap: the next status, from the status the card shows.
    assert 'name="to" value="reached_out"' in body
    assert 'name="from_status" value="found"' in body


def test_the_board_caps_each_column_and_links_to_the_rest(client_logged_in, user):
    acme = make_organization(user, "Acme")
    bulk_leads(user, 30, [acme], statuses=[Status.APPLIED])

    response = client_logged_in.get(LEADS)

    assert board(response)["applied"] == [f"Role {i:03d}" for i in range(COLUMN_LIMIT)]
    assertContains(response, f"{30 - COLUMN_LIMIT} more applied")
    assertContains(response, 'href="?status=applied"')
    more = client_logged_in.get(LEADS, {"status": "applied", "page": 2})
    assert board(more) == {"applied": [f"Role {i:03d}" for i in range(25, 30)]}
    assertContains(more, "Page 2 of 2")


@pytest.mark.parametrize(
    "query, expected",
    [
        ({"q": "juniper"}, ["Platform Engineer"]),
        ({"q": "ANALYST"}, ["Data Analyst"]),
        ({"q": "remote"}, ["Platform Engineer"]),
        # Role and notes whatever their accents, both ways, as people and meetings.
        ({"q": "ingenieur"}, ["Ingénieur données"]),
        ({"q": "DONNÉES"}, ["Ingénieur données"]),
        ({"q": "cafe"}, ["Ingénieur données"]),
        ({"status": "applied"}, ["Platform Engineer"]),
        ({"status": "no-such-status"}, ["Data Analyst", "Ingénieur données", "Platform Engineer"]),
    ],
)
def test_the_board_filters(client_logged_in, user, query, expected):
    make_lead(user, "Data Analyst", "Acme")
    make_lead(user, "Platform Engineer", "Juniper", status=Status.APPLIED, notes="Remote ok")
    make_lead(user, "Ingénieur données", "Initech", notes="Rencontré au Café Rouge")

    response = client_logged_in.get(LEADS, query)

    shown = sorted(role for roles in board(response).values() for role in roles)
    assert shown == expected


def test_the_board_filters_by_organization(client_logged_in, user, other_user):
    acme = make_lead(user, "Data Analyst", "Acme").organization
    make_lead(user, "Platform Engineer", "Juniper")
    theirs = make_lead(other_user, "Secret", "Acme").organization

    response = client_logged_in.get(LEADS, {"organization": acme.pk})
    assert board(response)["found"] == ["Data Analyst"]
    assertContains(response, f'<option value="{acme.pk}" selected>Acme</option>', html=False)
    # Another user's organization filters to nothing (and is never offered).
    assert board(client_logged_in.get(LEADS, {"organization": theirs.pk}))["found"] == []


def test_the_board_htmx_gets_the_board_fragment(client_logged_in, user):
    make_lead(user, "Data Analyst", "Acme")

    response = client_logged_in.get(LEADS, {"q": "data"}, headers=HTMX)

    body = assert_fragment(response, 'id="lead-board"')
    assert "Data Analyst" in body
    assert 'role="search"' not in body
    assert "hx-request" in response["Vary"].lower()


def test_the_board_explains_leads_when_there_are_none(client_logged_in):
    response = client_logged_in.get(LEADS)
    body = assert_full_page(response, "A lead is a job you could get")
    assert "who you know there" in body
    assert f'hx-get="{NEW_LEAD}"' in body
    assert 'class="lead-filters' not in body  # nothing to filter yet


def test_the_board_login_required(client):
    assert_login_redirect(client.get(LEADS), LEADS)
    assert_htmx_login_redirect(client.get(LEADS, headers=HTMX), LEADS)


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_the_board_wrong_method(client_logged_in, method):
    assert_not_allowed(getattr(client_logged_in, method)(LEADS, {"role": "x"}), "GET")
    assert not Lead.objects.exists()


@pytest.mark.parametrize("query", [{}, {"status": "applied"}, {"q": "role"}])
def test_the_board_query_count_holds(client_logged_in, user, django_assert_num_queries, query):
    organizations = [make_organization(user, f"Org {i}") for i in range(3)]
    people = [make_contact(user, f"Person {i}") for i in range(3)]
    for lead in bulk_leads(user, 10, organizations):
        lead.contacts.set(people)
    one, response = count_queries(client_logged_in, LEADS, data=query)
    assert response.context["total"] > 0

    for lead in bulk_leads(user, 140, organizations):
        lead.contacts.set(people)

    with django_assert_num_queries(one):
        response = client_logged_in.get(LEADS, query)
    assert response.context["total"] > 10
    assert "Person 2" in text(response)


def test_an_empty_board_reads_no_organizations_for_its_filter(client_logged_in, user):
    """With no lead, the page shows no filters: their organizations are not read."""
    make_organization(user, "Acme")
    with CaptureQueriesContext(connection) as queries:
        response = client_logged_in.get(LEADS)
    assert response.status_code == 200
    assert not response.context["any_leads"]
    assert not [q for q in queries if 'FROM "contacts_organization"' in q["sql"]]


# --- adding a lead --------------------------------------------------------------------


def test_add_lead_page(client_logged_in, user):
    make_organization(user, "Acme")
    body = assert_full_page(client_logged_in.get(NEW_LEAD), "Add a lead")
    assert 'name="submission_key"' in body
    assert '<option value="Acme">' in body  # the organization box suggests yours
    assert 'name="status"' in body and 'value="closed"' not in body


def test_add_lead_with_htmx_gets_the_form_fragment(client_logged_in):
    body = assert_fragment(client_logged_in.get(NEW_LEAD, headers=HTMX), 'id="lead-form"')
    assert 'hx-post="' in body


def test_add_lead_saves_it_at_an_existing_organization(client_logged_in, user):
    acme = make_organization(user, "Acme")
    sara = make_contact(user, "Sara Smith")

    response = client_logged_in.post(
        NEW_LEAD, lead_form(organization_name="  ACME ", contacts=[sara.pk])
    )

    lead = Lead.objects.get()
    assert response.status_code == 302 and response["Location"] == lead_url(lead)
    assert (lead.user, lead.organization, lead.role) == (user, acme, "Data Analyst")
    assert lead.found_on == date(2026, 11, 20)
    assert list(lead.contacts.all()) == [sara]
    assert Organization.objects.count() == 1
    move = LeadMove.objects.get()
    assert (move.lead, move.from_status, move.to_status) == (lead, "", Status.FOUND)


def test_add_lead_creates_a_new_organization_typed_once(client_logged_in, user, other_user):
    make_organization(other_user, "Initech")
    client_logged_in.post(NEW_LEAD, lead_form(organization_name="Initech", status="applied"))
    lead = Lead.objects.get()
    assert lead.organization.user == user and lead.organization.name == "Initech"
    assert lead.status == Status.APPLIED


def test_add_lead_with_htmx_answers_in_the_modal(client_logged_in, user):
    response = client_logged_in.post(NEW_LEAD, lead_form(), headers=HTMX)
    lead = Lead.objects.get()
    body = assert_fragment(response, "Lead added")
    assert lead_url(lead) in body
    assert hx_trigger(response) == {"leadAdded": {"id": lead.pk}}


def test_add_lead_at_a_company_typed_another_way_says_so_and_how_to_merge(
    client_logged_in, user, other_user
):
    """"ACME, Inc." when "Acme" is there (and "Acme Analytics", another company, and
    another user's "ACME"): the dialog names Acme and links to renaming the new one."""
    acme = make_organization(user, "Acme")
    make_organization(user, "Acme Analytics")
    make_organization(other_user, "ACME")

    response = client_logged_in.post(
        NEW_LEAD, lead_form(organization_name="ACME, Inc."), headers=HTMX
    )

    body = assert_fragment(response, "Lead added")
    new = Lead.objects.get().organization
    assert new.name == "ACME, Inc." and new.pk != acme.pk
    assert f'You also have <a href="{acme.get_absolute_url()}">Acme</a>: the same company?' in body
    assert reverse("contacts:edit-organization", args=[new.pk]) in body
    assert "Acme Analytics" not in body
    # Without JavaScript: said on the lead's page.
    response = client_logged_in.post(NEW_LEAD, lead_form(organization_name="acme inc"))
    page = text(client_logged_in.get(response["Location"]))
    assert "You also have Acme, ACME, Inc.: the same company? Rename acme inc" in page


def test_add_lead_at_a_company_alone_of_its_name_says_nothing_more(client_logged_in, user):
    make_organization(user, "Acme Analytics")
    response = client_logged_in.post(NEW_LEAD, lead_form(organization_name="Acme"), headers=HTMX)
    assert "the same company?" not in assert_fragment(response, "Lead added")


def test_add_lead_twice_with_one_key_makes_one_lead(client_logged_in):
    data = lead_form(submission_key=str(uuid.uuid4()))
    first = client_logged_in.post(NEW_LEAD, data)
    second = client_logged_in.post(NEW_LEAD, data)
    assert Lead.objects.count() == 1 and LeadMove.objects.count() == 1
    assert second.status_code == first.status_code and second["Location"] == first["Location"]


@pytest.mark.parametrize(
    "bad, error",
    [
        ({"role": ""}, "Which role?"),
        ({"posting_url": "javascript:alert(1)"}, "Enter a valid URL"),
        ({"posting_url": "ftp://acme.example/job"}, "http:// or https://"),
        ({"found_on": "1850-01-01"}, "Pick a date from 1900 to today."),
        ({"found_on": str(date.today() + timedelta(days=2))},
         "That is still to come: when did you find it?"),
        ({"status": "closed"}, "Select a valid choice"),
    ],
)
def test_add_lead_invalid_is_422_and_keeps_what_was_typed(client_logged_in, user, bad, error):
    sara = make_contact(user, "Sara Smith")
    data = lead_form(role="Typed Role", notes="Typed notes", contacts=[sara.pk]) | bad

    response = client_logged_in.post(NEW_LEAD, data)

    assert response.status_code == 422
    body = text(response)
    assert error in body
    assert "Typed notes" in body
    assert escape(data["role"]) in body
    assert f'name="contacts" value="{sara.pk}" checked' in body  # the chip stays
    assert not Lead.objects.exists()


def test_add_lead_ignores_another_users_contact(client_logged_in, other_user):
    theirs = make_contact(other_user, "Mallory")
    response = client_logged_in.post(NEW_LEAD, lead_form(contacts=[theirs.pk]))
    assert response.status_code == 422
    assert "Mallory" not in text(response)
    assert not Lead.objects.exists()


def test_add_lead_from_an_organization_page_fills_it_in(client_logged_in, user, other_user):
    acme = make_organization(user, "Acme Analytics")
    theirs = make_organization(other_user, "Evil Corp")
    assertContains(client_logged_in.get(NEW_LEAD, {"organization": acme.pk}), 'value="Acme Analytics"')
    assertNotContains(client_logged_in.get(NEW_LEAD, {"organization": theirs.pk}), "Evil Corp")


def test_add_lead_login_required(client):
    assert_login_redirect(client.get(NEW_LEAD), NEW_LEAD)
    assert_login_redirect(client.post(NEW_LEAD, lead_form()), NEW_LEAD)
    assert not Lead.objects.exists()


@pytest.mark.parametrize("method", ["put", "delete", "patch"])
def test_add_lead_wrong_method(client_logged_in, method):
    assert_not_allowed(getattr(client_logged_in, method)(NEW_LEAD), "GET, POST")


# --- a lead's page ----------------------------------------------------------------------


def test_lead_detail_shows_the_lead_its_history_and_who_you_know(client_logged_in, user):
    sara = make_contact(user, "Sara Smith", organization="Globex")
    john = make_contact(user, "John Public", organization="Acme")
    Referral.objects.create(user=user, referrer=sara, referred=john)
    lead = make_lead(user, "Data Analyst", "Acme", people=[sara], posting_url="https://acme.example/j")
    lead.move(Status.REACHED_OUT)

    response = client_logged_in.get(lead_url(lead))

    body = assert_full_page(response, "<h1>Data Analyst</h1>")
    assert 'href="https://acme.example/j"' in body
    assert "Who you know at Acme" in body
    assert "John Public" in body and "Sara Smith" in body
    assert "Referred you to John Public" in body
    assert [m.to_status for m in response.context["moves"]] == ["reached_out", "found"]
    assert f'action="{move_url(lead)}"' in body
    assert 'name="to" value="introduced"' in body


def test_lead_detail_names_the_event_it_was_found_at(client_logged_in, user):
    from tests.events.factories import make_event

    club = make_event(user, "Tuesday Job Club")
    lead = make_lead(user, source="event", event=club)
    body = client_logged_in.get(lead.get_absolute_url()).content.decode()
    assert f'at <a href="{club.get_absolute_url()}">Tuesday Job Club</a>' in body
    plain = make_lead(user, role="Engineer", source="job_board")
    assert "· Job board</dd>" in client_logged_in.get(plain.get_absolute_url()).content.decode()


def test_lead_detail_of_another_user_is_404(client_logged_in, other_user):
    theirs = make_lead(other_user, "Secret Role", "Evil Corp")
    response = client_logged_in.get(lead_url(theirs))
    assert response.status_code == 404
    assertNotContains(response, "Secret Role", status_code=404)


def test_lead_detail_login_required(client, user):
    lead = make_lead(user)
    assert_login_redirect(client.get(lead_url(lead)), lead_url(lead))


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_lead_detail_wrong_method(client_logged_in, user, method):
    lead = make_lead(user)
    assert_not_allowed(getattr(client_logged_in, method)(lead_url(lead)), "GET")
    assert Lead.objects.filter(pk=lead.pk).exists()


def test_lead_detail_query_count_holds(client_logged_in, user, django_assert_num_queries):
    acme = make_organization(user, "Acme")
    lead = make_lead(user, "Data Analyst", acme)

    def grow(count: int, prefix: str) -> None:
        """`count` people at Acme, each referred by someone elsewhere, and lead moves."""
        for i in range(count):
            there = make_contact(user, f"{prefix} there {i}", organization=acme)
            outside = make_contact(user, f"{prefix} outside {i}", organization="Globex")
            Referral.objects.create(user=user, referrer=outside, referred=there)
        lead.contacts.add(*acme.contacts.all())
        for i in range(count):
            lead.move(Status.APPLIED if i % 2 == 0 else Status.FOUND)

    grow(10, "First")
    one, response = count_queries(client_logged_in, lead_url(lead))
    assert len(response.context["reach"].people) == 10

    grow(100, "More")

    with django_assert_num_queries(one):
        response = client_logged_in.get(lead_url(lead))
    reach = response.context["reach"]
    assert len(reach.people) == 50 and reach.more_people
    assert reach.bridges and reach.paths


# --- editing --------------------------------------------------------------------------------


def test_edit_lead_shows_and_saves_it_without_moving_it(client_logged_in, user):
    sara = make_contact(user, "Sara Smith")
    lead = make_lead(user, "Data Analyst", "Acme", status=Status.APPLIED, people=[sara])

    page = client_logged_in.get(edit_url(lead))
    body = assert_full_page(page, "Edit Data Analyst")
    assert 'value="Acme"' in body and 'name="status"' not in body
    assert f'name="contacts" value="{sara.pk}" checked' in body

    response = client_logged_in.post(
        edit_url(lead), lead_form(role="Senior Data Analyst", organization_name="Initech")
    )

    assert response.status_code == 302
    lead.refresh_from_db()
    assert (lead.role, lead.organization.name, lead.status) == (
        "Senior Data Analyst", "Initech", Status.APPLIED,
    )
    assert list(lead.contacts.all()) == []
    assert lead.moves.count() == 1


def test_edit_lead_invalid_is_422_and_changes_nothing(client_logged_in, user):
    lead = make_lead(user, "Data Analyst")
    response = client_logged_in.post(edit_url(lead), lead_form(role="", notes="Typed notes"))
    assert response.status_code == 422
    assertContains(response, "Typed notes", status_code=422)
    lead.refresh_from_db()
    assert lead.role == "Data Analyst"


def test_edit_lead_of_another_user_is_404(client_logged_in, other_user):
    theirs = make_lead(other_user, "Secret Role")
    assert client_logged_in.get(edit_url(theirs)).status_code == 404
    assert client_logged_in.post(edit_url(theirs), lead_form(role="Mine")).status_code == 404
    theirs.refresh_from_db()
    assert theirs.role == "Secret Role"


def test_edit_lead_login_required_and_methods(client, user):
    lead = make_lead(user)
    assert_login_redirect(client.get(edit_url(lead)), edit_url(lead))
    client.force_login(user)
    assert_not_allowed(client.delete(edit_url(lead)), "GET, POST")


# --- one-tap moves -------------------------------------------------------------------------


def test_a_move_records_it_and_goes_back(client_logged_in, user):
    lead = make_lead(user)

    response = client_logged_in.post(
        move_url(lead), {"to": "reached_out", "from_status": "found", "next": "/leads/?q=data"}
    )

    assert response.status_code == 302 and response["Location"] == "/leads/?q=data"
    lead.refresh_from_db()
    assert lead.status == Status.REACHED_OUT
    move = lead.moves.first()
    assert (move.from_status, move.to_status, move.outcome) == ("found", "reached_out", "")


def test_a_move_with_htmx_swaps_the_card(client_logged_in, user):
    lead = make_lead(user)

    response = client_logged_in.post(
        move_url(lead), {"to": "applied", "from_status": "found"}, headers=HTMX
    )

    body = assert_fragment(response, f'id="lead-{lead.pk}"')
    assert "Moved to Applied." in body
    assert 'name="to" value="interviewing"' in body
    assert 'name="from_status" value="applied"' in body
    assert hx_trigger(response) == {"leadMoved": {"id": lead.pk}}


def test_a_move_tapped_on_the_board_redraws_the_board(client_logged_in, user):
    lead = make_lead(user)
    make_lead(user, role="Engineer", organization="Globex", status=Status.APPLIED)

    response = client_logged_in.post(
        move_url(lead), {"to": "applied", "from_status": "found", "next": "/leads/"},
        headers=HTMX | {"HX-Target": f"lead-{lead.pk}"},
    )

    body = assert_fragment(response, 'id="lead-board"')
    assert response["HX-Retarget"] == "#lead-board" and response["HX-Reswap"] == "outerHTML"
    assert hx_trigger(response) == {"leadMoved": {"id": lead.pk}}
    assert "Data Analyst at Acme: Moved to Applied." in text(response)
    # In its new column, with the counts: Found is empty, Applied holds both.
    applied = body[body.index('id="column-applied"'):body.index('id="column-interviewing"')]
    assert f'id="lead-{lead.pk}"' in applied and 'class="count">2<' in applied
    found = body[body.index('id="column-found"'):body.index('id="column-reached_out"')]
    assert 'class="count">0<' in found
    assert 'name="next" value="/leads/"' in body  # the cards come back to the board


def test_a_move_on_a_filtered_board_keeps_its_filters(client_logged_in, user):
    lead = make_lead(user)
    make_lead(user, role="Engineer", organization="Globex")

    response = client_logged_in.post(
        move_url(lead),
        {"to": "reached_out", "from_status": "found", "next": "/leads/?q=analyst"},
        headers=HTMX,
    )

    body = assert_fragment(response, 'id="lead-board"')
    assert "Data Analyst" in body and "Engineer" not in body
    assert "matching “analyst”" in text(response)
    assert 'name="next" value="/leads/?q=analyst"' in body


def test_a_move_tapped_twice_on_the_board_says_so_on_the_board(client_logged_in, user):
    lead = make_lead(user)
    tap = {"to": "reached_out", "from_status": "found", "next": "/leads/"}
    client_logged_in.post(move_url(lead), tap, headers=HTMX)
    response = client_logged_in.post(move_url(lead), tap, headers=HTMX)
    assert "It is at Reached out already." in text(response)
    assert "HX-Trigger" not in response
    assert lead.moves.count() == 2


@pytest.mark.parametrize("next_url", ["/leads/", ""])
def test_a_move_on_a_stale_card_says_nothing_changed_and_where_the_lead_is(
    client_logged_in, user, next_url
):
    """The lead was moved to Applied in another tab; this tab's card still shows Found."""
    lead = make_lead(user)
    client_logged_in.post(move_url(lead), {"to": "applied", "from_status": "found"})
    stale = {"to": "reached_out", "from_status": "found", "next": next_url}
    response = client_logged_in.post(move_url(lead), stale, headers=HTMX)
    assert response.status_code == 200 and "HX-Trigger" not in response
    page = text(response)
    assert "Nothing changed: it had already been moved to Applied." in page
    assert "already" not in page.replace("had already been moved", "")
    lead.refresh_from_db()
    assert lead.status == Status.APPLIED and lead.moves.count() == 2
    # Without htmx: the same words, on the page it goes back to.
    response = client_logged_in.post(move_url(lead), stale, follow=True)
    assert "Nothing changed: it had already been moved to Applied." in text(response)


def test_closing_a_lead_records_its_outcome(client_logged_in, user):
    lead = make_lead(user, status=Status.OFFER)
    client_logged_in.post(move_url(lead), {"to": "won", "from_status": "offer"})
    lead.refresh_from_db()
    assert (lead.status, lead.outcome, lead.stage) == (Status.CLOSED, Outcome.WON, "Closed: won")
    assert lead.moves.first().outcome == Outcome.WON
    # Reopened: the outcome goes.
    client_logged_in.post(
        move_url(lead), {"to": "interviewing", "from_status": "closed", "from_outcome": "won"}
    )
    lead.refresh_from_db()
    assert (lead.status, lead.outcome) == (Status.INTERVIEWING, "")


def test_a_double_tap_moves_the_lead_once(client_logged_in, user):
    lead = make_lead(user)
    tap = {"to": "reached_out", "from_status": "found"}

    first = client_logged_in.post(move_url(lead), tap, headers=HTMX)
    second = client_logged_in.post(move_url(lead), tap, headers=HTMX)

    assert first.status_code == second.status_code == 200
    assert lead.moves.count() == 2  # added, then the one move
    assert "It is at Reached out already." in text(second)
    assert "HX-Trigger" not in second
    # A stale card (another tab moved it on meanwhile) does not move it back either.
    client_logged_in.post(move_url(lead), {"to": "applied", "from_status": "reached_out"})
    client_logged_in.post(move_url(lead), {"to": "introduced", "from_status": "found"})
    lead.refresh_from_db()
    assert lead.status == Status.APPLIED and lead.moves.count() == 3


@pytest.mark.parametrize(
    "data",
    [{"to": "closed", "from_status": "found"}, {"to": "hired", "from_status": "found"},
     {"to": "applied"}, {}],
)
def test_a_move_that_is_no_move_changes_nothing(client_logged_in, user, data):
    lead = make_lead(user)
    response = client_logged_in.post(move_url(lead), data, headers=HTMX)
    assert response.status_code == 422
    assert_fragment(response, "That move is not one netcrm knows.", status=422)
    lead.refresh_from_db()
    assert lead.status == Status.FOUND and lead.moves.count() == 1


def test_moving_another_users_lead_is_404(client_logged_in, other_user):
    theirs = make_lead(other_user)
    response = client_logged_in.post(move_url(theirs), {"to": "applied", "from_status": "found"})
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == Status.FOUND


def test_a_move_login_required_and_post_only(client, user):
    lead = make_lead(user)
    assert_login_redirect(client.post(move_url(lead), {"to": "applied"}), move_url(lead))
    client.force_login(user)
    assert_not_allowed(client.get(move_url(lead)), "POST")
    lead.refresh_from_db()
    assert lead.status == Status.FOUND


# --- the organization page and the nav ------------------------------------------------------


def test_the_organization_page_shows_its_leads_and_who_you_know(client_logged_in, user):
    acme = make_organization(user, "Acme")
    sara = make_contact(user, "Sara Smith")
    john = make_contact(user, "John Public", organization=acme)
    Referral.objects.create(user=user, referrer=sara, referred=john)
    make_lead(user, "Data Analyst", acme)

    response = client_logged_in.get(acme.get_absolute_url())

    body = assert_full_page(response, "<h1>Acme</h1>")
    assert "Data Analyst" in body
    assert "Who you know at Acme" in body
    assert f"{NEW_LEAD}?organization={acme.pk}" in body
    assert response.context["reach"].paths[0].people == [sara, john]


def test_an_intro_path_round_a_loop_says_so_on_the_organization_and_lead_pages(
    client_logged_in, user
):
    # Ann referred you to Ben, who works at Acme, and Ben referred you to Ann: the path
    # is not "You → Ann Able → Ben Bold" (you did not know Ann already).
    acme = make_organization(user, "Acme")
    ann = make_contact(user, "Ann Able")
    ben = make_contact(user, "Ben Bold", organization=acme)
    Referral.objects.create(user=user, referrer=ann, referred=ben)
    Referral.objects.create(user=user, referrer=ben, referred=ann)
    lead = make_lead(user, "Data Analyst", acme)

    for url in (acme.get_absolute_url(), lead.get_absolute_url()):
        body = text(client_logged_in.get(url))
        assert intro_paths(body) == [(
            "… → Ann Able → Ben Bold, Acme"
            " (a loop: Ann was referred to you by someone further along this route)"
            " Ask Ann Able: referred you to 1 person warmth 1"
        )]
        assert f'<strong><a href="{ben.get_absolute_url()}">Ben Bold</a></strong>' in body


def test_an_intro_path_from_someone_you_knew_starts_with_you(client_logged_in, user):
    acme = make_organization(user, "Acme")
    sara = make_contact(user, "Sara Smith")
    john = make_contact(user, "John Public", organization=acme)
    Referral.objects.create(user=user, referrer=sara, referred=john)
    assert intro_paths(text(client_logged_in.get(acme.get_absolute_url()))) == [
        "You → Sara Smith → John Public, Acme Ask Sara Smith: referred you to 1 person warmth 1"
    ]


def intro_paths(body: str) -> list[str]:
    import re

    found = re.search(r'<ol class="chains intro-paths">(.*?)</ol>', body, re.DOTALL)
    items = re.findall(r'<li class="chain">(.*?)</li>', found.group(1), re.DOTALL)
    return [" ".join(re.sub(r"<[^>]+>", "", item).split()) for item in items]


def test_the_organization_page_query_count_holds(client_logged_in, user, django_assert_num_queries):
    acme = make_organization(user, "Acme")

    def grow(count: int, prefix: str) -> None:
        for i in range(count):
            there = make_contact(user, f"{prefix} {i}", organization=acme)
            outside = make_contact(user, f"{prefix} outside {i}")
            Referral.objects.create(user=user, referrer=outside, referred=there)
            make_lead(user, f"{prefix} role {i}", acme)

    grow(10, "First")
    one, response = count_queries(client_logged_in, acme.get_absolute_url())
    assert len(response.context["reach"].paths) == 10
    grow(100, "More")
    with django_assert_num_queries(one):
        response = client_logged_in.get(acme.get_absolute_url())
    assert len(response.context["contacts"]) == 110


def test_a_contacts_page_adds_a_lead_with_them(client_logged_in, user):
    sara = make_contact(user, "Sara Smith", organization="Acme")
    body = text(client_logged_in.get(sara.get_absolute_url()))
    link = f"{NEW_LEAD}?contact={sara.pk}&amp;organization={sara.organization_id}"
    assert f'hx-get="{link}"' in body

    form = client_logged_in.get(NEW_LEAD, {"contact": sara.pk, "organization": sara.organization_id})
    assert response_has_chip(form, sara)


def response_has_chip(response, contact) -> bool:
    return f'name="contacts" value="{contact.pk}" checked' in text(response)


def test_the_nav_links_to_leads(client_logged_in):
    body = text(client_logged_in.get(reverse("home:dashboard")))
    assert f'href="{LEADS}"' in body
    assert f'hx-get="{NEW_LEAD}"' in body


def test_the_list_fetches_itself_again_after_a_lead_added_as_sorted(client_logged_in, user):
    # The dialog's "leadAdded": the list (not only the board) asks for itself, at
    # its own address (sorted, filtered), and the switch is left as it is.
    make_lead(user, "Data Analyst")
    page = client_logged_in.get(LEADS, {"view": "list", "sort": "role"})
    listened = 'hx-trigger="leadAdded from:body"'
    assert listened in text(page) and 'hx-get="/leads/?view=list&amp;sort=role"' in text(page)
    make_lead(user, "Backend Engineer")
    response = client_logged_in.get(
        LEADS, {"view": "list", "sort": "role"}, headers=HTMX | {"HX-Trigger": "lead-board"}
    )
    body = assert_fragment(response, "Backend Engineer")
    assert body.index("Backend Engineer") < body.index("Data Analyst")
    assert listened in body and 'id="view-switch"' not in body


@pytest.mark.parametrize("view", ["", "list"])
def test_the_board_list_switch_keeps_the_search_typed(client_logged_in, user, view):
    make_lead(user, "Data Analyst")
    response = client_logged_in.get(
        LEADS, {"view": view, "q": "analyst"}, headers=HTMX | {"HX-Trigger": "lead-filters"}
    )
    body = assert_fragment(response, "Data Analyst")
    switch = body.split('<nav class="view-switch" id="view-switch"', 1)[1].split("</nav>", 1)[0]
    assert 'hx-swap-oob="true"' in switch
    assert 'href="/leads/?q=analyst"' in switch and 'href="/leads/?view=list&amp;q=analyst"' in switch
