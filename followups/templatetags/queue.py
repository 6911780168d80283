"""The queue's items, each rendered once and then served from the fragment cache
(netcrm/lib/fragments.py).

An item's key is made of everything the item template reads: the follow-up's id,
kind, status, due time, title, whether it has a draft, its person's id and name,
whether it is late.
"""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString

from netcrm.lib import fragments

register = template.Library()

ITEM_TEMPLATE = "followups/_item.html"
# Bump when _item.html changes shape in a way its inputs don't show (a deploy
# restarts the processes, which empties the per-process cache anyway).
VERSION = 1


def shown(followup, late: bool) -> tuple:
    contact = followup.contact
    return (
        VERSION, followup.pk, followup.kind, followup.status, followup.due_at.isoformat(),
        followup.title, bool(followup.draft), followup.contact_id,
        contact.name if contact else "", late,
    )


@register.simple_tag(takes_context=True)
def queue_items(context, followups, late: bool = False) -> SafeString:
    """The items of `followups`, as `{% include "followups/_item.html" %}` would
    render them, from the "fragments" cache where it has them."""
    return fragments.render_each(
        ITEM_TEMPLATE, followups, "queue-item",
        shown_of=lambda f: shown(f, late),
        context_of=lambda f: {"followup": f, "late": late},
        token=str(context.get("csrf_token", "")),
    )
