"""Views of reciprocity/: requests for help (list, log, detail, answer), the one-person
picker's search, and the help ledger on a contact's page."""

import html
import re
from datetime import UTC, datetime, timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from accounts.models import Profile
from contacts.models import Contact, Source
from followups.models import FollowUp, Status
from followups.services import create_followups
from meetings.models import Invited, Paid
from reciprocity.models import Ask, InboundRequest, RequestStatus
from referrals.models import IntroStatus, Progress, Referral
from tests.factories import bulk_contacts, bulk_meetings, make_contact, make_meeting
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

pytestmark = pytest.mark.django_db

REQUESTS = reverse("reciprocity:request-list")
LOG = reverse("reciprocity:log-request")
SEARCH = reverse("contacts:contact-search")
PAGE_SIZE = settings.NETCRM_PAGE_SIZE


def detail_url(inbound: InboundRequest) -> str:
    return reverse("reciprocity:request-detail", args=[inbound.pk])


def answer_url(inbound: InboundRequest) -> str:
    return reverse("reciprocity:answer-request", args=[inbound.pk])


def make_request(user, contact=None, **fields) -> InboundRequest:
    contact = contact or make_contact(user, "Zoe Carter", organization="Globex")
    return InboundRequest.objects.create(user=user, contact=contact, **fields)


def bulk_requests(user, contacts, count: int, start=None) -> list[InboundRequest]:
    start = start or timezone.now() - timedelta(days=1)
    return InboundRequest.objects.bulk_create(
        InboundRequest(
            user=user, contact=contacts[i % len(contacts)], received_at=start - timedelta(hours=i)
        )
        for i in range(count)
    )


def request_form(**overrides) -> dict:
    data = {
        "new_contact_name": "Zoe Carter",
        "new_contact_organization": "Globex",
        "ask": "introduction",
        "details": "Would love an intro to someone on Acme's data team.",
        "received_at": "2026-03-04T10:15",
    }
    return data | overrides


def form_time(user, moment) -> str:
    """`moment` as the user's datetime-local input shows it, in their own timezone
    (never the thread's active one, which an earlier request may have left set)."""
    return moment.astimezone(Profile.for_user(user).tzinfo).strftime("%Y-%m-%dT%H:%M")


def listed(response) -> list[str]:
    return [r.contact.name for r in response.context["page"].object_list]


def unchanged(inbound: InboundRequest) -> bool:
    before = (inbound.status, inbound.received_at)
    inbound.refresh_from_db()
    return (inbound.status, inbound.received_at) == before


# --- the list ------------------------------------------------------------------------------


def test_list_shows_the_users_requests_newest_first(client_logged_in, user, other_user):
    old = make_request(
        user, make_contact(user, "Old Asker"), received_at=timezone.now() - timedelta(days=9),
        status=RequestStatus.HELPED,
    )
    new = make_request(user, received_at=timezone.now() - timedelta(hours=1))
    create_followups("reciprocity.InboundRequest", [new.pk])
    make_request(other_user, make_contact(other_user, "Mallory Secret"))

    response = client_logged_in.get(REQUESTS)

    body = assert_full_page(response, "Requests for help")
    assert listed(response) == ["Zoe Carter", "Old Asker"]
    assert "Mallory Secret" not in body
    assert "2 requests" in body
    assert f'<a href="{detail_url(new)}">Zoe Carter</a>' in body
    assert '<span class="badge status-helped">Helped</span>' in body
    assert '<span class="badge status-open">Open</span>' in body
    reply = FollowUp.objects.get()
    assert f"reply due {timezone.localtime(reply.due_at):%a} " in body
    assert f'href="{LOG}"' in body
    assert f'<a href="{detail_url(old)}">Old Asker</a>' in body


def test_list_when_empty(client_logged_in):
    response = client_logged_in.get(REQUESTS)
    assertContains(response, "No requests yet.")
    assertContains(response, "0 requests")


def test_list_pages_and_htmx_gets_the_rows(client_logged_in, user):
    bulk_requests(user, [make_contact(user)], PAGE_SIZE + 2)

    response = client_logged_in.get(REQUESTS, {"page": 2}, headers=HTMX)

    body = assert_fragment(response, 'id="request-rows"')
    assert len(response.context["page"].object_list) == 2
    assert "Page 2 of 2" in body
    assert 'hx-target="#request-rows"' in body


def test_the_list_fetches_itself_again_after_a_request_logged_in_the_dialog(
    client_logged_in, user
):
    # The dialog's "requestLogged": the list asks for itself again, at its own address
    # (its page), and gets the rows with the new request, so none is missing behind it.
    page = client_logged_in.get(REQUESTS)
    listened = f'hx-get="{REQUESTS}" hx-trigger="requestLogged from:body"'
    assert listened in text(page) and "No requests yet." in text(page)
    make_request(user)
    body = assert_fragment(client_logged_in.get(REQUESTS, headers=HTMX), "Zoe Carter")
    assert listened in body and "1 request" in body


def test_list_login_required(client):
    assert_login_redirect(client.get(REQUESTS), REQUESTS)
    assert_htmx_login_redirect(client.get(REQUESTS, headers=HTMX), REQUESTS)


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_list_wrong_method(client_logged_in, method):
    assert_not_allowed(getattr(client_logged_in, method)(REQUESTS), "GET")


def test_list_query_count_holds(client_logged_in, user, django_assert_num_queries):
    people = bulk_contacts(user, 3)
    first = bulk_requests(user, people, 1)
    create_followups("reciprocity.InboundRequest", [r.pk for r in first])
    one, response = count_queries(client_logged_in, REQUESTS)
    assert listed(response) == ["Person 000"]

    more = bulk_requests(user, people, 199, start=timezone.now() - timedelta(days=3))
    create_followups("reciprocity.InboundRequest", [r.pk for r in more])

    with django_assert_num_queries(one):
        response = client_logged_in.get(REQUESTS)
    assert len(listed(response)) == PAGE_SIZE
    assert text(response).count("reply due") == PAGE_SIZE


# --- log a request: GET --------------------------------------------------------------------


def test_log_page_shows_the_form(client_logged_in, user, other_user):
    sara = make_contact(user, "Sara Smith")
    theirs = make_contact(other_user, "Mallory Secret")

    response = client_logged_in.get(LOG)

    body = assert_full_page(response, 'id="log-request-form"')
    assert f'hx-post="{LOG}"' in body
    assert f'<input type="radio" name="contact" value="{sara.pk}"> Sara Smith' in body
    assert f'value="{theirs.pk}"' not in body and "Mallory" not in body
    assert 'name="new_contact_name"' in body
    assert f'hx-get="{SEARCH}?new=1"' in body  # the type-ahead offers someone new
    assert '<option value="time" selected>Asked for 15 minutes of my time</option>' in body


def test_log_page_starts_now_in_the_users_timezone(client_logged_in, user):
    Profile.objects.filter(user=user).update(timezone="Asia/Kathmandu")
    now = timezone.localtime(timezone=Profile.for_user(user).tzinfo)

    response = client_logged_in.get(LOG)

    value = re.search(r'name="received_at" value="([^"]+)"', text(response)).group(1)
    shown = datetime.strptime(value, "%Y-%m-%dT%H:%M").replace(tzinfo=now.tzinfo)
    assert abs(shown - now) < timedelta(minutes=2)


def test_log_page_prefills_the_contact_given(client_logged_in, user):
    sara = make_contact(user, "Sara Smith", organization="Acme")

    response = client_logged_in.get(LOG, {"contact": sara.pk})

    assertContains(
        response,
        f'<label class="chip"><input type="radio" name="contact" value="{sara.pk}" checked> '
        "Sara Smith · Acme</label>",
        html=False,
    )


@pytest.mark.parametrize("given", ["theirs", "abc", "99999999"])
def test_log_page_with_another_users_contact_is_404(client_logged_in, other_user, given):
    theirs = make_contact(other_user, "Mallory Secret")
    value = theirs.pk if given == "theirs" else given
    assert client_logged_in.get(LOG, {"contact": value}).status_code == 404


def test_log_htmx_get_is_the_form_partial(client_logged_in, user):
    sara = make_contact(user, "Sara Smith")
    response = client_logged_in.get(LOG, {"contact": sara.pk}, headers=HTMX)
    body = assert_fragment(response, 'id="log-request-form"')
    assert 'id="modal-title"' in body
    assert "csrfmiddlewaretoken" in body
    assert f'value="{sara.pk}" checked' in body


def test_log_login_required(client):
    assert_login_redirect(client.get(LOG), LOG)
    assert_htmx_login_redirect(client.get(LOG, headers=HTMX), LOG)
    assert_login_redirect(client.post(LOG, request_form()), LOG)
    assert not InboundRequest.objects.exists()


@pytest.mark.parametrize("method", ["put", "delete", "patch"])
def test_log_wrong_method(client_logged_in, method):
    assert_not_allowed(getattr(client_logged_in, method)(LOG), "GET, POST")


def test_log_page_query_count_holds(client_logged_in, user, django_assert_num_queries):
    sara = make_contact(user, "Sara Smith")
    bulk_contacts(user, 1)
    one, _ = count_queries(client_logged_in, LOG, data={"contact": sara.pk})
    bulk_contacts(user, 199, prefix="More")
    with django_assert_num_queries(one):
        response = client_logged_in.get(LOG, {"contact": sara.pk})
    assert len(response.context["recent"]) == 8


# --- log a request: POST -------------------------------------------------------------------


def test_log_a_request_from_a_new_person(client_logged_in, user):
    response = client_logged_in.post(LOG, request_form())

    inbound = InboundRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == detail_url(inbound)
    zoe = inbound.contact
    assert (inbound.user, inbound.ask, inbound.status) == (
        user, Ask.INTRODUCTION, RequestStatus.OPEN,
    )
    assert inbound.details == "Would love an intro to someone on Acme's data team."
    assert inbound.received_at == datetime(2026, 3, 4, 10, 15, tzinfo=UTC)
    assert (zoe.user, zoe.name, zoe.source, zoe.organization.name) == (
        user, "Zoe Carter", Source.INBOUND, "Globex",
    )
    assert zoe.last_interaction_at == inbound.received_at
    page = client_logged_in.get(response["Location"])
    assertContains(page, "Logged: Zoe Carter: asked for an introduction.")
    assertContains(page, "your reply is due by Wed 4 Mar, 14:15.")  # 4 hours, by default


def test_log_a_request_from_an_existing_contact(client_logged_in, user):
    sara = make_contact(user, "Sara Smith")

    client_logged_in.post(
        LOG, request_form(contact=sara.pk, new_contact_name="", new_contact_organization="")
    )

    assert InboundRequest.objects.get().contact == sara
    assert Contact.objects.count() == 1


def test_log_reads_the_time_in_the_users_timezone(client_logged_in, user):
    Profile.objects.filter(user=user).update(timezone="America/New_York")
    client_logged_in.post(LOG, request_form(received_at="2026-07-01T09:30"))
    assert InboundRequest.objects.get().received_at == datetime(2026, 7, 1, 13, 30, tzinfo=UTC)


def test_log_with_another_users_contact_is_404(client_logged_in, other_user):
    theirs = make_contact(other_user, "Mallory Secret")
    response = client_logged_in.post(LOG, request_form(contact=theirs.pk, new_contact_name=""))
    assert response.status_code == 404
    assert not InboundRequest.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"new_contact_name": "", "new_contact_organization": ""}, "contact",
         "Who asked? Pick a contact or add a new person."),
        ({"new_contact_name": "", "new_contact_organization": "Globex"}, "new_contact_name",
         "Give the new person's name too."),
        ({"received_at": "yesterday-ish"}, "received_at", "Enter a valid date/time."),
        ({"ask": "money"}, "ask", "Select a valid choice."),
    ],
)
def test_log_errors_are_422_and_keep_the_input(client_logged_in, overrides, field, message):
    response = client_logged_in.post(LOG, request_form(**overrides))

    assert response.status_code == 422
    assert field in response.context["form"].errors
    body = html.unescape(text(response))  # &#39; from the form renderer, &#x27; elsewhere
    assert message in body
    assert "Would love an intro to someone on Acme's data team." in body
    assert not InboundRequest.objects.exists()


def test_log_refuses_a_contact_and_a_new_name_at_once(client_logged_in, user):
    sara = make_contact(user, "Sara Smith")
    response = client_logged_in.post(LOG, request_form(contact=sara.pk))
    assert response.status_code == 422
    assertContains(response, "You picked Sara Smith already", status_code=422)
    assertContains(response, f'value="{sara.pk}" checked', status_code=422)
    assert not InboundRequest.objects.exists()


def test_log_refuses_a_request_still_to_come(client_logged_in, user):
    later = form_time(user, timezone.now() + timedelta(days=1))
    response = client_logged_in.post(LOG, request_form(received_at=later))
    assertContains(response, "That is still to come", status_code=422)


def test_log_htmx_post_returns_the_logged_fragment(client_logged_in, user):
    response = client_logged_in.post(LOG, request_form(), headers=HTMX)

    inbound = InboundRequest.objects.get()
    body = assert_fragment(response, "Request logged")
    assert f'href="{detail_url(inbound)}"' in body
    assert "Wed 4 Mar, 14:15" in body
    assert hx_trigger(response) == {"requestLogged": {"id": inbound.pk}}


def test_log_htmx_errors_return_the_form_fragment(client_logged_in):
    response = client_logged_in.post(
        LOG, request_form(new_contact_name="", new_contact_organization=""), headers=HTMX
    )
    body = assert_fragment(response, 'id="log-request-form"', status=422)
    assert "Who asked?" in body


# --- detail and answer ---------------------------------------------------------------------


def test_detail_shows_the_request_and_its_drafted_reply(client_logged_in, user):
    inbound = make_request(user, details="Moving into data engineering.")
    create_followups("reciprocity.InboundRequest", [inbound.pk])
    reply = FollowUp.objects.get()

    response = client_logged_in.get(detail_url(inbound))

    body = assert_full_page(response, "Zoe Carter</a>: asked for 15 minutes of my time")
    assert "Moving into data engineering." in body
    assert reply.title in body and f'href="{reply.get_absolute_url()}"' in body
    assert '<pre class="draft"' in body and "Hi Zoe," in body
    for value in ("replied", "helped", "declined"):
        assert f'<input type="hidden" name="status" value="{value}">' in body
    assert f'hx-post="{answer_url(inbound)}"' in body


def test_detail_of_another_users_request_is_404(client_logged_in, other_user):
    theirs = make_request(other_user)
    assert client_logged_in.get(detail_url(theirs)).status_code == 404


def test_detail_login_required(client, user):
    inbound = make_request(user)
    assert_login_redirect(client.get(detail_url(inbound)), detail_url(inbound))


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_detail_wrong_method(client_logged_in, user, method):
    inbound = make_request(user)
    assert_not_allowed(getattr(client_logged_in, method)(detail_url(inbound)), "GET")


def test_answer_closes_the_reply_and_goes_back_to_the_request(client_logged_in, user):
    inbound = make_request(user)
    create_followups("reciprocity.InboundRequest", [inbound.pk])

    response = client_logged_in.post(answer_url(inbound), {"status": "helped"})

    assert response.status_code == 302
    assert response["Location"] == detail_url(inbound)
    inbound.refresh_from_db()
    assert inbound.status == RequestStatus.HELPED
    assert FollowUp.objects.get().status == Status.DONE
    page = client_logged_in.get(detail_url(inbound))
    assertContains(page, "Zoe Carter&#x27;s request: helped.")
    assertContains(page, '<span class="badge status-helped">Helped</span>')
    assertNotContains(page, '<pre class="draft"')


def test_htmx_answer_returns_the_status_fragment(client_logged_in, user):
    inbound = make_request(user)
    create_followups("reciprocity.InboundRequest", [inbound.pk])

    response = client_logged_in.post(answer_url(inbound), {"status": "declined"}, headers=HTMX)

    body = assert_fragment(response, 'id="request-status"')
    assert '<span class="badge status-declined">Declined</span>' in body
    assert "Zoe Carter&#x27;s request: declined." in body
    reply = FollowUp.objects.get()
    assert f"{reply.title}</a> · done" in body  # the reply follow-up is closed
    assert hx_trigger(response) == {"requestAnswered": {"id": inbound.pk}}


@pytest.mark.parametrize("status, why", [
    ("open", "Select a valid choice. open is not one of the available choices."),
    ("maybe", "Select a valid choice. maybe is not one of the available choices."),
    ("", "This field is required."),
])
def test_answer_refuses_other_statuses_with_422_and_the_request_page(
    client_logged_in, user, status, why
):
    inbound = make_request(user, details="Moving into data engineering.")
    create_followups("reciprocity.InboundRequest", [inbound.pk])
    reply = FollowUp.objects.get()

    response = client_logged_in.post(answer_url(inbound), {"status": status})
    body = assert_full_page(response, "That answer was not saved", status=422)
    assert why in body
    assert "Moving into data engineering." in body and reply.title in body
    for value in ("replied", "helped", "declined"):  # the answers, to answer again
        assert f'<input type="hidden" name="status" value="{value}">' in body

    response = client_logged_in.post(answer_url(inbound), {"status": status}, headers=HTMX)
    fragment = assert_fragment(response, 'id="request-status"', status=422)
    assert "That answer was not saved" in fragment and why in fragment
    assert "HX-Trigger" not in response
    assert unchanged(inbound) and FollowUp.objects.get().status == Status.PENDING


def test_answer_another_users_request_is_404(client_logged_in, other_user):
    theirs = make_request(other_user)
    for headers in ({}, HTMX):
        response = client_logged_in.post(answer_url(theirs), {"status": "helped"}, headers=headers)
        assert response.status_code == 404
    assert unchanged(theirs)


def test_answer_login_required(client, user):
    inbound = make_request(user)
    url = answer_url(inbound)
    assert_login_redirect(client.post(url, {"status": "helped"}), url)
    assert_htmx_login_redirect(client.post(url, {"status": "helped"}, headers=HTMX), url)
    assert unchanged(inbound)


@pytest.mark.parametrize("method", ["get", "put", "delete"])
def test_answer_wrong_method(client_logged_in, user, method):
    inbound = make_request(user)
    assert_not_allowed(getattr(client_logged_in, method)(answer_url(inbound)), "POST")
    assert unchanged(inbound)


def test_answer_query_count_holds(client_logged_in, user, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    first = make_request(user)
    create_followups("reciprocity.InboundRequest", [first.pk])
    with CaptureQueriesContext(connection) as one:
        client_logged_in.post(answer_url(first), {"status": "helped"}, headers=HTMX)
    busy = make_request(user, make_contact(user, "Busy Bee"))
    create_followups("reciprocity.InboundRequest", [busy.pk])
    bulk_requests(user, [busy.contact], 200)
    with django_assert_num_queries(len(one)):
        client_logged_in.post(answer_url(busy), {"status": "helped"}, headers=HTMX)


# --- the picker's search -------------------------------------------------------------------


def test_search_finds_the_users_contacts_as_choices(client_logged_in, user, other_user):
    sara = make_contact(user, "Sara Smith", organization="Acme")
    make_contact(user, "John Public")
    make_contact(other_user, "Sarah Secret")

    response = client_logged_in.get(SEARCH, {"q": "sar"}, headers=HTMX)

    body = assert_fragment(
        response, f'<input type="radio" name="contact" value="{sara.pk}"> Sara Smith · Acme'
    )
    assert "John" not in body and "Secret" not in body


def test_search_says_when_nothing_matches(client_logged_in):
    assertContains(client_logged_in.get(SEARCH, {"q": "zzz"}), "No contact matches “zzz”.")
    assert text(client_logged_in.get(SEARCH, {"q": " "})).strip() == ""


def test_search_login_required(client):
    assert_htmx_login_redirect(client.get(SEARCH, headers=HTMX), SEARCH)


def test_search_wrong_method(client_logged_in):
    assert_not_allowed(client_logged_in.post(SEARCH), "GET")


def test_search_query_count_holds(client_logged_in, user, django_assert_num_queries):
    bulk_contacts(user, 1)
    one, _ = count_queries(client_logged_in, SEARCH, data={"q": "person"})
    bulk_contacts(user, 199, prefix="Person B")
    with django_assert_num_queries(one):
        response = client_logged_in.get(SEARCH, {"q": "person"})
    assert text(response).count('type="radio"') == 8


# --- the ledger on a contact's page --------------------------------------------------------


def contact_url(contact: Contact) -> str:
    return reverse("home:contact-detail", args=[contact.pk])


def test_the_contact_page_shows_the_ledger(client_logged_in, user):
    sara = make_contact(user, "Sara Smith")
    make_meeting(user, [sara], invited_by=Invited.ME, paid_by=Paid.THEM)
    make_meeting(user, [sara], invited_by=Invited.THEM, paid_by=Paid.ME)
    Referral.objects.create(
        user=user, referrer=sara, referred=make_contact(user, "John"),
        progress=Progress.MET, intro_status=IntroStatus.CALLED,
    )
    helped = make_request(user, sara, ask=Ask.INTRODUCTION, status=RequestStatus.HELPED)

    response = client_logged_in.get(contact_url(sara))

    body = text(response)
    assert 'id="ledger"' in body
    assert "Sara has helped you 3 times; you have helped Sara 1 time." in body
    meetings = "<strong>2</strong> meetings: you invited 1, Sara invited 1; you paid 1, Sara paid 1"
    assert meetings in body
    assert "Sara paid 1 time when you had invited. If you invite, you pay." in body
    assert "<strong>1</strong> referral, 1 of them met" in body
    assert "<strong>1</strong> introduction made for you (called ahead)" in body
    assert "<strong>1</strong> request for help: 1 helped, 0 replied, 0 declined" in body
    assert "<strong>1</strong> introduction you made for Sara" in body
    assert f'href="{detail_url(helped)}"' in body
    assert f'href="{LOG}?contact={sara.pk}"' in body


def test_an_empty_ledger(client_logged_in, user):
    sara = make_contact(user, "Sara Smith")
    response = client_logged_in.get(contact_url(sara))
    assertContains(response, "Nothing in the ledger yet.")
    assertContains(response, "<strong>0</strong> meetings")


def test_the_ledger_query_count_holds(client_logged_in, user, django_assert_num_queries):
    sara = make_contact(user, "Sara Smith")
    john = make_contact(user, "John Public")
    bulk_meetings(user, 1, contacts=[sara])
    Referral.objects.create(user=user, referrer=sara, referred=john)
    bulk_requests(user, [sara], 1)
    url = contact_url(sara)
    one, response = count_queries(client_logged_in, url)
    assert response.context["ledger"].they_helped == 2

    bulk_meetings(user, 199, contacts=[sara], start=timezone.now() - timedelta(days=30))
    people = bulk_contacts(user, 199)
    Referral.objects.bulk_create(Referral(user=user, referrer=sara, referred=p) for p in people)
    bulk_requests(user, [sara], 199)

    with django_assert_num_queries(one):
        response = client_logged_in.get(url)
    ledger = response.context["ledger"]
    assert (ledger.meetings["total"], ledger.referrals["total"], ledger.requests["total"]) == (
        200, 200, 200,
    )
    assert len(ledger.recent_requests) == 5
    assertContains(response, "<strong>200</strong> requests for help")


def test_the_account_menu_links_to_requests(client_logged_in):
    assertContains(client_logged_in.get(REQUESTS), f'<a href="{REQUESTS}">Requests for help</a>')
