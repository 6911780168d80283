"""Generations of a user's data: a token that changes whenever a row the user sees
changes, so a page rendered from those rows can be kept under it and served again
until then.

Every SQL statement goes through `watch_writes` (a database execute wrapper, put on
each connection as it opens). One that is not a SELECT and names a watched table
(`watch(Model, ...)`) changes a generation once it has run, and again once its
transaction commits (the second closes the gap in which a page could be rendered
from the rows before the commit but kept under the new token):

- the user's, when the code writing acts for one user: a signed-in user's request
  (`WriterMiddleware`) or a task that says so (`acting_for(user_id)`);
- otherwise the global one, which every key also names (the worker's sweep, the
  admin site, a management command, a signup: anything that may write for anyone).

Nothing that writes needs to remember the cache: bulk updates, cascades, raw SQL and
many-to-many changes are all statements. Tokens are random, not counters, and live
in Redis (the "generations" cache), shared by every process; one that is missing
(Redis restarted) is made afresh, so no page kept before can be served under it. When
Redis cannot be reached, `current()` says so and pages are rendered without the cache.
Writes made outside netcrm (psql), or while Redis could not be reached, show once the
kept page expires (`PAGE_TIMEOUT`). After Redis fails, it is left alone for
`BACK_OFF` seconds: a write never waits on it twice in a row.

A part of the data (`watch(..., part="panel")`) has generations of its own besides:
a write to one of its tables changes both the whole's token and the part's, a write
to any other watched table the whole's alone. A page shows several parts kept apart
(the dashboard's queue, and the panel beside it that no follow-up changes), so a
Done re-renders the queue alone.
"""

from __future__ import annotations

import contextvars
import functools
import logging
import re
import secrets
import time
from contextlib import contextmanager

from django.core.cache import caches
from django.db import transaction
from django.db.backends.signals import connection_created

logger = logging.getLogger(__name__)

CACHE = "generations"
GLOBAL = "all"
# The part of a user's data beside the dashboard's queue: their people, organizations,
# meetings, referrals, goals and settings (home/apps.py says which tables).
PANEL = "panel"
BACK_OFF = 5.0
PAGE_TIMEOUT = 300  # the longest a write made outside netcrm (or while Redis was down) goes unseen

_writer: contextvars.ContextVar[int | None] = contextvars.ContextVar("writer", default=None)
_tables: set[str] = set()
_pattern: re.Pattern | None = None
_parts: dict[str, set[str]] = {}  # a part's name: its tables
_part_patterns: dict[str, re.Pattern] = {}
_down_until = 0.0  # time.monotonic() before which Redis is not tried again


def _tables_pattern(tables) -> re.Pattern:
    return re.compile(r"\b(?:" + "|".join(sorted(map(re.escape, tables))) + r")\b")


def watch(*models, part: str | None = None, whole: bool = True) -> None:
    """Writes to these models' tables change generations: the whole's, and `part`'s
    when one is named (with whole=False, `part`'s alone: a part no page shows, such
    as the signed-in user in accounts/identity.py)."""
    global _pattern
    tables = {model._meta.db_table for model in models}
    if whole:
        _tables.update(tables)
        _pattern = _tables_pattern(_tables)
    if part:
        _parts.setdefault(part, set()).update(tables)
        _part_patterns[part] = _tables_pattern(_parts[part])


def _key(scope) -> str:
    return f"generation:{scope}"


def _reachable() -> bool:
    return time.monotonic() >= _down_until


def failed(what: str, error: Exception) -> None:
    """Redis failed `what`: logged, and left alone for BACK_OFF seconds."""
    global _down_until
    _down_until = time.monotonic() + BACK_OFF
    logger.warning("generations: Redis cannot be reached (%s: %s); pages rendered afresh "
                   "for %s s", what, error, BACK_OFF)


def _part(scope, part: str | None):
    return scope if part is None else f"{scope}:{part}"


def current(user_id: int, part: str | None = None) -> tuple[str, str] | None:
    """(the user's token, the global token), of the whole or of `part`, or None when
    Redis cannot be reached."""
    return current_and(user_id, part)[0]


def current_and(user_id: int, part: str | None, *keys: str) -> tuple[tuple[str, str] | None, dict]:
    """current(), and the entries of the generations cache under `keys`, read in the
    same round trip to Redis: (None, {}) when it cannot be reached."""
    if not _reachable():
        return None, {}
    cache = caches[CACHE]
    scopes = [_key(_part(user_id, part)), _key(_part(GLOBAL, part))]
    try:
        found = cache.get_many([*scopes, *keys])
        for key in scopes:
            if key not in found:  # never written, or Redis lost it: a fresh one
                cache.add(key, secrets.token_hex(8), timeout=None)
        if any(key not in found for key in scopes):
            found |= cache.get_many(scopes)
        return (found[scopes[0]], found[scopes[1]]), {k: found[k] for k in keys if k in found}
    except Exception as error:  # noqa: BLE001 - no cache then, never a failed page
        failed("reading", error)
        return None, {}


def guarded(what: str, call, default=None):
    """`call()`'s answer, or `default` when Redis cannot be reached (then left alone
    for BACK_OFF seconds, as every use of it here)."""
    if not _reachable():
        return default
    try:
        return call()
    except Exception as error:  # noqa: BLE001 - Redis is a cache here, never a failure
        failed(what, error)
        return default


def kept(key: str):
    """The entry of the generations cache under `key`, or None (also when Redis cannot
    be reached)."""
    return guarded(f"reading {key}", lambda: caches[CACHE].get(key))


def keep(key: str, value, timeout: float) -> None:
    """`value` in the generations cache under `key` (nothing when Redis cannot be
    reached)."""
    guarded(f"keeping {key}", lambda: caches[CACHE].set(key, value, timeout=timeout))


def kept_in_process(user_id: int, part: str | None, name: str, compute, holds=None):
    """compute()'s answer, kept in this process's "pages" cache under the generation of
    the user's data (or of its `part`) until it changes, PAGE_TIMEOUT at most, and while
    `holds(answer)` says so when given; computed afresh every time Redis cannot be
    reached."""
    tokens = current(user_id, part)  # before compute() reads the rows
    key = f"{name}:{user_id}:{part}:{tokens[0]}:{tokens[1]}" if tokens else None
    answer = caches["pages"].get(key) if key else None
    if answer is None or (holds is not None and not holds(answer)):
        answer = compute()
        if key:
            caches["pages"].set(key, answer, timeout=PAGE_TIMEOUT)
    return answer


def bump(*scopes) -> None:
    """A new token for each of `scopes` (a user id, GLOBAL, or either with a part)."""
    if not _reachable():
        return  # the write stands; a page kept elsewhere may lag up to PAGE_TIMEOUT
    try:
        caches[CACHE].set_many({_key(s): secrets.token_hex(8) for s in scopes}, timeout=None)
    except Exception as error:  # noqa: BLE001 - as above
        failed(f"changing {', '.join(map(str, scopes))}'s generation", error)


def _bump_on_commit(written, connection) -> None:
    """Once more when the transaction commits (outside one, the statement has)."""
    if not connection.in_atomic_block:
        return
    # One callback a transaction, for every scope it writes. Django replaces its list
    # of callbacks when it commits or rolls back: a new list, a new callback.
    hooks, scopes = connection.__dict__.get("generation_hooks", (None, None))
    if hooks is not connection.run_on_commit:
        scopes = set()

        def after_commit():
            bump(*scopes)

        after_commit.generation_scopes = scopes
        transaction.on_commit(after_commit, using=connection.alias)
        connection.generation_hooks = (connection.run_on_commit, scopes)
    scopes.update(written)


WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE", "MERGE")  # not SELECT, not DDL
WRITE_IN_CTE = re.compile(r"\b(?:INSERT|UPDATE|DELETE|MERGE)\b", re.IGNORECASE)


@functools.lru_cache(maxsize=1024)
def writes(sql: str) -> bool:
    """Whether `sql` writes. Kept by its text: the referral walks' WITH queries are some
    4 KB, searched for a write in 85 us; the same few texts run again and again."""
    start = sql.lstrip()[:7].upper()
    # WITH ... SELECT reads (the referral walks); WITH ... UPDATE writes.
    return start.startswith(WRITES) or (start.startswith("WITH") and bool(WRITE_IN_CTE.search(sql)))


def watch_writes(execute, sql, params, many, context):
    result = execute(sql, params, many, context)
    if _part_patterns or _pattern is not None:
        if writes(sql):
            whole = _pattern is not None and _pattern.search(sql)
            parts = [part for part, pattern in _part_patterns.items() if pattern.search(sql)]
            if whole or parts:
                scope = _writer.get()
                scope = GLOBAL if scope is None else scope
                scopes = ([scope] if whole else []) + [_part(scope, part) for part in parts]
                bump(*scopes)
                _bump_on_commit(scopes, context["connection"])
    return result


def _install(sender, connection, **kwargs) -> None:
    if watch_writes not in connection.execute_wrappers:
        connection.execute_wrappers.append(watch_writes)


connection_created.connect(_install, dispatch_uid="netcrm-generations")


@contextmanager
def acting_for(user_id: int | None):
    """Writes in this block are `user_id`'s alone (None: anyone's)."""
    reset = _writer.set(user_id)
    try:
        yield
    finally:
        _writer.reset(reset)


class WriterMiddleware:
    """A signed-in user's request writes that user's rows (ownership is checked on
    every view); staff, who can use the admin site, and anonymous requests may write
    anyone's."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        writer = user.pk if user.is_authenticated and not user.is_staff else None
        with acting_for(writer):
            return self.get_response(request)
