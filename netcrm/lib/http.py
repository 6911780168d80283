"""Small request helpers every app's views share."""

from __future__ import annotations

from collections.abc import Iterable

from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme

from netcrm.lib.text import clean_text

MAX_ID = 2**63 - 1
MAX_ID_DIGITS = len(str(MAX_ID))
QUERY_LENGTH = 200


def whole_number(value) -> int | None:
    """A query or form value as a number from 0 to MAX_ID; None for anything else
    (a sign, a space inside, non-ASCII digits, 5,000 digits)."""
    value = str(value).strip()
    if value.isascii() and value.isdigit() and len(value) <= MAX_ID_DIGITS:
        number = int(value)
        return number if number <= MAX_ID else None
    return None


def ids_from(values: Iterable[str]) -> list[int]:
    """The valid primary keys among query or form values; anything else is dropped."""
    ids = [number for value in values if (number := whole_number(value))]
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
    """Where to go back to (`next` in the form or the query): a path on this site,
    else "" (another site, or anything that is no path at all)."""
    value = request.POST.get("next") or request.GET.get("next") or ""
    on_this_site = url_has_allowed_host_and_scheme(value, {request.get_host()}, request.is_secure())
    return value if value.startswith("/") and on_this_site else ""


def query_text(
    request: HttpRequest, name: str = "q", max_length: int = QUERY_LENGTH, params=None
) -> str:
    """Text typed into a search box (?q=…, or `params`' when given): no control
    characters (PostgreSQL refuses NUL), no longer than any column it is compared with,
    stripped."""
    params = request.GET if params is None else params
    return clean_text(params.get(name, ""), max_length).strip()


def current_path(request: HttpRequest) -> str | None:
    """The path of the page an htmx request came from (HX-Current-URL), or None when
    the header is missing, names another site, or is no URL at all."""
    try:
        return request.htmx.current_url_abs_path
    except ValueError:  # "http://[": urlsplit refuses it
        return None
