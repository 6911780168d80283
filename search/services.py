"""Searching everything a user has: each kind of row with the search its own list page
uses (so "see all N" opens that list filtered, showing the same N), a few of each."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.http import urlencode
from netcrm.lib.fold import Folded

from contacts.models import Contact, Organization
from jobs.models import Lead
from meetings.models import Meeting

SHOWN = 10


@dataclass
class Group:
    """One kind of result: the first SHOWN rows, how many in all, where to see them."""

    key: str
    label: str
    rows: list = field(default_factory=list)
    count: int = 0
    see_all: str = ""

    @property
    def more(self) -> bool:
        return self.count > len(self.rows)


def _group(key: str, label: str, rows: QuerySet, see_all: str) -> Group:
    """The first SHOWN rows; the count costs a query only when there are more."""
    shown = list(rows[:SHOWN])
    count = len(shown) if len(shown) < SHOWN else rows.order_by().count()
    return Group(key, label, shown, count, see_all)


def matched_text(row, fields: tuple[str, ...], query: str) -> str:
    """The first of `fields` whose text holds `query` (any case), to show around it."""
    needle = query.casefold()
    for name in fields:
        value = getattr(row, name) or ""
        if needle in value.casefold():
            return value
    words = query.casefold().split()
    for name in fields:
        value = getattr(row, name) or ""
        if any(w in value.casefold() for w in words):
            return value
    return ""


MEETING_TEXT = ("notes", "purpose", "outcome", "location")
LEAD_TEXT = ("notes",)


def search_everything(user, query: str) -> list[Group]:
    """People, organizations, meetings and leads of `user` matching `query`."""
    q = urlencode({"q": query})
    people = (
        Contact.objects.for_user(user).search(query).select_related("organization")
        .order_by(Folded("name"), "pk")
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
        _group("meetings", "Meetings", meetings, f"{reverse('meetings:meeting-list')}?{q}"),
        _group("leads", "Leads", leads, f"{reverse('jobs:lead-list')}?view=list&{q}"),
    ]
    for meeting in groups[2].rows:
        meeting.matched = matched_text(meeting, MEETING_TEXT, query)
    for lead in groups[3].rows:
        lead.matched = matched_text(lead, LEAD_TEXT, query)
    return groups
