"""Your data in Chromium: the page and the leaving page on a phone and a desktop
(with UPDATE_SCREENSHOTS=1 their pictures in docs/screenshots/ are taken anew), the
calendar feed turned on, and leaving (the account deleted by a real worker)."""

import os
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import Page, expect

from netcrm.management.commands.seed_demo import DEMO_PASSWORD, DEMO_USERNAME
from tests.conftest import wait_for

pytestmark = pytest.mark.django_db(transaction=True)
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
DESKTOP = {"width": 1280, "height": 900}



def fits(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"{page.url} scrolls sideways ({width}px)"


def test_your_data_and_leaving_on_a_phone_and_a_desktop(
    demo_page: Page, live_server, console_errors, tmp_path, celery_worker
):
    page = demo_page
    shots = SCREENSHOTS if os.environ.get("UPDATE_SCREENSHOTS") else tmp_path
    shots.mkdir(parents=True, exist_ok=True)
    page.goto(live_server.url + "/accounts/settings/")
    page.get_by_role("button", name="Your data").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your data")
    page.get_by_role("button", name="Turn on the calendar feed").click()
    feed = page.get_by_label("Your calendar's address")
    expect(feed).to_have_value(f"{live_server.url}/calendar/" + feed.input_value().rsplit("/", 1)[1])
    assert feed.input_value().endswith(".ics")
    for size, suffix in ((None, "phone"), (DESKTOP, "desktop")):
        if size:
            page.set_viewport_size(size)
        page.screenshot(path=shots / f"your-data-{suffix}.png", full_page=True)
        fits(page)
    page.reload()  # shown once
    expect(page.get_by_label("Your calendar's address")).to_have_count(0)
    page.get_by_text("Make a new address…").click()
    expect(page.get_by_role("button", name="Yes, make a new address")).to_be_visible()
    page.set_viewport_size({"width": 390, "height": 844})
    page.get_by_role("button", name="Delete my account…").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Delete your account?")
    for size, suffix in ((None, "phone"), (DESKTOP, "desktop")):
        if size:
            page.set_viewport_size(size)
        page.screenshot(path=shots / f"leave-{suffix}.png", full_page=True)
        fits(page)
    page.get_by_label("Your password").fill("wrong")
    page.get_by_role("button", name="Delete my account and everything in it").click()
    expect(page.get_by_text("That is not your password.")).to_be_visible()
    page.get_by_label("Your password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Delete my account and everything in it").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your account is deleted")
    # Closed at once; the worker deletes it.
    wait_for(lambda: not get_user_model().objects.filter(username=DEMO_USERNAME).exists())
    assert console_errors == []


def test_a_backup_restored_by_the_worker_as_the_page_follows_it(
    live_server, page: Page, console_errors, tmp_path, celery_worker
):
    """Upload on a phone; the restore page waits for the worker, then says what came
    back (htmx refreshes it: no reload)."""
    from portability import backup
    from tests.browser.helpers import log_in
    from tests.conftest import make_user
    from tests.factories import make_contact, make_meeting

    owner = make_user("moving-out")
    sara = make_contact(owner, "Sara Smith", organization="Acme")
    make_meeting(owner, [sara], purpose="hiring")
    file = tmp_path / "netcrm-backup.json"
    file.write_text(backup.backup_json(owner))
    make_user("moving-in")
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, live_server, "moving-in")
    page.goto(live_server.url + "/data/")
    page.get_by_label("Backup file").set_input_files(file)
    page.get_by_role("button", name="Restore", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Restore a backup")
    expect(page.get_by_text("Restored 1 organization, 1 contact, 1 meeting")).to_be_visible(
        timeout=20_000
    )
    fits(page)
    page.get_by_role("button", name="Your contacts").click()
    expect(page.get_by_role("link", name="Sara Smith")).to_be_visible()
    assert console_errors == []
