"""On a phone (a coarse pointer), what is tapped is at least 24 px high and wide
(WCAG 2.2, 2.5.8): the disclosure rows, the leads' view switch, the board's cards, the
list checkboxes. Links inside a sentence are exempt, as the criterion says."""

import pytest
from playwright.sync_api import expect

from contacts.models import Contact
from tests.browser.helpers import log_in
from tests.conftest import make_user

pytestmark = pytest.mark.django_db(transaction=True)

SMALL = """() => {
  const small = [];
  for (const el of document.querySelectorAll(
    'main a[href], main button, main input:not([type=hidden]), main select, main summary'
  )) {
    const box = el.getBoundingClientRect();
    if (!box.width || !box.height || getComputedStyle(el).visibility === 'hidden') continue;
    const inText = el.tagName === 'A' && getComputedStyle(el).display === 'inline'
      && el.parentElement.textContent.trim().length > el.textContent.trim().length + 3;
    if (!inText && (box.width < 24 || box.height < 24)) {
      small.push(`${el.tagName} ${Math.round(box.width)}x${Math.round(box.height)} ${el.textContent.trim().slice(0, 30)}`);
    }
  }
  return small;
}"""


@pytest.mark.parametrize("path", ["/contacts/", "/meetings/", "/leads/", "/contacts/organizations/", "/accounts/settings/"])
def test_what_is_tapped_on_a_phone_is_big_enough(live_server, demo_page, path):
    demo_page.goto(live_server.url + path)
    demo_page.wait_for_load_state("load")
    assert demo_page.evaluate(SMALL) == []


HEADER = """() => {
  const small = [];
  for (const el of document.querySelectorAll(
    'header a[href], header summary, header button, .account-menu li a, .account-menu button'
  )) {
    const box = el.getBoundingClientRect();
    if (!box.width || !box.height || getComputedStyle(el).visibility === 'hidden') continue;
    if (box.width < 44 || box.height < 44) {
      small.push(`${el.textContent.trim().slice(0, 20)} ${Math.round(box.width)}x${Math.round(box.height)}`);
    }
  }
  return small;
}"""


@pytest.mark.parametrize("width", [390, 360, 320])
def test_the_header_and_its_menu_take_a_thumb_on_every_phone(live_server, page, width):
    """What every page has on top: the links, the ☰ (32 px wide before), the menu's rows
    and "Log out" (24 px high before) stand 44 px, and the header still fits on one line
    without a sideways scroll."""
    make_user("jordan")
    page.set_viewport_size({"width": width, "height": 844})
    log_in(page, live_server, "jordan")
    page.get_by_label("Account").click()
    expect(page.get_by_role("button", name="Log out jordan")).to_be_visible()
    assert page.evaluate(HEADER) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    header = page.locator("header").bounding_box()
    assert header["height"] < 70, "the header wrapped onto a second line"
    assert page.locator("header summary").bounding_box()["x"] + 44 <= width
    # Where a thumb lands, the tap reaches the button itself (an inline form around a
    # taller button once took it, and Log out did nothing).
    page.get_by_role("button", name="Log out jordan").click(timeout=5000)
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()


def test_a_fields_mistake_hangs_no_bullet_off_its_edge(live_server, page):
    page.goto(live_server.url + "/accounts/signup/")
    page.get_by_role("button", name="Create account").click()
    mistake = page.locator(".errorlist li").first
    expect(mistake).to_have_text("This field is required.")
    assert mistake.evaluate("li => getComputedStyle(li).listStyleType") == "none"


def test_a_contacts_actions_take_a_thumb(live_server, page):
    """The row under a contact's name, tapped on every visit ("Log a meeting with Sara",
    Edit, Delete…), stood 36 px high."""
    jordan = make_user("jordan")
    sara = Contact.objects.create(user=jordan, name="Sara Smith")
    log_in(page, live_server, "jordan")
    page.goto(live_server.url + f"/contacts/{sara.pk}/")
    actions = page.locator(".contact-actions a[role=button]")
    expect(actions.first).to_contain_text("Log a meeting with Sara")
    heights = [box["height"] for box in (a.bounding_box() for a in actions.all())]
    assert heights and min(heights) >= 44, heights


THUMB = """(selector) => Array.from(document.querySelectorAll(selector), (el) => {
  const box = el.getBoundingClientRect();
  return [el.textContent.trim() || el.getAttribute('aria-label'), Math.round(box.width), Math.round(box.height), Math.round(box.top)];
})"""


def test_the_queues_done_snooze_and_skip_take_a_thumb(live_server, demo_page):
    """Done, Skip and ⋯ on each item of the queue, tapped every morning, stood 30 px
    high; the snoozes behind ⋯ too. 44 px, and still on one row under the title."""
    items = demo_page.locator("#queue .followup")
    expect(items.first).to_be_visible()
    quick = demo_page.evaluate(THUMB, "#queue .followup .quick > *")
    assert len(quick) >= 9
    assert [q for q in quick if q[1] < 44 or q[2] < 44] == [], quick
    first = [q for q in quick[:3]]
    assert [q[0] for q in first] == ["Done", "Skip", "⋯"]
    assert len({q[3] for q in first}) == 1  # one row
    assert items.first.bounding_box()["height"] < 130  # five or six to a phone's screen

    items.first.get_by_role("button", name="More: snooze, edit").click()
    snoozes = demo_page.locator("dialog#modal .snooze [role=group] button")
    expect(snoozes.first).to_be_visible()
    card = demo_page.evaluate(
        THUMB, "dialog#modal .actions button, dialog#modal .actions a, dialog#modal .snooze button"
    )
    assert [c[0] for c in card][:2] == ["Done", "Skip"] and len(card) >= 6
    assert [c for c in card if c[2] < 44] == [], card
