"""A contact's other emails and phone numbers (a phone's card gives several: the first of
each goes in its field, the rest are kept among the links as mailto: and tel: links):
shown on the contact's page as addresses and numbers, found by search like the first,
on SQLite and PostgreSQL alike."""

import re
from html import unescape

import pytest
from django.db import connection
from django.db.models import Q
from django.urls import reverse
from django.utils.html import escape

from contacts.models import Contact, in_links
from tests.factories import make_contact
from tests.helpers import count_queries

pytestmark = pytest.mark.django_db

CONTACTS = reverse("contacts:contact-list")
SEARCH = reverse("search:search")
LINKS = "https://www.linkedin.com/in/ana-lima\nmailto:ana@lima.org\ntel:+14155550188\nmailto:a.lima@work.example"


@pytest.fixture
def ana(user):
    return make_contact(
        user, "Ana Lima", email="ana.lima@home.example", phone="(212) 555-0101", links=LINKS
    )


def text(response) -> str:
    """What the page reads, its tags gone and its spaces one."""
    return " ".join(unescape(re.sub(r"<[^>]*>", " ", response.content.decode())).split())


def found(user, query: str) -> list[str]:
    return sorted(c.name for c in Contact.objects.for_user(user).search(query))


def test_the_page_shows_other_emails_and_numbers_as_addresses_not_raw_links(client_logged_in, ana):
    response = client_logged_in.get(ana.get_absolute_url())
    html = response.content.decode()
    page = text(response)
    assert response.status_code == 200
    assert "Emails ana.lima@home.example ana@lima.org a.lima@work.example" in page
    assert "Phones (212) 555-0101 +1 415-555-0188" in page  # (kept as +14155550188)
    assert '<a href="mailto:ana@lima.org">ana@lima.org</a>' in html
    assert '<a href="mailto:a.lima@work.example">a.lima@work.example</a>' in html
    assert '<a href="tel:+14155550188">+1 415-555-0188</a>' in html
    assert ">mailto:" not in html and ">tel:" not in html  # no label is a raw link
    # The web address stays among the links.
    assert "Links https://www.linkedin.com/in/ana-lima" in page


def test_only_other_addresses_make_no_links_entry_and_a_single_one_is_singular(client_logged_in, user):
    bo = make_contact(user, "Bo Berg", links="mailto:bo@berg.example\ntel:+46 8 123 456 78")
    page = text(client_logged_in.get(bo.get_absolute_url()))
    assert "Email bo@berg.example" in page
    assert "Phone +46 8 123 456 78" in page
    assert "Links" not in page


def test_a_number_given_twice_is_shown_once_and_one_typed_as_it_was(client_logged_in, user):
    di = make_contact(
        user, "Di Eck", phone="+1 415 555 0188",
        links="tel:+14155550188\ntel:+1 (212) 555 0101\ntel:12345",
    )
    page = text(client_logged_in.get(di.get_absolute_url()))
    assert "Phones +1 415 555 0188 +1 (212) 555 0101 12345 How you met" in page


def test_a_number_without_its_country_code_and_with_it_is_shown_once(client_logged_in, user):
    # Typed as dialled at home, and the same number from a phone's card (US numbers:
    # NETCRM_PHONE_REGION's default).
    ed = make_contact(
        user, "Ed Fox", phone="(503) 555-0142", links="tel:+15035550142\ntel:+44 20 7946 0018",
    )
    page = text(client_logged_in.get(ed.get_absolute_url()))
    assert "Phones (503) 555-0142 +44 20 7946 0018 How you met" in page


def test_an_address_given_twice_is_shown_once_and_an_encoded_one_readably(client_logged_in, user):
    cy = make_contact(
        user, "Cy Dee", email="cy@dee.example",
        links="mailto:CY@dee.example\nmailto:cy%2Bwork@dee.example?subject=Hi",
    )
    response = client_logged_in.get(cy.get_absolute_url())
    assert "Emails cy@dee.example cy+work@dee.example" in text(response)
    assert text(response).count("dee.example") == 2
    # The link as it was (its subject kept), labelled with the address alone.
    assert (
        f'<a href="{escape("mailto:cy%2Bwork@dee.example?subject=Hi")}">cy+work@dee.example</a>'
        in response.content.decode()
    )


@pytest.mark.parametrize("query", ["ana@lima.org", "a.lima@work", "LIMA.ORG", "work.example"])
def test_search_finds_a_contact_by_another_email(user, other_user, ana, query):
    make_contact(other_user, "Not Yours", links="mailto:ana@lima.org\nmailto:a.lima@work.example")
    make_contact(user, "Nobody Else", email="nobody@else.example")
    assert found(user, query) == ["Ana Lima"]


@pytest.mark.parametrize("query", ["linkedin", "in/ana-lima", "mailto", "tel:"])
def test_search_does_not_find_them_by_a_web_address_or_the_schemes(user, ana, query):
    # Their addresses, not every word of every link ("linkedin" would be everyone).
    assert found(user, query) == []


def test_a_query_is_looked_for_in_one_line_not_across_two(user):
    make_contact(user, "Di Eck", links="mailto:di@eck.example\nhttps://sara.example")
    assert found(user, "sara") == []
    assert found(user, "eck.ex") == ["Di Eck"]


@pytest.mark.parametrize("query", ["415-555-0188", "(415) 555 0188", "+1 415 555 0188", "555 0188"])
def test_search_finds_a_contact_by_another_phone_number(user, other_user, ana, query):
    make_contact(other_user, "Not Yours", links="tel:+14155550188")
    make_contact(user, "Eve Fay", links="tel:+1 (415) 555-0199")
    assert found(user, query) == ["Ana Lima"]


def test_a_number_with_punctuation_in_the_link_is_found_too(user):
    make_contact(user, "Eve Fay", links="https://eve.example/4155\ntel:+1 (415) 555-0199")
    assert found(user, "4155550199") == ["Eve Fay"]
    assert found(user, "555 0188") == []


def test_the_contacts_list_finds_them_by_another_email(client_logged_in, ana, user):
    make_contact(user, "Nobody Else")
    response = client_logged_in.get(CONTACTS, {"q": "a.lima@work"})
    assert [c.name for c in response.context["page"].object_list] == ["Ana Lima"]


def test_the_search_of_everything_shows_the_email_it_found_them_by(client_logged_in, ana):
    response = client_logged_in.get(SEARCH, {"q": "work.example"})
    people = response.context["groups"][0]
    assert [c.name for c in people.rows] == ["Ana Lima"]
    assert "Ana Lima · a.lima@ work.example" in text(response)  # (marked)
    assert "ana.lima@home.example" not in text(response)
    # Found by name: the first email, as before.
    by_name = text(client_logged_in.get(SEARCH, {"q": "Ana"}))
    assert "@home.example" in by_name and "work.example" not in by_name


def test_other_addresses_cost_the_search_pages_no_query(client_logged_in, user):
    # (More than a search page shows from the start: its count is a query of its own.)
    for i in range(12):
        make_contact(user, f"Person {i}", links=f"mailto:lima{i}@x.example\ntel:+1415555010{i}")
    client_logged_in.get(SEARCH, {"q": "lima"})  # (what a first request caches)
    few, _ = count_queries(client_logged_in, SEARCH, data={"q": "lima"})
    list_few, _ = count_queries(client_logged_in, CONTACTS, data={"q": "lima"})
    for i in range(12, 40):
        make_contact(user, f"Person {i}", links=f"mailto:lima{i}@x.example")
    many, response = count_queries(client_logged_in, SEARCH, data={"q": "lima"})
    list_many, _ = count_queries(client_logged_in, CONTACTS, data={"q": "lima"})
    assert response.context["groups"][0].count == 40
    assert (many, list_many) == (few, list_few)


def test_the_contacts_with_another_email_have_an_index_of_their_own(user):
    index = indexes()["contact_other_email_idx"]
    assert index["index"] and index["columns"] == ["user_id"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the planner's choice")
def test_search_reads_only_the_contacts_with_another_email_from_that_index(user, other_user):
    make_contact(user, "Ana Lima", links="mailto:ana@lima.org")
    make_contact(user, "Bo Berg", links="https://lima.org/bo")
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
    plan = Contact.objects.for_user(user).order_by().filter(
        in_links("mailto", "lima\\.org") & Q(links__icontains="lima.org")
    ).explain()
    assert "contact_other_email_idx" in plan
    assert found(user, "lima.org") == ["Ana Lima"]


def indexes() -> dict:
    with connection.cursor() as cursor:
        return connection.introspection.get_constraints(cursor, Contact._meta.db_table)


@pytest.mark.parametrize("query", ["ana+jobs", "(work)", "a\\b", "[x-", "*?", "^$", "{2}", "%_"])
def test_what_a_regular_expression_reads_as_an_operator_is_a_character(client_logged_in, user, query):
    make_contact(user, "Ana Lima", links="mailto:ana+jobs@lima.org\nmailto:(work)a\\b[x-*?^$@x{2}.org")
    make_contact(user, "Bo Berg", links="mailto:anajobs@lima.org\nmailto:wor@x.org")
    assert found(user, query) == (["Ana Lima"] if query != "%_" else [])
    response = client_logged_in.get(CONTACTS, {"q": query})
    assert response.status_code == 200
