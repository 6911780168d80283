"""At a meeting with several people, each referral comes from the one who gave it:
"Who suggested them?" on each row (the first person met when not said)."""

import pytest
from django.urls import reverse

from followups.models import FollowUp
from followups.services import create_followups
from referrals.models import Referral
from tests.factories import make_contact
from tests.meetings.test_views import meeting_form

pytestmark = pytest.mark.django_db

LOG = reverse("meetings:log-meeting")


def rows(*given: dict) -> dict:
    data = {"referrals-TOTAL_FORMS": str(len(given)), "referrals-INITIAL_FORMS": "0"}
    for i, row in enumerate(given):
        data |= {f"referrals-{i}-{key}": value for key, value in row.items()}
        data.setdefault(f"referrals-{i}-intro_status", "not_asked")
    return data


def coffee_with(*people, **more) -> dict:
    """Sara and John met, nobody new (their order in the form is the chips' order)."""
    return meeting_form(new_contact_name="", new_contact_organization="",
                        contacts=[p.pk for p in people]) | more


@pytest.fixture
def sara(user):
    return make_contact(user, "Sara Smith")


@pytest.fixture
def john(user):
    return make_contact(user, "John Public")


def referrers(user) -> dict[str, str]:
    return {r.referred.name: r.referrer.name for r in Referral.objects.filter(user=user)}


def test_each_referral_comes_from_the_person_who_gave_it(client_logged_in, user, sara, john):
    data = coffee_with(sara, john) | rows(
        {"name": "Alan Ames", "suggested_by": str(john.pk)},
        {"name": "Bea Bond", "suggested_by": str(sara.pk)},
    )
    assert client_logged_in.post(LOG, data).status_code == 302
    assert referrers(user) == {"Alan Ames": "John Public", "Bea Bond": "Sara Smith"}

    # The follow-ups go to the one who gave it: ask John for the intro to Alan.
    create_followups("referrals.Referral", list(Referral.objects.values_list("pk", flat=True)))
    ask = FollowUp.objects.get(kind="ask_intro", referral__referred__name="Alan Ames")
    assert (ask.contact, ask.title) == (john, "Ask John Public to call Alan Ames ahead")


def test_not_said_is_the_first_person_met(client_logged_in, user, sara, john):
    data = coffee_with(sara, john) | rows({"name": "Alan Ames"})
    assert client_logged_in.post(LOG, data).status_code == 302
    assert referrers(user) == {"Alan Ames": Referral.objects.get().meeting.contacts.first().name}


def test_the_new_person_can_have_given_it(client_logged_in, user, sara):
    data = coffee_with(sara, new_contact_name="Nina  New") | rows(
        {"name": "Alan Ames", "suggested_by": "new"}
    )
    assert client_logged_in.post(LOG, data).status_code == 302
    assert referrers(user) == {"Alan Ames": "Nina New"}


def test_two_of_them_can_suggest_the_same_person(client_logged_in, user, sara, john):
    data = coffee_with(sara, john) | rows(
        {"name": "Alan Ames", "suggested_by": str(sara.pk)},
        {"name": "Alan Ames", "suggested_by": str(john.pk)},
    )
    assert client_logged_in.post(LOG, data).status_code == 302
    assert sorted(Referral.objects.values_list("referrer__name", "referred__name")) == [
        ("John Public", "Alan Ames"), ("Sara Smith", "Alan Ames"),
    ]
    # One Alan, not two: the second row found the first's new contact.
    assert Referral.objects.values("referred").distinct().count() == 1


def test_the_same_person_twice_from_one_is_still_refused(client_logged_in, user, sara, john):
    data = coffee_with(sara, john) | rows(
        {"name": "Alan Ames", "suggested_by": str(john.pk)},
        {"name": "alan ames", "suggested_by": str(john.pk)},
    )
    response = client_logged_in.post(LOG, data)
    assert response.status_code == 422
    assert "alan ames is on the list twice." in response.text


def test_nobody_refers_you_to_themselves_whoever_is_picked(client_logged_in, user, sara, john):
    data = coffee_with(sara, john) | rows({"name": "John Public", "suggested_by": str(john.pk)})
    response = client_logged_in.post(LOG, data)
    assert response.status_code == 422
    assert "That is John Public: nobody can refer you to themselves." in response.text

    # From Sara, John is a referral to someone she met with you: saved.
    data = coffee_with(sara, john) | rows({"name": "John Public", "suggested_by": str(sara.pk)})
    assert client_logged_in.post(LOG, data).status_code == 302
    assert referrers(user) == {"John Public": "Sara Smith"}


@pytest.mark.parametrize("picked", ["other", "new", "12abc", "999999"])
def test_someone_not_at_the_meeting_is_refused_and_what_was_typed_stays(
    client_logged_in, user, other_user, sara, john, picked
):
    stranger = make_contact(user, "Stan Stranger")
    theirs = make_contact(other_user, "Their Contact")
    value = {"other": str(stranger.pk), "new": "new"}.get(picked, picked)
    if picked == "999999":
        value = str(theirs.pk)
    data = coffee_with(sara, john) | rows(
        {"name": "Alan Ames", "reason": "runs the meetup", "suggested_by": value}
    )
    response = client_logged_in.post(LOG, data)

    assert response.status_code == 422
    assert "Pick someone you met at this meeting." in response.text
    assert not Referral.objects.exists()
    assert 'value="Alan Ames"' in response.text and 'value="runs the meetup"' in response.text
    # The menu comes back with the meeting's two people, shown.
    menu = response.text[response.text.index('name="referrals-0-suggested_by"'):]
    menu = menu[:menu.index("</select>")]
    assert f'<option value="{sara.pk}">Sara Smith</option>' in menu
    assert f'<option value="{john.pk}">John Public</option>' in menu
    assert "Stan Stranger" not in menu and "Their Contact" not in menu


def test_the_menu_shows_only_with_two_people_or_more(client_logged_in, user, sara, john):
    one = client_logged_in.get(LOG + f"?contact={sara.pk}").text
    assert 'data-suggested-by-field hidden' in one

    # Sent back with a mistake elsewhere: two people, the menu shown, the choice kept.
    data = coffee_with(sara, john, starts_at="not a date") | rows(
        {"name": "Alan Ames", "suggested_by": str(john.pk)}
    )
    two = client_logged_in.post(LOG, data).text
    assert "{#" not in two and "comment %}" not in two
    field = two[two.index("data-suggested-by-field"):]
    assert not field.startswith("data-suggested-by-field hidden")
    assert f'<option value="{john.pk}" selected>John Public</option>' in field


def test_an_edited_meeting_takes_referrals_from_its_people_too(client_logged_in, user, sara, john):
    assert client_logged_in.post(LOG, coffee_with(sara, john)).status_code == 302
    meeting = sara.meetings.get()
    edit = reverse("meetings:edit-meeting", args=[meeting.pk])
    data = coffee_with(sara, john) | rows({"name": "Alan Ames", "suggested_by": str(john.pk)})
    assert client_logged_in.post(edit, data).status_code == 302
    assert referrers(user) == {"Alan Ames": "John Public"}


def test_an_empty_row_with_its_menu_set_is_no_referral(client_logged_in, user, sara, john):
    # The menu always sends someone: a row with no name is still an empty row.
    data = coffee_with(sara, john) | rows(
        {"name": "Alan Ames", "suggested_by": str(john.pk)},
        {"name": "", "suggested_by": str(sara.pk)},
    )
    assert client_logged_in.post(LOG, data).status_code == 302
    assert referrers(user) == {"Alan Ames": "John Public"}


def test_the_dialog_says_whom_each_referral_came_from(client_logged_in, user, sara, john):
    data = coffee_with(sara, john) | rows(
        {"name": "Alan Ames", "suggested_by": str(john.pk)}, {"name": "Bea Bond"},
    )
    logged = client_logged_in.post(LOG, data, headers={"HX-Request": "true"}).text
    first = Referral.objects.get(referred__name="Bea Bond").referrer.name
    assert "Alan Ames</a> (from John Public), " in logged
    assert f"Bea Bond</a> (from {first})." in logged

    # One person met: nothing to say.
    data = coffee_with(sara) | rows({"name": "Cy Cole"})
    logged = client_logged_in.post(LOG, data, headers={"HX-Request": "true"}).text
    assert "Cy Cole</a>." in logged and "(from" not in logged


@pytest.mark.parametrize("odd", ["\x00", "9" * 100_000, "1 OR 1=1", "-1"])
def test_an_odd_choice_is_refused_and_nothing_is_lost(client_logged_in, user, sara, john, odd):
    data = coffee_with(sara, john) | rows({"name": "Alan Ames", "suggested_by": odd})
    response = client_logged_in.post(LOG, data)
    assert response.status_code == 422
    assert not Referral.objects.exists()
    assert 'value="Alan Ames"' in response.text
