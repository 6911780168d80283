"""The network page's questions: each is one query, whatever the size of the network.

These would sit on ContactQuerySet / ReferralQuerySet; they live here while the
network page is their only reader.
"""

from __future__ import annotations

import heapq
from collections import Counter, defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from itertools import compress
from operator import itemgetter

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Count, QuerySet
from django.utils import timezone

from contacts.models import Contact
from netcrm.lib import generations
from netcrm.lib.urls import reverse_pk
from netcrm.lib.fold import Folded
from referrals import graph as referral_graph
from referrals.models import Referral

CHILDREN_LIMIT = 100
CONNECTORS = 10
PATH_EDGES_LIMIT = 1000
# (referrer, referred, whether you met them) of referrals: referrals/graph.py's edges().
Edges = list[tuple[int, int, bool]]


@dataclass
class Node:
    """One person in the tree: who they are, how many people they referred you to."""

    contact: Contact
    count: int
    referral: Referral | None = None  # how you reached them (None for a first link)
    loop: bool = False  # a first link who leads a loop: referred to you by someone in it
    children: list[Node] | None = None  # shown already (the focused path), else on demand
    on_path: bool = False
    focus: bool = False

    @property
    def children_url(self) -> str:
        """The people they referred you to: the tree's next level, asked for on opening."""
        return reverse_pk("referrals:children", self.contact.pk)

    @property
    def others(self) -> int:
        """How many of the people they referred are not shown under them."""
        return self.count - len(self.children or ())


def first_links(user, edges: Edges | None = None) -> list[tuple[int, int, bool]]:
    """The tree's first links as (id, how many people they referred you to, whether
    they lead a loop), by name: those who referred someone and whom nobody referred;
    and, for each closed loop of referrals that nobody else leads into (Ann referred
    you to Ben, and Ben to Ann), the first of it by name, without whom its people would
    be in no tree (someone referred to you, not someone you knew: the page says so).

    From every referral's two ends read at once (`edges`, read here when not given: the
    heavy user's 20,000, some 11 ms on PostgreSQL, and 6 to walk them), then one query
    for the names' order. Grouping the referrals in SQL for the first links alone took
    18 ms (issue 11)."""
    below: dict[int, list[int]] = defaultdict(list)
    referred: set[int] = set()
    for referrer, person, _ in referral_graph.edges(user.pk) if edges is None else edges:
        below[referrer].append(person)
        referred.add(person)
    reached: set[int] = set()

    def walk(start: int) -> None:
        todo = [start]
        while todo:
            pk = todo.pop()
            if pk not in reached:
                reached.add(pk)
                todo.extend(below[pk])

    first = [pk for pk in below if pk not in referred]
    for pk in first:
        walk(pk)
    roots = set(first)
    # Referrers no first link leads to: on a closed loop, or led to from one. Only a
    # loop's own people can lead it (Ann and Ben named each other, and Ben named Carl:
    # Carl, first by name, is no first link).
    loops = loops_led_into_by_nobody(below, below.keys() - reached)
    found = []
    for pk in referral_graph.by_name(user.pk, roots | loops):
        if pk in roots or pk not in reached:  # a loop's first by name leads it
            found.append((pk, len(below[pk]), pk not in roots))
            walk(pk)
    return found


def loops_led_into_by_nobody(below: dict[int, list[int]], among: set[int]) -> set[int]:
    """The people of the closed loops of referrals among `among` (each of whom was
    referred by someone in it) that nobody else in it led you into: those that
    lead the rest. `below`: whom each person referred.

    The loops are the strongly connected parts of the referrals among them, found by
    Tarjan's walk, written without recursion (a line of thousands of people)."""
    order: dict[int, int] = {}  # when the walk first met each person
    low: dict[int, int] = {}  # the earliest met person each one leads back to
    part: dict[int, int] = {}  # the first met of each one's loop
    path: list[int] = []
    on_path: set[int] = set()
    for start in among:
        if start in order:
            continue
        order[start] = low[start] = len(order)
        path.append(start)
        on_path.add(start)
        todo = [(start, iter(below.get(start, ())))]
        while todo:
            person, rest = todo[-1]
            for other in rest:
                if other not in among:
                    continue
                if other not in order:
                    order[other] = low[other] = len(order)
                    path.append(other)
                    on_path.add(other)
                    todo.append((other, iter(below.get(other, ()))))
                    break
                if other in on_path:
                    low[person] = min(low[person], order[other])
            else:
                todo.pop()
                if todo:
                    above = todo[-1][0]
                    low[above] = min(low[above], low[person])
                if low[person] == order[person]:
                    while True:
                        member = path.pop()
                        on_path.discard(member)
                        part[member] = person
                        if member == person:
                            break
    led_into = {
        part[other] for person in among for other in below.get(person, ())
        if other in among and part[other] != part[person]
    }
    return {person for person in among if part[person] not in led_into}


def _edges(user) -> QuerySet[Referral]:
    """Referrals with the referred person and how many people *they* referred."""
    return (
        Referral.objects.for_user(user)
        .select_related("referred__organization")
        .annotate(referred_count=Count("referred__referrals_given"))
    )


def children(user, contact_id: int, limit: int = CHILDREN_LIMIT) -> tuple[list[Node], bool]:
    """The people `contact_id` referred you to (at most `limit`), and whether there are more."""
    rows = list(
        _edges(user).filter(referrer_id=contact_id).order_by(Folded("referred__name"), "pk")[
            : limit + 1
        ]
    )
    return [Node(r.referred, r.referred_count, r) for r in rows[:limit]], len(rows) > limit


def expand_chains(nodes: Sequence[Node], user, chains: list[list[int]], focus: int) -> None:
    """Open the tree along every chain to `focus` (one query), marking who is on it."""
    on_path = {contact_id for chain in chains for contact_id in chain}
    steps = {(a, b) for chain in chains for a, b in zip(chain, chain[1:])}
    below: dict[int, list[Referral]] = defaultdict(list)
    if steps:
        rows = (
            _edges(user)
            .filter(referrer_id__in=on_path, referred_id__in=on_path)
            .order_by(Folded("referred__name"), "pk")[:PATH_EDGES_LIMIT]
        )
        for referral in rows:
            if (referral.referrer_id, referral.referred_id) in steps:
                below[referral.referrer_id].append(referral)

    def mark(node: Node, branch: frozenset[int]) -> None:
        pk = node.contact.pk
        node.on_path, node.focus = pk in on_path, pk == focus
        if node.focus or pk in branch:
            return
        shown = [r for r in below[pk] if r.referred_id not in branch]
        if shown:
            node.children = [Node(r.referred, r.referred_count, r) for r in shown]
            for child in node.children:
                mark(child, branch | {pk})

    for node in nodes:
        mark(node, frozenset())


def best_connectors(user, limit: int = CONNECTORS, edges: Edges | None = None) -> list[Contact]:
    """Who referred you to the most people (`given`), then whom you met the most of
    (`met`), then by name.

    Counted in Python from every referral's ends (`edges`, read here when not given),
    which the network page reads anyway for its first links: grouping the referrals
    by referrer in SQL, with each referrer's name to break ties, joined every referral
    to its contact (26 ms for the heavy user's 20,000). Counted by Counter over the
    columns (itemgetter, compress), and ranked among those who gave at least as many
    as the last of the top by count alone: a loop over the referrals and a rank for
    each of the 6,700 referrers took 15 ms of CPU, this 3. Then the names of the few
    at the top and of those tied with the last of them, and the chosen people."""
    edges = referral_graph.edges(user.pk) if edges is None else edges
    given: Counter[int] = Counter(map(itemgetter(0), edges))
    if not given:
        return []
    met: Counter[int] = Counter(compress(map(itemgetter(0), edges), map(itemgetter(2), edges)))

    def rank(pk: int) -> tuple[int, int]:
        return (-given[pk], -met[pk])

    least = heapq.nlargest(limit, given.values())[-1]
    candidates = [pk for pk, count in given.items() if count >= least]
    last = rank(heapq.nsmallest(limit, candidates, key=rank)[-1])
    # By name first, then (a stable sort) by rank: people of the same rank by name.
    top = sorted(
        referral_graph.by_name(user.pk, [pk for pk in candidates if rank(pk) <= last]), key=rank
    )[:limit]
    people = Contact.objects.select_related("organization").in_bulk(top)
    connectors = []
    for pk in top:
        contact = people[pk]
        contact.given, contact.met = given[pk], met[pk]
        connectors.append(contact)
    return connectors


def meeting_counts(user, now: datetime | None = None) -> dict[str, int]:
    """{"held": meetings that have happened, "barren": of those, the ones that gave no referral}.

    An upcoming meeting has not had its chance yet, so it counts in neither.
    """
    now = now or timezone.now()
    # The model of the referral's meeting: referrals sits below meetings (which
    # imports it to log referrals with a meeting), so it names Meeting by its FK alone.
    meetings = Referral.meeting.field.related_model.objects
    held = meetings.for_user(user).filter(starts_at__lte=now)
    # Meetings that gave a referral, counted from the referrals (far fewer rows than
    # asking every meeting whether one exists), less those of the few meetings yet to
    # come: joining every referral to its meeting to read when it starts, PostgreSQL
    # hashed all of the user's meetings (26 ms for the heavy user's 30,000; this 4).
    upcoming = meetings.for_user(user).filter(starts_at__gt=now).values("pk")
    fruitful = (
        Referral.objects.for_user(user)
        .exclude(meeting=None).exclude(meeting__in=upcoming)
        .aggregate(n=Count("meeting", distinct=True))["n"]
    )
    total = held.count()
    return {"held": total, "barren": total - fruitful}


# Bump when what overview() keeps changes shape (a deploy empties the "pages" cache anyway).
OVERVIEW_VERSION = 3


def overview(user) -> dict:
    """What the network page says of the whole network, whatever it focuses on: the
    counts of referrals and meetings, the best connectors, the first links (`roots`:
    (id, how many they referred) by name), and when it stops holding (`until`: the next
    planned meeting starts, and counts as held).

    Each is a pass over every referral (20,000 of them: some 60 ms of the page on
    PostgreSQL), so they are kept in this process under the generation of the user's
    people, meetings and referrals (netcrm/lib/generations.py) until one changes."""
    return generations.kept_in_process(
        user.pk, generations.PANEL, f"network:{OVERVIEW_VERSION}", lambda: _overview(user),
        holds=lambda figures: figures["until"] is None or timezone.now() < figures["until"],
    )


def _overview(user) -> dict:
    now = timezone.now()
    # Every referral's ends, read once for the counts, the connectors and the first links.
    edges = referral_graph.edges(user.pk)
    counts = {"total": len(edges), "met": sum(map(itemgetter(2), edges))}
    figures = {"counts": counts, "connectors": [], "meetings": {}, "roots": [], "until": None}
    if counts["total"]:
        meetings = Referral.meeting.field.related_model.objects.for_user(user)
        figures |= {
            "connectors": best_connectors(user, edges=edges),
            "meetings": meeting_counts(user, now),
            "roots": first_links(user, edges),
            "until": meetings.filter(starts_at__gt=now).order_by("starts_at")
            .values_list("starts_at", flat=True).first(),
        }
    return figures


def first_links_page(
    user, first_links: list[tuple[int, int, bool]], number, first: Collection[int] = ()
):
    """A page of Nodes from overview()'s first links: those in `first` (the first
    links of the chains on show) first, then the rest, each part by name; the page's
    people read by id."""
    ordered = [row for row in first_links if row[0] in first]
    ordered += [row for row in first_links if row[0] not in first]
    page = Paginator(ordered, settings.NETCRM_PAGE_SIZE).get_page(number)
    people = (
        Contact.objects.for_user(user).select_related("organization")
        .in_bulk([pk for pk, _, _ in page])
    )
    # One deleted since the first links were read (another tab) is left out.
    nodes = [Node(people[pk], count, loop=loop) for pk, count, loop in page if pk in people]
    return page, nodes
