"""The search page (/search/?q=): people, organizations, meetings and leads matching,
grouped, a few of each with "see all N", the matching words marked and everything
escaped; never another user's rows; a constant number of queries."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from search.services import SHOWN
from tests.factories import (
    bulk_contacts,
    bulk_meetings,
    bulk_organizations,
    make_contact,
    make_meeting,
    make_organization,
)
from tests.helpers import (
    HTMX,
    assert_fragment,
    assert_full_page,
    assert_htmx_login_redirect,
    assert_login_redirect,
    assert_not_allowed,
    count_queries,
    text,
)
from tests.jobs.test_views import make_lead

pytestmark = pytest.mark.django_db

SEARCH = reverse("search:search")


def found(response) -> dict[str, list[str]]:
    """{group: the rows shown, by their name}, for the groups with results."""
    label = {
        "people": lambda r: r.name, "organizations": lambda r: r.name,
        "meetings": lambda r: r.purpose, "leads": lambda r: r.role,
    }
    return {
        g.key: [label[g.key](r) for r in g.rows]
        for g in response.context["groups"] if g.count
    }


@pytest.fixture
def world(user, other_user):
    acme = make_organization(user, "Acme Analytics")
    sara = make_contact(user, "Sara Smith", organization=acme, title="Data lead")
    make_contact(user, "John Public", email="john@acme.example")
    make_contact(user, "Nobody Here")
    make_meeting(user, [sara], purpose="coffee", notes="Sara says Acme hires in spring.")
    make_meeting(user, [sara], purpose="call", notes="Nothing to see.")
    make_lead(user, "Data Analyst", acme)
    make_lead(user, "Engineer", "Globex", notes="Referred by someone at Acme")
    # Mallory's rows match every search below: none may show.
    evil = make_organization(other_user, "Acme Evil")
    mallory = make_contact(other_user, "Mallory Acme", organization=evil)
    make_meeting(other_user, [mallory], purpose="secret", notes="acme sara data")
    make_lead(other_user, "Acme Spy", evil, notes="sara")


def test_everything_matching_grouped(client_logged_in, world):
    response = client_logged_in.get(SEARCH, {"q": "acme"})
    body = assert_full_page(response, "<h1>Search</h1>")
    assert found(response) == {
        "people": ["John Public", "Sara Smith"],     # by email; by organization
        "organizations": ["Acme Analytics"],
        "meetings": ["coffee"],                      # its notes
        "leads": ["Engineer", "Data Analyst"],       # notes; organization
    }
    assert "6 results for “acme”" in body
    assert "Mallory" not in body and "Evil" not in body and "Spy" not in body


def test_another_users_rows_never_show(client_logged_in, world):
    for query in ("mallory", "evil", "secret", "spy"):
        response = client_logged_in.get(SEARCH, {"q": query})
        assert found(response) == {}, query
        assert "Nothing matches" in text(response)


def test_meetings_match_by_who_was_there(client_logged_in, world):
    response = client_logged_in.get(SEARCH, {"q": "smith"})
    assert found(response)["meetings"] == ["call", "coffee"]  # the latest first
    assert "<mark>Smith</mark>" in text(response)


def test_the_matching_words_are_marked(client_logged_in, world):
    body = text(client_logged_in.get(SEARCH, {"q": "acme"}))
    assert "<mark>Acme</mark> Analytics" in body
    assert "Sara says <mark>Acme</mark> hires in spring." in body
    assert "john@<mark>acme</mark>.example" in body


def test_html_in_a_name_and_in_the_query_is_escaped(client_logged_in, user):
    make_contact(user, '<script>alert("x")</script> Bob', title="<img src=x onerror=alert(1)>")
    make_meeting(user, [], notes="said <b>bold</b> things about <script>")
    response = client_logged_in.get(SEARCH, {"q": "<script>"})
    body = text(response)
    assert "<script>alert" not in body and "<img src=x" not in body and "<b>bold" not in body
    assert "<mark>&lt;script&gt;</mark>alert(&quot;x&quot;)&lt;/script&gt; Bob" in body
    assert "&lt;img src=x onerror=alert(1)&gt;" in body
    assert "&lt;b&gt;bold&lt;/b&gt; things about <mark>&lt;script&gt;</mark>" in body
    assert "“&lt;script&gt;”" in body


def test_an_empty_query_explains_and_runs_no_search(client_logged_in, world,
                                                    django_assert_max_num_queries):
    with django_assert_max_num_queries(3):  # the session and the user
        response = client_logged_in.get(SEARCH, {"q": "   "})
    assert response.context["groups"] == []
    assert "Type a name, an organization, a word from your meeting notes" in text(response)


def test_no_result_says_so(client_logged_in, world):
    body = text(client_logged_in.get(SEARCH, {"q": "zzzz"}))
    assert "Nothing matches “zzzz”." in body


def test_each_group_shows_a_few_and_links_to_all_of_them(client_logged_in, user):
    orgs = bulk_organizations(user, SHOWN + 2, prefix="Wide")
    bulk_contacts(user, SHOWN + 5, prefix="Wide person", organizations=orgs)
    response = client_logged_in.get(SEARCH, {"q": "wide"})
    groups = {g.key: g for g in response.context["groups"]}
    assert len(groups["people"].rows) == SHOWN and groups["people"].count == SHOWN + 5
    assert groups["organizations"].count == SHOWN + 2
    body = text(response)
    assert f'<a href="/contacts/?q=wide">See all {SHOWN + 5} people</a>' in body
    assert f'<a href="/contacts/organizations/?q=wide">See all {SHOWN + 2} organizations</a>' in (
        body
    )
    # The list it links to finds the same ones.
    listed = client_logged_in.get(reverse("contacts:contact-list"), {"q": "wide"})
    assert listed.context["page"].paginator.count == SHOWN + 5


def test_see_all_links_for_meetings_and_leads_open_the_filtered_lists(client_logged_in, user):
    people = bulk_contacts(user, 1)
    bulk_meetings(user, SHOWN + 1, contacts=people, purpose="Wide plans")
    acme = make_organization(user, "Acme")
    for i in range(SHOWN + 1):
        make_lead(user, f"Wide role {i}", acme)
    body = text(client_logged_in.get(SEARCH, {"q": "plans"}))
    assert f'<a href="/meetings/?q=plans">See all {SHOWN + 1} meetings</a>' in body
    body = text(client_logged_in.get(SEARCH, {"q": "role"}))
    assert f'<a href="/leads/?view=list&amp;q=role">See all {SHOWN + 1} leads</a>' in body
    listed = client_logged_in.get(reverse("jobs:lead-list"), {"view": "list", "q": "role"})
    assert listed.context["page"].paginator.count == SHOWN + 1


def test_htmx_gets_the_results_alone(client_logged_in, world):
    response = client_logged_in.get(SEARCH, {"q": "sara"}, headers=HTMX)
    body = assert_fragment(response, 'id="search-results"')
    assert "<mark>Sara</mark> Smith" in body
    assert response["Vary"] and "HX-Request" in response["Vary"]


def test_the_header_has_the_search_box(client_logged_in):
    body = text(client_logged_in.get(reverse("home:dashboard")))
    assert 'action="/search/"' in body and 'id="site-search"' in body
    assert 'aria-keyshortcuts="/"' in body


def test_login_required(client):
    assert_login_redirect(client.get(SEARCH, {"q": "x"}), f"{SEARCH}?q=x")
    assert_htmx_login_redirect(client.get(SEARCH, {"q": "x"}, headers=HTMX), f"{SEARCH}?q=x")


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_wrong_method(client_logged_in, method):
    assert_not_allowed(getattr(client_logged_in, method)(SEARCH), "GET")


@pytest.mark.parametrize("query", ["\x00", "a" * 10_000, "%", "_", "'; DROP TABLE x; --", "🙂"])
def test_odd_queries_are_never_a_500(client_logged_in, world, query):
    response = client_logged_in.get(SEARCH, {"q": query})
    assert response.status_code == 200


def test_the_query_count_holds_from_5_to_50_of_each(client_logged_in, user,
                                                    django_assert_num_queries):
    def grow(count: int, prefix: str) -> None:
        orgs = bulk_organizations(user, count, prefix=f"{prefix} Zork org")
        people = bulk_contacts(user, count, prefix=f"{prefix} Zork", organizations=orgs)
        bulk_meetings(user, count, contacts=people[:3], purpose="zork plans",
                      start=timezone.now() - timedelta(days=len(prefix)))
        for i in range(count):
            make_lead(user, f"{prefix} Zork role {i}", orgs[i])

    grow(5, "Few")
    five, response = count_queries(client_logged_in, SEARCH, data={"q": "zork"})
    assert sum(len(g.rows) for g in response.context["groups"]) == 20
    grow(45, "Many")
    # Now people, organizations and leads count their rows too; meetings counted
    # theirs with them (a window count) from the first.
    with django_assert_num_queries(five + 3):
        response = client_logged_in.get(SEARCH, {"q": "zork"})
    assert [g.count for g in response.context["groups"]] == [50, 50, 50, 50]
    assert sum(len(g.rows) for g in response.context["groups"]) == SHOWN * 4


def test_meeting_notes_are_found_and_shown_whatever_their_accents(client_logged_in, user):
    sara = make_contact(user, "Sara Smith")
    make_meeting(user, [sara], purpose="coffee", notes="Met at the Café Rouge; she’ll intro me.")
    response = client_logged_in.get(SEARCH, {"q": "cafe"})
    assert found(response) == {"meetings": ["coffee"]}
    body = text(response)
    assert "1 result for “cafe”" in body
    # The notes shown are the ones that matched, the match marked as typed there.
    assert "Met at the <mark>Café</mark> Rouge; she’ll intro me." in body


def test_leads_are_found_whatever_their_accents(client_logged_in, user):
    make_lead(user, "Ingénieure logiciel", "Initech", notes="Vu au Café Rouge")
    response = client_logged_in.get(SEARCH, {"q": "ingenieure"})
    assert found(response) == {"leads": ["Ingénieure logiciel"]}
    body = text(client_logged_in.get(SEARCH, {"q": "cafe"}))
    assert "Vu au <mark>Café</mark> Rouge" in body


def test_one_or_two_letters_find_meetings_by_the_people_met_and_say_so(client_logged_in, user):
    sofia = make_contact(user, "Sofia Reyes")
    make_meeting(user, [sofia], purpose="with Sofia", notes="Also met her son.")
    make_meeting(user, [make_contact(user, "Ann Lee")], purpose="with Ann",
                 notes="She also knows someone at Acme.")
    response = client_logged_in.get(SEARCH, {"q": "so"})
    assert found(response)["meetings"] == ["with Sofia"]
    body = text(response)
    assert "Found by the people met; notes and places from three letters on." in body
    assert "met her" not in body  # no passage of the notes: the names found it


def test_a_count_past_a_thousand_says_so(client_logged_in, user, monkeypatch):
    """Counted up to search.services.COUNTED_UP_TO (here 12) and one: past it, "12+"; a
    group counted with its rows (meetings found by their text) says its whole count."""
    monkeypatch.setattr("search.services.COUNTED_UP_TO", 12)
    people = bulk_contacts(user, 15, prefix="Wide person")
    bulk_meetings(user, 14, contacts=people[:1], purpose="Wide plans")
    response = client_logged_in.get(SEARCH, {"q": "wide"})
    groups = {g.key: g for g in response.context["groups"]}
    assert groups["people"].count == 13 and groups["people"].capped  # 12 and one
    assert not groups["meetings"].capped and groups["meetings"].count == 14
    body = text(response)
    assert "More than 26 results for “wide”" in body  # 12 people and 14 meetings
    assert '<span class="count">12+</span>' in body
    assert "See all 12+ people" in body and "See all 14 meetings" in body
    # Under the cap, every number is said as it is.
    monkeypatch.setattr("search.services.COUNTED_UP_TO", 1000)
    body = text(client_logged_in.get(SEARCH, {"q": "wide"}))
    assert "29 results for “wide”" in body and "See all 15 people" in body
