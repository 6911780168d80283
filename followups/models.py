from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time, timedelta
from urllib.parse import quote, urlencode

from django.db import models, transaction
from django.db.models import Case, Count, F, Q, Value, When
from django.utils import timezone

from followups import kinds
from netcrm.lib import generations
from netcrm.lib.models import OwnedModel, OwnedQuerySet
from netcrm.lib.urls import reverse_pk


class Status(models.TextChoices):
    PENDING = "pending", "Pending"
    DONE = "done", "Done"
    SNOOZED = "snoozed", "Snoozed"
    SKIPPED = "skipped", "Skipped"


OPEN = [Status.PENDING, Status.SNOOZED]
TICK = timedelta(microseconds=1)
CLOCK_BATCH = 5_000  # ids an UPDATE names when the user's clock moves (SQLite's limit: 32,766)


def counted(rows) -> dict[str, int]:
    """queue_counted's one row (or none) as {"overdue": n, "today": n, "upcoming": n}."""
    found = list(rows)
    return dict(zip(("overdue", "today", "upcoming"), found[0] if found else (0, 0, 0),
                    strict=True))


def open_first() -> Case:
    """An ordering that puts open follow-ups before closed ones."""
    return Case(When(status__in=OPEN, then=Value(0)), default=Value(1))


class FollowUpQuerySet(OwnedQuerySet):
    def open(self) -> FollowUpQuerySet:
        return self.filter(status__in=OPEN)

    def due_by(self, moment: datetime) -> FollowUpQuerySet:
        """Open and due at or before `moment`, earliest first."""
        return self.open().filter(due_at__lte=moment).order_by("due_at", "pk")

    def upcoming(self, after: datetime, until: datetime) -> FollowUpQuerySet:
        return self.open().filter(due_at__gt=after, due_at__lte=until).order_by("due_at", "pk")

    def queue(self, profile, day: date) -> FollowUpQuerySet:
        """The day's queue: open and due by the end of `day` in the user's timezone
        (overdue included); priorities (a reply to someone who asked for help) first,
        then earliest first."""
        return self.queue_by(profile.day_start(day + timedelta(days=1)) - TICK)

    def queue_by(self, until: datetime) -> FollowUpQuerySet:
        """The queue of the day that ends at `until` (see queue)."""
        priority_first = Case(
            When(kind__in=kinds.priority_kinds(), then=Value(0)), default=Value(1)
        )
        return self.due_by(until).order_by(priority_first, "due_at", "pk")

    def queue_counted(self, today_start: datetime, tomorrow_start: datetime,
                      until: datetime) -> FollowUpQuerySet:
        """How many of one user's open follow-ups are overdue (due before
        `today_start`), due today and due after it until `until`: one row (none when
        none is open), read by `counted`. Grouped by the user rather than aggregated, so
        that it is a queryset like any other (a prepared one, netcrm/lib/prepared.py)."""
        return self.due_by(until).order_by().values("user").annotate(
            overdue=Count("pk", filter=Q(due_at__lt=today_start)),
            today=Count("pk", filter=Q(due_at__gte=today_start, due_at__lt=tomorrow_start)),
            upcoming=Count("pk", filter=Q(due_at__gte=tomorrow_start)),
        ).values_list("overdue", "today", "upcoming")

    def keep_local_times(self, was, now) -> int:
        """Move each of these to the same day and time of day on the user's new clock
        (`now`, a Profile: its timezone and morning hour) as they had on the old one
        (`was`): one due at 9:00 on Friday in Berlin is due at 9:00 on Friday in
        Auckland, not at 21:00 on Thursday; one due at the old morning hour falls due
        at the new one. Returns how many moved.

        Each moves by the difference of the two clocks on its day, and they are few
        (the two zones' daylight saving): one UPDATE a difference (in batches of ids),
        not one a row (the heavy user's 16,000 open ones: 28 s one by one, bulk_update's
        CASE in 500s)."""
        by_shift: dict[timedelta, list[int]] = defaultdict(list)
        morning = time(was.morning_hour)
        for pk, due_at in self.values_list("pk", "due_at").iterator(chunk_size=2000):
            local = due_at.astimezone(was.tzinfo)
            if local.time() == morning:
                due = now.morning_of(local.date())
            else:
                due = datetime.combine(local.date(), local.time(), tzinfo=now.tzinfo)
            if due != due_at:
                by_shift[due - due_at].append(pk)
        for shift, ids in by_shift.items():
            for start in range(0, len(ids), CLOCK_BATCH):
                self.model.objects.filter(pk__in=ids[start:start + CLOCK_BATCH]).update(
                    due_at=F("due_at") + shift
                )
        return sum(map(len, by_shift.values()))

    def with_subjects(self) -> FollowUpQuerySet:
        return self.select_related(
            "contact", "contact__organization", "meeting",
            "referral__referrer", "referral__referred", "lead__organization",
        )


TITLE_LENGTH = 200


class FollowUp(OwnedModel):
    """One thing to do on a day, created by the system or by hand."""

    kind = models.CharField(max_length=20, choices=kinds.choices)
    status = models.CharField(max_length=10, choices=Status, default=Status.PENDING)
    due_at = models.DateTimeField()
    title = models.CharField(max_length=TITLE_LENGTH)
    draft = models.TextField(blank=True, help_text="A drafted note you can copy and send.")
    contact = models.ForeignKey(
        "contacts.Contact", null=True, blank=True, on_delete=models.CASCADE, related_name="followups"
    )
    meeting = models.ForeignKey(
        "meetings.Meeting", null=True, blank=True, on_delete=models.CASCADE, related_name="followups"
    )
    referral = models.ForeignKey(
        "referrals.Referral", null=True, blank=True, on_delete=models.CASCADE, related_name="followups"
    )
    inbound_request = models.ForeignKey(
        "reciprocity.InboundRequest", null=True, blank=True, on_delete=models.CASCADE, related_name="followups"
    )
    # By name: the engine knows no domain app (jobs registers its kinds with it).
    lead = models.ForeignKey(
        "jobs.Lead", null=True, blank=True, on_delete=models.CASCADE, related_name="followups"
    )
    outreach = models.ForeignKey(
        "outreach.Outreach", null=True, blank=True, on_delete=models.CASCADE, related_name="followups"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    objects = FollowUpQuerySet.as_manager()
    # The engine derives follow-ups: restoring from the Trash keeps an equal one the
    # engine made since, rather than failing on it.
    trash_derived = True

    class Meta:
        ordering = ["due_at", "pk"]
        indexes = [
            models.Index(fields=["user", "status", "due_at"], name="followup_queue_idx"),
            # The open queue by due time, without the done and skipped rows that pile up.
            models.Index(
                fields=["user", "due_at"], condition=Q(status__in=OPEN), name="followup_open_due_idx"
            ),
        ]
        constraints = [
            # A meeting calls for one thank-you note to each person met: never two.
            models.UniqueConstraint(
                fields=["meeting", "contact"],
                condition=Q(kind="thank_you"),
                name="followup_one_thank_you_per_meeting_contact",
            ),
            # Each referral calls for at most one follow-up of each kind.
            models.UniqueConstraint(
                fields=["referral", "kind"],
                condition=Q(referral__isnull=False),
                name="followup_one_per_referral_kind",
            ),
            # Someone asked for help: one priority reply.
            models.UniqueConstraint(
                fields=["inbound_request", "kind"],
                condition=Q(inbound_request__isnull=False),
                name="followup_one_per_inbound_request_kind",
            ),
            # A request for a meeting: at most one follow-up of each kind (one gentle nudge).
            models.UniqueConstraint(
                fields=["outreach", "kind"],
                condition=Q(outreach__isnull=False),
                name="followup_one_per_outreach_kind",
            ),
            # Someone met you: one "offer help back / send an update" per meeting and person.
            models.UniqueConstraint(
                fields=["meeting", "contact"],
                condition=Q(kind="help_back"),
                name="followup_one_help_back_per_meeting_contact",
            ),
            # A planned meeting: one reminder to prepare.
            models.UniqueConstraint(
                fields=["meeting"],
                condition=Q(kind="prepare"),
                name="followup_one_prepare_per_meeting",
            ),
            # Each job lead calls for at most one follow-up of each kind.
            models.UniqueConstraint(
                fields=["lead", "kind"],
                condition=Q(lead__isnull=False),
                name="followup_one_per_lead_kind",
            ),
            # Keep in touch: never two open at once for a contact.
            models.UniqueConstraint(
                fields=["contact"],
                condition=Q(kind="keep_in_touch", status__in=["pending", "snoozed"]),
                name="followup_one_open_keep_in_touch_per_contact",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse_pk("followups:followup-detail", self.pk)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN

    @property
    def spec(self) -> kinds.FollowUpKind:
        """What this follow-up's kind knows and does (the registry's entry)."""
        return kinds.get(self.kind)

    def mailto(self) -> str:
        """A mailto: link with the draft filled in, when the person has an address."""
        if not (self.contact and self.contact.email and self.draft and self.spec.mailto):
            return ""
        query = urlencode(
            {"subject": self.spec.subject_line(self), "body": self.draft}, quote_via=quote
        )
        return f"mailto:{self.contact.email}?{query}"

    def mark_done(self, now: datetime | None = None) -> bool:
        """Done, if still open; what that changes in its subject commits with it."""
        return self._close(Status.DONE, now or timezone.now())

    def skip(self, now: datetime | None = None) -> bool:
        return self._close(Status.SKIPPED, now or timezone.now())

    def _close(self, status: str, now: datetime) -> bool:
        """Close it, if still open. `self.before` keeps what Undo needs: the status and
        due time it had, and what closing it changed in its subject."""
        before = {"status": self.status, "due_at": self.due_at}
        with transaction.atomic():
            if not FollowUp.objects.filter(pk=self.pk, status__in=OPEN).update(
                status=status, completed_at=now
            ):
                self.refresh_from_db(fields=["status", "completed_at", "due_at"])
                return False  # closed meanwhile (another tab, a double tap)
            self.status, self.completed_at = status, now
            if status == Status.DONE:
                before["changed"] = self.spec.done(self, now)
            else:
                before["changed"] = self.spec.skipped(self, now)
        self.before = before
        return True

    def snooze(self, until: datetime) -> bool:
        """Move it to `until`, if still open."""
        before = {"status": self.status, "due_at": self.due_at}
        if not FollowUp.objects.filter(pk=self.pk, status__in=OPEN).update(
            status=Status.SNOOZED, due_at=until
        ):
            self.refresh_from_db(fields=["status", "completed_at", "due_at"])
            return False
        self.status, self.due_at = Status.SNOOZED, until
        self.before = before
        return True

    def undo(self, before: dict, after: datetime) -> bool:
        """Put it back as it was `before` done, skip or snooze (`after`: the moment it
        was closed, or the time it was snoozed to), with what that changed in its
        subject, if nothing has touched it since. True if it was put back."""
        as_left = (
            Q(status=Status.SNOOZED, due_at=after) if self.status == Status.SNOOZED
            else Q(status=self.status, completed_at=after)
        )
        with transaction.atomic():
            if not FollowUp.objects.select_for_update().filter(as_left, pk=self.pk).exists():
                return False
            if before.get("changed") is not None:
                if self.status == Status.DONE:
                    self.spec.undo_done(self, before["changed"])
                elif self.status == Status.SKIPPED:
                    self.spec.undo_skipped(self, before["changed"])
            FollowUp.objects.filter(pk=self.pk).update(
                status=before["status"], due_at=before["due_at"], completed_at=None
            )
        self.status, self.due_at, self.completed_at = before["status"], before["due_at"], None
        return True


class Heartbeat(models.Model):
    """When a periodic job last ran, so the dashboard can say when beat has stopped."""

    name = models.CharField(max_length=50, unique=True)
    last_seen_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.name} at {self.last_seen_at}"

    STALE_AFTER = timedelta(minutes=5)

    @classmethod
    def beat(cls, name: str, moment: datetime | None = None) -> None:
        moment = moment or timezone.now()
        cls.objects.update_or_create(name=name, defaults={"last_seen_at": moment})
        # A copy in Redis, where every dashboard reads it (stale) without a query.
        generations.keep(cls._key(name), moment, timeout=cls.STALE_AFTER.total_seconds() * 2)

    @staticmethod
    def _key(name: str) -> str:
        return f"heartbeat:{name}"

    @classmethod
    def stale(cls, name: str, now: datetime | None = None) -> Heartbeat | None:
        """The heartbeat if it is missing or older than STALE_AFTER, else None. Read
        from its copy in Redis, else from the database.

        (A missing one comes back unsaved, with no last_seen_at.)"""
        seen = generations.kept(cls._key(name))
        beat = (
            cls(name=name, last_seen_at=seen) if seen
            else cls.objects.filter(name=name).first() or cls(name=name)
        )
        now = now or timezone.now()
        if beat.last_seen_at and now - beat.last_seen_at <= cls.STALE_AFTER:
            return None
        return beat


class DigestLog(OwnedModel):
    """One morning digest per user per local day: the row is the claim, made before sending."""

    day = models.DateField()
    claimed_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    followup_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-day"]
        constraints = [
            models.UniqueConstraint(fields=["user", "day"], name="digest_one_per_user_day"),
        ]

    def __str__(self) -> str:
        return f"Digest for {self.user} on {self.day}"


class ProblemQuerySet(OwnedQuerySet):
    def recent(self, since: datetime) -> ProblemQuerySet:
        return self.filter(last_seen_at__gte=since)


class Problem(OwnedModel):
    """A follow-up the engine could not create or update: one row of one user's data
    made a kind's repair fail. It is recorded here (and shown to its owner) instead of
    stopping the sweep for everyone; the sweep leaves it alone for RETRY_AFTER, and a
    save of its subject, or a retry that succeeds, clears it."""

    kind = models.CharField(max_length=20)
    subject = models.CharField(max_length=100, help_text="The model of the subject.")
    subject_id = models.BigIntegerField()
    error = models.TextField()
    first_seen_at = models.DateTimeField()
    last_seen_at = models.DateTimeField()
    attempts = models.PositiveIntegerField(default=1)

    objects = ProblemQuerySet.as_manager()

    RETRY_AFTER = timedelta(hours=1)

    class Meta:
        ordering = ["-last_seen_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "subject", "subject_id"], name="problem_one_per_kind_subject"
            ),
        ]
        indexes = [models.Index(fields=["user", "-last_seen_at"], name="problem_user_seen_idx")]

    def __str__(self) -> str:
        return f"{self.kind_label} for {self.subject} {self.subject_id}: {self.error[:60]}"

    @property
    def kind_label(self) -> str:
        return kinds.get(self.kind).label

    @property
    def reason(self) -> str:
        """The error in a person's words (the technical text stays beside it)."""
        name = self.error.split(":", 1)[0]
        return REASONS.get(name, "Something in what this is about could not be handled.")


# Errors in a person's words, by the exception's name.
REASONS = {
    "OverflowError": "A date is out of range: check the dates of what this is about.",
    "DataError": "Some text is too long or holds characters that cannot be stored.",
    "ZoneInfoNotFoundError": "Your timezone is not one netcrm knows: pick it again in Settings.",
}
