"""A full backup of one user's data as one JSON file, and its restore into an empty account.

What is backed up is found, not listed: every model with a foreign key or one-to-one
to the user (an `OwnedModel`, the Profile, the weekly goals), every model whose rows
hang off such a model without a user of their own (a child, a custom through table),
their many-to-many links and their tags, minus the few in LEFT_OUT (each says why).
So an app added later is backed up without touching this file, and
tests/portability/test_backup.py fails if a model holding a user's data is in neither.

The file:

    {"format": "netcrm-backup", "version": 1, "exported_at": "…",
     "data": {"contacts.contact": [{"pk": 7, "fields": {…, "tags": ["data"]}}, …], …}}

Rows are Django's "python" serialization of each model with the user's foreign keys
left out (the restoring account is the owner) and tags added. Restoring inserts
every row anew (new primary keys), parents before children, and rewrites each
foreign key, many-to-many link and generic relation between the user's rows from the
old key to the new one. Rows are inserted raw, as `loaddata` saves them, but a
batch at a time (BATCH rows an INSERT): no signal creates anything extra, and
timestamps (created, updated) keep the values in the file. It all happens in one
transaction: it all comes back, or nothing does.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Iterator
from datetime import datetime, time
from itertools import islice
from typing import Any, NamedTuple

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.core.exceptions import ValidationError
from django.core.serializers.base import DeserializationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DatabaseError, connection, models, transaction
from django.utils import timezone
from taggit.managers import TaggableManager
from taggit.models import Tag, TaggedItem

from meetings.services import SUGGESTED_QUESTIONS
from netcrm.lib.forms import EARLIEST, LATEST, MAX_TAGS, TAG_LENGTH, check_date_range
from netcrm.lib.text import CONTROL_CHARACTERS

FORMAT = "netcrm-backup"
VERSION = 1

# Models that hold a user's rows but are not backed up, and why.
LEFT_OUT = {
    "accounts.submission": "a create form's guard against double taps: it means nothing "
    "in another account",
    "followups.digestlog": "when each morning digest went out: the account restored into "
    "keeps its own",
    "followups.problem": "a follow-up the engine could not make, by the old ids: the "
    "sweep finds it again",
    "trash.trashentry": "deleted rows kept under their old ids, which a restore cannot "
    "rewrite: restore from the Trash, or let it empty, before backing up",
    "portability.calendarfeed": "the secret address of the calendar feed: make a new one "
    "in the new account",
    "portability.restore": "a backup uploaded to restore, and how that went: the file "
    "itself is the backup",
    "portability.departure": "an account its owner deleted, on its way out",
    "admin.logentry": "what a staff account did in the admin site: not the account's own "
    "data, and nothing a restore should let anyone write",
    "api.apitoken": "a key to the account: it dies with it, and one restored would open "
    "the new account to whoever held the old one; make new tokens in the new account "
    "(a backup made before 2 December 2026 holds them: they are skipped)",
}

# Rows a new account starts with that do not make it "not empty": the question
# library it was given (meetings.services.add_suggested_questions). A restore
# replaces them with the library in the file.
STARTER_ROWS = {
    "meetings.questiontemplate": lambda queryset: queryset.filter(text__in=SUGGESTED_QUESTIONS),
}


class BackupError(Exception):
    """The file cannot be restored here; the message says why, in a person's words."""


# --- What is owned -------------------------------------------------------------------


def user_fields(model: type[models.Model]) -> list[models.Field]:
    """The model's foreign keys and one-to-ones to the user model."""
    user_model = get_user_model()
    return [
        f for f in model._meta.concrete_fields
        if f.is_relation and f.related_model is user_model
    ]


def _relations(model: type[models.Model]) -> list[models.ForeignKey]:
    return [
        f for f in model._meta.concrete_fields
        if f.is_relation and f.related_model is not None and f.related_model is not model
    ]


def all_owned_models() -> list[type[models.Model]]:
    """Every model that holds a user's rows (LEFT_OUT included): a relation to the
    user, or (a child) a relation to such a model and none to the user."""
    user_model = get_user_model()
    candidates = [
        m for m in apps.get_models()
        if m is not user_model and not m._meta.proxy and m._meta.managed
    ]
    owned = [m for m in candidates if user_fields(m)]
    grew = True
    while grew:
        grew = False
        for model in candidates:
            if model in owned or model is TaggedItem:
                continue  # taggit's links are the tags of the rows they point at
            if any(f.related_model in owned and not f.null for f in _relations(model)):
                owned.append(model)
                grew = True
    return owned


def owned_models() -> list[type[models.Model]]:
    """The models a backup holds, every one after the models its foreign keys name
    (where foreign keys go round in a circle, a nullable one is set afterwards)."""
    models_ = [m for m in all_owned_models() if m._meta.label_lower not in LEFT_OUT]
    ordered: list[type[models.Model]] = []
    for strict in (True, False):
        remaining = [m for m in models_ if m not in ordered]
        progress = True
        while remaining and progress:
            progress = False
            for model in list(remaining):
                needs = {
                    f.related_model for f in _relations(model)
                    if f.related_model in models_ and (strict or not f.null)
                }
                if needs <= set(ordered):
                    ordered.append(model)
                    remaining.remove(model)
                    progress = True
        if not remaining:
            break
    return ordered + [m for m in models_ if m not in ordered]


def owned_rows(model: type[models.Model], user, parents: dict) -> models.QuerySet:
    """The user's rows of `model`, given the querysets of the models before it."""
    manager = model._base_manager
    direct = user_fields(model)
    if direct:
        return manager.filter(**{direct[0].name: user})
    condition = models.Q(pk__in=[])
    for f in _relations(model):
        if f.related_model in parents:
            condition |= models.Q(**{f"{f.name}__in": parents[f.related_model].values("pk")})
    return manager.filter(condition)


def self_relations(model: type[models.Model]) -> list[models.ForeignKey]:
    """Foreign keys from a model to itself (a row that names another of its kind)."""
    return [f for f in model._meta.concrete_fields if f.is_relation and f.related_model is model]


def _m2m_fields(model: type[models.Model]) -> list[models.ManyToManyField]:
    """Many-to-many fields whose links live in an auto-made table (a custom through
    model is a child model and backed up as one)."""
    return [
        f for f in model._meta.local_many_to_many
        if not isinstance(f, TaggableManager) and f.remote_field.through._meta.auto_created
    ]


def _tag_fields(model: type[models.Model]) -> list[TaggableManager]:
    return [f for f in model._meta.many_to_many if isinstance(f, TaggableManager)]


# --- Export --------------------------------------------------------------------------


class BackupEncoder(DjangoJSONEncoder):
    """DjangoJSONEncoder, but times keep their microseconds (it cuts them to
    milliseconds), so a restored row is exactly the row that was backed up."""

    def default(self, o: Any) -> Any:
        if isinstance(o, (datetime, time)):
            return o.isoformat()
        return super().default(o)


CHUNK = 2000  # rows read and serialized at a time


def _rows(model: type[models.Model], user, parents: dict) -> Iterator[list[dict]]:
    """The backup's rows of `model`, CHUNK at a time, given the querysets of the
    models before it (`parents`, which this adds `model`'s to)."""
    queryset = owned_rows(model, user, parents)
    parents[model] = queryset
    prefetch = [f.name for f in _m2m_fields(model) + _tag_fields(model)]
    dropped = {f.name for f in user_fields(model)}
    # Every field but the user's: the file leaves those out, and serializing them by
    # natural key read the user again for each row (the heavy user's backup: 160,000
    # queries, 127 s).
    kept = [
        f.name for f in model._meta.concrete_fields
        if not f.primary_key and f.name not in dropped
    ] + prefetch
    tags = _tags_by_pk(model, queryset)
    objects = queryset.order_by("pk").prefetch_related(*prefetch).iterator(chunk_size=CHUNK)
    while chunk := list(islice(objects, CHUNK)):
        rows = serializers.serialize(
            "python", chunk, fields=kept, use_natural_foreign_keys=True
        )
        yield [
            {
                "pk": row["pk"],
                "fields": {
                    **{k: v for k, v in row["fields"].items() if k not in dropped},
                    **{name: tags.get((name, row["pk"]), []) for name in tags.names},
                },
            }
            for row in rows
        ]


def _head(now: datetime | None) -> dict:
    """What the file says before its data."""
    return {"format": FORMAT, "version": VERSION, "exported_at": now or timezone.now()}


def export_backup(user, now: datetime | None = None) -> dict:
    """Everything `user` owns, as the backup's dictionary (see the module's docstring)."""
    parents: dict = {}
    data = {
        model._meta.label_lower: [
            row for chunk in _rows(model, user, parents) for row in chunk
        ]
        for model in owned_models()
    }
    return _head(now) | {"data": data}


class _Tags(dict):
    names: list[str]


def _tags_by_pk(model, queryset) -> _Tags:
    """{(tag field name, pk): [tag names, alphabetically]} for the rows of `queryset`."""
    tags = _Tags()
    tags.names = [f.name for f in _tag_fields(model)]
    if tags.names:
        links = TaggedItem.objects.filter(
            content_type=ContentType.objects.get_for_model(model),
            object_id__in=queryset.values("pk"),
        ).values_list("object_id", "tag__name").order_by("object_id", "tag__name")
        for pk, name in links:
            for field_name in tags.names:  # netcrm models carry one tag field
                tags.setdefault((field_name, pk), []).append(name)
    return tags


def dumps(backup: dict) -> str:
    return json.dumps(backup, cls=BackupEncoder, ensure_ascii=False, indent=1)


def _nested(value, depth: int) -> str:
    """`value` as dumps() writes it `depth` levels deep (a JSON string holds no line
    break of its own: each is one of the layout's)."""
    return dumps(value).replace("\n", "\n" + " " * depth)


def backup_text(user, now: datetime | None = None) -> Iterator[str]:
    """dumps(export_backup(user, now)), the same text, in pieces of CHUNK rows: the
    heavy user's 160,000 rows held some 500 MB at once as one dictionary and one string,
    and the download waited for all of it before its first byte."""
    yield "{\n" + "".join(f" {_nested(k, 1)}: {_nested(v, 1)},\n" for k, v in _head(now).items())
    yield ' "data": {'
    parents: dict = {}
    for n, model in enumerate(owned_models()):
        yield ("\n" if n == 0 else ",\n") + f"  {_nested(model._meta.label_lower, 2)}: ["
        empty = True
        for chunk in _rows(model, user, parents):
            yield ("" if empty else ",") + ",".join(f"\n   {_nested(row, 3)}" for row in chunk)
            empty = False
        yield "]" if empty else "\n  ]"
    yield "\n }\n}"


def backup_json(user) -> str:
    return "".join(backup_text(user))


# --- Restore -------------------------------------------------------------------------


# What a person calls some rows (others go by their model's verbose name).
PLURALS = {
    "followups.followup": ("follow-up", "follow-ups"),
    "reciprocity.inboundrequest": ("request for help", "requests for help"),
    "meetings.questiontemplate": ("question in your library", "questions in your library"),
    "jobs.leadmove": ("move of a lead (its history)", "moves of leads (their history)"),
}


def name_of(model: type[models.Model], count: int) -> str:
    one, many = PLURALS.get(
        model._meta.label_lower,
        (str(model._meta.verbose_name), str(model._meta.verbose_name_plural)),
    )
    return one if count == 1 else many


def counts(user) -> Counter:
    """How many rows of each backed-up model `user` has, by name ("3 follow-ups")."""
    found: Counter = Counter()
    parents: dict = {}
    for model in owned_models():
        queryset = owned_rows(model, user, parents)
        parents[model] = queryset
        if not _is_single(model):
            count = queryset.count()
            found[name_of(model, count)] = count
    return +found


def _is_single(model: type[models.Model]) -> bool:
    """One row per user (the Profile, the weekly goals): settings, not content."""
    return any(f.unique for f in user_fields(model))


def is_empty(user) -> bool:
    """Nothing of the user's own yet: no rows but their settings and the question
    library a new account starts with."""
    parents: dict = {}
    for model in owned_models():
        queryset = owned_rows(model, user, parents)
        parents[model] = queryset
        if _is_single(model):
            continue
        starter = STARTER_ROWS.get(model._meta.label_lower)
        if (queryset.exclude(pk__in=starter(queryset).values("pk")) if starter else queryset).exists():
            return False
    return True


def must_be_empty(user) -> None:
    """BackupError, saying why, unless `user`'s account is empty (`is_empty`)."""
    if not is_empty(user):
        raise BackupError(
            "This account has data of its own already. A backup is restored into an "
            "empty account: sign up for a new one and restore there."
        )


NOT_A_BACKUP = (
    "This is not a netcrm backup (a backup is the .json file that "
    "“Download a full backup” gives)."
)


def parse(raw: bytes | str) -> dict:
    """The backup in `raw`, checked for shape; BackupError says what is wrong."""
    if isinstance(raw, bytes):
        try:
            raw = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise BackupError("This is not a netcrm backup: it is not a text (JSON) file.")
    try:
        backup = json.loads(raw)
    except (ValueError, RecursionError):
        raise BackupError("This is not a netcrm backup: it is not valid JSON.")
    if not isinstance(backup, dict) or backup.get("format") != FORMAT:
        raise BackupError(NOT_A_BACKUP)
    if backup.get("version") != VERSION:
        raise BackupError(
            f"This backup is of version {json.dumps(backup.get('version'))[:20]}; this netcrm "
            f"restores version {VERSION}."
        )
    data = backup.get("data")
    if not isinstance(data, dict):
        raise BackupError("This backup is damaged: it holds no data.")
    for label in LEFT_OUT:  # an older backup may hold what is now left out
        data.pop(label, None)
    known = {m._meta.label_lower for m in owned_models()}
    unknown = sorted(set(data) - known)
    if unknown:
        raise BackupError(
            f"This backup holds {str(unknown[0])[:60]}, which this netcrm does not know: "
            "it may come from a newer version."
        )
    for label, rows in data.items():
        if not isinstance(rows, list) or not all(
            isinstance(row, dict) and isinstance(row.get("fields"), dict)
            and _is_key(row.get("pk"))
            for row in rows
        ):
            raise BackupError(f"This backup is damaged: the rows of {label} are malformed.")
        if len({row["pk"] for row in rows}) != len(rows):
            raise BackupError(f"This backup is damaged: {label} has a row twice.")
    return backup


def a(noun) -> str:
    """The noun with its article: "a contact", "an organization"."""
    noun = str(noun)
    return f"{'an' if noun[:1].lower() in 'aeiou' else 'a'} {noun}"


def _is_key(value) -> bool:
    return isinstance(value, (int, str)) and not isinstance(value, bool) and len(str(value)) <= 40


BATCH = 500  # rows a restore inserts in one statement


class _Pending(NamedTuple):
    """A row made from the file, waiting for its batch's INSERT."""

    instance: models.Model
    old: Any  # its key in the file
    deferred: list[tuple[str, Any]]  # nullable links to rows later in the file
    m2m: dict
    tag_names: dict


class _Restorer:
    """One restore: rows in, and the map from each model's old keys to new ones."""

    def __init__(self, user, data: dict):
        self.user, self.data = user, data
        self.models = owned_models()
        self.labels = {m._meta.label_lower: m for m in self.models}
        self.new_pk: dict[type[models.Model], dict[Any, Any]] = defaultdict(dict)
        self.later: list[tuple[type[models.Model], Any, str, Any]] = []  # nullable links
        self.links: list[tuple[models.ManyToManyField, Any, list]] = []
        self.tags: list[tuple[type[models.Model], Any, list]] = []
        # Rows made but not yet inserted (all of one model): an INSERT a batch, not a row.
        self.pending: list[_Pending] = []
        self.pending_keys: set = set()
        self.restored: Counter = Counter()
        self.now = timezone.now()
        self.left_out = set(all_owned_models()) - set(self.models)

    def run(self) -> Counter:
        self.clear_starter_rows()
        for model in self.models:
            for row in self.data.get(model._meta.label_lower, []):
                self.insert(model, row)
            self.flush()
        self.link_later()
        self.link_many_to_many()
        self.tag()
        self.rekey()
        return self.restored

    def rekey(self) -> None:
        """Keys a row holds inside its own values (an import's JSON: the contacts it
        made, what Undo takes back) made the new rows' keys, by the model's `rekey`:
        the rows of every model are in by now."""
        def new_key(label: str, old):
            """The new key of the row `old` named (a number, or its text as a JSON
            object's key), None for one the file does not hold."""
            try:
                return self.new_pk[self.labels[label]].get(int(old))
            except (TypeError, ValueError):
                return None

        for model in self.models:
            if not hasattr(model, "rekey") or not self.new_pk[model]:
                continue
            rows = list(model._base_manager.filter(pk__in=self.new_pk[model].values()))
            try:
                for row in rows:
                    row.rekey(new_key)
            except (AttributeError, TypeError, ValueError, KeyError) as error:
                raise self.damaged(model, error) from error
            model._base_manager.bulk_update(rows, model.REKEYED, batch_size=BATCH)

    def link_later(self) -> None:
        """The links to rows that came later in the file, now that they are in: an
        UPDATE a batch of them, not one a row."""
        by_link: dict[tuple[type[models.Model], str], list[models.Model]] = defaultdict(list)
        for model, pk, name, old in self.later:
            f = model._meta.get_field(name)
            by_link[model, name].append(
                model(pk=pk, **{f.attname: self.mapped(f, old)})
            )
        for (model, name), rows in by_link.items():
            model._base_manager.bulk_update(rows, [name], batch_size=BATCH)

    def clear_starter_rows(self) -> None:
        for model in self.models:
            if _is_single(model) and self.data.get(model._meta.label_lower):
                model._base_manager.filter(**{user_fields(model)[0].name: self.user}).delete()
            starter = STARTER_ROWS.get(model._meta.label_lower)
            if starter and model._meta.label_lower in self.data:
                starter(owned_rows(model, self.user, {})).delete()

    def mapped(self, f: models.Field, old):
        """The new key of the row the link `f` held as `old` in the file."""
        if old is None:
            return None
        try:
            return self.new_pk[f.related_model][old]
        except (KeyError, TypeError):
            raise BackupError(
                f"This backup is damaged: {a(f.model._meta.verbose_name)}'s {f.verbose_name} "
                f"points to {a(f.related_model._meta.verbose_name)} that is not in it."
            ) from None

    def insert(self, model: type[models.Model], row: dict) -> None:
        label = model._meta.label_lower
        fields = dict(row["fields"])
        for f in user_fields(model):
            fields[f.name] = self.user.pk
        for f in model._meta.concrete_fields:
            if f.name not in fields and (getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)):
                fields[f.name] = self.now  # a file that lacks it: as if saved now
        deferred = []
        for f in _relations(model) + self_relations(model):
            if f.name not in fields:
                continue
            if f.related_model in self.left_out and f.null:
                fields[f.name] = None  # a link to a row no backup holds (the Trash…)
                continue
            if f.related_model not in self.labels.values():
                continue
            old = fields[f.name]
            self.settle(f.related_model, old)
            if f.null and _is_key(old) and old not in self.new_pk[f.related_model]:
                # A row later in the file (a circle of links): linked once it is in.
                fields[f.name] = None
                deferred.append((f.name, old))
                continue
            fields[f.name] = self.mapped(f, old)
        m2m = {}
        for f in _m2m_fields(model):
            if f.name in fields:
                m2m[f] = fields.pop(f.name)
        tag_names = {}
        for f in _tag_fields(model):
            if f.name in fields:
                tag_names[f] = fields.pop(f.name)
        try:
            (obj,) = serializers.deserialize(
                "python", [{"model": label, "pk": None, "fields": fields}],
                ignorenonexistent=True, handle_forward_references=False,
            )
            instance = obj.object
            self.check(instance)
            self.fix_generic_relations(instance)
        except BackupError:
            raise
        except (
            DeserializationError, DatabaseError, ValueError, TypeError, LookupError, OverflowError,
        ) as error:
            raise self.damaged(model, error) from error
        for f, values in m2m.items():
            if not isinstance(values, list) or not all(_is_key(v) for v in values):
                raise BackupError(
                    f"This backup is damaged: {label}.{f.name} is not a list of links."
                )
        self.pending.append(_Pending(instance, row["pk"], deferred, m2m, tag_names))
        self.pending_keys.add(row["pk"])
        if len(self.pending) >= BATCH:
            self.flush()

    @staticmethod
    def damaged(model: type[models.Model], error: Exception) -> BackupError:
        return BackupError(
            f"This backup is damaged: a row of {model._meta.verbose_name_plural} "
            f"cannot be restored ({str(error)[:200]})."
        )

    def settle(self, target: type[models.Model], old) -> None:
        """A row waiting to be inserted that another row names: in first, for its key."""
        if (self.pending and type(self.pending[0].instance) is target and _is_key(old)
                and old in self.pending_keys):
            self.flush()

    def flush(self) -> None:
        """Insert the rows waiting, raw (as `save_base(raw=True)` does, each field's
        value as it is: created and updated times kept), in one statement a batch."""
        if not self.pending:
            return
        pending, self.pending, self.pending_keys = self.pending, [], set()
        model = type(pending[0].instance)
        meta = model._meta
        objs = [p.instance for p in pending]
        fields = [
            f for f in meta.local_concrete_fields if f is not meta.auto_field and not f.generated
        ]
        returning = meta.db_returning_fields
        size = max(1, min(BATCH, connection.ops.bulk_batch_size(fields, objs)))
        keys = []
        try:
            for start in range(0, len(objs), size):
                # The manager's `_insert` is how Model.save_base inserts a row; given
                # many, it inserts them in one statement and returns their new keys.
                keys += model._base_manager._insert(
                    objs[start:start + size], fields, returning_fields=returning, raw=True
                )
        except (DatabaseError, ValueError, TypeError, OverflowError) as error:
            raise self.damaged(model, error) from error
        label = meta.label_lower
        for p, values in zip(pending, keys, strict=True):
            for f, value in zip(returning, values, strict=True):
                setattr(p.instance, f.attname, value)
            p.instance._state.adding = False
            pk = p.instance.pk
            self.new_pk[model][p.old] = pk
            self.later += [(model, pk, name, old) for name, old in p.deferred]
            self.links += [(f, pk, values) for f, values in p.m2m.items()]
            self.tags += [(model, pk, names) for names in p.tag_names.values()]
            self.restored[label] += 1

    def check(self, instance: models.Model) -> None:
        """What a database may refuse (PostgreSQL) or silently keep (SQLite): text
        too long for its column, control characters; and what pages would fail on: a
        value no choice of its field names, or its own validators refuse (a timezone
        nobody knows, an hour 99), a date outside the years the forms take, a name
        left empty."""
        name = instance._meta.verbose_name
        for f in instance._meta.concrete_fields:
            value = getattr(instance, f.attname)
            try:
                check_date_range(value)  # the forms' own check
            except ValidationError:
                raise BackupError(
                    f"This backup is damaged: {a(name)}'s {f.verbose_name} is in the year "
                    f"{value.year}, outside {EARLIEST.year}–{LATEST.year}."
                ) from None
            if value not in f.empty_values:
                for validator in f._validators:
                    try:
                        validator(value)
                    except ValidationError:
                        raise BackupError(
                            f"This backup is damaged: {a(name)}'s {f.verbose_name} is "
                            f"{str(value)[:40]!r}, which netcrm does not take."
                        ) from None
            elif (isinstance(f, models.CharField) and not f.blank and not f.has_default()
                  and not f.choices):
                raise BackupError(f"This backup is damaged: {a(name)} has no {f.verbose_name}.")
            if f.choices and not (f.blank and value in f.empty_values) and value not in {
                key for key, _ in f.flatchoices
            }:
                raise BackupError(
                    f"This backup holds {a(name)} whose "
                    f"{f.verbose_name} is {str(value)[:40]!r}, which this netcrm does not "
                    "know: it may come from a newer version."
                )
            if isinstance(value, str):
                if f.max_length and len(value) > f.max_length:
                    raise BackupError(
                        f"This backup is damaged: {a(name)}'s "
                        f"{f.verbose_name} is longer than {f.max_length} characters."
                    )
                if "\x00" in value:
                    raise BackupError(
                        f"This backup is damaged: {a(name)}'s "
                        f"{f.verbose_name} holds a NUL character."
                    )

    def fix_generic_relations(self, instance: models.Model) -> None:
        """A generic relation to one of the user's rows points to its new key."""
        for gfk in instance._meta.private_fields:
            if not isinstance(gfk, GenericForeignKey):
                continue
            content_type = getattr(instance, gfk.ct_field)
            target = content_type.model_class() if content_type else None
            if target in self.new_pk or target in self.labels.values():
                old = getattr(instance, gfk.fk_field)
                self.settle(target, old)
                new = self.new_pk[target].get(old) or self.new_pk[target].get(str(old))
                if new is None:
                    raise BackupError(
                        f"This backup is damaged: {a(instance._meta.verbose_name)} points to "
                        f"{a(target._meta.verbose_name)} that is not in it."
                    )
                setattr(instance, gfk.fk_field, new)

    def link_many_to_many(self) -> None:
        by_field: dict[models.ManyToManyField, list] = defaultdict(list)
        for f, pk, values in self.links:
            through = f.remote_field.through
            source = f.m2m_field_name() + "_id"
            target = f.m2m_reverse_field_name() + "_id"
            for old in dict.fromkeys(values):
                by_field[f].append(through(**{
                    source: pk,
                    target: self.mapped(f, old),
                }))
        for f, rows in by_field.items():
            f.remote_field.through.objects.bulk_create(rows, batch_size=500)

    def tag(self) -> None:
        if not all(
            isinstance(tag_names, list) and all(isinstance(n, str) for n in tag_names)
            for _, _, tag_names in self.tags
        ):
            raise BackupError("This backup is damaged: tags that are not a list of names.")
        names = {name for _, _, tag_names in self.tags for name in tag_names}
        if not names:
            return
        for name in names:
            if not isinstance(name, str) or len(name) > TAG_LENGTH or CONTROL_CHARACTERS.search(name):
                raise BackupError("This backup is damaged: a tag cannot be restored.")
        if any(len(tag_names) > MAX_TAGS for _, _, tag_names in self.tags):
            raise BackupError(f"This backup is damaged: a row has more than {MAX_TAGS} tags.")
        tags = {t.name: t for t in Tag.objects.filter(name__in=names)}
        for name in sorted(names - tags.keys()):
            tags[name] = Tag.objects.get_or_create(name=name)[0]  # makes a unique slug
        TaggedItem.objects.bulk_create(
            (
                TaggedItem(
                    tag=tags[name], object_id=pk,
                    content_type=ContentType.objects.get_for_model(model),
                )
                for model, pk, tag_names in self.tags
                for name in dict.fromkeys(tag_names)
            ),
            batch_size=500,
        )


def restore_backup(user, raw: bytes | str | dict) -> Counter:
    """Restore the backup in `raw` into `user`'s account, which must be empty; returns
    how many rows of each model came back. BackupError (nothing written) says why not."""
    backup = raw if isinstance(raw, dict) else parse(raw)
    with transaction.atomic():
        get_user_model().objects.select_for_update().filter(pk=user.pk).first()
        must_be_empty(user)
        return _Restorer(user, backup["data"]).run()


# What a summary names first; the rest follow in the order they were restored.
SAID_FIRST = [
    "contacts.organization", "contacts.contact", "meetings.meeting", "referrals.referral",
    "jobs.lead", "followups.followup",
]


def describe(restored: Counter) -> str:
    """"12 contacts, 3 meetings and 1,040 follow ups"."""
    parts = []
    models = owned_models()
    first = {label: n for n, label in enumerate(SAID_FIRST)}
    models = sorted(models, key=lambda m: first.get(m._meta.label_lower, len(first)))
    for model in models:
        count = restored.get(model._meta.label_lower)
        if count and not _is_single(model):
            parts.append(f"{count:,} {name_of(model, count)}")
    if not parts:
        return "your settings"
    return parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} and {parts[-1]}"


def backup_filename(user, extension: str) -> str:
    day = timezone.localdate().isoformat()
    name = "".join(c for c in user.get_username() if c.isalnum() or c in "-_.")[:40] or "user"
    return f"netcrm-{name}-{day}.{extension}"

