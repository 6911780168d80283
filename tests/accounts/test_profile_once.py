"""The signed-in user's Profile is read once a request, by the middleware
(`request.profile`); views and forms take it from there. Here the database is read
every time: without the copy of the user kept in Redis (tests/accounts/test_identity.py
tests the copy)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, URLResolver, get_resolver, reverse

from accounts import identity
from accounts.models import Profile
from tests.factories import make_contact, make_followup, make_meeting

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_kept_user(monkeypatch):
    """The user and their Profile read from the database on every request."""
    monkeypatch.setattr(identity, "signed_in", lambda user_id, fetch: fetch())

PROFILE_TABLE = Profile._meta.db_table
# The backup carries the Profile's settings as data, read with every other table.
READS_PROFILE_AS_DATA = {"portability:export-backup"}
# No log-in: the address names the feed, read with its owner and their Profile; the
# health check is answered before the session is read, and reads no Profile at all.
NOT_SIGNED_IN = {"portability:calendar-feed", "healthz"}


def url_names(resolver=None, namespace: str = ""):
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from url_names(pattern, inner)
        elif pattern.name:
            yield namespace + pattern.name


def profile_reads(client, method: str, path: str, **kwargs) -> int:
    with CaptureQueriesContext(connection) as captured:
        getattr(client, method)(path, **kwargs)
    return sum(f'"{PROFILE_TABLE}"' in q["sql"] for q in captured.captured_queries)


def test_every_page_reads_the_profile_once(client_logged_in, user):
    contact = make_contact(user, "Ann Bell")
    make_meeting(user, [contact])
    pages = {}
    for name in sorted(set(url_names()) - READS_PROFILE_AS_DATA - NOT_SIGNED_IN):
        for args in ([], [contact.pk]):  # pages without arguments, or one contact's
            try:
                pages[name] = reverse(name, args=args)
                break
            except NoReverseMatch:
                continue
    assert len(pages) > 30 and "portability:export-csv" in pages
    reads = {name: profile_reads(client_logged_in, "get", path) for name, path in pages.items()}
    assert {name: n for name, n in reads.items() if n != 1} == {}


def test_done_and_snooze_read_the_profile_once(client_logged_in, user):
    followup = make_followup(user, contact=make_contact(user, "Ann Bell"))
    htmx = {"HX-Request": "true"}
    for action in ("snooze", "mark-done"):
        path = reverse(f"followups:{action}", args=[followup.pk])
        assert profile_reads(client_logged_in, "post", path, data={"days": "1"}, headers=htmx) == 1


def test_the_user_and_the_profile_are_one_query(client_logged_in, user):
    with CaptureQueriesContext(connection) as captured:
        client_logged_in.get(reverse("accounts:settings"))
    user_reads = [q["sql"] for q in captured.captured_queries if '"auth_user"' in q["sql"]]
    assert len(user_reads) == 1 and f'"{PROFILE_TABLE}"' in user_reads[0]


def test_a_user_without_a_profile_gets_one(client, user):
    Profile.objects.filter(user=user).delete()
    client.force_login(user)
    response = client.get(reverse("accounts:settings"))
    assert response.status_code == 200
    assert response.wsgi_request.profile == Profile.objects.get(user=user)


def test_the_signed_in_user_is_the_user_itself_not_a_lazy_object(client_logged_in, user):
    """Read once, then handed to the view as the User: Django's lazy stand-in raises
    and catches an AttributeError inside every attribute read (issue 11)."""
    request = client_logged_in.get(reverse("home:dashboard")).wsgi_request
    assert type(request.user) is type(user) and request.user.pk == user.pk


def test_a_visitor_is_anonymous_as_before(client):
    request = client.get(reverse("login")).wsgi_request
    assert request.user.is_anonymous and request.profile is None
