"""The lists and the search box in real Chromium: a click on a header sorts (and the
filter form then keeps that sort), "Sort & filter" is folded on a phone and open on a
desktop, "/" reaches the search box, results come as you type; no browser error (a
CSP violation would be one). Pictures go to LIST_SCREENSHOTS (/tmp by default)."""

import os
import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from netcrm.management.commands.seed_demo import DEMO_PASSWORD, DEMO_USERNAME

pytestmark = pytest.mark.django_db(transaction=True)
SHOTS = Path(os.environ.get("LIST_SCREENSHOTS", "/tmp/shots-lists"))
DESKTOP = {"width": 1280, "height": 900}
SCREENS = {
    "contacts": ("/contacts/", "Contacts"),
    "organizations": ("/contacts/organizations/", "Organizations"),
    "meetings": ("/meetings/", "Meetings"),
    "leads": ("/leads/?view=list", "Leads"),
    "search": ("/search/?q=acme", "Search"),
}



def query(page: Page) -> dict[str, list[str]]:
    return parse_qs(urlsplit(page.url).query)


def first_names(page: Page, count: int = 3) -> list[str]:
    return page.locator("#contact-rows tbody td.primary > a").all_inner_texts()[:count]


def test_every_list_and_the_search_fit_a_phone_and_a_desktop(demo_page: Page, live_server,
                                                            console_errors):
    page = demo_page
    SHOTS.mkdir(parents=True, exist_ok=True)
    for size, viewport in (("phone", page.viewport_size), ("desktop", DESKTOP)):
        page.set_viewport_size(viewport)
        for name, (path, heading) in SCREENS.items():
            page.goto(live_server.url + path)
            expect(page.get_by_role("heading", level=1)).to_have_text(heading)
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= viewport["width"], f"{path} scrolls sideways on a {size}"
            page.screenshot(path=SHOTS / f"{name}-{size}.png")
    assert console_errors == []


def test_a_header_sorts_and_the_filters_keep_that_sort(demo_page: Page, live_server, console_errors):
    page = demo_page
    page.set_viewport_size(DESKTOP)
    page.goto(live_server.url + "/contacts/")
    filters = page.locator("details.sort-filter")
    expect(filters).to_have_attribute("open", "")          # a wide screen shows them
    expect(page.get_by_text("Sort & filter")).to_be_hidden()
    by_name = first_names(page)

    page.get_by_role("link", name="Name", exact=True).click()            # sorted by name: flip it
    expect(page.get_by_role("columnheader", name="Name")).to_have_attribute(
        "aria-sort", "descending"
    )
    expect(page).to_have_url(re.compile(r"\?sort=-name$"))  # the URL says so (hx-push-url)
    assert first_names(page) != by_name

    page.get_by_label("Tag", exact=True).select_option("alumni")          # a filter keeps the sort
    expect(page.locator("#contact-rows .meta")).to_contain_text("show every contact")
    expect(page).to_have_url(re.compile(r"tag=alumni"))
    assert query(page)["sort"] == ["-name"] and query(page)["tag"] == ["alumni"]
    names = page.locator("#contact-rows tbody td.primary > a").all_inner_texts()
    assert names == sorted(names, key=str.lower, reverse=True) and names

    page.reload()                                             # the pushed URL is a real page
    assert page.locator("#contact-rows tbody td.primary > a").all_inner_texts() == names
    assert console_errors == []


def test_on_a_phone_sort_and_filter_is_folded(demo_page: Page, live_server, console_errors):
    page = demo_page
    page.goto(live_server.url + "/meetings/")
    expect(page.locator("details.sort-filter")).not_to_have_attribute("open", "")
    expect(page.get_by_label("Period")).to_be_hidden()
    expect(page.locator("#meeting-rows thead")).to_be_hidden()  # compact rows, no header
    page.get_by_text("Sort & filter").click()
    page.get_by_label("Sort by").select_option("date")        # oldest first
    expect(page.locator("#meeting-rows")).to_be_visible()
    expect(page).to_have_url(re.compile(r"[?&]sort=date(&|$)"))
    # The rows came back with the select (swapped out of band) saying so.
    expect(page.locator('#meeting-filters-sort option[value="date"][selected]')).to_have_count(1)
    times = page.locator("#meeting-rows td.primary time").evaluate_all(
        "els => els.map(e => e.getAttribute('datetime'))"
    )
    assert times == sorted(times)
    assert console_errors == []


def test_slash_finds_the_search_box_and_results_come_as_you_type(
    demo_page: Page, live_server, console_errors
):
    page = demo_page
    page.set_viewport_size(DESKTOP)
    page.goto(live_server.url + "/contacts/")
    page.locator("body").press("/")
    expect(page.locator("#site-search")).to_be_focused()
    page.keyboard.type("acme")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Search")
    expect(page.locator("#found-people")).to_be_visible()
    expect(page.locator("#search-results mark").first).to_have_text("Acme", ignore_case=True)

    box = page.locator("#search-page-q")
    page.locator("body").press("/")                           # the page's own box first
    expect(box).to_be_focused()
    box.fill("sara")
    expect(page.locator("#search-results")).to_contain_text("for “sara”")
    expect(page).to_have_url(re.compile(r"\?q=sara$"))
    box.fill("zzzzqqq")
    expect(page.locator("#search-results")).to_contain_text("Nothing matches")
    assert console_errors == []


def test_slash_on_a_phone_opens_the_search_page(demo_page: Page, live_server, console_errors):
    page = demo_page
    page.goto(live_server.url + "/meetings/")
    page.locator("body").press("/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Search")
    expect(page.locator("#search-page-q")).to_be_visible()
    assert console_errors == []


def test_sorting_and_filtering_work_without_javascript(live_server, browser, console_errors):
    call_command("seed_demo", stdout=open(os.devnull, "w"))
    context = browser.new_context(java_script_enabled=False, viewport=DESKTOP)
    page = context.new_page()
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Username").fill(DEMO_USERNAME)
    page.get_by_label("Password:").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.goto(live_server.url + "/meetings/?sort=kind")
    page.get_by_text("Sort & filter").click()               # folded: no script opens it
    page.get_by_label("Period").select_option("90")
    page.get_by_role("button", name="Apply").click()
    assert query(page) == {"period": ["90"], "sort": ["kind"]}
    # The address changes as the new page starts coming: wait for its rows (read at
    # once, they were sometimes still the empty page of a load under way).
    expect(page.locator("#meeting-rows tbody td:nth-child(3)").first).to_be_visible()
    kinds = page.locator("#meeting-rows tbody td:nth-child(3)").all_inner_texts()
    assert kinds == sorted(kinds) and kinds
    page.get_by_role("link", name="Kind", exact=True).click()
    assert query(page) == {"period": ["90"], "sort": ["-kind"]}
    page.goto(live_server.url + "/search/?q=acme")
    expect(page.locator("#found-organizations")).to_be_visible()
    context.close()
