"""Sessions signed in through Django's ModelBackend, from before netcrm's own took its
place (accounts.backends.ModelBackend, which reads the Profile with the user), stay
signed in, and name the new one once saved (accounts.sessions)."""

import pytest
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.models import Session
from django.urls import reverse

from accounts.sessions import CURRENT, FORMER, SessionStore

pytestmark = pytest.mark.django_db


def session_of(user, backend: str) -> str:
    """A session as Django's login() writes it (what a browser holds from before)."""
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = backend
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return store.session_key


def test_a_session_from_djangos_backend_stays_signed_in(client, user):
    assert FORMER not in settings.AUTHENTICATION_BACKENDS
    key = session_of(user, FORMER)
    client.cookies[settings.SESSION_COOKIE_NAME] = key
    response = client.get(reverse("home:dashboard"))
    assert response.status_code == 200
    assert response.wsgi_request.user == user
    stored = SessionStore().decode(Session.objects.get(session_key=key).session_data)
    assert stored[BACKEND_SESSION_KEY] == CURRENT


def test_a_session_naming_an_unknown_backend_is_not_signed_in(client, user):
    client.cookies[settings.SESSION_COOKIE_NAME] = session_of(user, "some.other.Backend")
    response = client.get(reverse("home:dashboard"))
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_logging_in_names_netcrms_backend(client, user):
    user.set_password("a long passphrase")
    user.save()
    response = client.post(
        reverse("login"), {"username": user.username, "password": "a long passphrase"}
    )
    assert response.status_code == 302
    assert client.session[BACKEND_SESSION_KEY] == CURRENT
