"""The demo account's requests for a meeting (`manage.py seed_demo` calls `seed`).

Made the way the app makes them: each request logged as the form logs it, back-dated
to when it was asked; the engine makes each gentle nudge on the day it fell due; the
user's taps (nudge sent, their answer) are replayed on the day they happened. So
the beat sweep, run right after, finds nothing to add.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.conf import settings

from accounts.models import Profile
from contacts.models import Contact
from followups.models import FollowUp
from followups.services import create_followups
from meetings.models import Meeting
from outreach.models import Answer, Channel, Outreach
from outreach.services import log_outreach, plan_meeting, record_answer
from referrals.models import Referral

Moment = tuple[int, int]  # (days from today, local hour)


@dataclass(frozen=True)
class Ask:
    name: str
    channel: str
    asked: Moment
    purpose: str
    minutes: int = 15
    referrer: str = ""  # drop this person's name (their referral of `name`)
    nudged: Moment | None = None  # the user sent the gentle nudge then
    answer: str = Answer.PENDING
    answered: Moment | None = None
    planned: bool = False  # accepted: link their upcoming meeting


ASKS: tuple[Ask, ...] = (
    Ask("Emily Chen", Channel.EMAIL, (-5, 10), "how Juniper's design and data teams work together",
        referrer="Alan Park", answer=Answer.ACCEPTED, answered=(-4, 9), planned=True),
    Ask("Alex Morgan", Channel.LINKEDIN, (-6, 11), "what moving into fintech analytics was like",
        minutes=30),
    Ask("Kevin O'Brien", Channel.PHONE, (-12, 14), "how Northwind's analysts grow into risk roles",
        answer=Answer.NOT_HIRING, answered=(-12, 15)),
    Ask("Tom Becker", Channel.LINKEDIN, (-20, 10), "how Juniper's data squad finds its people",
        nudged=(-15, 12), answer=Answer.DECLINED, answered=(-13, 16)),
    Ask("Wei Zhang", Channel.EMAIL, (-24, 9), "what freelance data consulting looks like",
        minutes=20, nudged=(-19, 10), answer=Answer.NO_ANSWER, answered=(-10, 18)),
    Ask("Isabel Cruz", Channel.EMAIL, (-2, 9), "how Harbor's design research team uses data"),
)


def seed(user, contacts: dict[str, Contact], now: datetime) -> list[Outreach]:
    """The requests of ASKS, among `contacts` (by name), dated back from `now`."""
    profile = Profile.for_user(user)
    today: date = profile.local_date(now)
    nudge_after = timedelta(days=settings.NETCRM_NUDGE_AFTER_DAYS)

    def at(moment: Moment) -> datetime:
        days, hour = moment
        return min(datetime.combine(today + timedelta(days=days), time(hour), profile.tzinfo), now)

    # As saved now (the seeder's copies may predate a cadence set by an update).
    people = Contact.objects.in_bulk([contacts[row.name].pk for row in ASKS])
    made = []
    for row in ASKS:
        contact = people[contacts[row.name].pk]
        referral = (
            Referral.objects.filter(user=user, referrer__name=row.referrer, referred=contact).first()
            if row.referrer else None
        )
        asked_at = at(row.asked)
        outreach = log_outreach(Outreach(
            user=user, contact=contact, channel=row.channel, asked_at=asked_at,
            purpose=row.purpose, length_minutes=row.minutes, referral=referral,
        ))
        if row.nudged:  # the engine nudged when it was due; the user sent it
            create_followups("outreach.Outreach", [outreach.pk], now=asked_at + nudge_after)
            nudge = FollowUp.objects.get(outreach=outreach, kind="nudge")
            nudge.mark_done(now=at(row.nudged))
        if row.answered:
            record_answer(outreach, row.answer, now=at(row.answered))
        if row.planned:
            meeting = Meeting.objects.for_user(user).filter(
                contacts=contact, starts_at__gt=now
            ).order_by("starts_at").first()
            if meeting:
                plan_meeting(outreach, meeting, now=at(row.answered))
        made.append(outreach)
    # What is still waiting gets its nudge, as the sweep would make it now.
    create_followups("outreach.Outreach", [o.pk for o in made], now=now)
    return made
