"""The queue's items come from the fragment cache (followups/templatetags/queue.py):
rendered once, served again while what they show is the same, never another
browser's CSRF token, and a change shows at once."""

import re
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from followups.models import FollowUp
from netcrm.lib.fragments import TOKEN_PLACEHOLDER
from tests.conftest import make_user
from tests.factories import make_contact, make_followup

pytestmark = pytest.mark.django_db

DASHBOARD = reverse("home:dashboard")
ITEM = "followups/_item.html"


def item_html(response, followup: FollowUp) -> str:
    html = response.content.decode()
    match = re.search(rf'<article class="followup[^"]*" id="followup-{followup.pk}".*?</article>',
                      html, re.S)
    assert match, f"no item for follow-up {followup.pk}"
    return match.group(0)


def page_token(response) -> str:
    """The token the page gives HTMX (hx-headers on <body>)."""
    return re.search(r'"X-CSRFToken": "([^"]+)"', response.content.decode()).group(1)


def item_tokens(response) -> set[str]:
    return set(re.findall(r'name="csrfmiddlewaretoken" value="([^"]*)"',
                          response.content.decode()))


def due_now(user, **fields) -> FollowUp:
    return make_followup(user, due_at=timezone.now() - timedelta(minutes=5), **fields)


def test_an_item_is_rendered_once_then_served_from_the_cache(client_logged_in, user):
    followup = due_now(user, title="Thank Sara")
    first = client_logged_in.get(DASHBOARD)
    assert ITEM in [t.name for t in first.templates]
    second = client_logged_in.get(DASHBOARD)
    assert ITEM not in [t.name for t in second.templates]
    assert "Thank Sara" in second.content.decode()
    # The cached item is the item: the same HTML but for the token.
    assert item_html(first, followup).replace(page_token(first), "T") == \
        item_html(second, followup).replace(page_token(second), "T")


def test_each_browser_gets_its_own_csrf_token_in_a_cached_item(user):
    followup = due_now(user)
    browsers = [Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)]
    for browser in browsers:
        browser.force_login(user)
    pages = [browser.get(DASHBOARD) for browser in browsers]
    for page in pages:
        assert TOKEN_PLACEHOLDER not in page.content.decode()
        assert item_tokens(page) >= {page_token(page)}
    assert page_token(pages[0]) != page_token(pages[1])
    # The second browser's item came from the cache, and its form still posts (no JS).
    assert ITEM not in [t.name for t in pages[1].templates]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]*)"',
                      item_html(pages[1], followup)).group(1)
    response = browsers[1].post(f"{followup.get_absolute_url()}done/",
                                {"csrfmiddlewaretoken": token})
    assert response.status_code == 302
    followup.refresh_from_db()
    assert followup.status == "done"


def test_a_change_to_what_an_item_shows_shows_at_once(client_logged_in, user):
    sara = make_contact(user, "Sara Smith")
    followup = due_now(user, title="Thank Sara", contact=sara)
    client_logged_in.get(DASHBOARD)
    FollowUp.objects.filter(pk=followup.pk).update(title="Call Sara back", draft="Dear Sara,")
    sara.name = "Sara Smith-Jones"
    sara.save()
    item = item_html(client_logged_in.get(DASHBOARD), followup)
    assert "Call Sara back" in item and "Thank Sara" not in item
    assert "Sara Smith-Jones" in item
    assert "Draft" in item
    FollowUp.objects.filter(pk=followup.pk).update(status="snoozed")
    assert "snoozed" in item_html(client_logged_in.get(DASHBOARD), followup)


def test_an_item_follows_the_users_time_zone(client_logged_in, user):
    followup = due_now(user)
    client_logged_in.get(DASHBOARD)
    user.profile.timezone = "Pacific/Auckland"  # never the same clock time as UTC
    user.profile.save()
    local = timezone.localtime(followup.due_at, timezone=ZoneInfo("Pacific/Auckland"))
    assert local.strftime("%H:%M") in item_html(client_logged_in.get(DASHBOARD), followup)


def test_another_users_item_is_never_served(client_logged_in, user):
    """The key holds the follow-up's id: two users' items with the same title and
    due time are two entries, each with its own links."""
    mallory = make_user("mallory")
    due = timezone.now() - timedelta(minutes=5)
    mine = make_followup(user, due_at=due, title="Same words")
    theirs = make_followup(mallory, due_at=due, title="Same words")
    other = Client()
    other.force_login(mallory)
    other.get(DASHBOARD)
    page = client_logged_in.get(DASHBOARD).content.decode()
    assert f"/followups/{mine.pk}/" in page
    assert f"/followups/{theirs.pk}/" not in page
