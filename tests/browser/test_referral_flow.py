"""Log a meeting with two referrals on a phone, follow the chain, open the graph,
and copy the drafted opener for the referral call."""

import pytest
from playwright.sync_api import Page, expect

from followups.models import FollowUp
from tests.conftest import make_user, wait_for

pytestmark = pytest.mark.django_db(transaction=True)


def test_referrals_from_a_meeting_to_the_copied_opener(
    live_server, celery_worker, page: Page, context, console_errors
):
    make_user("riley", password="a-long-pass-phrase-42")
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Username").fill("riley")
    page.get_by_label("Password:").fill("a-long-pass-phrase-42")
    page.get_by_role("button", name="Log in").click()

    page.get_by_role("button", name="+ Log meeting").click()
    dialog = page.locator("dialog#modal")
    dialog.get_by_placeholder("Type a name, organization or email…").fill("Sara Smith")
    dialog.get_by_role("button", name="+ Someone new: “Sara Smith”").click()
    dialog.get_by_label("Their organization").fill("Acme")
    rows = dialog.locator(".referral-row")
    rows.nth(0).get_by_label("Who should you talk to?").fill("John Public")
    rows.nth(0).get_by_label("Why them?").fill("he knows everyone in town")
    dialog.get_by_role("button", name="+ Another referral").click()
    expect(rows).to_have_count(2)
    rows.nth(1).get_by_label("Who should you talk to?").fill("Alan Ames")
    rows.nth(1).get_by_label("At").fill("Globex")
    rows.nth(1).get_by_label("Will they call ahead?").select_option("asked")
    dialog.get_by_role("button", name="Save meeting").click()
    expect(dialog.get_by_role("heading", name="Meeting logged")).to_be_visible()
    expect(dialog).to_contain_text("Referrals: John Public, Alan Ames")

    dialog.get_by_role("link", name="John Public").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("John Public")
    expect(page.locator("li.chain")).to_have_text("You → Sara Smith → John Public")

    page.get_by_role("link", name="See John's network as a graph").click()
    graph = page.locator("svg")
    expect(graph.first).to_be_visible()
    expect(graph.first).to_contain_text("Sara Smith")

    # The worker drafts "Call John Public, mention Sara Smith" with its opener.
    call = wait_for(lambda: FollowUp.objects.filter(kind="referral_call", contact__name="John Public").first())
    page.goto(f"{live_server.url}/followups/{call.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Call John Public, mention Sara Smith")
    page.get_by_role("button", name="Copy").click()
    expect(page.get_by_role("button", name="Copied")).to_be_visible()
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied.startswith("Hi John, this is riley. Sara Smith suggested I give you a call.")
    assert "Sara told me you know everyone in town" in copied
    assert console_errors == []
