"""Asking for a meeting (the seeds: give a positive reason to meet, drop names
carefully, ask for 15 minutes, and answer “sorry, we're not hiring” with a request
for their perspective). Asking is logged before any meeting exists: whom, how, when,
why, for how long, the referral it name-drops, and the answer. An accepted request
links the meeting it led to.

An `Outreach` waiting for an answer makes one gentle nudge after a few days
(outreach/followups.py); any real answer settles it.
"""

from __future__ import annotations

from datetime import datetime
from urllib.parse import quote, urlencode

from django.db import models
from django.db.models import Case, Count, IntegerField, Value, When
from django.template.loader import render_to_string
from django.utils import timezone

from contacts.models import Contact, Source
from followups.services import signature
from netcrm.lib.models import OwnedModel, OwnedQuerySet
from netcrm.lib.urls import reverse_pk
from referrals.models import Referral, reason_to_you


class Channel(models.TextChoices):
    EMAIL = "email", "Email"
    PHONE = "phone", "Phone"
    LINKEDIN = "linkedin", "LinkedIn message"
    IN_PERSON = "in_person", "In person"
    OTHER = "other", "Other"


class Answer(models.TextChoices):
    PENDING = "pending", "Waiting"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"
    NOT_HIRING = "not_hiring", "“We're not hiring”"
    NO_ANSWER = "no_answer", "No answer"


# Spoken requests are scripts to say; the others are notes to send.
SPOKEN = [Channel.PHONE, Channel.IN_PERSON]

# No answer yet (or none ever): what a gentle nudge is for.
UNANSWERED = [Answer.PENDING, Answer.NO_ANSWER]
# A real answer: it settles the nudge.
ANSWERED = [Answer.ACCEPTED, Answer.DECLINED, Answer.NOT_HIRING]
DEFAULT_LENGTH = 15


def length_phrase(minutes: int) -> str:
    """How a request names its length: “15 minutes”, “half an hour”, “an hour”."""
    return {30: "half an hour", 60: "an hour", 90: "an hour and a half"}.get(
        minutes, f"{minutes} minute{'s' if minutes != 1 else ''}"
    )


class OutreachQuerySet(OwnedQuerySet):
    def waiting_first(self) -> OutreachQuerySet:
        """Those still waiting first (the longest waiting first), then the rest, the
        latest asked first."""
        waiting = Case(
            When(answer=Answer.PENDING, then=Value(0)), default=Value(1),
            output_field=IntegerField(),
        )
        waiting_since = Case(When(answer=Answer.PENDING, then="asked_at"))
        return self.annotate(waiting=waiting).order_by(
            "waiting", waiting_since.asc(nulls_last=True), "-asked_at", "-pk"
        )

    def with_people(self) -> OutreachQuerySet:
        return self.select_related(
            "contact", "contact__organization", "referral__referrer", "meeting"
        )

    def answer_counts(self) -> dict[str, int]:
        """{answer: how many}, every answer present (one query)."""
        counts = dict(self.order_by().values_list("answer").annotate(n=Count("pk")))
        return {answer: counts.get(answer, 0) for answer in Answer.values}


class Outreach(OwnedModel):
    """A request for a meeting: whom you asked, how, when, why, and what they said."""

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="outreach")
    channel = models.CharField("how", max_length=20, choices=Channel, default=Channel.EMAIL)
    asked_at = models.DateTimeField("when", default=timezone.now)
    purpose = models.TextField(
        help_text="A positive reason to meet, what you hope to learn: "
        "“how Acme's data team hires”. Never ask for a job.",
    )
    length_minutes = models.PositiveSmallIntegerField(
        "length asked for (minutes)", default=DEFAULT_LENGTH,
        help_text="Ask for 15 minutes; leave after 15.",
    )
    referral = models.ForeignKey(
        Referral, null=True, blank=True, on_delete=models.SET_NULL, related_name="outreach",
        verbose_name="name-drop",
        help_text="Who suggested you talk to them: their name opens the request.",
    )
    answer = models.CharField(max_length=20, choices=Answer, default=Answer.PENDING)
    answered_at = models.DateTimeField(null=True, blank=True)
    meeting = models.ForeignKey(
        "meetings.Meeting", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="outreach", help_text="The meeting it led to.",
    )
    nudged_at = models.DateTimeField(
        null=True, blank=True, help_text="When you sent the gentle nudge."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = OutreachQuerySet.as_manager()

    class Meta:
        ordering = ["-asked_at", "-pk"]
        verbose_name_plural = "outreach"
        indexes = [
            models.Index(fields=["user", "answer", "-asked_at"], name="outreach_user_answer_idx"),
            models.Index(fields=["user", "contact"], name="outreach_user_contact_idx"),
            # The beat sweep looks for requests still waiting, across users.
            models.Index(fields=["answer", "asked_at"], name="outreach_answer_asked_idx"),
        ]

    def __str__(self) -> str:
        return f"Asked {self.contact.name} for {length_phrase(self.length_minutes)}"

    def get_absolute_url(self) -> str:
        return reverse_pk("outreach:outreach-detail", self.pk)

    @property
    def is_waiting(self) -> bool:
        return self.answer == Answer.PENDING

    @property
    def length(self) -> str:
        return length_phrase(self.length_minutes)

    def waited(self, now: datetime | None = None) -> int:
        """Whole days since asking (or until answered)."""
        end = self.answered_at or now or timezone.now()
        return max((end - self.asked_at).days, 0)

    @property
    def stage(self) -> str:
        return self.get_answer_display()

    # Drafts (templates/outreach/drafts/): the articles' scripts, filled in ---------

    @property
    def spoken(self) -> bool:
        return self.channel in SPOKEN

    @property
    def script(self) -> str:
        """Which script the request follows: "referral" (drop the referrer's name),
        "acquaintance" (someone you already knew) or "introduction"."""
        if self.referral_id:
            return "referral"
        return "acquaintance" if self.contact.source == Source.KNEW else "introduction"

    def draft_context(self) -> dict:
        referral = self.referral if self.referral_id else None
        return {
            "outreach": self,
            "contact": self.contact,
            "first_name": self.contact.first_name,
            "length": self.length,
            "purpose": " ".join(self.purpose.split()).rstrip("."),
            "referrer": referral.referrer if referral else None,
            "told": reason_to_you(referral.reason) if referral else "",
            "script": self.script,
            "spoken": self.spoken,
            "signature": signature(self.user),
        }

    def draft_request(self) -> str:
        """The request itself: name-drop, old acquaintance or introduction, with the
        reason to meet and the length asked for."""
        return render_draft("request.txt", self.draft_context())

    def draft_not_hiring(self) -> str:
        """The reply to “sorry, we're not hiring”: it is not about a job."""
        return render_draft("not_hiring.txt", self.draft_context())

    def subject_line(self) -> str:
        if self.referral_id:
            return f"{self.referral.referrer.name} suggested I get in touch"
        return f"{self.length.capitalize()} of your perspective?"

    def mailto(self, body: str) -> str:
        """A mailto: link with `body`, when the person has an address."""
        if not self.contact.email:
            return ""
        query = urlencode({"subject": self.subject_line(), "body": body}, quote_via=quote)
        return f"mailto:{self.contact.email}?{query}"


def render_draft(template: str, context: dict) -> str:
    return render_to_string(f"outreach/drafts/{template}", context).strip()
