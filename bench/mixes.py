"""What a session of the load asks for, and how often: bench/load.py's sessions pick
their next action with these weights, and bench/mix.py replays the pages among them
in one process."""

from __future__ import annotations

import re
from urllib.parse import urlencode

HEAVY_MIX = {
    "dashboard": 20, "poll": 5, "contacts": 8, "search": 6, "contact": 18, "hub": 1,
    "focus": 1, "meetings": 6, "meeting": 6, "leads": 3, "insights": 2, "events": 2,
    "organizations": 2, "done": 6, "snooze": 3, "log_meeting": 3, "add_contact": 2,
}
ORDINARY_MIX = HEAVY_MIX | {"hub": 0, "focus": 1}
FRAGMENTS = ["son", "mar", "lee", "ann", "kim", "ali", "an", "rob", "eva", "chen"]

# The queue's state the dashboard's refresh includes (templates/followups/dashboard.html).
QUEUE_STATE = re.compile(r'<input type="hidden" name="(v|limit)" value="([^"]*)"')


def queue_state(html: bytes) -> str:
    """The query string the dashboard's refresh sends (its version and limit) as this
    page or answer sets it; "" when it holds none."""
    found = dict(QUEUE_STATE.findall(html.decode("utf-8", "replace")))
    return urlencode(found) if "v" in found else ""


def page_pools(user, rng, heavy: bool) -> dict:
    """The contacts and meetings a session of `user` opens pages of; for the heavy user,
    the deepest person and the first hub, as bench/run.py seeds them (the braid, then
    the hubs)."""
    from contacts.models import Contact
    from meetings.models import Meeting

    contacts = list(Contact.objects.filter(user=user).order_by("pk").values_list("pk", flat=True))
    pools = {
        "contacts": rng.sample(contacts, min(3000, len(contacts))),
        "meetings": list(Meeting.objects.filter(user=user).values_list("pk", flat=True)[:2000]),
    }
    if heavy and len(contacts) >= 500:
        pools["deep"], pools["hub"] = contacts[12 * 5], contacts[13 * 5]
    return pools
