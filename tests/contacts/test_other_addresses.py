"""A contact's other emails and phone numbers (a phone's card gives several: the first of
each goes in its field, the rest are kept among the links as mailto: and tel: links):
shown on the contact's page as addresses and numbers."""

import re
from html import unescape

import pytest
from django.urls import reverse
from django.utils.html import escape

from contacts.models import Contact
from tests.factories import make_contact

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
    assert "Phones (212) 555-0101 +14155550188" in page
    assert '<a href="mailto:ana@lima.org">ana@lima.org</a>' in html
    assert '<a href="mailto:a.lima@work.example">a.lima@work.example</a>' in html
    assert '<a href="tel:+14155550188">+14155550188</a>' in html
    assert ">mailto:" not in html and ">tel:" not in html  # no label is a raw link
    # The web address stays among the links.
    assert "Links https://www.linkedin.com/in/ana-lima" in page


def test_only_other_addresses_make_no_links_entry_and_a_single_one_is_singular(client_logged_in, user):
    bo = make_contact(user, "Bo Berg", links="mailto:bo@berg.example\ntel:+46 8 123 456 78")
    page = text(client_logged_in.get(bo.get_absolute_url()))
    assert "Email bo@berg.example" in page
    assert "Phone +46 8 123 456 78" in page
    assert "Links" not in page


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
