"""Searching everything a user has: each kind of row with the search its own list page
uses (so "see all N" opens that list filtered, showing the same N), a few of each."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, QuerySet, Window
from django.urls import reverse
from django.utils.http import urlencode
from netcrm.lib.fold import Folded
from netcrm.lib.text import matched_text

from contacts.models import Contact, Organization
from jobs.models import Lead
from meetings.models import SEARCHED, SHORT_NOTE, Meeting, searches_text

SHOWN = 10
# Counted up to this many, then "1,000+": counting every meeting a query of two
# letters finds took the heavy user's search 45-80 ms, up to a thousand 12-23.
COUNTED_UP_TO = 1000


@dataclass
class Group:
    """One kind of result: the first SHOWN rows, how many in all, where to see them."""

    key: str
    label: str
    rows: list = field(default_factory=list)
    count: int = 0
    see_all: str = ""
    note: str = ""  # how it was searched, when not as the label says
    exact: bool = False  # counted whatever the number (else up to COUNTED_UP_TO and one)

    @property
    def more(self) -> bool:
        return self.count > len(self.rows)

    @property
    def capped(self) -> bool:
        """Whether there are more than COUNTED_UP_TO, and `count` says no more."""
        return not self.exact and self.count > COUNTED_UP_TO

    @property
    def count_label(self) -> str:
        """"6", "1,546", "1,000+"."""
        return f"{COUNTED_UP_TO:,}+" if self.capped else f"{self.count:,}"


def found_label(groups: list[Group]) -> str:
    """"1 result", "2,047 results", "more than 3,000 results"."""
    total = sum(g.count if not g.capped else COUNTED_UP_TO for g in groups)
    words = f"{total:,} result{'' if total == 1 else 's'}"
    return f"more than {words}" if any(g.capped for g in groups) else words


def _group(key: str, label: str, rows: QuerySet, see_all: str, counted: bool = False) -> Group:
    """The first SHOWN rows; the count (up to COUNTED_UP_TO and one) costs a query only
    when there are more.

    `counted`: the count comes with the rows instead (a window count beside each), so
    that the search is worked out once: the heavy user's meetings with "son" (6,106 of
    them), 49 -> 30 ms (meetings.models.searches_text). Not for people: with it
    PostgreSQL walked the names' index in order and tested each of the 10,000 against
    the matches (876 ms against 42)."""
    if counted:
        shown = list(rows.annotate(_found=Window(Count("pk")))[:SHOWN])
        return Group(key, label, shown, shown[0]._found if shown else 0, see_all, exact=True)
    shown = list(rows[:SHOWN])
    count = (
        len(shown) if len(shown) < SHOWN else rows.order_by()[:COUNTED_UP_TO + 1].count()
    )
    return Group(key, label, shown, count, see_all)


LEAD_TEXT = ("notes",)


def search_everything(user, query: str) -> list[Group]:
    """People, organizations, meetings and leads of `user` matching `query`."""
    q = urlencode({"q": query})
    people = (
        Contact.objects.for_user(user).search(query).select_related("organization")
        .best_matches_first(query)
    )
    organizations = (
        Organization.objects.for_user(user).search(query).with_list_columns()
        .order_by(Folded("name"), "pk")
    )
    meetings = (
        Meeting.objects.for_user(user).search(query).with_contacts()
        .order_by("-starts_at", "-pk")
    )
    leads = (
        Lead.objects.for_user(user).search(query).select_related("organization")
        .order_by("-updated_at", "-pk")
    )
    groups = [
        _group("people", "People", people, f"{reverse('contacts:contact-list')}?{q}"),
        _group(
            "organizations", "Organizations", organizations,
            f"{reverse('contacts:organization-list')}?{q}",
        ),
        _group(
            "meetings", "Meetings", meetings, f"{reverse('meetings:meeting-list')}?{q}",
            counted=searches_text(query),
        ),
        _group("leads", "Leads", leads, f"{reverse('jobs:lead-list')}?view=list&{q}"),
    ]
    for person in groups[0].rows:  # found by another address: that one, not the first
        person.shown_email = person.email_matching(query)
    if searches_text(query):
        for meeting in groups[2].rows:
            meeting.matched = matched_text(meeting, SEARCHED, query)
    else:
        groups[2].note = SHORT_NOTE
    for lead in groups[3].rows:
        lead.matched = matched_text(lead, LEAD_TEXT, query)
    return groups
