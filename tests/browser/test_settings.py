"""The settings on a phone: a mistake two screens below the top is shown, not left for
the person to find."""

import pytest
from playwright.sync_api import Page, expect

from accounts.models import Profile
from tests.browser.helpers import log_in
from tests.conftest import make_user

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_mistake_far_down_the_settings_is_focused_and_in_view(
    live_server, page: Page, console_errors
):
    jordan = make_user("jordan")
    log_in(page, live_server, "jordan")
    page.goto(live_server.url + "/accounts/settings/")
    page.get_by_label("Timezone").select_option("Asia/Tokyo")
    field = page.get_by_label("Help back after (days)")
    field.fill("-5")
    page.get_by_role("button", name="Save settings").click()

    expect(field).to_be_focused()
    expect(field).to_be_in_viewport()
    expect(page.get_by_role("alert")).to_have_text(
        "Nothing was saved: please fix the marked fields; nothing you typed is lost."
    )
    expect(page.get_by_label("Timezone")).to_have_value("Asia/Tokyo")
    assert Profile.objects.get(user=jordan).timezone == "UTC"
    assert console_errors == []
