"""Merging two contacts who are one person.

`merge(user, kept, other, picks)` keeps `kept` (its page, its id) with the field
values picked one by one, moves everything that links to `other` onto it, and
deletes `other`, in one transaction. Every relation to a contact is walked from
`Contact._meta` (a new app's link to a contact is moved too, by the default: repoint
the row, and drop it when a unique constraint says the kept contact has its equal);
the relations that need more say so in `HANDLERS`. A merge goes into the Trash as
one entry (trash.services.move_to_trash_changing): restoring it brings `other` back
with everything as it was, and `kept` as it was before, but for the fields edited
since the merge, which keep their edit.

`preview(kept, other)` says what a merge would move and drop: it is the merge
itself, rolled back, so it can't say anything the merge would not do.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, models, transaction
from django.db.models import Q
from django.template.defaultfilters import pluralize
from taggit.models import TaggedItem

from contacts.identity import link_lines, normal_email, normal_phone, normal_url
from contacts.models import KEEP_IN_TOUCH, Contact
from contacts.services import sync_keep_in_touch
from followups.models import FollowUp
from merging.models import DismissedPair
from referrals.followups import ReferralCall
from referrals.models import Referral
from trash.services import move_to_trash_changing

KEPT, OTHER = "kept", "other"
# The fields picked one by one (notes are joined, links and tags united).
FIELDS = ["name", "organization", "title", "email", "phone", "source", "keep_in_touch_days"]
# What moves, in words: model label -> (one, many). A model not named here is called
# by its verbose names.
MOVED_NAMES = {
    "meetings.meeting": ("meeting", "meetings"),
    "referrals.referral": ("referral", "referrals"),
    "contacts.note": ("note", "notes"),
    "followups.followup": ("follow-up", "follow-ups"),
    "reciprocity.inboundrequest": ("request for help", "requests for help"),
    "jobs.lead": ("lead", "leads"),
    "taggit.tag": ("tag", "tags"),
    "merging.dismissedpair": ("“not the same person”", "“not the same person”s"),
}


class AlreadyMerged(Exception):
    """One of the two is gone: merged already (a double tap, another tab)."""


@dataclass
class Outcome:
    """What a merge moved to the kept contact (model label -> rows) and dropped, in words."""

    moved: Counter[str] = field(default_factory=Counter)
    dropped: list[str] = field(default_factory=list)

    def moved_words(self) -> list[str]:
        said = []
        for label, count in self.moved.items():
            if not count:
                continue
            one, many = MOVED_NAMES.get(label) or _verbose_names(label)
            said.append(f"{count} {one if count == 1 else many}")
        return said


def _verbose_names(label: str) -> tuple[str, str]:
    from django.apps import apps

    meta = apps.get_model(label)._meta
    return str(meta.verbose_name), str(meta.verbose_name_plural)


# Fields, picked one by one -------------------------------------------------------


def _empty(value) -> bool:
    return value is None or value == ""


def newer(kept: Contact, other: Contact) -> Contact:
    """The record added later: its values win where both have one."""
    return max((kept, other), key=lambda c: (c.created_at, c.pk))


@dataclass
class FieldChoice:
    name: str
    label: str
    kept: object  # the value shown
    other: object
    pick: str  # KEPT or OTHER: the default
    conflict: bool  # both have a value, and they differ


def _shown(contact: Contact, name: str):
    if name == "organization":
        return contact.organization.name if contact.organization_id else ""
    if name == "source":
        return contact.get_source_display()
    if name == "keep_in_touch_days" and contact.keep_in_touch_days:
        return f"{contact.keep_in_touch_days} days"
    value = getattr(contact, name)
    return "" if value is None else value


def _normal(name: str, value):
    """A value as identity compares it: ALAN@acme.com is alan@acme.com."""
    if name == "email":
        return normal_email(value) or value
    if name == "phone":
        return normal_phone(value) or value
    return value


def field_choices(kept: Contact, other: Contact) -> list[FieldChoice]:
    """Each field's two values and the default: the one that is not empty; where both
    have one, the newer record's, except how you met: the older record's, met first (an
    import of LinkedIn says "Online" of someone Sara referred)."""
    winner = KEPT if newer(kept, other) == kept else OTHER
    first = OTHER if winner == KEPT else KEPT
    choices = []
    for name in FIELDS:
        a, b = getattr(kept, Contact._meta.get_field(name).attname), getattr(
            other, Contact._meta.get_field(name).attname
        )
        conflict = not _empty(a) and not _empty(b) and _normal(name, a) != _normal(name, b)
        if conflict:
            pick = first if name == "source" else winner
        else:
            pick = OTHER if _empty(a) and not _empty(b) else KEPT
        choices.append(FieldChoice(
            name, str(Contact._meta.get_field(name).verbose_name).capitalize(),
            _shown(kept, name), _shown(other, name), pick, conflict,
        ))
    return choices


def joined_notes(kept: Contact, other: Contact) -> str:
    notes = [n.strip() for n in (kept.notes, other.notes) if n.strip()]
    return "\n\n".join(dict.fromkeys(notes))


def united_links(kept: Contact, other: Contact) -> str:
    """Both contacts' links, each once (the same profile written two ways is one)."""
    seen, lines = set(), []
    for line in link_lines(kept.links) + link_lines(other.links):
        key = normal_url(line) or line.lower()
        if key not in seen:
            seen.add(key)
            lines.append(line)
    return "\n".join(lines)


def merged_values(kept: Contact, other: Contact, picks: dict[str, str]) -> dict:
    """The kept contact's field values after the merge (by attname)."""
    defaults = {c.name: c.pick for c in field_choices(kept, other)}
    values = {}
    for name in FIELDS:
        source = other if picks.get(name, defaults[name]) == OTHER else kept
        attname = Contact._meta.get_field(name).attname
        values[attname] = getattr(source, attname)
    # Where you met them goes with how you met them (else whichever says).
    met = other if picks.get("source", defaults["source"]) == OTHER else kept
    values["met_at_id"] = met.met_at_id or (kept if met is other else other).met_at_id
    values["notes"] = joined_notes(kept, other)
    values["links"] = united_links(kept, other)
    values["created_at"] = min(kept.created_at, other.created_at)
    touched = [c.last_interaction_at for c in (kept, other) if c.last_interaction_at]
    values["last_interaction_at"] = max(touched) if touched else None
    return values


# Relations: every link to a contact --------------------------------------------------


def relations() -> list[models.Field]:
    """Every field of any model that links to a contact (a foreign key, or a
    many-to-many whose link rows are moved), hidden ones included."""
    return [
        rel.field for rel in Contact._meta.get_fields(include_hidden=True)
        if rel.auto_created and not rel.concrete and rel.is_relation
        and not rel.field.model._meta.auto_created  # a many-to-many's link rows: moved with it
    ]


def relation_label(f: models.Field) -> str:
    return f"{f.model._meta.label_lower}.{f.name}"


def _repoint(rows: models.QuerySet, attname: str, to: int) -> tuple[int, list[models.Model]]:
    """Point each row at `to`; a row a unique constraint refuses (the kept contact has
    its equal) is deleted instead. Returns how many moved, and those dropped."""
    moved, dropped = 0, []
    for row in rows.order_by("pk"):
        try:
            with transaction.atomic():
                type(row)._base_manager.filter(pk=row.pk).update(**{attname: to})
            moved += 1
        except IntegrityError:
            dropped.append(row)
            row.delete()
    return moved, dropped


def move_rows(f: models.Field, kept: Contact, other: Contact, outcome: Outcome) -> None:
    """The default: repoint every row; drop the ones the kept contact has already."""
    if f.many_to_many:  # the link rows: a meeting both were at keeps one
        through = f.remote_field.through
        link = through._meta.get_field(f.m2m_reverse_field_name())
        moved, _ = _repoint(through._base_manager.filter(**{link.attname: other.pk}), link.attname, kept.pk)
        outcome.moved[f.model._meta.label_lower] += moved
        return
    moved, dropped = _repoint(
        f.model._base_manager.filter(**{f.attname: other.pk}), f.attname, kept.pk
    )
    outcome.moved[f.model._meta.label_lower] += moved
    if dropped:
        one, many = MOVED_NAMES.get(f.model._meta.label_lower) or _verbose_names(f.model._meta.label_lower)
        n = len(dropped)
        outcome.dropped.append(
            f"{n} {one if n == 1 else many} of {other.name}'s {'goes' if n == 1 else 'go'}: "
            f"{kept.name} has the same already."
        )


def move_referrals(f: models.Field, kept: Contact, other: Contact, outcome: Outcome) -> None:
    """Referrals, in either direction. One between the two people goes (nobody refers
    you to themselves); one the kept contact has too (the same edge) is kept once,
    with the follow-ups of both."""
    end = "referred" if f.name == "referrer" else "referrer"
    for referral in Referral.objects.filter(**{f.name: other}).select_related("referrer", "referred"):
        far = getattr(referral, end)
        if far.pk == kept.pk:
            referral.delete()
            outcome.dropped.append(
                f"The referral {referral.referrer.name} → {referral.referred.name} goes: "
                "they are one person now, and nobody refers you to themselves."
            )
            continue
        same = Referral.objects.filter(**{f.name: kept, end: far}).first()
        if same is None:
            Referral.objects.filter(pk=referral.pk).update(**{f.name: kept})
            outcome.moved["referrals.referral"] += 1
            continue
        moved, dropped = _repoint(referral.followups.all(), "referral_id", same.pk)
        referral.delete()
        said = f"{same.referrer.name} → {same.referred.name} was recorded for both: one referral stays"
        if moved:
            said += f", with {moved} follow-up{pluralize(moved)} of the other"
        if dropped:
            said += f" ({len(dropped)} follow-up{pluralize(len(dropped))} the same as its own dropped)"
        outcome.dropped.append(said + ".")


def move_followups(f: models.Field, kept: Contact, other: Contact, outcome: Outcome) -> None:
    """Follow-ups: the other's open keep-in-touch reminder goes (the merged contact
    keeps one, as its cadence says); one the kept contact has its equal of (a
    thank-you for the same meeting) goes too."""
    if FollowUp.objects.filter(contact=other, kind=KEEP_IN_TOUCH).open().delete()[0]:
        outcome.dropped.append(
            f"{other.name}'s open keep-in-touch reminder goes: the merged contact has one, "
            "as its cadence says."
        )
    moved, dropped = _repoint(FollowUp.objects.filter(contact=other), "contact_id", kept.pk)
    outcome.moved["followups.followup"] += moved
    for followup in dropped:
        outcome.dropped.append(
            f"{followup.get_kind_display()} “{followup.title}” goes: {kept.name} has the same one."
        )


def move_dismissed(f: models.Field, kept: Contact, other: Contact, outcome: Outcome) -> None:
    """"Not the same person" pairs stay said of the merged contact (lower id first);
    a pair of the two themselves goes."""
    for pair in DismissedPair.objects.filter(models.Q(first=other) | models.Q(second=other)):
        ids = {kept.pk if pk == other.pk else pk for pk in (pair.first_id, pair.second_id)}
        if len(ids) < 2:
            pair.delete()
            continue
        first, second = sorted(ids)
        try:
            with transaction.atomic():
                DismissedPair.objects.filter(pk=pair.pk).update(first_id=first, second_id=second)
            outcome.moved["merging.dismissedpair"] += 1
        except IntegrityError:
            pair.delete()


Handler = Callable[[models.Field, Contact, Contact, Outcome], None]
# Relations that need more than the default (move_rows), by "app.model.field".
HANDLERS: dict[str, Handler] = {
    "referrals.referral.referrer": move_referrals,
    "referrals.referral.referred": move_referrals,
    "followups.followup.contact": move_followups,
    "merging.dismissedpair.first": move_dismissed,
    "merging.dismissedpair.second": move_dismissed,
}


def handler_for(f: models.Field) -> Handler:
    return HANDLERS.get(relation_label(f), move_rows)


def unite_many(kept: Contact, other: Contact) -> None:
    """A contact's own many-to-many fields (where they used to work) are united."""
    for m2m in Contact._meta.many_to_many:
        if isinstance(m2m, models.ManyToManyField):
            getattr(kept, m2m.name).add(*getattr(other, m2m.name).all())


def move_tags(kept: Contact, other: Contact, outcome: Outcome) -> None:
    """Tags are united: the other's tag links move, but for a tag both carry."""
    ct = ContentType.objects.get_for_model(Contact)
    items = TaggedItem.objects.filter(content_type=ct, object_id=other.pk)
    both = items.filter(
        tag__in=TaggedItem.objects.filter(content_type=ct, object_id=kept.pk).values("tag")
    )
    both.delete()
    outcome.moved["taggit.tag"] += items.update(object_id=kept.pk)


# The merge ----------------------------------------------------------------------


def _merge(kept: Contact, other: Contact, picks: dict[str, str]) -> Outcome:
    values = merged_values(kept, other, picks)
    outcome = Outcome()
    for f in relations():
        handler_for(f)(f, kept, other, outcome)
    move_tags(kept, other, outcome)
    unite_many(kept, other)
    for attname, value in values.items():
        setattr(kept, attname, value)
    kept.save()
    sync_keep_in_touch([kept.pk])
    # The calls that name them: the merged-away name goes, a referrer named twice
    # (both of them referred you to one person) is named once.
    near = Referral.objects.filter(Q(referred=kept) | Q(referrer=kept))
    ReferralCall().redraft(near.values_list("referred_id", flat=True))
    return outcome


def _pair(user, kept_id: int, other_id: int, lock: bool = False) -> tuple[Contact, Contact]:
    contacts = Contact.objects.for_user(user).select_related("organization")
    if lock:
        contacts = contacts.select_for_update(of=("self",))
    found = contacts.in_bulk([kept_id, other_id])
    if kept_id == other_id or len(found) < 2:
        raise AlreadyMerged
    return found[kept_id], found[other_id]


def preview(user, kept_id: int, other_id: int) -> Outcome:
    """What merging would move and drop: the merge, rolled back."""
    with transaction.atomic():
        kept, other = _pair(user, kept_id, other_id)
        outcome = _merge(kept, other, {})
        transaction.set_rollback(True)
    return outcome


def merge(user, kept_id: int, other_id: int, picks: dict[str, str]):
    """Merge `other` into `kept` in one transaction, into the Trash as one entry whose
    restore undoes it. Returns (kept, entry, outcome); AlreadyMerged if one is gone."""
    with transaction.atomic():
        kept, other = _pair(user, kept_id, other_id, lock=True)
        name, into = other.name, kept.name  # the label and summary name both as they were
        entry, outcome = move_to_trash_changing(
            other, keeps=kept, change=lambda: _merge(kept, other, picks), kind="merge",
            label=f"{name}, merged into {into}",
        )
        moved = outcome.moved_words()
        lines = [f"Moved to {into}: {', '.join(moved)}."] if moved else []
        if kept.name != into:
            lines.append(f"{into} is called {kept.name} now.")
        entry.summary = "\n".join(lines + outcome.dropped)
        entry.save(update_fields=["summary"])
    return kept, entry, outcome
