"""A phone shows the keyboard each field of a new contact needs, and does not offer to
fill in the user's own details: the number, the email and the employer are someone else's."""

import re

import pytest
from django.urls import reverse

from contacts.models import Contact, Source

pytestmark = pytest.mark.django_db


def input_tag(html: str, name: str) -> str:
    return re.search(rf'<input[^>]*name="{name}"[^>]*>', html).group(0)


def test_the_phone_gets_the_phone_keypad_and_no_ones_own_details_are_offered(client_logged_in):
    html = client_logged_in.get(reverse("contacts:create-contact")).content.decode()
    assert 'type="tel"' in input_tag(html, "phone")
    assert 'type="email"' in input_tag(html, "email")
    for name in ("name", "organization_name", "title", "email", "phone"):
        assert 'autocomplete="off"' in input_tag(html, name), name


def test_a_pasted_phone_number_with_spaces_is_kept_as_typed_without_the_edges(
    client_logged_in, user
):
    response = client_logged_in.post(reverse("contacts:create-contact"), {
        "name": "  Ana Ortiz ", "phone": "  +1 415 555 0123 ", "email": " Ana+jobs@Example.com ",
        "source": Source.KNEW,
    })
    assert response.status_code == 302
    ana = Contact.objects.for_user(user).get()
    assert (ana.name, ana.phone, ana.email) == ("Ana Ortiz", "+1 415 555 0123", "Ana+jobs@Example.com")
