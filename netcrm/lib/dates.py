"""`|when`: a date or time as `|date` writes it, with the year after the day when it
is not this year's, so a meeting of 1901 or a follow-up due next March never reads as
this year's: the template filter of that name (netcrm/templatetags/dates.py, a
builtin of the template engine), and the messages views write.

    {{ followup.due_at|when }}             Mon 1 Mar, 09:00  ·  Mon 1 Mar 2027, 09:00
    {{ meeting.starts_at|when:"l, j F" }}  Tuesday, 1 January  ·  Tuesday, 1 January 1901
"""

from __future__ import annotations

import re
from datetime import date, datetime

from django.template.defaultfilters import date as date_filter
from django.utils import timezone

DEFAULT = "D j M, H:i"
_MONTH = re.compile(r"(?<!\\)([MFNbE])")  # the month's letter, which the year follows
_YEAR = re.compile(r"(?<!\\)[Yy]")


def when(value: date | None, fmt: str = DEFAULT) -> str:
    if not value:
        return ""
    # The year where the user is: 23:30 UTC on 31 December is already next year in Berlin.
    aware = isinstance(value, datetime) and timezone.is_aware(value)
    shown = timezone.localtime(value) if aware else value
    if shown.year != timezone.localdate().year and not _YEAR.search(fmt):
        fmt = _MONTH.sub(r"\1 Y", fmt, count=1)
    return date_filter(shown, fmt)


def ago(value: date | None) -> str:
    """How long ago `value` was, in whole days of the calendar where the user is: "today",
    "yesterday", "3 days ago", "2 weeks ago", "5 months ago", "2 years ago" (beside a
    date, where "1 day, 11 hours" would say more than anyone needs); a moment still to
    come, "in 3 days". The template filter `|ago`, given the value in the current timezone."""
    if not value:
        return ""
    if isinstance(value, datetime):
        value = (timezone.localtime(value) if timezone.is_aware(value) else value).date()
    days = (timezone.localdate() - value).days
    if days < 0:
        return "tomorrow" if days == -1 else f"in {-days}\xa0days"
    if days < 2:
        return ("today", "yesterday")[days]
    if days < 14:
        return f"{days}\xa0days ago"
    if days < 60:
        return f"{days // 7}\xa0weeks ago"
    if days < 730:
        return f"{days // 30}\xa0months ago"
    return f"{days // 365}\xa0years ago"
