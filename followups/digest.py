"""The morning digest: one email per user per local day, listing that day's queue.

Each user picks a timezone and a digest time (Profile). Beat runs
`claim_due_digests` every minute; the DigestLog row is the source of truth:

- Claim. For every user whose local time has reached their digest time today and
  who has no DigestLog for their local today, beat INSERTs DigestLog(user, day).
  The unique constraint (user, day) means that of two beats only one creates the
  row, and only the creator enqueues `send_digest(log_id, claim)`. A beat whose
  messages wait in the queue (worker down while beat runs on) therefore finds the
  rows already there and enqueues nothing more: one message per user per day,
  not one per minute.
- Fence. `claim` is the claimed_at value the message was sent with. The sender
  takes the row over with a conditional UPDATE that requires that exact value and
  moves it on, so of two deliveries of one message (or an old message and the
  re-claim below) exactly one sends.
- Send, then record: sent_at and followup_count, conditionally on the sender's
  own claim.
- Recover. A claim older than STALE_CLAIM with sent_at still NULL means the
  message was lost or the worker died before sending; beat re-claims it with a
  conditional UPDATE and enqueues a new message (whose claim fences off the old
  one). STALE_CLAIM is longer than CELERY_TASK_TIME_LIMIT, so a sender still
  running cannot be overtaken.
- Only today. Catch-up happens within the user's local day (beat down from 07:00
  to 11:00: sent at 11:00, once). A digest for a day that has ended locally is
  never sent; its row stays with sent_at NULL, the record of a missed digest.
- Nothing due. A day with nothing overdue or due is recorded as done (sent_at
  set, followup_count 0) and no email is sent: an empty digest is noise.
- Disabled meanwhile. If the user turned the digest off (or has no email, or
  was deactivated) between claim and send, nothing is sent and the row stays
  open, so turning it back on the same day still brings that day's digest.

The one window left is the unavoidable one of any email: a worker that dies after
the mail server accepted the message but before sent_at is saved sends it again
on recovery.
"""

from __future__ import annotations

import logging
import operator
import zoneinfo
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import reduce

from django.conf import settings
from django.contrib.auth.models import User
from django.core.mail import EmailMultiAlternatives
from django.db import connection
from django.db.models import Count, Exists, OuterRef, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator

from accounts.models import Profile
from followups.models import TICK, DigestLog, FollowUp

# Longer than CELERY_TASK_TIME_LIMIT (300 s): a claim this old has no live sender.
STALE_CLAIM = timedelta(minutes=10)
# The email lists at most this many follow-ups; the counts cover them all.
DIGEST_LIMIT = 50
EXCERPT_CHARS = 160


logger = logging.getLogger(__name__)


def zone(name: str) -> zoneinfo.ZoneInfo | None:
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return None


def candidate_days(now: datetime) -> tuple[date, date]:
    """Every timezone's local date lies within a day of UTC's (UTC-12 … UTC+14)."""
    utc_day = now.astimezone(zoneinfo.ZoneInfo("UTC")).date()
    return utc_day - timedelta(days=1), utc_day + timedelta(days=1)


def receiving_profiles():
    """Profiles of users who get a digest: turned on, an email address, active."""
    return Profile.objects.filter(digest_enabled=True, user__is_active=True).exclude(user__email="")


def due_users(now: datetime) -> list[tuple[int, date]]:
    """(user id, local day) for each user whose digest time has come today and who
    has no DigestLog for that day. Two queries, whatever the number of users: the
    timezones in use, then the due profiles, filtered in the database."""
    local: dict[str, datetime] = {}
    for name in receiving_profiles().values_list("timezone", flat=True).distinct():
        if tz := zone(name):
            local[name] = now.astimezone(tz)
    if not local:
        return []
    reached = reduce(
        operator.or_,
        (Q(timezone=name, digest_time__lte=moment.time()) for name, moment in local.items()),
    )
    days: dict[date, list[str]] = {}
    for name, moment in local.items():
        days.setdefault(moment.date(), []).append(name)
    unlogged = reduce(
        operator.or_,
        (
            Q(timezone__in=names)
            & ~Q(Exists(DigestLog.objects.filter(user_id=OuterRef("user_id"), day=day)))
            for day, names in days.items()
        ),
    )
    rows = receiving_profiles().filter(reached & unlogged).values_list("user_id", "timezone")
    return [(user_id, local[name].date()) for user_id, name in rows]


CLAIM_BATCH = 1000  # rows a claim statement writes at most


def claim_new(due: list[tuple[int, date]], now: datetime) -> list[tuple[int, datetime]]:
    """Create each due (user, day)'s row, and return (id, claim) for the rows this run
    created: a row another run created first is left to it. One INSERT … ON CONFLICT
    DO NOTHING RETURNING per CLAIM_BATCH users (SQLite ≥ 3.35 and PostgreSQL alike),
    so the unique constraint still decides, in the database, who claims what."""
    table = connection.ops.quote_name(DigestLog._meta.db_table)
    claimed_at = connection.ops.adapt_datetimefield_value(now)
    claims = []
    for start in range(0, len(due), CLAIM_BATCH):
        batch = due[start:start + CLAIM_BATCH]
        values = ", ".join(["(%s, %s, %s, 0)"] * len(batch))
        params = [
            value
            for user_id, day in batch
            for value in (user_id, connection.ops.adapt_datefield_value(day), claimed_at)
        ]
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} (user_id, day, claimed_at, followup_count) "
                f"VALUES {values} ON CONFLICT (user_id, day) DO NOTHING RETURNING id",
                params,
            )
            claims += [(pk, now) for (pk,) in sorted(cursor.fetchall())]
    return claims


def reclaim_stale(now: datetime) -> list[tuple[int, datetime]]:
    """Claims nobody finished (lost message, dead worker), for days not yet over."""
    first, last = candidate_days(now)
    stale = (
        DigestLog.objects.filter(
            sent_at=None,
            claimed_at__lt=now - STALE_CLAIM,
            day__range=(first, last),
            user__profile__in=receiving_profiles(),
        )
        .values_list("pk", "day", "user__profile__timezone")
        .order_by("pk")
    )
    today = []
    for pk, day, name in stale:
        tz = zone(name)
        if tz is None or now.astimezone(tz).date() != day:
            continue  # that day is over where the user lives: never sent late
        today.append(pk)
    if not today:
        return []
    # One conditional UPDATE for them all; RETURNING names the rows this run took over.
    table = connection.ops.quote_name(DigestLog._meta.db_table)
    marks = ", ".join(["%s"] * len(today))
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET claimed_at = %s "
            f"WHERE id IN ({marks}) AND sent_at IS NULL AND claimed_at < %s RETURNING id",
            [
                connection.ops.adapt_datetimefield_value(now),
                *today,
                connection.ops.adapt_datetimefield_value(now - STALE_CLAIM),
            ],
        )
        recovered = sorted(pk for (pk,) in cursor.fetchall())
    for pk in recovered:
        logger.warning("digest %s: claim went stale unsent; sending again", pk)
    return [(pk, now) for pk in recovered]


def claim_due_digests(now: datetime | None = None) -> list[tuple[int, datetime]]:
    """(DigestLog id, claim) for every digest this run must have sent. Safe to run
    any number of times, concurrently: each claim is handed out once."""
    now = now or timezone.now()
    return reclaim_stale(now) + claim_new(due_users(now), now)


# The email ---------------------------------------------------------------------------


@dataclass
class Digest:
    user: User
    profile: Profile
    day: date
    overdue: list[FollowUp] = field(default_factory=list)
    due_today: list[FollowUp] = field(default_factory=list)
    overdue_count: int = 0
    total: int = 0

    @property
    def more(self) -> int:
        return self.total - len(self.overdue) - len(self.due_today)

    @property
    def subject(self) -> str:
        noun = "follow-up" if self.total == 1 else "follow-ups"
        late = f" ({self.overdue_count} overdue)" if self.overdue_count else ""
        return f"Today: {self.total} {noun}{late}"

    def context(self) -> dict:
        return {
            "digest": self,
            "user": self.user,
            "day": self.day,
            "sections": [
                ("Overdue", "overdue", self.overdue),
                ("Today", "today", self.due_today),
            ],
            "dashboard_url": site_url(reverse("home:dashboard")),
            "settings_url": site_url(reverse("accounts:settings")),
            "site_url": site_url(""),
        }

    def message(self) -> EmailMultiAlternatives:
        context = self.context()
        with timezone.override(self.profile.tzinfo):  # every time in the user's own day
            text = render_to_string("followups/email/digest.txt", context)
            html = render_to_string("followups/email/digest.html", context)
        return EmailMultiAlternatives(
            subject=self.subject,
            body=text,
            to=[self.user.email],
            headers={"Auto-Submitted": "auto-generated"},
            alternatives=[(html, "text/html")],
        )


def site_url(path: str) -> str:
    """An absolute link when settings.SITE_URL names the site, else the bare path."""
    base = getattr(settings, "SITE_URL", "") or ""
    return f"{base.rstrip('/')}{path}" if base else path


def build_digest(user: User, profile: Profile, day: date) -> Digest:
    """The user's open follow-ups overdue or due on `day` (local), earliest first.
    Two queries: the counts, then the first DIGEST_LIMIT rows with their subjects."""
    today_start = profile.day_start(day)
    due = FollowUp.objects.for_user(user).queue(profile, day)
    counts = due.aggregate(total=Count("pk"), overdue=Count("pk", filter=Q(due_at__lt=today_start)))
    items = list(due.with_subjects()[:DIGEST_LIMIT]) if counts["total"] else []
    for item in items:
        item.excerpt = Truncator(" ".join(item.draft.split())).chars(EXCERPT_CHARS)
        item.link = site_url(item.get_absolute_url())
    return Digest(
        user=user,
        profile=profile,
        day=day,
        overdue=[f for f in items if f.due_at < today_start],
        due_today=[f for f in items if f.due_at >= today_start],
        overdue_count=counts["overdue"],
        total=counts["total"],
    )


def send_digest(log_id: int, claim: datetime, now: datetime | None = None) -> int:
    """Send the digest the DigestLog row `log_id` stands for, if `claim` still holds
    it. Returns the number of emails sent (0 or 1)."""
    now = now or timezone.now()
    log = (
        DigestLog.objects.select_related("user__profile")
        .filter(pk=log_id, sent_at=None, claimed_at=claim)
        .first()
    )
    if log is None:
        return 0  # sent already, or taken over by a newer claim
    user = log.user
    profile = getattr(user, "profile", None)
    if profile is None or not (profile.digest_enabled and user.email and user.is_active):
        return 0  # left open: turned back on today, the recovery sends it
    if profile.local_date(now) != log.day:
        return 0  # that day is over where the user lives: never sent late
    # Take the row over: the one delivery that moves claimed_at on sends.
    mine = max(now, claim + TICK)
    if not DigestLog.objects.filter(pk=log_id, sent_at=None, claimed_at=claim).update(
        claimed_at=mine
    ):
        return 0
    digest = build_digest(user, profile, log.day)
    sent = digest.message().send() if digest.total else 0
    recorded = DigestLog.objects.filter(pk=log_id, sent_at=None, claimed_at=mine).update(
        sent_at=now, followup_count=digest.total
    )
    if not recorded:
        logger.warning("digest %s: sent, but the claim was taken over meanwhile", log_id)
    return sent
