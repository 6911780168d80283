"""The leads as a list (?view=list): a table whose every column sorts both ways, a bad
sort falling back, the board's filters kept through paging and the Board/List switch,
another user's leads never shown, and a number of queries that does not grow."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from jobs.models import Lead, Status
from tests.factories import make_contact, make_followup, make_organization
from tests.helpers import HTMX, assert_fragment, count_queries, text
from tests.jobs.test_views import bulk_leads, make_lead

pytestmark = pytest.mark.django_db

LEADS = reverse("jobs:lead-list")
PAGE_SIZE = settings.NETCRM_PAGE_SIZE


def roles(response) -> list[str]:
    return [lead.role for lead in response.context["page"].object_list]


@pytest.fixture
def three(user):
    """Three leads in a different order for every column."""
    now = timezone.now()
    analyst = make_lead(user, "analyst", "Zeta", Status.APPLIED)
    boss = make_lead(user, "Boss", "alpha", Status.FOUND)
    coder = make_lead(user, "Coder", "Mid", Status.CLOSED, outcome="won")
    for lead, days in ((analyst, 3), (boss, 1), (coder, 2)):
        Lead.objects.filter(pk=lead.pk).update(updated_at=now - timedelta(days=days))
    make_followup(user, lead=analyst, title="Call Sara", due_at=now + timedelta(days=1))
    make_followup(user, lead=coder, title="Send thanks", due_at=now + timedelta(days=4))
    return analyst, boss, coder


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("role", ["analyst", "Boss", "Coder"]),
        ("-role", ["Coder", "Boss", "analyst"]),
        ("organization", ["Boss", "Coder", "analyst"]),
        ("-organization", ["analyst", "Coder", "Boss"]),
        ("stage", ["Boss", "analyst", "Coder"]),        # found, applied, closed
        ("-stage", ["Coder", "analyst", "Boss"]),
        ("next_step", ["analyst", "Coder", "Boss"]),    # none: last either way
        ("-next_step", ["Coder", "analyst", "Boss"]),
        ("updated", ["analyst", "Coder", "Boss"]),
        ("-updated", ["Boss", "Coder", "analyst"]),
    ],
)
def test_leads_sort_by_each_column_both_ways(client_logged_in, three, sort, expected):
    response = client_logged_in.get(LEADS, {"view": "list", "sort": sort})
    assert roles(response) == expected


@pytest.mark.parametrize("sort", ["status", "-moved_at", "", "role role", "ü"])
def test_a_bad_sort_falls_back_to_the_latest_updated(client_logged_in, three, sort):
    response = client_logged_in.get(LEADS, {"view": "list", "sort": sort})
    assert response.status_code == 200
    assert roles(response) == ["Boss", "Coder", "analyst"]


def test_the_list_shows_the_next_step_or_the_next_move(client_logged_in, three):
    body = text(client_logged_in.get(LEADS, {"view": "list"}))
    assert "Call Sara" in body           # the open follow-up about it
    assert "→ Reached out" in body       # Boss, found, has none: the next move
    assert '<table class="list-table">' in body
    assert 'aria-current="page">List</a>' in body


def test_the_board_is_still_the_default(client_logged_in, three):
    body = text(client_logged_in.get(LEADS))
    assert '<div class="board' in body and "list-table" not in body
    assert 'aria-current="page">Board</a>' in body


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"status": "applied"}, ["analyst"]),
        ({"q": "co"}, ["Coder"]),
        ({"q": "alpha"}, ["Boss"]),
        ({"status": "closed", "q": "zeta"}, []),
        ({"status": "nonsense"}, ["Boss", "Coder", "analyst"]),
    ],
)
def test_the_list_filters(client_logged_in, three, params, expected):
    assert roles(client_logged_in.get(LEADS, {"view": "list"} | params)) == expected


def test_the_list_filters_by_organization(client_logged_in, three):
    analyst = three[0]
    response = client_logged_in.get(
        LEADS, {"view": "list", "organization": analyst.organization_id}
    )
    assert roles(response) == ["analyst"]
    html = response.content.decode()
    assert f'<option value="{analyst.organization_id}" selected>' in html
    others = {lead.organization_id for lead in three[1:]} - {analyst.organization_id}
    assert all(f'<option value="{pk}">' in html for pk in others)


def test_filters_and_sort_survive_paging_and_the_switch(client_logged_in, user):
    acme = make_organization(user, "Acme")
    bulk_leads(user, PAGE_SIZE + 3, [acme], statuses=(Status.APPLIED,))
    bulk_leads(user, 5, [acme], statuses=(Status.FOUND,))
    first = client_logged_in.get(LEADS, {"view": "list", "status": "applied", "sort": "role"})
    assert first.context["page"].paginator.count == PAGE_SIZE + 3
    body = text(first)
    nav = body[body.index('<nav class="pagination"'):]
    link = nav[nav.index('href="') + 6:].split('"')[0].replace("&amp;", "&")
    assert parse_qs(urlsplit(link).query) == {
        "status": ["applied"], "view": ["list"], "sort": ["role"], "page": ["2"],
    }
    second = client_logged_in.get(LEADS + link)
    assert len(roles(second)) == 3 and roles(second) == sorted(roles(second))
    assert f'href="{LEADS}?status=applied">Board</a>' in body


def test_another_users_leads_never_show(client_logged_in, user, other_user, three):
    make_lead(other_user, "Secret Agent", "Evil Corp")
    body = text(client_logged_in.get(LEADS, {"view": "list", "q": "e"}))
    assert "Secret Agent" not in body and "Evil Corp" not in body


def test_htmx_gets_the_table_and_the_sort_back_in_the_form(client_logged_in, three):
    response = client_logged_in.get(LEADS, {"view": "list", "sort": "stage"}, headers=HTMX)
    body = assert_fragment(response, 'id="lead-board"')
    assert '<table class="list-table">' in body
    assert 'id="lead-filters-sort" hx-swap-oob="true"' in body


@pytest.mark.parametrize("sort", ["-updated", "stage", "next_step", "organization"])
def test_lead_list_query_count_holds_from_5_to_50_rows(
    client_logged_in, user, django_assert_num_queries, sort
):
    orgs = [make_organization(user, f"Org {i}") for i in range(3)]

    def grow(count: int) -> None:
        for lead in bulk_leads(user, count, orgs, statuses=(Status.FOUND, Status.APPLIED)):
            make_followup(user, lead=lead, title=f"Ask about {lead.role}")

    grow(5)
    params = {"view": "list", "sort": sort}
    five, response = count_queries(client_logged_in, LEADS, data=params)
    assert len(roles(response)) == 5
    grow(45)
    with django_assert_num_queries(five):
        response = client_logged_in.get(LEADS, params)
    assert len(roles(response)) == PAGE_SIZE
    assert text(response).count("Ask about Role") == PAGE_SIZE * 2  # the cell and the phone line


def test_the_leads_someone_is_part_of(client_logged_in, user, other_user, three):
    """A contact's page links here for the rest of their leads: the list and the board
    narrowed to them, saying whose, the filter kept through the switch and a column's
    "more"; someone else's contact, or a deleted one, narrows nothing."""
    sara = make_contact(user, "Sara Smith")
    analyst, boss, _ = three
    analyst.contacts.add(sara)
    boss.contacts.add(sara)
    extra = bulk_leads(user, 15, [make_organization(user, "Acme")], statuses=(Status.FOUND,))
    for lead in extra:
        lead.contacts.add(sara)

    listed = client_logged_in.get(LEADS, {"view": "list", "contact": sara.pk, "sort": "role"})
    assert listed.context["page"].paginator.count == 17
    assert "Coder" not in roles(listed)
    body = text(listed)
    assert f'17 leads with <a href="{sara.get_absolute_url()}">Sara Smith</a>' in body
    assert f'<input type="hidden" name="contact" value="{sara.pk}">' in body
    assert f'href="{LEADS}?contact={sara.pk}">Board</a>' in body

    board = client_logged_in.get(LEADS, {"contact": sara.pk})
    found = {c.status: c for c in board.context["columns"]}[Status.FOUND]
    assert found.count == 16 and "Coder" not in text(board)
    more = f'?status=found&amp;contact={sara.pk}"'
    assert more in text(board)  # the found column's "N more" keeps her

    theirs = make_contact(other_user, "Their Sara")
    for contact in (theirs.pk, 99999, "x"):
        everything = client_logged_in.get(LEADS, {"view": "list", "contact": contact})
        assert everything.context["page"].paginator.count == 18
        assert "Their Sara" not in text(everything)


def test_the_leads_whose_organization_is_not_named_yet(client_logged_in, user, three):
    assert 'value="none"' not in text(client_logged_in.get(LEADS, {"view": "list"}))
    make_lead(user, "Product Manager", organization=None)
    listed = client_logged_in.get(LEADS, {"view": "list", "organization": "none"})
    assert roles(listed) == ["Product Manager"]
    assert '<option value="none" selected>Not named yet</option>' in text(listed)
    board = client_logged_in.get(LEADS, {"organization": "none"})
    assert [lead.role for c in board.context["columns"] for lead in c.leads] == ["Product Manager"]
