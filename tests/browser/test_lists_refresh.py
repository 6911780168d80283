"""In real Chromium on a phone: a row added in the dialog shows in the list behind it
as soon as the dialog closes, from a brand-new account's empty list (no reload): an
event, a request for a meeting, a lead on its organization's page."""

import pytest
from playwright.sync_api import Page, expect

from contacts.models import Organization
from tests.browser.helpers import closed, log_in
from tests.conftest import make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def new_page(live_server, page: Page) -> Page:
    page.robin = make_user("robin", password="a-long-pass-phrase-42")
    return log_in(page, live_server, "robin", "a-long-pass-phrase-42")


def test_an_event_added_in_the_dialog_shows_in_the_list(new_page: Page, live_server, console_errors):
    page = new_page
    page.goto(live_server.url + "/events/")
    page.wait_for_load_state("load")
    page.get_by_role("button", name="Add the first one").click()
    dialog = page.locator("dialog#modal")
    dialog.get_by_label("Name").fill("Downtown Business Breakfast")
    dialog.get_by_role("button", name="Save").click()
    expect(dialog.get_by_role("heading", name="Downtown Business Breakfast added")).to_be_visible()
    dialog.get_by_role("button", name="Close", exact=True).click()
    closed(page)
    rows = page.locator("#event-rows")
    expect(rows.get_by_role("link", name="Downtown Business Breakfast")).to_be_visible()
    expect(rows).not_to_contain_text("Add the first one")
    assert console_errors == []


def test_a_request_for_a_meeting_shows_in_the_list(new_page: Page, live_server, console_errors):
    page = new_page
    page.goto(live_server.url + "/outreach/")
    page.wait_for_load_state("load")
    page.locator("main").get_by_role("button", name="+ Ask for a meeting").click()
    dialog = page.locator("dialog#modal")
    dialog.get_by_label("New person's name").fill("José Núñez")
    dialog.get_by_label("Purpose").fill("how the data team works")
    dialog.get_by_role("button", name="Save and draft my request").click()
    expect(dialog.get_by_role("heading", name="Request logged")).to_be_visible()
    dialog.get_by_role("button", name="Close", exact=True).click()
    closed(page)
    rows = page.locator("#outreach-rows")
    expect(rows.get_by_role("link", name="José Núñez")).to_be_visible()
    expect(rows).to_contain_text("1 request")
    assert console_errors == []


def test_a_lead_added_from_an_organizations_page_shows_there(
    new_page: Page, live_server, console_errors
):
    page = new_page
    acme = Organization.objects.create(user=page.robin, name="Acme")
    page.goto(live_server.url + acme.get_absolute_url())
    page.wait_for_load_state("load")
    expect(page.locator("#organization-leads")).to_contain_text("No lead at Acme yet.")
    page.get_by_role("link", name="+ Add a lead at Acme").click()
    dialog = page.locator("dialog#modal")
    expect(dialog.get_by_label("Organization")).to_have_value("Acme")
    dialog.get_by_label("Role").fill("Data Analyst")
    dialog.get_by_role("button", name="Save lead").click()
    expect(dialog.get_by_role("heading", name="Lead added")).to_be_visible()
    dialog.get_by_role("button", name="Close", exact=True).click()
    closed(page)
    leads = page.locator("#organization-leads")
    expect(leads.get_by_role("link", name="Data Analyst")).to_be_visible()
    expect(leads).not_to_contain_text("No lead at Acme yet.")
    assert console_errors == []
