"""Coffee with two people on a phone: "Who suggested them?" appears once the second is
picked, lists those picked (chips and the new person), and the referral is saved from
the one chosen."""

import pytest
from playwright.sync_api import Page, expect

from referrals.models import Referral
from tests.browser.helpers import log_in
from tests.conftest import make_user
from tests.factories import make_contact

pytestmark = pytest.mark.django_db(transaction=True)


def test_who_suggested_them_follows_the_people_picked(live_server, page: Page, console_errors):
    user = make_user("casey")
    make_contact(user, "Sara Smith")
    john = make_contact(user, "John Public")
    log_in(page, live_server, "casey")

    page.get_by_role("button", name="+ Log meeting").click()
    dialog = page.locator("dialog#modal")
    search = dialog.get_by_placeholder("Type a name, organization or email…")
    rows = dialog.locator(".referral-row")
    who = rows.nth(0).get_by_label("Who suggested them?")

    search.fill("Sara")
    dialog.locator("#participant-results").get_by_role("button", name="Sara Smith").click()
    expect(dialog.locator("#chosen .chip")).to_have_count(1)
    expect(who).to_be_hidden()  # one person: nobody to choose between

    search.fill("John")
    dialog.locator("#participant-results").get_by_role("button", name="John Public").click()
    expect(who).to_be_visible()
    expect(who.locator("option")).to_have_text(["Sara Smith", "John Public"])

    # The new person joins the menu as their name is typed (the second row's too).
    search.fill("Nina New")
    dialog.get_by_role("button", name="+ Someone new: “Nina New”").click()
    expect(who.locator("option")).to_have_text(["Sara Smith", "John Public", "Nina New"])
    dialog.get_by_role("button", name="+ Another referral").click()
    expect(rows).to_have_count(2)
    expect(rows.nth(1).get_by_label("Who suggested them?").locator("option")).to_have_text(
        ["Sara Smith", "John Public", "Nina New"]
    )

    # Removing Sara: the menus say who is left, and keep a choice still there.
    who.select_option(label="John Public")
    dialog.get_by_role("button", name="Remove Sara Smith").click()
    expect(who.locator("option")).to_have_text(["John Public", "Nina New"])
    expect(who).to_have_value(str(john.pk))

    rows.nth(0).get_by_label("Who should you talk to?").fill("Alan Ames")
    rows.nth(1).get_by_label("Who should you talk to?").fill("Bea Bond")
    rows.nth(1).get_by_label("Who suggested them?").select_option(label="Nina New")
    dialog.get_by_role("button", name="Save meeting").click()
    expect(dialog.get_by_role("heading", name="Meeting logged")).to_be_visible()
    expect(dialog).to_contain_text("Referrals: Alan Ames (from John Public), Bea Bond (from Nina New).")

    assert sorted(Referral.objects.values_list("referrer__name", "referred__name")) == [
        ("John Public", "Alan Ames"), ("Nina New", "Bea Bond"),
    ]
    assert console_errors == []
