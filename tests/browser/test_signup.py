"""Sign up in Chromium: the timezone comes from the browser unless the person picks one."""

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import Page, expect

from followups.services import signature

SIGNUP = "/accounts/signup/"


@pytest.mark.browser_context_args(timezone_id="Europe/Berlin")
def test_signup_preselects_the_browsers_timezone_and_saves_the_name(
    live_server, page: Page, console_errors
):
    page.goto(live_server.url + SIGNUP)
    expect(page.get_by_label("Timezone")).to_have_value("Europe/Berlin")

    page.get_by_label("Username").fill("jordan")
    page.get_by_label("First name").fill("Jordan")
    page.get_by_label("Last name").fill("Reyes")
    page.get_by_label("Email").fill("jordan@example.com")
    page.get_by_label("Password:", exact=True).fill("a-long-pass-phrase-42")
    page.get_by_label("Password confirmation:").fill("a-long-pass-phrase-42")
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("heading", name="Today's follow-ups")).to_be_visible()

    jordan = User.objects.get(username="jordan")
    assert jordan.profile.timezone == "Europe/Berlin"
    assert signature(jordan) == "Jordan Reyes"
    assert console_errors == []


@pytest.mark.browser_context_args(timezone_id="America/Lima")
def test_a_timezone_picked_by_hand_is_kept_after_a_mistake(live_server, page: Page, console_errors):
    page.goto(live_server.url + SIGNUP)
    expect(page.get_by_label("Timezone")).to_have_value("America/Lima")
    page.get_by_label("Timezone").select_option("Asia/Tokyo")
    page.get_by_label("Username").fill("jordan")
    page.get_by_label("Email").fill("jordan@example.com")
    page.get_by_label("Password:", exact=True).fill("a-long-pass-phrase-42")
    page.get_by_label("Password confirmation:").fill("not-the-same-phrase")
    page.get_by_role("button", name="Create account").click()

    expect(page.get_by_text("The two password fields didn")).to_be_visible()
    expect(page.get_by_label("Timezone")).to_have_value("Asia/Tokyo")
    assert console_errors == []


@pytest.mark.browser_context_args(timezone_id="Asia/Kolkata", java_script_enabled=False)
def test_without_javascript_the_timezone_stays_utc(live_server, page: Page):
    page.goto(live_server.url + SIGNUP)
    expect(page.get_by_label("Timezone")).to_have_value("UTC")
