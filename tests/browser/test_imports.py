"""Import contacts on a phone: upload, preview, decide, confirm, watch the progress
bar, read the summary; a real worker does the import."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from celery import shared_task
from playwright.sync_api import Page, expect

from contacts.models import Contact
from imports.models import ImportBatch, Status
from tests.browser.helpers import log_in
from tests.conftest import make_user
from tests.factories import make_contact
from tests.imports.helpers import SAMPLES

pytestmark = pytest.mark.django_db(transaction=True)
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
DESKTOP = {"width": 1280, "height": 900}


@shared_task
def keep_the_worker_busy(seconds: float) -> None:
    """Sent before confirming, so the progress page is seen before the import runs."""
    time.sleep(seconds)


def shoot(page: Page, name: str) -> None:
    """Phone and desktop pictures of the page, with UPDATE_SCREENSHOTS=1."""
    if not os.environ.get("UPDATE_SCREENSHOTS"):
        return
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    phone = page.viewport_size
    page.screenshot(path=SCREENSHOTS / f"import-{name}-phone.png", full_page=True)
    page.set_viewport_size(DESKTOP)
    page.screenshot(path=SCREENSHOTS / f"import-{name}.png", full_page=True)
    page.set_viewport_size(phone)


def test_upload_preview_confirm_and_the_progress_bar_on_a_phone(
    live_server, celery_worker, page: Page, console_errors
):
    make_user("jordan")
    log_in(page, live_server, "jordan")
    from django.contrib.auth.models import User

    jordan = User.objects.get(username="jordan")
    make_contact(jordan, "Tomás Oliveira", email="tomas.oliveira@example.com")
    make_contact(jordan, "Priya Ramen", organization="Northwind Traders", title="Engineer")

    # From the contact list to the import page.
    page.goto(live_server.url + "/contacts/")
    page.get_by_role("link", name="Import contacts").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Import contacts")
    shoot(page, "upload")

    # Garbage says why, and nothing is made.
    page.get_by_label("Your contacts file").set_input_files(str(SAMPLES / "garbage.bin"))
    page.get_by_role("button", name="Preview the import").click()
    expect(page.get_by_role("alert")).to_contain_text("This is not a file netcrm can read")
    assert not ImportBatch.objects.exists()

    page.get_by_label("Your contacts file").set_input_files(str(SAMPLES / "linkedin_connections.csv"))
    page.get_by_role("button", name="Preview the import").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check the import")
    rows = page.locator("#import-rows")
    expect(rows).to_contain_text("Already in netcrm as Tomás Oliveira: same email.")
    expect(rows).to_contain_text("Skipped: no name.")
    expect(rows).to_contain_text("same profile URL as line 5")
    decision = page.locator("fieldset.decision")
    expect(decision).to_contain_text("Priya Raman")
    expect(decision.get_by_label("A different person")).to_be_checked()
    shoot(page, "preview")
    assert Contact.objects.count() == 2  # nothing written yet

    # She is the Priya we have: one tap says so.
    decision.get_by_label("The same person as Priya Ramen").check()
    keep_the_worker_busy.delay(2.5)
    page.get_by_role("button", name="Import 3 contacts").click()
    expect(page.locator("progress#import-bar")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("Importing")
    # htmx polls the bar every second, then goes on to the summary by itself.
    expect(page.get_by_role("heading", level=1)).to_have_text("Import finished", timeout=20_000)
    expect(page.locator(".import-counts")).to_contain_text("1 created")
    expect(page.locator(".import-counts")).to_contain_text("3 matched")
    shoot(page, "summary")
    assert ImportBatch.objects.get().status == Status.DONE
    assert Contact.objects.filter(name="Priya Ramen", title="Engineer").exists()  # not overwritten
    assert not Contact.objects.filter(name="Priya Raman").exists()
    assert Contact.objects.count() == 3

    page.get_by_role("button", name="Undo this import").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Import undone")
    assert Contact.objects.count() == 2
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"]
    assert console_errors == []
