"""On a phone: add a lead at an organization a referral chain reaches, see the intro
path, move the lead on with one tap on the board, and see it recorded."""

import pytest
from playwright.sync_api import Page, expect

from contacts.models import Contact, Organization
from jobs.models import Lead, Status
from referrals.models import Referral
from tests.conftest import make_user

pytestmark = pytest.mark.django_db(transaction=True)


def test_add_a_lead_see_who_you_know_and_move_it(live_server, page: Page, console_errors):
    user = make_user("jordan", "a-long-pass-phrase-42")
    acme = Organization.objects.create(user=user, name="Acme Analytics")
    sara = Contact.objects.create(user=user, name="Sara Smith")
    john = Contact.objects.create(user=user, name="John Public", organization=acme)
    Referral.objects.create(user=user, referrer=sara, referred=john)

    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Username").fill("jordan")
    page.get_by_label("Password:").fill("a-long-pass-phrase-42")
    page.get_by_role("button", name="Log in").click()
    page.goto(live_server.url + "/leads/")
    expect(page.get_by_text("A lead is a job you could get")).to_be_visible()

    # The form opens in a modal, the organization typed in any case.
    page.get_by_role("button", name="+ Add a lead").click()
    dialog = page.locator("dialog#modal")
    expect(dialog).to_be_visible()
    dialog.get_by_label("Organization").fill("acme analytics")
    dialog.get_by_label("Role").fill("Data Analyst")
    dialog.get_by_label("Notes").fill("Sara mentioned it")
    dialog.get_by_role("button", name="Save lead").click()
    expect(dialog.get_by_role("heading", name="Lead added")).to_be_visible()
    dialog.get_by_role("button", name="See who you know there").click()

    # Its page: the intro path through the referral chain.
    expect(page.get_by_role("heading", level=1)).to_have_text("Data Analyst")
    expect(page.locator(".intro-paths")).to_contain_text("You → Sara Smith → John Public, Acme Analytics")

    # One tap on the board moves it, in place.
    page.goto(live_server.url + "/leads/")
    lead = Lead.objects.get()
    card = page.locator(f"#lead-{lead.pk}")
    card.get_by_role("button", name="→ Reached out").click()
    expect(card).to_contain_text("Moved to Reached out.")
    card.get_by_text("Move…").click()
    card.get_by_role("button", name="Applied").click()
    expect(card).to_contain_text("Moved to Applied.")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"]
    lead.refresh_from_db()
    assert lead.status == Status.APPLIED
    assert [m.to_status for m in lead.moves.order_by("at", "pk")] == [
        "found", "reached_out", "applied",
    ]
    assert console_errors == []
