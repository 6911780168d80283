"""Views of events/: the list, adding, an event's page, editing, I went again, the
people met, deleting; and the event choices of the contact and lead forms."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from pytest_django.asserts import assertContains, assertNotContains

from contacts.models import Contact, Source
from events.models import Event, EventVisit, Kind
from jobs.models import Lead
from referrals.models import Referral
from tests.events.factories import bulk_events, make_event, visit
from tests.factories import bulk_contacts, make_contact, make_meeting, make_organization
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
from trash.models import TrashEntry

pytestmark = pytest.mark.django_db

EVENTS = reverse("events:event-list")
NEW_EVENT = reverse("events:add-event")


def url(name: str, event: Event) -> str:
    return reverse(f"events:{name}", args=[event.pk])


def event_form(**overrides) -> dict:
    return {
        "name": "Downtown Business Breakfast",
        "kind": "business_group",
        "recurrence": "recurring",
        "organizer": "Chamber of Commerce",
        "location": "Hotel Lumen",
        "link": "https://breakfast.example/",
        "went_on": "2026-11-20",
        "notes": "Second Thursday, 7:30.",
    } | overrides


# --- the list -----------------------------------------------------------------------------


def test_the_list_shows_each_event_with_last_visit_and_outcomes(client_logged_in, user, other_user):
    sara = make_contact(user, "Sara Smith")
    breakfast = make_event(user, "Business Breakfast", Kind.BUSINESS_GROUP)
    visit(breakfast, days_ago=20, people=[sara])
    visit(breakfast, days_ago=6)
    make_meeting(user, [sara], starts_at=timezone.now() - timedelta(days=2))
    make_event(user, "Data Conf", Kind.CONFERENCE, recurrence="once")
    make_event(other_user, "Secret Club")

    response = client_logged_in.get(EVENTS)

    body = assert_full_page(response, "<h1>Events &amp; groups</h1>")
    names = [e.name for e in response.context["page"]]
    assert names == ["Business Breakfast", "Data Conf"]  # the latest you went to first
    assert "Secret Club" not in body
    six_days_ago = timezone.localdate() - timedelta(days=6)
    assert f"last went {written(six_days_ago, '%a %-d %b{year}')}" in body
    assert "not been yet" in body
    first = response.context["page"][0]
    assert (first.people_count, first.meeting_count, first.referral_count, first.lead_count) == (
        1, 1, 0, 0
    )
    assert "<strong>1</strong> person met" in body
    assert "Business networking group" in body


def test_the_list_filters_by_kind_and_htmx_gets_the_rows(client_logged_in, user):
    make_event(user, "Job Club", Kind.SUPPORT_GROUP)
    make_event(user, "Library board", Kind.VOLUNTEERING)

    response = client_logged_in.get(EVENTS, {"kind": "volunteering"}, headers=HTMX)

    body = assert_fragment(response, 'id="event-rows"')
    assert "Library board" in body and "Job Club" not in body
    assert 'aria-label="Kinds"' not in body
    assert "hx-request" in response["Vary"].lower()
    full = client_logged_in.get(EVENTS, {"kind": "no-such-kind"})
    assert [e.name for e in full.context["page"]] == ["Library board", "Job Club"]


def test_the_list_explains_why_to_log_where_you_network(client_logged_in):
    body = assert_full_page(client_logged_in.get(EVENTS), "Where you network matters")
    assert "Networking Not Working? Think Again!" in body
    assert "support groups" in body and "volunteer" in body
    assert f'hx-get="{NEW_EVENT}"' in body
    assert 'aria-label="Kinds"' not in body  # nothing to filter yet


def test_the_list_login_required(client):
    assert_login_redirect(client.get(EVENTS), EVENTS)
    assert_htmx_login_redirect(client.get(EVENTS, headers=HTMX), EVENTS)


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_the_list_wrong_method(client_logged_in, method):
    assert_not_allowed(getattr(client_logged_in, method)(EVENTS, {"name": "x"}), "GET")
    assert not Event.objects.exists()


@pytest.mark.parametrize("query", [{}, {"kind": "meetup"}])
def test_the_list_query_count_holds(client_logged_in, user, django_assert_num_queries, query):
    people = bulk_contacts(user, 5)
    make_meeting(user, people)
    bulk_events(user, 10, people)
    one, response = count_queries(client_logged_in, EVENTS, data=query)
    assert len(response.context["page"]) > 0

    more_people = bulk_contacts(user, 95, prefix="More")
    bulk_events(user, 90, people + more_people, prefix="Later")

    with django_assert_num_queries(one):
        response = client_logged_in.get(EVENTS, query)
    assert any(e.people_count == 100 for e in response.context["page"])


# --- adding --------------------------------------------------------------------------------


def test_add_event_page_and_htmx_fragment(client_logged_in):
    body = assert_full_page(client_logged_in.get(NEW_EVENT), "Add an event or group")
    assert 'name="submission_key"' in body
    assert 'value="support_group"' in body and 'value="recurring"' in body
    assert f'value="{timezone.localdate():%Y-%m-%d}"' in body  # went today, by default
    fragment = assert_fragment(client_logged_in.get(NEW_EVENT, headers=HTMX), 'id="event-form"')
    assert f'hx-post="{NEW_EVENT}"' in fragment


def test_add_event_saves_it_with_the_first_visit_and_people(client_logged_in, user):
    sara, john = make_contact(user, "Sara Smith"), make_contact(user, "John Public")

    response = client_logged_in.post(NEW_EVENT, event_form(contacts=[sara.pk, john.pk]))

    event = Event.objects.get()
    assert response.status_code == 302 and response["Location"] == event.get_absolute_url()
    assert (event.user, event.name, event.kind, event.link) == (
        user, "Downtown Business Breakfast", Kind.BUSINESS_GROUP, "https://breakfast.example/"
    )
    first = EventVisit.objects.get()
    assert (first.event, first.on, first.user) == (event, date(2026, 11, 20), user)
    assert set(first.people.all()) == {sara, john}


def test_add_event_not_been_yet_has_no_visit(client_logged_in):
    client_logged_in.post(NEW_EVENT, event_form(went_on=""))
    assert Event.objects.count() == 1 and not EventVisit.objects.exists()


def test_add_event_with_htmx_answers_in_the_modal(client_logged_in):
    response = client_logged_in.post(NEW_EVENT, event_form(), headers=HTMX)
    event = Event.objects.get()
    body = assert_fragment(response, "Downtown Business Breakfast added")
    assert event.get_absolute_url() in body
    assert hx_trigger(response) == {"eventAdded": {"id": event.pk}}


def test_add_event_twice_with_one_key_makes_one(client_logged_in, user):
    sara = make_contact(user, "Sara Smith")
    data = event_form(contacts=[sara.pk], submission_key=str(uuid.uuid4()))
    first = client_logged_in.post(NEW_EVENT, data)
    second = client_logged_in.post(NEW_EVENT, data)
    assert Event.objects.count() == 1 and EventVisit.objects.count() == 1
    assert second.status_code == first.status_code and second["Location"] == first["Location"]


@pytest.mark.parametrize(
    "bad, error",
    [
        ({"name": "  "}, "What is it called?"),
        ({"kind": "party"}, "Select a valid choice"),
        ({"link": "javascript:alert(1)"}, "Enter a valid URL"),
        ({"link": "ftp://files.example/"}, "http:// or https://"),
        ({"went_on": "1850-01-01"}, "Pick a date from 1900 to today."),
        ({"went_on": "2150-06-01"}, "That is still to come: leave it empty until you have been."),
    ],
)
def test_add_event_invalid_is_422_and_keeps_what_was_typed(client_logged_in, user, bad, error):
    sara = make_contact(user, "Sara Smith")
    data = event_form(name="Typed Name", notes="Typed notes", contacts=[sara.pk]) | bad

    for headers in ({}, HTMX):
        response = client_logged_in.post(NEW_EVENT, data, headers=headers)
        assert response.status_code == 422
        body = text(response)
        assert error in body
        assert "Typed notes" in body and escape(data["name"]) in body
        assert "Chamber of Commerce" in body
        assert f'name="contacts" value="{sara.pk}" checked' in body  # the chip stays
    assert not Event.objects.exists()


def test_add_event_refuses_another_users_contact(client_logged_in, other_user):
    theirs = make_contact(other_user, "Mallory")
    response = client_logged_in.post(NEW_EVENT, event_form(contacts=[theirs.pk]))
    assert response.status_code == 422
    assertNotContains(response, "Mallory", status_code=422)
    assert not Event.objects.exists()


def test_add_event_login_required_and_methods(client, user):
    assert_login_redirect(client.get(NEW_EVENT), NEW_EVENT)
    assert_login_redirect(client.post(NEW_EVENT, event_form()), NEW_EVENT)
    assert not Event.objects.exists()
    client.force_login(user)
    for method in ("put", "delete", "patch"):
        assert_not_allowed(getattr(client, method)(NEW_EVENT), "GET, POST")


# --- an event's page -----------------------------------------------------------------------


def test_event_detail_shows_visits_people_and_what_came_of_it(client_logged_in, user):
    sara = make_contact(user, "Sara Smith", organization="Acme", title="Analyst")
    john = make_contact(user, "John Public")
    alan = make_contact(user, "Alan Park", source=Source.GROUP)
    event = make_event(user, "Business Breakfast", Kind.BUSINESS_GROUP, link="https://b.example/")
    visit(event, days_ago=14, people=[sara])
    visit(event, days_ago=7, people=[sara])
    Contact.objects.filter(pk=alan.pk).update(met_at=event)
    make_meeting(user, [sara], starts_at=timezone.now() - timedelta(days=30))  # before: not of it
    meeting = make_meeting(user, [sara, alan], purpose="how Acme hires")
    Referral.objects.create(user=user, referrer=sara, referred=john, reason="he knows everyone")
    lead = Lead(user=user, organization=make_organization(user, "Initech"), role="Data Analyst",
                source="event", event=event).save_new()

    response = client_logged_in.get(url("event-detail", event))

    body = assert_full_page(response, "<h1>Business Breakfast</h1>")
    assert 'href="https://b.example/"' in body
    assert "2 times, last on" in body
    came = response.context["came_of"]
    assert [p.name for p in came.people] == ["Alan Park", "Sara Smith"]
    assert came.meetings == [meeting]
    assert [r.referred for r in came.referrals] == [john]
    assert came.leads == [lead]
    for person in (sara, alan):
        assert f'href="{person.get_absolute_url()}"' in body
    assert f'href="{meeting.get_absolute_url()}"' in body
    assert "he knows everyone" in body and lead.get_absolute_url() in body
    assert "<strong>2</strong> people met" in body and "<strong>1</strong> referral" in body
    assert f'action="{url("went-again", event)}"' in body
    assert "I went again" in body


def test_event_detail_says_to_meet_them_outside_when_nothing_came_of_it(client_logged_in, user):
    event = make_event(user)
    visit(event, days_ago=3, people=[make_contact(user, "Sara Smith")])
    assertContains(client_logged_in.get(url("event-detail", event)), "Set up times to meet outside")


def test_event_pages_of_another_user_are_404(client_logged_in, other_user):
    theirs = make_event(other_user, "Secret Club")
    for name in ("event-detail", "edit-event", "add-people", "delete-event"):
        response = client_logged_in.get(url(name, theirs))
        assert response.status_code == 404, name
        assertNotContains(response, "Secret Club", status_code=404)
    assert client_logged_in.post(url("edit-event", theirs), event_form()).status_code == 404
    assert client_logged_in.post(url("went-again", theirs)).status_code == 404
    assert client_logged_in.post(url("delete-event", theirs)).status_code == 404  # never theirs
    theirs.refresh_from_db()
    assert theirs.name == "Secret Club" and not theirs.visits.exists()


def test_event_pages_login_required(client, user):
    event = make_event(user)
    for name in ("event-detail", "edit-event", "add-people", "delete-event"):
        assert_login_redirect(client.get(url(name, event)), url(name, event))
    assert_login_redirect(client.post(url("went-again", event)), url("went-again", event))
    assert not event.visits.exists()


@pytest.mark.parametrize(
    "name, allowed",
    [("event-detail", "GET"), ("edit-event", "GET, POST"), ("went-again", "POST"),
     ("add-people", "GET, POST"), ("delete-event", "GET, POST")],
)
def test_event_pages_wrong_method(client_logged_in, user, name, allowed):
    event = make_event(user)
    method = "put" if "POST" in allowed else "post"
    assert_not_allowed(getattr(client_logged_in, method)(url(name, event)), allowed)
    if allowed == "POST":
        assert_not_allowed(client_logged_in.get(url(name, event)), allowed)
    assert Event.objects.filter(pk=event.pk).exists() and not event.visits.exists()


def test_event_detail_query_count_holds(client_logged_in, user, django_assert_num_queries):
    event = make_event(user)

    def grow(count: int, prefix: str) -> None:
        where = [make_organization(user, prefix)]
        people = bulk_contacts(user, count, prefix=prefix, organizations=where)
        for i in range(0, count, 5):
            visit(event, days_ago=40 - i % 30, people=people[i:i + 5])
        for person in people[: count // 2]:
            make_meeting(user, [person])
            Referral.objects.create(user=user, referrer=person, referred=people[-1])

    grow(10, "First")
    one, response = count_queries(client_logged_in, url("event-detail", event))
    assert len(response.context["came_of"].people) == 10
    grow(100, "More")
    with django_assert_num_queries(one):
        response = client_logged_in.get(url("event-detail", event))
    assert response.context["event"].people_count == 110
    assert len(response.context["came_of"].meetings) == 50


# --- editing -------------------------------------------------------------------------------


def test_edit_event_saves_it_and_keeps_its_visits(client_logged_in, user):
    event = make_event(user, "Job Club")
    visit(event, days_ago=3)
    page = assert_full_page(client_logged_in.get(url("edit-event", event)), "Edit Job Club")
    assert 'name="went_on"' not in page and 'value="Job Club"' in page

    response = client_logged_in.post(url("edit-event", event), event_form(name="Job Club West"))

    assert response.status_code == 302
    event.refresh_from_db()
    assert (event.name, event.kind) == ("Job Club West", Kind.BUSINESS_GROUP)
    assert event.visits.count() == 1


def test_edit_event_invalid_is_422_and_changes_nothing(client_logged_in, user):
    event = make_event(user, "Job Club")
    response = client_logged_in.post(
        url("edit-event", event), event_form(name="", notes="Typed notes")
    )
    assertContains(response, "Typed notes", status_code=422)
    event.refresh_from_db()
    assert event.name == "Job Club"


# --- I went again --------------------------------------------------------------------------


def test_went_again_records_a_visit_today_in_one_tap(client_logged_in, user):
    event = make_event(user)
    visit(event, days_ago=7)

    response = client_logged_in.post(url("went-again", event))

    assert response.status_code == 302 and response["Location"] == event.get_absolute_url()
    assert list(event.visits.values_list("on", flat=True)) == [
        timezone.localdate(), timezone.localdate() - timedelta(days=7)
    ]
    page = client_logged_in.get(response["Location"])
    assertContains(page, "Whom did you meet there?")


def test_went_again_on_another_day_with_a_note(client_logged_in, user):
    event = make_event(user)
    client_logged_in.post(url("went-again", event), {"on": "2026-11-02", "notes": "Talk on AI"})
    assert event.visits.get().on == date(2026, 11, 2) and event.visits.get().notes == "Talk on AI"


def test_went_again_double_tap_records_one_visit(client_logged_in, user):
    event = make_event(user)
    data = {"submission_key": str(uuid.uuid4())}
    client_logged_in.post(url("went-again", event), data)
    client_logged_in.post(url("went-again", event), data)
    assert event.visits.count() == 1


def test_went_again_on_a_day_logged_already_counts_the_day_once(client_logged_in, user):
    """Added with "when you went" today, then "I went again" (today, by default): one
    visit, not two on the same day; the note typed the second time is kept."""
    client_logged_in.post(NEW_EVENT, event_form(name="Job Club", went_on=str(timezone.localdate())))
    event = Event.objects.get(user=user, name="Job Club")

    response = client_logged_in.post(url("went-again", event), {"notes": "Met the organizer"})

    assert response.status_code == 302
    assert list(event.visits.values_list("on", "notes")) == [
        (timezone.localdate(), "Met the organizer")
    ]
    page = client_logged_in.get(response["Location"])
    assertContains(page, "was logged already: it counts once.")
    assertContains(page, "1 time, last on")


def test_went_again_invalid_is_422_on_the_events_page(client_logged_in, user):
    event = make_event(user, "Job Club")
    response = client_logged_in.post(
        url("went-again", event), {"on": "1850-01-01", "notes": "Typed note"}
    )
    body = assert_full_page(response, "<h1>Job Club</h1>", status=422)
    assert "Pick a date from 1900 to today." in body
    assert 'value="1850-01-01"' in body and "Typed note" in body
    assert not event.visits.exists()


def test_went_again_on_a_day_still_to_come_is_refused(client_logged_in, user):
    event = make_event(user, "Job Club")
    later = str(timezone.localdate() + timedelta(days=2))
    response = client_logged_in.post(url("went-again", event), {"on": later, "notes": "Typed"})
    body = assert_full_page(response, "<h1>Job Club</h1>", status=422)
    assert "That is still to come: log it once you have been." in body
    assert f'value="{later}"' in body and "Typed" in body
    assert not event.visits.exists()


# --- people met ----------------------------------------------------------------------------


def test_add_people_you_know_to_the_latest_visit(client_logged_in, user):
    sara, john = make_contact(user, "Sara Smith"), make_contact(user, "John Public")
    event = make_event(user)
    visit(event, days_ago=14)
    latest = visit(event, days_ago=7)
    page = assert_full_page(client_logged_in.get(url("add-people", event)), "Whom you met at")
    assert 'hx-get="/contacts/search/?pick=many&amp;new=1"' in page  # or someone new
    assert f'<option value="{latest.pk}" selected>' in page

    response = client_logged_in.post(
        url("add-people", event), {"contacts": [sara.pk, john.pk], "visit": latest.pk}
    )

    assert response.status_code == 302 and response["Location"] == event.get_absolute_url()
    assert set(latest.people.all()) == {sara, john}


def test_add_a_new_person_met_there(client_logged_in, user):
    event = make_event(user, "Library board", Kind.VOLUNTEERING)

    client_logged_in.post(
        url("add-people", event),
        {"new_contact_name": "  Helen   Foster ", "new_contact_organization": "City Library"},
    )

    helen = Contact.objects.get(name="Helen Foster")
    assert (helen.user, helen.met_at, helen.source) == (user, event, Source.VOLUNTEERING)
    assert helen.organization.name == "City Library" and helen.organization.user == user
    assert list(event.visits.get().people.all()) == [helen]  # a visit today, made for it
    assert event.visits.get().on == timezone.localdate()


def test_add_people_with_nobody_is_422(client_logged_in, user):
    event = make_event(user)
    response = client_logged_in.post(url("add-people", event), {"new_contact_organization": "Acme"})
    assertContains(response, "Pick someone you know", status_code=422)
    assertContains(response, 'value="Acme"', status_code=422)
    assert not Contact.objects.exists() and not event.visits.exists()


def test_add_people_refuses_another_users_contact_or_visit(client_logged_in, user, other_user):
    event = make_event(user)
    mine = visit(event, days_ago=1)
    theirs = visit(make_event(other_user), days_ago=1)
    mallory = make_contact(other_user, "Mallory")
    sara = make_contact(user, "Sara Smith")
    people = url("add-people", event)
    assert client_logged_in.post(people, {"contacts": [mallory.pk]}).status_code == 422
    response = client_logged_in.post(people, {"contacts": [sara.pk], "visit": theirs.pk})
    assert response.status_code == 422
    assert not mine.people.exists() and not theirs.people.exists()


def test_add_people_double_tap_adds_one_new_person(client_logged_in, user):
    event = make_event(user)
    data = {"new_contact_name": "Helen Foster", "submission_key": str(uuid.uuid4())}
    client_logged_in.post(url("add-people", event), data)
    client_logged_in.post(url("add-people", event), data)
    assert Contact.objects.count() == 1 and event.visits.count() == 1


# --- deleting ------------------------------------------------------------------------------


def test_delete_says_what_goes_and_the_trash_brings_it_back(client_logged_in, user):
    sara = make_contact(user, "Sara Smith")
    event = make_event(user, "Job Club")
    visit(event, days_ago=7, people=[sara])
    visit(event, days_ago=1)
    Contact.objects.filter(pk=sara.pk).update(met_at=event)
    lead = Lead(user=user, organization=make_organization(user), role="Analyst", source="event",
                event=event).save_new()

    page = assert_full_page(client_logged_in.get(url("delete-event", event)), "Delete Job Club?")
    assert "the 2 times you went go with it" in page
    assert "1 person you met there stays, without Job Club as how you met" in page
    assert "1 lead found there stays, without where it was found" in page

    response = client_logged_in.post(url("delete-event", event))

    assert response.status_code == 302 and response["Location"] == EVENTS
    assert not Event.objects.exists() and not EventVisit.objects.exists()
    sara.refresh_from_db()
    lead.refresh_from_db()
    assert sara.met_at is None and lead.event is None
    entry = TrashEntry.objects.get()
    client_logged_in.post(reverse("trash:restore", args=[entry.pk]))
    sara.refresh_from_db()
    lead.refresh_from_db()
    assert sara.met_at_id == event.pk and lead.event_id == event.pk
    restored = Event.objects.get(pk=event.pk)
    week_ago = restored.visits.get(on__lt=timezone.localdate() - timedelta(days=2))
    assert list(week_ago.people.all()) == [sara]


# --- the contact form and the lead form ---------------------------------------------------


def test_the_contact_form_names_the_event_where_you_met(client_logged_in, user, other_user):
    event = make_event(user, "Business Breakfast")
    make_event(other_user, "Secret Club")
    page = client_logged_in.get(reverse("contacts:create-contact"))
    assertContains(page, f'<option value="{event.pk}">Business Breakfast</option>', html=False)
    assertNotContains(page, "Secret Club")
    assertContains(page, 'data-shows-with="source"')

    client_logged_in.post(reverse("contacts:create-contact"), {
        "name": "Alan Park", "source": "group", "met_at": event.pk, "keep_in_touch_days": "",
    })

    alan = Contact.objects.get(name="Alan Park")
    assert alan.met_at == event
    page = client_logged_in.get(alan.get_absolute_url())
    link = f'<a href="{event.get_absolute_url()}">Business Breakfast</a>'
    assertContains(page, f"Group or meetup: {link}")


def test_the_contact_form_drops_the_event_for_another_source(client_logged_in, user):
    event = make_event(user)
    client_logged_in.post(reverse("contacts:create-contact"), {
        "name": "Alan Park", "source": "referral", "met_at": event.pk,
    })
    assert Contact.objects.get().met_at is None


def test_the_contact_form_refuses_another_users_event(client_logged_in, user, other_user):
    theirs = make_event(other_user, "Secret Club")
    sara = make_contact(user, "Sara Smith")
    response = client_logged_in.post(reverse("contacts:edit-contact", args=[sara.pk]), {
        "name": "Sara Smith", "source": "event", "met_at": theirs.pk,
    })
    assertContains(response, "Select a valid choice", status_code=422)
    sara.refresh_from_db()
    assert sara.met_at is None


def test_the_lead_form_names_the_event_where_it_was_found(client_logged_in, user, other_user):
    event = make_event(user, "Business Breakfast")
    theirs = make_event(other_user, "Secret Club")
    new_lead = reverse("jobs:add-lead")
    page = client_logged_in.get(new_lead)
    assertContains(page, f'<option value="{event.pk}">Business Breakfast</option>', html=False)
    assertNotContains(page, "Secret Club")
    data = {"organization_name": "Acme", "role": "Analyst", "source": "event",
            "found_on": "2026-11-20", "status": "found"}

    refused = client_logged_in.post(new_lead, data | {"event": theirs.pk})
    assert refused.status_code == 422 and not Lead.objects.exists()
    client_logged_in.post(new_lead, data | {"event": event.pk})
    assert Lead.objects.get().event == event
    elsewhere = {"role": "Elsewhere", "source": "job_board", "event": event.pk}
    client_logged_in.post(new_lead, data | elsewhere)
    assert Lead.objects.get(role="Elsewhere").event is None
    assert [e.lead_count for e in client_logged_in.get(EVENTS).context["page"]] == [1]


def test_the_nav_links_to_events(client_logged_in):
    assertContains(client_logged_in.get(reverse("home:dashboard")), f'href="{EVENTS}"')


def test_deleting_a_contact_says_the_events_keep_going(client_logged_in, user):
    sara = make_contact(user, "Sara Smith")
    event = make_event(user)
    visit(event, days_ago=7, people=[sara])
    visit(event, days_ago=1, people=[sara])
    page = client_logged_in.get(reverse("contacts:delete-contact", args=[sara.pk]))
    assertContains(page, "2 times you went to events keep their notes, without Sara Smith")
    client_logged_in.post(reverse("contacts:delete-contact", args=[sara.pk]))
    assert event.visits.count() == 2 and not EventVisit.people.through.objects.exists()


@pytest.mark.parametrize(("met", "said"), [
    (1, "You met 1 person here but have not met them since."),
    (2, "You met 2 people here but have not met any of them since."),
])
def test_the_nudge_to_meet_again_reads_right_for_one_person_or_more(
    client_logged_in, user, met, said
):
    event = make_event(user)
    visit(event, days_ago=3, people=[make_contact(user, f"Person {i}") for i in range(met)])
    assertContains(client_logged_in.get(url("event-detail", event)), said)
