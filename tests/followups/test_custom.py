"""Custom follow-ups added by hand: the page, the modal, and the form on a contact's page."""

from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains

from accounts.models import Profile
from followups.models import FollowUp, Status
from tests.factories import bulk_contacts, make_contact
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

ADD = reverse("home:add-followup")
DASHBOARD = reverse("home:dashboard")


def followup_form(**overrides) -> dict:
    data = {
        "title": "Send Alan the article on data hiring",
        "due_at": "2026-11-23T08:30",
        "draft": "Hi Alan, here is the article I mentioned.",
    }
    return data | overrides


def form_time(user, moment) -> str:
    """`moment` as the user's datetime-local input shows it, in their own timezone
    (never the thread's active one, which an earlier request may have left set)."""
    return moment.astimezone(Profile.for_user(user).tzinfo).strftime("%Y-%m-%dT%H:%M")


# --- GET ------------------------------------------------------------------------------------


def test_the_page_shows_the_form_due_tomorrow_morning(client_logged_in, user, other_user):
    Profile.objects.filter(user=user).update(timezone="Asia/Tokyo", morning_hour=7)
    sara = make_contact(user, "Sara Smith")
    make_contact(other_user, "Mallory Secret")
    tomorrow = timezone.localdate(timezone=Profile.for_user(user).tzinfo) + timedelta(days=1)

    response = client_logged_in.get(ADD)

    body = assert_full_page(response, 'id="custom-followup-form"')
    assert f'hx-post="{ADD}"' in body
    assert f'name="due_at" value="{tomorrow:%Y-%m-%d}T07:00"' in body
    assert 'name="title"' in body and 'name="draft"' in body
    assert f'<input type="radio" name="contact" value="{sara.pk}"> Sara Smith' in body
    assert '<input type="radio" name="contact" value="" checked> Nobody in particular' in body
    assert "Mallory" not in body


def test_the_page_prefills_the_contact_given(client_logged_in, user):
    sara = make_contact(user, "Sara Smith", organization="Acme")
    response = client_logged_in.get(ADD, {"contact": sara.pk})
    assertContains(response, f'value="{sara.pk}" checked> Sara Smith · Acme</label>')


@pytest.mark.parametrize("given", ["theirs", "abc", "-1"])
def test_another_users_contact_in_the_query_is_404(client_logged_in, other_user, given):
    theirs = make_contact(other_user, "Mallory Secret")
    value = theirs.pk if given == "theirs" else given
    assert client_logged_in.get(ADD, {"contact": value}).status_code == 404
    assert client_logged_in.get(ADD, {"contact": value}, headers=HTMX).status_code == 404


def test_htmx_get_is_the_form_fragment(client_logged_in, user):
    sara = make_contact(user, "Sara Smith")
    body = assert_fragment(client_logged_in.get(ADD, headers=HTMX), 'id="custom-followup-form"')
    assert 'id="modal-title">Add a follow-up</h1>' in body
    assert f'value="{sara.pk}"' in body
    compact = assert_fragment(
        client_logged_in.get(ADD, {"contact": sara.pk, "compact": "1"}, headers=HTMX),
        "Add a follow-up about Sara",
    )
    assert f'<input type="hidden" name="contact" value="{sara.pk}">' in compact
    assert 'name="q"' not in compact  # no search beside a fixed person


def test_the_dashboard_links_to_it(client_logged_in):
    body = text(client_logged_in.get(DASHBOARD))
    assert f'<a href="{ADD}" hx-get="{ADD}" hx-target="#modal-body"' in body


def test_login_required(client):
    assert_login_redirect(client.get(ADD), ADD)
    assert_htmx_login_redirect(client.get(ADD, headers=HTMX), ADD)
    assert_login_redirect(client.post(ADD, followup_form()), ADD)
    assert not FollowUp.objects.exists()


@pytest.mark.parametrize("method", ["put", "delete", "patch"])
def test_wrong_method(client_logged_in, method):
    assert_not_allowed(getattr(client_logged_in, method)(ADD), "GET, POST")


def test_the_page_query_count_holds(client_logged_in, user, django_assert_num_queries):
    sara = make_contact(user, "Sara Smith")
    bulk_contacts(user, 1)
    one, _ = count_queries(client_logged_in, ADD, data={"contact": sara.pk})
    bulk_contacts(user, 199, prefix="More")
    with django_assert_num_queries(one):
        response = client_logged_in.get(ADD, {"contact": sara.pk})
    assert text(response).count('type="radio" name="contact"') == 1 + 8 + 1


# --- POST -----------------------------------------------------------------------------------


def test_add_a_followup_about_nobody(client_logged_in, user):
    response = client_logged_in.post(ADD, followup_form())

    followup = FollowUp.objects.get()
    assert response.status_code == 302
    assert response["Location"] == DASHBOARD
    assert (followup.user, followup.kind, followup.status) == (user, "custom", Status.PENDING)
    assert followup.title == "Send Alan the article on data hiring"
    assert followup.due_at == datetime(2026, 11, 23, 8, 30, tzinfo=UTC)
    assert followup.draft == "Hi Alan, here is the article I mentioned."
    assert followup.contact is None
    assertContains(client_logged_in.get(DASHBOARD), "Added to your queue: Send Alan the article")


def test_add_a_followup_about_a_contact_goes_back_to_them(client_logged_in, user):
    sara = make_contact(user, "Sara Smith")

    response = client_logged_in.post(ADD, followup_form(contact=sara.pk, draft=""))

    followup = FollowUp.objects.get()
    assert followup.contact == sara and followup.draft == ""
    assert response["Location"] == sara.get_absolute_url()
    page = client_logged_in.get(sara.get_absolute_url())
    assertContains(page, f'<a href="{followup.get_absolute_url()}">{followup.title}</a>')


def test_it_appears_in_the_queue(client_logged_in, user):
    due = form_time(user, timezone.now() - timedelta(minutes=5))
    client_logged_in.post(ADD, followup_form(due_at=due))
    response = client_logged_in.get(DASHBOARD)
    assert [f.title for f in response.context["due_today"] + response.context["overdue"]] == [
        "Send Alan the article on data hiring"
    ]


def test_the_due_time_is_read_in_the_users_timezone(client_logged_in, user):
    Profile.objects.filter(user=user).update(timezone="America/New_York")
    client_logged_in.post(ADD, followup_form(due_at="2026-07-01T09:30"))
    assert FollowUp.objects.get().due_at == datetime(2026, 7, 1, 13, 30, tzinfo=UTC)


def test_another_users_contact_in_the_form_is_404(client_logged_in, other_user):
    theirs = make_contact(other_user, "Mallory Secret")
    for headers in ({}, HTMX):
        response = client_logged_in.post(ADD, followup_form(contact=theirs.pk), headers=headers)
        assert response.status_code == 404
    assert not FollowUp.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"title": ""}, "title", "This field is required."),
        ({"title": "   "}, "title", "This field is required."),
        ({"title": "x" * 201}, "title", "Ensure this value has at most 200 characters"),
        ({"due_at": ""}, "due_at", "This field is required."),
        ({"due_at": "next tuesday"}, "due_at", "Enter a valid date/time."),
    ],
)
def test_errors_are_422_and_keep_the_input(client_logged_in, overrides, field, message):
    response = client_logged_in.post(ADD, followup_form(**overrides))

    assert response.status_code == 422
    assert field in response.context["followup_form"].errors
    body = text(response)
    assert message in body
    assert "Hi Alan, here is the article I mentioned." in body
    assert "Please fix the marked fields" in body
    assert not FollowUp.objects.exists()


def test_htmx_post_returns_the_added_fragment(client_logged_in, user):
    sara = make_contact(user, "Sara Smith")

    response = client_logged_in.post(ADD, followup_form(contact=sara.pk), headers=HTMX)

    followup = FollowUp.objects.get()
    body = assert_fragment(response, "Follow-up added")
    assert f'href="{followup.get_absolute_url()}"' in body
    assert f'about <a href="{sara.get_absolute_url()}">Sara Smith</a>' in body
    assert 'hx-target="#queue"' not in body  # not asked from the dashboard
    assert hx_trigger(response) == {"followupAdded": {"id": followup.pk}}


def test_htmx_post_from_the_dashboard_refreshes_the_queue(client_logged_in):
    headers = HTMX | {"HX-Current-URL": f"http://testserver{DASHBOARD}"}
    response = client_logged_in.post(ADD, followup_form(), headers=headers)
    body = assert_fragment(response, "Follow-up added")
    assert f'hx-get="{DASHBOARD}" hx-trigger="load" hx-target="#queue"' in body


def test_htmx_errors_return_the_form_fragment(client_logged_in, user):
    sara = make_contact(user, "Sara Smith")
    response = client_logged_in.post(
        ADD, followup_form(title="", contact=sara.pk, compact="1"), headers=HTMX
    )
    body = assert_fragment(response, 'id="custom-followup-form"', status=422)
    assert "This field is required." in body
    assert "Add a follow-up about Sara" in body  # still the compact form of her page
    assert "Hi Alan, here is the article I mentioned." in body


# --- on the contact's page -------------------------------------------------------------------


def test_the_contact_page_has_the_form_for_that_contact(client_logged_in, user):
    sara = make_contact(user, "Sara Smith")
    body = text(client_logged_in.get(sara.get_absolute_url()))
    assert "Add a follow-up about Sara" in body
    assert f'<form id="custom-followup-form" method="post" action="{ADD}"' in body
    assert f'<input type="hidden" name="contact" value="{sara.pk}">' in body
    assert 'name="due_at"' in body
