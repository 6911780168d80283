"""In real Chromium on a phone: log a request for help through the type-ahead, answer it;
add a custom follow-up from the dashboard's modal and from a contact's page."""

import pytest
from playwright.sync_api import Page, expect

from followups.models import FollowUp, Status
from reciprocity.models import InboundRequest, RequestStatus
from tests.browser.helpers import closed
from tests.conftest import make_user, wait_for
from tests.factories import make_contact, make_meeting

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fits_phone(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"{page.url} scrolls sideways ({width}px)"


@pytest.fixture
def riley_page(live_server, page: Page) -> Page:
    user = make_user("riley", password="a-long-pass-phrase-42")
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Username").fill("riley")
    page.get_by_label("Password:").fill("a-long-pass-phrase-42")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Today's follow-ups")).to_be_visible()
    page.riley = user
    return page


def test_log_and_answer_a_request(riley_page: Page, live_server, celery_worker, console_errors):
    page = riley_page
    zoe = make_contact(page.riley, "Zoe Carter", organization="Globex")
    make_contact(page.riley, "Sara Smith")
    page.locator("summary[aria-label=Account]").click()
    page.get_by_role("link", name="Requests for help").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Requests for help")
    fits_phone(page)
    page.get_by_role("button", name="+ Log a request").click()
    dialog = page.locator("dialog#modal")
    expect(dialog.get_by_role("heading", name="Someone asked for your help")).to_be_visible()
    dialog.get_by_placeholder("Type a name, organization or email…").fill("Zoe")
    dialog.locator("#request-contact-results").get_by_label("Zoe Carter · Globex").check()
    dialog.get_by_label("What did they ask for?").select_option("introduction")
    dialog.get_by_role("button", name="Save and schedule my reply").click()
    expect(dialog.get_by_role("heading", name="Request logged")).to_be_visible()
    inbound = InboundRequest.objects.get()
    assert inbound.contact == zoe
    reply = wait_for(lambda: FollowUp.objects.filter(inbound_request=inbound).first())

    dialog.get_by_role("link", name="Zoe Carter").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Zoe Carter")
    fits_phone(page)
    expect(page.locator("pre.draft")).to_contain_text("Hi Zoe,")
    page.get_by_role("button", name="I helped them").click()
    expect(page.locator("#request-status")).to_contain_text("Zoe Carter's request: helped.")
    inbound.refresh_from_db()
    reply.refresh_from_db()
    assert (inbound.status, reply.status) == (RequestStatus.HELPED, Status.DONE)

    page.goto(f"{live_server.url}/contacts/{zoe.pk}/")
    expect(page.locator("#ledger")).to_contain_text("1 introduction you made for Zoe")
    fits_phone(page)
    assert console_errors == []


def test_add_custom_followups(riley_page: Page, live_server, console_errors):
    page = riley_page
    sara = make_contact(page.riley, "Sara Smith")
    make_meeting(page.riley, [sara])
    page.reload()
    page.get_by_role("link", name="Add a follow-up").click()
    dialog = page.locator("dialog#modal")
    dialog.get_by_label("What to do").fill("Send Alan the article")
    dialog.get_by_label("Due").fill("2020-01-02T09:00")  # overdue: it shows in today's queue
    dialog.locator(".recent").get_by_label("Sara Smith").check()
    dialog.get_by_role("button", name="Add to my queue").click()
    expect(dialog.get_by_role("heading", name="Follow-up added")).to_be_visible()
    followup = FollowUp.objects.get(kind="custom")
    assert followup.contact == sara
    dialog.get_by_role("button", name="Close", exact=True).click()
    closed(page)
    expect(page.locator("#queue")).to_contain_text("Send Alan the article")

    page.goto(f"{live_server.url}/contacts/{sara.pk}/")
    form = page.locator("#custom-followup-form")
    form.get_by_label("What to do").fill("Ask Sara about the meetup")
    form.get_by_role("button", name="Add to my queue").click()
    expect(page.locator("#custom-followup-form")).to_contain_text("Follow-up added")
    assert FollowUp.objects.filter(kind="custom", contact=sara).count() == 2
    fits_phone(page)
    assert console_errors == []
