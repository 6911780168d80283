"""Views of outreach/: the list, asking (modal or page), a request's page with its
draft and one-tap answers, editing, planning the meeting, and deleting to the Trash."""

from __future__ import annotations

import html
import re
import uuid
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from accounts.models import Profile
from contacts.models import Contact, Source
from followups.models import FollowUp, Status
from meetings.models import Meeting
from outreach.models import Answer, Channel, Outreach
from referrals.models import Referral
from tests.engine import sweep_kinds
from tests.factories import make_contact
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
)
from tests.outreach.factories import bulk_outreach, make_outreach
from trash.models import TrashEntry

pytestmark = pytest.mark.django_db

LIST = reverse("outreach:outreach-list")
NEW = reverse("outreach:add-outreach")


def detail_url(ask) -> str:
    return reverse("outreach:outreach-detail", args=[ask.pk])


def edit_url(ask) -> str:
    return reverse("outreach:edit-outreach", args=[ask.pk])


def answer_url(ask) -> str:
    return reverse("outreach:answer-outreach", args=[ask.pk])


def plan_url(ask) -> str:
    return reverse("outreach:plan-meeting", args=[ask.pk])


def delete_url(ask) -> str:
    return reverse("outreach:delete-outreach", args=[ask.pk])


def form_time(user, moment) -> str:
    return moment.astimezone(Profile.for_user(user).tzinfo).strftime("%Y-%m-%dT%H:%M")


def ask_form(user, **overrides) -> dict:
    return {
        "new_contact_name": "Alan Park",
        "new_contact_organization": "Juniper",
        "channel": "email",
        "asked_at": form_time(user, timezone.now() - timedelta(minutes=5)),
        "purpose": "how Juniper's platform team is organized",
        "length_minutes": "15",
    } | overrides


@pytest.fixture
def sara(user):
    return make_contact(user, "Sara Smith", organization="Acme", source=Source.KNEW)


@pytest.fixture
def ask(user, sara):
    return make_outreach(user, sara, days_ago=3)


# --- the list -------------------------------------------------------------------------


def test_the_list_shows_waiting_first_with_how_long(client_logged_in, user, other_user):
    alan = make_contact(user, "Alan Park")
    jo = make_contact(user, "Jo Lee")
    make_outreach(user, alan, days_ago=20, answer=Answer.DECLINED)
    make_outreach(user, jo, days_ago=2)
    make_outreach(user, alan, days_ago=6)
    make_outreach(user, jo, days_ago=10, answer=Answer.ACCEPTED)
    make_outreach(other_user, make_contact(other_user, "Secret Person"), days_ago=1)

    response = client_logged_in.get(LIST)

    body = assert_full_page(response, 'id="outreach-rows"')
    rows = [(o.contact.name, o.answer) for o in response.context["page"]]
    # Waiting, the longest first; then the rest, the latest asked first.
    assert rows == [
        ("Alan Park", "pending"), ("Jo Lee", "pending"),
        ("Jo Lee", "accepted"), ("Alan Park", "declined"),
    ]
    assert "Waiting 6 days" in body and "Waiting 2 days" in body
    assert "Secret Person" not in body
    assert "4 requests" in body
    assert 'href="?answer=declined"' in body  # a filter for each answer there is


def test_the_list_filters_by_answer_and_keeps_the_filter_across_pages(
    client_logged_in, user, settings
):
    settings.NETCRM_PAGE_SIZE = 2
    alan = make_contact(user, "Alan Park")
    bulk_outreach(user, [alan], 3, answer=Answer.DECLINED)
    make_outreach(user, alan, days_ago=1)

    response = client_logged_in.get(LIST, {"answer": "declined"})

    assert [o.answer for o in response.context["page"]] == ["declined", "declined"]
    assert 'href="?answer=declined&amp;page=2"' in text(response)
    second = client_logged_in.get(LIST, {"answer": "declined", "page": 2})
    assert [o.answer for o in second.context["page"]] == ["declined"]
    # An answer netcrm does not know filters nothing.
    assert len(client_logged_in.get(LIST, {"answer": "maybe"}).context["page"]) == 2


def test_the_list_htmx_gets_the_rows_fragment(client_logged_in, user, ask):
    response = client_logged_in.get(LIST, {"page": 1}, headers=HTMX)
    body = assert_fragment(response, 'id="outreach-rows"')
    assert "Sara Smith" in body
    assert "hx-request" in response["Vary"].lower()


def test_the_list_explains_asking_when_there_is_nothing(client_logged_in):
    body = assert_full_page(client_logged_in.get(LIST), "You have not logged a request")
    assert "positive reason to meet" in body and "never for a job" in body
    assert f'hx-get="{NEW}"' in body
    assert "Filter by answer" not in body


def test_the_list_login_required(client):
    assert_login_redirect(client.get(LIST), LIST)
    assert_htmx_login_redirect(client.get(LIST, headers=HTMX), LIST)


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_the_list_wrong_method(client_logged_in, method):
    assert_not_allowed(getattr(client_logged_in, method)(LIST), "GET")


@pytest.mark.parametrize("query", [{}, {"answer": "pending"}, {"page": "2"}])
def test_the_list_query_count_holds(client_logged_in, user, django_assert_num_queries, query):
    sara = make_contact(user, "Sara Smith", organization="Acme")
    jo = make_contact(user, "Jo Lee", organization="Globex")
    referral = Referral.objects.create(user=user, referrer=jo, referred=sara)
    meeting = Meeting.objects.create(user=user, starts_at=timezone.now())
    bulk_outreach(user, [sara], 5, referral=referral)
    bulk_outreach(user, [jo], 5, answer=Answer.ACCEPTED, meeting=meeting)
    one, _ = count_queries(client_logged_in, LIST, data=query)

    bulk_outreach(user, [sara, jo], 90, referral=referral)

    with django_assert_num_queries(one):
        response = client_logged_in.get(LIST, query)
    assert response.context["page"].paginator.count >= 90


def test_a_request_logged_in_the_dialog_is_counted_with_the_rows(client_logged_in, user, ask):
    """The dialog's "outreachLogged" makes the rows fetch themselves again: the counts
    of each answer come with them (they lagged one behind until a reload)."""
    make_outreach(user, make_contact(user, "Jo Lee"), answer=Answer.DECLINED)
    page = client_logged_in.get(LIST)
    assert_full_page(page, "Waiting <small>1</small>")
    refresh = re.search(r'<div id="outreach-rows" hx-get="([^"]+)" hx-trigger="outreachLogged', text(page))

    added = client_logged_in.post(NEW, ask_form(user), headers=HTMX)
    assert "outreachLogged" in hx_trigger(added)
    body = assert_fragment(
        client_logged_in.get(html.unescape(refresh.group(1)), headers=HTMX), 'id="outreach-rows"'
    )

    assert "All <small>3</small>" in body
    assert "Waiting <small>2</small>" in body and "Declined <small>1</small>" in body
    assert "Alan Park" in body and "3 requests" in body
    assert "{#" not in body and "{#" not in text(page)  # no template comment shows


def test_the_first_request_logged_brings_its_filters_with_it(client_logged_in, user):
    assert "Filter by answer" not in text(client_logged_in.get(LIST))
    client_logged_in.post(NEW, ask_form(user), headers=HTMX)
    body = assert_fragment(client_logged_in.get(LIST, headers=HTMX), 'id="outreach-rows"')
    assert 'aria-label="Filter by answer"' in body and "Waiting <small>1</small>" in body


@pytest.mark.parametrize("query", [{}, {"answer": "pending", "page": "2"}])
def test_the_rows_fragment_query_count_holds(
    client_logged_in, user, django_assert_num_queries, query, settings
):
    """One more than before, the counts; however many requests there are."""
    settings.NETCRM_PAGE_SIZE = 5
    sara = make_contact(user, "Sara Smith", organization="Acme")
    bulk_outreach(user, [sara], 12)
    one, _ = count_queries(client_logged_in, LIST, data=query, headers=HTMX)
    bulk_outreach(user, [sara], 60, answer=Answer.DECLINED)
    with django_assert_num_queries(one):
        response = client_logged_in.get(LIST, query, headers=HTMX)
    assert "Declined <small>60</small>" in text(response)


# --- asking ---------------------------------------------------------------------------


def test_the_ask_page(client_logged_in, user, sara):
    body = assert_full_page(client_logged_in.get(NEW), "Ask for a meeting")
    assert 'name="submission_key"' in body
    assert f'hx-get="{reverse("contacts:contact-search")}?new=1"' in body  # or someone new
    assert 'name="q"' in body  # the contact type-ahead
    assert 'value="15"' in body  # 15 minutes, unless you say otherwise


def test_the_ask_form_in_the_modal_is_a_fragment(client_logged_in):
    body = assert_fragment(client_logged_in.get(NEW, headers=HTMX), 'id="outreach-form"')
    assert f'hx-post="{NEW}"' in body


def test_asking_a_contact_from_their_page_drops_the_referrers_name(client_logged_in, user, sara):
    john = make_contact(user, "John Public", organization="Acme")
    Referral.objects.create(user=user, referrer=sara, referred=john, reason="he knows everyone")

    page = client_logged_in.get(NEW, {"contact": john.pk})
    body = text(page)
    assert 'value="%d" checked' % john.pk in body
    assert "Sara Smith: “he knows everyone”" in body  # the name-drop, picked already

    referral = Referral.objects.get()
    response = client_logged_in.post(
        NEW, ask_form(user, new_contact_name="", new_contact_organization="", contact=john.pk,
                      referral=referral.pk, channel="phone"),
    )
    ask = Outreach.objects.get()
    assert response.status_code == 302 and response["Location"] == detail_url(ask)
    assert (ask.user, ask.contact, ask.referral, ask.channel) == (user, john, referral, "phone")
    assert ask.answer == Answer.PENDING and ask.length_minutes == 15
    john.refresh_from_db()
    assert john.last_interaction_at == ask.asked_at  # asking is a touch

    detail = text(client_logged_in.get(detail_url(ask)))
    assert "Sara Smith suggested I give you a call" in detail
    assert 'data-copy-target="request-draft"' in detail


def test_asking_someone_picked_in_the_type_ahead_drops_the_latest_referral(
    client_logged_in, user, sara
):
    john = make_contact(user, "John Public")
    referral = Referral.objects.create(user=user, referrer=sara, referred=john)
    client_logged_in.post(NEW, ask_form(user, new_contact_name="", contact=john.pk,
                                        new_contact_organization=""))
    assert Outreach.objects.get().referral == referral


def test_asking_a_new_person_typed_once(client_logged_in, user, other_user):
    make_contact(other_user, "Alan Park", organization="Juniper")
    client_logged_in.post(NEW, ask_form(user))
    ask = Outreach.objects.get()
    assert ask.contact.name == "Alan Park" and ask.contact.user == user
    assert ask.contact.organization.user == user
    assert Contact.objects.filter(user=user).count() == 1


def test_asking_in_the_modal_answers_with_the_draft_link(client_logged_in, user):
    response = client_logged_in.post(NEW, ask_form(user), headers=HTMX)
    ask = Outreach.objects.get()
    body = assert_fragment(response, "Request logged")
    assert detail_url(ask) in body
    assert hx_trigger(response) == {"outreachLogged": {"id": ask.pk}}


def test_a_double_tap_asks_once(client_logged_in, user):
    data = ask_form(user, submission_key=str(uuid.uuid4()))
    first = client_logged_in.post(NEW, data)
    second = client_logged_in.post(NEW, data)
    assert Outreach.objects.count() == 1 and Contact.objects.count() == 1
    assert second.status_code == first.status_code == 302
    assert second["Location"] == first["Location"]


@pytest.mark.parametrize(
    "bad, error",
    [
        ({"purpose": "   "}, "Give a positive reason to meet"),
        ({"new_contact_name": ""}, "Whom did you ask?"),
        ({"length_minutes": "0"}, "Between 1 and 600 minutes"),
        ({"asked_at": "2301-01-01T10:00"}, "That is still to come: when did you ask?"),
        ({"channel": "pigeon"}, "Select a valid choice"),
    ],
)
def test_asking_with_a_mistake_is_422_and_keeps_what_was_typed(
    client_logged_in, user, bad, error
):
    data = ask_form(user, **({"purpose": "how <the> team hires"} | bad))
    for headers in ({}, HTMX):
        response = client_logged_in.post(NEW, data, headers=headers)
        assert response.status_code == 422
        body = text(response)
        assert error in body
        for name in ("new_contact_name", "new_contact_organization"):
            if data[name]:
                assert f'value="{escape(data[name])}"' in body
        if "purpose" not in bad:
            assert escape("how <the> team hires") in body
    assert not Outreach.objects.exists() and not Contact.objects.exists()


def test_a_referral_that_does_not_name_them_is_refused(client_logged_in, user, sara):
    john, jo = make_contact(user, "John Public"), make_contact(user, "Jo Lee")
    elsewhere = Referral.objects.create(user=user, referrer=sara, referred=jo)
    response = client_logged_in.post(
        NEW, ask_form(user, new_contact_name="", contact=john.pk, referral=elsewhere.pk)
    )
    assert response.status_code == 422
    assert not Outreach.objects.exists()


def test_asking_another_users_contact_is_404(client_logged_in, user, other_user):
    theirs = make_contact(other_user, "Secret Person")
    assert client_logged_in.get(NEW, {"contact": theirs.pk}).status_code == 404
    response = client_logged_in.post(NEW, ask_form(user, new_contact_name="", contact=theirs.pk))
    assert response.status_code == 404
    assert not Outreach.objects.exists()


def test_asking_login_required(client):
    assert_login_redirect(client.get(NEW), NEW)
    assert_htmx_login_redirect(client.get(NEW, headers=HTMX), NEW)


@pytest.mark.parametrize("method", ["put", "delete", "patch"])
def test_asking_wrong_method(client_logged_in, method):
    assert_not_allowed(getattr(client_logged_in, method)(NEW), "GET, POST")


# --- a request's page -----------------------------------------------------------------


def test_the_page_shows_the_request_its_draft_and_the_answers(client_logged_in, user, sara):
    Contact.objects.filter(pk=sara.pk).update(email="sara@acme.example")
    ask = make_outreach(user, sara, days_ago=6, channel=Channel.EMAIL)
    sweep_kinds("nudge")

    body = assert_full_page(client_logged_in.get(detail_url(ask)), "Your request to Sara Smith")
    assert escape("I've known you for several years and value your perspective") in body
    assert 'href="mailto:sara@acme.example?subject=15%20minutes%20of%20your%20perspective%3F' in body
    assert "Waiting 6 days so far." in body
    assert "Nudge Sara Smith about coffee" in body
    for value in ("accepted", "declined", "not_hiring", "no_answer"):
        assert f'name="answer" value="{value}"' in body
    assert 'name="seen" value="pending"' in body
    assert "Plan the meeting" not in body  # not before they said yes


def test_the_page_of_another_users_request_is_404(client_logged_in, other_user):
    theirs = make_outreach(other_user, make_contact(other_user, "Secret"))
    for url in (detail_url(theirs), edit_url(theirs), plan_url(theirs), delete_url(theirs)):
        assert client_logged_in.get(url).status_code == 404
    assert client_logged_in.post(answer_url(theirs), {"answer": "declined"}).status_code == 404
    theirs.refresh_from_db()
    assert theirs.answer == Answer.PENDING


def test_the_page_login_required(client, ask):
    for url in (detail_url(ask), edit_url(ask), plan_url(ask)):
        assert_login_redirect(client.get(url), url)


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_the_page_wrong_method(client_logged_in, ask, method):
    assert_not_allowed(getattr(client_logged_in, method)(detail_url(ask)), "GET")


def test_the_page_query_count_holds(client_logged_in, user, sara, django_assert_num_queries):
    ask = make_outreach(user, sara, days_ago=8)
    sweep_kinds("nudge")
    one, _ = count_queries(client_logged_in, detail_url(ask))
    for _ in range(100):
        make_outreach(user, sara, days_ago=1)
    with django_assert_num_queries(one):
        client_logged_in.get(detail_url(ask))


# --- answering ------------------------------------------------------------------------


def test_one_tap_records_the_answer_and_goes_back(client_logged_in, user, ask):
    response = client_logged_in.post(answer_url(ask), {"answer": "declined", "seen": "pending"})
    assert response.status_code == 302 and response["Location"] == detail_url(ask)
    ask.refresh_from_db()
    assert ask.answer == Answer.DECLINED and ask.answered_at is not None


def test_one_tap_with_htmx_swaps_the_answer_and_settles_the_nudge(client_logged_in, user, sara):
    ask = make_outreach(user, sara, days_ago=6, channel=Channel.PHONE)
    sweep_kinds("nudge")

    response = client_logged_in.post(
        answer_url(ask), {"answer": "not_hiring", "seen": "pending"}, headers=HTMX
    )

    body = assert_fragment(response, 'id="outreach-answer"')
    assert "Your reply to “sorry, we're not hiring”" in body
    assert escape("Great, I understand Acme has a very stable team") in body
    assert hx_trigger(response) == {"outreachAnswered": {"id": ask.pk}}
    assert FollowUp.objects.get(kind="nudge").status == Status.DONE


def test_accepted_offers_to_plan_the_meeting(client_logged_in, user, ask):
    response = client_logged_in.post(answer_url(ask), {"answer": "accepted"}, headers=HTMX)
    assert f'hx-get="{plan_url(ask)}"' in text(response)


def test_a_double_tap_records_the_answer_once(client_logged_in, user, ask):
    tap = {"answer": "accepted", "seen": "pending"}
    client_logged_in.post(answer_url(ask), tap, headers=HTMX)
    ask.refresh_from_db()
    first_at = ask.answered_at
    second = client_logged_in.post(answer_url(ask), tap, headers=HTMX)
    assert "It says Accepted already." in text(second)
    assert "HX-Trigger" not in second
    ask.refresh_from_db()
    assert ask.answered_at == first_at
    # A stale page (answered in another tab meanwhile) does not overwrite it either.
    client_logged_in.post(answer_url(ask), {"answer": "declined", "seen": "pending"})
    ask.refresh_from_db()
    assert ask.answer == Answer.ACCEPTED


@pytest.mark.parametrize("data", [{}, {"answer": "maybe"}, {"answer": "declined", "seen": "x"}])
def test_an_answer_netcrm_does_not_know_is_422(client_logged_in, ask, data):
    for headers in ({}, HTMX):
        response = client_logged_in.post(answer_url(ask), data, headers=headers)
        assert response.status_code == 422
        assert "That answer was not saved" in text(response)
    ask.refresh_from_db()
    assert ask.answer == Answer.PENDING


@pytest.mark.parametrize("method", ["get", "put", "delete"])
def test_answering_wrong_method(client_logged_in, ask, method):
    assert_not_allowed(getattr(client_logged_in, method)(answer_url(ask)), "POST")


def test_answering_login_required(client, ask):
    response = client.post(answer_url(ask), {"answer": "declined"})
    assert_login_redirect(response, answer_url(ask))


# --- editing --------------------------------------------------------------------------


def test_editing_saves_and_keeps_the_answer(client_logged_in, user, ask, sara):
    ask.answer = Answer.DECLINED
    ask.save()
    page = client_logged_in.get(edit_url(ask))
    assert_full_page(page, "Edit your request to Sara Smith")
    response = client_logged_in.post(
        edit_url(ask), ask_form(user, new_contact_name="", new_contact_organization="",
                                contact=sara.pk, length_minutes="30", channel="linkedin"),
    )
    assert response.status_code == 302
    ask.refresh_from_db()
    assert (ask.length_minutes, ask.channel, ask.answer) == (30, "linkedin", Answer.DECLINED)


def test_editing_with_a_mistake_is_422_and_changes_nothing(client_logged_in, user, ask, sara):
    response = client_logged_in.post(
        edit_url(ask), ask_form(user, new_contact_name="", contact=sara.pk, purpose="",
                                length_minutes="45"),
    )
    assert response.status_code == 422
    assert "Give a positive reason to meet" in text(response)
    assert 'value="45"' in text(response)
    ask.refresh_from_db()
    assert ask.length_minutes == 15


@pytest.mark.parametrize("method", ["put", "delete"])
def test_editing_wrong_method(client_logged_in, ask, method):
    assert_not_allowed(getattr(client_logged_in, method)(edit_url(ask)), "GET, POST")


# --- planning the meeting -------------------------------------------------------------


def test_plan_the_meeting_opens_the_log_form_filled_in(client_logged_in, user, sara):
    ask = make_outreach(user, sara, days_ago=2, length_minutes=20, channel=Channel.PHONE)
    body = assert_full_page(client_logged_in.get(plan_url(ask)), "Plan the meeting with Sara Smith")
    assert f'name="contacts" value="{sara.pk}" checked' in body
    assert "how Acme's data team hires</textarea>" in html.unescape(body)
    assert 'name="length_minutes" value="20"' in body
    assert '<option value="call" selected>' in body
    fragment = assert_fragment(client_logged_in.get(plan_url(ask), headers=HTMX), "Plan the meeting")
    assert f'hx-post="{plan_url(ask)}"' in fragment


def test_planning_links_the_meeting_and_accepts_once(client_logged_in, user, sara):
    ask = make_outreach(user, sara, days_ago=2)
    when = form_time(user, timezone.now() + timedelta(days=3))
    data = {
        "contacts": [sara.pk], "starts_at": when, "kind": "coffee", "length_minutes": "15",
        "purpose": ask.purpose, "invited_by": "me", "paid_by": "me",
        "submission_key": str(uuid.uuid4()),
    }
    first = client_logged_in.post(plan_url(ask), data)
    second = client_logged_in.post(plan_url(ask), data)

    meeting = Meeting.objects.get()
    assert first.status_code == second.status_code == 302
    assert first["Location"] == detail_url(ask)
    ask.refresh_from_db()
    assert (ask.meeting, ask.answer) == (meeting, Answer.ACCEPTED)
    assert list(meeting.contacts.all()) == [sara]
    page = text(client_logged_in.get(detail_url(ask)))
    assert meeting.get_absolute_url() in page and "Plan the meeting" not in page


def test_planning_with_a_mistake_is_422(client_logged_in, user, ask):
    response = client_logged_in.post(
        plan_url(ask), {"starts_at": "not a time", "purpose": "typed purpose"}, headers=HTMX
    )
    assert response.status_code == 422 and "typed purpose" in text(response)
    assert not Meeting.objects.exists()


# --- deleting -------------------------------------------------------------------------


def test_deleting_goes_through_the_trash_with_its_nudge(client_logged_in, user, sara):
    ask = make_outreach(user, sara, days_ago=6)
    sweep_kinds("nudge")
    confirm = text(client_logged_in.get(delete_url(ask)))
    assert "its gentle nudge goes with it" in confirm
    response = client_logged_in.post(delete_url(ask))
    assert response.status_code == 302 and response["Location"] == LIST
    assert not Outreach.objects.exists() and not FollowUp.objects.exists()
    assert TrashEntry.objects.get().label == "your request to Sara Smith"


def test_the_contact_page_shows_their_requests_and_the_ask_link(client_logged_in, user, sara):
    make_outreach(user, sara, days_ago=3, purpose="how Acme's analysts work")
    body = text(client_logged_in.get(sara.get_absolute_url()))
    assert f'{NEW}?contact={sara.pk}' in body
    assert "Ask Sara for a meeting" in body
    assert "Asked for a meeting" in body and "how Acme&#x27;s analysts work" in body
