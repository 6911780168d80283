"""The queue's items, each rendered once and then served from the fragment cache.

An item is the same HTML for as long as what it shows is the same: its key is made
of everything the item template reads (the follow-up's id, kind, status, due time,
title, whether it has a draft, its person's id and name, whether it is late) with the
time zone and language it was rendered in. No key is ever invalidated: an edit makes
a new key, and the old entry ages out of the cache. The CSRF token is the one part
that belongs to the browser, not the item: it is rendered as a placeholder and put
in for each response.
"""

from __future__ import annotations

import hashlib

from django import template
from django.core.cache import caches
from django.template.loader import get_template
from django.utils import timezone, translation
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

ITEM_TEMPLATE = "followups/_item.html"
# Bump when _item.html changes shape in a way its inputs don't show (a deploy
# restarts the processes, which empties the per-process cache anyway).
VERSION = 1
TOKEN_PLACEHOLDER = "\x00csrf\x00"
ITEM_TIMEOUT = 24 * 3600


def item_key(followup, late: bool, zone: str, language: str) -> str:
    contact = followup.contact
    shown = (
        VERSION, followup.pk, followup.kind, followup.status, followup.due_at.isoformat(),
        followup.title, bool(followup.draft), followup.contact_id,
        contact.name if contact else "", late, zone, language,
    )
    return "queue-item:" + hashlib.blake2b(repr(shown).encode(), digest_size=16).hexdigest()


@register.simple_tag(takes_context=True)
def queue_items(context, followups, late: bool = False) -> SafeString:
    """The items of `followups`, as `{% include "followups/_item.html" %}` would
    render them, from the "fragments" cache where it has them."""
    followups = list(followups)
    if not followups:
        return mark_safe("")
    cache = caches["fragments"]
    zone, language = timezone.get_current_timezone_name(), translation.get_language() or ""
    keys = [item_key(f, late, zone, language) for f in followups]
    found = cache.get_many(keys)
    missing = {}
    item_template = get_template(ITEM_TEMPLATE)
    parts = []
    for key, followup in zip(keys, followups):
        html = found.get(key)
        if html is None:
            html = item_template.render(
                {"followup": followup, "late": late, "csrf_token": TOKEN_PLACEHOLDER},
                request=None,
            )
            missing[key] = html
        parts.append(html)
    if missing:
        cache.set_many(missing, timeout=ITEM_TIMEOUT)
    token = str(context.get("csrf_token", ""))
    return mark_safe("".join(parts).replace(TOKEN_PLACEHOLDER, token))
