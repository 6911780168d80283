"""The follow-ups that what the user logged calls for, created exactly once.

Called by Celery tasks right after a meeting or a referral is saved, and by the
beat sweep for anything a lost message missed. Unique constraints make a second
call, from either place, create nothing: the rows are the source of truth.

The rules (from the networking advice in PRODUCT.md):
- after a meeting has begun: thank each person met (thank-you note);
- a new referral, while nobody asked the referrer to call ahead: ask for that intro;
- a new referral: call the person, mentioning the referrer (drafted opener);
- a referral whose person you met: tell the referrer how it went (close the loop).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from datetime import datetime, timedelta

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.module_loading import import_string

from accounts.models import Profile
from contacts.models import Contact
from followups.models import FollowUp, Kind, Status
from meetings.models import Meeting
from referrals.models import IntroStatus, Progress, Referral

# How far back the sweep looks for work a lost message left undone.
SWEEP_WINDOW = timedelta(days=14)
SWEEP_BATCH = 500


class Profiles(dict):
    """Each user's Profile, loaded once per run."""

    def __missing__(self, user) -> Profile:
        profile = self[user] = Profile.for_user(user)
        return profile


def signature(user) -> str:
    return user.get_full_name() or user.get_username()


def draft(template: str, profile: Profile, **context) -> str:
    with timezone.override(profile.tzinfo):  # "on Tuesday" in the user's own week
        return render_to_string(f"followups/drafts/{template}", context).strip()


def save_new(rows: list[FollowUp]) -> int:
    # ignore_conflicts: a concurrent worker that got there first wins, silently.
    return len(FollowUp.objects.bulk_create(rows, ignore_conflicts=True)) if rows else 0


# Meetings ---------------------------------------------------------------------------


def participant_rows(
    meeting: Meeting, profile: Profile, done: set, *,
    kind: str, due_at: datetime, title: Callable[[Contact], str], template: str,
) -> Iterator[FollowUp]:
    """One follow-up of `kind` for each person met who has none yet ((meeting, contact) in done)."""
    for contact in meeting.contacts.all():
        if (meeting.pk, contact.pk) in done:
            continue
        yield FollowUp(
            user_id=meeting.user_id,
            kind=kind,
            due_at=due_at,
            title=title(contact),
            draft=draft(
                template, profile,
                meeting=meeting, contact=contact, signature=signature(meeting.user),
            ),
            contact=contact,
            meeting=meeting,
        )


def thank_you_rows(meeting: Meeting, profile: Profile, done: set) -> Iterator[FollowUp]:
    # The next morning (or as the user set it), and never before the meeting ends.
    due_at = max(
        profile.morning_after(meeting.ends_at, profile.thank_you_delay_days), meeting.ends_at
    )
    kind_name = meeting.get_kind_display().lower()
    return participant_rows(
        meeting, profile, done, kind=Kind.THANK_YOU, due_at=due_at,
        title=lambda contact: f"Thank {contact.name} for the {kind_name}",
        template="thank_you.txt",
    )


def create_meeting_followups(meeting_ids: Iterable[int], now: datetime | None = None) -> int:
    """What these meetings call for: thank-yous (once a meeting has begun; a planned
    one gets its thank-you from the sweep after it happens), and the follow-ups of
    the referrals given or met there."""
    now = now or timezone.now()
    meetings = list(
        Meeting.objects.filter(pk__in=list(meeting_ids))
        .select_related("user")
        .prefetch_related("contacts")
    )
    held = [m for m in meetings if m.starts_at <= now]
    for meeting in held:  # a meeting planned ahead counts as a touch once it has happened
        meeting.touch_contacts()
    done = set(
        FollowUp.objects.filter(kind=Kind.THANK_YOU, meeting__in=held).values_list(
            "meeting_id", "contact_id"
        )
    )
    profiles = Profiles()
    rows = [row for m in held for row in thank_you_rows(m, profiles[m.user], done)]
    referrals = Referral.objects.filter(
        Q(meeting__in=meetings) | Q(met_meeting__in=meetings)
    ).values_list("pk", flat=True)
    created = save_new(rows) + create_referral_followups(referrals)
    # Other apps' rules for a saved meeting, each given the loaded meetings and `now`.
    return created + sum(import_string(rule)(meetings, now) for rule in MEETING_RULES)


# Rules run whenever meetings are saved (and by the sweep through them), by dotted path.
MEETING_RULES: list[str] = [
    "meetings.services.prepare_followups",
    "reciprocity.services.create_help_back_followups",
]


# Referrals --------------------------------------------------------------------------


def referral_rows(referral: Referral, profile: Profile, done: set) -> Iterator[FollowUp]:
    referrer, referred = referral.referrer, referral.referred
    noted = referral.created_at
    common = {"user_id": referral.user_id, "referral": referral}
    if referral.intro_status == IntroStatus.NOT_ASKED and Kind.ASK_INTRO not in done:
        yield FollowUp(
            **common,
            kind=Kind.ASK_INTRO,
            due_at=profile.morning_after(noted, 1),
            title=f"Ask {referrer.name} to call {referred.name} ahead",
            draft=draft(
                "ask_intro.txt", profile, referral=referral, signature=signature(referral.user)
            ),
            contact=referrer,
            meeting=referral.meeting,
        )
    if referral.progress == Progress.NOT_CONTACTED and Kind.REFERRAL_CALL not in done:
        yield FollowUp(
            **common,
            kind=Kind.REFERRAL_CALL,
            due_at=profile.morning_after(noted, profile.referral_call_delay_days),
            title=f"Call {referred.name}, mention {referrer.name}",
            draft=referral.opener(),
            contact=referred,
            meeting=referral.meeting,
        )
    if referral.progress == Progress.MET and Kind.CLOSE_LOOP not in done:
        met_at = referral.met_meeting.ends_at if referral.met_meeting else timezone.now()
        yield FollowUp(
            **common,
            kind=Kind.CLOSE_LOOP,
            due_at=profile.morning_after(met_at, profile.thank_you_delay_days),
            title=f"Tell {referrer.name} how it went with {referred.name}",
            draft=draft(
                "close_loop.txt", profile, referral=referral, signature=signature(referral.user)
            ),
            contact=referrer,
            meeting=referral.met_meeting,
        )


def create_referral_followups(referral_ids: Iterable[int]) -> int:
    """The follow-ups these referrals call for now that do not exist yet."""
    referrals = list(
        Referral.objects.filter(pk__in=list(referral_ids))
        .select_related("user", "referrer", "referred", "meeting", "met_meeting")
    )
    done: dict[int, set] = {r.pk: set() for r in referrals}
    for referral_id, kind in FollowUp.objects.filter(referral__in=referrals).values_list(
        "referral_id", "kind"
    ):
        done[referral_id].add(kind)
    profiles = Profiles()
    return save_new(
        [row for r in referrals for row in referral_rows(r, profiles[r.user], done[r.pk])]
    )


def settle_referral_followups(referral_ids: Iterable[int]) -> int:
    """Close open follow-ups that these referrals' state has made moot: the intro
    was asked for, or the person was contacted or met."""
    moot = FollowUp.objects.filter(referral_id__in=list(referral_ids)).open()
    closed = {"status": Status.DONE, "completed_at": timezone.now()}
    return moot.filter(kind=Kind.ASK_INTRO).exclude(
        referral__intro_status=IntroStatus.NOT_ASKED
    ).update(**closed) + moot.filter(kind=Kind.REFERRAL_CALL).exclude(
        referral__progress=Progress.NOT_CONTACTED
    ).update(**closed)


# The sweep --------------------------------------------------------------------------


def meetings_missing_thank_you(now: datetime | None = None) -> QuerySet[Meeting]:
    """Meetings logged or held lately, already begun, with a participant not yet thanked."""
    now = now or timezone.now()
    since = now - SWEEP_WINDOW
    missing = (
        Meeting.contacts.through.objects.filter(meeting=OuterRef("pk"))
        .exclude(
            Exists(
                FollowUp.objects.filter(
                    kind=Kind.THANK_YOU,
                    meeting_id=OuterRef("meeting_id"),
                    contact_id=OuterRef("contact_id"),
                )
            )
        )
    )
    return Meeting.objects.filter(
        Q(created_at__gte=since) | Q(starts_at__gte=since), starts_at__lte=now
    ).filter(Exists(missing))


def referrals_missing_followups(now: datetime | None = None) -> QuerySet[Referral]:
    """Recent referrals (or lately met) lacking a follow-up their state calls for."""
    now = now or timezone.now()
    since = now - SWEEP_WINDOW

    def lacks(kind: str) -> Q:
        return ~Q(Exists(FollowUp.objects.filter(referral=OuterRef("pk"), kind=kind)))

    return Referral.objects.filter(
        Q(created_at__gte=since) | Q(met_meeting__created_at__gte=since)
    ).filter(
        (Q(intro_status=IntroStatus.NOT_ASKED) & lacks(Kind.ASK_INTRO))
        | (Q(progress=Progress.NOT_CONTACTED) & lacks(Kind.REFERRAL_CALL))
        | (Q(progress=Progress.MET) & lacks(Kind.CLOSE_LOOP))
    )


def sweep_meeting_followups(now: datetime) -> int:
    ids = list(meetings_missing_thank_you(now).values_list("pk", flat=True)[:SWEEP_BATCH])
    return create_meeting_followups(ids, now) if ids else 0


def sweep_referral_followups(now: datetime) -> int:
    ids = list(referrals_missing_followups(now).values_list("pk", flat=True)[:SWEEP_BATCH])
    return create_referral_followups(ids) if ids else 0


# Each rule finds what it calls for that does not exist yet and creates it; named
# by dotted path so each app keeps its own rule without circular imports.
SWEEP_RULES = [
    "followups.services.sweep_meeting_followups",
    "followups.services.sweep_referral_followups",
    "meetings.services.sweep_prepare_followups",
    "reciprocity.services.sweep_reciprocity_followups",
    "contacts.services.sweep_keep_in_touch",
]


def sweep_missing_followups(now: datetime | None = None) -> int:
    """Repair whatever a lost message missed; safe to run any number of times."""
    now = now or timezone.now()
    return sum(import_string(rule)(now) for rule in SWEEP_RULES)
