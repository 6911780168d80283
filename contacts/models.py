from __future__ import annotations

import re
from functools import reduce
from operator import or_
from urllib.parse import unquote, urlsplit

import phonenumbers
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import connections, models, transaction
from django.db.models import (
    Exists, Func, IntegerField, Max, OuterRef, Q, QuerySet, Subquery, Value,
)
from django.db.models.functions import Lower, StrIndex
from django.db.models.lookups import Contains, Exact
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.text import Truncator
from taggit.managers import TaggableManager
from taggit.models import Tag, TaggedItem

from contacts.identity import HONORIFICS, company_core, normal_phone
from followups.models import FollowUp
from netcrm.lib.fold import Digits, Folded, QuickFolded, folded_contains
from netcrm.lib.models import OwnedModel, OwnedQuerySet, count_of
from netcrm.lib.urls import reverse_pk

# pg_trgm indexes a fragment from three characters on: a shorter one reads them all.
TRIGRAM = 3
PHONE_QUERY = re.compile(r"\+?[\d\s().\-/]+")
PHONE_QUERY_DIGITS = 3  # "555" finds a number; "12" is more likely a name's part
PHONE_NUMBER_DIGITS = 7  # from here a query may be a whole number, read as one


def phone_digits(query: str) -> str:
    """The digits to look for in phone numbers when `query` is one or a part of one
    ("+1 (415) 555-0123", "555 01"), else "". A whole number looks for the number
    without its country code or trunk prefix (415 5550123; 30 1234567 for 030 1234567
    in Germany), which a number saved with or without them holds."""
    if not PHONE_QUERY.fullmatch(query):
        return ""
    found = "".join(c for c in query if c.isdigit())
    if len(found) < PHONE_QUERY_DIGITS:
        return ""
    if len(found) >= PHONE_NUMBER_DIGITS:
        try:
            number = phonenumbers.parse(query, settings.NETCRM_PHONE_REGION)
        except phonenumbers.NumberParseException:
            return found
        if phonenumbers.is_possible_number(number):
            return str(number.national_number)
    return found



SAME_COMPANY_LIMIT = 50  # names read to compare, of those sharing the first word


class OrganizationQuerySet(OwnedQuerySet):
    def same_company(self, organization: Organization) -> list[Organization]:
        """The user's other organizations that are likely `organization` typed another
        way ("ACME Inc." and "Acme"): the same name but for case, accents, punctuation
        and a legal suffix. One query, of those whose name has its first word."""
        core = company_core(organization.name)
        if not core:
            return []
        others = (
            self.for_user(organization.user_id).exclude(pk=organization.pk)
            .filter(folded_contains("name", core.split()[0]))
            .order_by("pk").only("pk", "name")[:SAME_COMPANY_LIMIT]
        )
        return [other for other in others if company_core(other.name) == core]

    def named(self, user, name: str, create: bool = True) -> Organization | None:
        """The user's organization called `name` (any case); a new one is created,
        or with create=False left unsaved for whoever saves the person at it."""
        name = " ".join(name.split())
        if not name:
            return None
        existing = self.for_user(user).same_name(name).order_by("pk").first()
        if existing or not create:
            return existing or Organization(user=user, name=name)
        return self.create(user=user, name=name)

    def same_name(self, name: str) -> OrganizationQuerySet:
        """Those called `name` whatever the case and accents: "école polytechnique" and
        "Ecole Polytechnique" are "École Polytechnique" (SQLite's own case folding, as
        its `iexact`, knows ASCII letters alone)."""
        return self.filter(Exact(Folded("name"), Folded(Value(name))))

    def search(self, query: str) -> OrganizationQuerySet:
        """Name containing `query`, case-insensitively (PostgreSQL: its trigram index)."""
        query = query.strip()
        return self.filter(folded_contains("name", query)) if query else self

    def with_list_columns(self) -> OrganizationQuerySet:
        """The organizations list's columns, each one subquery (never one query a row):
        contact_count, open_lead_count and last_touch (its people's latest interaction).

        Leads sit above contacts (jobs/): their model is reached through the relation,
        and "open" is their QuerySet's to say."""
        Lead = self.model.leads.field.model
        people = Contact.objects.filter(organization=OuterRef("pk"))
        latest = people.order_by().values("organization").annotate(
            at=Max("last_interaction_at")
        ).values("at")
        return self.annotate(
            contact_count=count_of(people, "organization"),
            open_lead_count=count_of(
                Lead.objects.filter(organization=OuterRef("pk")).open(), "organization"
            ),
            last_touch=Subquery(latest),
        )


class Organization(OwnedModel):
    """An employer or a group; a target company is one you would like to work for."""

    name = models.CharField(max_length=200)
    website = models.URLField(blank=True)
    is_target = models.BooleanField("target company", default=False)
    quiet_hours = models.CharField(
        max_length=200,
        blank=True,
        help_text="When to drop in: first thing in the morning, an hour before closing…",
    )
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = OrganizationQuerySet.as_manager()

    class Meta:
        ordering = [Folded("name")]
        constraints = [
            models.UniqueConstraint(
                "user", Lower("name"), name="organization_name_unique_per_user"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse_pk("home:organization-detail", self.pk)

    def merge_into(self, other: Organization) -> tuple[int, int]:
        """Make this organization and `other` one ("ACME Inc." typed once, "Acme"
        another time): its people, its leads and its alumni move to `other`, which stays a target if
        either was and takes the website, quiet hours and notes it lacks; this one is
        deleted. (people, leads) moved. `other` is saved as it is given (its name may
        be retyped), after this one is gone.

        Leads sit above contacts (jobs/): they are reached through their relation."""
        with transaction.atomic():
            people = self.contacts.update(organization=other)
            leads = self.leads.update(organization=other)
            # Those who used to work here used to work there (once each).
            Alumni = Contact.past_organizations.through
            Alumni.objects.filter(
                organization=self, contact__in=Alumni.objects.filter(organization=other)
                .values("contact")
            ).delete()
            Alumni.objects.filter(organization=self).update(organization=other)
            other.is_target = other.is_target or self.is_target
            other.website = other.website or self.website
            other.quiet_hours = other.quiet_hours or self.quiet_hours
            if self.notes.strip() and self.notes.strip() not in other.notes:
                other.notes = f"{other.notes}\n\n{self.notes}".strip()
            Organization.objects.filter(pk=self.pk).delete()
            other.save()
        return people, leads


# Links may open a page, write an email or call: nothing that runs code.
LINK_SCHEMES = ("http", "https", "mailto", "tel")


def link_href(text: str) -> str | None:
    """Where a line of a contact's links may point: itself when its scheme is safe,
    https:// in front of a bare address ("linkedin.com/in/sara"), else None (shown
    as plain text: javascript:, data:, vbscript:…)."""
    text = text.strip()
    scheme = urlsplit(text).scheme.lower()
    if scheme in LINK_SCHEMES:
        return text
    if not scheme and "." in text.split("/")[0] and not any(c.isspace() for c in text):
        return f"https://{text}"
    return None


def link_address(href: str) -> tuple[str, str]:
    """("mailto", "ana@x.org") of a link that writes an email, ("tel", "+1 415 555 0123")
    of one that calls; ("", "") of any other (a web address, or no address after the
    scheme)."""
    scheme, _, rest = href.partition(":")
    scheme = scheme.lower()
    if scheme not in ("mailto", "tel"):
        return "", ""
    address = unquote(rest.split("?")[0]).strip()
    return (scheme, address) if address else ("", "")


def readable_number(number: str) -> str:
    """A number as an import keeps it (+14155550188), spaced as it is dialled
    (+1 415-555-0188); any other as it was typed."""
    if not re.fullmatch(r"\+\d{7,15}", number):
        return number
    try:
        parsed = phonenumbers.parse(number, None)
    except phonenumbers.NumberParseException:
        return number
    if not phonenumbers.is_possible_number(parsed):
        return number
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def in_links(scheme: str, pattern: str) -> Q:
    """A filter: a line of a contact's links is a `scheme`: link whose rest matches the
    regular expression `pattern` (case aside). The plain LIKE goes first, so SQLite (whose
    REGEXP is a call into Python) runs the expression only on links that name the scheme;
    on PostgreSQL it is the condition of contact_other_email_idx (Contact.Meta), which
    holds the contacts with a mailto: link."""
    line = f"(^|\n)[ \t]*{scheme}:[^\n]*{pattern}"
    return Q(links__icontains=f"{scheme}:") & Q(links__iregex=line)


def validate_links(value: str) -> None:
    bad = [line.strip() for line in value.splitlines() if line.strip() and not link_href(line)]
    if bad:
        shown = Truncator(bad[0]).chars(60)
        raise ValidationError(
            f"“{shown}” is not a link netcrm can open: use http://, https://, mailto: or tel:.",
            code="unsafe_link",
        )


# The follow-up kind that keeps a contact warm (contacts/followups.py).
KEEP_IN_TOUCH = "keep_in_touch"


class Source(models.TextChoices):
    KNEW = "knew", "Someone I already knew"
    REFERRAL = "referral", "Referral"
    EVENT = "event", "Event"
    GROUP = "group", "Group or meetup"
    VOLUNTEERING = "volunteering", "Volunteering"
    ONLINE = "online", "Online"
    INBOUND = "inbound", "They reached out"
    OTHER = "other", "Other"


# A "how you met" that can name the event or group (Contact.met_at).
EVENT_SOURCES = (Source.EVENT, Source.GROUP, Source.VOLUNTEERING)


class _Rank(Func):
    """Where a text was found in another (STRPOS, INSTR: 1 at its start, 0 nowhere) as
    0 at the start, 1 further on, 2 nowhere: one search of the text per row."""

    template = "CASE %(expressions)s WHEN 1 THEN 0 WHEN 0 THEN 2 ELSE 1 END"
    output_field = IntegerField()


def name_match(query: str) -> _Rank:
    """How well a contact's name matches `query`, to order search results by: 0 for a
    name that starts with it, 1 for one that holds it further on, 2 for someone found
    by anything else (title, organization, email…); folded as search folds it
    ("ines" is at the start of "Inès Durand")."""
    return _Rank(StrIndex(QuickFolded("name"), Folded(Value(query.strip()))))


class ContactQuerySet(OwnedQuerySet):
    def best_matches_first(self, query: str) -> ContactQuerySet:
        """Ordered as search results: by name_match, then by name, then by id (a total
        order: pages never overlap). In the same query: no search of its own."""
        return self.order_by(name_match(query), Folded("name"), "pk")

    def search(self, query: str) -> ContactQuerySet:
        """Name, title, organization, an email (theirs or another among their links)
        or tag containing `query`, case-insensitively; and for a query that is a phone
        number or a part of one, the phone numbers (theirs or others among their links)
        that hold it, whatever their punctuation."""
        query = query.strip()
        if not query:
            return self
        tagged = TaggedItem.objects.filter(
            content_type=ContentType.objects.get_for_model(Contact),
            tag__name__icontains=query,
        ).values("object_id")
        # Names and titles whatever their accents: "alvarez" finds Álvarez, "ingenieur"
        # Ingénieur (netcrm/lib/fold.py).
        organizations = Organization.objects.filter(folded_contains("name", query)).values("pk")
        name, *others = [
            Q(folded_contains("name", query)), Q(folded_contains("title", query)),
            Q(email__icontains=query), Q(organization__in=organizations),
            # Their other addresses (a phone's card gives several: the first is the
            # email, the rest mailto: links).
            Q(links__icontains=query) & in_links("mailto", re.escape(query)),
        ]
        if number := phone_digits(query):
            # No index: the user's phones are read to compare their digits (a number
            # typed is rare beside names; 10,000 contacts, PostgreSQL: see bench/README);
            # their other numbers (tel: links) in the same pass, any punctuation between
            # the digits.
            others.append(
                ~Q(phone="") & Q(Contains(Digits("phone"), Value(number)))
                | in_links("tel", "[^0-9\n]*".join(number))
            )
        if len(query) < TRIGRAM or connections[self.db].vendor == "sqlite":
            # Too short for a trigram, or SQLite (which has no such index): nothing
            # narrows it, and one pass over the user's contacts tests every condition
            # at once (a = 10 ms at 10,000 on PostgreSQL; on SQLite, "son" counted at
            # 20,000: 27 → 22 ms against a pass for each way, 43 → 33 with 15% of the
            # names accented).
            return self.filter(reduce(or_, others, name) | Q(pk__in=tagged))
        # Each way to match on its own, so that PostgreSQL answers each from its index
        # (the trigram indexes of names, emails and titles: contacts migrations 0007,
        # 0010 and 0013)
        # and reads only the contacts found, never every contact to test its email:
        # "chen" at 10,000 contacts, 18 → 5 ms. (The ids found are the user's own:
        # the tags' are limited to them by the outer filter.)
        ways = [self.filter(way).values("pk") for way in others]
        found = self.filter(name).values("pk").union(*ways, tagged, all=True)
        return self.filter(pk__in=found)

    def same_name(self, name: str) -> ContactQuerySet:
        """Those called `name` whatever its case and accents ("zoe lopez" is Zoë López)
        and the spaces typed around and between its words, as search compares names."""
        return self.filter(Exact(Folded("name"), Folded(Value(" ".join(name.split())))))

    def already_there(self, name: str, email: str, limit: int = 3) -> list[tuple[Contact, str]]:
        """Contacts who may be the one about to be added: the same email, or the same
        name whatever its case and accents; each with why. One query."""
        email = email.strip().lower()
        same = Q(Exact(Folded("name"), Folded(Value(" ".join(name.split())))))
        if email:
            same |= Q(email__iexact=email)
        found = self.filter(same).select_related("organization").order_by("pk")[:limit]
        return [
            (c, "the same email" if email and c.email.lower() == email else "the same name")
            for c in found
        ]

    def with_list_columns(self, now=None) -> ContactQuerySet:
        """The contacts list's columns, each one subquery (never one query a row):
        last_meeting (the latest held) and next_followup (the earliest open one).

        Meetings sit above contacts: they are reached through their relation's table."""
        now = now or timezone.now()
        held = Contact.meetings.through.objects.filter(
            contact_id=OuterRef("pk"), meeting__starts_at__lte=now
        ).order_by("-meeting__starts_at").values("meeting__starts_at")[:1]
        due = FollowUp.objects.filter(contact_id=OuterRef("pk")).open().order_by(
            "due_at"
        ).values("due_at")[:1]
        return self.annotate(last_meeting=Subquery(held), next_followup=Subquery(due))

    def without_meetings(self) -> ContactQuerySet:
        """Contacts you have never had a meeting with (held or planned)."""
        return self.exclude(
            Exists(Contact.meetings.through.objects.filter(contact_id=OuterRef("pk")))
        )

    def tagged(self, name: str) -> ContactQuerySet:
        """Contacts carrying the tag called `name`."""
        return self.filter(tags__name=name)

    def with_tags(self) -> ContactQuerySet:
        """Each contact's tags in one query, as `contact.tag_list` (see sorted_tags).
        (A plain prefetch_related("tags") builds a queryset for every contact first:
        taggit's manager is costly to make, a millisecond a row.)"""
        return self.prefetch_related(models.Prefetch("tags", to_attr="tag_list"))

    def tag_names(self) -> list[str]:
        """The tags used on these contacts, alphabetically (one query).

        Each tag asks whether one of these contacts carries it (a semi-join that stops
        at the first), rather than every tagging of these contacts being joined and
        made distinct: 5.4 → 0.7 ms for 10,000 contacts, 1,700 of their taggings."""
        return list(self.tag_names_query())

    def tag_names_query(self) -> QuerySet:
        """tag_names, unevaluated."""
        used = TaggedItem.objects.filter(
            tag=OuterRef("pk"),
            content_type=ContentType.objects.get_for_model(Contact),
            object_id__in=self.values("pk"),
        )
        return (
            Tag.objects.filter(Exists(used))
            .order_by(Folded("name"), "name")  # "alumni" before "Work"
            .values_list("name", flat=True)
        )


class Contact(OwnedModel):
    """A person in the user's network."""

    name = models.CharField(max_length=200)
    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.SET_NULL, related_name="contacts"
    )
    title = models.CharField(max_length=200, blank=True)
    past_organizations = models.ManyToManyField(
        Organization, blank=True, related_name="alumni", verbose_name="used to work at",
        help_text="Where they worked before: they still know people there.",
    )
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    links = models.TextField(
        blank=True, validators=[validate_links],
        help_text="LinkedIn, a website, mailto: or tel:… one per line.",
    )
    source = models.CharField(
        "how you met", max_length=20, choices=Source, default=Source.KNEW
    )
    met_at = models.ForeignKey(  # by name: events sit above contacts
        "events.Event", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="people_met", verbose_name="met at",
    )
    tags = TaggableManager(blank=True, help_text="Separate tags with commas.")
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    last_interaction_at = models.DateTimeField(null=True, blank=True)
    keep_in_touch_days = models.PositiveSmallIntegerField(
        "keep in touch every", null=True, blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(730)],
        help_text="Days between touches; netcrm reminds you when it has been that long.",
    )

    objects = ContactQuerySet.as_manager()

    class Meta:
        ordering = [Folded("name"), "pk"]
        # Sorted by name (Folded): on PostgreSQL from (user, netcrm_fold(name)), made by
        # migration 0012 alone, as SQLite's fold is a Python function of each connection.
        indexes = [
            models.Index(fields=["user", "-created_at"], name="contact_user_created_idx"),
            # The few on a cadence, for the sweep's keep-in-touch check every minute.
            models.Index(
                fields=["keep_in_touch_days"], condition=Q(keep_in_touch_days__isnull=False),
                name="contact_cadence_idx",
            ),
            # The few with other emails among their links, for search (in_links): the
            # very condition it writes, so that PostgreSQL reads the user's contacts
            # that have one, not all of them (10,000: a pass 4-6 ms, a few rows 0.1).
            models.Index(
                fields=["user"], condition=Q(links__icontains="mailto:"),
                name="contact_other_email_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def sorted_tags(self) -> list[Tag]:
        """The contact's tags by name: prefetched by ContactQuerySet.with_tags, or one
        query."""
        tags = getattr(self, "tag_list", None)
        return sorted(self.tags.all() if tags is None else tags, key=lambda tag: tag.name)

    def get_absolute_url(self) -> str:
        return reverse_pk("home:contact-detail", self.pk)

    @property
    def first_name(self) -> str:
        """What a note calls them: "Émile" of "Dr. Émile Zola-Dupont", "Sara" of
        "Sara Smith"; a title alone ("Dr. Who"'s "Who") is never the name."""
        words = self.name.split()
        while len(words) > 1 and words[0].rstrip(".").casefold() in HONORIFICS:
            words = words[1:]
        return words[0] if words else self.name

    @property
    def link_list(self) -> list[tuple[str, str | None]]:
        """(text, href) for each line; href is None for one that must not be a link."""
        return [(line.strip(), link_href(line)) for line in self.links.splitlines() if line.strip()]

    @cached_property
    def _addresses(self) -> dict[str, list[tuple[str, str | None]]]:
        """The contact's emails and phone numbers, each (address, href) with the one of
        its own field first and then those among its links (mailto:, tel:), each once;
        and the rest of its links as link_list gives them (key ""). Worked out once for
        a page's emails, phones and web links."""
        found = {
            "mailto": [(self.email, f"mailto:{self.email}")] if self.email else [],
            "tel": [(self.phone, f"tel:{self.phone}")] if self.phone else [],
            "": [],
        }
        # A number once, however it is written: (503) 555-0142 typed and +15035550142
        # from a phone's card are one (for the region numbers are read in).
        seen = {self.email.casefold(), normal_phone(self.phone)} - {""}
        for text, href in self.link_list:
            scheme, address = link_address(href) if href else ("", "")
            if not scheme:
                found[""].append((text, href))
                continue
            key = address.casefold() if scheme == "mailto" else normal_phone(address)
            if key not in seen:
                seen.add(key)
                found[scheme].append(
                    (readable_number(address) if scheme == "tel" else address, href)
                )
        return found

    @property
    def emails(self) -> list[tuple[str, str | None]]:
        """(address, mailto: href) of each email: its own field's, then its other ones."""
        return self._addresses["mailto"]

    @property
    def phones(self) -> list[tuple[str, str | None]]:
        """(number, tel: href) of each phone number: its own field's, then its other ones."""
        return self._addresses["tel"]

    @property
    def web_links(self) -> list[tuple[str, str | None]]:
        """The links that are neither an email nor a phone number, as link_list."""
        return self._addresses[""]

    def email_matching(self, query: str) -> str:
        """The first of its emails that holds `query` (any case), else its own email:
        what a search result shows beside the name."""
        query = query.strip().casefold()
        return next(
            (a for a, _ in self.emails if query and query in a.casefold()), self.email
        )

    def save_with_organization(self) -> Contact:
        """Save a new person; an organization not saved yet is found or created by name
        (so two new people at one new organization share it)."""
        if self.organization is not None and self.organization.pk is None:
            self.organization = Organization.objects.named(self.user, self.organization.name)
        self.save()
        return self

    def touch(self, moment) -> bool:
        """Record an interaction; the latest one wins, and restarts the keep-in-touch
        clock (the open reminder moves a cadence later). True if it was the latest."""
        if self.last_interaction_at is None or moment > self.last_interaction_at:
            latest = Contact.objects.filter(pk=self.pk).filter(
                Q(last_interaction_at__isnull=True) | Q(last_interaction_at__lt=moment)
            ).update(last_interaction_at=moment)
            self.last_interaction_at = moment
            if latest and self.keep_in_touch_days:
                from contacts.services import sync_keep_in_touch

                sync_keep_in_touch([self.pk])
            return bool(latest)
        return False

    def log_note(self, body: str, happened_at=None) -> Note:
        """A call, an email, a chat: saved, and counted as an interaction."""
        note = Note.objects.create(
            user_id=self.user_id, contact=self, body=body,
            happened_at=happened_at or timezone.now(),
        )
        self.touch(note.happened_at)
        return note

    def set_keep_in_touch(self, days: int | None):
        """Change the cadence (None: no reminders) and reschedule the open reminder."""
        from contacts.services import set_cadence

        self.keep_in_touch_days = days
        return set_cadence(Contact.objects.filter(pk=self.pk), days)[1]

    def keep_in_touch_reminder(self):
        """The open keep-in-touch reminder, if any."""
        return self.followups.filter(kind=KEEP_IN_TOUCH).open().first()


class Note(OwnedModel):
    """A call, an email, a chat at an event: any touch that keeps a contact warm."""

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="notes_logged")
    body = models.TextField()
    happened_at = models.DateTimeField("when", default=timezone.now)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-happened_at", "-pk"]
        indexes = [models.Index(fields=["contact", "-happened_at"], name="note_contact_idx")]

    def __str__(self) -> str:
        return f"Note on {self.contact}: {self.body[:40]}"
