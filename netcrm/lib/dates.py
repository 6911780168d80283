"""`|when`: a date or time as `|date` writes it, with the year after the day when it
is not this year's, so a meeting of 1901 or a follow-up due next March never reads as
this year's: the template filter of that name (netcrm/templatetags/dates.py, a
builtin of the template engine), and the messages views write.

    {{ followup.due_at|when }}             Mon 1 Mar, 09:00  ·  Mon 1 Mar 2027, 09:00
    {{ meeting.starts_at|when:"l, j F" }}  Tuesday, 1 January  ·  Tuesday, 1 January 1901
"""

from __future__ import annotations

import re
from datetime import date

from django.template.defaultfilters import date as date_filter
from django.utils import timezone

DEFAULT = "D j M, H:i"
_MONTH = re.compile(r"(?<!\\)([MFNbE])")  # the month's letter, which the year follows
_YEAR = re.compile(r"(?<!\\)[Yy]")


def when(value: date | None, fmt: str = DEFAULT) -> str:
    if not value:
        return ""
    if value.year != timezone.localdate().year and not _YEAR.search(fmt):
        fmt = _MONTH.sub(r"\1 Y", fmt, count=1)
    return date_filter(value, fmt)
