"""What SQLite's planner statistics (`sqlite_stat1`) hold, for the tests of
netcrm/lib/planner.py and of those who refresh them."""

from __future__ import annotations

from django.db import connection

CONTACTS_BY_USER = "contacts_contact_user_id_cff1a837"  # the contacts' index on user


def analyzed_tables() -> set[str]:
    """The tables `sqlite_stat1` has statistics of (none before any ANALYZE)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE name = 'sqlite_stat1'")
        if cursor.fetchone() is None:
            return set()
        cursor.execute("SELECT DISTINCT tbl FROM sqlite_stat1")
        return {row[0] for row in cursor.fetchall()}


def rows_counted(index: str = CONTACTS_BY_USER) -> str | None:
    """How many rows the statistics say `index` holds, or None without statistics."""
    if not analyzed_tables():
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT stat FROM sqlite_stat1 WHERE idx = %s", [index])
        row = cursor.fetchone()
    return row and row[0].split()[0]


def forget_statistics() -> None:
    """As on a database nothing has analyzed (an earlier test, or beat's start in a
    stack another test ran, may have)."""
    if analyzed_tables():
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM sqlite_stat1")
            cursor.execute("ANALYZE sqlite_schema")  # the planner reloads what it holds
