"""Assertions the view tests of every app share."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, datetime

from django.conf import settings
from django.db import connection
from django.http import HttpResponse, QueryDict
from django.shortcuts import resolve_url
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

# What htmx sends with every request it makes.
HTMX = {"HX-Request": "true"}


def login_url_for(next_url: str) -> str:
    """Where login_required sends an anonymous request for `next_url`."""
    query = QueryDict(mutable=True)
    query["next"] = next_url
    return f"{resolve_url(settings.LOGIN_URL)}?{query.urlencode(safe='/')}"


def assert_login_redirect(response: HttpResponse, next_url: str) -> None:
    assert response.status_code == 302, response.status_code
    assert response["Location"] == login_url_for(next_url)


def assert_htmx_login_redirect(response: HttpResponse, next_url: str) -> None:
    """An HTMX request sends the whole browser to the login page (not a swapped fragment)."""
    assert response.status_code == 200, response.status_code
    assert response["HX-Redirect"] == login_url_for(next_url)
    assert response.content == b""


def assert_not_allowed(response: HttpResponse, allowed: str) -> None:
    """A 405 that names the methods the view does take."""
    assert response.status_code == 405, response.status_code
    assert response["Allow"] == allowed


def text(response: HttpResponse) -> str:
    return response.content.decode()


def assert_fragment(response: HttpResponse, marker: str, status: int = 200) -> str:
    """The response is the HTMX fragment holding `marker`, not a whole page."""
    body = text(response)
    assert response.status_code == status, response.status_code
    assert marker in body, f"{marker!r} missing from the fragment"
    assert "<html" not in body and "<!doctype" not in body.lower(), "a whole page, not a fragment"
    return body


def assert_full_page(response: HttpResponse, marker: str, status: int = 200) -> str:
    body = text(response)
    assert response.status_code == status, response.status_code
    assert "<html" in body
    assert marker in body, f"{marker!r} missing from the page"
    return body


def hx_trigger(response: HttpResponse) -> dict:
    """The events of the HX-Trigger response header, as a dict."""
    assert "HX-Trigger" in response, "no HX-Trigger header"
    return json.loads(response["HX-Trigger"])


def count_queries(client, url: str, **kwargs) -> tuple[int, HttpResponse]:
    """How many queries one GET of `url` runs, and its response."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, **kwargs)
    assert response.status_code == 200, response.status_code
    return len(queries), response



def watch(read: Callable[[], str]) -> Callable[[str], str]:
    """`changed = watch(read)`, then after each edit `changed(expected)`: `read()` again
    must differ from what it gave last and show `expected`. Returns what it read.
    (For kept pieces of pages: each input of a key, changed in turn, must show.)"""
    seen = [read()]

    def changed(expected: str) -> str:
        now = read()
        assert now != seen[0] and expected in now, expected
        seen[0] = now
        return now

    return changed


def written(moment: date | datetime, fmt: str) -> str:
    """A date as pages write it: `fmt` for strftime, its `{year}` written " 2025" when
    the date is not this year's and left out when it is (`|when`), in the current
    timezone: written(due, "%a %-d %b{year}, %H:%M") is "Wed 4 Mar, 08:00" this year."""
    if isinstance(moment, datetime) and timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    year = "" if moment.year == timezone.localdate().year else f" {moment.year}"
    return moment.strftime(fmt.replace("{year}", year))
