"""The session and the signed-in user (with their Profile) are read from their copies
in Redis once a request has read them (accounts/sessions.py, accounts/identity.py),
and every change to them shows on the next request: a new password, a deactivation,
a deletion, a new timezone, a sign-out. Without Redis, everyone stays signed in."""

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts import identity
from accounts.models import Profile
from netcrm.lib import generations

pytestmark = pytest.mark.django_db

SETTINGS = reverse("accounts:settings")


def tables_read(client, path=SETTINGS):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    return response, " ".join(q["sql"] for q in captured.captured_queries)


def test_the_second_request_reads_neither_the_session_nor_the_user(client, user):
    client.force_login(user)
    first, sql = tables_read(client)  # the session was kept as it was saved
    assert first.status_code == 200 and '"auth_user"' in sql
    second, sql = tables_read(client)
    assert second.status_code == 200 and second.wsgi_request.user == user
    assert '"django_session"' not in sql and '"auth_user"' not in sql
    assert f'"{Profile._meta.db_table}"' not in sql
    assert second.wsgi_request.profile == Profile.objects.get(user=user)


def test_a_new_password_signs_the_old_session_out(client_logged_in, user):
    tables_read(client_logged_in)  # the copies are kept
    user.set_password("another long passphrase")
    user.save()  # as `manage.py changepassword` or the admin site would
    response = client_logged_in.get(SETTINGS)
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_a_deactivated_user_is_signed_out_at_once(client_logged_in, user):
    tables_read(client_logged_in)
    User.objects.filter(pk=user.pk).update(is_active=False)
    response = client_logged_in.get(SETTINGS)
    assert response.status_code == 302 and reverse("login") in response["Location"]
    assert not response.wsgi_request.user.is_authenticated


def test_a_deleted_user_is_signed_out(client_logged_in, user):
    tables_read(client_logged_in)
    user.delete()
    response = client_logged_in.get(SETTINGS)
    assert response.status_code == 302 and reverse("login") in response["Location"]
    assert not response.wsgi_request.user.is_authenticated


def test_a_new_timezone_shows_on_the_next_page(client_logged_in, user):
    tables_read(client_logged_in)
    Profile.objects.filter(user=user).update(timezone="Asia/Tokyo")
    response = client_logged_in.get(SETTINGS)
    assert response.wsgi_request.profile.timezone == "Asia/Tokyo"


def test_the_user_changing_their_own_settings_sees_them_at_once(client_logged_in, user):
    tables_read(client_logged_in)
    with generations.acting_for(user.pk):  # as their own request writes
        Profile.objects.filter(user=user).update(timezone="America/Chicago")
    assert client_logged_in.get(SETTINGS).wsgi_request.profile.timezone == "America/Chicago"


def test_another_users_change_leaves_the_copy_alone(client_logged_in, user, other_user):
    tables_read(client_logged_in)
    with generations.acting_for(other_user.pk):
        Profile.objects.filter(user=other_user).update(timezone="Asia/Tokyo")
    _, sql = tables_read(client_logged_in)
    assert '"auth_user"' not in sql


def test_a_signed_out_session_stays_signed_out(client_logged_in, user):
    tables_read(client_logged_in)
    key = client_logged_in.cookies[settings.SESSION_COOKIE_NAME].value
    client_logged_in.post(reverse("logout"))
    client_logged_in.cookies[settings.SESSION_COOKIE_NAME] = key  # a copied cookie
    response = client_logged_in.get(SETTINGS)
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_a_copy_read_before_a_write_is_never_served_after_it(user):
    """The race: a request reads the tokens, a write commits, the request reads the
    row and keeps it. It was kept under the old tokens, so it is not served."""
    fetched = []

    def fetch_then_written_meanwhile():
        fetched.append(1)
        row = User.objects.select_related("profile").get(pk=user.pk)
        User.objects.filter(pk=user.pk).update(first_name="Newer")  # after our read
        return row

    assert identity.signed_in(user.pk, fetch_then_written_meanwhile).first_name == ""
    newer = identity.signed_in(user.pk, lambda: fetched.append(2) or User.objects.get(pk=user.pk))
    assert newer.first_name == "Newer" and fetched == [1, 2]
    kept = identity.signed_in(user.pk, lambda: pytest.fail("read the database again"))
    assert kept.first_name == "Newer"


@pytest.fixture
def redis_down(settings, tmp_path):
    nowhere = f"unix://{tmp_path}/nobody-listens.sock"
    settings.CACHES = settings.CACHES | {
        alias: settings.CACHES[alias] | {"LOCATION": nowhere}
        for alias in ("generations", "sessions")
    }


def test_without_redis_people_sign_in_stay_signed_in_and_out(client, user, redis_down):
    user.set_password("a long passphrase")
    user.save()
    response = client.post(
        reverse("login"), {"username": user.username, "password": "a long passphrase"}
    )
    assert response.status_code == 302
    for _ in range(2):
        response, sql = tables_read(client)
        assert response.status_code == 200 and response.wsgi_request.user == user
        assert '"django_session"' in sql and '"auth_user"' in sql  # the database's
    client.post(reverse("logout"))
    assert client.get(SETTINGS).status_code == 302
