"""The query planner's statistics: what SQLite must be given, PostgreSQL gathers itself.

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


def refresh(using: str = DEFAULT_DB_ALIAS) -> float | None:
    """ANALYZE a SQLite database; the seconds it took, or None on another database."""
    connection = connections[using]
    if connection.vendor != "sqlite":
        return None
    start = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return time.perf_counter() - start
