"""Meetings: logging one (the use case every caller shares), and the question library.

The question library (PRODUCT.md: "a meeting has a purpose and prepared questions,
with a library of question templates"): each user keeps QuestionTemplate rows to
pick from, and edit, when preparing a meeting. A new account starts with
SUGGESTED_QUESTIONS, added when its Profile is created: at sign-up, or for an
account without a profile on its first visit (the middleware creates it). They
are added once: a user who deletes them all sees an empty library with a button
that restores them; nothing refills the library behind their back.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from accounts.models import Profile
from contacts.models import Contact
from followups.tasks import followups_after_save
from meetings.models import Meeting, QuestionTemplate
from referrals.followups import settle
from referrals.models import IntroStatus, Referral

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


# Logging a meeting ---------------------------------------------------------------


@dataclass
class ReferralGiven:
    """Someone a person met suggested you talk to (saved or new): the first person
    met, unless `referrer` says which."""

    referred: Contact
    reason: str = ""
    intro_status: str = IntroStatus.NOT_ASKED
    referrer: Contact | None = None  # one of the people met; None: the first of them


@transaction.atomic
def log_meeting(
    meeting: Meeting,
    people: list[Contact],
    referrals: Iterable[ReferralGiven] = (),
    questions: Iterable[str] = (),
) -> Meeting:
    """Save a meeting, new or edited, in one transaction: the people met (new ones
    are saved, at their organization), the questions picked from the library, the
    referrals the people met gave (each from the first of them, unless it says whom); the referrals whose person this meeting met
    move on, and the follow-ups they made moot close. Once it commits, the worker
    creates what the meeting calls for (thank-yous, prepare, referral calls…)."""
    meeting.questions = merge_questions(meeting.questions, questions)
    meeting.save()
    for person in people:
        if person.pk is None:
            person.save_with_organization()
    meeting.contacts.set(people)
    meeting.touch_contacts()
    settle(Referral.objects.for_user(meeting.user).record_meeting(meeting))
    for given in referrals:
        if given.referred.pk is None:
            given.referred.save_with_organization()
        Referral.objects.create(
            user=meeting.user, referrer=given.referrer or people[0], referred=given.referred,
            meeting=meeting,
            reason=given.reason, intro_status=given.intro_status,
            referred_on=timezone.localdate(meeting.starts_at),
        )
    followups_after_save("meetings.Meeting", meeting.pk)
    return meeting
