"""Who referred whom: each question is one recursive query (WITH RECURSIVE).

The SQL is the same on SQLite and PostgreSQL but for the tree's walk (`_edges_below`),
which PostgreSQL's arrays let read each person once. Referral edges may form cycles
(A names B, later B names A) and a person may have several referrers, so every
walk carries a depth cap, and the path walk refuses to revisit a contact.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass, field

from django.db import connection

from contacts.models import Contact
from netcrm.lib.prepared import Prepared
from referrals.models import Progress, Referral

MAX_DEPTH = 12
MAX_CHAINS = 25
FRONTIER = 100  # open chains followed per step of the chain walk (see _chains)
TABLE = Referral._meta.db_table
CONTACTS = Contact._meta.db_table


def _fetch(sql: str, params: list) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def edges(user_id: int) -> list[tuple[int, int, bool]]:
    """(referrer, referred, whether you met them) of every referral of the user, as
    plain tuples: the ORM's values_list took 27 ms for the heavy user's 20,000
    referrals, this 11."""
    return _fetch(
        f"SELECT referrer_id, referred_id, progress = %s FROM {TABLE} WHERE user_id = %s",
        [Progress.MET, user_id],
    )


def _among(column: str, ids: Collection[int]) -> tuple[str, list]:
    """SQL saying `column` is one of `ids`, and its parameters (one array on PostgreSQL)."""
    if connection.vendor == "postgresql":
        return f"{column} = ANY(%s::bigint[])", [list(ids)]
    if not ids:
        return "0 = 1", []
    return f"{column} IN ({', '.join(['%s'] * len(ids))})", list(ids)


def by_name(user_id: int, ids: Collection[int]) -> list[int]:
    """The user's contacts among `ids`, ordered by name as lists order them (lower
    case, then id). On PostgreSQL the ids travel as one array: as a thousand
    placeholders, turning the query into PostgreSQL's form took psycopg 7 ms of the 12
    (the network's 942 first links; 4 with the array)."""
    if not ids:
        return []
    among, params = _among("id", ids)
    rows = _fetch(
        f"SELECT id FROM {CONTACTS} WHERE user_id = %s AND {among} ORDER BY LOWER(name), id",
        [user_id, *params],
    )
    return [pk for (pk,) in rows]


def _reachable(user_id: int, contact_id: int, max_depth: int, upward: bool) -> dict[int, int]:
    """{contact id: fewest referral steps} reachable from contact_id, itself excluded."""
    near, far = ("referrer_id", "referred_id") if upward else ("referred_id", "referrer_id")
    rows = _fetch(
        f"""
        WITH RECURSIVE walk(contact_id, depth) AS (
            SELECT {near}, 1 FROM {TABLE} WHERE user_id = %s AND {far} = %s
            UNION
            SELECT r.{near}, walk.depth + 1
            FROM {TABLE} r JOIN walk ON r.{far} = walk.contact_id
            WHERE r.user_id = %s AND walk.depth < %s
        )
        SELECT contact_id, MIN(depth) FROM walk WHERE contact_id <> %s GROUP BY contact_id
        """,
        [user_id, contact_id, user_id, max_depth, contact_id],
    )
    return dict(rows)


def _edges_below(user_id: int, contact_id: int, max_depth: int) -> list[tuple[int, int, int]]:
    """(referral, referrer, referred) of every referral from this contact or from
    someone they led you to (`descendants`) short of the depth cap, into someone they
    led you to, oldest referral first; on SQLite also those from the people at the cap
    (they lead nowhere new: `led_to` places nobody by them).

    One query. On PostgreSQL a breadth-first walk that holds the whole frontier and
    everyone seen as arrays, so that each person's referrals are read once: a walk of
    (person, depth) rows, as SQLite's below, visits a person once for every depth some
    route reaches them at (the hub who led you to 6,947 people: 14,608 steps, 66 ms;
    the arrays 29 ms, and 0.7 ms against 1.0 on average over 150 other contacts).

    Both test the referrer with one IN, never `referrer = contact OR referrer IN …`:
    PostgreSQL cannot look that OR up in an index, and read all of the user's
    referrals for it (2.6 ms for a contact who led you to four people; 0.6 ms with the
    IN)."""
    if connection.vendor == "postgresql":
        return _fetch(
            f"""
            WITH RECURSIVE walk(depth, frontier, seen) AS (
                SELECT 0, ARRAY[%s]::bigint[], ARRAY[%s]::bigint[]
                UNION ALL
                SELECT walk.depth + 1, found.next, walk.seen || found.next
                FROM walk CROSS JOIN LATERAL (
                    SELECT ARRAY(
                        SELECT r.referred_id FROM {TABLE} r
                        WHERE r.user_id = %s AND r.referrer_id = ANY(walk.frontier)
                        EXCEPT SELECT unnest(walk.seen)
                    ) AS next
                    OFFSET 0  -- once a step: inlined, it is worked out for each use
                ) found
                WHERE walk.depth < %s AND cardinality(walk.frontier) > 0
            ), walked AS (
                SELECT unnest(frontier) AS contact_id FROM walk WHERE depth < %s
            )
            SELECT r.id, r.referrer_id, r.referred_id
            FROM {TABLE} r
            WHERE r.user_id = %s AND r.referrer_id IN (SELECT contact_id FROM walked)
              AND r.referred_id <> %s
            ORDER BY r.referred_on, r.id
            """,
            [contact_id, contact_id, user_id, max_depth, max_depth, user_id, contact_id],
        )
    return _fetch(
        f"""
        WITH RECURSIVE walk(contact_id, depth) AS (
            SELECT referred_id, 1 FROM {TABLE} WHERE user_id = %s AND referrer_id = %s
            UNION
            SELECT r.referred_id, walk.depth + 1
            FROM {TABLE} r JOIN walk ON r.referrer_id = walk.contact_id
            WHERE r.user_id = %s AND walk.depth < %s
        ), reached AS (
            SELECT DISTINCT contact_id FROM walk WHERE contact_id <> %s
        )
        SELECT r.id, r.referrer_id, r.referred_id
        FROM {TABLE} r JOIN reached ON reached.contact_id = r.referred_id
        WHERE r.user_id = %s
          AND r.referrer_id IN (SELECT contact_id FROM reached UNION ALL SELECT %s)
        ORDER BY r.referred_on, r.id
        """,
        [user_id, contact_id, user_id, max_depth, contact_id, user_id, contact_id],
    )


def ancestors(user_id: int, contact_id: int, max_depth: int = MAX_DEPTH) -> dict[int, int]:
    """Everyone through whom you reached this contact, with their distance."""
    return _reachable(user_id, contact_id, max_depth, upward=True)


def descendants(user_id: int, contact_id: int, max_depth: int = MAX_DEPTH) -> dict[int, int]:
    """Everyone this contact led you to, directly or through others."""
    return _reachable(user_id, contact_id, max_depth, upward=False)


class Chain(list):
    """One way you reached a contact, [first link, …, contact] (ids or Contacts), and
    how it begins (`start`): with someone you knew already (nobody referred them:
    `YOU`, "You → Sara → John"), or with someone who was referred to you themselves,
    whose route back was not followed: every referrer of theirs is on the chain
    already (`LOOP`: Ann referred you to Ben and Ben to Ann) or it goes back further
    than the depth cap (`FAR`). The last two must not read "You → …": you did not
    know that first person already. A list still, as the walk's answers always were."""

    YOU, LOOP, FAR = "you", "loop", "far"

    def __init__(self, people: Iterable = (), start: str = YOU) -> None:
        super().__init__(people)
        self.start = start

    @classmethod
    def walked(cls, people: Iterable, first_referred: bool, max_depth: int = MAX_DEPTH) -> Chain:
        """A chain as the chain walk found it (chains_to's, chains_to_organization's),
        and how it begins: the walk ends a chain at someone nobody referred, at someone
        whose every referrer is on it already, or at the depth cap; which one follows
        from whether its first person was referred to you, and its length."""
        people = list(people)
        if not first_referred:
            return cls(people, cls.YOU)
        return cls(people, cls.FAR if len(people) > max_depth else cls.LOOP)

    def named(self, people: dict[int, Contact]) -> Chain:
        """The same chain with each id replaced by its person from `people`."""
        return Chain([people[pk] for pk in self], self.start)


def chains_to(
    user_id: int, contact_id: int, max_depth: int = MAX_DEPTH, limit: int = MAX_CHAINS
) -> list[Chain]:
    """Every way you reached this contact, each as [first link, …, contact].

    A chain grows backwards from the contact through its referrers, never
    visiting a contact twice, until it reaches someone nobody referred (a
    contact you knew already: the chain starts there), someone whose every referrer
    is on the chain already (a loop), or the depth cap. Shortest chains first.

    A chain that ran into a loop does not say how you reached the contact (Sara named
    John, John named Alan, and later Alan named John: "You → Alan → John" is not how
    you met John), so it is shown only when no chain starts with someone you knew
    (everyone above the contact is on loops).
    """
    # A chain holds each of its people once, and each of them is an ancestor of the
    # contact within the depth cap: no chain is longer than the contact has ancestors.
    # Walking only that many steps gives the same chains, and spares PostgreSQL the
    # planning of twelve steps where most contacts need two or three (2.5 ms of it).
    # The ancestors' walk goes one step past the cap: whether a chain cut at the cap
    # begins with someone referred to you is then known too (`Chain.start`).
    above, referred = _above(user_id, contact_id, max_depth + 1)
    steps = min(max_depth, above)
    if not steps:
        return []
    seed = "SELECT CAST(%s AS BIGINT) AS id, 0 AS grp"
    chains = _chains(
        seed, [contact_id], user_id, steps, limit, cap=max_depth, referred=referred
    ).get(0, [])
    return [Chain.walked(chain, chain[0] in referred, max_depth) for chain in chains]


def _above(user_id: int, contact_id: int, max_depth: int) -> tuple[int, set[int]]:
    """How many ancestors the contact has within the depth cap, and which of them (and
    the contact) have a referrer: those the walk went on above, which is everyone
    closer than the cap. One walk, as ancestors()'s, that keeps each referral's
    referred person."""
    rows = _fetch(
        f"""
        WITH RECURSIVE walk(contact_id, below, depth) AS (
            SELECT referrer_id, referred_id, 1 FROM {TABLE}
            WHERE user_id = %s AND referred_id = %s
            UNION
            SELECT r.referrer_id, r.referred_id, walk.depth + 1
            FROM {TABLE} r JOIN walk ON r.referred_id = walk.contact_id
            WHERE r.user_id = %s AND walk.depth < %s
        )
        SELECT contact_id, 0 FROM walk WHERE contact_id <> %s
        UNION
        SELECT below, 1 FROM walk
        """,
        [user_id, contact_id, user_id, max_depth, contact_id],
    )
    return sum(1 for _, kind in rows if kind == 0), {pk for pk, kind in rows if kind == 1}


def chains_to_organization(
    user_id: int, organization_id: int, max_depth: int = MAX_DEPTH, limit: int = MAX_CHAINS
) -> list[list[int]]:
    """chains_to for everyone at an organization at once (one query): every way you
    reached someone who works there, shortest first, as ids. How each begins
    (`Chain.walked`) needs whether its first person was referred to you, which the
    caller reads with the people (jobs/reach.py)."""
    return chains_to_organizations(user_id, [organization_id], max_depth, limit).get(
        organization_id, []
    )


def chains_to_organizations(
    user_id: int, organization_ids: list[int], max_depth: int = MAX_DEPTH,
    limit: int = MAX_CHAINS,
) -> dict[int, list[list[int]]]:
    """chains_to_organization for many organizations in one query: {organization id:
    its chains, shortest first, at most `limit` each}; an organization no chain
    reaches is absent."""
    organization_ids = list(organization_ids)
    if not organization_ids:
        return {}
    marks = ", ".join(["%s"] * len(organization_ids))
    people = (
        f"SELECT id, organization_id AS grp FROM {CONTACTS} "
        f"WHERE user_id = %s AND organization_id IN ({marks})"
    )
    return _chains(people, [user_id, *organization_ids], user_id, max_depth, limit)


def _chains(
    seed: str, seed_params: list, user_id: int, max_depth: int, limit: int,
    cap: int | None = None, referred: Collection[int] | None = None,
) -> dict[int, list[list[int]]]:
    """The chain walk of chains_to, from every contact the `seed` query selects (`id`),
    grouped by the seed's `grp`: {grp: chains, shortest first, at most `limit` each}.

    One query, one step of the walk per CTE (`step1` … `step<max_depth>`), so that each
    step can rank what it found: a step keeps the first `limit` chains that end there
    and follows only the first FRONTIER chains that go on (per group, in the order
    chains are listed). A network with fewer than FRONTIER open chains per step gets
    every chain, as a full walk would; a denser one (hundreds of thousands of paths
    twelve deep) costs at most FRONTIER rows a step instead of every path.

    A group stops walking once `limit` of its chains have ended (`ended`, counted over
    the steps so far): chains are listed shortest first, so a longer one found later
    would never be shown. The target companies' ten organizations, whose 25 chains
    each end within five steps, walked all twelve before (PostgreSQL 38-46 ms, by
    EXPLAIN ANALYZE; 15-16 when walked six).

    A chain ends (`done`) in one of two ways: 1, at someone nobody referred or at the
    depth cap (`cap`, max_depth when not given: a walk of fewer steps than the cap
    still tells the two apart at its last); 2, at someone whose every referrer is on
    the chain already (a loop). A group's chains of the second kind are left out when
    it has any of the first (chains_to says why), and do not count as ended.
    `referred`, when given, holds everyone the walk can meet who has a referrer (but
    those it can meet only at the cap).
    """
    cap = max_depth if cap is None else cap
    not_on_path = "{path} NOT LIKE '%%,' || CAST({id} AS TEXT) || ',%%'"
    steps = [
        f"""step0(grp, head, path, done, place, ended) AS (
            SELECT CAST(seed.grp AS BIGINT), CAST(seed.id AS BIGINT),
                   ',' || CAST(seed.id AS TEXT) || ',', 0, 1, 0
            FROM ({seed}) seed
        )"""
    ]
    params = list(seed_params)
    for depth in range(1, max_depth + 1):
        path = "p.path || CAST(r.referrer_id AS TEXT) || ','"
        if depth == cap:
            done = "1"
        else:
            # 0: the chain goes on (a referrer of the head is off it); else 2 (a loop)
            # when the head has referrers, 1 when nobody referred them. Whether a head
            # has referrers comes as a list when the caller knows it (chains_to: one
            # plan fewer for PostgreSQL to make a step), else from a second subquery.
            if referred is None:
                has_referrers = f"""EXISTS (
                    SELECT 1 FROM {TABLE} up
                    WHERE up.user_id = %s AND up.referred_id = r.referrer_id
                )"""
                referred_params = [user_id]
            else:
                has_referrers, referred_params = _among("r.referrer_id", referred)
            done = f"""CASE WHEN EXISTS (
                SELECT 1 FROM {TABLE} up
                WHERE up.user_id = %s AND up.referred_id = r.referrer_id
                  AND {not_on_path.format(path=path, id="up.referrer_id")}
            ) THEN {0 if depth < max_depth else 1} WHEN {has_referrers} THEN 2 ELSE 1 END"""
            params += [user_id, *referred_params]
        steps.append(
            f"""step{depth}(grp, head, path, done, place, ended) AS (
            SELECT grp, head, path, done,
                   ROW_NUMBER() OVER (PARTITION BY grp, done ORDER BY path),
                   ended + SUM(CASE WHEN done = 1 THEN 1 ELSE 0 END) OVER (PARTITION BY grp)
            FROM (
                SELECT p.grp, r.referrer_id AS head, {path} AS path, {done} AS done,
                       p.ended
                FROM step{depth - 1} p JOIN {TABLE} r ON r.referred_id = p.head
                WHERE p.done = 0 AND p.place <= %s AND p.ended < %s AND r.user_id = %s
                  AND {not_on_path.format(path="p.path", id="r.referrer_id")}
            ) found
        )"""
        )
        params += [FRONTIER, limit, user_id]
    ends = " UNION ALL ".join(
        f"SELECT grp, path, {depth} AS depth, done FROM step{depth} WHERE done > 0 AND place <= %s"
        for depth in range(1, max_depth + 1)
    )
    params += [limit] * max_depth + [limit]
    rows = _fetch(
        f"""
        WITH {", ".join(steps)}, ends AS (
            SELECT grp, path, depth, ROW_NUMBER() OVER (
                PARTITION BY grp ORDER BY depth, path
            ) AS place
            FROM (
                SELECT grp, path, depth, done, MIN(done) OVER (PARTITION BY grp) AS best
                FROM ({ends}) found
            ) kinds
            WHERE done = best
        )
        SELECT grp, path FROM ends WHERE place <= %s ORDER BY grp, depth, path
        """,
        params,
    )
    chains: dict[int, list[list[int]]] = {}
    for grp, path in rows:
        chains.setdefault(grp, []).append([int(i) for i in reversed(path.strip(",").split(","))])
    return chains


def loop_closed_by(user_id: int, referrer_id: int, referred_id: int) -> list[int]:
    """The loop a referral closes: whom it refers you to led you back, directly or
    through others, to whoever gave it (Sara named John; John, or someone John led you
    to, had named Sara). [referrer, referred, …, referrer] along the fewest referrals;
    [] when it closes none (within the depth cap). One query, `_edges_below` from the
    person referred, whose walk leaves out the referrals into them (this one too)."""
    by_referrer: dict[int, list[int]] = {}
    for _, referrer, referred in _edges_below(user_id, referred_id, MAX_DEPTH):
        by_referrer.setdefault(referrer, []).append(referred)
    came_from = {referred_id: referred_id}
    frontier = [referred_id]
    while frontier and referrer_id not in came_from:
        next_frontier = []
        for person in frontier:
            for other in by_referrer.get(person, []):
                if other not in came_from:
                    came_from[other] = person
                    next_frontier.append(other)
        frontier = next_frontier
    if referrer_id not in came_from:
        return []
    back = [referrer_id]  # from the referrer back up to the person referred
    while back[-1] != referred_id:
        back.append(came_from[back[-1]])
    return [referrer_id, *reversed(back)]


def loops_closed_by(user_id: int, referrals: Iterable[Referral]) -> list[list[Contact]]:
    """loop_closed_by for each of these referrals, each loop with its people (one query
    a referral, and one more for the names when some loop is closed)."""
    loops = [
        loop for referral in referrals
        if (loop := loop_closed_by(user_id, referral.referrer_id, referral.referred_id))
    ]
    if not loops:
        return []
    people = Contact.objects.filter(user_id=user_id).in_bulk({pk for loop in loops for pk in loop})
    return [[people[pk] for pk in loop] for loop in loops]


# For pages: the same answers with the people filled in, in a fixed number of queries.


@dataclass
class TreeNode:
    """One person in the tree of whom a contact led you to."""

    contact: Contact
    referral: Referral
    children: list[TreeNode] = field(default_factory=list)
    more: int = 0  # people placed under them in the tree, not shown


@dataclass
class LedTo:
    """The tree of whom a contact led you to, as much of it as a page shows."""

    nodes: list[TreeNode]  # the people they referred directly, those shown
    reached: int  # everyone they led you to, directly or through others
    direct: int  # the people they referred directly
    more: int  # of those, the ones not shown


def named_chains(user_id: int, contact: Contact) -> list[Chain]:
    """chains_to with each id replaced by its Contact (one more query)."""
    chains = chains_to(user_id, contact.pk)
    ids = sorted({pk for chain in chains for pk in chain})
    people = {person.pk: person for person in _PEOPLE(user_id, ids)} if ids else {}
    return [chain.named(people) for chain in chains]


# The people of chains and trees by id, built and compiled once a connection for each
# number of ids (netcrm/lib/prepared.py).
_PEOPLE = Prepared(lambda user_id, ids: (
    Contact.objects.filter(user_id=user_id, pk__in=ids).select_related("organization").order_by()
), "chains: their people")
_REFERRED = Prepared(lambda ids: (
    Referral.objects.select_related("referred", "referred__organization")
    .filter(pk__in=ids).order_by()
), "a tree: its referrals")


LED_TO_CHILDREN = 10  # people shown under each person of the tree
LED_TO_SHOWN = 100  # people shown in the whole tree


def led_to(
    user_id: int, contact: Contact, children: int = LED_TO_CHILDREN, shown: int = LED_TO_SHOWN
) -> LedTo:
    """The tree of people this contact led you to, at most `children` under each person
    and `shown` in all (breadth-first), each saying how many more sit under them.

    Someone reached along two routes appears once, under the first referrer met
    breadth-first; the walk stops at the depth cap like `descendants`. Two queries
    whatever the size of the tree: the walk with the referrals between the people it
    reached (ids only), and the shown ones with their people.
    """
    edges = _edges_below(user_id, contact.pk, MAX_DEPTH)
    reached = {referred_id for _, _, referred_id in edges}
    if not reached:
        return LedTo([], 0, 0, 0)
    by_referrer: dict[int, list[tuple[int, int]]] = {}
    for pk, referrer_id, referred_id in edges:
        by_referrer.setdefault(referrer_id, []).append((pk, referred_id))
    # Place everyone under their first referrer met breadth-first…
    placed_under: dict[int, list[tuple[int, int]]] = {}
    placed = {contact.pk}
    frontier = [contact.pk]
    while frontier:
        next_frontier = []
        for referrer_id in frontier:
            for pk, referred_id in by_referrer.get(referrer_id, []):
                if referred_id in placed:
                    continue
                placed.add(referred_id)
                placed_under.setdefault(referrer_id, []).append((pk, referred_id))
                next_frontier.append(referred_id)
        frontier = next_frontier
    # …then show the first few under each, breadth-first, until `shown` are.
    chosen: list[tuple[int | None, int, int]] = []  # (parent, referral pk, person)
    budget = shown
    frontier = [contact.pk]
    while frontier and budget:
        next_frontier = []
        for parent in frontier:
            for pk, person in placed_under.get(parent, [])[: min(children, budget)]:
                chosen.append((parent, pk, person))
                next_frontier.append(person)
                budget -= 1
            if not budget:
                break
        frontier = next_frontier
    referrals = {referral.pk: referral for referral in _REFERRED([pk for _, pk, _ in chosen])}
    nodes: dict[int, TreeNode] = {}
    top = TreeNode(contact, None)  # type: ignore[arg-type]
    nodes[contact.pk] = top
    for parent, pk, person in chosen:
        node = TreeNode(referrals[pk].referred, referrals[pk])
        nodes[parent].children.append(node)
        nodes[person] = node
    for person, node in nodes.items():
        node.more = len(placed_under.get(person, [])) - len(node.children)
    direct = len(placed_under.get(contact.pk, []))
    return LedTo(top.children, len(reached), direct, top.more)
