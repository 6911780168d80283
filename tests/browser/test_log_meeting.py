"""Sign up, log a coffee on a phone, see the thank-you the worker made, mark it done."""

import re

import pytest
from playwright.sync_api import Page, expect

from followups.models import FollowUp, Status
from referrals.models import Referral
from tests.browser.helpers import answered, closed, log_in
from tests.conftest import make_user, wait_for

pytestmark = pytest.mark.django_db(transaction=True)


def test_sign_up_log_a_meeting_and_complete_its_thank_you(
    live_server, celery_worker, page: Page, console_errors
):
    page.goto(live_server.url + "/accounts/signup/")
    page.get_by_label("Username").fill("jordan")
    page.get_by_label("Email").fill("jordan@example.com")
    page.get_by_label("Password:", exact=True).fill("a-long-pass-phrase-42")
    page.get_by_label("Password confirmation:").fill("a-long-pass-phrase-42")
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("heading", name="Today's follow-ups")).to_be_visible()
    expect(page.get_by_text("Nothing due today.")).to_be_visible()

    # One tap from any page opens the form in a modal.
    page.get_by_role("button", name="+ Log meeting").click()
    dialog = page.locator("dialog#modal")
    expect(dialog).to_be_visible()
    # What is the same most times waits behind "More", which says it in words.
    more = dialog.locator("details.more-fields")
    expect(more.locator("summary")).to_have_text("More: Coffee · 15 min · you invited · you paid")
    expect(dialog.get_by_label("Purpose")).to_be_hidden()
    more.locator("summary").click()
    # A mistake keeps what was typed and says what is missing, in the modal.
    dialog.get_by_label("Purpose").fill("how Acme's data team hires")
    dialog.get_by_role("button", name="Save meeting").click()
    expect(dialog.get_by_text("Who did you meet? Pick a contact or add a new person.")).to_be_visible()
    expect(dialog.get_by_label("Purpose")).to_have_value("how Acme's data team hires")
    # One way to name a person: type, and create them from what was typed.
    dialog.get_by_placeholder("Type a name, organization or email…").fill("Sara Smith")
    dialog.get_by_role("button", name="+ Someone new: “Sara Smith”").click()
    expect(dialog.get_by_label("New person's name")).to_have_value("Sara Smith")
    expect(dialog.get_by_label("Their organization")).to_be_focused()
    page.keyboard.type("Acme")
    dialog.get_by_label("Notes").fill("Knows everyone in town. Suggested I talk to John Public.")
    dialog.get_by_label("Who paid").select_option("me")
    dialog.get_by_role("button", name="Save meeting").click()
    expect(dialog.get_by_role("heading", name="Meeting logged")).to_be_visible()
    dialog.get_by_role("button", name="Close", exact=True).click()
    closed(page)

    # The panel beside the queue shows the meeting and the new person at once; the
    # worker drafts the thank-you a moment later, and the queue shows it without a
    # reload (it asks again soon after a meeting is logged, not only every minute).
    panel = page.locator("#dashboard-panel")
    expect(panel.locator("#recent-contacts + ul")).to_contain_text("Sara Smith")
    expect(panel.locator(".goal strong")).to_contain_text("1 of ")
    followup = wait_for(lambda: FollowUp.objects.filter(kind="thank_you").first())
    item = page.locator(f"#followup-{followup.pk}")
    expect(item).to_contain_text("Thank Sara Smith for the coffee", timeout=12_000)
    item.get_by_text("Draft", exact=True).click()
    expect(item.locator("pre.draft")).to_contain_text("Hi Sara,")
    expect(item.locator("pre.draft")).to_contain_text("how Acme's data team hires")
    expect(page.locator("[data-count=upcoming]")).to_have_text("1")

    item.get_by_role("button", name="Done").click()
    expect(page.get_by_role("status").filter(has_text="Done:")).to_contain_text("Done: Thank Sara Smith")
    expect(page.locator(f"#followup-{followup.pk}")).to_have_count(0)
    expect(page.locator("[data-count=upcoming]")).to_have_text("0")
    followup.refresh_from_db()
    assert followup.status == Status.DONE

    # Nothing scrolls sideways on a phone, and the page reported no errors (CSP included).
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert console_errors == []


def test_log_meeting_without_javascript_keeps_what_was_typed(
    live_server, browser, django_user_model
):
    make_user("nojs", password="a-long-pass-phrase-42")
    context = browser.new_context(java_script_enabled=False, viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Username").fill("nojs")
    page.get_by_label("Password:").fill("a-long-pass-phrase-42")
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("button", name="+ Log meeting").click()
    expect(page).to_have_url(re.compile(r"/meetings/new/$"))
    page.get_by_label("Notes").fill("Talked about the data team")
    page.get_by_role("button", name="Save meeting").click()
    expect(page.get_by_text("Who did you meet?").last).to_be_visible()
    expect(page.get_by_label("Notes")).to_have_value("Talked about the data team")
    # "+ Another referral" and "Remove" need JavaScript: its one row is emptied instead.
    expect(page.get_by_role("button", name="Remove this referral")).to_be_hidden()
    page.get_by_text("Someone new", exact=True).click()  # a plain disclosure: no JavaScript needed
    page.get_by_label("New person's name").fill("Alan Ames")
    page.get_by_role("button", name="Save meeting").click()
    expect(page.get_by_role("heading", name="Coffee with Alan Ames")).to_be_visible()
    context.close()


def test_a_referral_row_removed_is_gone_and_not_saved(live_server, page: Page, console_errors):
    """Each referral row has its "Remove", a button big enough for a thumb and reached
    from the keyboard. The row goes, the form sent back with a mistake does not bring it
    back, and only the rows left are saved (a removed self-referral is no mistake)."""
    make_user("jordan")
    log_in(page, live_server, "jordan")
    page.get_by_role("button", name="+ Log meeting").click()
    dialog = page.locator("dialog#modal")
    rows = dialog.locator(".referral-row")
    shown = dialog.locator(".referral-row:visible")
    rows.nth(0).get_by_label("Who should you talk to?").fill("John Public")
    dialog.get_by_role("button", name="+ Another referral").click()
    rows.nth(1).get_by_label("Who should you talk to?").fill("Sara Smith")
    dialog.get_by_role("button", name="+ Another referral").click()
    rows.nth(2).get_by_label("Who should you talk to?").fill("Alan Ames")
    remove = rows.nth(1).get_by_role("button", name="Remove this referral")
    box = remove.bounding_box()
    assert box["height"] >= 44 and box["width"] >= 44

    remove.focus()
    page.keyboard.press("Enter")
    expect(shown).to_have_count(2)
    expect(dialog.get_by_role("button", name="+ Another referral")).to_be_focused()
    expect(dialog.get_by_label("Who should you talk to?")).to_have_count(2)

    dialog.get_by_role("button", name="Save meeting").click()  # nobody chosen: a mistake
    expect(dialog.get_by_text("Who did you meet? Pick a contact or add a new person.")).to_be_visible()
    expect(shown).to_have_count(2)
    expect(shown.nth(0).get_by_label("Who should you talk to?")).to_have_value("John Public")
    expect(shown.nth(1).get_by_label("Who should you talk to?")).to_have_value("Alan Ames")
    dialog.get_by_role("button", name="+ Another referral").click()  # the next number
    expect(shown).to_have_count(3)
    shown.nth(2).get_by_role("button", name="Remove this referral").click()
    expect(shown).to_have_count(2)

    dialog.get_by_placeholder("Type a name, organization or email…").fill("Sara Smith")
    dialog.get_by_role("button", name="+ Someone new: “Sara Smith”").click()
    dialog.get_by_role("button", name="Save meeting").click()
    expect(dialog.get_by_role("heading", name="Meeting logged")).to_be_visible()
    expect(dialog).to_contain_text("Referrals: John Public, Alan Ames.")
    assert sorted(Referral.objects.values_list("referrer__name", "referred__name")) == [
        ("Sara Smith", "Alan Ames"), ("Sara Smith", "John Public"),
    ]
    assert console_errors == []


def test_more_says_what_it_holds_as_it_changes(live_server, page: Page, console_errors):
    from tests.conftest import make_user

    make_user("kim", password="a-long-pass-phrase-42")
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Username").fill("kim")
    page.get_by_label("Password:").fill("a-long-pass-phrase-42")
    page.get_by_role("button", name="Log in").click()
    page.goto(live_server.url + "/meetings/new/")
    summary = page.locator("details.more-fields > summary")
    expect(summary).to_have_text("More: Coffee · 15 min · you invited · you paid")

    summary.click()
    page.get_by_label("Kind:", exact=True).select_option("call")
    page.get_by_label("Agreed length (minutes):").fill("30")
    page.get_by_label("Who paid").select_option("nobody")
    page.get_by_label("Location").fill("Zoom")
    summary.click()  # closed again, it says what it now holds
    expect(summary).to_have_text("More: Call · 30 min · you invited · nothing to pay · at Zoom")
    assert console_errors == []


def test_a_mistake_is_brought_into_view_and_any_length_saves(
    live_server, page: Page, console_errors
):
    """On a phone the dialog is scrolled down to Save when it is sent: a mistake sent
    back is brought into view. A length the browser refuses, behind a closed "More",
    opens "More" so that the browser can say why; 12 minutes is a length like any."""
    from contacts.models import Contact
    from meetings.models import Meeting
    from tests.conftest import make_user

    user = make_user("kim", password="a-long-pass-phrase-42")
    Contact.objects.create(user=user, name="Sara Smith")
    log_in(page, live_server, "kim", "a-long-pass-phrase-42")
    page.get_by_role("button", name="+ Log meeting").click()
    dialog = page.locator("dialog#modal")
    dialog.get_by_label("Notes").fill("Long notes.\n" * 30)
    dialog.get_by_role("button", name="Save meeting").click()  # nobody picked
    alert = dialog.locator("p.errorlist[role=alert]")
    expect(alert).to_have_text("Please fix the marked fields; nothing you typed is lost.")
    expect(alert).to_be_in_viewport()

    more = dialog.locator("details.more-fields")
    dialog.get_by_placeholder("Type a name, organization or email…").fill("Sara")
    dialog.locator("#participant-results").get_by_text("Sara Smith").click()
    more.locator("summary").click()
    dialog.get_by_label("Agreed length (minutes):").fill("0")
    more.locator("summary").click()  # closed, holding a length the browser refuses
    expect(more).not_to_have_attribute("open", "")
    dialog.get_by_role("button", name="Save meeting").click()
    expect(more).to_have_attribute("open", "")  # opened to say why
    assert not Meeting.objects.exists()
    dialog.get_by_label("Agreed length (minutes):").fill("12")
    more.locator("summary").click()
    dialog.get_by_role("button", name="Save meeting").click()
    expect(dialog.get_by_role("heading", name="Meeting logged")).to_be_visible()
    assert Meeting.objects.get().length_minutes == 12
    assert console_errors == []


def test_a_second_new_person_is_offered_instead_of_the_first(
    live_server, page: Page, console_errors
):
    from tests.conftest import make_user

    make_user("kim", password="a-long-pass-phrase-42")
    log_in(page, live_server, "kim", "a-long-pass-phrase-42")
    page.get_by_role("button", name="+ Log meeting").click()
    dialog = page.locator("dialog#modal")
    search = dialog.get_by_placeholder("Type a name, organization or email…")
    search.fill("Ann Newcomb")
    dialog.get_by_role("button", name="+ Someone new: “Ann Newcomb”").click()
    search.fill("Bob Newman")
    offer = dialog.get_by_role("button", name="+ Someone new: “Bob Newman”, instead of “Ann Newcomb”")
    expect(offer).to_be_visible()
    offer.click()
    expect(dialog.get_by_label("New person's name")).to_have_value("Bob Newman")
    assert console_errors == []


def test_the_form_as_a_page_of_its_own_offers_no_close(live_server, page: Page, console_errors):
    """/meetings/new/ opened as a page (a bookmark, a home-screen shortcut): once saved,
    it offers what to do next, not a Close with no dialog to close."""
    from contacts.models import Contact
    from tests.conftest import make_user

    user = make_user("kim", password="a-long-pass-phrase-42")
    Contact.objects.create(user=user, name="Sara Smith")
    log_in(page, live_server, "kim", "a-long-pass-phrase-42")
    page.goto(live_server.url + "/meetings/new/")
    page.get_by_label("Sara Smith").check()
    page.get_by_role("button", name="Save meeting").click()
    expect(page.get_by_role("heading", name="Meeting logged")).to_be_visible()
    expect(page.get_by_role("button", name="Close", exact=True)).to_be_hidden()
    assert console_errors == []


def test_the_dialog_asks_before_throwing_away_what_was_typed(live_server, page: Page, console_errors):
    """Escape, ✕ or Close on a half-filled dialog asks first, and "no" keeps what was
    typed; a form sent back with a mistake is still unsaved; with nothing typed, or once
    saved, it closes without a question."""
    make_user("jordan")
    log_in(page, live_server, "jordan")
    dialog = page.locator("dialog#modal")
    page.get_by_role("button", name="+ Log meeting").click()
    expect(dialog).to_be_visible()
    page.keyboard.press("Escape")  # nothing typed: no question
    expect(dialog).to_be_hidden()

    page.get_by_role("button", name="+ Log meeting").click()
    notes = dialog.get_by_label("Notes")
    notes.fill("She knows the data team.")
    assert answered(page, lambda: page.keyboard.press("Escape"), accept=False) == (
        "Discard what you typed? It has not been saved."
    )
    expect(dialog).to_be_visible()
    expect(notes).to_have_value("She knows the data team.")
    answered(page, dialog.get_by_role("button", name="Close dialog").click, accept=False)
    expect(notes).to_have_value("She knows the data team.")

    dialog.get_by_role("button", name="Save meeting").click()  # nobody chosen: a mistake
    expect(dialog.get_by_text("Who did you meet? Pick a contact or add a new person.")).to_be_visible()
    expect(notes).to_have_value("She knows the data team.")
    answered(page, dialog.get_by_role("button", name="Close dialog").click, accept=True)
    expect(dialog).to_be_hidden()

    page.get_by_role("button", name="+ Log meeting").click()  # a fresh form: nothing to lose
    expect(dialog.get_by_label("Notes")).to_have_value("")
    dialog.get_by_placeholder("Type a name, organization or email…").fill("Sara Smith")
    dialog.get_by_role("button", name="+ Someone new: “Sara Smith”").click()
    dialog.get_by_role("button", name="Save meeting").click()
    expect(dialog.get_by_role("heading", name="Meeting logged")).to_be_visible()
    dialog.get_by_role("button", name="Close", exact=True).click()  # saved: no question
    expect(dialog).to_be_hidden()
    assert console_errors == []


def dialog_over_the_meetings_page(live_server, page: Page):
    """Signed in, on the meetings page (come from the dashboard), its "+ Log meeting"
    dialog open: the dashboard's address, the meetings page's, and the dialog."""
    make_user("robin")
    log_in(page, live_server, "robin")
    home = page.url
    page.goto(live_server.url + "/meetings/")
    meetings = page.url
    dialog = page.locator("dialog#modal")
    page.get_by_role("button", name="+ Log meeting").click()
    expect(dialog).to_be_visible()
    return home, meetings, dialog


def test_back_closes_the_dialog_and_then_leaves_the_page(live_server, page: Page, console_errors):
    """On a phone, Back closes the dialog, as it does an app's sheet (asking first when
    something was typed), and the page under it stays; closed any other way, the dialog
    leaves no step behind: the next Back leaves the page."""
    home, meetings, dialog = dialog_over_the_meetings_page(live_server, page)
    page.go_back()
    expect(dialog).to_be_hidden()
    assert page.url == meetings
    expect(page.get_by_role("heading", name="Meetings", exact=True)).to_be_visible()

    page.get_by_role("button", name="+ Log meeting").click()
    notes = dialog.get_by_label("Notes")
    notes.fill("She knows the data team.")
    assert answered(page, page.go_back, accept=False) == "Discard what you typed? It has not been saved."
    expect(dialog).to_be_visible()
    expect(notes).to_have_value("She knows the data team.")
    answered(page, page.go_back, accept=True)
    expect(dialog).to_be_hidden()
    assert page.url == meetings

    page.get_by_role("button", name="+ Log meeting").click()
    expect(dialog).to_be_visible()
    dialog.get_by_role("button", name="Close dialog").click()
    closed(page)  # the dialog takes its step back
    page.go_back()  # no step left behind: Back leaves the meetings page
    expect(page).to_have_url(home)
    assert console_errors == []


def test_a_dialog_opened_while_the_last_ones_step_back_is_under_way_leaves_no_step_behind(
    live_server, page: Page, console_errors
):
    """Closing the dialog takes its step back with history.back(), which lands a moment
    later. A dialog opened in that moment (Snooze, then "e" at once) took no step of its
    own, believing the old one still there; closed, it went back one step too far and
    left the page for the one before (CI: the dashboard gave way to the log-in page)."""
    home, meetings, dialog = dialog_over_the_meetings_page(live_server, page)
    # After app.js's close listener (capture, on the document) has called history.back(),
    # and before that step back has landed: opened again (and, `twice`, closed again).
    close_and_reopen = """(twice) => new Promise((done) => {
        const modal = document.getElementById("modal");
        const body = document.getElementById("modal-body");
        const form = body.innerHTML;
        modal.addEventListener("close", () => {
            body.innerHTML = form;
            body.dispatchEvent(new CustomEvent("htmx:afterSwap", {
                bubbles: true, detail: { target: body } }));
            if (twice) modal.close();
            done();
        }, { once: true });
        modal.close();
    })"""
    page.evaluate(close_and_reopen, True)
    closed(page)
    assert page.url == meetings  # one step back, not two
    page.get_by_role("button", name="+ Log meeting").click()
    expect(dialog).to_be_visible()
    page.evaluate(close_and_reopen, False)
    expect(dialog).to_be_visible()
    page.wait_for_timeout(300)  # the first step back has landed
    page.keyboard.press("Escape")
    closed(page)
    page.wait_for_timeout(300)
    assert page.url == meetings
    expect(page.get_by_role("heading", name="Meetings", exact=True)).to_be_visible()

    page.get_by_role("button", name="+ Log meeting").click()  # Back still closes the dialog
    expect(dialog).to_be_visible()
    page.go_back()
    expect(dialog).to_be_hidden()
    assert page.url == meetings
    page.go_back()  # and then leaves the page, no step left behind
    expect(page).to_have_url(home)
    assert console_errors == []


def test_a_link_followed_from_the_dialog_leaves_no_step_behind(
    live_server, page: Page, console_errors
):
    """A link in the dialog (the person just named, the meeting just logged) leaves the
    page: the dialog's own step in the history goes with it, so one Back comes back to
    the page under the dialog, and the next leaves it, instead of a Back that did
    nothing. Back still closes the dialog before that."""
    home, meetings, dialog = dialog_over_the_meetings_page(live_server, page)
    dialog.get_by_placeholder("Type a name, organization or email…").fill("Sara Smith")
    dialog.get_by_role("button", name="+ Someone new: “Sara Smith”").click()
    dialog.locator(".referral-row").nth(0).get_by_label("Who should you talk to?").fill("John Public")
    dialog.get_by_role("button", name="Save meeting").click()
    expect(dialog.get_by_role("heading", name="Meeting logged")).to_be_visible()
    dialog.get_by_role("link", name="John Public").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("John Public")

    page.go_back()
    expect(page).to_have_url(meetings)
    expect(page.get_by_role("heading", name="Meetings", exact=True)).to_be_visible()
    expect(dialog).to_be_hidden()
    page.go_back()
    expect(page).to_have_url(home)
    expect(page.get_by_role("heading", name="Today's follow-ups")).to_be_visible()

    page.go_forward()  # the meetings page again: its dialog still answers Back
    expect(page).to_have_url(meetings)
    page.wait_for_load_state("load")
    page.get_by_role("button", name="+ Log meeting").click()
    expect(dialog).to_be_visible()
    page.go_back()
    expect(dialog).to_be_hidden()
    assert page.url == meetings
    page.go_back()
    expect(page).to_have_url(home)
    assert console_errors == []


def test_someone_new_with_the_name_of_a_match_asks_first(live_server, page: Page, console_errors):
    """Right after a coffee, "+ Someone new" tapped by reflex while Sara Smith is the
    match: it asks instead of making a second Sara; either answer is one tap, and
    "Add another" is not asked again on saving."""
    from contacts.models import Contact
    from meetings.models import Meeting
    from tests.factories import make_contact

    user = make_user("kim", password="a-long-pass-phrase-42")
    sara = make_contact(user, "Sara Smith", organization="Acme")
    log_in(page, live_server, "kim", "a-long-pass-phrase-42")
    page.get_by_role("button", name="+ Log meeting").click()
    dialog = page.locator("dialog#modal")
    search = dialog.get_by_placeholder("Type a name, organization or email…")

    search.fill("sara smith")
    dialog.get_by_role("button", name="+ Someone new: “sara smith”").click()
    expect(dialog.get_by_text("sara smith is already in your contacts.")).to_be_visible()
    # Sara is offered once, in the question, not again as the plain match above it.
    expect(dialog.get_by_role("button", name="Sara Smith · Acme", exact=True)).to_be_hidden()
    use = dialog.get_by_role("button", name="Use Sara Smith · Acme")
    expect(use).to_be_focused()
    expect(dialog.get_by_label("New person's name")).to_have_value("")  # nobody new yet
    use.click()
    expect(dialog.locator("#chosen .chip")).to_have_text(["Sara Smith✕"])
    dialog.get_by_role("button", name="Save meeting").click()
    expect(dialog.get_by_role("heading", name="Meeting logged")).to_be_visible()
    assert list(Meeting.objects.get().contacts.all()) == [sara]

    # A genuine namesake: "Add another Sara Smith", saved without a second question.
    dialog.get_by_role("button", name="Log another").click()
    search.fill("Sara Smith")
    dialog.get_by_role("button", name="+ Someone new: “Sara Smith”").click()
    dialog.get_by_role("button", name="Add another Sara Smith").click()
    expect(dialog.get_by_label("New person's name")).to_have_value("Sara Smith")
    dialog.get_by_role("button", name="Save meeting").click()
    expect(dialog.get_by_role("heading", name="Meeting logged")).to_be_visible()
    assert Contact.objects.filter(name="Sara Smith").count() == 2
    assert console_errors == []
