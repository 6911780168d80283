"""Django's PostgreSQL backend, whose health check costs no round trip.

With CONN_HEALTH_CHECKS, Django checks a kept connection before a request's first
query with a `SELECT 1`: one round trip to PostgreSQL on every request, which under
load costs about what a small query does (issue 11). Between two requests the server
has nothing to say to a connection unless it is ending it: a restart, a
`pg_terminate_backend`, an idle timeout all send their FATAL error and close the
socket. So a kept connection is usable when it is open, idle, and its socket has
nothing to read; anything else, and Django opens a new one.
"""

from __future__ import annotations

import select

from django.db.backends.postgresql import base
from psycopg import pq


USABLE = (pq.TransactionStatus.IDLE, pq.TransactionStatus.INTRANS)


class DatabaseWrapper(base.DatabaseWrapper):
    def is_usable(self):
        connection = self.connection
        if connection is None or connection.closed:
            return False
        if connection.info.transaction_status not in USABLE:
            return False  # a failed transaction, a query under way, a broken connection
        try:
            readable, _, _ = select.select([connection.fileno()], [], [], 0)
        except (OSError, ValueError):
            return False
        return not readable
