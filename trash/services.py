"""Deleting into the Trash, and back.

Django's own deletion `Collector` (what the admin's confirmation page uses) finds
everything a delete takes with it: the cascade, the many-to-many links, the tags,
and the links it clears (SET_NULL) in rows that stay. Before deleting, those rows are
serialized with Django's serializers into one `TrashEntry`; restoring deserializes
them back with their own primary keys and sets the cleared links again, in one
transaction. Nothing of the app's models is named here: each app's delete view says
what the consequences are called (`phrases`).

A deletion that first changes rows that stay (a merge moves a contact's rows to the
one kept) also keeps those rows as they were and notes the rows it made
(`move_to_trash_changing`): restoring removes what it made and puts them back too,
but a field edited since the deletion keeps its edit (the rows as the deletion left
them, `changed_after`, tell which).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from typing import TypeVar
from uuid import UUID

from django.core import serializers
from django.db import IntegrityError, models, router, transaction
from django.db.models.deletion import Collector
from django.utils import timezone
from django.utils.text import Truncator

from trash.models import LABEL_LENGTH, TrashEntry

T = TypeVar("T")


class CannotRestore(Exception):
    """What is in the Trash can't go back as it was; the message says why."""


@dataclass
class Collected:
    """What deleting `root` takes with it."""

    root: models.Model
    rows: list[models.Model] = field(default_factory=list)  # root first, parents before children
    unlinked: list[tuple[type[models.Model], str, object, object]] = field(default_factory=list)

    def counts(self) -> Counter[str]:
        """How many of each model go (the root aside) and, as "label.field", how many
        rows that stay lose a link."""
        counts = Counter(row._meta.label_lower for row in self.rows[1:])
        counts.update(f"{model._meta.label_lower}.{name}" for model, name, _, _ in self.unlinked)
        return counts


def collect(obj: models.Model, also: Sequence[models.Model] = ()) -> Collected:
    """What deleting `obj` (and `also`, more rows of any model) takes with it."""
    using = router.db_for_write(type(obj), instance=obj)
    collector = Collector(using=using, origin=obj)
    for rows in _grouped([obj, *also]).values():  # the collector takes one model a call
        collector.collect(rows)
    collector.sort()  # children before parents: the order of deleting
    rows: dict[tuple[str, object], models.Model] = {
        (root._meta.label_lower, root.pk): root for root in [obj, *also]
    }
    for model, instances in reversed(list(collector.data.items())):
        for row in sorted(instances, key=lambda row: row.pk):
            rows.setdefault((model._meta.label_lower, row.pk), row)
    for queryset in collector.fast_deletes:  # leaves: links, tags, follow-ups
        for row in queryset.order_by("pk"):
            rows.setdefault((row._meta.label_lower, row.pk), row)
    unlinked = []
    for (fk, _value), batches in collector.field_updates.items():
        for batch in batches:
            pairs = (
                batch.values_list("pk", fk.attname) if isinstance(batch, models.QuerySet)
                else [(row.pk, getattr(row, fk.attname)) for row in batch]
            )
            unlinked += [
                (fk.model, fk.name, pk, value) for pk, value in pairs
                if (fk.model._meta.label_lower, pk) not in rows
            ]
    return Collected(root=obj, rows=list(rows.values()), unlinked=unlinked)


def consequences(
    collected: Collected, name: str, phrases: dict[str, str | tuple[str, str]]
) -> list[str]:
    """What goes with it, in words. `phrases` maps a model label (or "label.field" for
    a cleared link) to a text with {count} and {name}, or to a pair of texts (one, many)."""
    counts = collected.counts()
    said = []
    for key, phrase in phrases.items():
        if count := counts[key]:
            one, many = phrase if isinstance(phrase, tuple) else (phrase, phrase)
            said.append((one if count == 1 else many).format(count=count, name=name))
    return said  # what no phrase names (a tag's link) is not worth saying, and is restored too


class _Exact(json.JSONEncoder):
    """Dates and times in full (Django's JSON encoder cuts microseconds: a restored row
    would differ from the one deleted)."""

    def default(self, value):
        if isinstance(value, (datetime, date, time)):
            return value.isoformat()
        if isinstance(value, (Decimal, UUID)):
            return str(value)
        return super().default(value)


def serialize(rows: list[models.Model]) -> list[dict]:
    """Each row as Django's serializers write it, its own fields only (many-to-many
    links travel as the link rows the collector found), JSON-ready."""
    out = []
    for row in rows:
        names = [f.name for f in row._meta.concrete_fields]
        out += serializers.serialize("python", [row], fields=names)
    return json.loads(json.dumps(out, cls=_Exact))


def move_to_trash(
    obj: models.Model, *, kind: str, label: str, summary: list[str] | None = None,
    now: datetime | None = None, also: Sequence[models.Model] = (),
) -> TrashEntry:
    """Delete `obj` and all that goes with it, keeping it all in one Trash entry;
    `also` are more rows, of any model, that go (and come back) with it. A row of
    `also` that links to another that goes (a contact to its organization) comes back
    with that link."""
    with transaction.atomic():
        collected = collect(obj, also)
        entry = TrashEntry.objects.create(
            user_id=obj.user_id, subject=obj._meta.label_lower, subject_id=obj.pk, kind=kind,
            label=Truncator(label).chars(LABEL_LENGTH), summary="\n".join(summary or []),
            rows=serialize(collected.rows),
            unlinked=[
                {"model": model._meta.label_lower, "field": name, "pk": pk, "value": value}
                for model, name, pk, value in collected.unlinked
            ],
            deleted_at=now or timezone.now(),
        )
        if also:
            for model, pks in _by_model([obj, *also]).items():
                model._base_manager.filter(pk__in=pks).delete()
        else:
            obj.delete()
    return entry


def move_to_trash_changing(
    obj: models.Model, *, keeps: models.Model, change: Callable[[], T], kind: str, label: str,
    summary: list[str] | None = None, now: datetime | None = None,
) -> tuple[TrashEntry, T]:
    """Run `change()`, which moves what it wants to keep of `obj` onto `keeps` (a
    merge), then delete `obj` with whatever is left of it: one Trash entry whose
    restore undoes it all. It keeps `obj`'s rows and `keeps`'s rows as they were
    before (the rows that link to `obj` and stay are kept as they were too), and
    notes the rows `change()` made for `keeps`. Returns the entry and what `change()`
    returned."""
    with transaction.atomic():
        gone, stays = collect(obj), collect(keeps)
        gone_keys = {_key(row) for row in gone.rows}
        linked = [
            row for model, _name, pk, _value in gone.unlinked
            for row in model._base_manager.filter(pk=pk)
        ]
        changed = [row for row in stays.rows if _key(row) not in gone_keys] + [
            row for row in linked if _key(row) not in gone_keys
        ]
        before = gone_keys | {_key(row) for row in changed}
        entry = TrashEntry(
            user_id=obj.user_id, subject=obj._meta.label_lower, subject_id=obj.pk, kind=kind,
            label=Truncator(label).chars(LABEL_LENGTH), summary="\n".join(summary or []),
            rows=serialize(gone.rows), changed=serialize(changed),
            deleted_at=now or timezone.now(),
        )
        result = change()
        type(obj)._base_manager.filter(pk=obj.pk).delete()
        entry.made = [
            {"model": label, "pk": pk} for label, pk in map(_key, collect(keeps).rows)
            if (label, pk) not in before
        ]
        entry.changed_after = serialize([
            row for model, pks in _by_model(changed).items()
            for row in model._base_manager.filter(pk__in=pks).order_by("pk")
        ])
        entry.save()
    return entry, result


def _key(row: models.Model) -> tuple[str, object]:
    return row._meta.label_lower, row.pk


def _grouped(rows: Sequence[models.Model]) -> dict[type[models.Model], list[models.Model]]:
    out: dict[type[models.Model], list[models.Model]] = {}
    for row in rows:
        out.setdefault(type(row), []).append(row)
    return out


def _by_model(rows: Sequence[models.Model]) -> dict[type[models.Model], list]:
    return {model: [row.pk for row in group] for model, group in _grouped(rows).items()}


def _keep_edits_since(before, after: dict | None) -> None:
    """A changed row goes back as it was before the deletion, but a field edited since
    (its value now is not the one the deletion left) keeps its edit."""
    if after is None:  # an entry made before changed_after was kept: all as before
        return
    obj = before.object
    current = type(obj)._base_manager.get(pk=obj.pk)
    (now,) = serialize([current])
    for name, value in now["fields"].items():
        if value != after["fields"].get(name, value):
            attname = obj._meta.get_field(name).attname
            setattr(obj, attname, getattr(current, attname))


def restore(entry: TrashEntry) -> None:
    """Put it all back as it was, with the same primary keys, or nothing (CannotRestore).
    A second restore of the same entry (a double tap) finds it gone: CannotRestore."""
    with transaction.atomic():
        if not TrashEntry.objects.filter(pk=entry.pk).delete()[0]:
            raise CannotRestore(f"{entry.label} is back already.")
        changed = list(serializers.deserialize("python", entry.changed, ignorenonexistent=True))
        if changed and not _exists(changed[0].object):
            raise CannotRestore(
                f"{entry.label} can't come back: {changed[0].object} is gone. "
                "Restore it from the Trash first."
            )
        for made in entry.made:  # what the deletion made goes first, out of the way
            _model(made["model"])._base_manager.filter(pk=made["pk"]).delete()
        objects = list(serializers.deserialize("python", entry.rows, ignorenonexistent=True))
        keep = _rows_whose_links_hold(objects)
        for deserialized in objects:
            if id(deserialized) not in keep:
                continue
            if getattr(deserialized.object, "trash_derived", False):
                # The engine derives these rows: if it has made an equal one since the
                # delete (a unique constraint says so), that one stands.
                try:
                    with transaction.atomic():
                        deserialized.save()
                except IntegrityError:
                    pass  # the engine has made its equal since: that one stands
                continue
            try:
                with transaction.atomic():
                    deserialized.save()
            except IntegrityError as error:
                raise CannotRestore(
                    f"{entry.label} can't come back as it was: something saved since "
                    f"takes its place ({deserialized.object._meta.verbose_name})."
                ) from error
        after = {(row["model"], row["pk"]): row for row in entry.changed_after}
        for deserialized in changed:  # as they were before; one deleted since stays gone
            if not _exists(deserialized.object):
                continue
            _keep_edits_since(deserialized, after.get(_key(deserialized.object)))
            try:
                with transaction.atomic():
                    deserialized.save()
            except IntegrityError as error:
                raise CannotRestore(
                    f"{entry.label} can't come back as it was: {deserialized.object} "
                    "has changed since in a way that stands in its way."
                ) from error
        for link in entry.unlinked:  # only where nothing has been linked since
            model = _model(link["model"])
            attname = model._meta.get_field(link["field"]).attname
            model._base_manager.filter(pk=link["pk"], **{f"{attname}__isnull": True}).update(
                **{attname: link["value"]}
            )


def _exists(obj: models.Model) -> bool:
    return type(obj)._base_manager.filter(pk=obj.pk).exists()


def _model(label: str) -> type[models.Model]:
    from django.apps import apps

    return apps.get_model(label)


def _rows_whose_links_hold(objects) -> set[int]:
    """The rows that can go back: a row that links to something deleted since (a
    contact now in the Trash on its own) goes back without that link when the link
    may be empty, and stays out when it may not (a meeting's link to that contact)."""
    coming = {(o.object._meta.label_lower, o.object.pk) for o in objects}
    wanted: dict[type[models.Model], set] = {}
    for o in objects:
        for fk in _links(o.object):
            value = getattr(o.object, fk.attname)
            target = fk.related_model
            if value is not None and (target._meta.label_lower, value) not in coming:
                wanted.setdefault(target, set()).add(value)
    existing = {
        (model, pk) for model, pks in wanted.items()
        for pk in model._base_manager.filter(pk__in=pks).values_list("pk", flat=True)
    }
    keep = set()
    for o in objects:
        holds = True
        for fk in _links(o.object):
            value = getattr(o.object, fk.attname)
            target = fk.related_model
            if value is None or (target._meta.label_lower, value) in coming or (target, value) in existing:
                continue
            if fk.null:
                setattr(o.object, fk.attname, None)
            else:
                holds = False
        if holds:
            keep.add(id(o))
    root_ok = id(objects[0]) in keep if objects else True
    if not root_ok:
        raise CannotRestore("what it belonged to is gone for good.")
    return keep


def _links(obj: models.Model):
    return [
        f for f in obj._meta.concrete_fields
        if f.many_to_one and f.related_model is not None and f.name != "user"
    ]


def purge(now: datetime | None = None) -> int:
    """Empty what has been in the Trash longer than TRASH_KEEP_DAYS."""
    return TrashEntry.objects.expired(now).delete()[0]
