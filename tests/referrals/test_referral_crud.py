"""Referrals added, edited and removed from a contact's page."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from contacts.models import Contact, Source
from followups.models import FollowUp, Status
from meetings.models import Meeting
from referrals.models import IntroStatus, Progress, Referral
from tests.factories import make_contact
from tests.helpers import HTMX, assert_fragment, assert_full_page, assert_not_allowed
from tests.referrals.test_contact_trace import chain_texts

pytestmark = pytest.mark.django_db


def add(client, contact, **data):
    return client.post(reverse("referrals:add-referral", args=[contact.pk]), data)


def add_htmx(client, contact, **data):
    return client.post(reverse("referrals:add-referral", args=[contact.pk]), data, headers=HTMX)


def test_add_someone_they_suggested_and_someone_who_suggested_them(client_logged_in, user):
    sara = Contact.objects.create(user=user, name="Sara Smith")
    page = client_logged_in.get(sara.get_absolute_url()).text
    assert "Whom did Sara suggest?" in page and "Who suggested you talk to Sara?" in page

    response = add(client_logged_in, sara, direction="gave", name="John Public",
                   organization="Acme", reason="he knows everyone", intro_status="asked")
    assert response.url == sara.get_absolute_url()
    john = Contact.objects.get(user=user, name="John Public")
    assert john.source == Source.REFERRAL and john.organization.name == "Acme"
    edge = Referral.objects.get(referred=john)
    assert (edge.referrer, edge.reason, edge.intro_status) == (sara, "he knows everyone", "asked")

    add(client_logged_in, sara, direction="received", name="Bea Bond", intro_status="not_asked")
    bea = Contact.objects.get(user=user, name="Bea Bond")
    assert bea.source == Source.KNEW
    assert Referral.objects.filter(referrer=bea, referred=sara).exists()
    chains = chain_texts(client_logged_in.get(sara.get_absolute_url()).text)
    assert chains == ["You → Bea Bond → Sara Smith"]


@pytest.mark.parametrize("name, message", [
    ("Sara Smith", "Nobody can refer you to themselves."),
    ("John Public", "Sara Smith referred you to John Public already."),
    ("", "This field is required."),
])
def test_mistakes_are_422_keep_what_was_typed_and_save_nothing(
    client_logged_in, user, name, message
):
    sara = Contact.objects.create(user=user, name="Sara Smith")
    john = make_contact(user, "John Public", organization="Acme & Sons")
    Referral.objects.create(user=user, referrer=sara, referred=john)
    typed = {"direction": "gave", "name": name, "organization": "Acme & Sons",
             "reason": "runs the <data> meetup", "intro_status": "asked"}

    body = assert_full_page(add(client_logged_in, sara, **typed), message, status=422)
    assert "The referral was not saved" in body
    assert f'value="{name}"' in body if name else 'name="name"' in body
    assert 'value="Acme &amp; Sons"' in body and 'value="runs the &lt;data&gt; meetup"' in body
    assert '<option value="asked" selected>' in body
    assert '<input type="hidden" name="direction" value="gave"' in body
    assert f'action="{reverse("referrals:add-referral", args=[sara.pk])}"' in body
    assert f'href="{sara.get_absolute_url()}"' in body  # the way back

    fragment = assert_fragment(add_htmx(client_logged_in, sara, **typed), message, status=422)
    assert 'value="Acme &amp; Sons"' in fragment and 'name="submission_key"' in fragment
    assert Referral.objects.count() == 1 and Contact.objects.count() == 2


def test_a_mistake_on_the_received_side_keeps_its_question(client_logged_in, user):
    sara = Contact.objects.create(user=user, name="Sara Smith")
    response = add(client_logged_in, sara, direction="received", name="  ", intro_status="x")
    body = assert_full_page(response, "Who suggested you talk to Sara?", status=422)
    assert "Select a valid choice. x is not one of the available choices." in body
    assert '<input type="hidden" name="direction" value="received"' in body
    assert not Referral.objects.exists()


def test_a_fixed_mistake_saves_with_the_same_submission_key(client_logged_in, user):
    sara = Contact.objects.create(user=user, name="Sara Smith")
    key = "6b0d1c1e-64c4-4a84-9f55-2f3b0b9e6c11"
    bad = add(client_logged_in, sara, direction="gave", name="", submission_key=key)
    assert bad.status_code == 422 and f'name="submission_key" value="{key}"' in bad.text
    good = add(client_logged_in, sara, direction="gave", name="John Public",
               intro_status="not_asked", submission_key=key)
    assert good.status_code == 302 and good.url == sara.get_absolute_url()
    assert Referral.objects.get().referred.name == "John Public"


def test_edit_moves_the_referral_on_and_settles_its_follow_ups(client_logged_in, user):
    sara = Contact.objects.create(user=user, name="Sara Smith")
    john = Contact.objects.create(user=user, name="John Public")
    referral = Referral.objects.create(user=user, referrer=sara, referred=john)
    ask = FollowUp.objects.create(user=user, kind="ask_intro", referral=referral,
                                  due_at=referral.created_at, title="Ask Sara")
    url = reverse("referrals:edit-referral", args=[referral.pk])
    assert "Sara Smith → John Public" in client_logged_in.get(url).text
    response = client_logged_in.post(url, {
        "reason": "runs the meetup", "intro_status": "called", "progress": "contacted",
        "referred_on": "2026-11-02",
    })
    assert response.url == john.get_absolute_url()
    referral.refresh_from_db()
    assert (referral.intro_status, referral.progress) == (IntroStatus.CALLED, Progress.CONTACTED)
    assert FollowUp.objects.get(pk=ask.pk).status == Status.DONE  # asking is moot now
    bad = client_logged_in.post(url, {"reason": "x", "intro_status": "nope", "progress": "met",
                                      "referred_on": "2026-11-02"})
    assert bad.status_code == 422 and "Select a valid choice." in bad.text


def test_a_referral_dated_in_days_still_to_come_is_refused(client_logged_in, user):
    sara = Contact.objects.create(user=user, name="Sara Smith")
    john = Contact.objects.create(user=user, name="John Public")
    referral = Referral.objects.create(user=user, referrer=sara, referred=john)
    url = reverse("referrals:edit-referral", args=[referral.pk])
    later = str(timezone.localdate() + timedelta(days=2))
    response = client_logged_in.post(url, {
        "reason": "runs the meetup", "intro_status": "called", "progress": "contacted",
        "referred_on": later,
    })
    assert response.status_code == 422
    assert "That is still to come: when did they refer you?" in response.text
    assert f'value="{later}"' in response.text
    referral.refresh_from_db()
    assert referral.referred_on == timezone.localdate() and referral.reason == ""


def test_delete_removes_the_edge_and_its_follow_ups_not_the_people(client_logged_in, user):
    sara = Contact.objects.create(user=user, name="Sara Smith")
    john = Contact.objects.create(user=user, name="John Public")
    referral = Referral.objects.create(user=user, referrer=sara, referred=john)
    FollowUp.objects.create(user=user, kind="referral_call", referral=referral,
                            due_at=referral.created_at, title="Call John")
    response = client_logged_in.post(reverse("referrals:delete-referral", args=[referral.pk]))
    assert response.url == john.get_absolute_url()
    assert not Referral.objects.exists() and not FollowUp.objects.exists()
    assert Contact.objects.count() == 2


def test_another_users_referrals_and_contacts_are_404(client_logged_in, user, other_user):
    theirs_a = Contact.objects.create(user=other_user, name="Mallory")
    theirs_b = Contact.objects.create(user=other_user, name="Trent")
    edge = Referral.objects.create(user=other_user, referrer=theirs_a, referred=theirs_b)
    assert add(client_logged_in, theirs_a, direction="gave", name="X").status_code == 404
    for name in ("edit-referral", "delete-referral"):
        assert client_logged_in.post(reverse(f"referrals:{name}", args=[edge.pk])).status_code == 404
    assert Referral.objects.filter(pk=edge.pk).exists()
    assert not Contact.objects.filter(user=user).exists()


def test_login_required_and_methods(client_logged_in, user):
    sara = Contact.objects.create(user=user, name="Sara Smith")
    john = Contact.objects.create(user=user, name="John Public")
    edge = Referral.objects.create(user=user, referrer=sara, referred=john)
    anonymous = Client()
    for url in (reverse("referrals:add-referral", args=[sara.pk]),
                reverse("referrals:edit-referral", args=[edge.pk]),
                reverse("referrals:delete-referral", args=[edge.pk])):
        assert anonymous.post(url).url.startswith(reverse("login"))
    assert_not_allowed(client_logged_in.get(reverse("referrals:add-referral", args=[sara.pk])), "POST")
    assert_not_allowed(client_logged_in.get(reverse("referrals:delete-referral", args=[edge.pk])), "POST")
    assert Referral.objects.filter(pk=edge.pk).exists()


def test_a_referral_that_closes_a_loop_is_saved_with_a_warning_naming_it(client_logged_in, user):
    """Sara named John, John named Alan; Alan naming Sara closes a loop. It is saved
    (people can name each other), and the page says the loop, shortest way round, in
    case one of them was entered the wrong way round."""
    sara = make_contact(user, "Sara Smith")
    john = make_contact(user, "John Public")
    alan = make_contact(user, "Alan Ames")
    bea = make_contact(user, "Bea Bond")
    Referral.objects.create(user=user, referrer=sara, referred=john)
    Referral.objects.create(user=user, referrer=john, referred=alan)
    Referral.objects.create(user=user, referrer=john, referred=bea)
    Referral.objects.create(user=user, referrer=bea, referred=alan)

    response = add(client_logged_in, alan, direction="gave", name="Sara Smith", intro_status="asked")
    assert response.status_code == 302
    assert Referral.objects.filter(referrer=alan, referred=sara).exists()
    page = client_logged_in.get(response.url).text
    assert "Saved: Alan Ames → Sara Smith." in page
    assert (
        '<p class="message warning">That closes a loop: Alan Ames → Sara Smith → John Public'
        " → Alan Ames. If one of these is the wrong way round, edit it.</p>"
    ) in page

    # Two people naming each other is the shortest loop.
    response = add(client_logged_in, bea, direction="received", name="Alan Ames", intro_status="asked")
    page = client_logged_in.get(response.url).text
    assert "That closes a loop: Alan Ames → Bea Bond → Alan Ames." in page


def test_a_referral_that_closes_no_loop_says_nothing_more(client_logged_in, user):
    sara = make_contact(user, "Sara Smith")
    john = make_contact(user, "John Public")
    Referral.objects.create(user=user, referrer=sara, referred=john)
    Referral.objects.create(user=user, referrer=john, referred=make_contact(user, "Alan Ames"))
    # Alan now named by Sara too: two ways to Alan, but no way back to Sara.
    response = add(client_logged_in, sara, direction="gave", name="Alan Ames", intro_status="asked")
    page = client_logged_in.get(response.url).text
    assert "Saved: Sara Smith → Alan Ames." in page
    assert "loop" not in page


def test_a_referral_given_by_another_of_the_people_met_that_closes_a_loop_is_said(
    client_logged_in, user
):
    """At coffee with Sara and John, "Alan" was put down as Sara's; it was John who
    named him, and Alan had named John: saved, and the loop said."""
    sara = make_contact(user, "Sara Smith")
    john = make_contact(user, "John Public")
    alan = make_contact(user, "Alan Ames")
    meeting = Meeting.objects.create(user=user, purpose="Coffee")
    meeting.contacts.set([sara, john])
    referral = Referral.objects.create(user=user, referrer=sara, referred=alan, meeting=meeting)
    Referral.objects.create(user=user, referrer=alan, referred=john)
    url = reverse("referrals:edit-referral", args=[referral.pk])
    fields = {"reason": "", "intro_status": "not_asked", "progress": "not_contacted",
              "referred_on": str(timezone.localdate())}

    page = client_logged_in.post(url, fields | {"referrer": sara.pk}, follow=True).text
    assert "Saved: Sara Smith → Alan Ames." in page and "loop" not in page  # no change of who

    page = client_logged_in.post(url, fields | {"referrer": john.pk}, follow=True).text
    assert "Saved: John Public → Alan Ames." in page
    assert "That closes a loop: John Public → Alan Ames → John Public." in page
