"""The morning queue in Chromium on a phone: snooze, skip, edit the draft, done; the counts follow."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from contacts.models import Contact
from followups.models import FollowUp, Heartbeat, Status
from tests.browser.helpers import log_in
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
    log_in(page, live_server, "quinn", "a-long-pass-phrase-42")
    count = lambda name: page.locator(f"[data-count={name}]")  # noqa: E731
    expect(count("overdue")).to_have_text("4")

    # Done and Skip are one tap; snooze is one further, in the item's card.
    item = page.locator(f"#followup-{items['Snooze me'].pk}")
    item.get_by_role("button", name="More: snooze, edit").click()
    page.locator("#modal").get_by_role("button", name="Snooze 1 day").click()
    expect(page.locator("#modal")).not_to_be_visible()
    expect(page.locator("form.undo")).to_contain_text("Snoozed until")
    expect(count("overdue")).to_have_text("3")
    expect(count("upcoming")).to_have_text("1")
    # Gone from what is due, and in the week ahead at once (no refresh).
    expect(page.locator("#queue-upcoming").locator(f"#followup-{items['Snooze me'].pk}")) \
        .to_be_visible()
    expect(item).to_have_count(1)

    page.locator(f"#followup-{items['Skip me'].pk}").get_by_role("button", name="Skip").click()
    expect(count("overdue")).to_have_text("2")

    # The draft opens in place.
    editing = page.locator(f"#followup-{items['Edit me'].pk}")
    editing.get_by_text("Draft", exact=True).click()
    expect(editing.locator("pre.draft")).to_have_text("Draft for Edit me.")
    editing.get_by_role("button", name="More: snooze, edit").click()
    page.locator("#modal").get_by_role("button", name="Edit").click()
    page.locator("#modal").get_by_label("Draft").fill("Hi Sara, a better draft.")
    page.locator("#modal").get_by_role("button", name="Save").click()
    expect(page.locator(".flash")).to_contain_text("Saved: Edit me")
    expect(page.locator("#modal")).not_to_be_visible()
    edited = page.locator(f"#followup-{items['Edit me'].pk}")
    edited.get_by_text("Draft", exact=True).click()
    expect(edited.locator("pre.draft")).to_have_text("Hi Sara, a better draft.")
    expect(edited.get_by_role("button", name="Email")).to_have_attribute(
        "href", "mailto:sara@example.com?subject=Edit%20me&body=Hi%20Sara%2C%20a%20better%20draft."
    )

    done = page.locator(f"#followup-{items['Overdue one'].pk}")
    done.get_by_role("button", name="Done").click()
    expect(count("overdue")).to_have_text("1")
    expect(done).to_have_count(0)

    statuses = {f.title: f.status for f in FollowUp.objects.filter(user=user)}
    assert statuses == {
        "Overdue one": Status.DONE, "Snooze me": Status.SNOOZED,
        "Skip me": Status.SKIPPED, "Edit me": Status.PENDING,
    }
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert console_errors == []


def test_the_queue_on_a_phone_shows_five_at_once(live_server, page: Page):
    user = make_user("quinn", password="a-long-pass-phrase-42")
    sara = Contact.objects.create(user=user, name="Sara Smith", email="sara@example.com")
    now = timezone.now()
    Heartbeat.objects.create(name="sweep", last_seen_at=now)  # the scheduler runs
    for i in range(8):
        FollowUp.objects.create(
            user=user, kind="thank_you", contact=sara, due_at=now - timedelta(days=1, hours=i),
            title=f"Thank Sara Smith for the informational interview {i}", draft="Hi Sara,",
        )
    log_in(page, live_server, "quinn", "a-long-pass-phrase-42")
    expect(page.locator("#queue article.followup")).to_have_count(8)
    # Measured once the style sheets apply: the items are in the page before its
    # style sheets are, even those the log-in page left in the browser's cache.
    page.wait_for_load_state("load")
    height = page.viewport_size["height"]
    bottoms = page.evaluate(
        """() => Array.from(document.querySelectorAll('#queue article.followup'),
                            a => Math.round(a.getBoundingClientRect().bottom))"""
    )
    whole = sum(bottom <= height for bottom in bottoms)
    above = page.evaluate("document.querySelector('#queue .items').getBoundingClientRect().top")
    assert whole >= 5, (
        f"{whole} follow-ups fit on a {height}px screen: their bottoms at {bottoms}, "
        f"the first {above:.0f}px down, under {page.locator('main').inner_text()[:300]!r}"
    )


def test_a_long_name_in_an_item_shows_how_it_begins(live_server, page: Page):
    # The person's name is last on the item's one-line meta: cut there, a long one
    # showed as a lone "…" (the link is a block, hidden whole), not "Maximilian Al…".
    user = make_user("quinn", password="a-long-pass-phrase-42")
    max_ = Contact.objects.create(user=user, name="Maximilian " + "Alexander-" * 18 + "Long")
    Heartbeat.objects.create(name="sweep", last_seen_at=timezone.now())
    FollowUp.objects.create(
        user=user, kind="thank_you", contact=max_, due_at=timezone.now() - timedelta(hours=1),
        title="Thank Maximilian for the coffee",
    )
    log_in(page, live_server, "quinn", "a-long-pass-phrase-42")
    meta = page.locator("#queue article.followup .meta")
    link = meta.get_by_role("link", name=max_.name)
    expect(link).to_be_visible()
    line, name = meta.bounding_box(), link.bounding_box()
    assert name["x"] + name["width"] <= line["x"] + line["width"] + 4  # cut inside the line
    assert name["width"] >= 60  # and the first letters show: "Maximilian Al…"


def test_the_queue_by_keyboard(live_server, page: Page, console_errors):
    page.set_viewport_size({"width": 1280, "height": 900})
    user = make_user("quinn", password="a-long-pass-phrase-42")
    now = timezone.now()
    first, second, third = (
        FollowUp.objects.create(user=user, kind="custom", title=title, due_at=now - timedelta(hours=h))
        for title, h in [("First", 3), ("Second", 2), ("Third", 1)]
    )
    log_in(page, live_server, "quinn", "a-long-pass-phrase-42")
    expect(page.locator("#queue article.followup")).to_have_count(3)
    page.wait_for_load_state("load")  # the keys' script is deferred

    page.keyboard.press("j")
    page.keyboard.press("j")
    expect(page.locator(f"#followup-{second.pk}")).to_be_focused()
    page.keyboard.press("d")  # done; the next one takes the focus
    expect(page.locator(f"#followup-{second.pk}")).to_have_count(0)
    expect(page.locator(f"#followup-{third.pk}")).to_be_focused()
    page.keyboard.press("k")
    expect(page.locator(f"#followup-{first.pk}")).to_be_focused()
    page.keyboard.press("s")  # snooze: the card, its first snooze button ready
    expect(page.locator("#modal").get_by_role("button", name="Snooze 1 day")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator(f"#queue-upcoming #followup-{first.pk}")).to_be_visible()  # tomorrow
    expect(page.locator(f"#followup-{third.pk}")).to_be_focused()  # not the snoozed one
    page.keyboard.press("e")  # edit the one left
    expect(page.locator("#modal").get_by_label("Title")).to_have_value("Third")
    page.keyboard.press("Escape")
    expect(page.locator("#modal")).not_to_be_visible()  # Escape closes the top dialog
    page.keyboard.press("?")
    expect(page.get_by_role("heading", name="Keyboard shortcuts")).to_be_visible()
    page.keyboard.press("Escape")
    expect(page.locator("#keys")).not_to_be_visible()
    page.keyboard.press("m")
    expect(page.locator("#modal")).to_be_visible()

    statuses = {f.title: f.status for f in FollowUp.objects.filter(user=user)}
    assert statuses == {"First": Status.SNOOZED, "Second": Status.DONE, "Third": Status.PENDING}
    assert console_errors == []


def test_a_dialog_reopened_before_its_close_event_keeps_what_it_shows(live_server, page: Page):
    """Closing the dialog empties it when its "close" event comes; that event is queued.
    Snooze (which closes the dialog) then "e" at once opened the edit form before the
    snooze's close event arrived, which emptied the form out of the open dialog (CI)."""
    make_user("quinn", password="a-long-pass-phrase-42")
    log_in(page, live_server, "quinn", "a-long-pass-phrase-42")
    page.wait_for_load_state("load")
    page.evaluate(
        """() => {
            const modal = document.getElementById("modal");
            modal.showModal();
            modal.close();  // its close event is queued, not fired yet
            document.getElementById("modal-body").innerHTML = '<label>Title <input value="Third"></label>';
            modal.showModal();
        }"""
    )
    page.wait_for_timeout(100)  # the queued close event has come by now
    expect(page.locator("#modal").get_by_label("Title")).to_have_value("Third")
    page.keyboard.press("Escape")
    expect(page.locator("#modal")).not_to_be_visible()
    expect(page.locator("#modal-body")).to_be_empty()  # a real close still empties it
