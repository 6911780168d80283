"""Undo in Chromium on a phone: done in the queue and back with one tap (HTMX), a
contact deleted and back from the Undo bar, and the same without JavaScript."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from contacts.models import Contact
from followups.models import FollowUp, Status
from referrals.models import Referral
from tests.browser.helpers import log_in
from tests.conftest import make_user

pytestmark = pytest.mark.django_db(transaction=True)
SHOTS = Path("/tmp/netcrm-shots")
PASSWORD = "a-long-pass-phrase-42"


@pytest.fixture
def quinn():
    user = make_user("quinn", password=PASSWORD)
    sara = Contact.objects.create(user=user, name="Sara Smith")
    alan = Contact.objects.create(user=user, name="Alan Park")
    Referral.objects.create(user=user, referrer=sara, referred=alan)
    FollowUp.objects.create(
        user=user, kind="custom", title="Send Sara the article", contact=sara,
        due_at=timezone.now() - timedelta(hours=2),
    )
    return user


def test_done_then_undo_in_the_queue(live_server, page: Page, quinn, console_errors):
    log_in(page, live_server, "quinn", PASSWORD)
    item = FollowUp.objects.get(title="Send Sara the article")
    page.locator(f"#followup-{item.pk}").get_by_role("button", name="Done").click()
    bar = page.locator("form.undo")
    expect(bar).to_contain_text("Done: Send Sara the article.")
    expect(page.locator(f"#followup-{item.pk}")).to_have_count(0)
    if SHOTS.exists():
        page.screenshot(path=SHOTS / "undo-phone.png")
    # Low on the screen, under the thumb: a full 44 px to tap.
    assert bar.get_by_role("button", name="Undo").bounding_box()["height"] >= 44
    bar.get_by_role("button", name="Undo").click()
    expect(page.locator(f"#followup-{item.pk}")).to_be_visible()
    expect(page.locator(".flash")).to_contain_text("back in your queue")
    item.refresh_from_db()
    assert item.status == Status.PENDING
    assert console_errors == []


def test_delete_a_contact_then_undo(live_server, page: Page, quinn, console_errors):
    log_in(page, live_server, "quinn", PASSWORD)
    alan = Contact.objects.get(name="Alan Park")
    page.goto(live_server.url + alan.get_absolute_url())
    page.get_by_role("button", name="Delete…").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Delete Alan Park?")
    expect(page.locator(".confirm-delete")).to_contain_text(
        "1 referral chain through Alan Park will break"
    )
    if SHOTS.exists():
        page.screenshot(path=SHOTS / "delete-phone.png")
    page.get_by_role("button", name="Delete", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Contacts")
    assert not Contact.objects.filter(name="Alan Park").exists()
    page.locator("form.undo").get_by_role("button", name="Undo").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Alan Park")
    assert Referral.objects.filter(referred__name="Alan Park").count() == 1
    assert console_errors == []


def test_undo_without_javascript(live_server, browser: Browser, quinn):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 390, "height": 844})
    page = context.new_page()
    log_in(page, live_server, "quinn", PASSWORD)
    item = FollowUp.objects.get(title="Send Sara the article")
    page.locator(f"#followup-{item.pk}").get_by_role("button", name="Done").click()
    expect(page.locator("form.undo")).to_contain_text("Done: Send Sara the article.")
    page.locator("form.undo").get_by_role("button", name="Undo").click()
    expect(page.locator(f"#followup-{item.pk}")).to_be_visible()
    item.refresh_from_db()
    assert item.status == Status.PENDING
    context.close()
