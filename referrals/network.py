"""The network page's questions: each is one query, whatever the size of the network.

These would sit on ContactQuerySet / ReferralQuerySet; they live here while the
network page is their only reader.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Lower
from django.utils import timezone

from contacts.models import Contact
from netcrm.lib import generations
from netcrm.lib.urls import reverse_pk
from referrals import graph as referral_graph
from referrals.models import Progress, Referral

CHILDREN_LIMIT = 100
CONNECTORS = 10
PATH_EDGES_LIMIT = 1000


@dataclass
class Node:
    """One person in the tree: who they are, how many people they referred you to."""

    contact: Contact
    count: int
    referral: Referral | None = None  # how you reached them (None for a first link)
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


def first_links(user) -> list[tuple[int, int]]:
    """The tree's first links as (id, how many people they referred you to), by name:
    those who referred someone and whom nobody referred; and, for each closed loop of
    referrals that nobody else leads into (Ann referred you to Ben, and Ben to Ann),
    the first of it by name, without whom its people would be in no tree.

    From every referral's two ends read at once (the heavy user's 20,000: some 11 ms on
    PostgreSQL, and 6 to walk them), then one query for the names' order. Grouping the
    referrals in SQL for the first links alone took 18 ms (issue 11)."""
    below: dict[int, list[int]] = defaultdict(list)
    referred: set[int] = set()
    for referrer, person in referral_graph.edges(user.pk):
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
    loops = below.keys() - reached  # referrers no first link leads to
    found = []
    for pk in (
        Contact.objects.for_user(user).filter(pk__in=roots | loops)
        .order_by(Lower("name"), "pk").values_list("pk", flat=True)
    ):
        if pk in roots or pk not in reached:  # a loop's first by name leads it
            found.append((pk, len(below[pk])))
            walk(pk)
    return found


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
        _edges(user).filter(referrer_id=contact_id).order_by(Lower("referred__name"), "pk")[
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
            .order_by(Lower("referred__name"), "pk")[:PATH_EDGES_LIMIT]
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


def best_connectors(user, limit: int = CONNECTORS) -> list[Contact]:
    """Who referred you to the most people (`given`), and how many of those you met (`met`).

    The referrals are counted by referrer first (no join of every contact to every
    referral), then the few at the top are fetched."""
    top = list(
        Referral.objects.for_user(user)
        .values("referrer_id")
        .annotate(
            given=Count("pk"),
            met=Count("pk", filter=Q(progress=Progress.MET)),
            lower_name=Lower("referrer__name"),
        )
        .order_by("-given", "-met", "lower_name", "referrer_id")[:limit]
    )
    people = Contact.objects.select_related("organization").in_bulk(
        [row["referrer_id"] for row in top]
    )
    connectors = []
    for row in top:
        contact = people[row["referrer_id"]]
        contact.given, contact.met = row["given"], row["met"]
        connectors.append(contact)
    return connectors


def referral_counts(user) -> dict[str, int]:
    """{"total": referrals, "met": of those you met}."""
    return Referral.objects.for_user(user).aggregate(
        total=Count("pk"), met=Count("pk", filter=Q(progress=Progress.MET))
    )


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
    # asking every meeting whether one exists).
    fruitful = (
        Referral.objects.for_user(user)
        .filter(meeting__starts_at__lte=now)
        .aggregate(n=Count("meeting", distinct=True))["n"]
    )
    total = held.count()
    return {"held": total, "barren": total - fruitful}


# Bump when what overview() keeps changes shape (a deploy empties the "pages" cache anyway).
OVERVIEW_VERSION = 1


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
    counts = referral_counts(user)
    figures = {"counts": counts, "connectors": [], "meetings": {}, "roots": [], "until": None}
    if counts["total"]:
        meetings = Referral.meeting.field.related_model.objects.for_user(user)
        figures |= {
            "connectors": best_connectors(user),
            "meetings": meeting_counts(user, now),
            "roots": first_links(user),
            "until": meetings.filter(starts_at__gt=now).order_by("starts_at")
            .values_list("starts_at", flat=True).first(),
        }
    return figures


def first_links_page(user, first_links: list[tuple[int, int]], number, first: Collection[int] = ()):
    """A page of Nodes from overview()'s first links: those in `first` (the first
    links of the chains on show) first, then the rest, each part by name; the page's
    people read by id."""
    ordered = [row for row in first_links if row[0] in first]
    ordered += [row for row in first_links if row[0] not in first]
    page = Paginator(ordered, settings.NETCRM_PAGE_SIZE).get_page(number)
    people = (
        Contact.objects.for_user(user).select_related("organization")
        .in_bulk([pk for pk, _ in page])
    )
    # One deleted since the first links were read (another tab) is left out.
    nodes = [Node(people[pk], count) for pk, count in page if pk in people]
    return page, nodes
