"""What the query planner is given: statistics for SQLite (PostgreSQL gathers its own),
and `Among`, a few ids found first.

SQLite plans a query from the statistics ANALYZE leaves in `sqlite_stat1`; without
them it guesses that every table is large and every index narrows it to a handful of
rows. Django never runs ANALYZE, so a SQLite install never had any, and on a big
network those guesses chose the wrong loops: the heavy user's events page read all
5,000 of their meetings again for each of 60 events (2.7 s), insights took 1.5 s and
the targets page 1.3 s; with statistics, 22, 77 and 65 ms (issue 11, bench/README.md).

So beat refreshes them when it starts and then hourly (`refresh_planner_statistics`),
and so do an import once it has made its contacts (imports/tasks.py) and a restored
backup (portability/views.py): thousands of new rows would leave the statistics far
behind until the next hour.

A full ANALYZE reads every index once (about 40 ms at 20,000 contacts) and writes only
`sqlite_stat1`; in WAL mode pages go on reading meanwhile. A sample is no cheaper way:
with `PRAGMA analysis_limit=400` the statistics said a user has some 220 meetings (the
heavy one has 5,000), and the events page took 2.6 s again. Empty tables get no
statistics, so a fresh install plans as before until its first data.

PostgreSQL's autovacuum analyzes each table as it changes (production keeps it on):
nothing to do there.
"""

from __future__ import annotations

import time

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import BooleanField, F, Func, QuerySet, Subquery


def refresh(using: str = DEFAULT_DB_ALIAS) -> float | None:
    """ANALYZE a SQLite database; the seconds it took, or None on another database."""
    connection = connections[using]
    if connection.vendor != "sqlite":
        return None
    start = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return time.perf_counter() - start


class Among(Func):
    """`Among("pk", ids)`, a filter: the column is one of the ids the queryset `ids` (one
    column) selects, which are to be found first; for a few recent rows, say, that a
    costly test then narrows down.

    On PostgreSQL, `column = ANY(ARRAY(subquery))`: the ids are read once, before the
    rest, and the planner expects a handful. Written as `IN (subquery)`, it may plan
    the costly test for the whole table and join the ids to the result. The sweep's
    thank-yous did: `IN` read all 47,000 participants and 46,000 thank-yous of the
    picture of bench/README.md and merged them (15.8 ms, every minute), where the ids
    first probe the 404 meetings held lately (1.4 ms). Elsewhere, `column IN (subquery)`.
    """

    output_field = BooleanField()

    def __init__(self, column: str, ids: QuerySet):
        super().__init__(F(column), Subquery(ids.order_by()))  # in any order

    def as_sql(self, compiler, connection, **extra):
        column, ids = self.get_source_expressions()
        column_sql, column_params = compiler.compile(column)
        ids_sql, ids_params = compiler.compile(ids)  # parenthesized
        params = (*column_params, *ids_params)
        if connection.vendor == "postgresql":
            return f"{column_sql} = ANY(ARRAY{ids_sql})", params
        return f"{column_sql} IN {ids_sql}", params
