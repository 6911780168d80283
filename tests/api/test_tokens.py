"""Personal tokens: made, named and revoked in Settings, shown once, stored hashed,
last use noted; the API throttles each token (429 with Retry-After)."""

from __future__ import annotations

import hashlib
import uuid
from datetime import timedelta

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from accounts.models import Submission
from api.models import ApiToken
from api.views import NEW_TOKEN_COOKIE
from tests.api.conftest import ApiClient
from tests.helpers import assert_login_redirect, assert_not_allowed

pytestmark = pytest.mark.django_db

TOKENS = reverse("tokens:token-list")


def all_text_in_the_database() -> str:
    """Every row of every table, as text (to look for a secret in it)."""
    found = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            found += [str(row) for row in cursor.fetchall()]
    return "\n".join(found)


def make_token(client, name: str = "my phone"):
    response = client.post(TOKENS, {"name": name, "submission_key": str(uuid.uuid4())})
    assert response.status_code == 302, response.status_code
    page = client.get(TOKENS).text
    start = page.index('id="new-token-value">') + len('id="new-token-value">')
    return page[start:page.index("</code>", start)], page


def test_settings_links_to_the_tokens_page(client_logged_in):
    page = client_logged_in.get(reverse("accounts:settings")).text
    assert "<title>Settings · netcrm</title>" in page
    section = page[page.index('id="api-tokens"'):]
    assert f'href="{TOKENS}"' in section and "<h2>API tokens</h2>" in section


def test_the_tokens_page_needs_a_login(client):
    assert_login_redirect(client.get(TOKENS), TOKENS)


def test_a_new_token_is_shown_once_and_works(client_logged_in, user):
    token, page = make_token(client_logged_in)
    assert token.startswith("ncrm_") and len(token) > 40
    assert "copy it now" in page
    again = client_logged_in.get(TOKENS).text
    assert token not in again and "copy it now" not in again
    row = ApiToken.objects.get()
    assert (row.user, row.name, row.prefix) == (user, "my phone", token[:11])
    assert f"{row.prefix}…" in again and "never used" in again
    client_logged_in.logout()
    response = ApiClient(client_logged_in, token).get("/api/contacts")
    assert response.status_code == 200
    row.refresh_from_db()
    assert row.last_used_at is not None


def test_the_database_never_holds_the_token_only_its_sha256(client_logged_in):
    token, _ = make_token(client_logged_in)
    row = ApiToken.objects.get()
    assert row.digest == hashlib.sha256(token.encode()).hexdigest()
    assert token not in all_text_in_the_database()
    assert token[len(row.prefix):] not in all_text_in_the_database()


def test_the_cookie_that_carries_it_to_the_page_is_short_lived_and_for_that_page(
    client_logged_in,
):
    response = client_logged_in.post(TOKENS, {"name": "phone"})
    cookie = response.cookies[NEW_TOKEN_COOKIE]
    assert cookie["path"] == TOKENS and cookie["httponly"] and cookie["samesite"] == "Strict"
    assert 0 < int(cookie["max-age"]) <= 120
    shown = client_logged_in.get(TOKENS)
    assert shown.cookies[NEW_TOKEN_COOKIE]["max-age"] == 0  # gone once shown


def test_a_double_tap_makes_one_token(client_logged_in):
    key = str(uuid.uuid4())
    for _ in range(2):
        sent = client_logged_in.post(TOKENS, {"name": "phone", "submission_key": key})
        assert sent.status_code == 302
    assert ApiToken.objects.count() == 1
    assert "ncrm_" not in Submission.objects.get().body


@pytest.mark.parametrize("name", ["", "   ", "x" * 101, "a\x00b"])
def test_a_token_without_a_proper_name_is_a_422_keeping_what_was_typed(client_logged_in, name):
    response = client_logged_in.post(TOKENS, {"name": name})
    assert response.status_code == 422
    assert not ApiToken.objects.exists()


def test_revoking_stops_it_at_once(client_logged_in, client, user):
    token, _ = make_token(client_logged_in)
    row = ApiToken.objects.get()
    response = client_logged_in.post(reverse("tokens:revoke-token", args=[row.pk]))
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.revoked_at is not None
    assert "revoked" in client_logged_in.get(TOKENS).text
    client_logged_in.logout()
    assert ApiClient(client, token).get("/api/contacts").status_code == 401


def test_revoking_is_a_post_of_the_owner(client_logged_in, other_user):
    theirs, _ = ApiToken.issue(other_user, "theirs")
    revoke = reverse("tokens:revoke-token", args=[theirs.pk])
    assert client_logged_in.post(revoke).status_code == 404
    assert_not_allowed(client_logged_in.get(revoke), "POST")
    theirs.refresh_from_db()
    assert theirs.revoked_at is None


def test_the_api_takes_no_session_cookie(client_logged_in):
    """Only a token: a page of another site cannot call the API with the user's cookie."""
    assert client_logged_in.get("/api/contacts").status_code == 401
    assert client_logged_in.post(
        "/api/contacts", {"name": "Eve"}, content_type="application/json"
    ).status_code == 401


def test_last_use_is_written_at_most_once_a_minute(api, user, django_assert_num_queries):
    row = ApiToken.objects.get(user=user)
    api.get("/api/followups/queue")
    row.refresh_from_db()
    first = row.last_used_at
    api.get("/api/followups/queue")
    row.refresh_from_db()
    assert row.last_used_at == first
    ApiToken.objects.filter(pk=row.pk).update(last_used_at=timezone.now() - timedelta(minutes=2))
    api.get("/api/followups/queue")
    row.refresh_from_db()
    assert row.last_used_at > first


def test_each_token_is_throttled_with_retry_after(api, client, user, settings):
    settings.API_RATE = "3/min"
    for _ in range(3):
        assert api.get("/api/contacts").status_code == 200
    response = api.get("/api/contacts")
    assert response.status_code == 429
    assert response.json() == {"detail": "Too many requests."}
    assert 0 < int(response["Retry-After"]) <= 60
    other = ApiClient(client, ApiToken.issue(user, "another")[1])
    assert other.get("/api/contacts").status_code == 200  # counted per token


def test_without_redis_the_throttle_lets_requests_through(api, settings, tmp_path):
    settings.API_RATE = "1/min"
    settings.CACHES = settings.CACHES | {
        "api": settings.CACHES["api"] | {"LOCATION": f"unix://{tmp_path}/nobody.sock"}
    }
    assert [api.get("/api/contacts").status_code for _ in range(3)] == [200, 200, 200]


def test_a_token_needs_no_csrf_token_and_a_session_gets_no_way_around_it(user, token):
    """Django's CSRF check is on (as for a real browser): the bearer token is enough for a
    POST; a logged-in session without a token still gets a 401, never a write."""
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    response = ApiClient(strict, token).post("/api/contacts", {"name": "Ada"})
    assert response.status_code == 201, response.content
    strict.force_login(user)
    assert ApiClient(strict, None).post("/api/contacts", {"name": "Eve"}).status_code in (401, 403)
    assert list(user.contact_set.values_list("name", flat=True)) == ["Ada"]
