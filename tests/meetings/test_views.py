"""Views of meetings/: log a meeting (page and HTMX modal), edit, detail, list,
participant type-ahead and participant chip."""

import html
import json
import re
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from accounts.models import Profile
from contacts.models import Contact, Organization, Source
from meetings.models import Meeting
from tests.factories import (
    bulk_contacts,
    bulk_followups,
    bulk_meetings,
    bulk_organizations,
    make_contact,
    make_followup,
    make_meeting,
    make_organization,
)
from tests.helpers import (
    HTMX,
    assert_fragment,
    assert_full_page,
    assert_htmx_login_redirect,
    assert_login_redirect,
    assert_not_allowed,
    count_queries,
    hx_trigger,
    text,
    written,
)

pytestmark = pytest.mark.django_db

LOG = reverse("meetings:log-meeting")
MEETINGS = reverse("meetings:meeting-list")
SEARCH = reverse("contacts:contact-search")  # with pick=many: the chips' type-ahead
PAGE_SIZE = settings.NETCRM_PAGE_SIZE


def detail_url(meeting: Meeting) -> str:
    return reverse("meetings:meeting-detail", args=[meeting.pk])


def edit_url(meeting: Meeting) -> str:
    return reverse("meetings:edit-meeting", args=[meeting.pk])


def chip_url(contact: Contact) -> str:
    return reverse("meetings:participant-chip", args=[contact.pk])


def meeting_form(**overrides) -> dict:
    data = {
        "new_contact_name": "Sara Smith",
        "new_contact_organization": "Acme",
        "starts_at": "2026-03-04T10:00",
        "kind": "coffee",
        "length_minutes": 15,
        "location": "Blue Bottle, 3rd St",
        "purpose": "how hiring works at Acme",
        "notes": "Knows the VP of engineering.",
        "questions": "",
        "outcome": "",
        "invited_by": "me",
        "paid_by": "me",
    }
    return data | overrides


def chip(contact: Contact) -> str:
    return (
        f'<label class="chip"><input type="checkbox" name="contacts" value="{contact.pk}" checked'
        f' data-name="{contact.name}">'
    )


def recent_box(contact: Contact) -> str:
    return (
        f'<input type="checkbox" name="contacts" value="{contact.pk}" data-name="{contact.name}">'
        f' {contact.name}</label>'
    )


def set_timezone(user, name: str) -> None:
    Profile.objects.filter(user=user).update(timezone=name)


# --- log a meeting: GET -------------------------------------------------------------------


def test_log_page_shows_the_form_with_recent_contacts(client_logged_in, user, other_user):
    sara = make_contact(user, "Sara Smith")
    theirs = make_contact(other_user, "Mallory Secret")

    response = client_logged_in.get(LOG)

    body = assert_full_page(response, 'id="log-meeting-form"')
    assert f'hx-post="{LOG}"' in body
    assert recent_box(sara) in body
    assert "Mallory Secret" not in body and f'value="{theirs.pk}"' not in body
    assert 'name="new_contact_name"' in body
    assert f'hx-get="{SEARCH}?pick=many&amp;new=1"' in body  # offers someone new


def test_log_page_starts_now_in_the_users_timezone(client_logged_in, user):
    set_timezone(user, "Asia/Kathmandu")  # UTC+05:45: no chance of matching UTC by accident
    now = timezone.localtime(timezone=ZoneInfo("Asia/Kathmandu"))

    response = client_logged_in.get(LOG)

    value = re.search(r'name="starts_at" value="([^"]+)"', text(response)).group(1)
    shown = datetime.strptime(value, "%Y-%m-%dT%H:%M").replace(tzinfo=now.tzinfo)
    assert abs(shown - now) < timedelta(minutes=2)


def test_log_page_prefills_the_contact_given(client_logged_in, user):
    sara = make_contact(user, "Sara Smith")
    john = make_contact(user, "John Public")

    response = client_logged_in.get(LOG, {"contact": sara.pk})

    body = text(response)
    assert chip(sara) in body
    assert recent_box(sara) not in body  # chosen, so not offered again
    assert recent_box(john) in body


def test_log_page_ignores_another_users_contact_given(client_logged_in, other_user):
    theirs = make_contact(other_user, "Mallory Secret")

    for given in (theirs.pk, "abc", ""):
        response = client_logged_in.get(LOG, {"contact": given})
        assert response.status_code == 200
        assertNotContains(response, "Mallory Secret")
        assertNotContains(response, 'class="chip"')


def test_log_htmx_get_is_the_form_partial(client_logged_in, user):
    sara = make_contact(user, "Sara Smith")

    response = client_logged_in.get(LOG, {"contact": sara.pk}, headers=HTMX)

    body = assert_fragment(response, 'id="log-meeting-form"')
    assert 'id="modal-title">Log a meeting</h' in body
    assert chip(sara) in body
    assert "csrfmiddlewaretoken" in body


def test_log_htmx_get_varies_on_hx_request(client_logged_in):
    response = client_logged_in.get(LOG, headers=HTMX)
    vary = {v.strip().lower() for v in response.get("Vary", "").split(",")}
    assert "hx-request" in vary


def test_log_page_lets_htmx_swap_the_422_form(client_logged_in):
    """htmx 2 swaps no 4xx response by default: without this the modal's re-rendered form
    and its errors (log_meeting answers 422) would never reach the user."""
    response = client_logged_in.get(LOG)
    config = json.loads(
        re.search(r"<meta name=\"htmx-config\" content='([^']*)'>", text(response)).group(1)
    )
    handling = config.get("responseHandling", [])
    assert any(
        re.fullmatch(rule["code"], "422") and rule.get("swap") for rule in handling
    ), handling


def test_swapped_content_is_live_the_moment_it_shows(client_logged_in):
    """htmx 2 wires swapped-in content (hx-get, hx-trigger) only when it settles, 20 ms
    after the swap by default. In that window the modal's search field ignores typing,
    a type-ahead result or a tree node ignores a tap: no settle delay, no such window."""
    response = client_logged_in.get(LOG)
    config = json.loads(
        re.search(r"<meta name=\"htmx-config\" content='([^']*)'>", text(response)).group(1)
    )
    assert config.get("defaultSettleDelay") == 0, config


# --- log a meeting: POST ------------------------------------------------------------------


def test_log_creates_meeting_contact_and_organization(client_logged_in, user):
    response = client_logged_in.post(LOG, meeting_form())

    meeting = Meeting.objects.get()
    assert response.status_code == 302
    assert response["Location"] == detail_url(meeting)
    assert meeting.user == user
    assert meeting.starts_at == datetime(2026, 3, 4, 10, 0, tzinfo=UTC)
    assert (meeting.kind, meeting.length_minutes, meeting.location) == (
        "coffee", 15, "Blue Bottle, 3rd St",
    )
    assert meeting.purpose == "how hiring works at Acme"
    sara = Contact.objects.get()
    assert list(meeting.contacts.all()) == [sara]
    assert (sara.user, sara.name, sara.source) == (user, "Sara Smith", Source.OTHER)
    assert (sara.organization.user, sara.organization.name) == (user, "Acme")
    assert sara.last_interaction_at == meeting.starts_at
    page = client_logged_in.get(response["Location"])
    assertContains(page, "Logged: Coffee with Sara Smith.")


def test_log_with_existing_and_new_people(client_logged_in, user):
    john = make_contact(user, "John Public")
    bea = make_contact(user, "Bea Arthur")

    client_logged_in.post(LOG, meeting_form(contacts=[john.pk, bea.pk]))

    meeting = Meeting.objects.get()
    assert sorted(c.name for c in meeting.contacts.all()) == [
        "Bea Arthur", "John Public", "Sara Smith",
    ]
    assert Contact.objects.count() == 3


def test_log_with_existing_contact_only(client_logged_in, user):
    john = make_contact(user, "John Public")

    client_logged_in.post(
        LOG, meeting_form(contacts=[john.pk], new_contact_name="", new_contact_organization="")
    )

    assert list(Meeting.objects.get().contacts.all()) == [john]
    assert Contact.objects.count() == 1
    assert not Organization.objects.exists()


@pytest.mark.parametrize("typed", ["acme corp", "ACME CORP", " Acme  Corp "])
def test_log_reuses_the_organization_whatever_its_case(client_logged_in, user, typed):
    acme = make_organization(user, "Acme Corp")

    client_logged_in.post(LOG, meeting_form(new_contact_organization=typed))

    assert Contact.objects.get().organization == acme
    assert Organization.objects.count() == 1


def test_log_reads_the_time_in_the_users_timezone(client_logged_in, user):
    set_timezone(user, "America/New_York")

    client_logged_in.post(LOG, meeting_form(starts_at="2026-07-01T09:30"))

    assert Meeting.objects.get().starts_at == datetime(2026, 7, 1, 13, 30, tzinfo=UTC)


def test_log_a_planned_meeting_is_no_interaction_yet(client_logged_in, user):
    john = make_contact(user, "John Public")
    later = (timezone.localtime() + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")

    client_logged_in.post(LOG, meeting_form(contacts=[john.pk], starts_at=later))

    john.refresh_from_db()
    assert Meeting.objects.get().is_upcoming
    assert john.last_interaction_at is None


def test_log_htmx_post_returns_the_logged_partial(client_logged_in, user):
    response = client_logged_in.post(LOG, meeting_form(), headers=HTMX)

    meeting = Meeting.objects.get()
    body = assert_fragment(response, 'id="modal-title">Meeting logged</h')
    assert f'<a href="{detail_url(meeting)}">Coffee with Sara Smith</a>' in body
    assert 'id="log-meeting-form"' in body  # replaces the form it was posted from
    assert hx_trigger(response) == {"meetingLogged": {"id": meeting.pk}}


def test_log_without_anyone_is_422_and_keeps_what_was_typed(client_logged_in, user):
    response = client_logged_in.post(
        LOG, meeting_form(new_contact_name="", new_contact_organization="")
    )

    assert response.status_code == 422
    body = text(response)
    assert "Who did you meet? Pick a contact or add a new person." in body
    assert "Please fix the marked fields; nothing you typed is lost." in body
    assert 'name="location" value="Blue Bottle, 3rd St"' in body
    assert "how hiring works at Acme</textarea>" in body
    assert "Knows the VP of engineering.</textarea>" in body
    assert 'name="starts_at" value="2026-03-04T10:00"' in body
    assert not Meeting.objects.exists()


def test_log_with_a_bad_date_is_422_and_creates_nothing(client_logged_in, user):
    john = make_contact(user, "John Public")

    response = client_logged_in.post(
        LOG, meeting_form(starts_at="next tuesday-ish", contacts=[john.pk])
    )

    assert response.status_code == 422
    body = text(response)
    assert "Enter a valid date/time." in body
    assert 'name="starts_at" value="next tuesday-ish"' in body
    assert 'name="new_contact_name" value="Sara Smith"' in body
    assert 'name="new_contact_organization" value="Acme"' in body
    assert chip(john) in body  # the person picked is still picked
    assert recent_box(john) not in body
    assert not Meeting.objects.exists()
    assert list(Contact.objects.all()) == [john]
    assert not Organization.objects.exists()
    john.refresh_from_db()
    assert john.last_interaction_at is None


def test_log_htmx_error_is_the_form_partial_with_422(client_logged_in, user):
    response = client_logged_in.post(
        LOG, meeting_form(new_contact_name="", new_contact_organization=""), headers=HTMX
    )

    body = assert_fragment(response, 'id="log-meeting-form"', status=422)
    assert "Who did you meet?" in body
    assert 'name="location" value="Blue Bottle, 3rd St"' in body
    assert "HX-Trigger" not in response
    assert not Meeting.objects.exists()


def test_log_organization_without_a_name_is_an_error(client_logged_in, user):
    john = make_contact(user, "John Public")

    response = client_logged_in.post(
        LOG, meeting_form(contacts=[john.pk], new_contact_name="  ")
    )

    assert response.status_code == 422
    # Escaped as the form renderer escapes it (&#39; or &#x27;): what the browser shows.
    assert "Give the new person's name too." in html.unescape(response.content.decode())
    assert not Meeting.objects.exists()
    assert not Organization.objects.exists()


@pytest.mark.parametrize("minutes", [0, 601])
def test_log_rejects_a_length_out_of_range(client_logged_in, user, minutes):
    response = client_logged_in.post(LOG, meeting_form(length_minutes=minutes))
    assert response.status_code == 422
    assert not Meeting.objects.exists()
    assert not Contact.objects.exists()
    assert "Between 1 and 600 minutes." in text(response)


def test_log_with_another_users_contact_is_rejected(client_logged_in, user, other_user):
    theirs = make_contact(other_user, "Mallory Secret")

    response = client_logged_in.post(
        LOG, meeting_form(contacts=[theirs.pk], new_contact_name="", new_contact_organization="")
    )

    assertContains(response, "Select a valid choice.", status_code=422)
    assertNotContains(response, "Mallory Secret", status_code=422)
    assert not Meeting.objects.exists()
    theirs.refresh_from_db()
    assert theirs.last_interaction_at is None
    assert not theirs.meetings.exists()


def test_log_login_required(client):
    assert_login_redirect(client.get(LOG), LOG)
    assert_htmx_login_redirect(client.get(LOG, headers=HTMX), LOG)
    assert_login_redirect(client.post(LOG, meeting_form()), LOG)
    assert not Meeting.objects.exists()
    assert not Contact.objects.exists()


@pytest.mark.parametrize("method", ["put", "delete", "patch"])
def test_log_wrong_method(client_logged_in, method):
    response = getattr(client_logged_in, method)(LOG)
    assert_not_allowed(response, "GET, POST")
    assert not Meeting.objects.exists()


# --- edit a meeting -----------------------------------------------------------------------


@pytest.fixture
def coffee(user) -> Meeting:
    sara = make_contact(user, "Sara Smith", organization="Acme")
    return make_meeting(
        user,
        [sara],
        starts_at=datetime(2026, 7, 1, 13, 30, tzinfo=UTC),
        location="Blue Bottle",
        purpose="hiring at Acme",
        notes="first notes",
    )


def test_edit_page_shows_the_meeting(client_logged_in, user, coffee):
    set_timezone(user, "America/New_York")
    sara = coffee.contacts.get()

    response = client_logged_in.get(edit_url(coffee))

    body = assert_full_page(response, "<h1>Edit Coffee with Sara Smith</h1>")
    assert f'action="{edit_url(coffee)}"' in body
    assert chip(sara) in body
    assert 'name="starts_at" value="2026-07-01T09:30"' in body  # New York time
    assert 'name="location" value="Blue Bottle"' in body
    assert "first notes</textarea>" in body


def test_edit_saves_changes_and_participants(client_logged_in, user, coffee):
    sara = coffee.contacts.get()
    john = make_contact(user, "John Public")

    response = client_logged_in.post(
        edit_url(coffee),
        meeting_form(
            contacts=[john.pk], new_contact_name="", new_contact_organization="",
            starts_at="2026-07-02T08:00", notes="second notes", kind="call",
        ),
    )

    assert response.status_code == 302
    assert response["Location"] == detail_url(coffee)
    coffee.refresh_from_db()
    assert list(coffee.contacts.all()) == [john]
    assert (coffee.kind, coffee.notes) == ("call", "second notes")
    assert coffee.starts_at == datetime(2026, 7, 2, 8, 0, tzinfo=UTC)
    assert Contact.objects.filter(pk=sara.pk).exists()  # dropped from the meeting, not deleted
    assertContains(client_logged_in.get(response["Location"]), "Meeting saved.")


def test_edit_can_add_a_new_person(client_logged_in, user, coffee):
    sara = coffee.contacts.get()

    client_logged_in.post(
        edit_url(coffee),
        meeting_form(
            contacts=[sara.pk], new_contact_name="John Public", new_contact_organization="acme"
        ),
    )

    john = Contact.objects.get(name="John Public")
    assert john.organization == sara.organization
    assert sorted(c.name for c in coffee.contacts.all()) == ["John Public", "Sara Smith"]


def test_edit_error_is_422_and_changes_nothing(client_logged_in, user, coffee):
    sara = coffee.contacts.get()

    response = client_logged_in.post(
        edit_url(coffee),
        meeting_form(contacts=[sara.pk], starts_at="31/31/2026", notes="lost?"),
    )

    assert response.status_code == 422
    body = text(response)
    assert "Enter a valid date/time." in body
    assert "lost?</textarea>" in body
    assert chip(sara) in body
    coffee.refresh_from_db()
    assert coffee.notes == "first notes"
    assert list(coffee.contacts.all()) == [sara]
    assert not Contact.objects.filter(name="Sara Smith").exclude(pk=sara.pk).exists()


def test_edit_of_another_users_meeting_is_404(client_logged_in, user, other_user):
    secret = make_contact(other_user, "Mallory Secret")
    theirs = make_meeting(other_user, [secret], notes="their notes")
    mine = make_contact(user, "John Public")

    assert client_logged_in.get(edit_url(theirs)).status_code == 404
    response = client_logged_in.post(
        edit_url(theirs), meeting_form(contacts=[mine.pk], notes="hijacked")
    )

    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.notes == "their notes"
    assert list(theirs.contacts.all()) == [secret]
    assert not Contact.objects.filter(name="Sara Smith").exists()


def test_edit_login_required(client, coffee):
    url = edit_url(coffee)
    assert_login_redirect(client.get(url), url)
    assert_login_redirect(client.post(url, meeting_form(notes="changed")), url)
    coffee.refresh_from_db()
    assert coffee.notes == "first notes"


@pytest.mark.parametrize("method", ["put", "delete", "patch"])
def test_edit_wrong_method(client_logged_in, coffee, method):
    assert_not_allowed(getattr(client_logged_in, method)(edit_url(coffee)), "GET, POST")
    assert Meeting.objects.filter(pk=coffee.pk).exists()


# --- meeting detail -----------------------------------------------------------------------


def test_detail_shows_the_meeting_and_its_followups(client_logged_in, user, coffee):
    sara = coffee.contacts.get()
    john = make_contact(user, "John Public")
    coffee.contacts.add(john)
    note = make_followup(
        user, title="Thank Sara for the coffee", contact=sara, meeting=coffee,
        due_at=datetime(2026, 7, 2, 9, 0, tzinfo=UTC),
    )
    make_followup(user, title="Unrelated follow-up", contact=john)

    response = client_logged_in.get(detail_url(coffee))

    body = assert_full_page(response, "<h1>Coffee with John Public and Sara Smith</h1>")
    assert f"{written(date(2026, 7, 1), '%A %-d %B{year}')}, 13:30 · Blue Bottle" in body
    assert f'<a href="{sara.get_absolute_url()}">Sara Smith</a> (Acme)' in body
    assert "15 minutes (until 13:45)" in body
    assert "hiring at Acme" in body and "first notes" in body
    assert f'<a href="{note.get_absolute_url()}">Thank Sara for the coffee</a>' in body
    assert "Pending · due Thu 2 Jul, 09:00" in body
    assert "Unrelated follow-up" not in body
    assert f'href="{edit_url(coffee)}"' in body


def test_detail_before_the_thank_you_exists(client_logged_in, coffee):
    assertContains(client_logged_in.get(detail_url(coffee)), "The thank-you note is being drafted")


def test_detail_of_another_users_meeting_is_404(client_logged_in, other_user):
    theirs = make_meeting(other_user, [make_contact(other_user, "Mallory Secret")])
    response = client_logged_in.get(detail_url(theirs))
    assert response.status_code == 404
    assertNotContains(response, "Mallory Secret", status_code=404)


def test_detail_login_required(client, coffee):
    assert_login_redirect(client.get(detail_url(coffee)), detail_url(coffee))


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_detail_wrong_method(client_logged_in, coffee, method):
    assert_not_allowed(getattr(client_logged_in, method)(detail_url(coffee)), "GET")
    assert Meeting.objects.filter(pk=coffee.pk).exists()


def test_detail_query_count_holds(client_logged_in, user, django_assert_num_queries):
    orgs = bulk_organizations(user, 3)
    people = bulk_contacts(user, 1, organizations=orgs)
    [meeting] = bulk_meetings(user, 1, contacts=people)
    bulk_followups(user, [timezone.now()], contacts=people, meetings=[meeting])
    one, response = count_queries(client_logged_in, detail_url(meeting))
    assert "Person 000</a> (Org 000)" in text(response)

    more = bulk_contacts(user, 199, prefix="More", organizations=orgs)
    meeting.contacts.add(*more)
    bulk_followups(
        user, [timezone.now() + timedelta(hours=i) for i in range(199)],
        contacts=more, meetings=[meeting], title="Later",
    )

    with django_assert_num_queries(one):
        response = client_logged_in.get(detail_url(meeting))
    body = text(response)
    assert body.count("</a> (Org 0") == 200
    assert body.count('<span class="sub">Pending · due') == 200


# --- meeting list -------------------------------------------------------------------------


def test_list_shows_the_users_meetings_newest_first(client_logged_in, user, other_user):
    sara = make_contact(user, "Sara Smith")
    now = timezone.now()
    old = make_meeting(user, [sara], starts_at=now - timedelta(days=9), purpose="the old one")
    new = make_meeting(user, [sara], starts_at=now - timedelta(days=1), kind="call")
    make_meeting(other_user, [make_contact(other_user, "Mallory Secret")])

    response = client_logged_in.get(MEETINGS)

    body = assert_full_page(response, "<h1>Meetings</h1>")
    assert list(response.context["page"]) == [new, old]
    assert "2 meetings" in body
    assert f'<a href="{detail_url(new)}" class="on-phone">Call with Sara Smith</a>' in body
    assert "the old one" in body
    assert "Mallory Secret" not in body


def test_list_empty(client_logged_in):
    assertContains(client_logged_in.get(MEETINGS), "No meetings yet.")


def test_list_pages(client_logged_in, user):
    sara = make_contact(user, "Sara Smith")
    meetings = bulk_meetings(user, PAGE_SIZE + 3, contacts=[sara])  # newest first

    second = client_logged_in.get(MEETINGS, {"page": 2})

    assert list(second.context["page"]) == meetings[PAGE_SIZE:]
    assertContains(second, "Page 2 of 2")


def test_list_login_required(client):
    assert_login_redirect(client.get(MEETINGS), MEETINGS)


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_list_wrong_method(client_logged_in, method):
    assert_not_allowed(getattr(client_logged_in, method)(MEETINGS, meeting_form()), "GET")
    assert not Meeting.objects.exists()


def test_list_query_count_holds(client_logged_in, user, django_assert_num_queries):
    orgs = bulk_organizations(user, 2)
    people = bulk_contacts(user, 3, organizations=orgs)
    bulk_meetings(user, 1, contacts=people, purpose="learn about the team")
    one, response = count_queries(client_logged_in, MEETINGS)
    assert "Coffee with Person 000, Person 001 and Person 002" in text(response)

    bulk_meetings(user, 199, contacts=people, start=timezone.now() - timedelta(days=30))

    with django_assert_num_queries(one):
        response = client_logged_in.get(MEETINGS)
    assert text(response).count("Coffee with Person 000, Person 001 and Person 002") == PAGE_SIZE
    assertContains(response, "200 meetings")


# --- participant search -------------------------------------------------------------------


def results(response) -> list[str]:
    """The contact names of the type-ahead's result buttons."""
    return [c.name for c in response.context["results"]]


@pytest.fixture
def crowd(user):
    return {
        "sara": make_contact(user, "Sara Smith", organization="Acme"),
        "sam": make_contact(user, "Sam Acker", email="sam@initech.example"),
        "bea": make_contact(user, "Bea Arthur", tags=["acme-alumni"]),
        "john": make_contact(user, "John Public", organization="Globex"),
    }


def test_participant_search_finds_by_name_organization_email_tag(client_logged_in, crowd):
    response = client_logged_in.get(SEARCH, {"pick": "many", "q": "ac"}, headers=HTMX)

    body = assert_fragment(response, f'hx-get="{chip_url(crowd["sara"])}"')
    assert sorted(results(response)) == ["Bea Arthur", "Sam Acker", "Sara Smith"]
    assert "Sara Smith · Acme" in body
    assert 'hx-target="#chosen"' in body
    assert "John Public" not in body
    assert results(client_logged_in.get(SEARCH, {"pick": "many", "q": "initech"})) == ["Sam Acker"]
    assert results(client_logged_in.get(SEARCH, {"pick": "many", "q": "GLOBEX"})) == ["John Public"]


def test_participant_search_leaves_out_who_is_chosen(client_logged_in, crowd):
    response = client_logged_in.get(
        SEARCH,
        {"pick": "many", "q": "ac", "contacts": [crowd["sara"].pk, crowd["bea"].pk, "junk"]},
        headers=HTMX,
    )

    assert results(response) == ["Sam Acker"]
    body = assert_fragment(response, f'hx-get="{chip_url(crowd["sam"])}"')
    assert chip_url(crowd["sara"]) not in body
    assert chip_url(crowd["bea"]) not in body


def test_participant_search_never_finds_other_users_contacts(
    client_logged_in, other_user, crowd
):
    make_contact(other_user, "Acme Spy", organization="Acme")
    assert "Acme Spy" not in results(client_logged_in.get(SEARCH, {"pick": "many", "q": "acme"}))


def test_participant_search_offers_at_most_eight(client_logged_in, user):
    bulk_contacts(user, 12)
    response = client_logged_in.get(SEARCH, {"pick": "many", "q": "person"}, headers=HTMX)
    assert len(results(response)) == 8
    assert text(response).count("<li><button") == 8


def test_participant_search_empty_and_unmatched(client_logged_in, crowd):
    empty = client_logged_in.get(SEARCH, {"pick": "many", "q": "  "}, headers=HTMX)
    assert results(empty) == []
    assert "<li>" not in text(empty)

    none = client_logged_in.get(SEARCH, {"pick": "many", "q": "zz-nobody"}, headers=HTMX)
    assert_fragment(none, "No contact matches “zz-nobody”. Add them as a new person below.")


def test_participant_search_login_required(client):
    assert_htmx_login_redirect(client.get(SEARCH, headers=HTMX), SEARCH)


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_participant_search_wrong_method(client_logged_in, crowd, method):
    assert_not_allowed(getattr(client_logged_in, method)(SEARCH, {"pick": "many", "q": "ac"}), "GET")


def test_participant_search_query_count_holds(client_logged_in, user, django_assert_num_queries):
    orgs = bulk_organizations(user, 2)
    bulk_contacts(user, 1, organizations=orgs, tag="met")
    client_logged_in.get(SEARCH, {"pick": "many", "q": "person"})  # warm the content-type cache
    one, response = count_queries(client_logged_in, SEARCH, data={"pick": "many", "q": "person"})
    assert results(response) == ["Person 000"]

    bulk_contacts(user, 199, prefix="Person X", organizations=orgs, tag="met")

    with django_assert_num_queries(one):
        response = client_logged_in.get(SEARCH, {"pick": "many", "q": "person"})
    assert len(results(response)) == 8


# --- ids from the browser that are digits but no id ---------------------------------------

SUPERSCRIPT_TWO = "²"  # str.isdigit() says yes, int() says no
TOO_BIG = "9" * 25  # digits, but past any integer column

NOT_AN_ID = [
    pytest.param(
        SUPERSCRIPT_TWO,
        id="superscript",
    ),
    pytest.param(
        TOO_BIG,
        id="too-big",
    ),
]


@pytest.mark.parametrize("given", NOT_AN_ID)
def test_log_page_ignores_a_contact_that_is_no_id(client_logged_in, user, given):
    make_contact(user, "Sara Smith")
    response = client_logged_in.get(LOG, {"contact": given})
    assertContains(response, 'id="log-meeting-form"')
    assertNotContains(response, 'class="chip"')


@pytest.mark.parametrize("given", NOT_AN_ID)
def test_participant_search_ignores_a_chosen_id_that_is_no_id(client_logged_in, user, given):
    make_contact(user, "Sara Smith")
    data = {"pick": "many", "q": "sara", "contacts": [given]}
    response = client_logged_in.get(SEARCH, data, headers=HTMX)
    assert response.status_code == 200
    assert results(response) == ["Sara Smith"]


@pytest.mark.parametrize("given", NOT_AN_ID)
def test_log_rejects_a_participant_that_is_no_id(client_logged_in, user, given):
    response = client_logged_in.post(LOG, meeting_form(contacts=[given]))
    assert response.status_code == 422
    assert 'name="new_contact_name" value="Sara Smith"' in text(response)
    assert not Meeting.objects.exists()
    assert not Contact.objects.exists()


# --- participant chip ---------------------------------------------------------------------


def test_participant_chip(client_logged_in, user):
    sara = make_contact(user, "Sara Smith", organization="Acme")

    response = client_logged_in.get(chip_url(sara), headers=HTMX)

    body = assert_fragment(response, chip(sara))
    assert "Sara Smith" in body
    assert 'aria-label="Remove Sara Smith"' in body


def test_participant_chip_of_another_user_is_404(client_logged_in, other_user):
    theirs = make_contact(other_user, "Mallory Secret")
    response = client_logged_in.get(chip_url(theirs), headers=HTMX)
    assert response.status_code == 404
    assertNotContains(response, "Mallory Secret", status_code=404)


def test_participant_chip_login_required(client, user):
    sara = make_contact(user)
    assert_htmx_login_redirect(client.get(chip_url(sara), headers=HTMX), chip_url(sara))


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_participant_chip_wrong_method(client_logged_in, user, method):
    sara = make_contact(user)
    assert_not_allowed(getattr(client_logged_in, method)(chip_url(sara)), "GET")
    assert Contact.objects.filter(pk=sara.pk).exists()


def test_the_log_a_meeting_button_is_not_over_its_own_form(client_logged_in):
    """On a phone the button is a bar at the bottom: on the form's own page it sat
    under "Save meeting", and opened a second, empty form over the first."""
    assert 'class="log-meeting"' in client_logged_in.get(reverse("meetings:meeting-list")).text
    assert 'class="log-meeting"' not in client_logged_in.get(reverse("meetings:log-meeting")).text
