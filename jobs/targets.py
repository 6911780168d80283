"""Target companies: the organizations you would like to work for, each with its
coverage (who you know there, the intro paths, when you were last in touch, your open
leads) and the one next step netcrm suggests, in plain words.

A fixed number of queries whatever the number of targets: the targets, their coverage
(jobs.reach.coverage, four), their open leads by count and the first few of them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Case, Count, F, IntegerField, Value, When, Window
from django.db.models.functions import RowNumber
from django.urls import reverse
from django.utils import timezone
from netcrm.lib.fold import Folded

from contacts.models import Organization
from jobs.models import Lead, Status
from jobs.reach import Coverage, IntroPath, coverage

TARGETS_LIMIT = 100  # targets on the page
LEADS_SHOWN = 3  # open leads named per target


@dataclass(frozen=True)
class Step:
    """What to do next about a target: words, and where to do it."""

    text: str
    url: str


@dataclass
class Target:
    organization: Organization
    cover: Coverage
    leads: list[Lead] = field(default_factory=list)  # open, an application first
    open_leads: int = 0

    @property
    def applied(self) -> Lead | None:
        return next((lead for lead in self.leads if lead.status == Status.APPLIED), None)

    @property
    def next_step(self) -> Step:
        """The one step netcrm suggests, most pressing first: an application waiting for
        news; nobody known there; an introduction warmer than anyone there; a lead to
        add; the open lead to move on."""
        org = self.organization
        if applied := self.applied:
            return Step("Check in on your application", applied.get_absolute_url())
        if not self.cover.known:
            return Step(
                f"Find someone who knows {org.name}: ask your connectors",
                reverse("referrals:network"),
            )
        best = self.cover.best
        if isinstance(best, IntroPath):
            return Step(
                f"Ask {best.asker.contact.name} for an intro to {best.target.name}",
                best.asker.contact.get_absolute_url(),
            )
        if not self.leads:
            return Step("Add a lead", f"{reverse('jobs:add-lead')}?organization={org.pk}")
        lead = self.leads[0]
        if lead.status == Status.FOUND and best is not None:
            return Step(
                f"Ask {best.contact.name} about the {lead.role} role", lead.get_absolute_url()
            )
        return Step(f"Keep your {lead.role} lead moving ({lead.stage.lower()})",
                    lead.get_absolute_url())


def targets_for(user, now: datetime | None = None) -> tuple[list[Target], bool]:
    """The user's targets, by name, with their coverage and open leads; and whether
    there are more than TARGETS_LIMIT."""
    now = now or timezone.now()
    organizations = list(
        Organization.objects.for_user(user).filter(is_target=True)
        .order_by(Folded("name"), "pk")[: TARGETS_LIMIT + 1]
    )
    more = len(organizations) > TARGETS_LIMIT
    organizations = organizations[:TARGETS_LIMIT]
    if not organizations:
        return [], more
    covered = coverage(user, organizations, now)
    targets = {org.pk: Target(org, covered[org.pk]) for org in organizations}
    open_leads = Lead.objects.for_user(user).filter(organization__in=organizations).exclude(
        status=Status.CLOSED
    )
    for row in open_leads.order_by().values("organization").annotate(n=Count("pk")):
        targets[row["organization"]].open_leads = row["n"]
    applied_first = Case(
        When(status=Status.APPLIED, then=Value(0)), default=Value(1), output_field=IntegerField()
    )
    for lead in open_leads.annotate(
        place=Window(
            RowNumber(), partition_by=[F("organization_id")],
            order_by=[applied_first.asc(), F("moved_at").desc(), F("pk").desc()],
        )
    ).filter(place__lte=LEADS_SHOWN).order_by("organization_id", "place"):
        targets[lead.organization_id].leads.append(lead)
    return list(targets.values()), more
