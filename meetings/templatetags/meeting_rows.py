"""The meetings list's rows, each rendered once and then served from the fragment
cache (netcrm/lib/fragments.py): the rows were most of the list's template time.

A row's key is made of everything meetings/_row.html reads: the meeting's id, when,
kind and purpose, the referrals given there, its people's ids and names, and in a
searched list the passage that matched.
"""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString

from netcrm.lib import fragments
from netcrm.lib.text import highlight, matched_text

register = template.Library()

ROW_TEMPLATE = "meetings/_row.html"
VERSION = 2  # bump when _row.html changes shape in a way its inputs don't show
# What a search may have found that a row does not show (its people and purpose it does).
UNSHOWN = ("notes", "outcome", "location")
PASSAGE = 120  # characters of it shown around the match


def shown(meeting) -> tuple:
    return (
        VERSION, meeting.pk, meeting.starts_at.isoformat(), meeting.kind, meeting.purpose,
        meeting.referral_count, tuple((c.pk, c.name) for c in meeting.contacts.all()),
        str(meeting.matched),
    )


@register.simple_tag
def meeting_rows(meetings, query: str = "") -> SafeString:
    """The rows of `meetings` (annotated by MeetingQuerySet.with_list_columns, people
    prefetched by with_contacts), as `{% include "meetings/_row.html" %}` would; found
    by `query`, each with the passage of its notes, outcome or place that matched, when
    it is not in what the row shows ("cafe" found "Blue Door Café")."""
    meetings = list(meetings)
    for meeting in meetings:
        passage = matched_text(meeting, UNSHOWN, query) if query else ""
        meeting.matched = highlight(passage, query, limit=PASSAGE) if passage else ""
    return fragments.render_each(
        ROW_TEMPLATE, meetings, "meeting-row", shown_of=shown,
        context_of=lambda m: {"meeting": m},
    )
