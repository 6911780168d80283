"""Keyboard only, on a desktop: the first Tab offers to skip the header, and the next
one lands in the page itself."""

import pytest
from playwright.sync_api import Page, expect

from tests.browser.helpers import log_in
from tests.conftest import make_user

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.browser_context_args(viewport={"width": 1280, "height": 800}, is_mobile=False,
                                  has_touch=False)
def test_the_first_tab_skips_the_header(live_server, page: Page, console_errors):
    make_user("jordan")
    log_in(page, live_server, "jordan")
    page.goto(live_server.url + "/contacts/")
    skip = page.get_by_role("link", name="Skip to the page")
    expect(skip).not_to_be_in_viewport()

    page.keyboard.press("Tab")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    # The page's first link, not the header's first ("netcrm", "Today", …).
    focused = page.evaluate("document.activeElement.closest('main') !== null")
    assert focused, page.evaluate("document.activeElement.outerHTML")
    expect(page.get_by_role("link", name="+ Add a contact")).to_be_focused()
    assert console_errors == []
