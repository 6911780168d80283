"""Reciprocation's follow-ups (the seeds: when a nervous stranger asks for 15 minutes,
make it a priority; always be grateful, and help back):

- Reply: someone asked you for help; one priority reply per request, due within
  the user's reply window, with two concrete times drafted. Done means replied.
- Help back: someone helped you (a meeting that has happened, or a referral given
  outside any meeting); one "send an update and offer help back", some weeks later
  (after the meeting, or after it was logged when that was later).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.db.models import Exists, OuterRef, QuerySet

from accounts.models import Profile
from followups.kinds import FollowUpKind, Source, register
from followups.models import FollowUp
from followups.services import SWEEP_WINDOW, draft, save_new, signature
from meetings.followups import create_per_participant, held_lately, load, participants_lacking
from reciprocity.models import Ask, InboundRequest, RequestStatus
from referrals.models import Referral

# What they asked for, as the end of "Reply to Zoe Carter: …".
ASKED_FOR = {
    Ask.TIME: "15 minutes of your time",
    Ask.INTRODUCTION: "an introduction",
    Ask.ADVICE: "advice",
    Ask.OTHER: "a favour",
}
# The times a drafted reply proposes, on the next two working days, in the user's timezone.
PROPOSED_HOURS = (time(10, 0), time(15, 0))


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


def reply_due(inbound: InboundRequest, profile: Profile) -> datetime:
    """Within the user's reply window, in their waking hours (never at 02:00)."""
    return profile.waking(inbound.received_at + timedelta(hours=profile.reply_within_hours))


@register
class Reply(FollowUpKind):
    name = "reply"
    label = "Reply"
    email_subject = "Following up"
    priority = True  # when a nervous stranger asks for 15 minutes, make it a priority
    subject = "reciprocity.InboundRequest"

    def lacking(self) -> QuerySet[InboundRequest]:
        """Open requests without their reply."""
        return InboundRequest.objects.filter(status=RequestStatus.OPEN).exclude(
            Exists(FollowUp.objects.filter(inbound_request=OuterRef("pk"), kind=self.name))
        )

    def pending(self, now: datetime) -> QuerySet[InboundRequest]:
        return self.lacking().filter(created_at__gte=now - SWEEP_WINDOW)

    def repair(self, ids: list[int], now: datetime) -> int:
        requests = list(self.lacking().filter(pk__in=ids).select_related("user", "contact"))
        profiles = Profile.objects.for_users(r.user_id for r in requests)
        return save_new([self.row(r, profiles[r.user_id]) for r in requests])

    def row(self, inbound: InboundRequest, profile: Profile) -> FollowUp:
        contact = inbound.contact
        return FollowUp(
            user_id=inbound.user_id,
            kind=self.name,
            due_at=reply_due(inbound, profile),
            title=f"Reply to {contact.name}: {ASKED_FOR.get(inbound.ask, 'a favour')}",
            draft=draft(
                "reply.txt", profile,
                inbound=inbound, contact=contact, times=proposed_times(inbound, profile),
                signature=signature(inbound.user),
            ),
            contact=contact,
            inbound_request=inbound,
        )

    def done(self, followup: FollowUp, now: datetime) -> dict:
        """Answering someone who asked for help is a reply."""
        return {"replied": InboundRequest.objects.filter(
            pk=followup.inbound_request_id, status=RequestStatus.OPEN
        ).update(status=RequestStatus.REPLIED)}

    def undo_done(self, followup: FollowUp, changed: dict) -> None:
        if changed.get("replied"):
            InboundRequest.objects.filter(
                pk=followup.inbound_request_id, status=RequestStatus.REPLIED
            ).update(status=RequestStatus.OPEN)


@register
class HelpBack(FollowUpKind):
    name = "help_back"
    label = "Help back"
    email_subject = "Following up"

    def sources(self) -> list[Source]:
        return [
            Source("meetings.Meeting", self.meetings_pending, self.repair_meetings,
                   self.after_save_of("meetings.Meeting")),
            Source("referrals.Referral", self.referrals_pending, self.repair_referrals,
                   self.after_save_of("referrals.Referral")),
        ]

    @staticmethod
    def after_save_of(subject: str):
        return lambda label, ids: ids if label == subject else []

    # Each person met at a meeting that has happened, helped back once.

    def meetings_pending(self, now: datetime) -> QuerySet:
        return held_lately(now).filter(participants_lacking(self.name))

    def repair_meetings(self, ids: list[int], now: datetime) -> int:
        return create_per_participant(
            self.name, load(ids), now,
            # Some weeks after the meeting, or after it was logged if that was later:
            # not on the day its (late) thank-you falls due.
            lambda meeting, profile: profile.morning_after(
                max(meeting.ends_at, meeting.created_at), profile.help_back_delay_days
            ),
            lambda contact, meeting: f"Send {contact.name} an update and offer help back",
            "help_back.txt",
        )

    # A referral given outside any meeting (a meeting has its own help-back), once.

    def referrals_lacking(self) -> QuerySet[Referral]:
        return Referral.objects.filter(meeting__isnull=True).exclude(
            Exists(FollowUp.objects.filter(referral=OuterRef("pk"), kind=self.name))
        )

    def referrals_pending(self, now: datetime) -> QuerySet[Referral]:
        return self.referrals_lacking().filter(created_at__gte=now - SWEEP_WINDOW)

    def repair_referrals(self, ids: list[int], now: datetime) -> int:
        referrals = list(
            self.referrals_lacking().filter(pk__in=ids).select_related("user", "referrer", "referred")
        )
        profiles = Profile.objects.for_users(r.user_id for r in referrals)
        return save_new([self.referral_row(r, profiles[r.user_id]) for r in referrals])

    def referral_row(self, referral: Referral, profile: Profile) -> FollowUp:
        referrer = referral.referrer
        return FollowUp(
            user_id=referral.user_id,
            kind=self.name,
            due_at=profile.morning_after(referral.created_at, profile.help_back_delay_days),
            title=f"Send {referrer.name} an update and offer help back",
            draft=draft(
                "help_back.txt", profile,
                contact=referrer, referral=referral, signature=signature(referral.user),
            ),
            contact=referrer,
            referral=referral,
        )
