"""Job leads: a role at an organization, where it was found, and how far it has got.

A lead moves through Status (found → reached out → introduced → applied →
interviewing → offer → closed); a closed lead says how it ended (Outcome). Every
move, the first one (from nothing) included, is a LeadMove row: the dates of a
search's progress, for the funnel that comes later.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import (
    Case,
    Count,
    F,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
    Window,
)
from django.db.models.functions import RowNumber
from django.utils import timezone

from contacts.models import Contact, Organization
from followups.models import FollowUp
from netcrm.lib.fold import folded_contains
from netcrm.lib.models import OwnedModel, OwnedQuerySet
from netcrm.lib.urls import reverse_pk


class Status(models.TextChoices):
    FOUND = "found", "Found"
    REACHED_OUT = "reached_out", "Reached out"
    INTRODUCED = "introduced", "Introduced"
    APPLIED = "applied", "Applied"
    INTERVIEWING = "interviewing", "Interviewing"
    OFFER = "offer", "Offer"
    CLOSED = "closed", "Closed"


class Outcome(models.TextChoices):
    WON = "won", "Won"
    LOST = "lost", "Lost"
    WITHDRAWN = "withdrawn", "Withdrawn"


class Source(models.TextChoices):
    JOB_BOARD = "job_board", "Job board"
    COMPANY_SITE = "company_site", "Company site"
    CONTACT = "contact", "A contact"
    EVENT = "event", "An event"
    RECRUITER = "recruiter", "Recruiter"
    OTHER = "other", "Other"


STATUS_ORDER: list[str] = list(Status.values)


def next_status(status: str) -> str | None:
    """The step after `status` on the way to an offer; None for an offer or a closed lead."""
    index = STATUS_ORDER.index(status)
    following = STATUS_ORDER[index + 1] if index + 1 < len(STATUS_ORDER) else None
    return None if following in (None, Status.CLOSED) else following


# Where a lead can move: each open status, or closed with one of its outcomes.
TARGETS: dict[str, tuple[str, str]] = {
    **{status: (status, "") for status in Status.values if status != Status.CLOSED},
    **{outcome: (Status.CLOSED, outcome) for outcome in Outcome.values},
}
TARGET_LABELS: dict[str, str] = {
    **{status: Status(status).label for status in Status.values if status != Status.CLOSED},
    **{outcome: f"Closed: {Outcome(outcome).label.lower()}" for outcome in Outcome.values},
}


def validate_web_link(value: str) -> None:
    """A posting is a web page: http:// or https://, nothing that runs code."""
    if urlsplit(value).scheme.lower() not in ("http", "https"):
        raise ValidationError(
            "Use a web address that starts with http:// or https://.", code="unsafe_link"
        )


class LeadQuerySet(OwnedQuerySet):
    def search(self, query: str) -> LeadQuerySet:
        """Role, organization or notes containing `query`, whatever the case and the
        accents ("ingenieur" finds Ingénieur), as people and meetings are found. A
        user's leads are a few hundred at most: read by the user's index, no index of
        their own."""
        query = query.strip()
        if not query:
            return self
        return self.filter(
            Q(folded_contains("role", query))
            | Q(folded_contains("organization__name", query))
            | Q(folded_contains("notes", query))
        )

    def open(self) -> LeadQuerySet:
        """Leads still going (not closed)."""
        return self.exclude(status=Status.CLOSED)

    def open_first(self) -> LeadQuerySet:
        """Leads still going before closed ones, the furthest along first (an offer, then
        an interview, … then one just found), then the latest moved."""
        stage = Case(
            *(When(status=status, then=Value(rank)) for rank, status in enumerate(Status)
              if status != Status.CLOSED),
            default=Value(-1),  # closed
        )
        return self.order_by(stage.desc(), "-moved_at", "-pk")

    def with_list_columns(self) -> LeadQuerySet:
        """The leads list's columns, each one subquery (never one query a row):
        next_step and next_step_due (the earliest open follow-up about the lead), and
        stage_rank (where its status is on the way to an offer, to sort by stage)."""
        step = FollowUp.objects.filter(lead=OuterRef("pk")).open().order_by("due_at", "pk")
        return self.annotate(
            next_step=Subquery(step.values("title")[:1]),
            next_step_due=Subquery(step.values("due_at")[:1]),
            stage_rank=Case(
                *(When(status=s, then=Value(i)) for i, s in enumerate(STATUS_ORDER)),
                output_field=IntegerField(),
            ),
        )

    def on_board(self, per_status: int) -> LeadQuerySet:
        """At most `per_status` leads of each status, the latest moved first (one query)."""
        newest = [F("moved_at").desc(), F("pk").desc()]
        return (
            self.annotate(
                place=Window(RowNumber(), partition_by=[F("status")], order_by=newest)
            )
            .filter(place__lte=per_status)
            .order_by(*newest)
        )

    def status_counted(self) -> LeadQuerySet:
        """(status, how many leads) rows, one query; read by `counted_by_status`."""
        return self.order_by().values_list("status").annotate(n=Count("pk"))


def counted_by_status(rows) -> dict[str, int]:
    """status_counted's rows as {status: how many leads}, every status present."""
    counts = dict(rows)
    return {status: counts.get(status, 0) for status in STATUS_ORDER}


# What a lead shows where its organization would be, when nobody has named it yet (a
# recruiter's "a Series B fintech in Berlin"): one phrase, on every page that shows leads.
UNNAMED_ORGANIZATION = "organization not named yet"


class Lead(OwnedModel):
    """A job you could get: a role at an organization, and the people involved in it.

    The organization may be unknown for a while (a recruiter who will not name the
    client yet): then the lead is its role alone until the user names it."""

    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.CASCADE, related_name="leads"
    )
    role = models.CharField(max_length=200)
    posting_url = models.URLField(
        "link to the posting", max_length=500, blank=True, validators=[validate_web_link]
    )
    source = models.CharField(
        "where you found it", max_length=20, choices=Source, default=Source.JOB_BOARD
    )
    event = models.ForeignKey(  # where it was found (Source.EVENT)
        "events.Event", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="leads", verbose_name="found at",
    )
    found_on = models.DateField("found on", default=timezone.localdate)
    notes = models.TextField(blank=True)
    status = models.CharField(max_length=20, choices=Status, default=Status.FOUND)
    outcome = models.CharField(max_length=20, choices=Outcome, blank=True)
    moved_at = models.DateTimeField("status since", default=timezone.now)
    contacts = models.ManyToManyField(
        Contact, related_name="leads", blank=True, verbose_name="people involved"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = LeadQuerySet.as_manager()

    class Meta:
        ordering = ["-moved_at", "-pk"]
        indexes = [
            models.Index(fields=["user", "status", "-moved_at"], name="lead_user_status_idx"),
            models.Index(fields=["user", "organization"], name="lead_user_org_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status=Status.CLOSED, outcome__in=Outcome.values)
                | (~Q(status=Status.CLOSED) & Q(outcome="")),
                name="lead_outcome_iff_closed",
                violation_error_message="A closed lead says how it ended; an open one does not.",
            ),
        ]

    def __str__(self) -> str:
        """"Data Analyst at Acme"; "Data Analyst (organization not named yet)"."""
        if self.organization_id:
            return f"{self.role} at {self.organization.name}"
        return f"{self.role} ({UNNAMED_ORGANIZATION})"

    @property
    def organization_name(self) -> str:
        """The organization's name, or the words that say it is not named yet."""
        return self.organization.name if self.organization_id else UNNAMED_ORGANIZATION

    def get_absolute_url(self) -> str:
        return reverse_pk("jobs:lead-detail", self.pk)

    @property
    def is_closed(self) -> bool:
        return self.status == Status.CLOSED

    @property
    def next_status(self) -> str | None:
        return next_status(self.status)

    @property
    def next_status_label(self) -> str:
        return Status(self.next_status).label if self.next_status else ""

    @property
    def move_targets(self) -> list[tuple[str, str]]:
        """(target, label) of every move from where the lead is now."""
        here = (self.status, self.outcome)
        return [(key, TARGET_LABELS[key]) for key, to in TARGETS.items() if to != here]

    @property
    def stage(self) -> str:
        """"Applied", "Closed: won"."""
        if self.is_closed and self.outcome:
            return f"{self.get_status_display()}: {self.get_outcome_display().lower()}"
        return self.get_status_display()

    @transaction.atomic
    def save_new(self, people=()) -> Lead:
        """Save a new lead with its people; its first status is its first move."""
        self.save()
        self.contacts.set(people)
        LeadMove.objects.create(
            user_id=self.user_id, lead=self, from_status="", to_status=self.status,
            outcome=self.outcome, at=self.moved_at,
        )
        return self

    def move(
        self, status: str, outcome: str = "", *, seen: tuple[str, str] | None = None,
        at=None,
    ) -> bool:
        """Move to `status` (with `outcome` when closing) and record the move.

        `seen` is the (status, outcome) the user saw when they tapped: the move happens
        only from there, so a double tap or a second tab moves the lead once. Moving to
        where it is already does nothing. True if it moved; the instance is refreshed.
        `at` back-dates the move (the demo seed); it defaults to now.
        """
        outcome = outcome if status == Status.CLOSED else ""
        if status == Status.CLOSED and outcome not in Outcome.values:
            raise ValueError(f"closing a lead needs an outcome, not {outcome!r}")
        before_status, before_outcome = seen or (self.status, self.outcome)
        if (status, outcome) == (before_status, before_outcome):
            self.refresh_from_db(fields=["status", "outcome", "moved_at"])
            return False
        now = at or timezone.now()
        with transaction.atomic():
            moved = Lead.objects.filter(
                pk=self.pk, status=before_status, outcome=before_outcome
            ).update(status=status, outcome=outcome, moved_at=now, updated_at=now)
            if moved:
                LeadMove.objects.create(
                    user_id=self.user_id, lead=self, from_status=before_status,
                    to_status=status, outcome=outcome, at=now,
                )
        self.refresh_from_db(fields=["status", "outcome", "moved_at"])
        return bool(moved)


class LeadMove(OwnedModel):
    """One step of a lead: from a status (empty for a new lead) to another, when."""

    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="moves")
    from_status = models.CharField(max_length=20, choices=Status, blank=True)
    to_status = models.CharField(max_length=20, choices=Status)
    outcome = models.CharField(max_length=20, choices=Outcome, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["lead", "-at"], name="leadmove_lead_at_idx")]

    def __str__(self) -> str:
        start = Status(self.from_status).label if self.from_status else "new"
        return f"{start} → {self.get_to_status_display()}"
