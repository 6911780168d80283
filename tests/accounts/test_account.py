"""Your name and email address, put right after sign-up from the settings page."""

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.urls import reverse
from pytest_django.asserts import assertContains

from followups.services import signature
from tests.conftest import DEFAULT_PASSWORD
from tests.helpers import assert_login_redirect, assert_not_allowed

pytestmark = pytest.mark.django_db

SETTINGS = reverse("accounts:settings")
ACCOUNT = reverse("accounts:edit-account")


def account(**changes) -> dict:
    return {"first_name": "", "last_name": "", "email": "alice@example.com"} | changes


def test_the_settings_page_shows_your_name_and_email_to_change(client_logged_in, user):
    User.objects.filter(pk=user.pk).update(first_name="Alice")
    response = client_logged_in.get(SETTINGS)
    assertContains(response, "<h2>Your name and email</h2>", html=True)
    assertContains(response, 'name="first_name" value="Alice"')
    assertContains(response, 'name="email" value="alice@example.com"')
    assertContains(response, 'autocomplete="current-password"')


def test_a_name_is_changed_without_the_password_and_signs_the_drafts(client_logged_in, user):
    response = client_logged_in.post(
        ACCOUNT, account(first_name="  Zoë 😀 ", last_name="نور")
    )
    assert response.status_code == 302
    assert response["Location"] == SETTINGS
    user.refresh_from_db()
    assert (user.first_name, user.last_name) == ("Zoë 😀", "نور")
    assert signature(user) == "Zoë 😀 نور"
    assert mail.outbox == []
    assertContains(client_logged_in.get(SETTINGS), "Your name and email address are saved.")


def test_a_new_email_needs_the_password_and_keeps_what_was_typed(client_logged_in, user):
    response = client_logged_in.post(
        ACCOUNT, account(first_name="Alice", email="alice.new+jobs@example.com")
    )
    assert response.status_code == 422
    assertContains(response, "To change your email address, type your password.", status_code=422)
    assertContains(response, 'value="alice.new+jobs@example.com"', status_code=422)
    assertContains(response, 'value="Alice"', status_code=422)
    # The page still says where the digest goes now, not the address refused.
    assertContains(response, "Your morning digest goes to alice@example.com", status_code=422)
    user.refresh_from_db()
    assert (user.email, user.first_name) == ("alice@example.com", "")

    response = client_logged_in.post(
        ACCOUNT, account(email="alice.new+jobs@example.com", password="not-it")
    )
    assertContains(response, "That is not your password", status_code=422)
    user.refresh_from_db()
    assert user.email == "alice@example.com"


def test_a_new_email_with_the_password_is_saved_and_the_old_address_told(
    client_logged_in, user
):
    response = client_logged_in.post(
        ACCOUNT, account(email=" Alice.New+jobs@EXAMPLE.com ", password=DEFAULT_PASSWORD)
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.email == "Alice.New+jobs@example.com"
    assert user.check_password(DEFAULT_PASSWORD)
    [notice] = mail.outbox
    assert notice.to == ["alice@example.com"]
    assert "Alice.New+jobs@example.com" in notice.body
    # The next page reads the new address (the signed-in copy kept in Redis is renewed).
    assertContains(client_logged_in.get(SETTINGS), "Your morning digest goes to Alice.New+jobs@example.com")


@pytest.mark.parametrize("email", ["", "not an address"])
def test_an_email_is_still_required_and_must_be_one(client_logged_in, user, email):
    response = client_logged_in.post(ACCOUNT, account(email=email, password=DEFAULT_PASSWORD))
    assert response.status_code == 422
    user.refresh_from_db()
    assert user.email == "alice@example.com"


def test_a_name_too_long_for_its_column_is_refused_not_a_500(client_logged_in, user):
    response = client_logged_in.post(ACCOUNT, account(first_name="x" * 151))
    assert response.status_code == 422
    user.refresh_from_db()
    assert user.first_name == ""


def test_only_ones_own_account_changes(client_logged_in, user, other_user):
    client_logged_in.post(ACCOUNT, account(first_name="Alice", id=other_user.pk))
    other_user.refresh_from_db()
    assert other_user.first_name == ""


def test_login_required(client, user):
    assert_login_redirect(client.post(ACCOUNT, account()), ACCOUNT)
    user.refresh_from_db()
    assert user.first_name == ""


def test_get_is_not_allowed(client_logged_in):
    assert_not_allowed(client_logged_in.get(ACCOUNT), "POST")
