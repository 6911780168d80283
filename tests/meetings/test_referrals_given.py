"""A meeting's page shows the referrals given there, with their reasons; its edit
page shows them too, and each can be changed or removed, coming back to the meeting."""

import pytest
from django.urls import reverse

from referrals.models import IntroStatus, Referral
from tests.factories import make_contact, make_meeting

pytestmark = pytest.mark.django_db


@pytest.fixture
def given(user):
    sara, john = make_contact(user, "Sara Smith"), make_contact(user, "John Public")
    meeting = make_meeting(user, [sara])
    referral = Referral.objects.create(
        user=user, referrer=sara, referred=john, meeting=meeting,
        reason="he knows everyone in town",
    )
    return meeting, referral


def test_the_meeting_page_lists_the_referrals_given_there(client_logged_in, given):
    meeting, referral = given
    page = client_logged_in.get(meeting.get_absolute_url()).text
    item = page[page.index(f'id="referral-{referral.pk}"'):]
    assert "Sara Smith</a> → <a" in item and "John Public" in item
    assert "“he knows everyone in town”" in item
    assert "Not asked yet · Not contacted" in item


def test_the_edit_page_shows_them_and_a_change_comes_back_to_the_meeting(
    client_logged_in, given
):
    meeting, referral = given
    edit_page = client_logged_in.get(reverse("meetings:edit-meeting", args=[meeting.pk])).text
    assert "“he knows everyone in town”" in edit_page
    change = reverse("referrals:edit-referral", args=[referral.pk])
    assert f'href="{change}?next={meeting.get_absolute_url()}"' in edit_page

    response = client_logged_in.post(
        change,
        {
            "reason": "she runs the data meetup", "intro_status": IntroStatus.CALLED,
            "progress": "not_contacted", "referred_on": "2026-11-20",
            "next": meeting.get_absolute_url(),
        },
    )

    assert response.status_code == 302
    assert response["Location"] == meeting.get_absolute_url()
    referral.refresh_from_db()
    assert (referral.reason, referral.intro_status) == ("she runs the data meetup", "called")
    assert "“she runs the data meetup”" in client_logged_in.get(meeting.get_absolute_url()).text


def test_removing_one_comes_back_to_the_meeting_and_another_site_is_never_next(
    client_logged_in, given
):
    meeting, referral = given
    delete = reverse("referrals:delete-referral", args=[referral.pk])
    response = client_logged_in.post(delete, {"next": meeting.get_absolute_url()})
    assert response["Location"] == meeting.get_absolute_url()
    assert not Referral.objects.exists()
    assert "No referral from this meeting yet" in client_logged_in.get(
        meeting.get_absolute_url()
    ).text

    other = Referral.objects.create(
        user=referral.user, referrer=referral.referrer, referred=referral.referred
    )
    response = client_logged_in.post(
        reverse("referrals:delete-referral", args=[other.pk]), {"next": "https://evil.example/"}
    )
    assert response["Location"] == referral.referred.get_absolute_url()


@pytest.mark.parametrize("bad", ["a b", "0816-12-26T08:00", "//evil.example/", "javascript:x"])
def test_a_next_that_is_no_path_on_this_site_is_ignored(client_logged_in, given, bad):
    meeting, referral = given
    response = client_logged_in.post(
        reverse("referrals:delete-referral", args=[referral.pk]), {"next": bad}
    )
    assert response.status_code == 302
    assert response["Location"] == referral.referred.get_absolute_url()


def test_who_gave_it_can_be_changed_among_the_people_met_and_its_follow_ups_follow(
    client_logged_in, user
):
    from followups.models import FollowUp
    from followups.services import create_followups

    # Logged before a meeting could say who gave what: Sara was credited, John gave it.
    sara, john, alan = (make_contact(user, n) for n in ("Sara Smith", "John Public", "Alan Ames"))
    meeting = make_meeting(user, [sara, john])
    referral = Referral.objects.create(user=user, referrer=sara, referred=alan, meeting=meeting)
    create_followups("referrals.Referral", [referral.pk])
    ask = FollowUp.objects.get(kind="ask_intro", referral=referral)
    call = FollowUp.objects.get(kind="referral_call", referral=referral)
    assert ask.contact == sara and "Sara" in call.title

    change = reverse("referrals:edit-referral", args=[referral.pk])
    page = client_logged_in.get(change).text
    assert "Who suggested them?" in page
    assert f'<option value="{john.pk}">John Public</option>' in page
    assert f'<option value="{alan.pk}"' not in page  # not the one referred

    response = client_logged_in.post(change, {
        "referrer": john.pk, "reason": "", "intro_status": IntroStatus.NOT_ASKED,
        "progress": "not_contacted", "referred_on": referral.referred_on.isoformat(),
    })
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.referrer == john
    ask.refresh_from_db()
    call.refresh_from_db()
    assert (ask.contact, ask.title, ask.due_at) == (john, "Ask John Public to call Alan Ames ahead", ask.due_at)
    assert "Hi John" in ask.draft
    assert call.title == "Call Alan Ames, mention John Public" and "John Public" in call.draft


def test_the_one_who_gave_it_is_asked_only_where_there_is_a_choice(client_logged_in, given):
    meeting, referral = given  # a meeting with Sara alone
    page = client_logged_in.get(reverse("referrals:edit-referral", args=[referral.pk])).text
    assert "Who suggested them?" not in page


def test_someone_who_referred_them_already_cannot_be_picked(client_logged_in, user):
    sara, john, alan = (make_contact(user, n) for n in ("Sara Smith", "John Public", "Alan Ames"))
    meeting = make_meeting(user, [sara, john])
    referral = Referral.objects.create(user=user, referrer=sara, referred=alan, meeting=meeting)
    Referral.objects.create(user=user, referrer=john, referred=alan)
    response = client_logged_in.post(reverse("referrals:edit-referral", args=[referral.pk]), {
        "referrer": john.pk, "reason": "", "intro_status": IntroStatus.NOT_ASKED,
        "progress": "not_contacted", "referred_on": referral.referred_on.isoformat(),
    })
    assert response.status_code == 422
    assert "John Public referred you to Alan Ames already." in response.text
    referral.refresh_from_db()
    assert referral.referrer == sara

    # Another user's contact, or someone not at the meeting, is no choice.
    other = make_contact(user, "Stan Stranger")
    response = client_logged_in.post(reverse("referrals:edit-referral", args=[referral.pk]), {
        "referrer": other.pk, "reason": "", "intro_status": IntroStatus.NOT_ASKED,
        "progress": "not_contacted", "referred_on": referral.referred_on.isoformat(),
    })
    assert response.status_code == 422
    referral.refresh_from_db()
    assert referral.referrer == sara


@pytest.mark.parametrize("odd", ["\x00", "9" * 100_000, "abc"])
def test_an_odd_referrer_is_refused(client_logged_in, user, odd):
    sara, john, alan = (make_contact(user, n) for n in ("Sara Smith", "John Public", "Alan Ames"))
    referral = Referral.objects.create(
        user=user, referrer=sara, referred=alan, meeting=make_meeting(user, [sara, john])
    )
    response = client_logged_in.post(reverse("referrals:edit-referral", args=[referral.pk]), {
        "referrer": odd, "reason": "kept", "intro_status": IntroStatus.NOT_ASKED,
        "progress": "not_contacted", "referred_on": referral.referred_on.isoformat(),
    })
    assert response.status_code == 422
    assert 'value="kept"' in response.text
    referral.refresh_from_db()
    assert (referral.referrer, referral.reason) == (sara, "")
