"""Undo, offered for a few seconds after done, skip, snooze or delete.

An offer is a form that posts back (`action`, with hidden `fields`), so it works
without JavaScript. An HTMX response renders it in the fragment it returns; a plain
form post keeps it in the session for the page it redirects to, which shows it once.
It fades after UNDO_SECONDS (CSS, no script); the view it posts to decides whether
it is still honoured.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field

from django.conf import settings
from django.http import HttpRequest

SESSION_KEY = "netcrm.undo"


@dataclass
class Offer:
    text: str
    action: str
    fields: dict[str, str] = field(default_factory=dict)
    until: float = 0.0
    target: str = ""  # an HTMX target: the undo swaps it in place


def offer(
    request: HttpRequest, text: str, action: str, target: str = "", **fields
) -> Offer:
    """An Undo for what was just done. Without a `target` it is kept for the next page
    (the one a plain form post redirects to)."""
    made = Offer(
        text, action, {k: str(v) for k, v in fields.items()},
        time.time() + settings.UNDO_SECONDS, target,
    )
    if not target:
        request.session[SESSION_KEY] = asdict(made)
    return made


def take(request: HttpRequest) -> Offer | None:
    """The offer kept for this page, once, if it has not run out."""
    kept = request.session.pop(SESSION_KEY, None) if hasattr(request, "session") else None
    if not isinstance(kept, dict):
        return None
    try:
        made = Offer(**kept)
    except TypeError:
        return None
    return made if made.until > time.time() else None
