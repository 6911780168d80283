"""Reciprocation: answer whoever asks for help, help back whoever helped you.

The rules (from the networking advice in PRODUCT.md):
- someone asked you for help (a nervous stranger's 15 minutes, an introduction):
  one priority reply, due within the user's reply window;
- someone helped you (a meeting that has happened, a referral given outside any
  meeting): one "send an update and offer help back", some weeks later.

Like followups.services, every function here creates only what does not exist
yet, and the unique constraints on FollowUp refuse a second row from a racing
worker; the beat sweep (SWEEP_RULES) repairs whatever a lost message missed.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from accounts.models import Profile
from contacts.models import Contact
from followups.models import FollowUp, Kind, Status
from followups.services import (
    SWEEP_BATCH,
    SWEEP_WINDOW,
    Profiles,
    draft,
    participant_rows,
    save_new,
    signature,
)
from meetings.models import Invited, Meeting, Paid
from reciprocity.models import Ask, InboundRequest, RequestStatus
from referrals.models import IntroStatus, Progress, Referral

# What they asked for, as the end of "Reply to Zoe Carter: …".
ASKED_FOR = {
    Ask.TIME: "15 minutes of your time",
    Ask.INTRODUCTION: "an introduction",
    Ask.ADVICE: "advice",
    Ask.OTHER: "a favour",
}
# The times a drafted reply proposes, on the next two working days, in the user's timezone.
PROPOSED_HOURS = (time(10, 0), time(15, 0))
ANSWERS = [RequestStatus.REPLIED, RequestStatus.HELPED, RequestStatus.DECLINED]


def profiles_of(users) -> Profiles:
    """The Profiles of these users in one query (a user without one gets it made)."""
    profiles = Profiles()
    by_id = {u.pk: u for u in users}
    for profile in Profile.objects.filter(user_id__in=list(by_id)):
        profiles[by_id[profile.user_id]] = profile
    return profiles


def is_help_back() -> Q:
    """A help-back follow-up (a reciprocation that answers no request of theirs)."""
    return Q(kind=Kind.RECIPROCATE, inbound_request__isnull=True)


# Inbound requests: the priority reply ------------------------------------------------


def working_days_after(day: date, count: int) -> list[date]:
    days = []
    while len(days) < count:
        day += timedelta(days=1)
        if day.weekday() < 5:
            days.append(day)
    return days


def proposed_times(inbound: InboundRequest, profile: Profile) -> list[datetime]:
    """Two concrete times to offer: the next two working days, morning then afternoon."""
    days = working_days_after(profile.local_date(inbound.received_at), len(PROPOSED_HOURS))
    return [
        datetime.combine(day, hour, tzinfo=profile.tzinfo)
        for day, hour in zip(days, PROPOSED_HOURS, strict=True)
    ]


def reply_row(inbound: InboundRequest, profile: Profile) -> FollowUp:
    contact = inbound.contact
    return FollowUp(
        user_id=inbound.user_id,
        kind=Kind.RECIPROCATE,
        due_at=inbound.received_at + timedelta(hours=profile.reply_within_hours),
        title=f"Reply to {contact.name}: {ASKED_FOR.get(inbound.ask, 'a favour')}",
        draft=draft(
            "reply.txt", profile,
            inbound=inbound, contact=contact, times=proposed_times(inbound, profile),
            signature=signature(inbound.user),
        ),
        contact=contact,
        inbound_request=inbound,
    )


def create_reply_followups(request_ids: Iterable[int]) -> int:
    """One priority reply per open request that has none yet."""
    replied = FollowUp.objects.filter(
        inbound_request=OuterRef("pk"), kind=Kind.RECIPROCATE
    )
    requests = list(
        InboundRequest.objects.filter(pk__in=list(request_ids), status=RequestStatus.OPEN)
        .exclude(Exists(replied))
        .select_related("user", "contact")
    )
    profiles = profiles_of({r.user for r in requests})
    return save_new([reply_row(r, profiles[r.user]) for r in requests])


def answer_request(inbound: InboundRequest, status: str, now: datetime | None = None) -> int:
    """Record how the user answered; their reply follow-up is done. Returns how many closed."""
    if status not in ANSWERS:
        raise ValueError(f"not an answer: {status!r}")
    now = now or timezone.now()
    inbound.status = status
    inbound.save(update_fields=["status"])
    inbound.contact.touch(now)  # answering is a touch: it keeps the contact warm
    return FollowUp.objects.filter(inbound_request=inbound).open().update(
        status=Status.DONE, completed_at=now
    )


# Help back: after someone helped you ---------------------------------------------------


def meeting_help_back_rows(
    meeting: Meeting, profile: Profile, done: set
) -> Iterator[FollowUp]:
    return participant_rows(
        meeting, profile, done, kind=Kind.RECIPROCATE,
        due_at=profile.morning_after(meeting.ends_at, profile.help_back_delay_days),
        title=lambda contact: f"Send {contact.name} an update and offer help back",
        template="help_back.txt",
    )


def create_help_back_followups(meetings: list[Meeting], now: datetime | None = None) -> int:
    """A MEETING_RULES rule: each person met at a meeting that has happened, helped
    back once. `meetings` come with their user and contacts loaded."""
    now = now or timezone.now()
    held = [m for m in meetings if m.starts_at <= now]
    if not held:
        return 0
    done = set(
        FollowUp.objects.filter(is_help_back(), meeting__in=held).values_list(
            "meeting_id", "contact_id"
        )
    )
    profiles = profiles_of({m.user for m in held})
    return save_new(
        [row for m in held for row in meeting_help_back_rows(m, profiles[m.user], done)]
    )


def referral_help_back_row(referral: Referral, profile: Profile) -> FollowUp:
    referrer = referral.referrer
    return FollowUp(
        user_id=referral.user_id,
        kind=Kind.RECIPROCATE,
        due_at=profile.morning_after(referral.created_at, profile.help_back_delay_days),
        title=f"Send {referrer.name} an update and offer help back",
        draft=draft(
            "help_back.txt", profile,
            contact=referrer, referral=referral, signature=signature(referral.user),
        ),
        contact=referrer,
        referral=referral,
    )


def create_referral_help_back_followups(referral_ids: Iterable[int]) -> int:
    """A referral given outside any meeting (a meeting has its own help-back): once."""
    helped_back = FollowUp.objects.filter(referral=OuterRef("pk"), kind=Kind.RECIPROCATE)
    referrals = list(
        Referral.objects.filter(pk__in=list(referral_ids), meeting__isnull=True)
        .exclude(Exists(helped_back))
        .select_related("user", "referrer", "referred")
    )
    profiles = profiles_of({r.user for r in referrals})
    return save_new([referral_help_back_row(r, profiles[r.user]) for r in referrals])


# The sweep ----------------------------------------------------------------------------


def requests_missing_reply(now: datetime) -> QuerySet[InboundRequest]:
    return InboundRequest.objects.filter(
        status=RequestStatus.OPEN, created_at__gte=now - SWEEP_WINDOW
    ).exclude(
        Exists(FollowUp.objects.filter(inbound_request=OuterRef("pk"), kind=Kind.RECIPROCATE))
    )


def meetings_missing_help_back(now: datetime) -> QuerySet[Meeting]:
    """Meetings logged or held lately, already begun, with a participant not helped back."""
    since = now - SWEEP_WINDOW
    missing = Meeting.contacts.through.objects.filter(meeting=OuterRef("pk")).exclude(
        Exists(
            FollowUp.objects.filter(
                is_help_back(),
                meeting_id=OuterRef("meeting_id"),
                contact_id=OuterRef("contact_id"),
            )
        )
    )
    return Meeting.objects.filter(
        Q(created_at__gte=since) | Q(starts_at__gte=since), starts_at__lte=now
    ).filter(Exists(missing))


def referrals_missing_help_back(now: datetime) -> QuerySet[Referral]:
    return Referral.objects.filter(
        meeting__isnull=True, created_at__gte=now - SWEEP_WINDOW
    ).exclude(Exists(FollowUp.objects.filter(referral=OuterRef("pk"), kind=Kind.RECIPROCATE)))


def sweep_reciprocity_followups(now: datetime) -> int:
    """A SWEEP_RULES rule: replies, and help-backs for meetings and referrals, missing."""
    created = 0
    if ids := list(requests_missing_reply(now).values_list("pk", flat=True)[:SWEEP_BATCH]):
        created += create_reply_followups(ids)
    if ids := list(meetings_missing_help_back(now).values_list("pk", flat=True)[:SWEEP_BATCH]):
        meetings = list(
            Meeting.objects.filter(pk__in=ids).select_related("user").prefetch_related("contacts")
        )
        created += create_help_back_followups(meetings, now)
    if ids := list(referrals_missing_help_back(now).values_list("pk", flat=True)[:SWEEP_BATCH]):
        created += create_referral_help_back_followups(ids)
    return created


# The ledger on a contact's page -------------------------------------------------------

LEDGER_REQUESTS = 5


@dataclass(frozen=True)
class Ledger:
    """Who helped whom, between the user and one contact."""

    contact: Contact
    meetings: dict
    referrals: dict
    requests: dict
    recent_requests: list[InboundRequest]

    @property
    def they_helped(self) -> int:
        """Times they gave you their time or a name."""
        return self.meetings["total"] + self.referrals["total"]

    @property
    def you_helped(self) -> int:
        return self.requests["helped"]

    @property
    def balance(self) -> str:
        """"ahead" (they helped you more), "even", "behind" or "empty", from their side."""
        if not self.they_helped and not self.you_helped:
            return "empty"
        if self.they_helped > self.you_helped:
            return "ahead"
        return "even" if self.they_helped == self.you_helped else "behind"


def ledger_for(user, contact: Contact, now: datetime | None = None) -> Ledger:
    """Four queries, whatever the history."""
    now = now or timezone.now()
    meetings = (
        Meeting.objects.for_user(user)
        .filter(contacts=contact, starts_at__lte=now)
        .aggregate(
            total=Count("pk"),
            you_invited=Count("pk", filter=Q(invited_by=Invited.ME)),
            they_invited=Count("pk", filter=Q(invited_by=Invited.THEM)),
            you_paid=Count("pk", filter=Q(paid_by=Paid.ME)),
            they_paid=Count("pk", filter=Q(paid_by=Paid.THEM)),
            split=Count("pk", filter=Q(paid_by=Paid.SPLIT)),
            # If you invite, you pay: the times they paid although you had invited.
            they_paid_your_invite=Count(
                "pk", filter=Q(invited_by=Invited.ME, paid_by=Paid.THEM)
            ),
        )
    )
    referrals = (
        Referral.objects.for_user(user)
        .filter(referrer=contact)
        .aggregate(
            total=Count("pk"),
            met=Count("pk", filter=Q(progress=Progress.MET)),
            introduced=Count("pk", filter=Q(intro_status=IntroStatus.CALLED)),
        )
    )
    asked = InboundRequest.objects.for_user(user).filter(contact=contact)
    requests = asked.aggregate(
        total=Count("pk"),
        **{status: Count("pk", filter=Q(status=status)) for status in RequestStatus.values},
        # Introductions you made for them: an introduction they asked for, given.
        introductions=Count(
            "pk", filter=Q(ask=Ask.INTRODUCTION, status=RequestStatus.HELPED)
        ),
    )
    return Ledger(
        contact=contact,
        meetings=meetings,
        referrals=referrals,
        requests=requests,
        recent_requests=list(asked.order_by("-received_at", "-pk")[:LEDGER_REQUESTS]),
    )
