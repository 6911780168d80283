"""What many browser tests do the same way."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.conftest import DEFAULT_PASSWORD, wait_for


def log_in(page: Page, live_server, username: str, password: str = DEFAULT_PASSWORD) -> Page:
    """Log in through the real form, as a person would, and wait for the dashboard to be ready.

    htmx and the app's scripts are deferred: the dashboard's heading shows before they
    run, and a tap in that moment follows the plain link (the whole log-meeting page
    instead of its dialog). So this waits for the page's load event too.
    """
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password:").fill(password)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Today's follow-ups")).to_be_visible()
    page.wait_for_load_state("load")
    return page


def answered(page: Page, action, *, accept: bool) -> str:
    """What the confirm() that `action` opens asks, answered yes or no."""
    asked: list[str] = []

    def answer(dialog):
        asked.append(dialog.message)
        dialog.accept() if accept else dialog.dismiss()

    page.once("dialog", answer)
    action()
    for _ in range(100):  # the handler runs while Playwright waits
        if asked:
            return asked[0]
        page.wait_for_timeout(50)
    raise AssertionError("no question was asked")


def closed(page: Page) -> None:
    """Wait until the dialog is closed and has taken back its step in the history
    (static/js/app.js): a page loaded in the same moment would be cut short by that
    step back, as a person never is (they cannot tap again within milliseconds)."""
    expect(page.locator("dialog#modal")).to_be_hidden()
    until(page, "!(history.state && history.state.netcrmModal)")


def until(page: Page, script: str, timeout: float = 15.0) -> None:
    """Until the JavaScript expression `script` is true in the page. Polled with
    page.evaluate, not wait_for_function: when its first answer is false, that one
    polls with eval() in the page, which the app's Content-Security-Policy forbids."""
    wait_for(lambda: page.evaluate(script), timeout=timeout)
