"""Preparing for a planned meeting: the question library and the "prepare" follow-up.

The question library (PRODUCT.md: "a meeting has a purpose and prepared questions,
with a library of question templates"): each user keeps QuestionTemplate rows to
pick from, and edit, when preparing a meeting. A new account starts with
SUGGESTED_QUESTIONS, added when its Profile is created: at sign-up, or for an
account without a profile on its first visit (the middleware creates it). They
are added once: a user who deletes them all sees an empty library with a button
that restores them; nothing refills the library behind their back.

The prepare follow-up (the seeds: give a positive reason to meet, ask for 15
minutes and leave after 15, design questions that lead to the result you want):
each meeting that has not happened yet gets exactly one PREPARE follow-up
(constraint followup_one_prepare_per_meeting), due on the morning of
`profile.prepare_days_before` days before the meeting, in the user's timezone;
never later than the meeting starts, and due at once when that morning has passed
by the time the meeting is logged. It is created by `prepare_followups`, a meeting
rule run after every meeting save, and by `sweep_prepare_followups`, the sweep for
anything a lost message missed. When a planned meeting moves, the rule moves its
open prepare follow-up (and redrafts it whenever the meeting changes).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from django.db.models import Exists, OuterRef, QuerySet
from django.urls import reverse
from django.utils.text import Truncator

from accounts.models import Profile
from followups.models import FollowUp, Kind, Status
from followups.services import SWEEP_BATCH, draft, save_new
from meetings.models import Kind as MeetingKind
from meetings.models import Meeting, QuestionTemplate

# Questions that relate what you do best to where you can do it next; never
# "are you hiring?" (the seeds: a networking meeting is not a job interview).
# The "…" are for the user to fill in when they pick one.
SUGGESTED_QUESTIONS: tuple[str, ...] = (
    "What kinds of organizations are you aware of that could benefit from my ability to …?",
    "Where would you suggest that I look? Who do you suggest that I talk to?",
    "What do you know about the latest opportunities in …?",
    "How did you get to where you are now, and what would you do differently starting out today?",
    "What is changing in your field, and which skills will matter most in the next few years?",
    "Which groups, events or volunteer work would put me in touch with people who do …?",
    "I'd like to talk to anyone you can think of, for any reason — who else should I talk to?",
    "Would you be willing to let them know I'll be calling?",
)

# "Prepare for coffee with Emily Chen", "Prepare for the call with …"
OCCASION = {
    MeetingKind.COFFEE: "coffee",
    MeetingKind.CALL: "the call",
    MeetingKind.VISIT: "the visit",
    MeetingKind.EVENT: "the conversation",
    MeetingKind.INFORMATIONAL: "the informational interview",
}


# The question library ------------------------------------------------------------


def normalize_question(text: str) -> str:
    """One line, single spaces: a question is appended to a meeting one per line."""
    return " ".join(text.split())


def question_key(text: str) -> str:
    return normalize_question(text).casefold()


def restore_suggested_questions(user) -> int:
    """Add the suggested questions the user's library lacks; returns how many were added."""
    library = QuestionTemplate.objects.for_user(user).values_list("text", flat=True)
    have = {question_key(text) for text in library}
    rows = [
        QuestionTemplate(user=user, text=text)
        for text in SUGGESTED_QUESTIONS
        if question_key(text) not in have
    ]
    return len(QuestionTemplate.objects.bulk_create(rows))


def add_suggested_questions(
    sender, instance: Profile, created: bool, raw: bool = False, **kwargs
) -> None:
    """post_save of Profile: a new account starts with the suggested questions."""
    if created and not raw:
        QuestionTemplate.objects.bulk_create(
            QuestionTemplate(user_id=instance.user_id, text=text) for text in SUGGESTED_QUESTIONS
        )


def merge_questions(questions: str, texts: Iterable[str]) -> str:
    """`questions` with each of `texts` appended on a line of its own, unless a line
    saying the same (ignoring case and spacing) is there already."""
    lines = questions.splitlines()
    seen = {question_key(line) for line in lines if line.strip()}
    added = []
    for text in texts:
        key = question_key(text)
        if key and key not in seen:
            seen.add(key)
            added.append(normalize_question(text))
    if not added:
        return questions
    return "\n".join([questions.rstrip()] + added if questions.strip() else added)


# The prepare follow-up -----------------------------------------------------------


def prepare_schedule(meeting: Meeting, profile: Profile) -> datetime:
    """The morning `prepare_days_before` days before the meeting's day, in the user's
    timezone, and never after the meeting starts (an early meeting on the day itself)."""
    day = profile.local_date(meeting.starts_at) - timedelta(days=profile.prepare_days_before)
    return min(profile.morning_of(day), meeting.starts_at)


def prepare_title(meeting: Meeting) -> str:
    occasion = OCCASION.get(meeting.kind, "the meeting")
    return Truncator(f"Prepare for {occasion} with {meeting.people}").chars(200)


def prepare_draft(meeting: Meeting, profile: Profile) -> str:
    contacts = list(meeting.contacts.all())
    return draft(
        "prepare.txt",
        profile,
        meeting=meeting,
        occasion=OCCASION.get(meeting.kind, "the meeting"),
        contact=contacts[0] if contacts else None,
        purpose=" ".join(meeting.purpose.split()),
        questions=[line.strip() for line in meeting.questions.splitlines() if line.strip()],
        library_url=reverse("meetings:question-list"),
        edit_url=reverse("meetings:edit-meeting", args=[meeting.pk]),
    )


def load_profiles(meetings: Iterable[Meeting]) -> dict[int, Profile]:
    """Each meeting owner's Profile, in one query (a missing one is created)."""
    meetings = list(meetings)
    users = {m.user_id for m in meetings}
    profiles = {p.user_id: p for p in Profile.objects.filter(user_id__in=users)}
    for meeting in meetings:
        if meeting.user_id not in profiles:
            profiles[meeting.user_id] = Profile.for_user(meeting.user)
    return profiles


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


def prepare_followups(meetings: list[Meeting], now: datetime) -> int:
    """Meeting rule: one prepare follow-up for each of these meetings that has not
    happened yet; an open one is moved and redrafted to match its meeting.

    `meetings` come with their user and contacts loaded (create_meeting_followups).
    Returns how many follow-ups were created.
    """
    planned = [m for m in meetings if m.starts_at > now]
    if not planned:
        return 0
    profiles = load_profiles(planned)
    existing = {
        f.meeting_id: f
        for f in FollowUp.objects.filter(kind=Kind.PREPARE, meeting__in=planned).only(
            "pk", "meeting_id", "contact_id", "status", "due_at", "title", "draft"
        )
    }
    rows = []
    for meeting in planned:
        profile = profiles[meeting.user_id]
        schedule = prepare_schedule(meeting, profile)
        contacts = list(meeting.contacts.all())
        wanted = {
            "title": prepare_title(meeting),
            "draft": prepare_draft(meeting, profile),
            "contact_id": contacts[0].pk if contacts else None,
        }
        followup = existing.get(meeting.pk)
        if followup is None:
            rows.append(
                FollowUp(
                    user_id=meeting.user_id,
                    kind=Kind.PREPARE,
                    meeting=meeting,
                    due_at=max(schedule, now),
                    **wanted,
                )
            )
        elif followup.is_open:
            wanted["due_at"] = moved_due_at(followup, schedule, meeting, now)
            if any(getattr(followup, field) != value for field, value in wanted.items()):
                # Conditional: a snooze, done or skip that got there first wins.
                FollowUp.objects.filter(
                    pk=followup.pk, status=followup.status, due_at=followup.due_at
                ).update(**wanted)
    return save_new(rows)


def meetings_missing_prepare(now: datetime) -> QuerySet[Meeting]:
    """Meetings that have not happened yet and have no prepare follow-up."""
    return Meeting.objects.filter(starts_at__gt=now).filter(
        ~Exists(FollowUp.objects.filter(kind=Kind.PREPARE, meeting_id=OuterRef("pk")))
    )


def sweep_prepare_followups(now: datetime) -> int:
    """Sweep rule: the prepare follow-ups a lost message left uncreated."""
    missing = meetings_missing_prepare(now).order_by("starts_at")
    ids = list(missing.values_list("pk", flat=True)[:SWEEP_BATCH])
    if not ids:
        return 0
    meetings = list(
        Meeting.objects.filter(pk__in=ids).select_related("user").prefetch_related("contacts")
    )
    return prepare_followups(meetings, now)
