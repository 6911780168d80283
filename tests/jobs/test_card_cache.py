"""The lead board's cards come from the fragment cache (jobs/templatetags/lead_cards.py):
rendered once, served again while what they show is the same, each browser's own CSRF
token in their forms, and any change to what a card shows shows at the next visit."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from contacts.models import Organization
from jobs.models import Lead, Status
from tests.factories import make_contact
from tests.helpers import watch

pytestmark = pytest.mark.django_db

LEADS = reverse("jobs:lead-list")
CARD = "board-card"  # the partial, as the test client names it


def card_html(response, lead) -> str:
    match = re.search(rf'<article class="lead-card[^"]*" id="lead-{lead.pk}">.*?</article>',
                      response.content.decode(), re.S)
    assert match, f"no card for {lead}"
    return match.group(0)


def untokened(card: str) -> str:
    """The card without its CSRF token (masked afresh for every response)."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "TOKEN", card)


def new_lead(user, role="Data Analyst", people=()) -> Lead:
    acme = Organization.objects.create(user=user, name="Acme")
    return Lead(user=user, organization=acme, role=role, status=Status.FOUND).save_new(people)


def test_a_card_is_rendered_once_then_served_from_the_cache(client_logged_in, user):
    lead = new_lead(user, people=[make_contact(user, "Sara Smith")])
    first = client_logged_in.get(LEADS)
    assert CARD in [t.name for t in first.templates]
    second = client_logged_in.get(LEADS)
    assert CARD not in [t.name for t in second.templates]
    assert untokened(card_html(second, lead)) == untokened(card_html(first, lead))
    assert "Sara Smith" in card_html(second, lead) and "Acme" in card_html(second, lead)


def test_each_browser_gets_its_own_token_in_a_cached_card(client_logged_in, user):
    lead = new_lead(user)
    other = Client()
    other.force_login(user)
    tokens = []
    for client in (client_logged_in, other):
        card = card_html(client.get(LEADS), lead)
        tokens.append(re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', card).group(1))
    assert "\x00" not in "".join(tokens) and tokens[0] != tokens[1]


def test_every_change_to_what_a_card_shows_shows_at_once(client_logged_in, user):
    lead = new_lead(user)
    changed = watch(lambda: untokened(card_html(client_logged_in.get(LEADS), lead)))

    Lead.objects.filter(pk=lead.pk).update(role="Staff Analyst")
    changed("Staff Analyst")
    lead.organization.name = "Acme Robotics"
    lead.organization.save()
    changed("Acme Robotics")
    lead.contacts.add(make_contact(user, "John Public"))
    changed("John Public")
    lead.refresh_from_db()
    lead.move(Status.APPLIED)
    moved = changed('name="from_status" value="applied"')
    # The page a move returns to is the page the card is on.
    filtered = card_html(client_logged_in.get(LEADS, {"q": "Staff"}), lead)
    assert 'name="next" value="/leads/?q=Staff"' in filtered
    assert 'name="next" value="/leads/"' in moved
