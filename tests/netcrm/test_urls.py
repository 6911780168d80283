"""reverse_pk: the links pages write by the hundred, the very URLs reverse() gives."""

import pytest
from django.urls import get_script_prefix, reverse, set_script_prefix

from netcrm.lib.urls import reverse_pk
from tests.factories import make_contact

NAMES = ["home:contact-detail", "referrals:children", "referrals:edit-referral",
         "meetings:meeting-detail", "followups:followup-detail", "imports:batch"]


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("pk", [1, 7, 42, 987654321, 2**63 - 1])
def test_it_gives_what_reverse_gives(name, pk):
    assert reverse_pk(name, pk) == reverse(name, args=[pk])


def test_it_follows_the_script_prefix_netcrm_is_served_under():
    before = get_script_prefix()
    assert reverse_pk("home:contact-detail", 5) == "/contacts/5/"
    try:
        set_script_prefix("/crm/")
        assert reverse_pk("home:contact-detail", 5) == "/crm/contacts/5/"
        assert reverse_pk("home:contact-detail", 5) == reverse("home:contact-detail", args=[5])
    finally:
        set_script_prefix(before)
    assert reverse_pk("home:contact-detail", 5) == "/contacts/5/"


@pytest.mark.django_db
def test_a_contacts_url_is_its_page(client_logged_in, user):
    contact = make_contact(user, "Ada Lovelace")
    assert contact.get_absolute_url() == reverse("home:contact-detail", args=[contact.pk])
    assert client_logged_in.get(contact.get_absolute_url()).context["contact"] == contact
