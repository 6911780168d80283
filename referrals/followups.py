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
from followups.models import OPEN, FollowUp, Status
from followups.services import SWEEP_WINDOW, clip_title, draft, save_new, signature
from netcrm.lib.planner import Among
from referrals.models import IntroStatus, Progress, Referral, names, opener


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
        # Referrals made lately, and those met at a meeting logged lately, as a union of
        # two index reads, found first (`Among`): as one OR, PostgreSQL read every
        # referral to test it (10 -> 3 ms a kind with 20,000 referrals, three kinds a
        # minute), and with `IN` it hashed the meetings and read every referral for
        # them (2.5 -> 0.6 ms). (Meetings sit above referrals: reached through the
        # relation, not imported.)
        meetings = Referral.met_meeting.field.related_model.objects
        met_lately = meetings.filter(created_at__gte=since).values("pk")
        lately = Referral.objects.filter(created_at__gte=since).order_by().values("pk").union(
            Referral.objects.filter(Among("met_meeting", met_lately)).order_by().values("pk"),
            all=True,
        )
        return Referral.objects.filter(Among("pk", lately)).filter(self.calls_for).exclude(
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

    def done(self, followup: FollowUp, now: datetime) -> dict:
        """Asking is done: the referral moves on to "asked to call ahead"."""
        return {"asked": Referral.objects.filter(
            pk=followup.referral_id, intro_status=IntroStatus.NOT_ASKED
        ).update(intro_status=IntroStatus.ASKED)}

    def undo_done(self, followup: FollowUp, changed: dict) -> None:
        if changed.get("asked"):
            Referral.objects.filter(
                pk=followup.referral_id, intro_status=IntroStatus.ASKED
            ).update(intro_status=IntroStatus.NOT_ASKED)


@register
class ReferralCall(ReferralKind):
    """One call per person, however many people referred you to them: its opener
    names every referrer (the seeds: one call, "Sara Smith suggested I call")."""

    name = "referral_call"
    label = "Referral call"
    calls_for = Q(progress=Progress.NOT_CONTACTED)

    def open_calls(self) -> QuerySet[FollowUp]:
        return FollowUp.objects.filter(kind=self.name).open()

    def pending(self, now: datetime) -> QuerySet[Referral]:
        """Those whose person has no open call yet (another referral's covers them)."""
        return super().pending(now).exclude(
            Exists(self.open_calls().filter(contact_id=OuterRef("referred_id")))
        )

    def repair(self, ids: list[int], now: datetime) -> int:
        """A call for each person these referrals name; a person with an open call
        already gets that call's title and opener redrafted to name every referrer."""
        lacking = set(
            Referral.objects.filter(self.calls_for, pk__in=ids)
            .exclude(Exists(FollowUp.objects.filter(referral=OuterRef("pk"), kind=self.name)))
            .values_list("pk", flat=True)
        )
        if not lacking:
            return 0
        waiting: dict[int, list[Referral]] = {}
        for referral in (
            Referral.objects.filter(
                self.calls_for,
                referred__in=Referral.objects.filter(pk__in=lacking).values("referred_id"),
            )
            .select_related("user", "referrer", "referred", "meeting")
            .order_by("created_at", "pk")
        ):
            waiting.setdefault(referral.referred_id, []).append(referral)
        calls = {f.contact_id: f for f in self.open_calls().filter(contact_id__in=waiting)}
        profiles = Profile.objects.for_users(group[0].user_id for group in waiting.values())
        rows, redrafted = [], 0
        for person, group in waiting.items():
            title, text = self.words(group)
            call = calls.get(person)
            if call is None:
                anchor = next(r for r in group if r.pk in lacking)
                rows.append(self.row(anchor, profiles[anchor.user_id], title, text))
            elif (call.title, call.draft) != (title, text):
                redrafted += FollowUp.objects.filter(pk=call.pk, status__in=OPEN).update(
                    title=title, draft=text
                )
        return save_new(rows) + redrafted

    def words(self, group: list[Referral]) -> tuple[str, str]:
        """The title and opener of the call to the person these referrals name."""
        referrers = names(r.referrer for r in group)
        return clip_title(f"Call {group[0].referred.name}, mention {referrers}"), opener(group)

    def redraft(self, people: Iterable[int]) -> int:
        """Redraft the open calls to these people from their referrals as they are now
        (after a merge: a name changed, two referrers became one). Returns how many
        changed."""
        waiting: dict[int, list[Referral]] = {}
        for referral in (
            Referral.objects.filter(self.calls_for, referred__in=list(people))
            .select_related("user", "referrer", "referred")
            .order_by("created_at", "pk")
        ):
            waiting.setdefault(referral.referred_id, []).append(referral)
        redrafted = 0
        for call in self.open_calls().filter(contact_id__in=waiting):
            title, text = self.words(waiting[call.contact_id])
            if (call.title, call.draft) != (title, text):
                redrafted += FollowUp.objects.filter(pk=call.pk).update(title=title, draft=text)
        return redrafted

    def row(self, referral: Referral, profile: Profile, title: str, text: str) -> FollowUp:
        return FollowUp(
            user_id=referral.user_id, kind=self.name, referral=referral,
            due_at=profile.workday_morning_after(
                referral.created_at, profile.referral_call_delay_days
            ),
            title=title, draft=text, contact=referral.referred, meeting=referral.meeting,
        )

    def done(self, followup: FollowUp, now: datetime) -> dict:
        """The call was made: the person is contacted, whoever referred you to them."""
        waiting = Referral.objects.filter(
            user_id=followup.user_id, referred_id=followup.contact_id,
            progress=Progress.NOT_CONTACTED,
        )
        ids = list(waiting.values_list("pk", flat=True))
        waiting.filter(pk__in=ids).update(progress=Progress.CONTACTED)
        return {"contacted": ids}

    def undo_done(self, followup: FollowUp, changed: dict) -> None:
        Referral.objects.filter(
            pk__in=changed.get("contacted", []), progress=Progress.CONTACTED
        ).update(progress=Progress.NOT_CONTACTED)

    def subject_line(self, followup: FollowUp) -> str:
        return f"{followup.referral.referrer.name} suggested I get in touch"


@register
class CloseLoop(ReferralKind):
    name = "close_loop"
    label = "Close the loop"
    email_subject = "How it went, thanks to you"
    calls_for = Q(progress=Progress.MET)

    def row(self, referral: Referral, profile: Profile) -> FollowUp:
        met = referral.met_meeting
        due = profile.morning_after(met.ends_at if met else timezone.now(),
                                    profile.thank_you_delay_days)
        if met:  # a meeting logged after the fact: due from the morning it was logged
            due = profile.not_before_day_of(due, met.created_at)
        return FollowUp(
            user_id=referral.user_id, kind=self.name, referral=referral,
            due_at=due,
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


def follow_the_referrer(referral_ids: Iterable[int]) -> int:
    """After who gave these referrals changed (picked again among the people met): their
    open follow-ups to the referrer (ask for the intro, close the loop) go to the one
    who gave it now, redrafted, keeping their due time and any snooze; the calls to the
    people referred name them. Returns how many changed."""
    referrals = list(
        Referral.objects.filter(pk__in=list(referral_ids))
        .select_related("user", "referrer", "referred", "meeting", "met_meeting")
    )
    profiles = Profile.objects.for_users(r.user_id for r in referrals)
    kinds = {kind.name: kind for kind in (AskIntro(), CloseLoop())}
    changed = 0
    for referral in referrals:
        for followup in FollowUp.objects.filter(referral=referral, kind__in=kinds).open():
            fresh = kinds[followup.kind].row(referral, profiles[referral.user_id])
            changed += FollowUp.objects.filter(pk=followup.pk).update(
                contact=fresh.contact, title=fresh.title, draft=fresh.draft
            )
    return changed + ReferralCall().redraft({r.referred_id for r in referrals})
