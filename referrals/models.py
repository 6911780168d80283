from __future__ import annotations

import re

from django.db import models
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils import timezone

from contacts.models import Contact
from followups.services import signature
from netcrm.lib.models import OwnedModel, OwnedQuerySet
from netcrm.lib.urls import reverse_pk


class IntroStatus(models.TextChoices):
    NOT_ASKED = "not_asked", "Not asked yet"
    ASKED = "asked", "Asked to call ahead"
    CALLED = "called", "Called ahead"
    COLD = "cold", "No intro (a cold call)"


class Progress(models.TextChoices):
    NOT_CONTACTED = "not_contacted", "Not contacted"
    CONTACTED = "contacted", "Contacted"
    MET = "met", "Met"
    DECLINED = "declined", "Declined"


class ReferralQuerySet(OwnedQuerySet):
    def record_meeting(self, meeting) -> list[int]:
        """A meeting with a referred person moves their referrals on.

        Held: the referral is met (and the referrer hears how it went). Planned:
        they have been contacted. Returns the ids of the referrals that moved.
        """
        held = meeting.starts_at <= timezone.now()
        moving = self.filter(
            user_id=meeting.user_id,
            referred__in=meeting.contacts.all(),
            progress__in=[Progress.NOT_CONTACTED] + ([Progress.CONTACTED] if held else []),
        )
        ids = list(moving.values_list("pk", flat=True))
        if held:
            self.filter(pk__in=ids).update(progress=Progress.MET, met_meeting=meeting)
        else:
            self.filter(pk__in=ids).update(progress=Progress.CONTACTED)
        return ids

    def with_people(self) -> ReferralQuerySet:
        return self.select_related(
            "referrer", "referrer__organization", "referred", "referred__organization", "meeting"
        )


class Referral(OwnedModel):
    """An edge of the network: `referrer` suggested you talk to `referred`."""

    referrer = models.ForeignKey(
        Contact, on_delete=models.CASCADE, related_name="referrals_given"
    )
    # Named as a person says it ("a referral's referred person"), where a message or the
    # admin names the field (a damaged backup's restore says which link is broken).
    referred = models.ForeignKey(
        Contact, on_delete=models.CASCADE, related_name="referrals_received",
        verbose_name="referred person",
    )
    reason = models.CharField(
        "why talk to them", max_length=300, blank=True,
        help_text="What the referrer said: “he knows everyone in town”.",
    )
    intro_status = models.CharField(
        "introduction", max_length=20, choices=IntroStatus, default=IntroStatus.NOT_ASKED,
        help_text="Ask the referrer to call ahead: a warm call beats a cold one.",
    )
    progress = models.CharField(
        max_length=20, choices=Progress, default=Progress.NOT_CONTACTED
    )
    meeting = models.ForeignKey(
        "meetings.Meeting", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="referrals",
        help_text="The meeting where they suggested it.",
    )
    met_meeting = models.ForeignKey(
        "meetings.Meeting", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        help_text="The meeting where you met the referred person.",
    )
    referred_on = models.DateField("date", default=timezone.localdate)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ReferralQuerySet.as_manager()

    class Meta:
        ordering = ["-referred_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["referrer", "referred"], name="referral_unique_edge",
                violation_error_message="This referral is recorded already.",
            ),
            models.CheckConstraint(
                condition=~Q(referrer=F("referred")), name="referral_not_self",
                violation_error_message="Someone cannot refer you to themselves.",
            ),
        ]
        indexes = [
            models.Index(fields=["user", "referred"], name="referral_user_referred_idx"),
            models.Index(fields=["user", "referrer"], name="referral_user_referrer_idx"),
            # This week's referrals on the dashboard, the weeks of Insights.
            models.Index(fields=["user", "referred_on"], name="referral_user_day_idx"),
            # The sweep's recent referrals, every minute (without it, every referral read).
            models.Index(fields=["created_at"], name="referral_created_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.referrer} → {self.referred}"

    def get_absolute_url(self) -> str:
        return reverse_pk("home:contact-detail", self.referred_id)

    def get_edit_url(self) -> str:
        return reverse_pk("referrals:edit-referral", self.pk)

    def opener(self) -> str:
        """The first words of the call: drop the referrer's name, give their reason."""
        return opener([self])


def names(people) -> str:
    """"Sara Smith", "Sara Smith and Tom Lee", "Sara Smith, Tom Lee and Ann Bay"."""
    people = [p.name for p in people]
    return people[0] if len(people) == 1 else f"{', '.join(people[:-1])} and {people[-1]}"


def opener(referrals: list[Referral]) -> str:
    """The opener of a call to the person these referrals (of one user) name: every
    referrer dropped by name, each with the reason they gave."""
    first = referrals[0]
    told = [
        f"{r.referrer.first_name} told me {reason}"
        for r in referrals
        if (reason := reason_to_you(r.reason))
    ]
    return render_to_string(
        "referrals/drafts/opener.txt",
        {
            "referred": first.referred,
            "referrers": names(r.referrer for r in referrals),
            "told": ", ".join(told),
            "user_name": signature(first.user),
        },
    ).strip()


THIRD_TO_SECOND = {"is": "are", "'s": "'re", "has": "have", "was": "were", "does": "do"}


def reason_to_you(reason: str) -> str:
    """“he knows everyone in town” → “you know everyone in town”; else quoted as said."""
    text = " ".join(reason.split()).rstrip(".")
    match = re.match(r"(?i)(he|she|they)(\s+|'s\s+)(\w+)?(.*)$", text)
    if not match:
        return f"“{text}”" if text else ""
    pronoun, gap, verb, rest = match.groups()
    if gap.strip() == "'s":
        return f"you're {verb or ''}{rest}".strip()
    verb = verb or ""
    if verb.lower() in THIRD_TO_SECOND:
        verb = THIRD_TO_SECOND[verb.lower()]
    elif pronoun.lower() != "they" and verb.endswith("ies"):
        verb = verb[:-3] + "y"
    elif pronoun.lower() != "they" and verb.endswith(("ches", "shes", "sses", "xes")):
        verb = verb[:-2]
    elif pronoun.lower() != "they" and verb.endswith("s"):
        verb = verb[:-1]
    rest = re.sub(r"(?i)\b(his|her|their)\b", "your", rest)
    return f"you {verb}{rest}"
