"""The calendar feed: a user's planned meetings and open follow-ups as iCalendar.

Every item is a VEVENT (the one component Google Calendar, Apple Calendar and
Outlook all show from a subscription; none of them shows a VTODO from a feed):

- a meeting from FEED_PAST_DAYS ago on: timed, in the user's timezone (with its
  VTIMEZONE), its agreed length, where, and who and why in the description;
- an open follow-up (pending or snoozed, overdue ones too): an all-day event on the
  day it falls due in the user's timezone, marked free so it blocks no time; a
  priority one (a reply to someone who asked for help) is timed at its due moment,
  because "within hours" is the point.

UIDs are stable (`meeting-<pk>@netcrm`, `followup-<pk>@netcrm`), so a calendar
updates an item in place when it changes.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import icalendar
from django.conf import settings
from django.utils import timezone

from accounts.models import Profile
from followups import kinds
from followups.models import FollowUp
from meetings.models import Meeting

FEED_PAST_DAYS = 30
FEED_LIMIT = 1000  # of each: meetings, follow-ups
PRIORITY_MINUTES = 30


def _link(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def meeting_event(meeting: Meeting, tz, stamp: datetime) -> icalendar.Event:
    event = icalendar.Event()
    event.add("uid", f"meeting-{meeting.pk}@netcrm")
    event.add("dtstamp", stamp)
    event.add("dtstart", meeting.starts_at.astimezone(tz))
    event.add("dtend", meeting.ends_at.astimezone(tz))
    event.add("summary", meeting.title)
    if meeting.location:
        event.add("location", meeting.location)
    people = [
        f"{c.name} ({c.title + ', ' if c.title else ''}{c.organization.name})"
        if c.organization else (f"{c.name} ({c.title})" if c.title else c.name)
        for c in meeting.contacts.all()
    ]
    lines = [f"With: {', '.join(people) or 'nobody yet'}"]
    if meeting.purpose:
        lines.append(f"Purpose: {meeting.purpose}")
    lines.append(f"Agreed length: {meeting.length_minutes} minutes.")
    lines.append(_link(meeting.get_absolute_url()))
    event.add("description", "\n".join(lines))
    event.add("url", _link(meeting.get_absolute_url()))
    event.add("last-modified", meeting.updated_at.astimezone(UTC))
    return event


def followup_event(followup: FollowUp, profile: Profile, stamp: datetime, priority: set[str]) -> icalendar.Event:
    event = icalendar.Event()
    event.add("uid", f"followup-{followup.pk}@netcrm")
    event.add("dtstamp", stamp)
    if followup.kind in priority:
        start = followup.due_at.astimezone(profile.tzinfo)
        event.add("dtstart", start)
        event.add("dtend", start + timedelta(minutes=PRIORITY_MINUTES))
    else:
        day = profile.local_date(followup.due_at)
        event.add("dtstart", day)
        event.add("dtend", day + timedelta(days=1))
        event.add("transp", "TRANSPARENT")
    event.add("summary", f"Follow up: {followup.title}")
    lines = [followup.draft] if followup.draft else []
    lines.append(_link(followup.get_absolute_url()))
    event.add("description", "\n\n".join(lines))
    event.add("url", _link(followup.get_absolute_url()))
    event.add("categories", [followup.get_kind_display()])
    return event


def calendar_feed(user, profile: Profile | None = None, now: datetime | None = None) -> bytes:
    """The user's feed as iCalendar bytes: a fixed number of queries, whatever the
    number of meetings and follow-ups."""
    profile = profile or Profile.for_user(user)
    now = now or timezone.now()
    stamp = now.astimezone(UTC).replace(microsecond=0)
    tz = profile.tzinfo
    cal = icalendar.Calendar()
    cal.add("prodid", "-//netcrm//calendar feed//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", "netcrm")
    cal.add("x-wr-caldesc", "Planned meetings and follow-ups from netcrm")
    cal.add("x-wr-timezone", profile.timezone)
    # How often to look again: Apple and Outlook read these; Google decides itself.
    cal.add("refresh-interval", timedelta(hours=1), parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", "PT1H")
    meetings = (
        Meeting.objects.for_user(user).filter(starts_at__gte=now - timedelta(days=FEED_PAST_DAYS))
        .order_by("starts_at", "pk").with_contacts()[:FEED_LIMIT]
    )
    for meeting in meetings:
        cal.add_component(meeting_event(meeting, tz, stamp))
    priority = set(kinds.priority_kinds())
    for followup in FollowUp.objects.for_user(user).open().order_by("due_at", "pk")[:FEED_LIMIT]:
        cal.add_component(followup_event(followup, profile, stamp, priority))
    cal.add_missing_timezones()
    return cal.to_ical()
