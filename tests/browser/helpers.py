"""What many browser tests do the same way."""

from __future__ import annotations

from playwright.sync_api import Page


def log_in(page: Page, live_server, username: str, password: str) -> Page:
    """Log in through the real form, as a person would."""
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password:").fill(password)
    page.get_by_role("button", name="Log in").click()
    return page
