"""Asking for a meeting in real Chromium on a phone: ask someone new in the modal,
see the drafted request, tap their answer and get the reply to “we're not hiring”
without a reload."""

import os
from datetime import datetime, timedelta

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from netcrm.management.commands.seed_demo import DEMO_PASSWORD, DEMO_USERNAME
from outreach.models import Answer, Outreach
from tests.browser.helpers import log_in
from tests.conftest import make_user

pytestmark = pytest.mark.django_db(transaction=True)


def test_ask_in_the_modal_then_answer_with_one_tap(live_server, page: Page, console_errors):
    call_command("seed_demo", stdout=open(os.devnull, "w"))
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Username").fill(DEMO_USERNAME)
    page.get_by_label("Password:").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()

    page.goto(live_server.url + "/outreach/")
    page.locator("main").get_by_role("button", name="+ Ask for a meeting").click()
    dialog = page.locator("dialog#modal")
    expect(dialog.get_by_role("heading", name="Ask for a meeting")).to_be_visible()
    # The same picker as everywhere: type, and make someone new of what was typed.
    dialog.get_by_placeholder("Type a name, organization or email…").fill("Priya Natarajan")
    dialog.get_by_role("button", name="+ Someone new: “Priya Natarajan”").click()
    expect(dialog.get_by_label("New person's name")).to_have_value("Priya Natarajan")
    expect(dialog.get_by_label("Someone new (below)")).to_be_checked()
    dialog.get_by_label("How did you ask?").select_option("phone")
    dialog.get_by_label("Purpose").fill("how the city's open-data team works")
    dialog.get_by_role("button", name="Save and draft my request").click()
    expect(dialog.get_by_role("heading", name="Request logged")).to_be_visible()

    dialog.get_by_role("button", name="See the draft").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your request to Priya Natarajan")
    expect(page.locator("#request-draft")).to_contain_text(
        "I'm hoping to learn about how the city's open-data team works"
    )
    page.get_by_role("button", name="“We're not hiring”").click()
    expect(page.locator("#outreach-answer .badge")).to_have_text("“We're not hiring”")
    expect(page.locator("#reply-draft")).to_contain_text("I'm not asking for a job")
    ask = Outreach.objects.get(contact__name="Priya Natarajan")
    assert ask.answer == Answer.NOT_HIRING and ask.channel == "phone"
    assert console_errors == []


def test_when_may_go_up_to_now_while_the_form_stays_open(live_server, page: Page, console_errors):
    """The server sends "When" with a max of now (and its five minutes' slack); a form
    left open an hour and a half still takes a time up to now, as the server does."""
    make_user("jordan", "a-long-pass-phrase-42")
    page.clock.install()
    log_in(page, live_server, "jordan", "a-long-pass-phrase-42")
    page.goto(live_server.url + "/outreach/")
    page.locator("main").get_by_role("button", name="+ Ask for a meeting").click()
    when = page.locator("dialog#modal").get_by_label("When")
    expect(when).to_be_visible()
    sent = datetime.strptime(when.get_attribute("max"), "%Y-%m-%dT%H:%M")
    assert when.get_attribute("data-max-now") == f"{sent:%Y-%m-%dT%H:%M}"

    page.clock.fast_forward("01:30:00")
    when.focus()
    moved = datetime.strptime(when.get_attribute("max"), "%Y-%m-%dT%H:%M")
    assert timedelta(minutes=89) <= moved - sent <= timedelta(minutes=91)
    assert console_errors == []


def test_a_request_logged_in_the_dialog_is_counted_at_once(live_server, page: Page, console_errors):
    """Behind the dialog, the rows and the counts of each answer both say it (the counts
    lagged one behind until a reload)."""
    from tests.factories import make_contact
    from tests.outreach.factories import make_outreach

    user = make_user("casey")
    make_outreach(user, make_contact(user, "Sara Smith"), days_ago=2)
    make_outreach(user, make_contact(user, "Jo Lee"), answer=Answer.DECLINED)
    log_in(page, live_server, "casey")
    page.goto(live_server.url + "/outreach/")
    counts = page.get_by_role("navigation", name="Filter by answer")
    expect(counts).to_have_text("All 2 Waiting 1 Declined 1")

    page.locator("main").get_by_role("button", name="+ Ask for a meeting").click()
    dialog = page.locator("dialog#modal")
    dialog.get_by_placeholder("Type a name, organization or email…").fill("Priya Natarajan")
    dialog.get_by_role("button", name="+ Someone new: “Priya Natarajan”").click()
    dialog.get_by_label("Purpose").fill("how the city's open-data team works")
    dialog.get_by_role("button", name="Save and draft my request").click()
    expect(dialog.get_by_role("heading", name="Request logged")).to_be_visible()

    expect(page.locator("#outreach-rows .rows")).to_contain_text("Priya Natarajan")
    expect(counts).to_have_text("All 3 Waiting 2 Declined 1")
    assert console_errors == []
