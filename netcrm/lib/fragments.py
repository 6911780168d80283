"""Pieces of pages rendered once, then served from the "fragments" cache.

A piece (a queue item, a row of a list) is the same HTML for as long as what it shows
is the same: its key is made of everything its template reads, with the time zone,
language and year it was rendered in. No key is ever invalidated: an edit makes a new key,
and the old entry ages out of the cache. Whatever belongs to the browser, not to the
piece (the CSRF token), is rendered as a placeholder and put in for each response.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable

from django.core.cache import caches
from django.template.loader import get_template
from django.utils import timezone, translation
from django.utils.safestring import SafeString, mark_safe

TOKEN_PLACEHOLDER = "\x00csrf\x00"
TIMEOUT = 24 * 3600


def render_each(
    template_name: str, items: Iterable, kind: str, shown_of: Callable[[object], tuple],
    context_of: Callable[[object], dict], token: str = "",
) -> SafeString:
    """Each of `items` rendered with `template_name` and the context `context_of(item)`,
    joined: from the cache where it has the item's key, else rendered and kept. The key
    is the `kind` of piece, what `shown_of(item)` says it shows, and the time zone,
    language and year it is rendered in."""
    items = list(items)
    if not items:
        return mark_safe("")
    cache = caches["fragments"]
    # The year too: a date shows its year only when it is not this year's (|when).
    rendered_in = (
        timezone.get_current_timezone_name(), translation.get_language() or "",
        timezone.localdate().year,
    )
    keys = [
        f"{kind}:" + hashlib.blake2b(
            repr((*shown_of(item), *rendered_in)).encode(), digest_size=16
        ).hexdigest()
        for item in items
    ]
    found = cache.get_many(keys)
    missing = {}
    template = get_template(template_name)
    parts = []
    for item_key, item in zip(keys, items, strict=True):
        html = found.get(item_key)
        if html is None:
            html = template.render(
                {**context_of(item), "csrf_token": TOKEN_PLACEHOLDER}, request=None
            )
            missing[item_key] = html
        parts.append(html)
    if missing:
        cache.set_many(missing, timeout=TIMEOUT)
    return mark_safe("".join(parts).replace(TOKEN_PLACEHOLDER, token))
