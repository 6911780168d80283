"""Every screen in real Chromium on a phone: it renders, nothing scrolls sideways,
the browser reports no error (a CSP violation would be one). With
UPDATE_SCREENSHOTS=1 the dashboard pictures for README.md are taken anew."""

import os
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from contacts.models import Contact, Organization
from events.models import Event, Kind
from followups.models import FollowUp
from imports.models import ImportBatch, Status
from imports.services import preview
from jobs.models import Lead
from meetings.models import Meeting
from outreach.models import Outreach
from referrals.models import Referral
from tests.browser.helpers import closed
from tests.imports.helpers import SAMPLES

pytestmark = pytest.mark.django_db(transaction=True)
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"



def assert_fits_phone(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"{page.url} scrolls sideways ({width}px)"


def assert_unique_ids(page: Page) -> None:
    """No id names two elements (an aria-labelledby or a label's for= would be ambiguous)."""
    twice = page.evaluate("""() => {
        const seen = {};
        document.querySelectorAll("[id]").forEach((el) => { seen[el.id] = (seen[el.id] || 0) + 1; });
        return Object.keys(seen).filter((id) => seen[id] > 1);
    }""")
    assert twice == [], f"{page.url}: ids used twice: {twice}"


def screens() -> dict[str, str]:
    """Every screen of the demo account: its path and its heading."""
    contact = Contact.objects.filter(meetings__isnull=False).order_by("pk").first()
    organization = Organization.objects.order_by("pk").first()
    meeting = Meeting.objects.filter(contacts=contact).order_by("pk").first()
    followup = FollowUp.objects.filter(draft__gt="").order_by("pk").first()
    lead = Lead.objects.filter(contacts__isnull=False).order_by("pk").first()
    event = Event.objects.filter(kind=Kind.BUSINESS_GROUP).order_by("pk").first()
    ask = Outreach.objects.select_related("contact").filter(answer="not_hiring").first()
    waiting = Outreach.objects.select_related("contact").filter(answer="pending").first()
    batch = ImportBatch.objects.filter(status=Status.PREVIEW).first() or preview(
        contact.user, (SAMPLES / "linkedin_connections.csv").read_bytes(), "Connections.csv"
    ).batch
    other = Contact.objects.exclude(pk=contact.pk).filter(meetings__isnull=False).order_by("pk").first()
    return {
        "/": "Today's follow-ups",
        "/contacts/": "Contacts",
        "/contacts/new/": "New contact",
        f"/contacts/{contact.pk}/": contact.name,
        f"/contacts/{contact.pk}/edit/": f"Edit {contact.name}",
        "/contacts/organizations/": "Organizations",
        "/contacts/organizations/new/": "New organization",
        f"/contacts/organizations/{organization.pk}/": organization.name,
        f"/contacts/organizations/{organization.pk}/edit/": f"Edit {organization.name}",
        "/meetings/": "Meetings",
        "/meetings/new/": "Log a meeting",
        f"/meetings/{meeting.pk}/": meeting.title,
        f"/meetings/{meeting.pk}/edit/": f"Edit {meeting.title}",
        f"/followups/{followup.pk}/": followup.title,
        "/accounts/settings/": "Settings",
        "/referrals/": "Network",
        f"/referrals/graph/?contact={contact.pk}": contact.name,
        "/referrals/graph/": "Network graph",
        "/accounts/password_change/": "Change password",
        "/trash/": "Trash",
        "/insights/": "Is it working?",
        "/insights/goals/": "Weekly goals",
        f"/contacts/{contact.pk}/delete/": f"Delete {contact.name}?",
        f"/contacts/organizations/{organization.pk}/delete/": f"Delete {organization.name}?",
        f"/followups/{followup.pk}/delete/": "Skip it instead?",
        "/leads/": "Leads",
        "/leads/new/": "Add a lead",
        f"/leads/{lead.pk}/": lead.role,
        f"/leads/{lead.pk}/edit/": f"Edit {lead.role}",
        "/events/": "Events & groups",
        "/events/new/": "Add an event or group",
        f"/events/{event.pk}/": event.name,
        f"/events/{event.pk}/edit/": f"Edit {event.name}",
        f"/events/{event.pk}/people/": f"Whom you met at {event.name}",
        f"/events/{event.pk}/delete/": f"Delete {event.name}?",
        "/leads/targets/": "Target companies",
        "/outreach/": "Asking for meetings",
        "/outreach/new/": "Ask for a meeting",
        f"/outreach/{ask.pk}/": f"Your request to {ask.contact.name}",
        f"/outreach/{waiting.pk}/": f"Your request to {waiting.contact.name}",
        f"/outreach/{ask.pk}/edit/": f"Edit your request to {ask.contact.name}",
        f"/outreach/{waiting.pk}/plan/": f"Plan the meeting with {waiting.contact.name}",
        f"/outreach/{ask.pk}/delete/": f"Delete your request to {ask.contact.name}?",
        "/imports/": "Import contacts",
        f"/imports/{batch.pk}/": "Check the import",
        "/data/": "Your data",
        "/data/leave/": "Delete your account?",
        "/contacts/duplicates/": "Likely duplicates",
        f"/contacts/{contact.pk}/merge/": f"Merge someone into {contact.name}",
        f"/contacts/{contact.pk}/merge/?contact={other.pk}": f"Merge {other.name} into {contact.name}?",
    }


def test_every_screen_renders_on_a_phone(demo_page: Page, live_server, console_errors):
    page = demo_page
    for path, heading in screens().items():
        page.goto(live_server.url + path)
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        assert_fits_phone(page)
        assert_unique_ids(page)
    if os.environ.get("UPDATE_SCREENSHOTS"):
        from followups.tasks import sweep_followups

        sweep_followups()  # what a running beat does each minute: the dashboard shows no pause
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.goto(live_server.url + "/")
        page.screenshot(path=SCREENSHOTS / "dashboard-phone.png")
        page.set_viewport_size({"width": 1280, "height": 900})
        page.reload()
        page.screenshot(path=SCREENSHOTS / "dashboard.png")
    assert console_errors == []


def test_every_screen_fits_the_smallest_phones(demo_page: Page, live_server, console_errors):
    """360px (many Android phones) and 320px (the smallest still in use): the event
    page's date and "I went again" pushed the page sideways at both, and the header's
    links broke inside their words at 320 ("Toda y")."""
    page = demo_page
    for width in (360, 320):
        page.set_viewport_size({"width": width, "height": 700})
        for path in screens():
            page.goto(live_server.url + path)
            assert_fits_phone(page)
        page.goto(live_server.url + "/")
        for link in ("Today", "Contacts", "Meetings", "Network"):
            # The lines its words take (the link's box stands 44 px for a thumb, whatever
            # its text does).
            lines = page.locator(".site-nav").get_by_role("link", name=link, exact=True).evaluate(
                "a => { const r = document.createRange(); r.selectNodeContents(a);"
                " return new Set([...r.getClientRects()].map(b => Math.round(b.top))).size; }"
            )
            assert lines == 1, f"{link} breaks over two lines at {width}px"
    assert console_errors == []


def test_signed_out_the_smallest_phone_still_shows_the_name(live_server, page: Page, console_errors):
    """Signed in, the name gives its room to the links at 320px; signed out there is room,
    and the log-in page is where a newcomer learns what this is called."""
    page.set_viewport_size({"width": 320, "height": 640})
    for path in ("/accounts/login/", "/accounts/signup/"):
        page.goto(live_server.url + path)
        expect(page.locator(".site-header .brand")).to_be_visible()
        assert_fits_phone(page)
    assert console_errors == []


EVENT_SCREENS = Path(os.environ.get("EVENT_SCREENSHOTS", "/tmp/events-screens"))


def test_events_screens_on_a_phone_and_a_desktop(demo_page: Page, live_server, console_errors):
    """Where you network, in pictures (EVENT_SCREENSHOTS, /tmp by default): the list,
    the new form in its modal, an event's page; each fits, with no browser error."""
    page = demo_page
    event = Event.objects.filter(kind=Kind.BUSINESS_GROUP).get()
    EVENT_SCREENS.mkdir(parents=True, exist_ok=True)
    for size, viewport in {"phone": {"width": 390, "height": 844},
                           "desktop": {"width": 1280, "height": 900}}.items():
        page.set_viewport_size(viewport)
        page.goto(live_server.url + "/events/")
        expect(page.locator(".rows.events > li")).to_have_count(Event.objects.count())
        assert_fits_phone(page)
        page.screenshot(path=EVENT_SCREENS / f"events-{size}.png", full_page=True)
        page.get_by_role("button", name="+ Add an event or group").click()
        dialog = page.locator("dialog#modal")
        expect(dialog.get_by_role("heading", name="Add an event or group")).to_be_visible()
        page.screenshot(path=EVENT_SCREENS / f"events-new-{size}.png")
        dialog.get_by_role("button", name="Close dialog").click()
        closed(page)
        page.goto(live_server.url + event.get_absolute_url())
        expect(page.get_by_role("heading", level=1)).to_have_text(event.name)
        assert_fits_phone(page)
        page.screenshot(path=EVENT_SCREENS / f"event-{size}.png", full_page=True)
    assert console_errors == []


def test_add_an_event_in_the_modal_then_go_again(demo_page: Page, live_server, console_errors):
    page = demo_page
    page.goto(live_server.url + "/events/")
    page.get_by_role("button", name="+ Add an event or group").click()
    dialog = page.locator("dialog#modal")
    dialog.get_by_label("Name:").fill("Women in Data breakfast")
    dialog.get_by_label("Kind:").select_option("business_group")
    someone = Contact.objects.order_by("pk").first()
    dialog.get_by_placeholder("Type a name, organization or email…").fill(someone.name[:5])
    dialog.locator("#participant-results").get_by_role("button", name=someone.name).first.click()
    expect(dialog.locator("#chosen .chip")).to_contain_text(someone.name)
    dialog.get_by_role("button", name="Save").click()
    expect(dialog.get_by_role("heading", name="Women in Data breakfast added")).to_be_visible()
    event = Event.objects.get(name="Women in Data breakfast")
    assert [list(v.people.all()) for v in event.visits.all()] == [[someone]]
    dialog.get_by_role("button", name="See its page").click()
    # Added as been today, then "I went again" (today by default): the day counts once.
    page.get_by_role("button", name="I went again").click()
    expect(page.locator(".messages")).to_contain_text(
        "was logged already: it counts once. Whom did you meet there?"
    )
    assert event.visits.count() == 1
    assert console_errors == []


def test_where_you_met_shows_only_for_events_groups_and_volunteering(
    demo_page: Page, live_server, console_errors
):
    page = demo_page
    page.goto(live_server.url + "/contacts/new/")
    where = page.get_by_label("Where you met")
    page.get_by_label("How you met").select_option("referral")
    expect(where).to_be_hidden()
    page.get_by_label("How you met").select_option("volunteering")
    expect(where).to_be_visible()
    assert console_errors == []


def test_active_search_narrows_the_contact_list(demo_page: Page, live_server, console_errors):
    page = demo_page
    page.goto(live_server.url + "/contacts/")
    total = Contact.objects.count()
    expect(page.locator("#contact-rows .meta")).to_contain_text(f"{total} contacts")
    someone = Contact.objects.exclude(organization=None).first()
    page.get_by_label("Search contacts").fill(someone.organization.name)
    expected = Contact.objects.filter(organization=someone.organization).count()
    expect(page.locator("#contact-rows .meta")).to_contain_text(
        f"{expected} contact{'s' if expected != 1 else ''} matching"
    )
    expect(page.locator("#contact-rows")).to_contain_text(someone.name)
    # The URL follows the search, so reload and back keep it.
    assert "q=" in page.url
    assert console_errors == []


def test_log_a_meeting_with_someone_you_know_through_the_type_ahead(
    demo_page: Page, live_server, console_errors
):
    page = demo_page
    someone = Contact.objects.order_by("pk").last()
    page.get_by_role("button", name="+ Log meeting").click()
    dialog = page.locator("dialog#modal")
    dialog.get_by_placeholder("Type a name, organization or email…").fill(someone.name[:5])
    dialog.locator("#participant-results").get_by_role("button", name=someone.name).first.click()
    expect(dialog.locator("#chosen .chip")).to_contain_text(someone.name)
    expect(dialog.get_by_placeholder("Type a name, organization or email…")).to_have_value("")
    dialog.locator("details.more-fields > summary").click()
    dialog.get_by_label("Kind:", exact=True).select_option("call")
    dialog.get_by_role("button", name="Save meeting").click()
    expect(dialog.get_by_role("heading", name="Meeting logged")).to_be_visible()
    meeting = Meeting.objects.latest("created_at")
    assert list(meeting.contacts.all()) == [someone]
    assert meeting.kind == "call"
    assert console_errors == []


def test_a_long_unbroken_name_wraps_on_every_screen(demo_page: Page, live_server):
    """A 200-character name with no space (and such an organization) never widens a
    phone page, and the log form's Save button stays in reach."""
    page = demo_page
    contact = Contact.objects.filter(meetings__isnull=False).order_by("pk").first()
    Contact.objects.filter(pk=contact.pk).update(
        name="Bartholomew" * 18, last_interaction_at=timezone.now()
    )
    Organization.objects.filter(contacts=contact).update(name="Incorporated" * 16)
    for path, heading in screens().items():
        page.goto(live_server.url + path)
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        assert_fits_phone(page)
    page.goto(live_server.url + "/meetings/new/")
    expect(page.get_by_text("Bartholomew" * 18).first).to_be_visible()
    assert_fits_phone(page)
    save = page.get_by_role("button", name="Save")
    save.scroll_into_view_if_needed()
    box = save.bounding_box()
    assert box and box["x"] + box["width"] <= page.viewport_size["width"]


def test_duplicates_and_merging_on_a_phone_and_a_desktop(
    demo_page: Page, live_server, console_errors, tmp_path
):
    """A pair on the duplicates page, merged through the merge page, then undone."""
    page = demo_page
    someone = Contact.objects.filter(meetings__isnull=False).exclude(organization=None).order_by("pk").first()
    twin = Contact.objects.create(
        user=someone.user, name=someone.name.upper(), organization=someone.organization,
        title="Recruiter", email=someone.email or "twin@example.com",
        phone="+1 415 555 0199", notes="Met again at a meetup",
    )
    twin.log_note("Called about the recruiting process")
    Meeting.objects.create(user=twin.user, purpose="Hiring plans").contacts.set([twin])
    Referral.objects.create(user=twin.user, referrer=twin, referred=someone, reason="herself")
    folder = SCREENSHOTS if os.environ.get("UPDATE_SCREENSHOTS") else tmp_path
    for width, height, suffix in ((390, 844, "-phone"), (1280, 900, "")):
        page.set_viewport_size({"width": width, "height": height})
        page.goto(live_server.url + "/contacts/duplicates/")
        pair = page.locator(".duplicate-pair").filter(has_text="Recruiter")
        expect(pair.get_by_role("button", name="Not the same person")).to_be_visible()
        assert_fits_phone(page)
        page.screenshot(path=folder / f"duplicates{suffix}.png", full_page=True)
        pair.get_by_role("button", name="Merge…").click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("Merge")
        expect(page.get_by_role("heading", name="What goes")).to_be_visible()
        expect(page.locator("ul.dropped")).to_contain_text("nobody refers you to themselves")
        assert_fits_phone(page)
        page.screenshot(path=folder / f"merge{suffix}.png", full_page=True)
    page.get_by_role("button", name="Merge", exact=True).click()
    # The merge page offers the newer one's name (the twin's): the message names the
    # person as they are after the merge.
    expect(page.locator("form.undo")).to_contain_text(
        f"Merged {someone.name} and {twin.name} into {twin.name}."
    )
    assert not Contact.objects.filter(pk=twin.pk).exists()
    page.get_by_role("button", name="Undo").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(twin.name)
    assert Contact.objects.filter(pk=twin.pk).exists()
    assert console_errors == []
