"""Small request helpers every app's views share."""

from __future__ import annotations

from collections.abc import Iterable

from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme

MAX_ID = 2**63 - 1


def ids_from(values: Iterable[str]) -> list[int]:
    """The valid primary keys among query or form values; anything else is dropped."""
    ids = []
    for value in values:
        value = str(value).strip()
        if value.isascii() and value.isdigit() and 0 < int(value) <= MAX_ID:
            ids.append(int(value))
    return list(dict.fromkeys(ids))


def id_from(value: str | None) -> int | None:
    found = ids_from([value or ""])
    return found[0] if found else None


def wants_fragment(request: HttpRequest) -> bool:
    """An HTMX request that swaps part of a page (not htmx restoring history)."""
    return bool(request.htmx) and not request.htmx.history_restore_request


def form_data(request: HttpRequest):
    """POST data for a form, None on GET: an empty POST is still a (bound) submission."""
    return request.POST if request.method == "POST" else None


def next_url(request: HttpRequest) -> str:
    """Where to go back to (`next` in the form or the query), if it is on this site."""
    value = request.POST.get("next") or request.GET.get("next") or ""
    if value and url_has_allowed_host_and_scheme(value, {request.get_host()}, request.is_secure()):
        return value
    return ""
