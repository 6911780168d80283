"""Who is who: what says two contact records are the same person, and which names
only look alike.

The same person is the same email address, the same phone number or the same
profile URL, each compared in a normal form (case, spaces, country codes, the many
spellings of a LinkedIn address). A similar name is never enough to call two records
one person — two John Smiths are two people — but a similar name at the same
organization is worth asking the user about (rapidfuzz scores the likeness), and so
is the very same name where one of the two is at no organization (nothing tells them
apart; the add form asks the same: ContactQuerySet.already_there).

Imports use it to never create anyone twice; the duplicates page and merging use it
to find who already is.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from functools import lru_cache
from typing import NamedTuple
from urllib.parse import urlsplit

import phonenumbers
from django.conf import settings
from rapidfuzz import fuzz, process
from rapidfuzz.utils import default_process

from netcrm.lib.fold import fold

# Names at least this alike (0-100, token order ignored) at one organization are worth a question.
SIMILAR_NAME_SCORE = 88
MIN_PHONE_DIGITS = 7

EMAIL = "email"
PHONE = "phone"
URL = "profile"
REASONS = {EMAIL: "same email", PHONE: "same phone", URL: "same profile URL"}
KEY_ORDER = {EMAIL: 0, URL: 1, PHONE: 2}  # the surest first


def normal_email(value: str) -> str:
    value = (value or "").strip().strip("<>").lower()
    if not value:
        return ""
    if value.startswith("mailto:"):
        value = value[len("mailto:"):]
    return value if re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", value) else ""


def normal_phone(value: str, region: str | None = None) -> str:
    """E.164 (+14155550123) when the number parses, for the user's region when it has
    no country code; else its digits, if there are enough to be a number."""
    value = (value or "").strip()
    if value.lower().startswith("tel:"):
        value = value[4:]
    if not value:
        return ""  # (most contacts have no phone: no parse, no exception)
    try:
        number = phonenumbers.parse(value, region or settings.NETCRM_PHONE_REGION)
        if phonenumbers.is_possible_number(number):
            return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    except phonenumbers.NumberParseException:
        pass
    digits = re.sub(r"\D", "", value)
    return digits if len(digits) >= MIN_PHONE_DIGITS else ""


def normal_url(value: str) -> str:
    """A profile address without scheme, "www.", query, fragment or trailing slash, in
    lower case; LinkedIn's country hosts (uk.linkedin.com) and /pub/ forms folded."""
    value = (value or "").strip()
    if not value or value.lower().startswith(("mailto:", "tel:")):
        return ""
    if "://" not in value:
        value = "https://" + value
    try:
        parts = urlsplit(value)
    except ValueError:
        return ""
    host = (parts.hostname or "").lower()
    if not host or "." not in host:
        return ""
    host = host.removeprefix("www.")
    path = re.sub(r"/+", "/", parts.path).rstrip("/").lower()
    if host.endswith("linkedin.com"):
        host = "linkedin.com"
        path = re.sub(r"^/(pub|profile/view)/", "/in/", path)
    return f"{host}{path}"


class Key(NamedTuple):  # (a tuple: made and hashed ten thousand times a page)
    kind: str  # EMAIL, PHONE or URL
    value: str

    @property
    def reason(self) -> str:
        return REASONS[self.kind]


def keys_of(
    emails: Iterable[str] = (), phones: Iterable[str] = (), urls: Iterable[str] = (),
    region: str | None = None,
) -> set[Key]:
    keys = {Key(EMAIL, e) for e in map(normal_email, emails) if e}
    keys |= {Key(PHONE, p) for p in (normal_phone(v, region) for v in phones) if p}
    keys |= {Key(URL, u) for u in map(normal_url, urls) if u}
    return keys


def link_lines(links: str) -> list[str]:
    return [line.strip() for line in (links or "").splitlines() if line.strip()]


def contact_keys(email: str, phone: str, links: str, region: str | None = None) -> set[Key]:
    """A saved contact's keys: its email, phone, and the web addresses among its links
    (a mailto: or tel: link counts as an email or a phone)."""
    if not links:
        return keys_of([email], [phone], (), region)
    lines = link_lines(links)
    return keys_of(
        [email] + [line for line in lines if line[:7].lower() == "mailto:"],
        [phone] + [line for line in lines if line[:4].lower() == "tel:"],
        lines, region,
    )


@lru_cache(maxsize=50_000)
def saved_keys(email: str, phone: str, links: str, region: str | None) -> frozenset[Key]:
    """contact_keys, kept per process: the duplicates page and each import read every
    contact of the user, and a contact's keys change only with those three fields (a
    phone's parse alone takes some 40 µs)."""
    return frozenset(contact_keys(email, phone, links, region))


def name_key(name: str) -> str:
    return default_process(name or "")


# Titles before a name, which a note does not greet them by ("Hi Dr.,") and which say
# nothing of who is who.
HONORIFICS = frozenset({
    "dr", "prof", "mr", "mrs", "ms", "mx", "miss", "sir", "dame", "rev", "fr", "hon",
    "mme", "mlle", "herr", "frau", "sr", "sra", "srta", "dott",
})


# The mailboxes of a team, not a person: whoever answers them has them.
TEAM_MAILBOXES = frozenset({
    "info", "hello", "hi", "contact", "office", "admin", "team", "jobs", "job", "careers",
    "career", "hr", "people", "recruiting", "recruitment", "recruiter", "talent", "hiring",
    "sales", "support", "help", "enquiries", "inquiries", "mail", "post", "reception",
    "frontdesk", "general", "press", "media", "noreply", "no-reply",
})


def shared_by_many(key: Key) -> bool:
    """A phone (a switchboard, a family's landline) or a team's address (jobs@, info@):
    a key whose owner may be any of several people, told apart by their names."""
    return key.kind == PHONE or (
        key.kind == EMAIL and key.value.partition("@")[0] in TEAM_MAILBOXES
    )


def names_agree(one: str, other: str) -> bool:
    """Whether two names may be one person's: a word in common ("A. Berg" and "Anna
    Berg", "Dana W" and "Dana Whitfield"; not an initial or a title), or alike
    throughout. A missing name contradicts nothing."""
    (words, long_words), (other_words, other_long) = name_words(one), name_words(other)
    if not words or not other_words:
        return True
    return bool(long_words & other_long) or (
        fuzz.token_sort_ratio(words, other_words) >= SIMILAR_NAME_SCORE
    )


@lru_cache(maxsize=50_000)
def name_words(name: str) -> tuple[str, frozenset[str]]:
    """A name as names_agree compares it: its words but titles, and those of them not
    an initial. Kept per process: the duplicates page compares each of a switchboard's
    people with every other (300 of them: 45,000 comparisons)."""
    words = [w for w in namesake_key(name).split() if w not in HONORIFICS]
    return " ".join(words), frozenset(w for w in words if len(w) > 1)


@lru_cache(maxsize=50_000)
def namesake_key(name: str) -> str:
    """A name as the very same name: its words, whatever their case and accents (as
    the add form compares names: netcrm.lib.fold), without punctuation. Kept per
    process: the duplicates page makes one for each contact."""
    return " ".join(name_key(fold(name)).split())


# What a company's name may end with that says nothing of which company it is.
LEGAL_SUFFIXES = frozenset({
    "inc", "incorporated", "llc", "llp", "ltd", "limited", "corp", "corporation", "co",
    "company", "gmbh", "ag", "plc", "sa", "sas", "sarl", "bv", "nv", "pty", "srl", "spa",
})


def company_core(name: str) -> str:
    """"ACME, Inc." and "Acme" are "acme": the words of a name, folded, without the
    legal suffixes it ends with."""
    words = re.findall(r"\w+", fold(name) or "")
    while len(words) > 1 and words[-1] in LEGAL_SUFFIXES:
        words.pop()
    return " ".join(words)


@lru_cache(maxsize=10_000)
def organization_key(name: str) -> str:
    """An organization's name as compared: one company however it is written ("Acme"
    typed by the user, "ACME, Inc." by LinkedIn: company_core), a name of no words as
    itself. Kept per process: a user's contacts share a few hundred."""
    return company_core(name) or re.sub(r"\s+", " ", (name or "").strip().lower())


@lru_cache(maxsize=50_000)
def sorted_name(name: str) -> str:
    """name_key with its words sorted: what token_sort_ratio compares, sorted once per
    name and process, not in each of its comparisons."""
    return " ".join(sorted(name_key(name).split()))


@dataclass
class Person:
    """A contact as identity sees it."""

    id: int
    name: str
    organization: str = ""
    keys: AbstractSet[Key] = field(default_factory=set)

    @property
    def known_by(self) -> str:
        """What tells them from another of their name: their email, else their profile
        address, else their phone; "" if none."""
        key = min(self.keys, key=lambda k: (KEY_ORDER[k.kind], k.value), default=None)
        return key.value if key else ""


class Index:
    """A user's people, looked up by key and by name within an organization; rows met
    later (a file's own rows) are added as they come."""

    def __init__(self, people: Iterable[Person] = ()):
        self.people: list[Person] = []
        self.by_id: dict[int, Person] = {}
        self.by_key: dict[Key, Person] = {}
        # The few keys more than one person has (a switchboard's phone): all of them.
        self.owners: dict[Key, list[Person]] = {}
        self.by_org: dict[str, list[Person]] = defaultdict(list)
        self.names_by_org: dict[str, list[str]] = defaultdict(list)  # name_key of by_org's people
        self.namesakes: dict[str, list[Person]] = defaultdict(list)  # by namesake_key
        for person in people:
            self.add(person)

    @classmethod
    def for_user(cls, user, region: str | None = None) -> Index:
        """One query, whatever the number of contacts."""
        from contacts.models import Contact

        rows = Contact.objects.for_user(user).values_list(
            "pk", "name", "organization__name", "email", "phone", "links"
        )
        return cls(
            Person(pk, name, org or "", saved_keys(email, phone, links, region))
            for pk, name, org, email, phone, links in rows.order_by("pk")
        )

    def get(self, person_id: int) -> Person | None:
        if len(self.by_id) != len(self.people):
            self.by_id = {person.id: person for person in self.people}
        return self.by_id.get(person_id)

    def add(self, person: Person) -> None:
        self.people.append(person)
        for key in person.keys:
            self._own(key, person)
        if org := organization_key(person.organization):
            self.by_org[org].append(person)
            self.names_by_org[org].append(name_key(person.name))
        if name := namesake_key(person.name):
            self.namesakes[name].append(person)

    def add_keys(self, person: Person, keys: Iterable[Key]) -> None:
        """Keys newly known to be this person's (a file's row that matched them); a key
        someone else has already stays theirs."""
        for key in keys:
            self._own(key, person)

    def _own(self, key: Key, person: Person) -> None:
        if (first := self.by_key.setdefault(key, person)) is not person:
            owners = self.owners.setdefault(key, [first])
            if all(owner is not person for owner in owners):
                owners.append(person)

    def same_named(self, key: Key, name: str) -> Person | None:
        """Of those with `key`, the first whose name may be `name` (names_agree)."""
        for person in self.owners.get(key, [self.by_key[key]] if key in self.by_key else []):
            if names_agree(person.name, name):
                return person
        return None

    def same(self, keys: Iterable[Key]) -> tuple[Person, Key] | None:
        """The person with one of these keys, and the key: email first, then profile, then phone."""
        for key in sorted(keys, key=lambda k: (KEY_ORDER[k.kind], k.value)):
            if key in self.by_key:
                return self.by_key[key], key
        return None

    def similar(self, name: str, organization: str, limit: int = 3) -> list[tuple[Person, int]]:
        """People at the same organization whose name is alike, and those with the very
        same name where one of the two is at no organization (nothing tells them apart:
        a name-only row of a file imported twice, or someone added by name alone), as
        the duplicates page pairs them (likely_duplicates). Each a question for the
        user: never the name alone merges anyone."""
        org = organization_key(organization)
        namesakes = [
            person for person in self.namesakes.get(namesake_key(name), [])
            if not (org and organization_key(person.organization))
        ]
        people = self.by_org.get(org, []) if org else []
        found = process.extract(
            name_key(name), self.names_by_org[org], scorer=fuzz.token_sort_ratio,
            processor=None, score_cutoff=SIMILAR_NAME_SCORE, limit=limit,
        ) if people and name_key(name) else []
        alike = [(people[index], round(score)) for _, score, index in found]
        ids = {person.id for person, _ in alike}
        return [*alike, *((p, 100) for p in namesakes if p.id not in ids)][:limit]


class Pair(NamedTuple):
    """Kept and shared by similar_names; a tuple, made five times as fast as a frozen
    dataclass (a common name held at no organization and at many makes thousands)."""

    first: int
    second: int
    reason: str  # "same email", "similar name at Acme (92%)"
    sure: bool  # a shared key: the same person; a similar name, a phone under another: a question


@lru_cache(maxsize=4_096)
def similar_names(group: tuple[tuple[int, str, str], ...]) -> tuple[Pair, ...]:
    """The pairs of similar names among the people at one organization, each given as
    (id, sorted_name, the organization's name as they have it), in order of id.

    Kept per process for that very group: after a contact is added or changed, only the
    organization it is at is compared again (the biggest, 582 people, makes 169,000
    comparisons), not every other one."""
    names = [name for _, name, _ in group]
    found_pairs = []
    for i in range(len(group) - 1):
        # Each name against those after it, the loop in rapidfuzz's C.
        found = process.extract(
            names[i], names[i + 1:], scorer=fuzz.ratio, processor=None,
            score_cutoff=SIMILAR_NAME_SCORE, limit=None,
        )
        for _, score, offset in found:
            (a, _, organization), (b, _, _) = group[i], group[i + 1 + offset]
            found_pairs.append(
                Pair(a, b, f"similar name at {organization} ({round(score)}%)", False)
            )
    return tuple(found_pairs)


def likely_duplicates(user, region: str | None = None) -> list[Pair]:
    """Pairs of a user's contacts that are, or may be, one person: a shared email,
    phone or profile URL (sure), or a similar name at one organization, or the very
    same name where one or both are at none, or a phone or a team's address under two
    names with nothing in common (a question; the same name at two organizations is
    two people). Two queries; the name comparison is within each organization.

    The rows are read once, in order of id, into what the pairs need alone (who has
    each key, who is at each organization), not into an Index, which an import needs
    and this does not; and the names at an organization are compared again only when
    someone there changed (similar_names). A key is nearly always one person's alone:
    its first owner is kept, and a list of owners made only for the few keys someone
    else has too; the organizations' names are read apart, a few hundred, each made an
    organization_key once, not joined to each contact (SQLite, 20,000 contacts with
    29,844 keys: 127-129 → 83-86 ms of CPU; PostgreSQL, 10,000: 47-49 → about 34)."""
    from contacts.models import Contact, Organization

    rows = Contact.objects.for_user(user).values_list(
        "pk", "name", "organization_id", "email", "phone", "links"
    ).order_by("pk")
    # (One written since the contacts were read, or gone since, is left out.)
    at = {
        pk: (organization_key(name), name)
        for pk, name in Organization.objects.for_user(user).order_by().values_list("pk", "name")
        if name
    }
    first_owner: dict[Key, int] = {}
    shared: dict[Key, list[int]] = {}  # the keys of more than one, owners in order of id
    names: dict[int, str] = {}  # (of those with keys: whether a shared phone's names agree)
    groups: dict[str, list[tuple[int, str, str]]] = defaultdict(list)
    # Everyone by name: (those at no organization, those at one), each in order of id.
    namesakes: dict[str, tuple[list[int], list[int]]] = defaultdict(lambda: ([], []))
    for pk, name, organization_id, email, phone, links in rows:
        if keys := saved_keys(email, phone, links, region):
            names[pk] = name
        for key in keys:
            if (owner := first_owner.setdefault(key, pk)) != pk:
                shared.setdefault(key, [owner]).append(pk)
        if organization_id in at:
            key, organization = at[organization_id]
            groups[key].append((pk, sorted_name(name), organization))
        if key := namesake_key(name):
            namesakes[key][organization_id in at].append(pk)
    pairs: dict[tuple[int, int], Pair] = {}
    for key, ids in shared.items():
        # A phone or a team's address (a switchboard, jobs@) under two names with nothing
        # in common is a question, as the import asks it (imports.services.plan); a key
        # that says sure, of two keys the two share, is the pair's reason.
        many = shared_by_many(key)
        for i, first in enumerate(ids[:-1]):
            for second in ids[i + 1:]:
                sure = not many or names_agree(names[first], names[second])
                found = pairs.get((first, second))
                if found is None or (sure and not found.sure):
                    pairs[first, second] = Pair(first, second, key.reason, sure)
    for group in groups.values():
        if len(group) > 1:
            for pair in similar_names(tuple(group)):
                pairs.setdefault((pair.first, pair.second), pair)
    for at_none, at_some in namesakes.values():
        # The very same name, and no organization to tell them apart: one of the two is
        # at none. (Both at one organization: compared there; at two: two people.) Only
        # the pairs themselves are walked, not every two people of a name (make bench's
        # 20,000 contacts share 3,646 names: 15,467 pairs in some 11 ms).
        for i, first in enumerate(at_none):
            for second in (*at_none[i + 1:], *at_some):
                key = (first, second) if first < second else (second, first)
                if key not in pairs:  # (a pair made only when it is new: thousands here)
                    pairs[key] = Pair(*key, "the same name", False)
    return sorted(pairs.values(), key=lambda p: (not p.sure, p.first, p.second))
