"""Django's PostgreSQL backend, whose health check costs no round trip.

With CONN_HEALTH_CHECKS, Django checks a kept connection before a request's first
query with a `SELECT 1`: one round trip to PostgreSQL on every request, which under
load costs about what a small query does (issue 11). Between two requests the server
has nothing to say to a connection unless it is ending it: a restart, a
`pg_terminate_backend`, an idle timeout all send their FATAL error and close the
socket. So a kept connection is usable when it is open and idle, and what its socket
has to read, if anything, is no goodbye; else Django opens a new one.
"""

from __future__ import annotations

import select

import psycopg
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
            # poll(), not select(): a process with a thousand files open has socket
            # numbers select() cannot take.
            poller = select.poll()
            poller.register(connection.fileno(), select.POLLIN)
            if poller.poll(0):
                # What the server sent meanwhile: a notice or a parameter's new value
                # leaves the connection as it was; a goodbye, then the closed socket,
                # makes reading fail or leaves it broken.
                connection.pgconn.consume_input()
        except (OSError, ValueError, psycopg.Error):
            return False
        return connection.pgconn.status == pq.ConnStatus.OK
