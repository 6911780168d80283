from __future__ import annotations

from datetime import datetime, timedelta
from urllib.parse import quote, urlencode

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from contacts.models import Contact
from meetings.models import Meeting
from reciprocity.models import InboundRequest, RequestStatus
from referrals.models import IntroStatus, Progress, Referral
from netcrm.lib.models import OwnedModel, OwnedQuerySet


class Kind(models.TextChoices):
    THANK_YOU = "thank_you", "Thank-you note"
    ASK_INTRO = "ask_intro", "Ask for an intro"
    REFERRAL_CALL = "referral_call", "Referral call"
    CLOSE_LOOP = "close_loop", "Close the loop"
    RECIPROCATE = "reciprocate", "Reciprocate"
    KEEP_IN_TOUCH = "keep_in_touch", "Keep in touch"
    PREPARE = "prepare", "Prepare"
    CUSTOM = "custom", "Custom"


class Status(models.TextChoices):
    PENDING = "pending", "Pending"
    DONE = "done", "Done"
    SNOOZED = "snoozed", "Snoozed"
    SKIPPED = "skipped", "Skipped"


OPEN = [Status.PENDING, Status.SNOOZED]


class FollowUpQuerySet(OwnedQuerySet):
    def open(self) -> FollowUpQuerySet:
        return self.filter(status__in=OPEN)

    def due_by(self, moment: datetime) -> FollowUpQuerySet:
        """Open and due at or before `moment`, earliest first."""
        return self.open().filter(due_at__lte=moment).order_by("due_at", "pk")

    def upcoming(self, after: datetime, until: datetime) -> FollowUpQuerySet:
        return self.open().filter(due_at__gt=after, due_at__lte=until).order_by("due_at", "pk")

    def with_subjects(self) -> FollowUpQuerySet:
        return self.select_related(
            "contact", "contact__organization", "meeting",
            "referral__referrer", "referral__referred",
        )


class FollowUp(OwnedModel):
    """One thing to do on a day, created by the system or by hand."""

    kind = models.CharField(max_length=20, choices=Kind)
    status = models.CharField(max_length=10, choices=Status, default=Status.PENDING)
    due_at = models.DateTimeField()
    title = models.CharField(max_length=200)
    draft = models.TextField(blank=True, help_text="A drafted note you can copy and send.")
    contact = models.ForeignKey(
        Contact, null=True, blank=True, on_delete=models.CASCADE, related_name="followups"
    )
    meeting = models.ForeignKey(
        Meeting, null=True, blank=True, on_delete=models.CASCADE, related_name="followups"
    )
    referral = models.ForeignKey(
        Referral, null=True, blank=True, on_delete=models.CASCADE, related_name="followups"
    )
    inbound_request = models.ForeignKey(
        InboundRequest, null=True, blank=True, on_delete=models.CASCADE, related_name="followups"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    objects = FollowUpQuerySet.as_manager()

    class Meta:
        ordering = ["due_at", "pk"]
        indexes = [
            models.Index(fields=["user", "status", "due_at"], name="followup_queue_idx"),
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
            # Someone met you: one "offer help back / send an update" per meeting and person.
            models.UniqueConstraint(
                fields=["meeting", "contact"],
                condition=Q(kind="reciprocate", inbound_request__isnull=True),
                name="followup_one_help_back_per_meeting_contact",
            ),
            # A planned meeting: one reminder to prepare.
            models.UniqueConstraint(
                fields=["meeting"],
                condition=Q(kind="prepare"),
                name="followup_one_prepare_per_meeting",
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
        return reverse("followups:followup-detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status in OPEN

    EMAIL_SUBJECTS = {
        Kind.THANK_YOU: "Thank you",
        Kind.ASK_INTRO: "A small favour",
        Kind.CLOSE_LOOP: "How it went, thanks to you",
        Kind.RECIPROCATE: "Following up",
        Kind.KEEP_IN_TOUCH: "Catching up",
    }

    def mailto(self) -> str:
        """A mailto: link with the draft filled in, when the person has an address."""
        if not (self.contact and self.contact.email and self.draft) or self.kind == Kind.PREPARE:
            return ""
        subject = self.EMAIL_SUBJECTS.get(self.kind, self.title)
        if self.kind == Kind.REFERRAL_CALL and self.referral:
            subject = f"{self.referral.referrer.name} suggested I get in touch"
        query = urlencode({"subject": subject, "body": self.draft}, quote_via=quote)
        return f"mailto:{self.contact.email}?{query}"

    def mark_done(self) -> None:
        self.status = Status.DONE
        self.completed_at = timezone.now()
        self.save(update_fields=["status", "completed_at"])
        # Doing a referral follow-up moves the referral on.
        if self.referral_id and self.kind == Kind.ASK_INTRO:
            Referral.objects.filter(pk=self.referral_id, intro_status=IntroStatus.NOT_ASKED).update(
                intro_status=IntroStatus.ASKED
            )
        elif self.referral_id and self.kind == Kind.REFERRAL_CALL:
            Referral.objects.filter(pk=self.referral_id, progress=Progress.NOT_CONTACTED).update(
                progress=Progress.CONTACTED
            )
        # Answering someone who asked for help is a reply.
        elif self.inbound_request_id and self.kind == Kind.RECIPROCATE:
            InboundRequest.objects.filter(
                pk=self.inbound_request_id, status=RequestStatus.OPEN
            ).update(status=RequestStatus.REPLIED)
        # Keeping in touch is a touch, and schedules the next reminder a cadence on.
        elif self.contact_id and self.kind == Kind.KEEP_IN_TOUCH:
            from contacts.services import keep_in_touch_done

            keep_in_touch_done(self)

    def skip(self) -> None:
        self.status = Status.SKIPPED
        self.completed_at = timezone.now()
        self.save(update_fields=["status", "completed_at"])

    def snooze(self, until: datetime) -> None:
        self.status = Status.SNOOZED
        self.due_at = until
        self.save(update_fields=["status", "due_at"])


class Heartbeat(models.Model):
    """When a periodic job last ran, so the dashboard can say when beat has stopped."""

    name = models.CharField(max_length=50, unique=True)
    last_seen_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.name} at {self.last_seen_at}"

    STALE_AFTER = timedelta(minutes=5)

    @classmethod
    def beat(cls, name: str, moment: datetime | None = None) -> None:
        cls.objects.update_or_create(name=name, defaults={"last_seen_at": moment or timezone.now()})

    @classmethod
    def stale(cls, name: str, now: datetime | None = None) -> Heartbeat | None:
        """The heartbeat if it is missing or older than STALE_AFTER, else None.

        (A missing one comes back unsaved, with no last_seen_at.)"""
        beat = cls.objects.filter(name=name).first() or cls(name=name)
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
