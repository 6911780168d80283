"""The meetings list's rows, each rendered once and then served from the fragment
cache (netcrm/lib/fragments.py): the rows were most of the list's template time.

A row's key is made of everything meetings/_row.html reads: the meeting's id, when,
kind and purpose, the referrals given there, and its people's ids and names.
"""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString

from netcrm.lib import fragments

register = template.Library()

ROW_TEMPLATE = "meetings/_row.html"
VERSION = 1  # bump when _row.html changes shape in a way its inputs don't show


def shown(meeting) -> tuple:
    return (
        VERSION, meeting.pk, meeting.starts_at.isoformat(), meeting.kind, meeting.purpose,
        meeting.referral_count, tuple((c.pk, c.name) for c in meeting.contacts.all()),
    )


@register.simple_tag
def meeting_rows(meetings) -> SafeString:
    """The rows of `meetings` (annotated by MeetingQuerySet.with_list_columns, people
    prefetched by with_contacts), as `{% include "meetings/_row.html" %}` would."""
    return fragments.render_each(
        ROW_TEMPLATE, meetings, "meeting-row", shown_of=shown,
        context_of=lambda m: {"meeting": m},
    )
