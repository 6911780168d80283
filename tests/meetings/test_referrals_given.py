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
