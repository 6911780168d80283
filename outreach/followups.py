"""The gentle nudge (the seeds: ask for 15 minutes, and follow through): a request
for a meeting with no answer after `settings.NETCRM_NUDGE_AFTER_DAYS` days (5 unless
set) calls for one follow-up, "Nudge Alan Park about coffee", with a drafted nudge.

Exactly once per request (constraint followup_one_per_outreach_kind): the sweep
makes it on the morning it falls due, and never again, whatever the answer does
afterwards. A real answer (accepted, declined, "we're not hiring") settles an open
nudge; done means the nudge was sent (recorded on the request, and undone with it).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from accounts.models import Profile
from followups.kinds import FollowUpKind, register
from followups.models import FollowUp, Status
from followups.services import SWEEP_WINDOW, save_new
from outreach.models import UNANSWERED, Outreach, render_draft


def nudge_after() -> timedelta:
    return timedelta(days=settings.NETCRM_NUDGE_AFTER_DAYS)


@register
class Nudge(FollowUpKind):
    name = "nudge"
    label = "Gentle nudge"
    badge = "Nudge"
    email_subject = "Following up on my note"
    subject = "outreach.Outreach"

    def lacking(self) -> QuerySet[Outreach]:
        """Requests still without an answer and without their nudge."""
        return Outreach.objects.filter(answer__in=UNANSWERED).exclude(
            Exists(FollowUp.objects.filter(outreach=OuterRef("pk"), kind=self.name))
        )

    def due(self, now: datetime) -> QuerySet[Outreach]:
        return self.lacking().filter(asked_at__lte=now - nudge_after())

    def pending(self, now: datetime) -> QuerySet[Outreach]:
        return self.due(now).filter(asked_at__gte=now - nudge_after() - SWEEP_WINDOW)

    def repair(self, ids: list[int], now: datetime) -> int:
        waiting = list(
            self.due(now).filter(pk__in=ids)
            .select_related("user", "contact__organization", "referral__referrer")
        )
        profiles = Profile.objects.for_users(o.user_id for o in waiting)
        return save_new([self.row(o, profiles[o.user_id]) for o in waiting])

    def row(self, outreach: Outreach, profile: Profile) -> FollowUp:
        with timezone.override(profile.tzinfo):  # "my note of Tuesday" in the user's week
            text = render_draft("nudge.txt", outreach.draft_context())
        return FollowUp(
            user_id=outreach.user_id,
            kind=self.name,
            due_at=profile.morning_after(outreach.asked_at, settings.NETCRM_NUDGE_AFTER_DAYS),
            title=f"Nudge {outreach.contact.name} about coffee",
            draft=text,
            contact=outreach.contact,
            outreach=outreach,
        )

    def done(self, followup: FollowUp, now: datetime) -> dict:
        """The nudge was sent: the request says when (once)."""
        nudged = Outreach.objects.filter(pk=followup.outreach_id, nudged_at=None).update(
            nudged_at=now
        )
        return {"nudged_at": now.isoformat() if nudged else None}

    def undo_done(self, followup: FollowUp, changed: dict) -> None:
        if at := parse_datetime(changed.get("nudged_at") or ""):
            Outreach.objects.filter(pk=followup.outreach_id, nudged_at=at).update(nudged_at=None)


def settle(outreach_ids: Iterable[int], now: datetime | None = None) -> int:
    """Close (as done) the open nudges that an answer has made moot."""
    return (
        FollowUp.objects.filter(outreach_id__in=list(outreach_ids), kind=Nudge.name)
        .open()
        .exclude(outreach__answer__in=UNANSWERED)
        .update(status=Status.DONE, completed_at=now or timezone.now())
    )
