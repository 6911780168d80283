"""In Chromium: Settings → API tokens, make a token (shown once, copied with one tap),
call the API with it, revoke it; and the API's docs page, from this site, under the CSP."""

import json
import os
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.helpers import log_in
from tests.conftest import make_user

pytestmark = pytest.mark.django_db(transaction=True)

SHOTS = Path(os.environ.get("SHOTS_DIR", "/tmp/shots-api"))
DESKTOP = {"width": 1280, "height": 900}


def test_make_a_token_use_it_and_revoke_it(live_server, page: Page, console_errors):
    SHOTS.mkdir(parents=True, exist_ok=True)
    make_user("jordan")
    log_in(page, live_server, "jordan")
    page.goto(live_server.url + "/accounts/settings/")
    page.get_by_role("button", name="API tokens").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("API tokens")

    page.get_by_label("Name").fill("my phone")
    page.get_by_role("button", name="Make a token").click()
    new = page.locator("#new-token")
    expect(new).to_contain_text("my phone: copy it now")
    token = page.locator("#new-token-value").inner_text().strip()
    assert token.startswith("ncrm_")
    page.screenshot(path=SHOTS / "tokens-new-phone.png", full_page=True)
    page.set_viewport_size(DESKTOP)
    page.screenshot(path=SHOTS / "tokens-new-desktop.png", full_page=True)

    # The API answers it (fetch from the page: only the bearer token, no cookie used).
    status = page.evaluate(
        """async (token) => (await fetch('/api/contacts', {credentials: 'omit',
             headers: {Authorization: 'Bearer ' + token}})).status""", token
    )
    assert status == 200

    page.reload()  # shown once
    expect(page.locator("#new-token")).to_have_count(0)
    row = page.locator(".token-row", has_text="my phone")
    expect(row).to_contain_text("last used")
    row.get_by_role("button", name="Revoke").click()
    expect(page.locator(".token-row", has_text="my phone")).to_contain_text("revoked")
    status = page.evaluate(
        """async (token) => (await fetch('/api/contacts', {credentials: 'omit',
             headers: {Authorization: 'Bearer ' + token}})).status""", token
    )
    assert status == 401
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=SHOTS / "tokens-list-phone.png", full_page=True)
    page.set_viewport_size(DESKTOP)
    page.screenshot(path=SHOTS / "tokens-list-desktop.png", full_page=True)
    assert [e for e in console_errors if "401" not in e] == []


def test_the_docs_page_renders_the_schema_from_this_site(live_server, page: Page, console_errors):
    SHOTS.mkdir(parents=True, exist_ok=True)
    outside: list[str] = []
    page.on("request", lambda r: None if r.url.startswith(live_server.url) or r.url.startswith(
        "data:") else outside.append(r.url))
    page.set_viewport_size(DESKTOP)
    page.goto(live_server.url + "/api/docs")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("netcrm API")
    expect(page.locator(".opblock-tag-section", has_text="meetings")).to_be_visible()
    page.locator(".opblock-summary", has_text="/api/meetings").first.wait_for()
    page.screenshot(path=SHOTS / "docs-desktop.png", full_page=False)

    # Authorize with a token and try the contacts list from the page.
    from api.models import ApiToken
    from contacts.models import Contact

    user = make_user("jordan")
    Contact.objects.create(user=user, name="Sara Smith")
    token = ApiToken.issue(user, "docs")[1]
    page.get_by_role("button", name="Authorize").first.click()
    page.locator(".modal-ux input").fill(token)
    page.locator(".modal-ux button.authorize").click()
    page.locator(".modal-ux button.btn-done").click()
    operation = page.locator("#operations-contacts-api_endpoints_list_contacts")
    operation.locator(".opblock-summary").click()
    operation.get_by_role("button", name="Try it out").click()
    operation.get_by_role("button", name="Execute").click()
    live = operation.locator(".live-responses-table")
    expect(live.locator("tbody td.response-col_status")).to_contain_text("200")
    expect(live.locator(".highlight-code").first).to_contain_text("Sara Smith")
    page.screenshot(path=SHOTS / "docs-tried-desktop.png", full_page=False)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=SHOTS / "docs-phone.png", full_page=False)
    schema = json.loads(
        page.evaluate("async () => await (await fetch('/api/openapi.json')).text()")
    )
    assert "/api/meetings" in schema["paths"]
    assert outside == []
    assert console_errors == []
