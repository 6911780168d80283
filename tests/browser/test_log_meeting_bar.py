"""On a phone, "+ Log meeting" sits in a bar of its own at the bottom: it never covers
content. Mid-page, nothing of the page shows beside the button (content is either above
the bar or out of sight below it, as past the screen's edge); at the bottom of a long
page the last element sits wholly above the bar."""

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.helpers import log_in, until
from tests.conftest import make_user
from tests.factories import bulk_contacts

pytestmark = pytest.mark.django_db(transaction=True)
SHOTS = Path("/tmp/shots-phoneforms")


def scroll_to(page: Page, where: str) -> None:
    page.evaluate(f"window.scrollTo(0, {where})")
    until(page, f"Math.abs(window.scrollY - Math.min({where}, "
              "document.documentElement.scrollHeight - innerHeight)) < 2")


@pytest.mark.parametrize("path, last", [
    ("/contacts/", "main > :last-child"),
    # A long form (the log-a-meeting form's own page has no bar: tests/meetings).
    ("/contacts/new/", "main form button[type=submit]"),
])
def test_log_meeting_never_covers_content_on_a_phone(live_server, page: Page, console_errors,
                                                     path, last):
    user = make_user("pat")
    bulk_contacts(user, 40)
    log_in(page, live_server, "pat")
    page.goto(live_server.url + path)
    button = page.get_by_role("button", name="+ Log meeting")
    expect(button).to_be_visible()
    height = page.evaluate("document.documentElement.scrollHeight")
    assert height > 1.5 * page.viewport_size["height"], height  # a long page

    # Halfway down: beside the button, at either edge, is the bar, never the page.
    scroll_to(page, "document.documentElement.scrollHeight / 3")
    box = button.bounding_box()
    middle = box["y"] + box["height"] / 2
    for x in (2, page.viewport_size["width"] - 2):
        hit = page.evaluate(
            "([x, y]) => !!document.elementFromPoint(x, y).closest('li:has(> .log-meeting)')",
            [x, middle],
        )
        assert hit, f"the page shows beside the button at x={x}"

    # At the bottom: the last element is wholly above the button.
    scroll_to(page, "document.documentElement.scrollHeight")
    box = button.bounding_box()
    end = page.locator(last).bounding_box()
    assert end["y"] + end["height"] <= box["y"], (end, box)
    assert box["y"] + box["height"] <= page.viewport_size["height"]
    if SHOTS.exists():
        page.screenshot(path=SHOTS / f"bottom{path.replace('/', '-')}phone.png")
    assert console_errors == []


def test_on_a_desktop_the_button_stays_in_the_header(live_server, page: Page):
    make_user("pat")
    page.set_viewport_size({"width": 1280, "height": 900})
    log_in(page, live_server, "pat")
    box = page.get_by_role("button", name="+ Log meeting").bounding_box()
    assert box["y"] < 100
