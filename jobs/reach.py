"""Who I know there: the people at an organization, the people one referral away from
it, and the intro paths that reach it, ranked by warmth.

`coverage` sums the same up for many organizations at once (the target companies
page), in four queries whatever their number.

Five queries whatever the size of the network: the people there, the people who used
to work there (their contact says so), the newest referrals with one end there, the
chains to anyone there (referrals/graph.py's recursive walk, seeded with the
organization's people), and the people on those chains and referrals (with whether
someone referred each to you: whether a path that starts with them starts with you).

Warmth (a whole number, higher is warmer) is the sum of three plain parts, each
shown to the user as a reason:

- **in touch lately** (`Contact.last_interaction_at`: a meeting, a note, a reply):
  3 within 30 days, 2 within 90, 1 within a year, else 0;
- **gave referrals before**: 1 for each person they referred you to, at most 3;
- **the reciprocity ledger** (reciprocity/services.py's sides): +1 when you have
  helped them at least as often as they have helped you (with something on the
  ledger), -1 when they have helped you three or more times more than you have
  helped them (offer help back before asking for more).

One-hop people rank by their own warmth; a person one referral away and an intro
path rank by the warmth of the person you would ask (the bridge; on a path, the one
who referred you to the person there), then by shorter paths, then by name.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import connection
from django.db.models import Count, Exists, F, Max, OuterRef, Q, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from contacts.models import Contact, Organization
from meetings.models import Meeting
from netcrm.lib.models import count_of
from netcrm.lib.fold import Folded
from reciprocity.models import InboundRequest, RequestStatus
from referrals import graph
from referrals.models import Referral

PEOPLE_LIMIT = 50
BRIDGES_LIMIT = 50
PATHS_LIMIT = 10
OWED = 3  # times more they helped you than you helped them: offer help back first


def _count(rows, column: str):
    """How many of `rows` have the outer contact in `column`, as one subquery."""
    return count_of(rows.filter(**{column: OuterRef("pk")}), column)


def with_warmth(contacts, user, now: datetime | None = None):
    """Contacts annotated with what warmth is made of (no query of its own):
    `gave_referrals`, `meetings_held`, `helped_them`."""
    now = now or timezone.now()
    return contacts.select_related("organization").annotate(
        gave_referrals=_count(Referral.objects.filter(user=user), "referrer"),
        meetings_held=_count(
            Meeting.contacts.through.objects.filter(
                meeting__user=user, meeting__starts_at__lte=now
            ),
            "contact",
        ),
        helped_them=_count(
            InboundRequest.objects.filter(user=user, status=RequestStatus.HELPED), "contact"
        ),
    )


@dataclass(frozen=True)
class Warmth:
    score: int
    reasons: tuple[str, ...]


def warmth(contact: Contact, now: datetime | None = None) -> Warmth:
    """The score of a contact annotated by `with_warmth` (see the module's docstring)."""
    now = now or timezone.now()
    score, reasons = 0, []
    last = contact.last_interaction_at
    if last is not None:
        age = now - last
        recency = 3 if age <= timedelta(days=30) else 2 if age <= timedelta(days=90) else (
            1 if age <= timedelta(days=365) else 0
        )
        if recency:
            score += recency
            # Days of the calendar, in the user's timezone: 19 hours ago, last night,
            # was yesterday.
            days = max((timezone.localdate(now) - timezone.localdate(last)).days, 0)
            reasons.append(
                "in touch today" if days == 0 else "in touch yesterday" if days == 1
                else f"in touch {days} days ago"
            )
    given = contact.gave_referrals
    if given:
        score += min(given, 3)
        reasons.append(f"referred you to {given} {'person' if given == 1 else 'people'}")
    they_helped = contact.meetings_held + given
    you_helped = contact.helped_them
    if you_helped and you_helped >= they_helped:
        score += 1
        reasons.append(f"you helped them {'once' if you_helped == 1 else f'{you_helped} times'}")
    elif they_helped - you_helped >= OWED:
        score -= 1
        reasons.append("offer help back before you ask")
    return Warmth(score, tuple(reasons))


@dataclass
class Person:
    contact: Contact
    warmth: Warmth


@dataclass
class Bridge:
    """Someone not there, one referral from someone who is."""

    person: Person  # the bridge
    insider: Contact  # the person there
    referred_you: bool  # True: the bridge referred you to the insider; False: the other way


@dataclass
class IntroPath:
    """You → first link → … → the person there; or, when its first link was referred
    to you too (a loop, or a route longer than the walk), "… → first link → …", as a
    contact's page says how you reached them (referrals/_chain.html)."""

    people: graph.Chain  # of Contacts
    asker: Person  # whom you would ask: the one who referred you to the person there

    @property
    def target(self) -> Contact:
        return self.people[-1]


@dataclass
class Reach:
    organization: Organization
    people: list[Person] = field(default_factory=list)
    bridges: list[Bridge] = field(default_factory=list)
    paths: list[IntroPath] = field(default_factory=list)
    more_people: bool = False
    alumni: list[Person] = field(default_factory=list)  # used to work there

    @property
    def is_empty(self) -> bool:
        return not (self.people or self.bridges or self.paths or self.alumni)


def _on_paths(contacts, user, now: datetime):
    """The people on intro paths, with their warmth and whether someone referred them to
    you (`was_referred`: how a path that starts with them begins), in the one query."""
    referred = Referral.objects.filter(user=user, referred=OuterRef("pk"))
    return with_warmth(contacts, user, now).annotate(was_referred=Exists(referred))


def _path(chain: list[int], people: dict[int, Contact], now: datetime) -> IntroPath:
    """An intro path from a chain of ids and its people (read by `_on_paths`)."""
    asker = people[chain[-2]]
    return IntroPath(
        graph.Chain.walked([people[pk] for pk in chain], people[chain[0]].was_referred),
        Person(asker, warmth(asker, now)),
    )


def _by_warmth(person: Person) -> tuple:
    return (-person.warmth.score, person.contact.name.lower(), person.contact.pk)


NEWEST_FIRST = tuple(Referral._meta.ordering)  # the model's own order: newest first


def _newest_edges(user, organization: Organization):
    """The ids of the user's referrals with one end at `organization` (a bridge: the
    other end is not there), the newest BRIDGES_LIMIT of them where the database can
    say so: a UNION of the two directions, each found from the people there through
    its own index. An OR of the two had PostgreSQL walk all the user's referrals newest
    first until it had enough: all 20,000 of them for an organization with few."""
    referrals = Referral.objects.for_user(user)
    at_org = Q(referred__organization=organization) & ~Q(referrer__organization=organization)
    from_org = Q(referrer__organization=organization) & ~Q(referred__organization=organization)
    sides = [referrals.filter(at_org).values("pk"), referrals.filter(from_org).values("pk")]
    if connection.features.supports_slicing_ordering_in_compound:  # not SQLite
        # Each side's newest are enough: then only they are joined with their people.
        sides = [side.order_by(*NEWEST_FIRST)[:BRIDGES_LIMIT] for side in sides]
    return sides[0].union(sides[1])


def who_i_know_at(user, organization: Organization, now: datetime | None = None) -> Reach:
    """Everyone through whom you could reach `organization`, warmest first."""
    now = now or timezone.now()
    reach = Reach(organization)
    mine = Contact.objects.for_user(user)
    there = list(
        with_warmth(mine.filter(organization=organization), user, now)
        .order_by(Folded("name"), "pk")[: PEOPLE_LIMIT + 1]
    )
    reach.more_people = len(there) > PEOPLE_LIMIT
    reach.people = sorted(
        (Person(c, warmth(c, now)) for c in there[:PEOPLE_LIMIT]), key=_by_warmth
    )
    # People who used to work there (their contact says so): they still know people.
    alumni = with_warmth(
        mine.filter(past_organizations=organization).exclude(organization=organization)
        .select_related("organization"), user, now,
    ).order_by(Folded("name"), "pk")[:PEOPLE_LIMIT]
    reach.alumni = sorted((Person(c, warmth(c, now)) for c in alumni), key=_by_warmth)

    edges = list(
        Referral.objects.filter(pk__in=_newest_edges(user, organization))
        .select_related("referrer__organization", "referred__organization")
        .order_by(*NEWEST_FIRST)[:BRIDGES_LIMIT]
    )
    chains = graph.chains_to_organization(user.pk, organization.pk, limit=graph.MAX_CHAINS)

    bridge_ids = {
        e.referrer_id if e.referred.organization_id == organization.pk else e.referred_id
        for e in edges
    }
    on_chains = {pk for chain in chains for pk in chain}
    wanted = bridge_ids | on_chains
    warm = {c.pk: c for c in _on_paths(mine.filter(pk__in=wanted), user, now)} if wanted else {}

    seen: set[tuple[int, int]] = set()
    for edge in edges:
        referred_you = edge.referred.organization_id == organization.pk
        bridge, insider = (edge.referrer, edge.referred) if referred_you else (
            edge.referred, edge.referrer
        )
        if (bridge.pk, insider.pk) in seen:
            continue
        seen.add((bridge.pk, insider.pk))
        contact = warm[bridge.pk]
        reach.bridges.append(Bridge(Person(contact, warmth(contact, now)), insider, referred_you))
    reach.bridges.sort(key=lambda b: (_by_warmth(b.person), b.insider.name.lower()))

    reach.paths = [_path(chain, warm, now) for chain in chains]
    reach.paths.sort(key=lambda p: (-p.asker.warmth.score, len(p.people), [c.name.lower() for c in p.people]))
    reach.paths = reach.paths[:PATHS_LIMIT]
    return reach


# Many organizations at once (the target companies page, the lead follow-ups) -----------

COVERAGE_PEOPLE = 3  # names shown per organization


@dataclass
class Coverage:
    """How well you can reach one organization: a summary of `who_i_know_at` for pages
    and follow-ups that handle many organizations at once."""

    organization: Organization
    known: int = 0  # people you know there
    last_touch: datetime | None = None  # the latest interaction with any of them
    people: list[Person] = field(default_factory=list)  # warmest first (of the first PEOPLE_LIMIT)
    paths: list[IntroPath] = field(default_factory=list)  # warmest first, at most PATHS_LIMIT
    path_count: int = 0  # intro paths found (at most graph.MAX_CHAINS)

    @property
    def top_people(self) -> list[Person]:
        return self.people[:COVERAGE_PEOPLE]

    @property
    def others(self) -> int:
        """How many people there `top_people` leaves out."""
        return self.known - len(self.top_people)

    @property
    def best(self) -> Person | IntroPath | None:
        """Whom to ask about the organization: the warmest person there, or the warmest
        intro path's asker when warmer (then ask them for an intro); None if nobody."""
        person = self.people[0] if self.people else None
        path = self.paths[0] if self.paths else None
        if path is not None and (person is None or path.asker.warmth.score > person.warmth.score):
            return path
        return person


def coverage(user, organizations, now: datetime | None = None) -> dict[int, Coverage]:
    """{organization id: Coverage} for each of `organizations` (the user's own), in
    four queries whatever their number: counts and last touch, the people there with
    their warmth, the chains to them (one recursive query for all), and the people on
    those chains."""
    now = now or timezone.now()
    found = {org.pk: Coverage(org) for org in organizations}
    if not found:
        return found
    mine = Contact.objects.for_user(user)
    there = mine.filter(organization__in=list(found))
    for row in there.order_by().values("organization").annotate(
        known=Count("pk"), last_touch=Max("last_interaction_at")
    ):
        cover = found[row["organization"]]
        cover.known, cover.last_touch = row["known"], row["last_touch"]

    first = with_warmth(there, user, now).annotate(
        place=Window(
            RowNumber(), partition_by=[F("organization_id")], order_by=[Folded("name"), F("pk")]
        )
    ).filter(place__lte=PEOPLE_LIMIT)
    for contact in first:
        found[contact.organization_id].people.append(Person(contact, warmth(contact, now)))
    for cover in found.values():
        cover.people.sort(key=_by_warmth)

    chains = graph.chains_to_organizations(user.pk, list(found), limit=graph.MAX_CHAINS)
    on_chains = {pk for group in chains.values() for chain in group for pk in chain}
    warm = (
        {c.pk: c for c in _on_paths(mine.filter(pk__in=on_chains), user, now)}
        if on_chains else {}
    )
    for organization_id, group in chains.items():
        cover = found[organization_id]
        cover.path_count = len(group)
        cover.paths = [_path(chain, warm, now) for chain in group]
        cover.paths.sort(
            key=lambda p: (
                -p.asker.warmth.score, len(p.people), [c.name.lower() for c in p.people]
            )
        )
        del cover.paths[PATHS_LIMIT:]
    return found
