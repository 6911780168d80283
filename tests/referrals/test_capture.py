"""Referrals given at a meeting, captured in the log-a-meeting form."""

import pytest
from django.urls import reverse

from contacts.models import Contact, Organization, Source
from meetings.models import Meeting
from referrals.models import IntroStatus, Progress, Referral

pytestmark = pytest.mark.django_db
LOG = reverse("meetings:log-meeting")


def meeting_with_referrals(*rows, **fields) -> dict:
    data = {
        "new_contact_name": "Sara Smith", "new_contact_organization": "Acme",
        "starts_at": "2026-11-20T10:00", "kind": "coffee", "length_minutes": 15,
        "invited_by": "me", "paid_by": "me",
        "referrals-TOTAL_FORMS": len(rows), "referrals-INITIAL_FORMS": 0,
    } | fields
    for i, row in enumerate(rows):
        data |= {f"referrals-{i}-{key}": value for key, value in row.items()}
        data.setdefault(f"referrals-{i}-intro_status", "not_asked")
    return data


def test_one_submit_saves_meeting_people_and_referrals(client_logged_in, user):
    alan = Contact.objects.create(user=user, name="Alan Ames")
    response = client_logged_in.post(LOG, meeting_with_referrals(
        {"name": "John Public", "organization": "Acme", "reason": "he knows everyone in town",
         "intro_status": "asked"},
        {"name": "alan ames", "reason": "she ran the hiring fair"},
    ))
    meeting = Meeting.objects.get(user=user)
    assert response.url == meeting.get_absolute_url()
    sara = Contact.objects.get(user=user, name="Sara Smith")
    john = Contact.objects.get(user=user, name="John Public")
    assert john.source == Source.REFERRAL
    assert john.organization == Organization.objects.get(user=user, name="Acme")  # reused
    edges = {(r.referrer, r.referred): r for r in Referral.objects.filter(user=user)}
    assert set(edges) == {(sara, john), (sara, alan)}  # Alan matched by name, not duplicated
    assert edges[(sara, john)].reason == "he knows everyone in town"
    assert edges[(sara, john)].intro_status == IntroStatus.ASKED
    assert edges[(sara, john)].meeting == meeting
    assert str(edges[(sara, john)].referred_on) == "2026-11-20"
    assert Contact.objects.filter(user=user, name__iexact="alan ames").count() == 1


def test_blank_rows_are_ignored(client_logged_in, user):
    client_logged_in.post(LOG, meeting_with_referrals({"name": ""}, {"name": "  "}))
    assert Meeting.objects.filter(user=user).count() == 1
    assert Referral.objects.count() == 0


def test_a_self_referral_is_refused_and_nothing_is_saved(client_logged_in, user):
    response = client_logged_in.post(LOG, meeting_with_referrals(
        {"name": "Sara Smith", "reason": "herself"}, {"name": "John Public"},
    ))
    assert response.status_code == 422
    assert "nobody can refer you to themselves" in response.text
    assert 'value="John Public"' in response.text  # what was typed stays
    assert not Meeting.objects.exists() and not Contact.objects.exists()


def test_a_referral_recorded_already_is_refused(client_logged_in, user):
    sara = Contact.objects.create(user=user, name="Sara Smith")
    john = Contact.objects.create(user=user, name="John Public")
    Referral.objects.create(user=user, referrer=sara, referred=john)
    response = client_logged_in.post(LOG, meeting_with_referrals(
        {"name": "John Public"}, new_contact_name="", new_contact_organization="",
        contacts=[sara.pk],
    ))
    assert response.status_code == 422
    assert "Sara Smith referred you to John Public already." in response.text
    assert Referral.objects.count() == 1 and not Meeting.objects.exists()


def test_the_same_name_twice_is_refused(client_logged_in, user):
    response = client_logged_in.post(
        LOG, meeting_with_referrals({"name": "John Public"}, {"name": "john public"})
    )
    assert response.status_code == 422
    assert "is on the list twice" in response.text


def test_a_row_with_a_reason_but_no_name_says_so(client_logged_in, user):
    response = client_logged_in.post(LOG, meeting_with_referrals({"reason": "knows the CFO"}))
    assert response.status_code == 422
    assert "Give their name, or clear this row." in response.text


def test_meeting_the_referred_person_moves_the_referral_to_met(client_logged_in, user):
    sara = Contact.objects.create(user=user, name="Sara Smith")
    john = Contact.objects.create(user=user, name="John Public")
    referral = Referral.objects.create(user=user, referrer=sara, referred=john)
    client_logged_in.post(LOG, meeting_with_referrals(
        new_contact_name="", new_contact_organization="", contacts=[john.pk],
    ))
    referral.refresh_from_db()
    assert referral.progress == Progress.MET
    assert referral.met_meeting == Meeting.objects.get()


def test_planning_a_meeting_with_them_marks_the_referral_contacted(client_logged_in, user):
    sara = Contact.objects.create(user=user, name="Sara Smith")
    john = Contact.objects.create(user=user, name="John Public")
    referral = Referral.objects.create(user=user, referrer=sara, referred=john)
    client_logged_in.post(LOG, meeting_with_referrals(
        new_contact_name="", new_contact_organization="", contacts=[john.pk],
        starts_at="2099-01-05T10:00",
    ))
    referral.refresh_from_db()
    assert referral.progress == Progress.CONTACTED
    assert referral.met_meeting is None


def test_the_logged_partial_prompts_when_no_referral_was_given(client_logged_in, user):
    response = client_logged_in.post(LOG, meeting_with_referrals(), headers={"HX-Request": "true"})
    assert "Did they suggest anyone else to talk to?" in response.text
    response = client_logged_in.post(
        LOG, meeting_with_referrals({"name": "Alan Ames"}, new_contact_name="Bo Bright"),
        headers={"HX-Request": "true"},
    )
    assert "Referrals:" in response.text and "Alan Ames" in response.text


def test_another_referral_row_comes_with_the_next_index(client_logged_in):
    response = client_logged_in.get(reverse("meetings:referral-row"), {"index": 3},
                                    headers={"HX-Request": "true"})
    assert 'name="referrals-3-name"' in response.text
    assert 'name="referrals-TOTAL_FORMS" value="4"' in response.text
    assert "index=4" in response.text
    assert "<html" not in response.text
    # Past the limit, nothing more is added.
    assert client_logged_in.get(reverse("meetings:referral-row"), {"index": 12}).status_code == 204


def test_referral_row_needs_login_and_get(client_logged_in):
    from django.test import Client

    url = reverse("meetings:referral-row")
    assert Client().get(url).url.startswith(reverse("login"))
    assert client_logged_in.post(url).status_code == 405


def test_a_removed_row_is_neither_checked_nor_saved(client_logged_in, user):
    """A row taken out with "Remove" comes as its ticked box alone (app.js drops the
    rest), or with what it held: either way only the rows left are saved, and what it
    held (here a self-referral, a name twice, a name missing) is no mistake."""
    data = meeting_with_referrals(
        {"name": "John Public", "reason": "he knows everyone in town"},
        {"DELETE": "on"},
        {"name": "Sara Smith", "reason": "herself", "DELETE": "on"},
        {"name": "John Public", "DELETE": "on"},
        {"reason": "no name", "DELETE": "on"},
        {"name": "Alan Ames"},
    )
    del data["referrals-1-intro_status"]  # its box alone
    response = client_logged_in.post(LOG, data)
    assert response.status_code == 302
    assert sorted(Referral.objects.filter(user=user).values_list(
        "referrer__name", "referred__name", "reason"
    )) == [
        ("Sara Smith", "Alan Ames", ""), ("Sara Smith", "John Public", "he knows everyone in town"),
    ]
    assert not Contact.objects.filter(user=user, name="").exists()


def test_a_removed_row_stays_removed_when_the_form_comes_back(client_logged_in, user):
    response = client_logged_in.post(LOG, meeting_with_referrals(
        {"name": "John Public"}, {"name": "Bea Bond", "DELETE": "on"}, {"name": "Alan Ames"},
        new_contact_name="",
    ), headers={"HX-Request": "true"})
    assert response.status_code == 422
    html = response.text
    # The row after it keeps its number; the removed one is its ticked box alone, hidden.
    assert 'name="referrals-0-name" value="John Public"' in html
    assert 'name="referrals-2-name" value="Alan Ames"' in html
    assert 'name="referrals-1-name"' not in html and "Bea Bond" not in html
    assert '<div class="referral-row" hidden><input type="checkbox" name="referrals-1-DELETE"' in html
    assert 'name="referrals-1-DELETE" hidden id="id_referrals-1-DELETE" checked' in html
    assert html.count("Remove this referral") == 2
    response = client_logged_in.post(LOG, meeting_with_referrals(
        {"name": "John Public"}, {"DELETE": "on"}, {"name": "Alan Ames"},
    ))
    assert response.status_code == 302
    assert sorted(Referral.objects.values_list("referred__name", flat=True)) == [
        "Alan Ames", "John Public",
    ]


def test_each_row_can_be_removed(client_logged_in):
    page = client_logged_in.get(LOG).text
    assert 'name="referrals-0-DELETE" hidden' in page
    assert page.count("data-remove-referral") == 1
    added = client_logged_in.get(reverse("meetings:referral-row"), {"index": 1},
                                 headers={"HX-Request": "true"}).text
    assert 'name="referrals-1-DELETE" hidden' in added
    assert ">Remove this referral</button>" in added


def test_a_referral_given_at_a_meeting_that_closes_a_loop_is_saved_and_said(client_logged_in, user):
    """John had named Sara; at coffee Sara names John: saved, and the logged meeting
    says the loop (in the dialog with htmx, as a message on the meeting's page without)."""
    sara = Contact.objects.create(user=user, name="Sara Smith")
    john = Contact.objects.create(user=user, name="John Public")
    Referral.objects.create(user=user, referrer=john, referred=sara)
    said = "That closes a loop: Sara Smith → John Public → Sara Smith."
    response = client_logged_in.post(
        LOG, meeting_with_referrals({"name": "John Public"}, {"name": "Alan Ames"},
                                    new_contact_name="", new_contact_organization="",
                                    contacts=[sara.pk]),
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert "Meeting logged" in response.text and said in response.text
    assert response.text.count("closes a loop") == 1  # not Alan's
    assert Referral.objects.filter(referrer=sara, referred=john).exists()

    alan = Contact.objects.get(user=user, name="Alan Ames")
    response = client_logged_in.post(LOG, meeting_with_referrals(
        {"name": "Sara Smith"}, new_contact_name="", new_contact_organization="", contacts=[alan.pk],
        starts_at="2026-11-21T10:00",
    ), follow=True)
    assert "That closes a loop: Alan Ames → Sara Smith → Alan Ames." in response.text


def test_a_referral_added_when_editing_a_meeting_that_closes_a_loop_is_said(client_logged_in, user):
    """Only what the edit adds: a loop closed when the meeting was logged is not said
    again each time it is saved."""
    sara = Contact.objects.create(user=user, name="Sara Smith")
    john = Contact.objects.create(user=user, name="John Public")
    alan = Contact.objects.create(user=user, name="Alan Ames")
    Referral.objects.create(user=user, referrer=john, referred=sara)
    Referral.objects.create(user=user, referrer=alan, referred=sara)
    met = {"new_contact_name": "", "new_contact_organization": "", "contacts": [sara.pk]}
    logged = client_logged_in.post(LOG, meeting_with_referrals({"name": "John Public"}, **met), follow=True)
    assert "That closes a loop: Sara Smith → John Public → Sara Smith." in logged.text
    edit = reverse("meetings:edit-meeting", args=[Meeting.objects.get(user=user).pk])

    response = client_logged_in.post(edit, meeting_with_referrals(**met), follow=True)
    assert "Meeting saved." in response.text and "closes a loop" not in response.text

    response = client_logged_in.post(edit, meeting_with_referrals({"name": "Alan Ames"}, **met), follow=True)
    assert "That closes a loop: Sara Smith → Alan Ames → Sara Smith." in response.text
    assert response.text.count("closes a loop") == 1  # not John's again
    assert Referral.objects.filter(user=user, referrer=sara).count() == 2
