"""The contacts and organizations lists as tables: every column sorts both ways, a bad
sort falls back, filters combine and survive paging, another user's rows never show,
and the number of queries does not grow with the rows."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from followups.models import Status
from jobs.models import Lead
from jobs.models import Status as LeadStatus
from tests.factories import (
    bulk_contacts,
    bulk_organizations,
    make_contact,
    make_followup,
    make_meeting,
    make_organization,
)
from tests.helpers import HTMX, assert_fragment, count_queries, text

pytestmark = pytest.mark.django_db

CONTACTS = reverse("contacts:contact-list")
ORGANIZATIONS = reverse("contacts:organization-list")
PAGE_SIZE = settings.NETCRM_PAGE_SIZE


def names(response) -> list[str]:
    return [row.name for row in response.context["page"].object_list]


def next_page_link(response) -> str:
    """The href of the "Next →" link of the pagination."""
    body = text(response)
    start = body.index('<nav class="pagination"')
    nav = body[start:body.index("</nav>", start)]
    href = nav[nav.rindex('<a href="') + 9:]
    return href[:href.index('"')].replace("&amp;", "&")


@pytest.fixture
def three(user):
    """Three contacts in a different order for every column."""
    now = timezone.now()
    ann = make_contact(user, "Ann Zed", organization="Zeta", title="CEO", tags=["mentor"])
    bob = make_contact(user, "bob Young", organization="alpha", title="analyst")
    cy = make_contact(user, "Cy Xu", organization="Mid", title="Manager", tags=["mentor"])
    make_meeting(user, [ann], starts_at=now - timedelta(days=1))
    make_meeting(user, [bob], starts_at=now - timedelta(days=10))
    make_meeting(user, [bob], starts_at=now + timedelta(days=5))  # planned: not "last"
    make_followup(user, contact=ann, due_at=now + timedelta(days=3))
    make_followup(user, contact=bob, due_at=now + timedelta(days=1))
    make_followup(user, contact=bob, due_at=now - timedelta(days=9), status=Status.DONE)
    make_followup(user, contact=cy, due_at=now + timedelta(days=2))
    return ann, bob, cy


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("name", ["Ann Zed", "bob Young", "Cy Xu"]),
        ("-name", ["Cy Xu", "bob Young", "Ann Zed"]),
        ("organization", ["bob Young", "Cy Xu", "Ann Zed"]),
        ("-organization", ["Ann Zed", "Cy Xu", "bob Young"]),
        ("title", ["bob Young", "Ann Zed", "Cy Xu"]),
        ("-title", ["Cy Xu", "Ann Zed", "bob Young"]),
        ("last_meeting", ["bob Young", "Ann Zed", "Cy Xu"]),   # never met: last either way
        ("-last_meeting", ["Ann Zed", "bob Young", "Cy Xu"]),
        ("next_followup", ["bob Young", "Cy Xu", "Ann Zed"]),  # done ones do not count
        ("-next_followup", ["Ann Zed", "Cy Xu", "bob Young"]),
    ],
)
def test_contacts_sort_by_each_column_both_ways(client_logged_in, three, sort, expected):
    response = client_logged_in.get(CONTACTS, {"sort": sort})
    assert names(response) == expected
    header = 'aria-sort="descending"' if sort.startswith("-") else 'aria-sort="ascending"'
    assert header in text(response)


def test_names_sort_as_people_read_them_whatever_the_accents_and_case(client_logged_in, user):
    """Élodie between Eddie and Emma, not after Zoë: on SQLite and on PostgreSQL alike
    (a C collation compares the characters' codes, as SQLite does)."""
    for name in ["Zoë Müller", "Élodie Durand", "emma Stone", "Eddie Ray", "Ángel Ruiz", "Bo Li"]:
        make_contact(user, name, organization=name.split()[0] + " Co", tags=[name[:2]])
    response = client_logged_in.get(CONTACTS)
    assert names(response) == [
        "Ángel Ruiz", "Bo Li", "Eddie Ray", "Élodie Durand", "emma Stone", "Zoë Müller",
    ]
    assert names(client_logged_in.get(CONTACTS, {"sort": "-name"}))[:2] == [
        "Zoë Müller", "emma Stone",
    ]
    orgs = client_logged_in.get(ORGANIZATIONS)
    assert [o.name for o in orgs.context["page"].object_list] == [
        "Ángel Co", "Bo Co", "Eddie Co", "Élodie Co", "emma Co", "Zoë Co",
    ]
    assert list(response.context["tags"]) == ["Án", "Bo", "Ed", "Él", "em", "Zo"]


@pytest.mark.parametrize("sort", ["nonsense", "-", "user__password", "name,pk", "x" * 5000])
def test_a_bad_sort_falls_back_to_the_name(client_logged_in, three, sort):
    response = client_logged_in.get(CONTACTS, {"sort": sort})
    assert response.status_code == 200
    assert names(response) == ["Ann Zed", "bob Young", "Cy Xu"]


def test_the_columns_show_the_last_meeting_and_the_next_followup(client_logged_in, three):
    response = client_logged_in.get(CONTACTS)
    rows = {c.name: c for c in response.context["page"]}
    now = timezone.now()
    ann = rows["Ann Zed"]
    assert abs(ann.last_meeting - (now - timedelta(days=1))) < timedelta(minutes=1)
    assert abs(ann.next_followup - (now + timedelta(days=3))) < timedelta(minutes=1)
    assert rows["Cy Xu"].last_meeting is None
    body = text(response)
    assert '<span class="badge">mentor</span>' in body
    assert '<span class="none">never</span>' in body  # Cy, never met


def test_the_phone_line_under_a_name_never_starts_with_a_separator(client_logged_in, user):
    """Under each name on a phone: title, organization, met, next, with " · " only
    between what there is."""
    bare = make_contact(user, "Bo Bare")
    make_meeting(user, [bare], starts_at=datetime(2026, 10, 1, 10, tzinfo=UTC))
    make_followup(user, contact=make_contact(user, "Di Due"),
                  due_at=datetime(2026, 10, 4, 9, tzinfo=UTC))
    make_contact(user, "Al Titled", title="Analyst", organization="Acme")
    body = text(client_logged_in.get(CONTACTS))
    lines = {
        name: " ".join(line.split())
        for name, line in re.findall(r'>([^<]+)</a>\s*<span class="phone-sub">(.*?)</span>', body)
    }
    assert lines["Bo Bare"] == "met 1 Oct"
    assert lines["Di Due"] == "next 4 Oct"
    assert lines["Al Titled"] == "Analyst, Acme"


def test_a_header_link_flips_the_sort_and_keeps_the_filters(client_logged_in, three):
    response = client_logged_in.get(CONTACTS, {"tag": "mentor", "sort": "name"})
    headers = {h.key: h for h in response.context["headers"]}
    assert parse_qs(headers["name"].href[1:]) == {"tag": ["mentor"], "sort": ["-name"]}
    assert parse_qs(headers["last_meeting"].href[1:]) == {
        "tag": ["mentor"], "sort": ["-last_meeting"],
    }
    assert not headers["tags"].sortable


def test_filter_by_tag_organization_and_never_met(client_logged_in, user, three):
    ann, bob, cy = three
    assert names(client_logged_in.get(CONTACTS, {"tag": "mentor"})) == ["Ann Zed", "Cy Xu"]
    response = client_logged_in.get(
        CONTACTS, {"organization": ann.organization_id, "tag": "mentor"}
    )
    assert names(response) == ["Ann Zed"]
    assert names(client_logged_in.get(CONTACTS, {"no_meeting": "1"})) == ["Cy Xu"]
    assert names(client_logged_in.get(CONTACTS, {"no_meeting": "1", "q": "ann"})) == []


def test_the_filters_selects_show_what_is_chosen(client_logged_in, user, three):
    ann, bob, cy = three
    make_contact(user, "Eve Odd", organization="<b>Tags & Co</b>", tags=["<i>x</i>"])
    html = client_logged_in.get(
        CONTACTS, {"organization": ann.organization_id, "tag": "mentor"}
    ).content.decode()
    assert f'<option value="{ann.organization_id}" selected>Zeta</option>' in html
    assert f'<option value="{bob.organization_id}">alpha</option>' in html
    assert '<option value="mentor" selected>mentor</option>' in html
    # Names are escaped, and only organizations with someone in them are offered.
    assert "&lt;b&gt;Tags &amp; Co&lt;/b&gt;</option>" in html
    assert '<option value="&lt;i&gt;x&lt;/i&gt;">&lt;i&gt;x&lt;/i&gt;</option>' in html
    assert "<b>Tags" not in html and "<i>x" not in html
    empty = make_organization(user, "Nobody Works Here")
    assert f'value="{empty.pk}"' not in client_logged_in.get(CONTACTS).content.decode()


@pytest.mark.parametrize(
    "params",
    [{"tag": "no-such-tag"}, {"organization": "abc"}, {"organization": "9" * 5000},
     {"no_meeting": "yes"}],
)
def test_a_bad_filter_value_is_ignored(client_logged_in, three, params):
    response = client_logged_in.get(CONTACTS, params)
    assert response.status_code == 200
    assert names(response) == ["Ann Zed", "bob Young", "Cy Xu"]


def test_filters_and_sort_survive_paging(client_logged_in, user):
    orgs = bulk_organizations(user, 2)
    bulk_contacts(user, PAGE_SIZE + 5, prefix="Tagged", organizations=orgs, tag="mentor")
    bulk_contacts(user, 10, prefix="Other", organizations=orgs)
    first = client_logged_in.get(CONTACTS, {"tag": "mentor", "sort": "-name", "q": "tagged"})
    assert names(first)[0] == f"Tagged {PAGE_SIZE + 4:03d}"
    link = next_page_link(first)
    assert parse_qs(urlsplit(link).query) == {
        "q": ["tagged"], "tag": ["mentor"], "sort": ["-name"], "page": ["2"],
    }
    second = client_logged_in.get(CONTACTS + link)
    assert names(second) == [f"Tagged {i:03d}" for i in range(4, -1, -1)]


def test_another_users_contacts_and_tags_never_show(client_logged_in, user, other_user, three):
    # Names with spaces: no random token of the page (CSRF, nonce) can hold them.
    make_contact(other_user, "Mallory Secret", organization="Evil Corp", tags=["spy ring"])
    body = text(client_logged_in.get(CONTACTS))
    for theirs in ("Mallory Secret", "Evil Corp", "spy ring"):
        assert theirs not in body, theirs
    assert names(client_logged_in.get(CONTACTS, {"tag": "spy ring"})) == [
        "Ann Zed", "bob Young", "Cy Xu",
    ]
    evil = other_user.organization_set.get()
    assert names(client_logged_in.get(CONTACTS, {"organization": evil.pk})) == []


def test_htmx_gets_the_rows_and_puts_the_sort_back_in_the_form(client_logged_in, three):
    response = client_logged_in.get(CONTACTS, {"sort": "-title"}, headers=HTMX)
    body = assert_fragment(response, 'id="contact-rows"')
    assert 'id="contact-filters-sort" hx-swap-oob="true"' in body
    assert '<option value="-title" selected>' in body
    assert names(response) == ["Cy Xu", "Ann Zed", "bob Young"]


def test_the_page_has_a_filter_form_that_works_without_javascript(client_logged_in, three):
    body = text(client_logged_in.get(CONTACTS, {"tag": "mentor"}))
    assert '<details class="sort-filter" data-open-wide open>' in body
    assert 'method="get" action="/contacts/"' in body
    assert 'hx-push-url="true"' in body
    assert '<option value="mentor" selected>' in body
    assert '<button type="submit" class="apply">Apply</button>' in body


def _contacts_with_everything(user, count: int, prefix: str) -> None:
    orgs = bulk_organizations(user, 3, prefix=f"{prefix} Org")
    people = bulk_contacts(user, count, prefix=prefix, organizations=orgs, tag="python")
    now = timezone.now()
    for person in people:
        make_meeting(user, [person], starts_at=now - timedelta(days=2))
        make_followup(user, contact=person, due_at=now + timedelta(days=2))


@pytest.mark.parametrize("sort", ["name", "-last_meeting", "next_followup", "organization"])
def test_contact_list_query_count_holds_from_5_to_50_rows(
    client_logged_in, user, django_assert_num_queries, sort
):
    _contacts_with_everything(user, 5, "Few")
    params = {"sort": sort, "tag": "python"}
    client_logged_in.get(CONTACTS, params)  # warm the content-type cache
    five, response = count_queries(client_logged_in, CONTACTS, data=params)
    assert len(names(response)) == 5

    _contacts_with_everything(user, 45, "Many")

    with django_assert_num_queries(five):
        response = client_logged_in.get(CONTACTS, params)
    assert len(names(response)) == PAGE_SIZE
    assert text(response).count('<span class="badge">python</span>') == PAGE_SIZE


# --- organizations ---------------------------------------------------------------------


@pytest.fixture
def orgs(user):
    """Three organizations in a different order for every column."""
    now = timezone.now()
    zeta = make_organization(user, "Zeta")
    alpha = make_organization(user, "alpha")
    mid = make_organization(user, "Mid", is_target=True)
    for i in range(3):
        make_contact(user, f"Z{i}", organization=zeta, last_interaction_at=now - timedelta(days=20))
    make_contact(user, "A0", organization=alpha, last_interaction_at=now - timedelta(days=1))
    for i in range(2):
        make_contact(user, f"M{i}", organization=mid)
    for status in (LeadStatus.FOUND, LeadStatus.APPLIED):
        Lead(user=user, organization=alpha, role="Analyst", status=status).save_new()
    Lead(user=user, organization=mid, role="Analyst").save_new()
    Lead(user=user, organization=zeta, role="Gone", status=LeadStatus.CLOSED,
         outcome="lost").save_new()
    return zeta, alpha, mid


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("name", ["alpha", "Mid", "Zeta"]),
        ("-name", ["Zeta", "Mid", "alpha"]),
        ("contacts", ["alpha", "Mid", "Zeta"]),
        ("-contacts", ["Zeta", "Mid", "alpha"]),
        ("open_leads", ["Zeta", "Mid", "alpha"]),   # a closed lead is not open
        ("-open_leads", ["alpha", "Mid", "Zeta"]),
        ("last_touch", ["Zeta", "alpha", "Mid"]),   # never touched: last either way
        ("-last_touch", ["alpha", "Zeta", "Mid"]),
    ],
)
def test_organizations_sort_by_each_column_both_ways(client_logged_in, orgs, sort, expected):
    assert names(client_logged_in.get(ORGANIZATIONS, {"sort": sort})) == expected


def test_organization_columns_count_contacts_and_open_leads(client_logged_in, orgs):
    rows = {o.name: o for o in client_logged_in.get(ORGANIZATIONS).context["page"]}
    assert (rows["Zeta"].contact_count, rows["Zeta"].open_lead_count) == (3, 0)
    assert (rows["alpha"].contact_count, rows["alpha"].open_lead_count) == (1, 2)
    assert rows["Mid"].last_touch is None


def test_organizations_filter_by_name_and_target(client_logged_in, orgs):
    assert names(client_logged_in.get(ORGANIZATIONS, {"q": "ET"})) == ["Zeta"]
    assert names(client_logged_in.get(ORGANIZATIONS, {"target": "1"})) == ["Mid"]
    assert names(client_logged_in.get(ORGANIZATIONS, {"target": "1", "q": "zeta"})) == []
    assert names(client_logged_in.get(ORGANIZATIONS, {"sort": "bogus"})) == [
        "alpha", "Mid", "Zeta",
    ]


def test_organizations_filters_survive_paging(client_logged_in, user):
    bulk_organizations(user, PAGE_SIZE + 3, prefix="Acme")
    bulk_organizations(user, 4, prefix="Other")
    first = client_logged_in.get(ORGANIZATIONS, {"q": "acme", "sort": "-name"})
    link = next_page_link(first)
    assert parse_qs(urlsplit(link).query) == {"q": ["acme"], "sort": ["-name"], "page": ["2"]}
    assert names(client_logged_in.get(ORGANIZATIONS + link)) == ["Acme 002", "Acme 001", "Acme 000"]


def test_another_users_organizations_never_show(client_logged_in, other_user, orgs):
    make_organization(other_user, "Evil Corp")
    body = text(client_logged_in.get(ORGANIZATIONS, {"q": "corp"}))
    assert "Evil Corp" not in body


def test_organizations_htmx_gets_the_rows(client_logged_in, orgs):
    response = client_logged_in.get(ORGANIZATIONS, {"sort": "-contacts"}, headers=HTMX)
    body = assert_fragment(response, 'id="organization-rows"')
    assert 'id="organization-filters-sort" hx-swap-oob="true"' in body


@pytest.mark.parametrize("sort", ["name", "-contacts", "-open_leads", "last_touch"])
def test_organization_list_query_count_holds_from_5_to_50_rows(
    client_logged_in, user, django_assert_num_queries, sort
):
    def grow(count: int, prefix: str) -> None:
        for org in bulk_organizations(user, count, prefix=prefix):
            bulk_contacts(user, 2, prefix=f"{org.name} person", organizations=[org])

    grow(5, "Few")
    five, response = count_queries(client_logged_in, ORGANIZATIONS, data={"sort": sort})
    assert len(names(response)) == 5
    grow(45, "Many")
    with django_assert_num_queries(five):
        response = client_logged_in.get(ORGANIZATIONS, {"sort": sort})
    assert len(names(response)) == PAGE_SIZE


def test_contact_list_asks_for_the_users_tags_once_and_shows_each_rows_tags_by_name(
    client_logged_in, user
):
    make_contact(user, "Sara Smith", tags=["python", "alumni", "mentor"])
    client_logged_in.get(CONTACTS)  # warm the content-type cache
    with CaptureQueriesContext(connection) as queries:
        response = client_logged_in.get(CONTACTS)
    tag_lists = [
        q["sql"] for q in queries if q["sql"].startswith('SELECT "taggit_tag"."name" AS')
    ]
    assert len(tag_lists) == 1  # the filter and the "keep in touch with a group" form share it
    row = text(response).split("Sara Smith", 1)[1]
    assert row.index("alumni") < row.index("mentor") < row.index("python")


def test_organization_filter_offers_only_organizations_with_someone_in_them(
    client_logged_in, user
):
    make_contact(user, "Sara Smith", organization="Acme")
    make_organization(user, "Empty Inc")
    body = client_logged_in.get(CONTACTS).content.decode()
    options = body.split('aria-label="Organization"', 1)[1].split("</select>", 1)[0]
    assert ">Acme</option>" in options
    assert "Empty Inc" not in options


def test_a_searched_list_applies_the_search_once_for_the_count_and_the_ids(
    client_logged_in, user
):
    # The count and the page's ids come from one query (a window count beside each
    # id), and the page's rows are fetched by id with their columns: the search is
    # worked out once, not for the count, the ids and the rows each.
    quorras = [make_contact(user, f"Quorra {i}") for i in range(3)]
    make_contact(user, "Someone Else")
    make_meeting(user, quorras[:1])
    make_organization(user, "Quorra Labs")
    for url, searched in ((CONTACTS, "Quorra"), (reverse("meetings:meeting-list"), "Quorra"),
                          (ORGANIZATIONS, "Quorra")):
        with CaptureQueriesContext(connection) as queries:
            response = client_logged_in.get(url, {"q": searched})
        assert response.status_code == 200
        # (The meetings' search first asks whether anyone's name matches, on the names'
        # index, to choose its plan: MeetingQuerySet.search. That is not the search.)
        like = [q["sql"] for q in queries.captured_queries
                if "LIKE" in q["sql"].upper() and not q["sql"].startswith('SELECT 1 AS "a"')]
        assert len(like) == 1, (url, like)
    response = client_logged_in.get(CONTACTS, {"q": "quorra"})
    assert names(response) == ["Quorra 0", "Quorra 1", "Quorra 2"]
    assert response.context["page"].paginator.count == 3


@override_settings(NETCRM_PAGE_SIZE=2)
@pytest.mark.parametrize("asked, shown, number", [
    ("2", ["Quorra 2", "Quorra 3"], 2),
    ("3", ["Quorra 4"], 3),
    ("9", ["Quorra 4"], 3),  # past the last page: the last one, as without a search
    ("x", ["Quorra 0", "Quorra 1"], 1),
    ("-1", ["Quorra 0", "Quorra 1"], 1),
])
def test_a_searched_list_pages_and_counts_as_an_unsearched_one(
    client_logged_in, user, asked, shown, number
):
    for i in range(5):
        make_contact(user, f"Quorra {i}")
    make_contact(user, "Someone Else")
    response = client_logged_in.get(CONTACTS, {"q": "quorra", "page": asked})
    page = response.context["page"]
    assert (names(response), page.number, page.paginator.count, page.paginator.num_pages) == (
        shown, number, 5, 3)
    assert "5 contacts matching" in response.content.decode()


@pytest.mark.parametrize("asked", ["9" * 30, "9223372036854775807", "9" * 5000, "\x00", "1e9"])
def test_a_searched_list_of_an_absurd_page_shows_a_page_of_it(client_logged_in, user, asked):
    # A page no list could reach (an offset past what the database takes) or no number
    # at all: the last page or the first, as without a search, never a 500.
    make_contact(user, "Quorra One")
    for url in (CONTACTS, ORGANIZATIONS, reverse("meetings:meeting-list")):
        response = client_logged_in.get(url, {"q": "quorra", "page": asked})
        assert response.status_code == 200, url
        assert response.context["page"].number == 1, url
    assert names(client_logged_in.get(CONTACTS, {"q": "quorra", "page": asked})) == [
        "Quorra One"]


def test_a_search_that_finds_nobody_says_so(client_logged_in, user):
    make_contact(user, "Someone Else")
    response = client_logged_in.get(CONTACTS, {"q": "quorra"})
    assert response.context["page"].paginator.count == 0
    assert "No contact matches" in response.content.decode()


def test_a_row_deleted_between_the_ids_and_the_rows_is_left_out(client_logged_in, user):
    # Another tab deletes a contact while this list is being fetched: never a 500.
    kept = make_contact(user, "Ada Kept")
    gone = make_contact(user, "Bea Gone")
    deleted = []

    def delete_after_the_ids(execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        if not deleted and sql.startswith('SELECT "contacts_contact"."id" AS "pk"'):
            deleted.append(True)
            with connection.cursor() as cursor:  # its own: this one holds the ids
                cursor.execute('DELETE FROM "contacts_contact" WHERE "id" = %s', [gone.pk])
        return result

    with connection.execute_wrapper(delete_after_the_ids):
        response = client_logged_in.get(CONTACTS)
    assert deleted and response.status_code == 200
    assert names(response) == [kept.name]


@override_settings(NETCRM_PAGE_SIZE=2)
@pytest.mark.parametrize("url, keys", [
    (CONTACTS, ["name", "organization", "title", "last_meeting", "next_followup"]),
    (ORGANIZATIONS, ["name", "contacts", "open_leads", "last_touch"]),
    (reverse("meetings:meeting-list"), ["date", "who", "kind", "referrals"]),
])
def test_a_searched_list_counts_and_pages_in_every_sort(client_logged_in, user, url, keys):
    # The window count beside each id holds whatever the order: a column of the row, an
    # annotation (last meeting, open leads…), either direction.
    people = [
        make_contact(user, f"Quorra {i}", organization=make_organization(user, f"Quorra {i}"))
        for i in range(3)
    ]
    for person in people:
        make_meeting(user, [person])
    make_contact(user, "Someone Else")
    for key in keys:
        for sort in (key, f"-{key}"):
            first = client_logged_in.get(url, {"q": "quorra", "sort": sort})
            last = client_logged_in.get(url, {"q": "quorra", "sort": sort, "page": "2"})
            pages = [first.context["page"], last.context["page"]]
            assert [p.paginator.count for p in pages] == [3, 3], (url, sort)
            assert [len(p.object_list) for p in pages] == [2, 1], (url, sort)
            seen = {row.pk for p in pages for row in p.object_list}
            assert len(seen) == 3, (url, sort)
