"""The contacts list's rows, each rendered once and then served from the fragment
cache (netcrm/lib/fragments.py): rendering 25 rows was most of the list's template
time (6.9 of 11.9 ms for the heavy user's first page).

A row's key is made of everything contacts/_row.html reads: the contact's id, name and
title, their organization's id and name, the last meeting and next follow-up, and
their tags' names.
"""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString

from netcrm.lib import fragments

register = template.Library()

ROW_TEMPLATE = "contacts/_row.html"
VERSION = 2  # bump when _row.html changes shape in a way its inputs don't show


def shown(contact) -> tuple:
    organization = contact.organization
    return (
        VERSION, contact.pk, contact.name, contact.title, contact.organization_id,
        organization.name if organization else "",
        contact.last_meeting.isoformat() if contact.last_meeting else "",
        contact.next_followup.isoformat() if contact.next_followup else "",
        tuple(tag.name for tag in contact.sorted_tags()),
    )


@register.simple_tag
def contact_rows(contacts) -> SafeString:
    """The rows of `contacts` (annotated by ContactQuerySet.with_list_columns, tags
    prefetched by with_tags), as `{% include "contacts/_row.html" %}` would render them."""
    return fragments.render_each(
        ROW_TEMPLATE, contacts, "contact-row", shown_of=shown,
        context_of=lambda c: {"contact": c},
    )
