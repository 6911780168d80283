"""On a phone: add a lead at an organization a referral chain reaches, see the intro
path and the drafted ask (made by a real worker), move the lead on with one tap on the
board, see it recorded, and see the funnel on /insights/ change."""

import pytest
from playwright.sync_api import Page, expect

from contacts.models import Contact, Organization
from jobs.models import Lead, Status
from referrals.models import Referral
from tests.conftest import make_user, wait_for

pytestmark = pytest.mark.django_db(transaction=True)


def applications(page: Page, live_server) -> str:
    """The funnel's "Applications" total, as /insights/ shows it."""
    page.goto(live_server.url + "/insights/")
    row = page.locator("section[aria-labelledby=funnel-title] tr", has_text="Applications")
    return row.locator("td").text_content(timeout=5000)  # in the closed "The numbers"


def test_add_a_lead_see_who_you_know_and_move_it(
    live_server, page: Page, console_errors, celery_worker
):
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
    # The drafted ask, made by the worker once the lead was saved: insight and an
    # introduction, never a job (rule 1).
    wait_for(lambda: Lead.objects.get().followups.exists())
    page.reload()
    ask = page.locator(".lead-followups .followup").first
    expect(ask).to_contain_text("Data Analyst role at Acme Analytics")
    draft = ask.locator("pre.draft").inner_text()
    assert "introduc" in draft and "not expecting anyone to have an opening" in draft
    before = applications(page, live_server)

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
    # The funnel counts the application.
    assert (before, applications(page, live_server)) == ("0", "1")
    assert console_errors == []
