"""The follow-ups that what the user logged calls for, created exactly once.

Called by the Celery task right after a meeting is saved and by the beat sweep
for anything a lost message missed. A unique constraint makes a second call,
from either place, create nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from django.db.models import Exists, OuterRef, Q
from django.template.loader import render_to_string
from django.utils import timezone

from accounts.models import Profile
from followups.models import FollowUp, Kind
from meetings.models import Meeting

# How far back the sweep looks for meetings whose thank-you is missing.
SWEEP_WINDOW = timedelta(days=14)


def thank_you_draft(meeting: Meeting, contact, profile: Profile) -> str:
    user = meeting.user
    with timezone.override(profile.tzinfo):  # "on Tuesday" in the user's own week
        return render_to_string(
            "followups/drafts/thank_you.txt",
            {
                "meeting": meeting,
                "contact": contact,
                "signature": user.get_full_name() or user.get_username(),
            },
        ).strip()


def create_thank_yous(meeting_ids: Iterable[int], now=None) -> int:
    """Create the missing thank-you follow-ups of these meetings; return how many.

    Only for meetings that have begun: a planned meeting gets its thank-you from
    the sweep once it has happened.
    """
    meetings = (
        Meeting.objects.filter(pk__in=list(meeting_ids), starts_at__lte=now or timezone.now())
        .select_related("user")
        .prefetch_related("contacts")
    )
    existing = set(
        FollowUp.objects.filter(kind=Kind.THANK_YOU, meeting__in=meetings).values_list(
            "meeting_id", "contact_id"
        )
    )
    profiles: dict[int, Profile] = {}
    rows = []
    for meeting in meetings:
        if meeting.user_id not in profiles:
            profiles[meeting.user_id] = Profile.for_user(meeting.user)
        profile = profiles[meeting.user_id]
        # The next morning (or as the user set it), and never before the meeting ends.
        due_at = max(
            profile.morning_after(meeting.ends_at, profile.thank_you_delay_days), meeting.ends_at
        )
        for contact in meeting.contacts.all():
            if (meeting.pk, contact.pk) in existing:
                continue
            rows.append(
                FollowUp(
                    user_id=meeting.user_id,
                    kind=Kind.THANK_YOU,
                    due_at=due_at,
                    title=f"Thank {contact.name} for the {meeting.get_kind_display().lower()}",
                    draft=thank_you_draft(meeting, contact, profile),
                    contact=contact,
                    meeting=meeting,
                )
            )
    # ignore_conflicts: a concurrent worker that got there first wins, silently.
    return len(FollowUp.objects.bulk_create(rows, ignore_conflicts=True)) if rows else 0


def meetings_missing_thank_you(now=None):
    """Meetings logged or held lately, already begun, with a participant not yet thanked."""
    now = now or timezone.now()
    since = now - SWEEP_WINDOW
    through = Meeting.contacts.through
    missing = through.objects.filter(meeting=OuterRef("pk")).exclude(
        Exists(
            FollowUp.objects.filter(
                kind=Kind.THANK_YOU,
                meeting_id=OuterRef("meeting_id"),
                contact_id=OuterRef("contact_id"),
            )
        )
    )
    return Meeting.objects.filter(
        Q(created_at__gte=since) | Q(starts_at__gte=since), starts_at__lte=now
    ).filter(Exists(missing))


def sweep_missing_followups(now=None) -> int:
    """Repair whatever a lost message missed; safe to run any number of times."""
    ids = list(meetings_missing_thank_you(now).values_list("pk", flat=True)[:500])
    return create_thank_yous(ids, now) if ids else 0
