"""`|when` (netcrm/lib/dates.py): a date as `|date` writes it, with the year after the
day when it is not this year's; `|ago`: how many days, weeks, months or years ago.
Builtins of the template engine (settings.TEMPLATES), given the value in the current
timezone.
"""

from __future__ import annotations

from django import template

from netcrm.lib.dates import ago, when

register = template.Library()
register.filter("when", when, expects_localtime=True)
register.filter("ago", ago, expects_localtime=True)
