"""The question library and the prepare follow-up in real Chromium, on a phone."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from followups.models import FollowUp
from meetings.models import Meeting, QuestionTemplate
from meetings.services import SUGGESTED_QUESTIONS
from tests.browser.helpers import closed, log_in
from tests.conftest import make_user, wait_for

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "a-long-pass-phrase-42"


def fits_phone(page: Page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= 390


def test_edit_delete_and_restore_the_library_in_place(live_server, page: Page, console_errors):
    user = make_user("jordan", password=PASSWORD)
    log_in(page, live_server, "jordan", PASSWORD)

    page.get_by_label("Account").click()
    page.get_by_role("link", name="Question library").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Question library")
    rows = page.locator("#question-library li.question")
    expect(rows).to_have_count(len(SUGGESTED_QUESTIONS))
    assert fits_phone(page)
    url = page.url

    # Edit in place: the row turns into a form and back, without leaving the page.
    first = QuestionTemplate.objects.filter(user=user).first()
    row = page.locator(f"#question-{first.pk}")
    row.get_by_role("link", name="Edit").click()
    row.get_by_label("Question").fill("What kinds of organizations could use someone who teaches?")
    row.get_by_role("button", name="Save question").click()
    expect(row).to_contain_text("What kinds of organizations could use someone who teaches?")
    expect(row.locator("textarea")).to_have_count(0)
    assert page.url == url
    first.refresh_from_db()
    assert first.text == "What kinds of organizations could use someone who teaches?"

    # A mistake keeps the form open with the message.
    page.get_by_label("Question").last.fill("   ")
    page.get_by_role("button", name="Add question").click()
    expect(page.get_by_text("Write the question.")).to_be_visible()

    # Delete them all: the library stays empty and offers the suggestions back. After the
    # first delete the status already says "Question deleted.", so each tap waits for its
    # own row to go before the next one.
    for remaining in reversed(range(len(SUGGESTED_QUESTIONS))):
        rows.first.get_by_role("button", name="Delete").click()
        expect(rows).to_have_count(remaining)
        expect(page.get_by_role("status")).to_contain_text("Question deleted.")
    expect(page.get_by_text("Your question library is empty.")).to_be_visible()
    page.reload()
    expect(page.get_by_text("Your question library is empty.")).to_be_visible()
    page.get_by_role("button", name="Restore the suggested questions").click()
    expect(rows).to_have_count(len(SUGGESTED_QUESTIONS))
    assert QuestionTemplate.objects.filter(user=user).count() == len(SUGGESTED_QUESTIONS)
    assert fits_phone(page)
    assert console_errors == []


def test_pick_questions_for_a_planned_meeting_and_prepare(
    live_server, celery_worker, page: Page, console_errors
):
    make_user("jordan", password=PASSWORD)
    log_in(page, live_server, "jordan", PASSWORD)
    starts = timezone.localtime() + timedelta(days=3)

    page.get_by_role("button", name="+ Log meeting").click()
    dialog = page.locator("dialog#modal")
    dialog.get_by_text("Someone new", exact=True).click()
    dialog.get_by_label("New person's name").fill("Emily Chen")
    dialog.get_by_label("When").fill(starts.strftime("%Y-%m-%dT10:00"))
    dialog.locator("details.more-fields > summary").click()
    dialog.get_by_label("Purpose").fill("how Acme's data team hires")
    dialog.get_by_label("Questions:").fill("How did you get into data?")
    dialog.get_by_label(SUGGESTED_QUESTIONS[1]).check()
    dialog.get_by_label(SUGGESTED_QUESTIONS[6]).check()
    assert fits_phone(page)
    dialog.get_by_role("button", name="Save meeting").click()
    expect(dialog.get_by_role("heading", name="Meeting logged")).to_be_visible()

    assert Meeting.objects.get().questions.splitlines() == [
        "How did you get into data?", SUGGESTED_QUESTIONS[1], SUGGESTED_QUESTIONS[6],
    ]
    followup = wait_for(lambda: FollowUp.objects.filter(kind="prepare").first())
    dialog.get_by_role("button", name="Close", exact=True).click()
    closed(page)
    page.reload()
    item = page.locator(f"#followup-{followup.pk}")
    expect(item).to_contain_text("Prepare for coffee with Emily Chen")
    item.get_by_text("Draft", exact=True).click()
    draft = item.locator("pre.draft")
    expect(draft).to_contain_text("Purpose: how Acme's data team hires")
    expect(draft).to_contain_text(f"- {SUGGESTED_QUESTIONS[1]}")
    expect(draft).to_contain_text("Ask for 15 minutes, leave after 15")
    assert console_errors == []


def test_the_library_without_javascript(live_server, browser):
    user = make_user("nojs", password=PASSWORD)
    context = browser.new_context(java_script_enabled=False, viewport={"width": 390, "height": 844})
    page = context.new_page()
    log_in(page, live_server, "nojs", PASSWORD)
    page.goto(live_server.url + "/meetings/questions/")

    page.get_by_label("Question").last.fill("Which teams here work with data?")
    page.get_by_role("button", name="Add question").click()
    expect(page.get_by_text("Question added.")).to_be_visible()
    added = QuestionTemplate.objects.get(user=user, text="Which teams here work with data?")

    page.locator(f"#question-{added.pk}").get_by_role("link", name="Edit").click()
    expect(page).to_have_url(re.compile(rf"/meetings/questions/{added.pk}/edit/$"))
    page.locator(f"#question-{added.pk}").get_by_label("Question").fill("Which teams use data?")
    page.get_by_role("button", name="Save question").click()
    expect(page.get_by_text("Question saved.")).to_be_visible()
    expect(page.locator(f"#question-{added.pk}")).to_contain_text("Which teams use data?")

    page.locator(f"#question-{added.pk}").get_by_role("button", name="Delete").click()
    expect(page.get_by_text("Question deleted.")).to_be_visible()
    assert not QuestionTemplate.objects.filter(pk=added.pk).exists()
    context.close()
