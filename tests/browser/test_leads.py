"""On a phone: add a lead at an organization a referral chain reaches, see the intro
path and the drafted ask (made by a real worker), move the lead on with one tap on the
board, see it recorded, and see the funnel on /insights/ change."""

import pytest
from playwright.sync_api import Page, expect

from contacts.models import Contact, Organization
from jobs.models import Lead, Status
from referrals.models import Referral
from tests.browser.helpers import log_in
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
    # The board under the dialog has it already, in its column.
    expect(page.locator("section:has(#column-found) .lead-card")).to_contain_text("Data Analyst")
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

    # One tap on the board moves it into its new column, the counts with it; the board
    # says what happened.
    page.goto(live_server.url + "/leads/")
    lead = Lead.objects.get()
    card = page.locator(f"#lead-{lead.pk}")
    flash = page.locator("#lead-board > .flash")
    column = lambda status: page.locator(f"section:has(#column-{status})")
    card.get_by_role("button", name="→ Reached out").click()
    expect(flash).to_have_text("Data Analyst at Acme Analytics: Moved to Reached out.")
    expect(column("reached_out").locator(f"#lead-{lead.pk}")).to_be_visible()
    expect(column("reached_out").locator(".count")).to_have_text("1")
    expect(column("found").locator(".count")).to_have_text("0")
    card.get_by_text("Move…").click()
    card.get_by_role("button", name="Applied").click()
    expect(flash).to_have_text("Data Analyst at Acme Analytics: Moved to Applied.")
    expect(column("applied").locator(f"#lead-{lead.pk}")).to_be_visible()
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


def test_found_at_stays_hidden_when_the_form_comes_back_with_a_mistake(
    live_server, page: Page, console_errors
):
    """"Found at" (an event) shows only for a lead found at an event, also in the form
    the server sends back with a mistake."""
    make_user("jordan", "a-long-pass-phrase-42")
    log_in(page, live_server, "jordan", "a-long-pass-phrase-42")
    page.goto(live_server.url + "/leads/")
    page.get_by_role("button", name="+ Add a lead").click()
    dialog = page.locator("dialog#modal")
    found_at = dialog.get_by_label("Found at")
    expect(found_at).to_be_hidden()
    dialog.get_by_label("Organization").fill("Acme")
    dialog.get_by_label("Role").fill("Data Analyst")
    dialog.get_by_label("Found on").fill("1850-01-01")
    dialog.locator("form").first.evaluate("form => { form.noValidate = true; }")  # the server says
    dialog.get_by_role("button", name="Save lead").click()
    expect(dialog.get_by_text("Pick a date from 1900 to today.")).to_be_visible()
    expect(found_at).to_be_hidden()
    assert console_errors == []


@pytest.mark.parametrize("path, fill, saved, heading", [
    ("/leads/new/", {"#id_organization_name": "Acme", "#id_role": "Data Analyst"}, "Save lead", "Add a lead"),
    ("/events/new/", {"#id_name": "Tuesday Job Club"}, "Save", "Add an event or group"),
])
def test_add_another_on_the_form_as_a_page_of_its_own(
    live_server, page: Page, console_errors, path, fill, saved, heading
):
    # Opened as a plain link (no dialog), "Add another" brings a fresh form in place.
    make_user("jordan")
    log_in(page, live_server, "jordan")
    page.goto(live_server.url + path)
    page.wait_for_load_state("load")
    for field, value in fill.items():
        page.locator(field).fill(value)
    page.get_by_role("button", name=saved).click()
    page.get_by_role("button", name="Add another").click()
    expect(page.get_by_role("heading", name=heading)).to_be_visible()
    expect(page.locator("main form")).to_have_count(1)  # in the page, not in a dialog over it
    expect(page.locator("dialog#modal")).to_be_hidden()
    for field in fill:
        expect(page.locator(field)).to_have_value("")
    assert console_errors == []


def test_picking_an_organization_or_a_sort_narrows_the_leads_at_once(
    live_server, page: Page, console_errors
):
    """Every choice of the filter applies as it is picked, as the status one does: not
    only the first (the organization and the sort waited for "Apply")."""
    user = make_user("jordan", "a-long-pass-phrase-42")
    for name, role in [("Acme", "Data Analyst"), ("Globex", "Backend Engineer")]:
        Lead(user=user, organization=Organization.objects.create(user=user, name=name),
             role=role).save_new()
    log_in(page, live_server, "jordan", "a-long-pass-phrase-42")
    page.goto(live_server.url + "/leads/")
    page.wait_for_load_state("load")
    board = page.locator("#lead-board")
    expect(board).to_contain_text("2 leads")

    page.locator("#lead-filters summary").click()
    page.get_by_label("Organization").select_option(label="Globex")
    expect(board).to_contain_text("1 lead")
    expect(board).not_to_contain_text("Data Analyst")
    assert "organization=" in page.url

    page.goto(live_server.url + "/leads/?view=list")
    page.wait_for_load_state("load")
    page.locator("#lead-filters summary").click()
    # The newest first by default (Backend Engineer); by role, Z to A, Data Analyst.
    expect(page.locator("#lead-board tbody tr").first).to_contain_text("Backend Engineer")
    page.get_by_label("Sort by").select_option(value="-role")
    expect(page.locator("#lead-board tbody tr").first).to_contain_text("Data Analyst")
    assert "sort=-role" in page.url
    assert console_errors == []


def test_a_contacts_leads_and_the_leads_people_link_each_other(
    live_server, page: Page, console_errors
):
    """On a phone: Ben's page lists the lead he is part of; its page shows the intro
    path to Acme round a loop (Ann and Ben referred each other) as one, not as
    "You → Ann"; and Ben, among its people, leads back to his page."""
    user = make_user("jordan", "a-long-pass-phrase-42")
    acme = Organization.objects.create(user=user, name="Acme Analytics")
    ann = Contact.objects.create(user=user, name="Ann Able")
    ben = Contact.objects.create(user=user, name="Ben Bold", organization=acme)
    Referral.objects.create(user=user, referrer=ann, referred=ben)
    Referral.objects.create(user=user, referrer=ben, referred=ann)
    Lead(user=user, organization=acme, role="Product Manager", status=Status.APPLIED).save_new([ben])

    log_in(page, live_server, "jordan", "a-long-pass-phrase-42")
    page.goto(live_server.url + ben.get_absolute_url())
    leads = page.locator("section[aria-labelledby=leads-title]")
    expect(leads.get_by_role("heading", name="Leads")).to_be_visible()
    expect(leads.locator("li")).to_have_text("Product Manager at Acme Analytics Applied")
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]

    leads.get_by_role("link", name="Product Manager at Acme Analytics").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Product Manager")
    path = page.locator(".intro-paths li")
    expect(path).to_contain_text(
        "… → Ann Able → Ben Bold, Acme Analytics (a loop: Ann was referred to you by"
        " someone further along this route)"
    )
    expect(path).not_to_contain_text("You")
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]

    page.locator(".facts").get_by_role("link", name="Ben Bold").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ben Bold")
    assert console_errors == []


def test_a_lead_whose_organization_is_not_named_yet(live_server, page: Page, console_errors):
    """A recruiter's client: the lead is saved with the organization left empty, shows
    "Organization not named yet" on the board and on its page, and once named, its
    page shows who you know there."""
    make_user("jordan", "a-long-pass-phrase-42")
    log_in(page, live_server, "jordan", "a-long-pass-phrase-42")
    page.goto(live_server.url + "/leads/")
    page.wait_for_load_state("load")
    page.get_by_role("button", name="+ Add a lead").click()
    dialog = page.locator("dialog#modal")
    expect(dialog.get_by_text("Leave it empty and name it later.")).to_be_visible()
    dialog.get_by_label("Role").fill("Product Manager")
    dialog.get_by_role("button", name="Save lead").click()
    expect(dialog).to_contain_text("Product Manager (organization not named yet): found.")
    expect(page.locator("section:has(#column-found) .lead-card .org")).to_have_text(
        "Organization not named yet"
    )
    dialog.get_by_role("button", name="See the lead").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Product Manager")
    expect(page.locator(".who-i-know")).to_contain_text("The organization is not named yet.")
    page.locator(".who-i-know").get_by_role("link", name="name it").click()
    page.get_by_label("Organization").fill("Northwind")
    page.locator("main form button[type=submit]").click()
    expect(page.get_by_role("heading", name="Who you know at Northwind")).to_be_visible()
    assert console_errors == []
