"""netcrm on a phone with the network switched off and back on: the queue and the
contacts stay readable, and a meeting logged offline (a new person, a referral) is
kept on the phone and sent, exactly once, when the connection returns."""

import os
import re
from pathlib import Path

import pytest
from django.test import Client
from playwright.sync_api import BrowserContext, Page, expect

from contacts.models import Contact
from followups.models import FollowUp
from meetings.models import Meeting
from referrals.models import Referral
from tests.browser.helpers import answered, log_in, until
from tests.conftest import make_user, wait_for
from tests.factories import make_contact, make_followup

pytestmark = pytest.mark.django_db(transaction=True)
# OFFLINE_SHOTS=/tmp/shots-pwa: phone and desktop pictures of the offline screens.
SHOTS = os.environ.get("OFFLINE_SHOTS")


WARMED = ("/", "/offline/", "/meetings/new/")


def saved_pages(page: Page) -> tuple[str | None, list[str]]:
    """Whose pages the worker keeps, and their paths."""
    return page.evaluate("""async () => {
        const cache = await caches.open("netcrm-pages");
        const owner = await cache.match("/sw.js?owner");
        return [owner ? await owner.text() : null,
                (await cache.keys()).map((r) => new URL(r.url).pathname)];
    }""")


def wait_for_saved_pages(page: Page, owner: str | None = None) -> None:
    """Until the worker has saved the pages it warms, for `owner` (any one if None).
    Polled with page.evaluate, which awaits the promise: wait_for_function takes an
    async function's promise for a truthy answer and returns at once."""
    def saved() -> bool:
        whose, paths = saved_pages(page)
        return whose is not None and owner in (None, whose) and all(p in paths for p in WARMED)

    wait_for(saved, timeout=15)


def wait_for_service_worker(page: Page) -> None:
    """The worker is installed, controls the page, and has saved the pages it warms."""
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    until(page, "navigator.serviceWorker.controller !== null")
    wait_for_saved_pages(page)


def go_offline(context: BrowserContext, page: Page) -> None:
    context.set_offline(True)
    until(page, "!navigator.onLine")


def someone_new(page: Page, name: str) -> None:
    """The new person's name, behind the picker's "Someone new" (a plain disclosure)."""
    if page.get_by_label("New person's name").is_hidden():
        page.locator("details[data-new-person] > summary").click()
    page.get_by_label("New person's name").fill(name)


def fill_meeting(page: Page) -> None:
    someone_new(page, "Sara Smith")
    page.get_by_label("Their organization").fill("Acme Analytics")
    page.get_by_label("Notes").fill("Coffee outside the café. She knows the data team.")
    row = page.locator(".referral-row").first
    row.get_by_label("Who should you talk to?").fill("John Public")
    row.get_by_label("At").fill("Globex")


def shoot(page: Page, name: str) -> None:
    if not SHOTS:
        return
    Path(SHOTS).mkdir(parents=True, exist_ok=True)
    page.screenshot(path=f"{SHOTS}/{name}-phone.png", full_page=True)
    size = page.viewport_size
    page.set_viewport_size({"width": 1280, "height": 900})
    page.screenshot(path=f"{SHOTS}/{name}-desktop.png", full_page=True)
    page.set_viewport_size(size)


def test_read_offline_log_a_meeting_offline_and_send_it_once_back_online(
    live_server, celery_worker, page: Page, context: BrowserContext
):
    user = make_user("jordan")
    alan = make_contact(user, "Alan Park", organization="Initech")
    article = make_followup(user, title="Send Alan the article", contact=alan)
    log_in(page, live_server, "jordan")
    wait_for_service_worker(page)
    # The pages one has visited are the ones kept: the contacts list and Alan's page.
    page.goto(live_server.url + "/contacts/")
    expect(page.get_by_role("link", name="Alan Park")).to_be_visible()
    page.goto(live_server.url + f"/contacts/{alan.pk}/")
    expect(page.get_by_role("heading", name="Alan Park")).to_be_visible()

    go_offline(context, page)
    page.goto(live_server.url + "/")
    expect(page.get_by_role("heading", name="Today's follow-ups")).to_be_visible()
    expect(page.locator("#outbox")).to_contain_text("Offline: the copy saved")
    # The queue reads; a tap on Done says it could not be saved, and saves nothing.
    item = page.locator(f"#followup-{article.pk}")
    expect(item).to_contain_text("Send Alan the article")
    item.get_by_role("button", name="Done").click()
    expect(page.locator("#outbox")).to_contain_text("No connection: that change was not saved.")
    article.refresh_from_db()
    assert article.status == "pending"
    page.goto(live_server.url + f"/contacts/{alan.pk}/")
    expect(page.get_by_role("heading", name="Alan Park")).to_be_visible()
    page.goto(live_server.url + "/contacts/")
    expect(page.get_by_role("link", name="Alan Park")).to_be_visible()
    # A page never opened: the offline page, which lists what is saved.
    page.goto(live_server.url + "/leads/")
    expect(page.get_by_role("heading", name="You're offline")).to_be_visible()
    saved = page.locator("#offline-pages")
    expect(saved.get_by_role("link", name="Alan Park")).to_be_visible()
    expect(saved.get_by_role("link", name="Log a meeting")).to_be_visible()
    shoot(page, "offline-page")

    # "+ Log meeting" with no connection opens the saved form, as a page.
    page.get_by_role("button", name="+ Log meeting").click()
    expect(page.get_by_role("heading", name="Log a meeting")).to_be_visible()
    fill_meeting(page)
    page.get_by_role("button", name="Save meeting").click()
    expect(page.get_by_role("heading", name="Kept on this phone")).to_be_visible()
    expect(page.locator("#outbox")).to_contain_text("Waiting to send (1)")
    # Every page says so, and nothing has reached the server.
    page.goto(live_server.url + "/")
    expect(page.locator("#outbox")).to_contain_text("Waiting to send (1)")
    shoot(page, "waiting-to-send")
    assert Meeting.objects.count() == 0

    context.set_offline(False)
    expect(page.locator("#outbox")).to_contain_text("Sent:", timeout=15000)
    expect(page.locator("#outbox")).not_to_contain_text("Waiting to send")
    meeting = Meeting.objects.get()
    link = page.locator("#outbox").get_by_role("link", name=meeting.title)
    expect(link).to_have_attribute("href", meeting.get_absolute_url())
    shoot(page, "sent")

    # Exactly one of each, with what was typed offline.
    assert meeting.user == user
    assert "She knows the data team" in meeting.notes
    sara = Contact.objects.get(user=user, name="Sara Smith")
    assert list(meeting.contacts.all()) == [sara]
    assert sara.organization.name == "Acme Analytics"
    referral = Referral.objects.get()
    assert (referral.referrer, referral.referred.name) == (sara, "John Public")
    assert Contact.objects.filter(user=user).count() == 3  # Alan, Sara, John
    # The engine's follow-ups: a thank-you to Sara, a call to John.
    wait_for(lambda: FollowUp.objects.filter(kind="thank_you", meeting=meeting).exists())
    wait_for(lambda: FollowUp.objects.filter(kind="referral_call", contact__name="John Public")
             .exists())
    assert FollowUp.objects.filter(kind="thank_you").count() == 1
    assert FollowUp.objects.filter(kind="referral_call").count() == 1

    # Reloading sends nothing again; the "Sent" line goes when dismissed.
    page.reload()
    expect(page.locator("#outbox")).to_contain_text("Sent:")
    assert Meeting.objects.count() == 1
    page.locator("#outbox").get_by_role("button", name="Dismiss").click()
    expect(page.locator("#outbox")).to_be_hidden()
    # Log-out leaves nothing of this person on the phone.
    page.locator(".account-menu summary").click()
    page.get_by_role("button", name="Log out jordan").click()
    expect(page.get_by_role("button", name="Log in")).to_be_visible()
    assert page.evaluate("""async () => (await (await caches.open("netcrm-pages")).keys()).length
                          """) == 0


def test_a_meeting_kept_offline_is_listed_and_can_be_discarded_before_it_is_sent(
    live_server, page: Page, context: BrowserContext
):
    """Each meeting waiting on the phone is listed by who it was with; one typed by
    mistake is discarded (after a question, which can be declined) and never sent,
    while the other is sent once back online."""
    make_user("jordan")
    log_in(page, live_server, "jordan")
    wait_for_service_worker(page)
    go_offline(context, page)
    for name in ("Sara Smith", "Sara Smith by mistake"):
        page.goto(live_server.url + "/meetings/new/")
        someone_new(page, name)
        page.get_by_role("button", name="Save meeting").click()
        expect(page.get_by_role("heading", name="Kept on this phone")).to_be_visible()
    outbox = page.locator("#outbox")
    expect(outbox).to_contain_text("Waiting to send (2)")
    expect(outbox.locator(".kept-item")).to_have_count(2)
    expect(outbox.locator(".kept-item").first).to_contain_text("The meeting with Sara Smith, typed")
    mistake = outbox.get_by_role("button", name="Discard the meeting with Sara Smith by mistake")

    assert "has not been sent, and it will not be" in answered(page, mistake.click, accept=False)
    expect(mistake).to_be_visible()  # declined: still kept
    expect(outbox).to_contain_text("Waiting to send (2)")
    answered(page, mistake.click, accept=True)
    expect(outbox).to_contain_text("Waiting to send (1)")
    expect(outbox).not_to_contain_text("by mistake")
    # The note where it was kept says so.
    expect(page.get_by_role("heading", name="Discarded")).to_be_visible()
    shoot(page, "waiting-listed")

    context.set_offline(False)
    expect(outbox).to_contain_text("Sent:", timeout=15000)
    meeting = Meeting.objects.get()
    assert [c.name for c in meeting.contacts.all()] == ["Sara Smith"]
    assert not Contact.objects.filter(name__contains="by mistake").exists()


def test_the_same_kept_meeting_sent_from_two_tabs_and_again_is_one_meeting(
    live_server, page: Page, context: BrowserContext
):
    make_user("jordan")
    log_in(page, live_server, "jordan")
    wait_for_service_worker(page)
    # The form opens in the dialog while there is a connection; it drops before Save.
    page.get_by_role("button", name="+ Log meeting").click()
    dialog = page.locator("dialog#modal")
    expect(dialog.get_by_role("heading", name="Log a meeting")).to_be_visible()
    go_offline(context, page)
    fill_meeting(page)
    dialog.get_by_role("button", name="Save meeting").click()
    expect(dialog.get_by_role("heading", name="Kept on this phone")).to_be_visible()
    expect(page.locator("#outbox")).to_contain_text("Waiting to send (1)")
    second = context.new_page()
    second.goto(live_server.url + "/")
    expect(second.locator("#outbox")).to_contain_text("Waiting to send (1)")

    # Both tabs see the connection return and both try to send it.
    context.set_offline(False)
    expect(page.locator("#outbox")).to_contain_text("Sent:", timeout=15000)
    expect(dialog.get_by_role("heading", name="Sent")).to_be_visible()
    expect(dialog.get_by_role("link", name="Coffee with Sara Smith")).to_be_visible()
    second.reload()
    expect(second.locator("#outbox")).to_contain_text("Sent:")
    assert Meeting.objects.count() == 1

    # A tab closed mid-send leaves the item waiting although the server saved it:
    # sent again with its submission key, it creates nothing.
    page.evaluate("""async () => new Promise((resolve) => {
        indexedDB.open("netcrm").onsuccess = (event) => {
          const tx = event.target.result.transaction("outbox", "readwrite");
          const store = tx.objectStore("outbox");
          store.getAll().onsuccess = (got) => got.target.result.forEach(
            (item) => store.put(Object.assign(item, {state: "waiting"})));
          tx.oncomplete = resolve;
        };
    })""")
    page.reload()
    expect(page.locator("#outbox")).to_contain_text("Sent:", timeout=15000)
    assert Meeting.objects.count() == 1
    assert Contact.objects.filter(name="Sara Smith").count() == 1
    assert Contact.objects.filter(name="John Public").count() == 1
    assert Referral.objects.count() == 1


def test_a_meeting_kept_offline_is_sent_with_netcrm_closed(
    live_server, celery_worker, page: Page, context: BrowserContext
):
    """Background Sync: the phone comes back online after netcrm was closed; the
    service worker sends the meeting, and its follow-ups are made, with no page open."""
    user = make_user("jordan")
    log_in(page, live_server, "jordan")
    wait_for_service_worker(page)
    page.goto(live_server.url + "/meetings/new/")
    go_offline(context, page)
    fill_meeting(page)
    page.get_by_role("button", name="Save meeting").click()
    expect(page.get_by_role("heading", name="Kept on this phone")).to_be_visible()
    tags = "navigator.serviceWorker.ready.then((r) => r.sync.getTags())"
    wait_for(lambda: page.evaluate(tags) == ["netcrm-outbox"])
    page.close()  # netcrm closed, still offline

    assert Meeting.objects.count() == 0
    context.set_offline(False)
    wait_for(lambda: Meeting.objects.exists(), timeout=20)
    meeting = Meeting.objects.get()
    assert meeting.user == user and "She knows the data team" in meeting.notes
    assert Referral.objects.get().referred.name == "John Public"
    wait_for(lambda: FollowUp.objects.filter(kind="thank_you", meeting=meeting).exists())

    # Opened again: the phone says it was sent, and sends nothing more.
    again = context.new_page()
    again.goto(live_server.url + "/")
    expect(again.locator("#outbox")).to_contain_text("Sent:")
    expect(again.locator("#outbox").get_by_role("link", name=meeting.title)).to_have_attribute(
        "href", meeting.get_absolute_url()
    )
    shoot(again, "sent-in-the-background")
    assert Meeting.objects.count() == 1 and Contact.objects.filter(name="Sara Smith").count() == 1


def test_a_kept_meeting_the_server_refuses_reopens_with_what_was_typed(
    live_server, page: Page, context: BrowserContext
):
    make_user("jordan")
    log_in(page, live_server, "jordan")
    wait_for_service_worker(page)
    page.goto(live_server.url + "/meetings/new/")
    go_offline(context, page)
    # Nobody named: the server will say who is missing, but only once online.
    page.get_by_label("Notes").fill("Met someone at the meetup, forgot to add the name")
    page.get_by_role("button", name="Save meeting").click()
    expect(page.locator("#outbox")).to_contain_text("Waiting to send (1)")

    context.set_offline(False)
    fix = page.locator("#outbox").get_by_role("link", name="open to fix")
    expect(fix).to_be_visible(timeout=15000)
    expect(page.locator("#outbox")).to_contain_text("Couldn't send")
    shoot(page, "could-not-send")
    assert Meeting.objects.count() == 0
    # Logging out would delete it from the phone: netcrm asks first.
    asked: list[str] = []

    def answer(dialog) -> None:
        asked.append(dialog.message)
        dialog.dismiss()

    page.once("dialog", answer)
    page.locator(".account-menu summary").click()
    page.get_by_role("button", name="Log out jordan").click()
    for _ in range(100):
        if asked:
            break
        page.wait_for_timeout(50)
    assert asked == ["1 meeting(s) not sent yet will be deleted from this phone. Log out anyway?"]
    expect(page.locator("#outbox")).to_contain_text("Couldn't send")
    page.locator(".account-menu summary").click()  # close the menu
    fix.click()
    expect(page.get_by_text("Who did you meet? Pick a contact or add a new person.")).to_be_visible()
    expect(page.get_by_label("Notes")).to_have_value("Met someone at the meetup, forgot to add the name")
    someone_new(page, "Dana Lee")
    page.get_by_role("button", name="Save meeting").click()
    expect(page.get_by_role("heading", name="Meeting logged")).to_be_visible()
    expect(page.locator("#outbox")).to_be_hidden()
    assert Meeting.objects.get().contacts.get().name == "Dana Lee"


def test_a_meeting_saved_by_the_server_whose_answer_was_lost_is_not_made_twice(
    live_server, page: Page, context: BrowserContext
):
    """The worst connection: the POST reaches netcrm, the answer never comes back. The
    phone keeps the meeting with the key it was sent with; sent again, it creates nothing."""
    make_user("jordan")
    log_in(page, live_server, "jordan")
    wait_for_service_worker(page)
    page.goto(live_server.url + "/meetings/new/")
    fill_meeting(page)

    def answer_lost(route) -> None:
        route.fetch()  # netcrm receives it and saves the meeting...
        route.abort("connectionreset")  # ...and the phone never hears back

    page.route("**/meetings/new/", answer_lost)
    page.get_by_role("button", name="Save meeting").click()
    # Kept on the phone; the browser, online all along, may fire the background sync
    # at once, and the service worker's send (which page.route does not see) says Sent.
    expect(page.get_by_role("heading", name=re.compile("^(Kept on this phone|Sent)$"))
           ).to_be_visible()
    assert Meeting.objects.count() == 1
    page.unroute("**/meetings/new/")

    page.goto(live_server.url + "/")
    expect(page.locator("#outbox")).to_contain_text("Sent:", timeout=15000)
    meeting = Meeting.objects.get()
    expect(page.locator("#outbox").get_by_role("link", name=meeting.title)).to_have_attribute(
        "href", meeting.get_absolute_url()
    )
    assert Contact.objects.filter(name="Sara Smith").count() == 1
    assert Referral.objects.count() == 1


def test_each_meeting_logged_from_the_saved_form_is_its_own(
    live_server, page: Page, context: BrowserContext
):
    """The saved copy of the form was fetched with a submission key that may since have
    been used online; each meeting typed into the copy gets a key of its own."""
    make_user("jordan")
    log_in(page, live_server, "jordan")
    wait_for_service_worker(page)
    page.goto(live_server.url + "/meetings/new/")  # saved, with this page's key
    someone_new(page, "Alan Park")
    page.get_by_role("button", name="Save meeting").click()
    expect(page.get_by_role("heading", name="Meeting logged")).to_be_visible()

    go_offline(context, page)
    for name in ["Dana Lee", "Eli Cohen"]:
        page.goto(live_server.url + "/meetings/new/")
        expect(page.locator("#outbox")).to_contain_text("Offline: the copy saved")
        someone_new(page, name)
        page.get_by_role("button", name="Save meeting").click()
        expect(page.get_by_role("heading", name="Kept on this phone")).to_be_visible()
    expect(page.locator("#outbox")).to_contain_text("Waiting to send (2)")

    context.set_offline(False)
    expect(page.locator("#outbox .sent")).to_have_count(2, timeout=15000)
    assert sorted(m.title for m in Meeting.objects.all()) == [
        "Coffee with Alan Park", "Coffee with Dana Lee", "Coffee with Eli Cohen",
    ]


def test_chromium_finds_the_app_installable(live_server, page: Page, context: BrowserContext):
    """Chromium's own check: the manifest parses, its icons load, the worker controls
    the page."""
    make_user("jordan")
    log_in(page, live_server, "jordan")
    wait_for_service_worker(page)
    cdp = context.new_cdp_session(page)
    manifest = cdp.send("Page.getAppManifest")
    assert manifest["errors"] == [], manifest["errors"]
    assert manifest["url"].endswith("/manifest.webmanifest")
    errors = cdp.send("Page.getInstallabilityErrors")["installabilityErrors"]
    # A Playwright context is always a private one, where Chromium never installs apps.
    assert [error["errorId"] for error in errors] == ["in-incognito"]


def test_someone_else_signing_in_never_sees_the_pages_saved_for_the_first(
    live_server, page: Page, context: BrowserContext
):
    """Jordan's session ends without a log-out; Sam's begins on the same phone. Offline,
    Sam gets the offline page for Jordan's contact, not Jordan's page."""
    jordan = make_user("jordan")
    sam = make_user("sam")
    alan = make_contact(jordan, "Alan Park", organization="Initech")
    log_in(page, live_server, "jordan")
    wait_for_service_worker(page)
    page.goto(live_server.url + f"/contacts/{alan.pk}/")
    expect(page.get_by_role("heading", name="Alan Park")).to_be_visible()

    # Sam's session replaces Jordan's with no signed-out page in between.
    phone = Client()
    phone.force_login(sam)
    context.clear_cookies()
    context.add_cookies([{"name": "sessionid", "value": phone.cookies["sessionid"].value,
                          "url": live_server.url}])
    page.goto(live_server.url + "/")
    expect(page.get_by_role("heading", name="Today's follow-ups")).to_be_visible()
    wait_for_saved_pages(page, "sam")  # not Jordan's, there until Sam's settle empties them
    saved = saved_pages(page)[1]
    assert f"/contacts/{alan.pk}/" not in saved

    go_offline(context, page)
    page.goto(live_server.url + f"/contacts/{alan.pk}/")
    expect(page.get_by_role("heading", name="You're offline")).to_be_visible()
    expect(page.get_by_text("Alan Park")).to_have_count(0)
    expect(page.locator("form[action='/accounts/logout/'] button")).to_have_text("Log out sam")
