"""What a job lead calls for (the seeds: rule 8 of the "eight rules", integrate online
job searching with networking, and rule 1, never ask for a job: ask for insight and
an introduction):

- a lead just found at an organization where you know someone: ask the warmest of
  them about the role (or, when warmer, the person who can introduce you to someone
  there, for that introduction), with a drafted message;
- a lead just found where you know nobody: ask your best connectors (those who gave
  you the most referrals) whom they know there;
- an application with no news: `application_checkin_days` (the user's setting) after
  you applied, check in with the person who introduced you.

A lead whose organization is not named yet (a recruiter's client) calls for no ask:
there is nobody to ask about a place nobody named. Its ask comes when the user names
the organization (saving the lead asks for what it calls for). It is checked in on
like any other application.

One of each per lead (constraint followup_one_per_lead_kind), created after a lead is
saved or moved (jobs.services) and by the sweep. `settle` closes, as done, the open
ones a move made moot: a lead that has left "found" needs no ask, an application with
news needs no check-in. Doing an ask moves a lead still "found" to "reached out".
`withdraw_asks` deletes the open asks of a lead whose organization was changed or taken
off: they named someone there; the lead is asked for afresh.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from accounts.models import Profile
from contacts.models import Contact
from followups.kinds import FollowUpKind, register
from followups.models import FollowUp, Status as FollowUpStatus
from followups.services import SWEEP_WINDOW, draft, save_new, signature
from jobs.models import Lead, LeadMove, Status
from jobs.reach import Coverage, IntroPath, coverage
from referrals.network import best_connectors

CONNECTORS = 3  # named in the "ask your connectors" follow-up


def knows_someone() -> Exists:
    """You know someone at the lead's organization: one hop, and so every intro path
    and every person one referral away (each ends at someone there). Never true of a
    lead with no organization."""
    return Exists(Contact.objects.filter(organization=OuterRef("organization")))


NAMED = Q(organization__isnull=False)  # a lead whose organization is named


def names(people: list[Contact]) -> str:
    """"Sara Smith", "Sara Smith or Alan Park", "Sara Smith, Alan Park or Chloe Dubois"."""
    named = [person.name for person in people]
    return named[0] if len(named) == 1 else f"{', '.join(named[:-1])} or {named[-1]}"


def by_user(leads: list[Lead]) -> dict[int, list[Lead]]:
    grouped: dict[int, list[Lead]] = {}
    for lead in leads:
        grouped.setdefault(lead.user_id, []).append(lead)
    return grouped


def coverages(leads: list[Lead], now: datetime) -> dict[int, Coverage]:
    """Coverage of every lead's organization, by organization id (a fixed number of
    queries per user); a lead with no organization has none."""
    found: dict[int, Coverage] = {}
    for group in by_user(leads).values():
        organizations = {
            lead.organization_id: lead.organization for lead in group if lead.organization_id
        }
        found |= coverage(group[0].user, organizations.values(), now)
    return found


class LeadKind(FollowUpKind):
    """One follow-up per lead, while the lead's state calls for it."""

    subject = "jobs.Lead"

    def calls_for(self) -> list:
        """The filters of the leads that call for this kind."""
        raise NotImplementedError

    def lacking(self) -> QuerySet[Lead]:
        return Lead.objects.filter(*self.calls_for()).exclude(
            Exists(FollowUp.objects.filter(lead=OuterRef("pk"), kind=self.name))
        )

    def pending(self, now: datetime) -> QuerySet[Lead]:
        """Leads added or moved lately that call for this kind and lack it."""
        return self.lacking().filter(moved_at__gte=now - SWEEP_WINDOW)

    def repair(self, ids: list[int], now: datetime) -> int:
        leads = list(
            self.lacking().filter(pk__in=ids)
            .select_related("user", "organization")
            .prefetch_related("contacts__organization")
        )
        if not leads:
            return 0
        profiles = Profile.objects.for_users(lead.user_id for lead in leads)
        return save_new(self.rows(leads, profiles, now))

    def rows(self, leads: list[Lead], profiles: dict[int, Profile], now: datetime) -> list[FollowUp]:
        raise NotImplementedError


class AskKind(LeadKind):
    """Asking your network about a lead just found. Done, the lead has "reached out"."""

    def done(self, followup: FollowUp, now: datetime) -> dict | None:
        lead = Lead.objects.filter(pk=followup.lead_id, status=Status.FOUND).first()
        if lead is None:
            return None
        was = lead.moved_at
        if not lead.move(Status.REACHED_OUT, seen=(Status.FOUND, ""), at=now):
            return None
        move = LeadMove.objects.filter(lead=lead, to_status=Status.REACHED_OUT, at=now).first()
        closed = list(moot(FollowUp.objects.filter(lead=lead).open()).values_list("pk", flat=True))
        FollowUp.objects.filter(pk__in=closed).update(
            status=FollowUpStatus.DONE, completed_at=now
        )
        return {
            "move": move.pk if move else None, "was_moved_at": was.isoformat(),
            "at": now.isoformat(), "settled": closed,
        }

    def undo_done(self, followup: FollowUp, changed: dict) -> None:
        """The lead goes back to "found" (and its move is forgotten), and the other asks
        that moving it closed open again: each only if nothing has moved it since."""
        at = datetime.fromisoformat(changed["at"])
        if Lead.objects.filter(
            pk=followup.lead_id, status=Status.REACHED_OUT, moved_at=at
        ).update(
            status=Status.FOUND, moved_at=datetime.fromisoformat(changed["was_moved_at"]),
            updated_at=timezone.now(),
        ):
            LeadMove.objects.filter(pk=changed.get("move"), lead_id=followup.lead_id).delete()
        FollowUp.objects.filter(
            pk__in=changed.get("settled", []), status=FollowUpStatus.DONE, completed_at=at
        ).update(status=FollowUpStatus.PENDING, completed_at=None)


@register
class AskAboutLead(AskKind):
    """Someone there, or someone who can introduce you to someone there: ask for
    insight about the role and an introduction, never for the job."""

    name = "ask_about_lead"
    label = "Ask about a role"

    def calls_for(self) -> list:
        return [Q(status=Status.FOUND), NAMED, knows_someone()]

    def rows(self, leads: list[Lead], profiles: dict[int, Profile], now: datetime) -> list[FollowUp]:
        covered = coverages(leads, now)
        rows = []
        for lead in leads:
            best = covered[lead.organization_id].best
            if best is None:
                continue  # the people there are gone since: the connectors' kind covers it
            if isinstance(best, IntroPath):
                asker, insider = best.asker.contact, best.target
            else:
                asker, insider = best.contact, None
            rows.append(FollowUp(
                user_id=lead.user_id, kind=self.name, lead=lead, contact=asker,
                due_at=profiles[lead.user_id].morning_after(lead.moved_at, 1),
                title=f"Ask {asker.name} about the {lead.role} role at {lead.organization.name}",
                draft=draft(
                    "jobs/drafts/ask_about_lead.txt", profiles[lead.user_id],
                    lead=lead, asker=asker, insider=insider, signature=signature(lead.user),
                ),
            ))
        return rows

    def subject_line(self, followup: FollowUp) -> str:
        lead = followup.lead
        if lead.organization_id is None:  # named when it was asked, since taken off
            return f"A question about the {lead.role} role"
        return f"A question about {lead.organization.name}"


@register
class AskConnectors(AskKind):
    """Nobody there: ask your best connectors whom they know there."""

    name = "ask_connectors"
    label = "Ask your connectors"
    email_subject = "Do you know anyone there?"

    def calls_for(self) -> list:
        return [Q(status=Status.FOUND), NAMED, ~knows_someone()]

    def rows(self, leads: list[Lead], profiles: dict[int, Profile], now: datetime) -> list[FollowUp]:
        rows = []
        for group in by_user(leads).values():
            connectors = list(best_connectors(group[0].user, CONNECTORS))
            for lead in group:
                whom = names(connectors) if connectors else "your connectors"
                rows.append(FollowUp(
                    user_id=lead.user_id, kind=self.name, lead=lead,
                    contact=connectors[0] if connectors else None,
                    due_at=profiles[lead.user_id].morning_after(lead.moved_at, 1),
                    title=f"Ask {whom} whom they know at {lead.organization.name}",
                    draft=draft(
                        "jobs/drafts/ask_connectors.txt", profiles[lead.user_id],
                        lead=lead, connector=connectors[0] if connectors else None,
                        signature=signature(lead.user),
                    ),
                ))
        return rows


@register
class ApplicationCheckin(LeadKind):
    """An application with no news after the user's `application_checkin_days`: check
    in with the person who introduced you (the lead's people, else whoever referred you
    to someone there), or a plain check-in when nobody did."""

    name = "application_checkin"
    label = "Check in on an application"
    badge = "Application check-in"
    email_subject = "Checking in"

    def calls_for(self) -> list:
        return [Q(status=Status.APPLIED)]

    def rows(self, leads: list[Lead], profiles: dict[int, Profile], now: datetime) -> list[FollowUp]:
        covered = coverages(leads, now)
        rows = []
        for lead in leads:
            person = introducer(lead, covered.get(lead.organization_id))
            profile = profiles[lead.user_id]
            if lead.organization_id:
                about = f"your {lead.organization.name} application"
                title = f"Check in on {about} ({lead.role})"
            else:  # nobody has named it yet: the role says which application
                about = f"your {lead.role} application"
                title = f"Check in on {about}"
            rows.append(FollowUp(
                user_id=lead.user_id, kind=self.name, lead=lead, contact=person,
                due_at=profile.morning_after(lead.moved_at, profile.application_checkin_days),
                title=f"Check in with {person.name} about {about}" if person else title,
                draft=draft(
                    "jobs/drafts/application_checkin.txt", profile,
                    lead=lead, person=person, signature=signature(lead.user),
                ),
            ))
        return rows


def introducer(lead: Lead, cover: Coverage | None) -> Contact | None:
    """Who introduced you for this lead: one of its people (someone outside the
    organization first: they made the introduction; else the warmest of them there),
    else the one who referred you to someone there on the warmest intro path. A lead
    with no organization (no `cover`): the first of its people, the recruiter who
    brought it, say."""
    people = list(lead.contacts.all())
    if cover is None:
        return people[0] if people else None
    outside = [p for p in people if p.organization_id != lead.organization_id]
    if outside:
        return outside[0]
    if people:
        rank = {person.contact.pk: i for i, person in enumerate(cover.people)}
        return min(people, key=lambda p: (rank.get(p.pk, len(rank)), p.name.lower(), p.pk))
    if cover.paths:
        return cover.paths[0].asker.contact
    return None


def moot(followups: QuerySet[FollowUp]) -> QuerySet[FollowUp]:
    """Those of these follow-ups that their lead's state has made moot: an ask for a
    lead that has left "found", a connectors' ask once you know someone there, a
    check-in for a lead that is no longer "applied"."""
    asks = [AskAboutLead.name, AskConnectors.name]
    return followups.filter(
        Q(kind__in=asks) & ~Q(lead__status=Status.FOUND)
        | Q(kind=AskConnectors.name, lead__organization__contacts__isnull=False)
        | Q(kind=ApplicationCheckin.name) & ~Q(lead__status=Status.APPLIED)
    )


def withdraw_asks(lead_ids: Iterable[int]) -> int:
    """Delete the open asks of these leads, made for the organization each named before
    it was changed or taken off ("Ask Sara about the role at Acme" for a lead now at
    Northwind, or at an organization not named yet). Saving the lead then asks for what
    it calls for now: nothing while its organization is not named. An ask already done
    or skipped stays, as it was said then."""
    asks = FollowUp.objects.filter(
        lead_id__in=list(lead_ids), kind__in=[AskAboutLead.name, AskConnectors.name]
    ).open()
    return asks.delete()[0]


def settle(lead_ids: Iterable[int], now: datetime | None = None) -> int:
    """Close, as done, the open follow-ups of these leads that their state made moot."""
    ids = list(
        moot(FollowUp.objects.filter(lead_id__in=list(lead_ids)).open()).values_list("pk", flat=True)
    )
    return FollowUp.objects.filter(pk__in=ids).open().update(
        status=FollowUpStatus.DONE, completed_at=now or timezone.now()
    ) if ids else 0
