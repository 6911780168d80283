"""The query parameter helpers (netcrm/lib/http.py) against hostile input: the cases
that answered 500 (on PostgreSQL, or on both databases). tests/netcrm/test_hostile_input.py
drives every page at random."""

from __future__ import annotations

import pytest
from django.urls import reverse

from followups.models import FollowUp
from netcrm.lib.http import ids_from
from tests.factories import make_contact
from tests.helpers import HTMX, text

pytestmark = pytest.mark.django_db


# The query parameter helpers ---------------------------------------------------------


def test_an_id_of_thousands_of_digits_is_no_id():
    assert ids_from(["9" * 5000, "12"]) == [12]


def test_a_referral_row_index_of_thousands_of_digits_is_no_row(client_logged_in):
    response = client_logged_in.get(reverse("meetings:referral-row"), {"index": "9" * 5000})
    assert response.status_code == 204


@pytest.mark.parametrize("name", ["contacts:contact-list", "referrals:network"])
def test_a_search_drops_control_characters_and_is_capped(client_logged_in, user, name):
    make_contact(user, "Sara Smith")
    response = client_logged_in.get(reverse(name), {"q": "Sa\x00ra\x01"})
    assert response.status_code == 200
    assert 'value="Sara"' in text(response)
    assert "Sara Smith" in text(response)
    response = client_logged_in.get(reverse(name), {"q": "x" * 100_000})
    assert response.status_code == 200
    assert "x" * 200 in text(response) and "x" * 201 not in text(response)


def test_the_contact_picker_searches_without_nul(client_logged_in, user):
    make_contact(user, "Sara Smith")
    response = client_logged_in.get(reverse("contacts:contact-search"), {"q": "Sara\x00"})
    assert response.status_code == 200
    assert "Sara Smith" in text(response)


# HX-Current-URL ----------------------------------------------------------------------


@pytest.mark.parametrize("header", ["http://[", "http://[::1/x"])
def test_a_current_url_that_is_no_url_still_adds_the_followup(client_logged_in, user, header):
    response = client_logged_in.post(
        reverse("home:add-followup"),
        {"title": "Send the article", "due_at": "2030-01-02T09:00"},
        headers=HTMX | {"HX-Current-URL": header},
    )
    assert response.status_code == 200
    assert FollowUp.objects.filter(user=user, title="Send the article").exists()
