"""The recursive referral queries against a plain-Python walk of the same graph.

Hypothesis draws small directed graphs (cycles and several referrers included),
saves them as real Contact and Referral rows for one user, next to a second
user's graph, and checks ancestors, descendants and chains_to against the
breadth-first / depth-first reference below. Runs on SQLite and PostgreSQL alike
(DATABASE_URL picks).

Function-scoped fixtures (the two users) live for the whole test, not per
example, so each example saves its rows inside a savepoint that it rolls back.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import pairwise

import pytest
from django.contrib.auth.models import User
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from contacts.models import Contact
from referrals.graph import (
    FRONTIER,
    MAX_CHAINS,
    MAX_DEPTH,
    Chain,
    _edges_below,
    ancestors,
    chains_to,
    descendants,
)
from referrals.models import Referral
from tests.factories import make_contact

pytestmark = pytest.mark.django_db

Edge = tuple[int, int]  # (referrer, referred), as node numbers 0..n-1


# --- The reference: plain Python over an adjacency dict --------------------------------


def adjacency(edges: set[Edge], upward: bool) -> dict[int, set[int]]:
    """upward: node -> its referrers; else node -> the people it referred."""
    step: dict[int, set[int]] = {}
    for referrer, referred in edges:
        near, far = (referred, referrer) if upward else (referrer, referred)
        step.setdefault(near, set()).add(far)
    return step


def reference_reachable(edges: set[Edge], start: int, max_depth: int, upward: bool) -> dict:
    """{node: fewest steps} for every node != start within 1..max_depth steps (BFS)."""
    step = adjacency(edges, upward)
    distance = {start: 0}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        if distance[node] == max_depth:
            continue
        for nxt in step.get(node, ()):
            if nxt not in distance:
                distance[nxt] = distance[node] + 1
                queue.append(nxt)
    del distance[start]
    return distance


def reference_chains(edges: set[Edge], target: int, max_depth: int) -> set[tuple[int, ...]]:
    """Every maximal simple path (x0, …, target), grown backwards from target (DFS).

    Maximal: it has max_depth edges, or its first link has no referrer off the path.
    One whose first link has referrers, all on the path (it ran into a loop), counts
    only when no path starts with someone nobody referred or reaches the cap.
    A target nobody referred has no chains (paths of length 0 are left out).
    """
    referrers = adjacency(edges, upward=True)
    found: set[tuple[int, ...]] = set()
    loops: set[tuple[int, ...]] = set()

    def grow(path: list[int]) -> None:  # path = [target, …, head]
        if len(path) - 1 == max_depth:
            found.add(tuple(reversed(path)))
            return
        options = [p for p in referrers.get(path[-1], ()) if p not in path]
        if not options:
            if len(path) > 1:
                (loops if referrers.get(path[-1]) else found).add(tuple(reversed(path)))
            return
        for p in options:
            grow([*path, p])

    grow([target])
    return found or loops


def test_the_reference_itself_on_a_hand_checked_graph():
    # 0 -> 1 -> 2 -> 0 (a loop), 3 -> 2, and 4 -> 3.
    edges = {(0, 1), (1, 2), (2, 0), (3, 2), (4, 3)}
    assert reference_reachable(edges, 2, 6, upward=True) == {1: 1, 3: 1, 0: 2, 4: 2}
    assert reference_reachable(edges, 2, 1, upward=True) == {1: 1, 3: 1}
    assert reference_reachable(edges, 2, 6, upward=False) == {0: 1, 1: 2}
    assert reference_chains(edges, 2, 6) == {(4, 3, 2)}  # (0, 1, 2) ran into the loop
    assert reference_chains(edges, 2, 1) == {(1, 2), (3, 2)}
    assert reference_chains(edges, 4, 6) == set()
    # Into the loop from 2: (1, 2) and (0, 1, 2) run into it, (4, 3, 2) starts with 4.
    assert reference_chains(edges, 1, 6) == {(4, 3, 2, 0, 1)}
    assert reference_chains({(0, 1), (1, 0)}, 1, 6) == {(0, 1)}  # only a loop: shown


# --- Saving a drawn graph as rows ------------------------------------------------------


@dataclass
class Saved:
    ids: list[int]  # node number -> Contact id

    def node_of(self, contact_id: int) -> int:
        return self.ids.index(contact_id)


def save_graph(user: User, n: int, edges: set[Edge], label: str) -> Saved:
    contacts = Contact.objects.bulk_create(
        Contact(user=user, name=f"{label} {i}") for i in range(n)
    )
    ids = [c.pk for c in contacts]
    Referral.objects.bulk_create(
        Referral(user=user, referrer_id=ids[a], referred_id=ids[b]) for a, b in edges
    )
    return Saved(ids)


class Rollback(Exception):
    pass


def each_example(body) -> None:
    """Run body() in a savepoint that is always rolled back: no rows outlive the example."""
    try:
        with transaction.atomic():
            body()
            raise Rollback
    except Rollback:
        pass
    assert not Referral.objects.exists() and not Contact.objects.exists()


# --- Strategies ------------------------------------------------------------------------


@st.composite
def graphs(draw, max_nodes: int = 9) -> tuple[int, set[Edge]]:
    """n nodes and a set of edges a -> b (a != b), often with a loop or two forced in."""
    n = draw(st.integers(1, max_nodes))
    if n == 1:
        return n, set()
    pairs = [(a, b) for a in range(n) for b in range(n) if a != b]
    edges = set(draw(st.sets(st.sampled_from(pairs), max_size=min(len(pairs), 20))))
    for cycle in draw(st.lists(st.lists(st.integers(0, n - 1), min_size=2, max_size=n,
                                        unique=True), max_size=2)):
        edges |= {(cycle[i], cycle[(i + 1) % len(cycle)]) for i in range(len(cycle))}
    return n, edges


@st.composite
def cases(draw) -> dict:
    n, edges = draw(graphs())
    other_n, other_edges = draw(graphs())
    return {
        "n": n, "edges": edges, "target": draw(st.integers(0, n - 1)),
        "other_n": other_n, "other_edges": other_edges,
        "other_target": draw(st.integers(0, other_n - 1)),
        "max_depth": draw(st.one_of(st.none(), st.integers(1, 6))),  # None: the default
    }


PROPERTY = settings(
    max_examples=150,
    deadline=None,
    database=None,  # no .hypothesis/ directory left in the repo
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def depth_args(max_depth: int | None) -> tuple[dict, int]:
    """Keyword arguments for the query (none: its default) and the depth they mean."""
    return ({}, MAX_DEPTH) if max_depth is None else ({"max_depth": max_depth}, max_depth)


def saved_pair(user: User, other_user: User, case: dict) -> tuple[Saved, Saved]:
    mine = save_graph(user, case["n"], case["edges"], "mine")
    theirs = save_graph(other_user, case["other_n"], case["other_edges"], "theirs")
    return mine, theirs


# --- Properties ------------------------------------------------------------------------


def check_reachable(query, upward: bool, user: User, other_user: User, case: dict) -> None:
    kwargs, depth = depth_args(case["max_depth"])

    def body() -> None:
        mine, theirs = saved_pair(user, other_user, case)
        got = query(user.pk, mine.ids[case["target"]], **kwargs)
        assert set(got) <= set(mine.ids), "another user's contacts leaked in"
        as_nodes = {mine.node_of(cid): d for cid, d in got.items()}
        assert as_nodes == reference_reachable(case["edges"], case["target"], depth, upward)

        # The other user's graph answers for them, and for nobody else.
        got = query(other_user.pk, theirs.ids[case["other_target"]], **kwargs)
        as_nodes = {theirs.node_of(cid): d for cid, d in got.items()}
        assert as_nodes == reference_reachable(
            case["other_edges"], case["other_target"], depth, upward
        )
        assert query(user.pk, theirs.ids[case["other_target"]], **kwargs) == {}

    each_example(body)


@PROPERTY
@given(case=cases())
def test_ancestors_match_the_reference(user, other_user, case):
    check_reachable(ancestors, True, user, other_user, case)


@PROPERTY
@given(case=cases())
def test_descendants_match_the_reference(user, other_user, case):
    check_reachable(descendants, False, user, other_user, case)


@PROPERTY
@given(case=cases())
def test_the_trees_edges_match_the_reference(user, other_user, case):
    # led_to places people by the referrals out of the target and out of everyone they
    # led you to short of the depth cap: every one of those comes back, each referrer's
    # oldest first, and nothing but referrals among the target and those reached (on
    # SQLite also those out of the people at the cap, which place nobody).
    _, depth = depth_args(case["max_depth"])

    def body() -> None:
        mine, theirs = saved_pair(user, other_user, case)
        target = case["target"]
        got = _edges_below(user.pk, mine.ids[target], depth)
        pks = {r.pk: (mine.node_of(r.referrer_id), mine.node_of(r.referred_id))
               for r in Referral.objects.filter(user=user)}
        assert all(pk in pks for pk, _, _ in got), "another user's referrals leaked in"
        as_nodes = [pks[pk] for pk, _, _ in got]
        assert len(as_nodes) == len(set(as_nodes)), "a referral came back twice"
        reached = reference_reachable(case["edges"], target, depth, upward=False)
        short_of_the_cap = {target} | {node for node, d in reached.items() if d < depth}
        expected = {(a, b) for a, b in case["edges"] if a in short_of_the_cap and b != target}
        assert expected <= set(as_nodes)
        assert all(a in reached.keys() | {target} and b in reached for a, b in as_nodes)
        order = [pk for pk, _, _ in got]
        for referrer in {a for a, _ in as_nodes}:
            theirs_in_order = [pk for pk, (a, _) in zip(order, as_nodes) if a == referrer]
            assert theirs_in_order == sorted(theirs_in_order)  # same day: the older pk first
        assert _edges_below(user.pk, theirs.ids[case["other_target"]], depth) == []

    each_example(body)


def check_chains(got: list[list[int]], expected: set[tuple[int, ...]], limit: int) -> None:
    got_paths = [tuple(path) for path in got]
    if len(expected) <= limit:
        assert len(got_paths) == len(expected), "a chain came back twice"
        assert set(got_paths) == expected
    else:
        assert len(got_paths) == limit
        assert len(set(got_paths)) == limit, "a chain came back twice"
        assert set(got_paths) <= expected, "not a maximal chain"
        # Shortest first: exactly the `limit` shortest lengths, in order.
        assert [len(p) for p in got_paths] == sorted(len(p) for p in expected)[:limit]
    lengths = [len(p) for p in got_paths]
    assert lengths == sorted(lengths)


@PROPERTY
@given(case=cases(), limit=st.one_of(st.none(), st.integers(1, 6)))  # None: MAX_CHAINS
def test_chains_to_match_the_reference(user, other_user, case, limit):
    kwargs, depth = depth_args(case["max_depth"])
    if limit is not None:
        kwargs["limit"] = limit

    def body() -> None:
        mine, theirs = saved_pair(user, other_user, case)
        got = chains_to(user.pk, mine.ids[case["target"]], **kwargs)
        assert {cid for path in got for cid in path} <= set(mine.ids)
        expected = reference_chains(case["edges"], case["target"], depth)
        as_nodes = [[mine.node_of(cid) for cid in path] for path in got]
        check_chains(as_nodes, expected, limit or MAX_CHAINS)

        got = chains_to(other_user.pk, theirs.ids[case["other_target"]], **kwargs)
        expected = reference_chains(case["other_edges"], case["other_target"], depth)
        as_nodes = [[theirs.node_of(cid) for cid in path] for path in got]
        check_chains(as_nodes, expected, limit or MAX_CHAINS)
        assert chains_to(user.pk, theirs.ids[case["other_target"]], **kwargs) == []

    each_example(body)


# --- Worked examples -------------------------------------------------------------------


def people(user: User, *names: str) -> Iterator[Contact]:
    return (make_contact(user, name) for name in names)


def refer(user: User, *edges: tuple[Contact, Contact]) -> None:
    Referral.objects.bulk_create(
        Referral(user=user, referrer=referrer, referred=referred) for referrer, referred in edges
    )


def test_the_product_chain_you_sara_john_alan(user, other_user):
    # You -> Sara Smith -> John Public -> Alan: "You" is the user, Sara the first link.
    sara, john, alan = people(user, "Sara Smith", "John Public", "Alan Ames")
    refer(user, (sara, john), (john, alan))
    their_sara, their_alan = people(other_user, "Sara Smith", "Alan Ames")
    refer(other_user, (their_sara, their_alan))

    assert chains_to(user.pk, alan.pk) == [[sara.pk, john.pk, alan.pk]]
    assert ancestors(user.pk, alan.pk) == {john.pk: 1, sara.pk: 2}
    assert descendants(user.pk, sara.pk) == {john.pk: 1, alan.pk: 2}
    assert chains_to(user.pk, sara.pk) == []  # someone you knew already
    assert ancestors(user.pk, sara.pk) == {}
    assert chains_to(other_user.pk, alan.pk) == []
    assert ancestors(other_user.pk, alan.pk) == {}


def test_a_chain_walk_takes_as_many_steps_as_the_contact_has_ancestors(user):
    # No chain is longer than the contact has ancestors: the walk's SQL has that many
    # steps (each one PostgreSQL plans), not MAX_DEPTH; nobody above, no walk at all.
    sara, john, alan = people(user, "Sara Smith", "John Public", "Alan Ames")
    refer(user, (sara, john), (john, alan))

    with CaptureQueriesContext(connection) as queries:
        assert chains_to(user.pk, alan.pk) == [[sara.pk, john.pk, alan.pk]]
    walk = queries.captured_queries[-1]["sql"]
    assert "step2(" in walk and "step3(" not in walk
    with CaptureQueriesContext(connection) as queries:
        assert chains_to(user.pk, sara.pk) == []
    assert len(queries) == 1  # her ancestors: none


def test_a_two_person_loop(user):
    a, b = people(user, "Ann", "Bob")
    refer(user, (a, b), (b, a))

    assert chains_to(user.pk, a.pk) == [[b.pk, a.pk]]
    assert chains_to(user.pk, b.pk) == [[a.pk, b.pk]]
    assert ancestors(user.pk, a.pk) == {b.pk: 1}  # a itself left out, though on the loop
    assert descendants(user.pk, a.pk) == {b.pk: 1}


def test_a_chain_says_how_it_begins(user):
    # Sara, whom you knew, named John; John named Alan, and Alan named John; Ann and
    # Ben named each other; a line of people longer than the walk.
    sara, john, alan, ann, ben = people(user, "Sara", "John", "Alan", "Ann", "Ben")
    refer(user, (sara, john), (john, alan), (alan, john), (ann, ben), (ben, ann))
    line = list(people(user, *(f"Person {i:02}" for i in range(MAX_DEPTH + 2))))
    refer(user, *pairwise(line))

    def starts(contact, **kwargs) -> list[str]:
        return [chain.start for chain in chains_to(user.pk, contact.pk, **kwargs)]

    assert starts(alan) == [Chain.YOU]
    assert starts(ben) == [Chain.LOOP]
    assert starts(line[-1]) == [Chain.FAR]  # Person 01 … Person 13: Person 00 above
    assert starts(line[-2]) == [Chain.YOU]  # Person 00 … Person 12
    assert starts(alan, max_depth=1) == [Chain.FAR]  # John, whom Sara referred
    assert starts(line[3], max_depth=3) == [Chain.YOU]


def test_a_chain_that_runs_into_a_loop_gives_way_to_one_from_someone_you_knew(user):
    # Sara named John, John named Alan, and later Alan named John again: you reached
    # John through Sara, not through Alan (whom you met through John).
    sara, john, alan = people(user, "Sara Smith", "John Public", "Alan Ames")
    refer(user, (sara, john), (john, alan), (alan, john))

    assert chains_to(user.pk, john.pk) == [[sara.pk, john.pk]]
    assert chains_to(user.pk, alan.pk) == [[sara.pk, john.pk, alan.pk]]
    assert chains_to(user.pk, alan.pk, max_depth=1) == [[john.pk, alan.pk]]  # the cap


def test_a_diamond_gives_two_chains(user):
    top, left, right, bottom = people(user, "Top", "Left", "Right", "Bottom")
    refer(user, (top, left), (top, right), (left, bottom), (right, bottom))

    chains = chains_to(user.pk, bottom.pk)
    assert sorted(chains) == sorted([[top.pk, left.pk, bottom.pk], [top.pk, right.pk, bottom.pk]])
    assert ancestors(user.pk, bottom.pk) == {left.pk: 1, right.pk: 1, top.pk: 2}
    assert descendants(user.pk, top.pk) == {left.pk: 1, right.pk: 1, bottom.pk: 2}


def test_a_long_line_stops_at_max_depth(user):
    line = list(people(user, *(f"Person {i:02}" for i in range(20))))
    refer(user, *zip(line, line[1:]))
    ids = [c.pk for c in line]
    last = 19

    assert ancestors(user.pk, ids[last]) == {ids[last - k]: k for k in range(1, MAX_DEPTH + 1)}
    assert descendants(user.pk, ids[0]) == {ids[k]: k for k in range(1, MAX_DEPTH + 1)}
    assert chains_to(user.pk, ids[last]) == [ids[last - MAX_DEPTH:]]  # MAX_DEPTH links
    assert chains_to(user.pk, ids[last], max_depth=19) == [ids]  # the whole line
    assert chains_to(user.pk, ids[last], max_depth=3) == [ids[last - 3:]]


def test_a_dense_braid_walks_a_bounded_frontier_and_gives_the_first_chains(
    user, django_assert_num_queries
):
    # Seven layers of four, everyone referred by all four of the layer before: 4**6 =
    # 4,096 chains reach the last layer, far more open chains a step than the walk
    # follows (FRONTIER). The answer is still the first MAX_CHAINS of them, in order.
    layers = [list(range(i * 4, i * 4 + 4)) for i in range(7)]
    edges = {(a, b) for above, layer in zip(layers, layers[1:]) for a in above for b in layer}
    mine = save_graph(user, 28, edges, "braid")
    target = layers[-1][0]
    assert len(reference_chains(edges, target, MAX_DEPTH)) == 4**6 > FRONTIER

    with django_assert_num_queries(2):  # the ancestors (how many steps), the chains
        got = chains_to(user.pk, mine.ids[target])

    def listed(path: tuple[int, ...]) -> tuple[int, str]:  # the order chains are listed in
        ids = [mine.ids[node] for node in reversed(path)]
        return len(path), "," + ",".join(map(str, ids)) + ","

    first = sorted(reference_chains(edges, target, MAX_DEPTH), key=listed)[:MAX_CHAINS]
    assert [[mine.node_of(cid) for cid in chain] for chain in got] == [list(p) for p in first]
