"""Importing a file of contacts: preview, import, undo.

Who is who comes from `contacts.identity` alone: a row is someone already in netcrm
(or an earlier row of the file) when it shares an email, a phone or a profile URL
with them (`Index.same`); a similar name at the same organization is only a question
for the user (`Index.similar`), and a name alone never merges anyone.

What a file adds to someone known fills what is empty and never overwrites what the
user typed; more emails, phones and addresses than the fields hold go into their
links. The import records what it created and what it filled, so "Undo this import"
can take exactly that back.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from rapidfuzz import fuzz
from taggit.models import Tag, TaggedItem

from netcrm.lib.http import whole_number
from contacts.identity import (
    Index, Key, Person, contact_keys, keys_of, normal_email, normal_phone, normal_url,
    name_key, names_agree, organization_key, shared_by_many,
)
from contacts.models import Contact, Organization, link_href
from imports.models import (
    CREATE, DUPLICATE, MATCH, NOT_IMPORTED, SIMILAR, SKIP, ImportBatch, Status,
)
from imports.parsers import Parsed, TooManyRows, read
from netcrm.lib.tasks import enqueue_on_commit
from netcrm.lib.text import plural
from trash.models import TrashEntry
from trash.services import move_to_trash

logger = logging.getLogger(__name__)

CHUNK = 500
PHONE_LENGTH = Contact._meta.get_field("phone").max_length
EMAIL_LENGTH = Contact._meta.get_field("email").max_length
TEXT_FIELDS = ("title", "email", "phone", "notes")


# --- The plan: what each row will do --------------------------------------------------


def region() -> str:
    return settings.NETCRM_PHONE_REGION


def record_keys(record: dict) -> set[Key]:
    return keys_of(record["emails"], record["phones"], record["urls"], region())


OWN_UID = re.compile(r"netcrm-contact-(\d{1,19})")


def own_export(record: dict, index: Index) -> Person | None:
    """The contact a vCard exported by netcrm names by its UID (see portability's
    vCard export), if it is this user's and still has that name: then it is the same
    person even with no email, phone or profile to match on."""
    uid = OWN_UID.fullmatch(record.get("uid") or "")
    person = index.get(int(uid.group(1))) if uid else None
    if person and name_key(person.name) == name_key(record["name"]):
        return person
    return None


def plan(records: list[dict], index: Index, decisions: dict | None = None,
         seen: list[dict] | None = None) -> list[dict]:
    """Each record's row: what it will do, and why. `index` holds the user's people
    and learns each row as it goes, so the file's own rows are matched too (a row is
    the Person -(k + 1), k its place in `seen`: this file's rows, after those of the
    files planned before it with the same index and list, in a dry run)."""
    decisions = decisions or {}
    rows: list[dict] = []
    seen = [] if seen is None else seen
    for n, record in enumerate(records):
        row = {"n": n, "line": record["line"], "record": record, "action": CREATE, "reason": "",
               "target": None, "target_name": "", "similar": [], "contact": None, "filled": []}
        rows.append(row)
        seen.append(row)
        if record["problem"]:
            row.update(action=SKIP, reason=record["problem"])
            continue
        keys = record_keys(record)
        if own := own_export(record, index):  # netcrm's own vCard, back again
            _same(row, seen, own, "the same contact, exported from netcrm")
            index.add_keys(own, keys)
            continue
        shared: list[tuple[Person, int]] = []
        if found := index.same(keys):
            person, key = found
            # A phone or a team's address is shared (a switchboard, jobs@): the one of
            # its people whose name may be this one's, and under two names with nothing
            # in common a question, as a similar name is.
            shared_key = shared_by_many(key)
            if shared_key:
                person = index.same_named(key, record["name"]) or person
            if not shared_key or names_agree(person.name, record["name"]):
                _same(row, seen, person, key.reason)
                index.add_keys(person, keys)
                continue
            shared = [(person, round(fuzz.token_sort_ratio(
                name_key(person.name), name_key(record["name"]))))]
            row["shared"] = key.reason
        similar = shared + [
            (p, score) for p, score in index.similar(record["name"], record["organization"])
            if not shared or p.id != shared[0][0].id
        ]
        if similar:
            row["similar"] = [
                {"id": p.id, "name": p.name, "organization": p.organization, "score": score}
                # How to tell two of one name apart; the one sharing a key, by the key.
                | ({"reason": row["shared"]} if (p, score) in shared
                   else {"known_by": p.known_by} if p.known_by else {})
                for p, score in similar
            ]
            # The very same name as someone at no organization while the other is at one
            # (Index.similar): each says where it is, not "at the same organization".
            row["apart"] = any(
                bool(organization_key(p.organization))
                != bool(organization_key(record["organization"]))
                for p, _ in similar
            )
            chosen = next((p for p, _ in similar if p.id == decisions.get(str(n))), None)
            if chosen is not None:
                _same(row, seen, chosen, "you said it is the same person")
                index.add_keys(chosen, keys)
                continue
            row["action"] = SIMILAR
        index.add(Person(-len(seen), record["name"], record["organization"], keys))
    return rows


def _same(row: dict, seen: list[dict], person: Person, reason: str) -> None:
    """The row is `person`: someone in netcrm (id > 0), or an earlier row (-(k + 1))."""
    if person.id > 0:
        row.update(action=MATCH, target=person.id, target_name=person.name, reason=reason)
        return
    first = seen[-person.id - 1]
    row.update(
        action=DUPLICATE, target=first["n"], target_name=first["record"]["name"],
        reason=f"{reason} as line {first['line']}",
    )
    merge(first["record"], row["record"])


def merge(into: dict, extra: dict) -> None:
    """One person's two rows as one: every email, phone, address and tag of both;
    what the first leaves empty, from the second."""
    for name, normal in (("emails", normal_email), ("phones", normal_phone), ("urls", normal_url)):
        known = {normal(v) for v in into[name]}
        into[name] += [v for v in extra[name] if normal(v) not in known]
    into["tags"] += [t for t in extra["tags"] if t not in into["tags"]]
    for name in ("organization", "title", "notes", "connected_on"):
        into[name] = into[name] or extra[name]


def count(rows: list[dict]) -> dict[str, int]:
    return dict(Counter(row["action"] for row in rows))


@dataclass
class Preview:
    batch: ImportBatch | None
    parsed: Parsed
    rows: list[dict] = field(default_factory=list)


def preview(user, data: bytes, filename: str, *, save: bool = True, index: Index | None = None,
            seen: list[dict] | None = None):
    """Read the file and plan every row against the user's contacts; nothing is
    written but the batch (with save=False, not even that). Unreadable says why not."""
    parsed = read(data)
    if len(parsed.records) > settings.IMPORT_MAX_ROWS:
        raise TooManyRows(
            f"This file has {len(parsed.records):,} rows; netcrm imports up to "
            f"{settings.IMPORT_MAX_ROWS:,} at a time. Split it and import each part."
        )
    index = index if index is not None else Index.for_user(user, region())
    rows = plan([r.as_dict() for r in parsed.records], index, seen=seen)
    foresee(user, rows)
    batch = ImportBatch(
        user=user, filename=filename[:200] or "contacts", format=parsed.format, rows=rows,
        counts=count(rows), total=len(rows),
    )
    if save:
        batch.save()
    return Preview(batch, parsed, rows)


def foresee(user, rows: list[dict]) -> None:
    """Each row of someone already in netcrm learns what importing it would fill in on
    them as they are now (`fills`), and whether that is nothing (`nothing_new`: every
    field it brings they have already, or the file leaves empty), so the preview
    offers no "fill in" for it. One query, when the file names anyone you have."""
    matched = [row for row in rows if row["action"] == MATCH]
    if not matched:
        return
    known = Contact.objects.for_user(user).in_bulk({row["target"] for row in matched})
    for row in matched:
        contact, record = known.get(row["target"]), row["record"]
        # Where they work, if the file says and they have no organization yet (never saved).
        at = Organization(pk=0, name=record["organization"]) if organization_key(
            record["organization"]) else None
        row["fills"] = sorted(fill(contact, record, at)) if contact else []
        row["nothing_new"] = not row["fills"]


# --- Confirming, importing ------------------------------------------------------------


def confirm(batch: ImportBatch, answers: dict[str, str]) -> bool:
    """The user's go-ahead, with their answer for each similar name ("row-N": the
    index of the person they picked, anything else: a different person). A second
    confirm (a double tap, another tab) changes nothing: False."""
    decisions = {}
    for row in batch.rows:
        if row["action"] != SIMILAR:
            continue
        answer = whole_number(answers.get(f"row-{row['n']}", ""))  # 5,000 digits: None
        if answer is not None and answer < len(row["similar"]):
            decisions[str(row["n"])] = row["similar"][answer]["id"]
    with transaction.atomic():
        claimed = ImportBatch.objects.filter(pk=batch.pk, status=Status.PREVIEW).update(
            status=Status.QUEUED, decisions=decisions, queued_at=timezone.now(),
        )
        if claimed:
            from imports.tasks import import_batch

            enqueue_on_commit(import_batch, batch.pk)
    return bool(claimed)


# Runs that may claim one import: the message of a run whose worker was killed (out of
# memory on a file too big for it, say) comes again at once, tasks being acknowledged
# late; without a limit such a file would hold the long jobs' worker for ever, and
# everyone's imports and restores behind it.
MAX_ATTEMPTS = 3
GAVE_UP = ("its worker stopped {attempts} times without finishing it (the server ran out of "
           "memory or was restarted); a smaller file, or the server's administrator, may "
           "get further")


def run_import(batch_id: int, chunk: int = CHUNK) -> int:
    """Import a confirmed batch, `chunk` rows per transaction; returns the rows done.
    Safe to run twice, at once or after a worker died: each chunk is claimed by moving
    `done` from where it starts to where it ends, so no chunk is imported twice, and a
    second run goes on where the first stopped. The rows are planned again against
    the contacts as they are now (another file may have been imported since). A batch
    that MAX_ATTEMPTS runs claimed without finishing is given up on."""
    now = timezone.now()
    unfinished = ImportBatch.objects.filter(
        pk=batch_id, status__in=[Status.QUEUED, Status.RUNNING]
    )
    try:
        with transaction.atomic():
            claimed = unfinished.filter(attempts__lt=MAX_ATTEMPTS).update(
                status=Status.RUNNING, started_at=Coalesce(F("started_at"), now),
                progressed_at=now, attempts=F("attempts") + 1,
            )
    except IntegrityError:
        # Another of the user's imports is running (import_one_running_per_user): this
        # one stays queued, and is asked for again once that one ends (`_next`).
        return 0
    if not claimed:
        if user_id := unfinished.values_list("user_id", flat=True).first():
            logger.error("import %s given up after %s runs", batch_id, MAX_ATTEMPTS)
            _fail(batch_id, user_id, GAVE_UP.format(attempts=MAX_ATTEMPTS))
        return 0
    batch = ImportBatch.objects.select_related("user").get(pk=batch_id)
    rows = plan([row["record"] for row in batch.rows], Index.for_user(batch.user, region()),
                batch.decisions)
    rows[: batch.done] = batch.rows[: batch.done]  # what an earlier run did stays as it was
    organizations: dict[str, Organization | None] = {}
    try:
        for start in range(batch.done, len(rows), chunk):
            if not import_chunk(batch, rows, start, min(start + chunk, len(rows)), organizations):
                return 0  # another run has it
    except Exception as error:  # recorded for the user; what earlier chunks made stays, undoable
        logger.exception("import %s failed", batch_id)
        _fail(batch_id, batch.user_id, f"{type(error).__name__}: {error}"[:1000])
        return 0
    ImportBatch.objects.filter(pk=batch_id, status=Status.RUNNING).update(
        status=Status.DONE, finished_at=timezone.now(), counts=count(rows), rows=rows,
    )
    _next(batch.user_id)
    return len(rows)


def _fail(batch_id: int, user_id: int, error: str) -> None:
    """Failed, and why on its page; what it added stays, undoable, and the rows past
    where it stopped say they were not imported (their counts with them). The user's
    next import goes on."""
    unfinished = ImportBatch.objects.filter(
        pk=batch_id, status__in=[Status.QUEUED, Status.RUNNING]
    )
    with transaction.atomic():
        batch = unfinished.select_for_update().only("rows", "done").first()
        if batch is not None:
            rows = batch.rows[: batch.done] + [
                row | {"action": NOT_IMPORTED, "planned": row["action"], "contact": None,
                       "filled": []}
                for row in batch.rows[batch.done:]
            ]
            unfinished.update(status=Status.FAILED, error=error, finished_at=timezone.now(),
                              rows=rows, counts=count(rows))
    _next(user_id)


def _next(user_id: int) -> None:
    """Ask for the user's import that waited for this one, if any (the oldest)."""
    waiting = (
        ImportBatch.objects.filter(user_id=user_id, status=Status.QUEUED)
        .order_by("queued_at", "pk").values_list("pk", flat=True).first()
    )
    if waiting is not None:
        from imports.tasks import import_batch

        enqueue_on_commit(import_batch, waiting)


def import_chunk(batch: ImportBatch, rows: list[dict], start: int, end: int,
                 organizations: dict) -> bool:
    user = batch.user
    with transaction.atomic():
        if not ImportBatch.objects.filter(pk=batch.pk, status=Status.RUNNING, done=start).update(
            done=end, progressed_at=timezone.now()
        ):
            return False
        part = rows[start:end]
        new_rows = [r for r in part if r["action"] in (CREATE, SIMILAR)]
        created, made = [], []
        for row in new_rows:
            record = row["record"]
            contact = Contact(user=user, name=record["name"], source=record["source"])
            fill(contact, record, organization(user, record["organization"], organizations, made))
            created.append(contact)
        Contact.objects.bulk_create(created, batch_size=CHUNK)
        for row, contact in zip(new_rows, created):
            row["contact"] = contact.pk
        add_tags(created, [r["record"]["tags"] for r in new_rows])

        matched = [r for r in part if r["action"] == MATCH]
        known = Contact.objects.for_user(user).in_bulk([r["target"] for r in matched])
        filled: dict[str, dict] = {}
        changed: dict[int, Contact] = {}
        for row in matched:
            contact = known.get(row["target"])
            if contact is None:  # deleted while the import ran
                row.update(action=SKIP, reason="deleted while importing")
                continue
            record = row["record"]
            got = fill(contact, record,
                       organization(user, record["organization"], organizations, made))
            row["contact"], row["filled"] = contact.pk, sorted(got)
            if got:
                changed[contact.pk] = contact
                merge_filled(filled.setdefault(str(contact.pk), {}), got)
        if changed:
            Contact.objects.bulk_update(
                changed.values(), ["organization", *TEXT_FIELDS, "links"], batch_size=CHUNK
            )
        # The batch's row is ours until commit (the claim above locked it).
        so_far = ImportBatch.objects.filter(pk=batch.pk).values(
            "created_ids", "created_organization_ids", "filled"
        ).get()
        for pk, got in filled.items():
            merge_filled(so_far["filled"].setdefault(pk, {}), got)
        ImportBatch.objects.filter(pk=batch.pk).update(
            created_ids=so_far["created_ids"] + [c.pk for c in created],
            created_organization_ids=so_far["created_organization_ids"] + made,
            filled=so_far["filled"], rows=rows,
        )
        batch.done = end
    return True


def organization(user, name: str, cache: dict, made: list[int]) -> Organization | None:
    """The user's organization of that name, or of that name but for its legal suffix
    ("Juniper Software, Inc." when they have "Juniper Software": same_company), made if
    they have neither (its id then goes on `made`: Undo takes it back if nothing else
    has come to use it)."""
    key = organization_key(name)
    if key and key not in cache:
        found = Organization.objects.named(user, name, create=False)
        if found is not None and found.pk is None:
            if twins := Organization.objects.same_company(found):
                found = twins[0]
            else:
                found.save()
                made.append(found.pk)
        cache[key] = found
    return cache.get(key)


def merge_filled(into: dict, got: dict) -> None:
    for name, value in got.items():
        if name == "links":
            into["links"] = into.get("links", []) + value
        else:
            into.setdefault(name, value)


def fits_email(value: str) -> str:
    value = value.strip()
    try:
        validate_email(value)
    except ValidationError:
        return ""
    return value if len(value) <= EMAIL_LENGTH else ""


def fill(contact: Contact, record: dict, organization: Organization | None) -> dict:
    """Fill the contact's empty fields from the record; emails, phones and addresses
    it has no room for become lines of its links. Returns what it filled."""
    got: dict = {}
    if contact.organization_id is None and organization is not None:
        contact.organization = organization
        got["organization"] = organization.pk
    emails, phones = record["emails"], [p.strip() for p in record["phones"]]
    candidates = {
        "title": record["title"],
        "email": next((e for e in emails if fits_email(e)), ""),
        "phone": next((p for p in phones if len(p) <= PHONE_LENGTH), ""),
        "notes": record["notes"],
    }
    for name, value in candidates.items():
        if value and not getattr(contact, name):
            setattr(contact, name, value)
            got[name] = value
    have = contact_keys(contact.email, contact.phone, contact.links, region())
    lines = []
    for kind, values in (("emails", emails), ("phones", phones), ("urls", record["urls"])):
        for value in values:
            keys = keys_of(**{kind: [value]}, region=region())
            if not keys or keys & have:
                continue
            line = (f"mailto:{value}" if kind == "emails"
                    else f"tel:{normal_phone(value, region()) or value}" if kind == "phones"
                    else link_href(value))
            if line:
                lines.append(line)
                have |= keys
    if lines:
        contact.links = "\n".join([*filter(None, [contact.links.strip()]), *lines])
        got["links"] = lines
    return got


def add_tags(contacts: list[Contact], tag_lists: list[list[str]]) -> None:
    """Tags for new contacts, a query per new tag name, the links in one insert."""
    names = {name for tags in tag_lists for name in tags if name}
    if not names:
        return
    tags = {t.name: t for t in Tag.objects.filter(name__in=names)}
    for name in sorted(names - tags.keys()):
        tags[name] = Tag.objects.create(name=name)
    content_type = ContentType.objects.get_for_model(Contact)
    TaggedItem.objects.bulk_create(
        [TaggedItem(tag=tags[name], content_type=content_type, object_id=contact.pk)
         for contact, names_ in zip(contacts, tag_lists) for name in dict.fromkeys(names_) if name],
        batch_size=CHUNK,
    )


STALLED = timedelta(minutes=5)  # a chunk takes seconds


def resume_stalled(now=None) -> int:
    """Batches confirmed over a minute ago that no worker has started (the broker was
    down when they were confirmed, or another of the user's imports ran), and running
    ones that have not moved for STALLED (the worker died and the broker lost the
    message): asked for again, as a run goes on where the last stopped. Returns how
    many."""
    now = now or timezone.now()
    ids = list(ImportBatch.objects.filter(
        Q(status=Status.QUEUED, queued_at__lt=now - timedelta(minutes=1))
        | Q(status=Status.RUNNING, progressed_at__lt=now - STALLED)
    ).order_by("queued_at", "pk").values_list("pk", flat=True))
    from imports.tasks import import_batch

    for pk in ids:
        enqueue_on_commit(import_batch, pk)
    return len(ids)


# --- Undo -----------------------------------------------------------------------------


KEPT_NAMED = 5  # the names Undo's message lists of those it left; the rest are counted


@dataclass
class Undone:
    removed: int
    cleared: int
    organizations: int
    kept: list[str] = field(default_factory=list)  # the names of those it left

    def __str__(self) -> str:
        said = (f"{went(self.removed, self.organizations)} moved to the Trash, "
                f"{plural(self.cleared, 'filled-in field')} cleared")
        if self.kept:
            names = ", ".join(self.kept[:KEPT_NAMED])
            if len(self.kept) > KEPT_NAMED:
                names += f" and {len(self.kept) - KEPT_NAMED} more"
            said += (f"; {plural(len(self.kept), 'contact')} you have changed or met since "
                     f"the import {'stays' if len(self.kept) == 1 else 'stay'}: {names}")
        return said


def went(contacts: int, organizations: int) -> str:
    """"2 contacts and 1 organization", "1 organization", "0 contacts"."""
    if not organizations:
        return plural(contacts, "contact")
    made = plural(organizations, "organization")
    return f"{plural(contacts, 'contact')} and {made}" if contacts else made


def undo_import(batch: ImportBatch) -> Undone | None:
    """Take the import back: the contacts it created, and the organizations it made
    that nothing else has come to use, go to the Trash (one entry, so one tap brings
    them back); the fields it filled are emptied where nobody has changed them since.
    Those it created that the user has worked on since (edited, met, noted, referred)
    stay, with what the user wrote, as a filled field changed since does: their rows
    say so ("kept"), and they are no longer counted among what it created, which is
    now what went to the Trash. None if it was undone already (a double tap)."""
    with transaction.atomic():
        if not ImportBatch.objects.filter(
            pk=batch.pk, status__in=[Status.DONE, Status.FAILED]
        ).update(status=Status.UNDONE, finished_at=timezone.now()):
            return None
        fresh = ImportBatch.objects.get(pk=batch.pk)
        cleared = clear_filled(fresh)  # first: an organization it filled in is then unused
        created = list(Contact.objects.for_user(batch.user).filter(pk__in=fresh.created_ids)
                       .order_by("pk"))
        worked_on = worked_on_since(created)
        contacts = [c for c in created if c.pk not in worked_on]
        kept = [c for c in created if c.pk in worked_on]
        if kept:
            for row in fresh.rows:
                if row.get("contact") in worked_on and row["action"] in (CREATE, SIMILAR):
                    row["kept"] = True
            ImportBatch.objects.filter(pk=batch.pk).update(
                rows=fresh.rows, created_ids=[c.pk for c in contacts]
            )
        organizations = unused_organizations(fresh, {c.pk for c in contacts})
        gone = [*contacts, *organizations]
        if gone:
            entry = move_to_trash(
                gone[0], also=gone[1:], kind="import",
                label=f"{went(len(contacts), len(organizations))} imported from {fresh.filename}",
                summary=[f"Undo of the import of {fresh.filename}"],
            )
            ImportBatch.objects.filter(pk=batch.pk).update(trash_entry_id=entry.pk)
    return Undone(len(contacts), cleared, len(organizations), [c.name for c in kept])


# Longer after being added than bulk_create takes between setting the two: an edit.
EDITED_AFTER = timedelta(seconds=1)


def worked_on_since(contacts: list[Contact]) -> set[int]:
    """Those of `contacts` (an import's) the user has done something with since it
    added them: edited (the import writes their `updated_at` with their `created_at`,
    and nothing else of its own ever again), given a cadence, or named in any row of
    the user's own (a meeting, a note, a referral, a follow-up, a lead...: every
    relation to a contact, none of which an import makes). A query a relation."""
    found = {
        c.pk for c in contacts
        if c.updated_at - c.created_at > EDITED_AFTER or c.keep_in_touch_days
        or c.last_interaction_at
    }
    rest = [c.pk for c in contacts if c.pk not in found]
    for relation in Contact._meta.related_objects:
        if not rest:
            break
        rows = relation.related_model._base_manager.filter(
            **{f"{relation.field.name}__in": rest}
        )
        found |= set(rows.values_list(relation.field.name, flat=True).distinct())
        rest = [pk for pk in rest if pk not in found]
    return found


def in_the_trash(batch: ImportBatch) -> TrashEntry | None | bool:
    """Where what an undone import took away is now: its Trash entry while it is there;
    once it is gone from there, True if it was restored (the rows are back) and False
    if it was emptied; None when the undo put nothing in the Trash."""
    if batch.trash_entry_id is None:
        return None
    entry = TrashEntry.objects.for_user(batch.user).filter(pk=batch.trash_entry_id).first()
    if entry is not None:
        return entry
    return (
        Contact.objects.for_user(batch.user).filter(pk__in=batch.created_ids[:1]).exists()
        or Organization.objects.for_user(batch.user)
        .filter(pk__in=batch.created_organization_ids[:1]).exists()
    )


def unused_organizations(batch: ImportBatch, going: set[int]) -> list[Organization]:
    """The organizations the import made that only its own contacts (`going`) are at,
    now or in the past, with no lead and nothing written on them since."""
    made = Organization.objects.for_user(batch.user).filter(
        pk__in=batch.created_organization_ids, leads=None, is_target=False, website="",
        quiet_hours="", notes="",
    ).order_by("pk")
    Past = Contact.past_organizations.through
    used = {
        org for contact, org in Contact.objects.filter(organization__in=made)
        .values_list("pk", "organization_id") if contact not in going
    } | {
        org for contact, org in Past.objects.filter(organization__in=made)
        .values_list("contact_id", "organization_id") if contact not in going
    }
    return [org for org in made if org.pk not in used]


def clear_filled(batch: ImportBatch) -> int:
    cleared = 0
    contacts = Contact.objects.for_user(batch.user).in_bulk([int(pk) for pk in batch.filled])
    for pk, got in batch.filled.items():
        contact = contacts.get(int(pk))
        if contact is None:
            continue
        for name, value in got.items():
            if name == "organization":
                if contact.organization_id == value:
                    contact.organization, cleared = None, cleared + 1
            elif name == "links":
                lines = contact.links.splitlines()
                for line in value:
                    if line in lines:
                        lines.remove(line)
                        cleared += 1
                contact.links = "\n".join(lines)
            elif getattr(contact, name) == value:
                setattr(contact, name, "")
                cleared += 1
    if contacts:
        Contact.objects.bulk_update(contacts.values(), ["organization", *TEXT_FIELDS, "links"])
    return cleared


# --- In words -------------------------------------------------------------------------


def summary_lines(batch: ImportBatch, dry_run: bool = False) -> list[str]:
    """The summary the command prints (and the summary page shows as a list)."""
    c = batch.counts
    verb = "would create" if dry_run else "created"
    filled = sum(1 for row in batch.rows if row["filled"])
    lines = [
        f"{batch.filename} ({batch.format}): {batch.total} row{'s' if batch.total != 1 else ''}",
        f"  {verb}: {c.get(CREATE, 0) + c.get(SIMILAR, 0)}",
        f"  matched: {c.get(MATCH, 0)}" + ("" if dry_run else f" (filled in {filled})"),
        f"  twice in the file, merged: {c.get(DUPLICATE, 0)}",
        f"  skipped: {c.get(SKIP, 0)}",
    ]
    lines += [f"    line {row['line']}: {row['reason']}" for row in batch.rows
              if row["action"] == SKIP]
    if dry_run and c.get(SIMILAR):
        lines.append(f"  similar names (imported as different people): {c[SIMILAR]}")
    return lines
