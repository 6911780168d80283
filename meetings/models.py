from __future__ import annotations

import re
from datetime import datetime, timedelta

from django.db import models
from django.db.models import F, OuterRef, Q, Subquery
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.text import Truncator

from contacts.models import TRIGRAM, Contact
from netcrm.lib.fold import Folded, folded_contains
from netcrm.lib.models import OwnedModel, OwnedQuerySet, count_of
from netcrm.lib.prepared import Prepared, PreparedMany
from netcrm.lib.urls import reverse_pk
from referrals.models import Referral


class Kind(models.TextChoices):
    COFFEE = "coffee", "Coffee"
    CALL = "call", "Call"
    VISIT = "visit", "Visit"
    EVENT = "event", "Event conversation"
    INFORMATIONAL = "informational", "Informational interview"


# How drafts speak of a meeting of each kind: "Prepare for coffee with …",
# "Thank you for taking the time for our call", "It's been a few weeks since my visit".
PHRASES: dict[str, tuple[str, str, str]] = {
    # kind: (preparing for, thanking for, since)
    Kind.COFFEE: ("coffee", "coffee", "our coffee"),
    Kind.CALL: ("the call", "our call", "our call"),
    Kind.VISIT: ("the visit", "my visit", "my visit"),
    Kind.EVENT: ("the conversation", "our conversation", "we talked"),
    Kind.INFORMATIONAL: ("the informational interview", "our conversation", "we talked"),
}
OTHER_PHRASES = ("the meeting", "our conversation", "we talked")


class Invited(models.TextChoices):
    ME = "me", "I invited them"
    THEM = "them", "They invited me"


class Paid(models.TextChoices):
    ME = "me", "I paid"
    THEM = "them", "They paid"
    SPLIT = "split", "We split it"
    NOBODY = "nobody", "Nothing to pay"


class Period(models.TextChoices):
    """The meetings list's periods: the planned ones, or the last so many days."""

    UPCOMING = "upcoming", "Upcoming"
    WEEK = "7", "Last 7 days"
    MONTH = "30", "Last 30 days"
    QUARTER = "90", "Last 90 days"
    YEAR = "365", "Last year"


# What a meeting's search reads besides the people met; meetings 0006 gives each a
# trigram index of its folded text on PostgreSQL.
SEARCHED = ("notes", "purpose", "outcome", "location")


def written(query: str) -> Q:
    """Notes, purpose, outcome or place containing `query`, whatever the accents and
    the case ("cafe" finds Café)."""
    found = Q()
    for field in SEARCHED:
        found |= Q(folded_contains(field, query))
    return found


def searches_text(query: str) -> bool:
    """Whether search(query) reads what was written (notes, purpose, outcome, place):
    from three characters on. One or two letters are in nearly every meeting's notes
    ("so": also, sometimes…), so a shorter query finds meetings by the people met
    alone; reading every meeting's notes for it took the heavy user's search 100-150
    ms, finding nothing the names did not.

    A page of a search of the text counts what it found beside its rows (a window
    count: the search worked out once; "son": 49 -> 30 ms for the heavy user); one of
    names alone counts by a query of its own, as with the window PostgreSQL tested
    every meeting's people one by one (48 -> 168 ms for "so")."""
    return len(query.strip()) >= TRIGRAM


SHORT_NOTE = "Found by the people met; notes and places from three letters on."


class MeetingQuerySet(OwnedQuerySet):
    def upcoming(self, now: datetime | None = None) -> MeetingQuerySet:
        return self.filter(starts_at__gt=now or timezone.now()).order_by("starts_at")

    def past(self, now: datetime | None = None) -> MeetingQuerySet:
        return self.filter(starts_at__lte=now or timezone.now()).order_by("-starts_at")

    def search(self, query: str) -> MeetingQuerySet:
        """Notes, purpose, outcome, place (`written`) or a participant's name containing
        `query`, whatever the case and the accents (each meeting once); names alone
        for a query of one or two characters (`searches_text`).

        On PostgreSQL each of the four fields has a trigram index (meetings 0006), which
        the planner reads together (a BitmapOr) for the four alone; the heavy user's
        30,000 meetings were read to test them each time (190 ms for a word in none).
        The people's names are one more way, kept apart in a union only when someone's
        name matches: as part of the same condition they would have the planner read
        every meeting again (one query more, on the names' index, to know)."""
        query = query.strip()
        if not query:
            return self
        met = Meeting.contacts.through.objects.filter(folded_contains("contact__name", query))
        if not searches_text(query):
            return self.filter(pk__in=met.values("meeting_id"))
        fields = written(query)
        if not met.exists():
            return self.filter(fields)
        found = self.filter(fields).values("pk").union(met.values("meeting_id"), all=True)
        return self.filter(pk__in=found)

    def in_period(self, period: str, now: datetime | None = None) -> MeetingQuerySet:
        """Meetings of a Period ("upcoming", "30": the last 30 days); anything else: all."""
        now = now or timezone.now()
        if period == Period.UPCOMING:
            return self.filter(starts_at__gt=now)
        if period in Period.values:
            return self.filter(starts_at__lte=now, starts_at__gt=now - timedelta(days=int(period)))
        return self

    def with_referral_count(self) -> MeetingQuerySet:
        """`referral_count`: the referrals given there, one subquery through the
        referrals' meeting index (never one query a row; nor a join, which read all of
        the heavy user's 20,000 referrals to group them for insights' 1,500 meetings)."""
        return self.annotate(
            referral_count=count_of(Referral.objects.filter(meeting=OuterRef("pk")), "meeting")
        )

    def with_list_columns(self) -> MeetingQuerySet:
        """The meetings list's columns, each one subquery (never one query a row):
        referral_count (with_referral_count) and first_name (the participant first in
        the alphabet, to sort by who)."""
        first = (
            Meeting.contacts.through.objects.filter(meeting=OuterRef("pk"))
            .order_by(Folded("contact__name")).values("contact__name")[:1]
        )
        return self.with_referral_count().annotate(first_name=Lower(Subquery(first)))

    def with_contacts(self) -> MeetingQuerySet:
        return self.prefetch_related(
            models.Prefetch("contacts", queryset=Contact.objects.select_related("organization"))
        )


# A page's meetings' people in one prepared query (netcrm/lib/prepared.py), kept as
# with_contacts keeps them: each with their organization, in the order of names.
MEETING_PEOPLE = PreparedMany("contacts", Prepared(lambda ids: (
    Contact.objects.select_related("organization").filter(meetings__in=ids)
    .annotate(_owner=F("meetings"))
), "meetings: their people"))


class Meeting(OwnedModel):
    """A coffee, call, visit or conversation with one or more contacts."""

    kind = models.CharField(max_length=20, choices=Kind, default=Kind.COFFEE)
    starts_at = models.DateTimeField("when", default=timezone.now)
    length_minutes = models.PositiveSmallIntegerField(
        "agreed length (minutes)", default=15, help_text="Ask for 15 minutes; leave after 15."
    )
    location = models.CharField(max_length=200, blank=True)
    purpose = models.TextField(
        blank=True,
        help_text="A positive reason to meet, what you hope to learn about: "
        "“how Acme's data team hires”.",
    )
    questions = models.TextField(blank=True, help_text="The questions you prepared.")
    notes = models.TextField(blank=True)
    outcome = models.TextField(blank=True)
    invited_by = models.CharField(
        "who invited", max_length=10, choices=Invited, default=Invited.ME
    )
    paid_by = models.CharField(
        "who paid", max_length=10, choices=Paid, default=Paid.ME,
        help_text="If you invite, you pay.",
    )
    contacts = models.ManyToManyField(Contact, related_name="meetings")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_at", "-pk"]
        indexes = [
            models.Index(fields=["user", "-starts_at"], name="meeting_user_starts_idx"),
            # The beat sweep looks at meetings logged or held lately, across users.
            models.Index(fields=["created_at"], name="meeting_created_idx"),
            models.Index(fields=["starts_at"], name="meeting_starts_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse_pk("meetings:meeting-detail", self.pk)

    @property
    def people(self) -> str:
        names = [c.name for c in self.contacts.all()]
        if len(names) <= 2:
            return " and ".join(names) or "nobody yet"
        return f"{', '.join(names[:-1])} and {names[-1]}"

    @property
    def title(self) -> str:
        return f"{self.get_kind_display()} with {self.people}"

    @property
    def kind_name(self) -> str:
        """"coffee", "informational interview": the kind as a noun in a sentence."""
        return self.get_kind_display().lower()

    @property
    def occasion(self) -> str:
        """What you prepare for: "coffee", "the call"…"""
        return PHRASES.get(self.kind, OTHER_PHRASES)[0]

    @property
    def thanks_for(self) -> str:
        """What a thank-you thanks for: "coffee", "our call"…"""
        return PHRASES.get(self.kind, OTHER_PHRASES)[1]

    @property
    def since(self) -> str:
        """"It's been a few weeks since …": "our coffee", "we talked"…"""
        return PHRASES.get(self.kind, OTHER_PHRASES)[2]

    @property
    def ends_at(self) -> datetime:
        return self.starts_at + timedelta(minutes=self.length_minutes)

    @property
    def is_upcoming(self) -> bool:
        return self.starts_at > timezone.now()

    def discussed(self, words: int = 25) -> str:
        """The purpose as the topic a drafted note names ("what you shared about …",
        "we talked about …"), never the private notes; "" when it names none.

        A purpose is often said as what to do: "Learn about data teams" is about "data
        teams", "How Acme hires" reads "how Acme hires" mid-sentence, and "Catch up" is
        no topic at all."""
        text = " ".join(self.purpose.split()).rstrip(".!")
        if text.lower() in NO_TOPIC:
            return ""
        text = LEAD_IN.sub("", text, count=1) or text
        if QUESTION.match(text):
            text = text[0].lower() + text[1:]
        return Truncator(text).words(words, truncate="…")

    def touch_contacts(self) -> None:
        """A meeting that has happened is each participant's latest interaction."""
        if self.starts_at <= timezone.now():
            for contact in self.contacts.all():
                contact.touch(self.starts_at)


# What a purpose may start with that a note's sentence says already (Meeting.discussed).
LEAD_IN = re.compile(
    r"^(?:to\s+)?(?:(?:learn|hear|find\s+out|ask|talk|chat)(?:\s+more)?\s+about|discuss(?:ing)?)\s+",
    re.IGNORECASE,
)
QUESTION = re.compile(r"^(?:How|What|Why|Where|Which|Who|When|Whether)\b")
NO_TOPIC = {
    "catch up", "catch-up", "catching up", "coffee", "chat", "check in", "check-in",
    "intro", "introduction", "networking", "informational interview", "info interview",
}


class QuestionTemplate(OwnedModel):
    """A question worth asking, kept in the user's library to pick when preparing."""

    text = models.CharField(max_length=500)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.text
