"""What a meeting calls for: a thank-you to each person met, and a reminder to prepare.

Thank-you (the seeds: send a thank-you note after every networking meeting): once a
meeting has begun, one THANK_YOU per person met (constraint
followup_one_thank_you_per_meeting_contact), due the next morning (the user's
`thank_you_delay_days`), never before the meeting ends, and never before the morning
of the day it was logged: a meeting logged weeks after it happened asks for its note
today, not as weeks overdue at the top of the queue. A meeting planned ahead
gets its thank-yous from the sweep once it has happened, and then counts as a
touch for each person met.

Prepare (give a positive reason to meet, ask for 15 minutes and leave after 15,
design questions that lead to the result you want): each meeting that has not
happened yet gets one PREPARE (constraint followup_one_prepare_per_meeting), due
on the morning `profile.prepare_days_before` days before it, in the user's
timezone; never later than the meeting starts, and due at once when that morning
has passed by the time the meeting is logged. When a planned meeting moves, its
open prepare follow-up moves (and is redrafted whenever the meeting changes).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime, timedelta

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.urls import reverse

from accounts.models import Profile
from contacts.models import Contact
from followups.kinds import FollowUpKind, register
from followups.models import FollowUp, Status
from followups.services import SWEEP_WINDOW, clip_title, draft, save_new, signature
from meetings.models import Meeting
from netcrm.lib.planner import Among


def load(ids: list[int]) -> list[Meeting]:
    return list(
        Meeting.objects.filter(pk__in=ids).select_related("user").prefetch_related("contacts")
    )


def per_participant(
    meeting: Meeting, profile: Profile, kind: str, due_at: datetime,
    title: Callable[[Contact, Meeting], str], template: str, done: set,
) -> Iterator[FollowUp]:
    """One follow-up of `kind` for each person met who has none yet ((meeting, contact)
    in `done`)."""
    for contact in meeting.contacts.all():
        if (meeting.pk, contact.pk) in done:
            continue
        yield FollowUp(
            user_id=meeting.user_id,
            kind=kind,
            due_at=due_at,
            title=title(contact, meeting),
            draft=draft(
                template, profile,
                meeting=meeting, contact=contact, signature=signature(meeting.user),
            ),
            contact=contact,
            meeting=meeting,
        )


def participants_lacking(kind: str) -> Exists:
    """The meeting has a participant without a follow-up of `kind` for it."""
    return Exists(
        Meeting.contacts.through.objects.filter(meeting=OuterRef("pk")).exclude(
            Exists(
                FollowUp.objects.filter(
                    kind=kind, meeting_id=OuterRef("meeting_id"), contact_id=OuterRef("contact_id")
                )
            )
        )
    )


def held_lately(now: datetime) -> QuerySet[Meeting]:
    """Meetings logged or held within the sweep window, already begun."""
    since = now - SWEEP_WINDOW
    lately = Meeting.objects.filter(
        Q(created_at__gte=since) | Q(starts_at__gte=since), starts_at__lte=now
    )
    return Meeting.objects.filter(Among("pk", lately.values("pk")))  # then, their participants


def create_per_participant(
    kind: str, meetings: list[Meeting], now: datetime,
    schedule: Callable[[Meeting, Profile], datetime],
    title: Callable[[Contact, Meeting], str], template: str,
) -> int:
    """For each of these meetings (loaded by `load`) that has begun, one `kind` per
    person met that has none yet, due at `schedule(meeting, profile)`."""
    held = [m for m in meetings if m.starts_at <= now]
    if not held:
        return 0
    done = set(
        FollowUp.objects.filter(kind=kind, meeting__in=held).values_list("meeting_id", "contact_id")
    )
    profiles = Profile.objects.for_users(m.user_id for m in held)
    return save_new([
        row
        for m in held
        for row in per_participant(
            m, profiles[m.user_id], kind, schedule(m, profiles[m.user_id]), title, template, done
        )
    ])


@register
class ThankYou(FollowUpKind):
    name = "thank_you"
    label = "Thank-you note"
    email_subject = "Thank you"
    subject = "meetings.Meeting"

    def pending(self, now: datetime) -> QuerySet[Meeting]:
        return held_lately(now).filter(participants_lacking(self.name))

    def repair(self, ids: list[int], now: datetime) -> int:
        meetings = load(ids)
        for meeting in meetings:
            meeting.touch_contacts()  # a meeting planned ahead is a touch once it has happened
        return create_per_participant(
            self.name, meetings, now, thank_you_due,
            lambda contact, meeting: f"Thank {contact.name} for the {meeting.kind_name}",
            "thank_you.txt",
        )


def thank_you_due(meeting: Meeting, profile: Profile) -> datetime:
    """The next morning (or as the user set it), never before the meeting ends, nor
    before the morning of the day it was logged."""
    due = profile.morning_after(meeting.ends_at, profile.thank_you_delay_days)
    return max(profile.not_before_day_of(due, meeting.created_at), meeting.ends_at)


# Prepare ------------------------------------------------------------------------------


def prepare_schedule(meeting: Meeting, profile: Profile) -> datetime:
    """The morning `prepare_days_before` days before the meeting's day, in the user's
    timezone, and never after the meeting starts (an early meeting on the day itself)."""
    day = profile.local_date(meeting.starts_at) - timedelta(days=profile.prepare_days_before)
    return min(profile.morning_of(day), meeting.starts_at)


def prepare_draft(meeting: Meeting, profile: Profile) -> str:
    contacts = list(meeting.contacts.all())
    return draft(
        "prepare.txt",
        profile,
        meeting=meeting,
        contact=contacts[0] if contacts else None,
        purpose=" ".join(meeting.purpose.split()),
        questions=[line.strip() for line in meeting.questions.splitlines() if line.strip()],
        library_url=reverse("meetings:question-list"),
        edit_url=reverse("meetings:edit-meeting", args=[meeting.pk]),
    )


def moved_due_at(
    followup: FollowUp, schedule: datetime, meeting: Meeting, now: datetime
) -> datetime:
    """Where an open prepare follow-up belongs after its meeting was saved.

    Pending: at its schedule, or left where it is when it fell due at the moment
    it was scheduled (the morning had passed already: `schedule < due_at <= now`).
    Snoozed: where the user put it, unless that is after the meeting starts.
    Anything else means the meeting moved: due at its new schedule, or now.
    """
    due = followup.due_at
    if followup.status == Status.PENDING and (due == schedule or schedule < due <= now):
        return due
    if followup.status == Status.SNOOZED and due <= meeting.starts_at:
        return due
    return max(schedule, now)


@register
class Prepare(FollowUpKind):
    name = "prepare"
    label = "Prepare"
    mailto = False  # a note to yourself
    subject = "meetings.Meeting"

    def pending(self, now: datetime) -> QuerySet[Meeting]:
        """Meetings that have not happened yet and have no prepare follow-up."""
        return Meeting.objects.filter(starts_at__gt=now).filter(
            ~Exists(FollowUp.objects.filter(kind=self.name, meeting_id=OuterRef("pk")))
        )

    def repair(self, ids: list[int], now: datetime) -> int:
        """One prepare follow-up for each of these meetings that has not happened yet;
        an open one is moved and redrafted to match its meeting. Returns how many
        were created."""
        planned = [m for m in load(ids) if m.starts_at > now]
        if not planned:
            return 0
        profiles = Profile.objects.for_users(m.user_id for m in planned)
        existing = {
            f.meeting_id: f
            for f in FollowUp.objects.filter(kind=self.name, meeting__in=planned).only(
                "pk", "meeting_id", "contact_id", "status", "due_at", "title", "draft"
            )
        }
        rows = []
        for meeting in planned:
            profile = profiles[meeting.user_id]
            schedule = prepare_schedule(meeting, profile)
            contacts = list(meeting.contacts.all())
            wanted = {
                "title": f"Prepare for {meeting.occasion} with {meeting.people}",
                "draft": prepare_draft(meeting, profile),
                "contact_id": contacts[0].pk if contacts else None,
            }
            followup = existing.get(meeting.pk)
            if followup is None:
                rows.append(
                    FollowUp(
                        user_id=meeting.user_id, kind=self.name, meeting=meeting,
                        due_at=max(schedule, now), **wanted,
                    )
                )
            elif followup.is_open:
                wanted["title"] = clip_title(wanted["title"])
                wanted["due_at"] = moved_due_at(followup, schedule, meeting, now)
                if any(getattr(followup, field) != value for field, value in wanted.items()):
                    # Conditional: a snooze, done or skip that got there first wins.
                    FollowUp.objects.filter(
                        pk=followup.pk, status=followup.status, due_at=followup.due_at
                    ).update(**wanted)
        return save_new(rows)
