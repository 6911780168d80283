"""The morning queue in Chromium on a phone: snooze, skip, edit the draft, done; the counts follow."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from contacts.models import Contact
from followups.models import FollowUp, Status
from tests.conftest import make_user

pytestmark = pytest.mark.django_db(transaction=True)


def test_work_through_the_queue(live_server, page: Page, console_errors):
    user = make_user("quinn", password="a-long-pass-phrase-42")
    sara = Contact.objects.create(user=user, name="Sara Smith", email="sara@example.com")
    now = timezone.now()
    items = {
        title: FollowUp.objects.create(
            user=user, kind="custom", title=title, contact=sara, due_at=due,
            draft=f"Draft for {title}.",
        )
        for title, due in [
            ("Overdue one", now - timedelta(days=2)),
            ("Snooze me", now - timedelta(days=1)),
            ("Skip me", now - timedelta(days=3)),
            ("Edit me", now - timedelta(days=1, hours=1)),
        ]
    }
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Username").fill("quinn")
    page.get_by_label("Password:").fill("a-long-pass-phrase-42")
    page.get_by_role("button", name="Log in").click()
    count = lambda name: page.locator(f"[data-count={name}]")  # noqa: E731
    expect(count("overdue")).to_have_text("4")

    item = page.locator(f"#followup-{items['Snooze me'].pk}")
    item.get_by_role("button", name="Snooze 1 day").click()
    expect(page.locator("form.undo")).to_contain_text("Snoozed until")
    expect(count("overdue")).to_have_text("3")
    expect(count("upcoming")).to_have_text("1")

    page.locator(f"#followup-{items['Skip me'].pk}").get_by_role("button", name="Skip").click()
    expect(count("overdue")).to_have_text("2")

    editing = page.locator(f"#followup-{items['Edit me'].pk}")
    editing.get_by_role("button", name="Edit").click()
    editing.get_by_label("Draft").fill("Hi Sara, a better draft.")
    editing.get_by_role("button", name="Save").click()
    expect(page.locator(".flash")).to_contain_text("Saved: Edit me")
    edited = page.locator(f"#followup-{items['Edit me'].pk}")
    edited.get_by_text("Drafted note").click()
    expect(edited.locator("pre.draft")).to_have_text("Hi Sara, a better draft.")
    expect(edited.get_by_role("button", name="Email")).to_have_attribute(
        "href", "mailto:sara@example.com?subject=Edit%20me&body=Hi%20Sara%2C%20a%20better%20draft."
    )

    page.locator(f"#followup-{items['Overdue one'].pk}").get_by_role("button", name="Done").click()
    expect(count("overdue")).to_have_text("1")
    expect(page.locator(f"#followup-{items['Overdue one'].pk}")).to_have_count(0)

    statuses = {f.title: f.status for f in FollowUp.objects.filter(user=user)}
    assert statuses == {
        "Overdue one": Status.DONE, "Snooze me": Status.SNOOZED,
        "Skip me": Status.SKIPPED, "Edit me": Status.PENDING,
    }
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert console_errors == []
