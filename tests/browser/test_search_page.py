"""The search page opened with nothing typed: ready to type into, and on a phone it
speaks of no keyboard shortcut (a phone has no "/" key to press)."""

import pytest
from playwright.sync_api import Page, expect

from tests.browser.helpers import log_in
from tests.conftest import make_user

pytestmark = pytest.mark.django_db(transaction=True)


def test_on_a_phone_the_empty_search_is_focused_and_names_no_key(live_server, page: Page):
    make_user("jordan")
    log_in(page, live_server, "jordan")
    page.goto(live_server.url + "/search/")
    expect(page.get_by_role("searchbox", name="Search everything").last).to_be_focused()
    expect(page.get_by_text("netcrm looks through your people")).to_be_visible()
    expect(page.get_by_text("on any page to search")).to_be_hidden()

    page.goto(live_server.url + "/search/?q=ana")
    expect(page.locator("#search-page-q")).not_to_be_focused()


@pytest.mark.browser_context_args(viewport={"width": 1280, "height": 800}, is_mobile=False,
                                  has_touch=False)
def test_on_a_desktop_the_empty_search_names_the_key(live_server, page: Page):
    make_user("jordan")
    log_in(page, live_server, "jordan")
    page.goto(live_server.url + "/search/")
    expect(page.locator("#search-page-q")).to_be_focused()
    expect(page.get_by_text("on any page to search")).to_be_visible()
