"""The lead board's cards, each rendered once and then served from the fragment cache
(netcrm/lib/fragments.py): rendering the board's cards was most of its time (40 of 56
ms for a board of seven columns of twelve).

A card's key is made of everything the card reads: the lead's id, role, status,
outcome and when it moved, its organization's id and name, its people's names, and
the page a move returns to.
"""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString

from netcrm.lib import fragments

register = template.Library()

CARD_TEMPLATE = "jobs/list.html#board-card"
VERSION = 1  # bump when the card changes shape in a way its inputs don't show


def shown(lead, next_url: str) -> tuple:
    return (
        VERSION, lead.pk, lead.role, lead.status, lead.outcome, lead.moved_at.isoformat(),
        lead.organization_id, lead.organization_name,
        tuple(person.name for person in lead.contacts.all()), next_url,
    )


@register.simple_tag(takes_context=True)
def lead_cards(context, leads, next_url: str) -> SafeString:
    """The board's cards of `leads` (organization selected, people prefetched), each in
    its <li>, as `{% include "jobs/list.html#lead-card" %}` would render them."""
    return fragments.render_each(
        CARD_TEMPLATE, leads, "lead-card",
        shown_of=lambda lead: shown(lead, next_url),
        context_of=lambda lead: {"lead": lead, "next": next_url},
        token=str(context.get("csrf_token", "")),
    )
