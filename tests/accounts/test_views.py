"""Views of accounts/: sign up, settings."""

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.test import Client
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from accounts.models import Profile
from followups.services import signature
from tests.factories import make_contact, make_meeting
from tests.helpers import assert_login_redirect, assert_not_allowed, text

pytestmark = pytest.mark.django_db

SIGNUP = reverse("accounts:signup")
SETTINGS = reverse("accounts:settings")
DASHBOARD = reverse("home:dashboard")


def signup_form(**overrides) -> dict:
    data = {
        "username": "sara",
        "email": "sara@example.com",
        "password1": "a-long-unusual-passphrase",
        "password2": "a-long-unusual-passphrase",
    }
    return data | overrides


CHANGES = {"timezone": "Europe/Paris", "morning_hour": 7, "thank_you_delay_days": 2}


def save_settings(client, **changes):
    """POST the settings form as the page shows it (every field), with `changes`."""
    form = client.get(SETTINGS).context["form"]
    data = {name: form[name].value() for name in form.fields}
    return client.post(SETTINGS, data | CHANGES | changes)


# --- sign up -------------------------------------------------------------------------------


def test_signup_page_shows_the_form(client):
    response = client.get(SIGNUP)
    assertContains(response, "<h1>Sign up</h1>", html=True)
    for field in ("username", "first_name", "last_name", "email", "password1", "password2"):
        assertContains(response, f'name="{field}"')
    assertContains(response, "Create account")
    # The timezone: the server's default, marked for the page's script to replace with
    # the browser's own (static/js/app.js); without JavaScript it stays UTC.
    select = re.search(r"<select[^>]*name=\"timezone\"[^>]*>", response.text).group(0)
    assert "data-browser-timezone" in select
    assertContains(response, '<option value="UTC" selected>UTC</option>', html=True)
    assertContains(response, '<option value="Europe/Berlin">Europe/Berlin</option>', html=True)
    # Places people live in, not the database's own names nor bare offsets.
    for odd in ("Factory", "localtime", "posixrules", "EST5EDT", "Etc/GMT+5"):
        assert f'value="{odd}"' not in response.text, odd


def test_a_profile_set_to_a_name_no_longer_offered_keeps_it_in_settings(client_logged_in, user):
    from accounts.models import Profile

    Profile.objects.filter(user=user).update(timezone="EST5EDT")
    response = client_logged_in.get(SETTINGS)
    assertContains(response, '<option value="EST5EDT" selected>EST5EDT</option>', html=True)
    assert save_settings(client_logged_in, timezone="EST5EDT").status_code == 302


def test_signup_creates_user_and_profile_and_logs_in(client):
    response = client.post(SIGNUP, signup_form(
        first_name="Sara", last_name="Smith", timezone="Europe/Berlin",
    ))

    assert response.status_code == 302
    assert response["Location"] == DASHBOARD
    user = User.objects.get(username="sara")
    assert (user.email, user.first_name, user.last_name) == ("sara@example.com", "Sara", "Smith")
    assert user.check_password("a-long-unusual-passphrase")
    profile = Profile.objects.get(user=user)
    assert (profile.timezone, profile.morning_hour, profile.thank_you_delay_days) == (
        "Europe/Berlin", 9, 1,
    )
    assert int(client.session["_auth_user_id"]) == user.pk
    # Drafted notes are signed with the name given.
    assert signature(user) == "Sara Smith"
    # The address gets a welcome that names the account.
    assert [m.to for m in mail.outbox] == [["sara@example.com"]]
    assert "Welcome to netcrm" in mail.outbox[0].subject
    assert "Your username is sara." in mail.outbox[0].body
    # The dashboard, now reachable, greets the new user.
    dashboard = client.get(DASHBOARD)
    assertContains(dashboard, "Welcome to netcrm.")
    assertContains(dashboard, "Log out sara")


def test_signup_without_a_name_or_timezone_signs_with_the_username_in_utc(client):
    response = client.post(SIGNUP, signup_form())

    assert response["Location"] == DASHBOARD
    user = User.objects.get(username="sara")
    assert (user.first_name, user.last_name, user.profile.timezone) == ("", "", "UTC")
    assert signature(user) == "sara"


def test_signup_with_a_first_name_only_signs_with_it(client):
    client.post(SIGNUP, signup_form(first_name="  Cher "))
    assert signature(User.objects.get(username="sara")) == "Cher"


def test_signup_rejects_an_unknown_timezone_and_keeps_the_choice_made(client):
    response = client.post(SIGNUP, signup_form(timezone="Mars/Olympus_Mons"))
    assertContains(response, "Select a valid choice.", status_code=422)
    assert not User.objects.exists()

    response = client.post(SIGNUP, signup_form(timezone="Asia/Tokyo", password2="different-9"))
    assertContains(
        response, '<option value="Asia/Tokyo" selected>Asia/Tokyo</option>', html=True,
        status_code=422,
    )
    # A choice made is the person's: the script must not replace it with the browser's.
    select = re.search(r"<select[^>]*name=\"timezone\"[^>]*>", response.text).group(0)
    assert "data-browser-timezone" not in select


# --- sign up does not tell who has an account --------------------------------------------


def without_tokens(html: str) -> str:
    """A page with its per-request secrets (CSRF token, CSP nonce) blanked."""
    html = re.sub(r'(name="csrfmiddlewaretoken" value=")[^"]+', r"\1-", html)
    html = re.sub(r'("X-CSRFToken": ")[^"]+', r"\1-", html)
    return re.sub(r'nonce="[^"]+"', 'nonce="-"', html)


def sign_up_and_look(client, **overrides) -> dict:
    """Everything a person signing up sees: the response, its cookies, the next page."""
    response = client.post(SIGNUP, signup_form(**overrides))
    username = overrides.get("username", "sara")
    return {
        "status": response.status_code,
        "location": response.get("Location"),
        "cookies": sorted(response.cookies),
        "body": response.content,
        "next page": without_tokens(text(client.get(DASHBOARD))).replace(username, "USERNAME"),
        "settings": without_tokens(text(client.get(SETTINGS))).replace(username, "USERNAME"),
    }


@pytest.mark.parametrize("email", ["alice@example.com", "ALICE@example.com"])
def test_signup_with_a_registered_email_looks_exactly_like_a_fresh_one(client, user, email):
    fresh = sign_up_and_look(Client(), username="sara", email="new.person@example.com")
    mail.outbox.clear()

    taken = sign_up_and_look(client, username="sam", email=email)

    assert fresh["status"] == 302
    assert taken == fresh | {"settings": fresh["settings"].replace("new.person@example.com", email)}
    # An account is made either way; the existing one is untouched.
    sam = User.objects.get(username="sam")
    assert sam.email == email and sam.profile.timezone == "UTC"
    user.refresh_from_db()
    assert user.check_password("correct-horse-battery") and user.email == "alice@example.com"
    # The address gets one email either way: here a notice to the owner it already has.
    assert len(mail.outbox) == 1
    notice = mail.outbox[0]
    assert notice.to == [email]
    assert "already" in notice.subject
    assert "your account alice" in notice.body
    assert "sam" in notice.body
    assert "/accounts/password_reset/" in notice.body


def test_a_mistake_looks_the_same_whether_or_not_the_email_is_registered(client, user):
    fresh = client.post(SIGNUP, signup_form(email="new@example.com", password2="oops-no"))
    taken = client.post(SIGNUP, signup_form(email="alice@example.com", password2="oops-no"))

    assert fresh.status_code == taken.status_code == 422
    assertContains(taken, "The two password fields didn", status_code=422)
    assert without_tokens(fresh.text.replace("new@example.com", "alice@example.com")) == (
        without_tokens(taken.text)
    )
    assert mail.outbox == []


def test_signup_rejects_a_username_in_use(client, user):
    response = client.post(SIGNUP, signup_form(username="ALICE"))

    assertContains(response, "A user with that username already exists.", status_code=422)
    assert User.objects.count() == 1


def test_signup_rejects_mismatched_passwords(client):
    response = client.post(SIGNUP, signup_form(password2="something-else-entirely"))

    assertContains(response, "The two password fields didn", status_code=422)
    assert not User.objects.exists()
    assert not Profile.objects.exists()


def test_signup_when_logged_in_goes_to_the_dashboard(client_logged_in):
    response = client_logged_in.get(SIGNUP)
    assert response.status_code == 302
    assert response["Location"] == DASHBOARD

    response = client_logged_in.post(SIGNUP, signup_form())
    assert response["Location"] == DASHBOARD
    assert not User.objects.filter(username="sara").exists()


@pytest.mark.parametrize("method", ["put", "delete", "patch"])
def test_signup_wrong_method(client, method):
    response = getattr(client, method)(SIGNUP)
    assert_not_allowed(response, "GET, POST")
    assert not User.objects.exists()


# --- settings ------------------------------------------------------------------------------


def test_settings_shows_the_current_values(client_logged_in, user):
    Profile.objects.filter(user=user).update(timezone="Asia/Tokyo", morning_hour=6)

    response = client_logged_in.get(SETTINGS)

    assertContains(response, '<option value="Asia/Tokyo" selected>Asia/Tokyo</option>', html=True)
    assertContains(response, 'name="morning_hour" value="6"')
    assertContains(response, 'name="thank_you_delay_days" value="1"')


def test_settings_saves_timezone_and_morning_hour(client_logged_in, user):
    response = save_settings(client_logged_in)

    assert response.status_code == 302
    assert response["Location"] == SETTINGS
    profile = Profile.objects.get(user=user)
    assert (profile.timezone, profile.morning_hour, profile.thank_you_delay_days) == (
        "Europe/Paris", 7, 2,
    )
    page = client_logged_in.get(SETTINGS)
    assertContains(page, "Settings saved.")
    assertContains(page, '<option value="Europe/Paris" selected>Europe/Paris</option>', html=True)


def test_saved_timezone_is_used_to_show_times(client_logged_in, user):
    meeting = make_meeting(
        user, [make_contact(user)], starts_at=datetime(2025, 1, 6, 23, 30, tzinfo=ZoneInfo("UTC"))
    )
    url = meeting.get_absolute_url()
    # Another year's: with its year.
    assertContains(client_logged_in.get(url), "Monday 6 January 2025, 23:30")

    save_settings(client_logged_in, timezone="Asia/Tokyo")

    assertContains(client_logged_in.get(url), "Tuesday 7 January 2025, 08:30")


@pytest.mark.parametrize("hour", [24, 99, -1])
def test_settings_rejects_an_hour_outside_the_day(client_logged_in, user, hour):
    response = save_settings(client_logged_in, morning_hour=hour)

    assert response.status_code != 302
    body = text(response)
    assert "Pick an hour from 0 to 23." in body or "greater than or equal to 0" in body
    assert f'name="morning_hour" value="{hour}"' in body
    profile = Profile.objects.get(user=user)
    assert (profile.timezone, profile.morning_hour) == ("UTC", 9)


def test_settings_rejects_hour_24_with_its_message(client_logged_in, user):
    response = save_settings(client_logged_in, morning_hour=24)
    assertContains(response, "Pick an hour from 0 to 23.", status_code=422)
    assertNotContains(response, "Settings saved.", status_code=422)
    assert Profile.objects.get(user=user).morning_hour == 9


def test_settings_rejects_an_unknown_timezone(client_logged_in, user):
    response = save_settings(client_logged_in, timezone="Mars/Olympus_Mons")

    assertContains(response, "Select a valid choice.", status_code=422)
    assert Profile.objects.get(user=user).timezone == "UTC"


def test_settings_creates_a_missing_profile(client):
    user = User.objects.create_user("bob", "bob@example.com", "pw-bob-12345")
    client.force_login(user)

    response = client.get(SETTINGS)

    assertContains(response, 'name="morning_hour" value="9"')
    assert Profile.objects.filter(user=user).count() == 1


def test_settings_changes_only_ones_own_profile(client_logged_in, user, other_user):
    save_settings(client_logged_in, timezone="America/Lima", morning_hour=5)

    assert Profile.objects.get(user=user).timezone == "America/Lima"
    other = Profile.objects.get(user=other_user)
    assert (other.timezone, other.morning_hour) == ("UTC", 9)


def test_settings_login_required(client, user):
    assert_login_redirect(client.get(SETTINGS), SETTINGS)
    assert_login_redirect(client.post(SETTINGS, CHANGES), SETTINGS)
    assert Profile.objects.get(user=user).timezone == "UTC"


@pytest.mark.parametrize("method", ["put", "delete", "patch"])
def test_settings_wrong_method(client_logged_in, user, method):
    response = getattr(client_logged_in, method)(SETTINGS)
    assert_not_allowed(response, "GET, POST")
    assert Profile.objects.get(user=user).timezone == "UTC"


def test_settings_query_count_is_small(client_logged_in, django_assert_max_num_queries):
    # Session, user, profile (middleware and view): no more.
    with django_assert_max_num_queries(4):
        response = client_logged_in.get(SETTINGS)
    assertContains(response, "Save settings")



@pytest.mark.parametrize("theme", ["light", "dark"])
def test_appearance_light_or_dark_or_as_the_device(client_logged_in, user, theme):
    page = client_logged_in.get(SETTINGS).text
    assert "<html lang=\"en\">" in page and 'content="light dark"' in page  # as the device

    assert save_settings(client_logged_in, theme=theme).status_code == 302

    page = client_logged_in.get(SETTINGS).text
    assert f'<html lang="en" data-theme="{theme}">' in page
    assert f'<meta name="color-scheme" content="{theme}">' in page
    save_settings(client_logged_in, theme="auto")
    assert "<html lang=\"en\">" in client_logged_in.get(SETTINGS).text
    assert save_settings(client_logged_in, theme="purple").status_code == 422


def test_signup_tells_the_phone_which_of_your_details_to_fill_in(client):
    html = client.get(SIGNUP).content.decode()
    for name, hint in {
        "username": "username", "first_name": "given-name", "last_name": "family-name",
        "email": "email", "password1": "new-password",
    }.items():
        tag = re.search(rf'<input[^>]*name="{name}"[^>]*>', html).group(0)
        assert f'autocomplete="{hint}"' in tag, name
