"""Contacts out: a CSV a spreadsheet opens safely, and vCard 4.0 that address books import.

The vCard's UID is `netcrm-contact-<pk>`, <pk> the contact's id in this netcrm (the
number in its address, /contacts/<pk>/); with the email, phone and links it lets an
import of netcrm's own file find each person again instead of adding them twice.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import UTC, datetime
from itertools import batched
from urllib.parse import unquote

import vobject
from django.db.models import QuerySet

from accounts.models import Profile
from contacts.models import Contact

CSV_COLUMNS = [
    "Name", "Organization", "Title", "Email", "Phone", "Tags", "How you met",
    "Last interaction", "Keep in touch every (days)", "Links", "Notes",
]
# A spreadsheet runs a cell that starts with one of these as a formula (or, for tab
# and carriage return, shifts it into one): a quote in front keeps it text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
UID_PREFIX = "netcrm-contact-"
CHUNK = 500  # contacts read, and sent, at a time


def contacts_for_export(user) -> QuerySet[Contact]:
    return (
        Contact.objects.for_user(user)
        .select_related("organization")
        .with_tags()
        .order_by("pk")
    )


def tag_names(contact: Contact) -> list[str]:
    return [tag.name for tag in contact.sorted_tags()]


def safe_cell(value) -> str:
    """A cell no spreadsheet will run: text that starts like a formula gets a leading '."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def csv_rows(user, profile: Profile | None = None) -> Iterator[list[str]]:
    tz = (profile or Profile.for_user(user)).tzinfo
    yield CSV_COLUMNS
    for contact in contacts_for_export(user).iterator(chunk_size=CHUNK):
        last = contact.last_interaction_at
        yield [
            safe_cell(value) for value in (
                contact.name,
                contact.organization.name if contact.organization else "",
                contact.title,
                contact.email,
                contact.phone,
                ", ".join(tag_names(contact)),
                contact.get_source_display(),
                last.astimezone(tz).strftime("%Y-%m-%d %H:%M") if last else "",
                contact.keep_in_touch_days or "",
                "\n".join(text for text, _ in contact.link_list),
                contact.notes,
            )
        ]


def csv_text(user, profile: Profile | None = None) -> Iterator[str]:
    """All the user's contacts as CSV, a piece at a time (a download starts at once,
    however big the network): UTF-8 with a byte-order mark (so Excel reads the accents
    right), CRLF line ends, every cell safe from formula injection."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    for n, row in enumerate(csv_rows(user, profile), start=1):
        writer.writerow(row)
        if n % CHUNK == 0:
            yield out.getvalue()
            out.seek(0)
            out.truncate()
    yield out.getvalue()


def contacts_csv(user, profile: Profile | None = None) -> str:
    return "".join(csv_text(user, profile))


def uid(contact: Contact) -> str:
    return f"{UID_PREFIX}{contact.pk}"


def split_name(name: str) -> tuple[str, str]:
    """(family, given) for vCard's N: the last word is the family name, as address
    books guess it ("Sara Smith" → Smith, Sara; "Cher" → "", Cher)."""
    words = name.split()
    if len(words) < 2:
        return "", name.strip()
    return words[-1], " ".join(words[:-1])


def rev(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def vcard(contact: Contact) -> vobject.base.Component:
    card = vobject.vCard()
    card.add("version").value = "4.0"
    card.add("prodid").value = "-//netcrm//contacts export//EN"
    card.add("uid").value = uid(contact)
    card.add("fn").value = contact.name
    family, given = split_name(contact.name)
    card.add("n").value = vobject.vcard.Name(family=family, given=given)
    if contact.organization:
        card.add("org").value = [contact.organization.name]
    if contact.title:
        card.add("title").value = contact.title
    if contact.email:
        card.add("email").value = contact.email
    if contact.phone:
        card.add("tel").value = contact.phone
    # Their other addresses and numbers (a phone's card gives several; netcrm keeps the
    # first of each in its own field, the rest as mailto: and tel: links) go back as
    # addresses and numbers, not lost: an address book knows them so.
    had = {contact.email.casefold(), contact.phone}
    for text, href in contact.link_list:
        if not href:
            continue
        scheme, _, rest = href.partition(":")
        scheme, value = scheme.lower(), unquote(rest.split("?")[0]).strip()
        if scheme in ("mailto", "tel"):
            if value and value.casefold() not in had:
                had.add(value.casefold())
                card.add("email" if scheme == "mailto" else "tel").value = value
        else:
            card.add("url").value = href
    tags = tag_names(contact)
    if tags:
        card.add("categories").value = tags
    if contact.notes:
        card.add("note").value = contact.notes
    card.add("rev").value = rev(contact.updated_at)
    return card


def vcard_text(user) -> Iterator[str]:
    """All the user's contacts as one vCard 4.0 file, a card at a time: vobject takes
    about half a millisecond a card, so 10,000 contacts take seconds, which a download
    that starts at once shows as progress instead of a page that hangs."""
    cards = (
        vcard(contact).serialize()
        for contact in contacts_for_export(user).iterator(chunk_size=CHUNK)
    )
    for batch in batched(cards, CHUNK):
        yield "".join(batch)


def contacts_vcard(user) -> str:
    return "".join(vcard_text(user))
