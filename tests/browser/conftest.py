"""Real Chromium (Debian's package) driven by Playwright, against a live server.

`playwright install` cannot download browsers here, so the system binary is
launched by path with flags that keep it off the network.
"""

import os
import shutil

import pytest

# Playwright's sync API runs an event loop in this thread; Django's ORM must
# still be usable from the test body.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PHONE = {"width": 390, "height": 844}


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    if not executable:
        pytest.fail("Chromium is missing: apt-get install -y chromium (.ci/run does it)")
    return {**browser_type_launch_args, "executable_path": executable, "args": CHROMIUM_FLAGS}


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": PHONE, "is_mobile": True, "has_touch": True}


@pytest.fixture
def console_errors(page):
    """Every console error and CSP violation the page reports; tests assert it stays empty."""
    errors: list[str] = []

    def on_console(msg) -> None:
        # A form with mistakes answers 422 on purpose; Chromium logs every 4xx.
        if msg.type == "error" and "status of 422" not in msg.text:
            errors.append(msg.text)

    page.on("console", on_console)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    return errors


@pytest.fixture
def demo_page(live_server, page):
    """The demo account (seed_demo), logged in, on its dashboard."""
    from django.core.management import call_command
    from playwright.sync_api import expect

    from netcrm.management.commands.seed_demo import DEMO_PASSWORD, DEMO_USERNAME
    from tests.browser.helpers import log_in

    call_command("seed_demo", stdout=open(os.devnull, "w"))
    log_in(page, live_server, DEMO_USERNAME, DEMO_PASSWORD)
    expect(page.get_by_role("heading", name="Today's follow-ups")).to_be_visible()
    return page
