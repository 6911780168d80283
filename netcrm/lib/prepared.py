"""Querysets built and compiled once, then run again with other values (issue 11).

Under load, building a queryset (`filter`, `select_related`, `annotate`…) and compiling
it to SQL took a third of the web's CPU: more than PostgreSQL took to run the queries.
A page asks the same few queries each time, with other ids in them. `Prepared` builds
one the first time it is asked on a connection, keeps its SQL and compiler, and the next
time puts the new values in the SQL's parameters: the rows come back through Django's
own iterables, as model instances with their `select_related` and annotations, and its
`prefetch_related` lookups run as usual.

    CONTACT = Prepared(lambda user_id, pk: Contact.objects.filter(user_id=user_id, pk=pk)
                       .select_related("organization"))
    contact = CONTACT.first(request.user.pk, pk)

- **Values** (positional) are what changes from one call to the next: ints, strings,
  dates and datetimes, or a list of those (`pk__in`; its length is part of the shape).
  **Shape** (keyword) is what changes the SQL itself: an ordering, a flag, a slice's
  offset, a value that may be None. Each shape is built once a connection.
- Where each value lands in the parameters is found by building the query three times,
  with the values and with two others made from them, and reading which parameters
  moved. A value the query uses transformed (`icontains` wraps it in `%`; SQLite stores
  datetimes as text) is not found: that shape is then built each time, as Django does,
  and so is a call whose values can't be used (None, an int beyond 32 bits, an empty
  list).
- `build` must make its query from its arguments alone: a `timezone.now()` inside it
  would be frozen in the kept SQL. With `NETCRM_PREPARED_VERIFY` (on in the test
  suite) every call is also built and compiled afresh and must give the same SQL and
  parameters, and a shape that can't be prepared raises: the whole suite checks them.
- What comes back can be read, not refined: `.filter()` or `.count()` on it raise.

The idea is django-prepared-queries' (rutube, last released for Django < 2.2, through
RawQuerySet, so without select_related); this keeps Django's compiler and iterables.
"""

from __future__ import annotations

import copy
import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import QuerySet

INT_RANGE = range(-(2**31), 2**31)  # what every integer column takes
KEPT_SHAPES = 64  # shapes kept a connection for each prepared query (offsets vary)


class Unpreparable(Exception):
    """This shape's values can't be told apart in its parameters."""


class PreparedMismatch(AssertionError):
    """Verify mode: the kept SQL with these values is not what Django builds."""


def _moved(value, attempt: int, slot: int):
    """`value` made different for the `attempt`-th trial build (1 or 2), distinctly for
    each `slot`, keeping its type (and an int inside 32 bits)."""
    if isinstance(value, bool):
        raise Unpreparable("a bool is shape, not a value")
    if isinstance(value, int):
        return value + (7919 if attempt == 1 else 104729) * (slot + 1)
    if isinstance(value, str):
        return f"{value}\u2060{attempt}.{slot}"
    if isinstance(value, datetime.datetime):
        return value + datetime.timedelta(days=13 * attempt + slot, microseconds=slot + 1)
    if isinstance(value, datetime.date):
        return value + datetime.timedelta(days=(13 if attempt == 1 else 29) * (slot + 1))
    raise Unpreparable(f"a {type(value).__name__} can't be told apart")


def _usable(value) -> bool:
    if value is None or isinstance(value, bool):
        return False
    if isinstance(value, int):
        return value in INT_RANGE
    return isinstance(value, (str, datetime.date))


def _flat(values: tuple) -> list:
    flat = []
    for value in values:
        if isinstance(value, (list, tuple)):
            flat.extend(value)
        else:
            flat.append(value)
    return flat


def _refill(values: tuple, flat: list) -> tuple:
    """`values` with their scalars taken in turn from `flat` (lists kept lists)."""
    taken = iter(flat)
    return tuple(
        [next(taken) for _ in value] if isinstance(value, (list, tuple)) else next(taken)
        for value in values
    )


def _written(value, adapt):
    """`value` as `adapt` writes it (None: as it is); a value it does not take is not
    written by it."""
    if adapt is None:
        return value
    is_datetime = isinstance(value, datetime.datetime)
    if adapt.__name__ == "adapt_datetimefield_value" and not is_datetime:
        return _NOT_WRITTEN
    if adapt.__name__ == "adapt_datefield_value" and (
        is_datetime or not isinstance(value, datetime.date)
    ):
        return _NOT_WRITTEN
    return adapt(value)


_NOT_WRITTEN = object()


def _compiled(queryset: QuerySet, using: str):
    compiler = queryset.query.get_compiler(using=using)
    sql, params = compiler.as_sql()
    return compiler, sql, list(params)


class _Ran:
    """The kept query as Django's iterables ask it: its compiler, with this call's
    parameters, and what it selects. Any other method (chaining, counting, exists)
    would run the kept query with the first call's values: it refuses."""

    __slots__ = ("_compiler", "_query")

    def __init__(self, query, compiler):
        self._query = query
        self._compiler = compiler

    def get_compiler(self, using=None, connection=None, elide_empty=True):
        return self._compiler

    def __getattr__(self, name):
        value = getattr(self._query, name)
        if callable(value) and not isinstance(value, type):
            raise TypeError(
                f"a prepared query is read as it is (its {name}() was asked): "
                "build another to refine, count or test it"
            )
        return value


@dataclass(frozen=True, slots=True)
class _Kept:
    queryset: QuerySet | None  # None: this shape is built each time
    compiler: object = None
    sql: str = ""
    params: tuple = ()
    # (parameter's position, value's slot, how the backend writes it or None)
    slots: tuple[tuple[int, int, Callable | None], ...] = ()

    def run(self, values: tuple) -> QuerySet:
        flat = _flat(values)
        params = list(self.params)
        for position, slot, adapt in self.slots:
            params[position] = flat[slot] if adapt is None else adapt(flat[slot])
        compiler = copy.copy(self.compiler)
        sql = self.sql
        compiler.as_sql = lambda *args, **kwargs: (sql, params)
        queryset = QuerySet.__new__(type(self.queryset))
        queryset.__dict__.update(self.queryset.__dict__)
        queryset._query = _Ran(self.queryset.query, compiler)
        return queryset


class Prepared:
    """A query built by `build(*values, **shape)`, compiled once a connection and shape."""

    def __init__(self, build: Callable[..., QuerySet], name: str | None = None,
                 using: str = DEFAULT_DB_ALIAS):
        self.build = build
        self.name = name or getattr(build, "__qualname__", repr(build))
        self.using = using

    def __repr__(self) -> str:
        return f"<Prepared {self.name}>"

    def __call__(self, *values, **shape) -> list:
        """The rows, as a list."""
        return list(self.queryset(*values, **shape))

    def first(self, *values, **shape):
        """The first row, or None."""
        rows = self.queryset(*values, **shape)
        for row in rows:
            return row
        return None

    def queryset(self, *values, **shape) -> QuerySet:
        """The rows, unevaluated: iterate, test or take its length; never refine."""
        verify = getattr(settings, "NETCRM_PREPARED_VERIFY", False)
        if not all(map(_usable, _flat(values))) or any(
            isinstance(value, (list, tuple)) and not value for value in values
        ):  # None, an int beyond 32 bits, an empty list (Django asks nothing for it)
            return self.build(*values, **shape)
        kept = self._kept(values, shape, verify)
        if kept.queryset is None:
            return self.build(*values, **shape)
        queryset = kept.run(values)
        if verify:
            self._verify(queryset, values, shape)
        return queryset

    def _kept(self, values: tuple, shape: dict, verify: bool) -> _Kept:
        key = (
            tuple(sorted(shape.items())),
            tuple(len(v) if isinstance(v, (list, tuple)) else -1 for v in values),
        )
        # One cache a connection: gunicorn's threads each have theirs, and a compiler
        # holds its connection.
        connection = connections[self.using]
        cache = connection.__dict__.setdefault("_netcrm_prepared", {})
        mine = cache.setdefault(self, {})
        kept = mine.get(key)
        if kept is None:
            try:
                kept = self._prepare(self.build(*values, **shape), values, shape)
            except Unpreparable:
                if verify:
                    raise
                kept = _Kept(None)
            if len(mine) >= KEPT_SHAPES:
                mine.pop(next(iter(mine)))
            mine[key] = kept
        return kept

    def _prepare(self, fresh: QuerySet, values: tuple, shape: dict) -> _Kept:
        if fresh._known_related_objects:
            # A related manager's queryset carries the instance it came from, which
            # would be set on every later call's rows.
            raise Unpreparable(
                f"{self.name}: build from the model's manager, not a related one"
            )
        try:
            compiler, sql, params = _compiled(fresh, self.using)
        except EmptyResultSet as empty:
            raise Unpreparable(f"{self.name}: these values give no query") from empty
        flat = _flat(values)
        trials = []  # (the values moved, the parameters they gave), twice
        for attempt in (1, 2):
            moved = [_moved(value, attempt, slot) for slot, value in enumerate(flat)]
            try:
                _, other_sql, other_params = _compiled(
                    self.build(*_refill(values, moved), **shape), self.using
                )
            except EmptyResultSet as empty:
                raise Unpreparable(f"{self.name}: other values give no query") from empty
            if other_sql != sql or len(other_params) != len(params):
                raise Unpreparable(
                    f"{self.name}: the values change the SQL itself: make them shape"
                )
            trials.append((moved, other_params))
        (second_values, second), (third_values, third) = trials
        # As the backend writes a value in its parameters: SQLite's datetimes are text.
        ops = connections[self.using].ops
        as_written = (None, ops.adapt_datetimefield_value, ops.adapt_datefield_value)
        slots = []
        for position, (a, b, c) in enumerate(zip(params, second, third, strict=True)):
            if a == b == c and type(a) is type(b) is type(c):
                continue  # a constant of the query
            found = [
                (slot, adapt) for slot in range(len(flat)) for adapt in as_written
                if _written(flat[slot], adapt) == a
                and type(_written(flat[slot], adapt)) is type(a)
                and _written(second_values[slot], adapt) == b
                and _written(third_values[slot], adapt) == c
            ]
            if len({slot for slot, _ in found}) != 1:
                raise Unpreparable(
                    f"{self.name}: parameter {position} ({a!r}) is no value given as it is"
                )
            slots.append((position, *found[0]))
        return _Kept(fresh, compiler, sql, tuple(params), tuple(slots))

    def _verify(self, queryset: QuerySet, values: tuple, shape: dict) -> None:
        _, sql, params = _compiled(self.build(*values, **shape), self.using)
        kept_sql, kept_params = queryset._query._compiler.as_sql()
        if (sql, params) != (kept_sql, kept_params) or any(
            type(a) is not type(b) for a, b in zip(params, kept_params, strict=True)
        ):
            raise PreparedMismatch(
                f"{self.name}: kept {kept_sql!r} {kept_params!r}, built {sql!r} {params!r}"
            )


class PreparedMany:
    """A many-to-many of many instances (a page's meetings' people) read by one prepared
    query and kept where prefetch_related keeps it: `meeting.contacts.all()`, `.count()`
    and the templates' loops read it, with no query. prefetch_related built a query
    for the relation and then, for each instance, a manager and a filtered queryset
    (what `.filter()` on it would need): a fifth of the meetings list's CPU.

    `rows(ids)` gives the related objects of the instances whose ids are `ids`, in the
    order each instance's are to be listed, each with `owner` (an annotation) saying
    whose it is. What is kept can be read, not refined: `.filter()` on it raises."""

    def __init__(self, name: str, rows: Prepared, owner: str = "_owner"):
        self.name = name
        self.rows = rows
        self.owner = owner

    def __call__(self, instances) -> None:
        instances = list(instances)
        if not instances:
            return
        by_owner: dict[int, list] = {}
        for row in self.rows(sorted({instance.pk for instance in instances})):
            by_owner.setdefault(getattr(row, self.owner), []).append(row)
        relation = getattr(type(instances[0]), self.name)  # a ManyToManyDescriptor
        target = relation.rel.related_model if relation.reverse else relation.rel.model
        template = target._default_manager.all()
        refused = _Ran(template.query, None)
        for instance in instances:
            kept = QuerySet.__new__(type(template))
            kept.__dict__.update(template.__dict__)
            kept._query = refused
            kept._result_cache = by_owner.get(instance.pk, [])
            kept._prefetch_done = True
            instance.__dict__.setdefault("_prefetched_objects_cache", {})[self.name] = kept


__all__ = ["Prepared", "PreparedMany", "PreparedMismatch", "Unpreparable"]
