"""Is it working? The job search as numbers, from the user's own rows.

Each kind of row (meetings, referrals, leads and their moves, thank-you notes,
requests for help) is read once for the period, as plain values, and counted per
week here: the page makes the same number of queries for ten meetings or ten
thousand. The findings put the numbers in plain words, each citing the rule of the
seed articles it comes from.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from statistics import median

from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from accounts.models import Profile
from contacts.models import Contact, Source
from events.models import Kind as EventKind
from events.stats import outcomes as event_outcomes
from followups.models import FollowUp, Status as FollowUpStatus
from insights.models import WeeklyGoal
from jobs.models import Lead, LeadMove, Outcome as LeadOutcome, Status as LeadStatus
from meetings.followups import ThankYou
from meetings.models import Meeting
from netcrm.lib.prepared import Prepared
from netcrm.lib.text import plural
from outreach.models import Answer, Outreach
from reciprocity.models import InboundRequest, RequestStatus
from referrals.models import IntroStatus, Progress, Referral

WEEKS = 8
LAST_MEETINGS = 6  # "4 of your last 6 meetings…"
BARREN_SHOWN = 5
CALL_WITHIN_DAYS = 7

RULES = {
    "where": "“Networking Not Working? Think Again!”: look at where you network",
    "rule1": "Rule 1 of the eight rules: a networking meeting is not a job interview",
    "rule2": "Rule 2 of the eight rules: drop names; ask the referrer to call ahead",
    "rule5": "Rule 5 of the eight rules: do not leave without another referral",
    "rule6": "Rule 6 of the eight rules: send a thank-you note",
    "rule7": "Rule 7 of the eight rules: reciprocate",
    "rule8": "Rule 8 of the eight rules: integrate job postings with your network",
    "persist": "“What is networking, and why should you care?”: doing it right takes "
               "time, patience and persistence",
}

# Where a meeting came from, by how you met the person, and what to try instead when
# those meetings give no referral.
ADVICE = {
    f"event:{EventKind.SUPPORT_GROUP}": "try a business networking group or a volunteer board",
    f"event:{EventKind.ONLINE}": "meet in person: a coffee beats a chat",
    Source.GROUP: "try a business networking group or a volunteer board",
    Source.EVENT: "set up a coffee outside the event, where you can really talk",
    Source.ONLINE: "meet in person: a coffee beats a chat",
}
DEFAULT_ADVICE = "end each one by asking whom else you could talk to"
EVENTS_SHOWN = 10


def source_key(source: str, event_kind: str | None) -> str:
    """Where a person came from: the kind of event or group you met them at, when
    their "how you met" names one, else how you met."""
    return f"event:{event_kind}" if event_kind else source


def source_label(key: str) -> str:
    if key.startswith("event:"):
        return EventKind(key.removeprefix("event:")).label
    return Source(key).label if key else "Nobody recorded"


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


@dataclass
class Stage:
    key: str
    label: str
    weeks: list[int]

    @property
    def total(self) -> int:
        return sum(self.weeks)


@dataclass
class SourceRow:
    label: str
    meetings: int = 0
    referrals: int = 0
    barren: int = 0

    @property
    def per_meeting(self) -> float:
        return self.referrals / self.meetings if self.meetings else 0.0


@dataclass
class Finding:
    text: str
    rule: str


@dataclass
class ThankYous:
    sent: int = 0
    waiting: int = 0
    skipped: int = 0
    hours: list[float] = field(default_factory=list)

    @property
    def median_hours(self) -> float | None:
        return median(self.hours) if self.hours else None

    @property
    def within_a_day(self) -> int:
        return sum(1 for hours in self.hours if hours <= 36)


@dataclass
class FollowThrough:
    received: int = 0
    warm: int = 0  # the referrer called ahead
    contacted: int = 0
    met: int = 0
    waiting_long: int = 0  # not contacted a week after


@dataclass
class Reciprocity:
    asked_you: int = 0
    answered: int = 0
    helped: int = 0  # of those answered, the ones you helped (not only replied to)
    open: int = 0
    helped_back: int = 0
    helped_you: int = 0  # referrals given to you


@dataclass
class Progress_:
    """This week against the weekly goal."""

    goal: WeeklyGoal
    held: int
    planned: int
    referrals: int

    @property
    def per_meeting(self) -> float:
        return self.referrals / self.held if self.held else 0.0

    @property
    def meetings_left(self) -> int:
        return max(0, self.goal.meetings - self.held)

    @property
    def meetings_met(self) -> bool:
        return self.held >= self.goal.meetings

    @property
    def referrals_met(self) -> bool:
        return self.held > 0 and self.per_meeting >= float(self.goal.referrals_per_meeting)

    @property
    def meetings_percent(self) -> int:
        return min(100, round(100 * self.held / self.goal.meetings))


@dataclass
class Insights:
    weeks: list[date]
    stages: list[Stage]
    sources: list[SourceRow]
    events: list  # events.Event annotated with their outcomes (events.stats.outcomes)
    barren: list[Meeting]
    barren_count: int
    met_count: int
    thank_yous: ThankYous
    follow_through: FollowThrough
    reciprocity: Reciprocity
    findings: list[Finding]
    progress: Progress_
    asks_waiting: int = 0  # requests for a meeting not answered yet
    asks_unanswered: int = 0  # and those that never will be ("No answer")
    mixed_meetings: int = 0  # meetings with people met different ways: in several rows

    @property
    def empty(self) -> bool:
        """Nothing logged to measure: no stage of the funnel, no request for help, no
        event (an account that has only been to events has their table to see)."""
        return not (
            any(stage.total for stage in self.stages) or self.reciprocity.asked_you or self.events
        )

    def steps(self) -> list[str]:
        """The funnel's conversions, in words."""
        by = {stage.key: stage.total for stage in self.stages}
        said = []

        def share(part: int, whole: int) -> str:
            """Of the period's own counts: an interview in it may come from an
            application before it, so a share is at most all of them."""
            return f"{round(100 * min(part, whole) / whole)}%"

        # Of the answered requests: one asked this morning is no "no" yet, and one that
        # got no answer is none.
        answered = by["asked"] - self.asks_waiting - self.asks_unanswered
        waiting = f"; {self.asks_waiting} still waiting" if self.asks_waiting else ""
        if answered:
            said.append(
                f"{share(by['accepted'], answered)} of your answered requests for a meeting "
                f"got a yes{waiting}"
            )
        elif self.asks_waiting:
            said.append(
                f"{plural(self.asks_waiting, 'request for a meeting is', 'requests for a meeting are')}"
                " waiting for an answer"
            )
        elif by["asked"]:
            said.append(f"{plural(by['asked'], 'request')} for a meeting got no answer")
        if by["met"]:
            said.append(f"{by['referrals'] / by['met']:.1f} referrals a meeting")
        # A share of nothing says nothing ("— of referrals…"): left out.
        for part, whole, words in [
            ("warm", "referrals", "of referrals came with a warm intro"),
            ("applied", "leads", "of leads became applications"),
            ("interviews", "applied", "of applications led to an interview"),
            ("offers", "interviews", "of interviews led to an offer"),
        ]:
            if by[whole]:
                said.append(f"{share(by[part], by[whole])} {words}")
        return said


def weekly_progress(user, profile: Profile, now: datetime | None = None) -> Progress_:
    """This week (Monday to Sunday, the user's days): meetings held and planned,
    referrals received, against the goal. Three queries."""
    now = now or timezone.now()
    today = profile.today()
    monday = week_start(today)
    start, end = profile.day_start(monday), profile.day_start(monday + timedelta(days=7))
    held, planned = next(iter(_WEEKS_MEETINGS(user.pk, start, end, now)), (0, 0))
    referrals = sum(_WEEKS_REFERRALS(user.pk, monday, today))
    return Progress_(WeeklyGoal.for_user(user), held, planned, referrals)


# The week's progress, built and compiled once a connection (netcrm/lib/prepared.py):
# each count grouped by the user (one row, or none), so that it is a queryset.
_WEEKS_MEETINGS = Prepared(lambda user_id, start, end, now: (
    Meeting.objects.filter(user_id=user_id, starts_at__gte=start, starts_at__lt=end)
    .order_by().values("user").annotate(
        held=Count("pk", filter=Q(starts_at__lte=now)),
        planned=Count("pk", filter=Q(starts_at__gt=now)),
    ).values_list("held", "planned")
), "the week: meetings held and planned")
_WEEKS_REFERRALS = Prepared(lambda user_id, monday, today: (
    Referral.objects.filter(user_id=user_id, referred_on__gte=monday, referred_on__lte=today)
    .order_by().values("user").annotate(n=Count("pk")).values_list("n", flat=True)
), "the week: referrals received")


# A lead's stages after it is found, in order: reaching one means having passed those
# before it, whether or not it was moved through each (the board moves a lead anywhere).
FUNNEL = (LeadStatus.APPLIED, LeadStatus.INTERVIEWING, LeadStatus.OFFER)


def first_reached(moves) -> dict[str, list[datetime]]:
    """When each lead first reached each stage of FUNNEL, from its moves (lead, to
    status, outcome, at; oldest first): a lead moved from Found to Interviewing counts
    as an application then too, and one closed as won as an offer. Each lead counts
    once a stage, at the first move that took it there or further."""
    reached: dict[str, list[datetime]] = {status: [] for status in FUNNEL}
    furthest: dict[int, int] = {}
    for lead_id, to_status, outcome, at in moves:
        if to_status in FUNNEL:
            stage = FUNNEL.index(to_status)
        elif to_status == LeadStatus.CLOSED and outcome == LeadOutcome.WON:
            stage = len(FUNNEL) - 1
        else:
            continue
        for passed in range(furthest.get(lead_id, -1) + 1, stage + 1):
            reached[FUNNEL[passed]].append(at)
        furthest[lead_id] = max(furthest.get(lead_id, -1), stage)
    return reached


def insights(user, profile: Profile, now: datetime | None = None, weeks: int = WEEKS) -> Insights:
    now = now or timezone.now()
    today = profile.today()
    first_day = week_start(today) - timedelta(weeks=weeks - 1)
    start = profile.day_start(first_day)
    week_days = [first_day + timedelta(weeks=i) for i in range(weeks)]

    def week_of(day: date) -> int | None:
        index = (day - first_day).days // 7
        return index if 0 <= index < weeks else None

    def count(days) -> list[int]:
        counts = [0] * weeks
        for day in days:
            index = week_of(day)
            if index is not None:
                counts[index] += 1
        return counts

    local = profile.local_date

    # Meetings held in the period, with how many referrals each gave.
    meetings = list(
        Meeting.objects.for_user(user).filter(starts_at__gte=start, starts_at__lte=now)
        .with_referral_count().order_by("-starts_at", "-pk")
        .values_list("pk", "starts_at", "referral_count")
    )
    barren_ids = [pk for pk, _, n in meetings if n == 0]
    sources_of: dict[int, set[str]] = {}
    # The same meetings by a join, not by their ids (1,500 of them for a busy user:
    # a literal list costs PostgreSQL 5 ms to plan, 36 -> 20 ms in all).
    for meeting_id, source, event_kind in Meeting.contacts.through.objects.filter(
        meeting__user=user, meeting__starts_at__gte=start, meeting__starts_at__lte=now
    ).values_list("meeting_id", "contact__source", "contact__met_at__kind"):
        sources_of.setdefault(meeting_id, set()).add(source_key(source, event_kind))

    asked = list(
        Outreach.objects.for_user(user).filter(asked_at__gte=start).values_list("asked_at", "answer")
    )
    referrals = list(
        Referral.objects.for_user(user).filter(referred_on__gte=first_day)
        .values_list("referred_on", "intro_status", "progress")
    )
    leads = Lead.objects.for_user(user).filter(found_on__gte=first_day).values_list("found_on", flat=True)
    reached = first_reached(
        LeadMove.objects.for_user(user)
        .filter(at__lte=now, to_status__in=[*FUNNEL, LeadStatus.CLOSED])
        .order_by("at", "pk").values_list("lead_id", "to_status", "outcome", "at")
    )
    moved = {status: [local(at) for at in times if at >= start] for status, times in reached.items()}

    stages = [
        Stage("asked", "Asked for a meeting", count(local(at) for at, _ in asked)),
        Stage("accepted", "Said yes", count(local(at) for at, answer in asked if answer == Answer.ACCEPTED)),
        Stage("met", "Met", count(local(at) for _, at, _ in meetings)),
        Stage("referrals", "Referrals received", count(day for day, _, _ in referrals)),
        Stage("warm", "Warm intros", count(d for d, intro, _ in referrals if intro == IntroStatus.CALLED)),
        Stage("leads", "Leads", count(leads)),
        Stage("applied", "Applications", count(moved[LeadStatus.APPLIED])),
        Stage("interviews", "Interviews", count(moved[LeadStatus.INTERVIEWING])),
        Stage("offers", "Offers", count(moved[LeadStatus.OFFER])),
    ]

    # Where the meetings came from: how you met the people in them.
    rows: dict[str, SourceRow] = {}
    for pk, _, n in meetings:
        for source in sources_of.get(pk, {""}):
            row = rows.setdefault(source, SourceRow(source_label(source)))
            row.meetings += 1
            row.referrals += n
            row.barren += n == 0
    sources = sorted(rows.values(), key=lambda row: (-row.meetings, row.label))

    barren = list(
        Meeting.objects.filter(pk__in=barren_ids[:BARREN_SHOWN]).with_contacts().order_by("-starts_at")
    )

    thank_yous = ThankYous()
    # The meeting's user too (the same meetings: a follow-up's meeting is its user's own),
    # so that PostgreSQL reads the user's meetings of the period by their index, not
    # everyone's.
    for status, completed_at, met_at, due_at in FollowUp.objects.for_user(user).filter(
        kind=ThankYou.name, meeting__user=user, meeting__starts_at__gte=start
    ).order_by().values_list("status", "completed_at", "meeting__starts_at", "due_at"):
        if status == FollowUpStatus.DONE:
            thank_yous.sent += 1
            thank_yous.hours.append(max(0.0, (completed_at - met_at).total_seconds() / 3600))
        elif status == FollowUpStatus.SKIPPED:
            thank_yous.skipped += 1
        elif due_at <= now:
            thank_yous.waiting += 1

    follow = FollowThrough(received=len(referrals))
    week_ago = today - timedelta(days=CALL_WITHIN_DAYS)
    for day, intro, progress in referrals:
        follow.warm += intro == IntroStatus.CALLED
        follow.contacted += progress != Progress.NOT_CONTACTED
        follow.met += progress == Progress.MET
        follow.waiting_long += progress == Progress.NOT_CONTACTED and day <= week_ago

    requests = InboundRequest.objects.for_user(user).filter(received_at__gte=start).aggregate(
        total=Count("pk"),
        open=Count("pk", filter=Q(status=RequestStatus.OPEN)),
        helped=Count("pk", filter=Q(status=RequestStatus.HELPED)),
    )
    helped_back = FollowUp.objects.for_user(user).filter(
        kind="help_back", status=FollowUpStatus.DONE, completed_at__gte=start
    ).count()
    reciprocity = Reciprocity(
        asked_you=requests["total"], open=requests["open"],
        answered=requests["total"] - requests["open"], helped=requests["helped"],
        helped_back=helped_back, helped_you=len(referrals),
    )
    known_there = Contact.objects.filter(organization=OuterRef("organization"))
    cold_leads = Lead.objects.for_user(user).filter(status=LeadStatus.FOUND).filter(
        Exists(known_there)
    ).count()

    findings = find(
        meetings=meetings, sources_of=sources_of, stages=stages, thank_yous=thank_yous,
        follow=follow, reciprocity=reciprocity, cold_leads=cold_leads,
    )
    events = list(event_outcomes(user).order_by("-last_visit", "name")[:EVENTS_SHOWN])
    return Insights(
        weeks=week_days, stages=stages, sources=sources, events=events, barren=barren,
        barren_count=len(barren_ids), met_count=len(meetings), thank_yous=thank_yous,
        follow_through=follow, reciprocity=reciprocity, findings=findings,
        progress=weekly_progress(user, profile, now),
        asks_waiting=sum(1 for _, answer in asked if answer == Answer.PENDING),
        asks_unanswered=sum(1 for _, answer in asked if answer == Answer.NO_ANSWER),
        mixed_meetings=sum(1 for pk, _, _ in meetings if len(sources_of.get(pk, ())) > 1),
    )


def find(*, meetings, sources_of, stages, thank_yous, follow, reciprocity, cold_leads) -> list[Finding]:
    """What the numbers say, in plain words, most telling first."""
    found = []
    last = meetings[:LAST_MEETINGS]
    barren_by_source = Counter(
        source for pk, _, n in last if n == 0 for source in sources_of.get(pk, ())
    )
    if len(last) >= 3 and barren_by_source:
        source, n = barren_by_source.most_common(1)[0]
        if n * 2 >= len(last):
            where = source_label(source).lower()
            found.append(Finding(
                f"{n} of your last {len(last)} meetings came from “{where}” and gave no "
                f"referral: {ADVICE.get(source, DEFAULT_ADVICE)}.",
                RULES["where"],
            ))
    met = len(meetings)
    if not met:
        found.append(Finding(
            f"You have not met anyone in the last {WEEKS} weeks: networking is how most jobs "
            "are found. Ask someone you know for 15 minutes this week, and log it here.",
            RULES["persist"],
        ))
    barren = sum(1 for _, _, n in meetings if n == 0)
    if met >= 3 and barren * 2 >= met:
        found.append(Finding(
            f"{barren} of your {plural(met, 'meeting')} in the last {WEEKS} weeks gave no "
            "referral. End each one with “Who else could I talk to? I'm in "
            "information-gathering mode.”",
            RULES["rule5"],
        ))
    if thank_yous.waiting:
        found.append(Finding(
            f"{plural(thank_yous.waiting, 'thank-you note is', 'thank-you notes are')} waiting: "
            "someone gave you their time; say thank you the morning after.",
            RULES["rule6"],
        ))
    elif thank_yous.median_hours is not None and thank_yous.median_hours > 48:
        found.append(Finding(
            f"Your thank-you notes went out {thank_yous.median_hours / 24:.0f} days after the "
            "meeting, half the time: the next morning is best.",
            RULES["rule6"],
        ))
    if follow.waiting_long:
        found.append(Finding(
            f"{plural(follow.waiting_long, 'person', 'people')} you were referred to more than "
            f"{CALL_WITHIN_DAYS} days ago {'has' if follow.waiting_long == 1 else 'have'}n't "
            "heard from you: call, and start with the referrer's name.",
            RULES["rule2"],
        ))
    if follow.received >= 3 and follow.warm * 3 < follow.received:
        found.append(Finding(
            f"{f'Only {follow.warm}' if follow.warm else 'None'} of your "
            f"{plural(follow.received, 'referral')} came with a warm "
            "intro: ask the referrer to call ahead, it turns a cold call into a warm one.",
            RULES["rule2"],
        ))
    if reciprocity.open:
        found.append(Finding(
            f"{plural(reciprocity.open, 'request', 'requests')} for help {'is' if reciprocity.open == 1 else 'are'} "
            "waiting for your answer: when a nervous stranger asks for 15 minutes, make it a priority.",
            RULES["rule7"],
        ))
    if cold_leads:
        found.append(Finding(
            ("1 lead at an organization where you know someone is still at “found”"
             if cold_leads == 1 else
             f"{cold_leads} leads at organizations where you know someone are still at “found”")
            + ": ask for an introduction before you apply.",
            RULES["rule8"],
        ))
    by = {stage.key: stage.total for stage in stages}
    if by["applied"] >= 3 and not by["interviews"]:
        found.append(Finding(
            f"{by['applied']} applications and no interview yet: apply where someone can "
            "introduce you, and ask for insight rather than a job.",
            RULES["rule8"],
        ))
    return found
