"""What a referral calls for (the seeds: drop names carefully, ask the referrer to
call ahead, follow through, close the loop):

- while nobody asked the referrer to call ahead: ask them for that warm introduction;
- while the person is not contacted: call them, mentioning the referrer (a drafted
  opener), a few days later so the referrer has time to call ahead;
- once you met the person: tell the referrer how it went.

One of each per referral (constraint followup_one_per_referral_kind). A referral's
follow-ups are created after it is saved, and after a meeting where it was given or
where its person was met; `settle` closes those its new state has made moot.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from accounts.models import Profile
from followups.kinds import FollowUpKind, register
from followups.models import FollowUp, Status
from followups.services import SWEEP_WINDOW, draft, save_new, signature
from referrals.models import IntroStatus, Progress, Referral


class ReferralKind(FollowUpKind):
    """One follow-up per referral, while the referral's state calls for it."""

    subject = "referrals.Referral"
    calls_for: Q  # the referral states that call for this kind

    def after_save(self, label: str, ids: list[int]) -> Iterable[int]:
        if label == "meetings.Meeting":  # given there, or their person met there
            return Referral.objects.filter(
                Q(meeting__in=ids) | Q(met_meeting__in=ids)
            ).values_list("pk", flat=True)
        return super().after_save(label, ids)

    def pending(self, now: datetime) -> QuerySet[Referral]:
        """Recent referrals (or lately met) in a state that calls for this kind, without it."""
        since = now - SWEEP_WINDOW
        return Referral.objects.filter(
            Q(created_at__gte=since) | Q(met_meeting__created_at__gte=since)
        ).filter(self.calls_for).exclude(
            Exists(FollowUp.objects.filter(referral=OuterRef("pk"), kind=self.name))
        )

    def repair(self, ids: list[int], now: datetime) -> int:
        referrals = list(
            Referral.objects.filter(self.calls_for, pk__in=ids)
            .exclude(Exists(FollowUp.objects.filter(referral=OuterRef("pk"), kind=self.name)))
            .select_related("user", "referrer", "referred", "meeting", "met_meeting")
        )
        profiles = Profile.objects.for_users(r.user_id for r in referrals)
        return save_new([self.row(r, profiles[r.user_id]) for r in referrals])

    def row(self, referral: Referral, profile: Profile) -> FollowUp:
        raise NotImplementedError


@register
class AskIntro(ReferralKind):
    name = "ask_intro"
    label = "Ask for an intro"
    email_subject = "A small favour"
    calls_for = Q(intro_status=IntroStatus.NOT_ASKED)

    def row(self, referral: Referral, profile: Profile) -> FollowUp:
        return FollowUp(
            user_id=referral.user_id, kind=self.name, referral=referral,
            due_at=profile.morning_after(referral.created_at, 1),
            title=f"Ask {referral.referrer.name} to call {referral.referred.name} ahead",
            draft=draft(
                "ask_intro.txt", profile, referral=referral, signature=signature(referral.user)
            ),
            contact=referral.referrer,
            meeting=referral.meeting,
        )

    def done(self, followup: FollowUp, now: datetime) -> None:
        """Asking is done: the referral moves on to "asked to call ahead"."""
        Referral.objects.filter(
            pk=followup.referral_id, intro_status=IntroStatus.NOT_ASKED
        ).update(intro_status=IntroStatus.ASKED)


@register
class ReferralCall(ReferralKind):
    name = "referral_call"
    label = "Referral call"
    calls_for = Q(progress=Progress.NOT_CONTACTED)

    def row(self, referral: Referral, profile: Profile) -> FollowUp:
        return FollowUp(
            user_id=referral.user_id, kind=self.name, referral=referral,
            due_at=profile.morning_after(referral.created_at, profile.referral_call_delay_days),
            title=f"Call {referral.referred.name}, mention {referral.referrer.name}",
            draft=referral.opener(),
            contact=referral.referred,
            meeting=referral.meeting,
        )

    def done(self, followup: FollowUp, now: datetime) -> None:
        """The call was made: the person is contacted."""
        Referral.objects.filter(
            pk=followup.referral_id, progress=Progress.NOT_CONTACTED
        ).update(progress=Progress.CONTACTED)

    def subject_line(self, followup: FollowUp) -> str:
        return f"{followup.referral.referrer.name} suggested I get in touch"


@register
class CloseLoop(ReferralKind):
    name = "close_loop"
    label = "Close the loop"
    email_subject = "How it went, thanks to you"
    calls_for = Q(progress=Progress.MET)

    def row(self, referral: Referral, profile: Profile) -> FollowUp:
        met_at = referral.met_meeting.ends_at if referral.met_meeting else timezone.now()
        return FollowUp(
            user_id=referral.user_id, kind=self.name, referral=referral,
            due_at=profile.morning_after(met_at, profile.thank_you_delay_days),
            title=f"Tell {referral.referrer.name} how it went with {referral.referred.name}",
            draft=draft(
                "close_loop.txt", profile, referral=referral, signature=signature(referral.user)
            ),
            contact=referral.referrer,
            meeting=referral.met_meeting,
        )


def settle(referral_ids: Iterable[int], now: datetime | None = None) -> int:
    """Close (as done) the open follow-ups these referrals' state has made moot: the
    intro was asked for, or the person was contacted or met."""
    moot = FollowUp.objects.filter(referral_id__in=list(referral_ids)).open()
    closed = {"status": Status.DONE, "completed_at": now or timezone.now()}
    return moot.filter(kind=AskIntro.name).exclude(
        referral__intro_status=IntroStatus.NOT_ASKED
    ).update(**closed) + moot.filter(kind=ReferralCall.name).exclude(
        referral__progress=Progress.NOT_CONTACTED
    ).update(**closed)
