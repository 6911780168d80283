"""A number typed in a search finds the contacts whose phone holds it, whatever the
punctuation either side: who is this calling me? On SQLite and PostgreSQL alike."""

import pytest
from django.urls import reverse

from contacts.models import Contact, phone_digits
from tests.factories import make_contact

pytestmark = pytest.mark.django_db


@pytest.fixture
def phones(user, other_user):
    make_contact(other_user, "Not Yours", phone="(415) 555-0123")
    return {
        "sara": make_contact(user, "Sara Smith", phone="(415) 555-0123"),
        "john": make_contact(user, "John Public", phone="+1 212 555 0199"),
        "lena": make_contact(user, "Lena Weiß", phone="+49 30 1234567"),
        "nobody": make_contact(user, "No Phone"),
    }


def found(user, query: str) -> list[str]:
    return sorted(c.name for c in Contact.objects.for_user(user).search(query))


@pytest.mark.parametrize("query, who", [
    ("415-555-0123", ["Sara Smith"]),
    ("4155550123", ["Sara Smith"]),
    ("+1 (415) 555 0123", ["Sara Smith"]),  # with the country code, saved without it
    ("212.555.0199", ["John Public"]),  # saved with it, typed without
    ("555 01", ["John Public", "Sara Smith"]),  # a part of a number
    ("555", ["John Public", "Sara Smith"]),
    ("+49 30 1234567", ["Lena Weiß"]),
    ("030 1234567", ["Lena Weiß"]),  # dialled at home: without its trunk 0
    ("1234567", ["Lena Weiß"]),
])
def test_a_number_finds_the_phones_that_hold_it(user, phones, query, who):
    assert found(user, query) == who


def test_too_few_digits_or_words_are_no_number(user, phones):
    assert phone_digits("55") == ""
    assert phone_digits("Sara 555") == ""
    assert phone_digits("(415) 555-0123") == "4155550123"
    assert found(user, "Sara") == ["Sara Smith"]


def test_a_number_in_a_tag_or_title_is_still_found(user, phones):
    make_contact(user, "Class Mate", title="Class of 2024", tags=["2024"])
    assert found(user, "2024") == ["Class Mate"]


def test_the_contacts_list_and_the_picker_find_by_number(client_logged_in, phones):
    response = client_logged_in.get(reverse("contacts:contact-list"), {"q": "415 555 0123"})
    assert [c.name for c in response.context["page"]] == ["Sara Smith"]
    picker = client_logged_in.get(reverse("contacts:contact-search"), {"q": "212-555-0199"})
    assert "John Public" in picker.text and "Sara Smith" not in picker.text


@pytest.mark.parametrize("odd, who", [
    ("5" * 100_000, []), ("+" * 5000, []), ("((((((", []),
    ("555\x00 0123", ["Sara Smith"]),  # the NUL dropped
])
def test_an_odd_number_is_a_page_not_an_error(client_logged_in, phones, odd, who):
    response = client_logged_in.get(reverse("contacts:contact-list"), {"q": odd})
    assert response.status_code == 200
    assert [c.name for c in response.context["page"]] == who
