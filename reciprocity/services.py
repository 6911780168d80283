"""Reciprocation: log who asked you for help, record how you answered, and the
ledger of who helped whom. The follow-ups (a priority reply, help back) are
reciprocity/followups.py's kinds."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.db.models import Count, QuerySet, Value
from django.utils import timezone

from contacts.models import Contact
from followups.models import FollowUp, Status
from followups.tasks import followups_after_save
from meetings.models import Invited, Meeting, Paid
from netcrm.lib.prepared import Prepared
from reciprocity.models import Ask, InboundRequest, RequestStatus
from referrals.models import IntroStatus, Progress, Referral

ANSWERS = [RequestStatus.REPLIED, RequestStatus.HELPED, RequestStatus.DECLINED]


@transaction.atomic
def log_request(inbound: InboundRequest) -> InboundRequest:
    """Someone asked for help: save it (and them, if new); they reached out, which is
    a touch; the worker drafts the priority reply once it commits."""
    if inbound.contact.pk is None:
        inbound.contact = inbound.contact.save_with_organization()
    inbound.save()
    inbound.contact.touch(inbound.received_at)
    followups_after_save("reciprocity.InboundRequest", inbound.pk)
    return inbound


def answer_request(inbound: InboundRequest, status: str, now: datetime | None = None) -> int:
    """Record how the user answered; their reply follow-up is done. Returns how many closed."""
    if status not in ANSWERS:
        raise ValueError(f"not an answer: {status!r}")
    now = now or timezone.now()
    with transaction.atomic():
        inbound.status = status
        inbound.save(update_fields=["status"])
        inbound.contact.touch(now)  # answering is a touch: it keeps the contact warm
        return FollowUp.objects.filter(inbound_request=inbound).open().update(
            status=Status.DONE, completed_at=now
        )


# The ledger on a contact's page -------------------------------------------------------

LEDGER_REQUESTS = 5


@dataclass(frozen=True)
class Ledger:
    """Who helped whom, between the user and one contact."""

    contact: Contact
    meetings: dict
    referrals: dict
    requests: dict
    recent_requests: list[InboundRequest]

    @property
    def they_helped(self) -> int:
        """Times they gave you their time or a name."""
        return self.meetings["total"] + self.referrals["total"]

    @property
    def you_helped(self) -> int:
        return self.requests["helped"]

    @property
    def balance(self) -> str:
        """"ahead" (they helped you more), "even", "behind" or "empty", from their side."""
        if not self.they_helped and not self.you_helped:
            return "empty"
        if self.they_helped > self.you_helped:
            return "ahead"
        return "even" if self.they_helped == self.you_helped else "behind"


def _grouped(**questions) -> QuerySet:
    """For each name=(queryset, field, field): how many rows have each pair of values,
    as (value, value, count, name) rows. One small GROUP BY each (cheaper to build than
    a count per question), all sent as one query (UNION ALL), each row saying whose it
    is."""
    grouped = [
        queryset.order_by().values_list(*fields).annotate(n=Count("pk"), whose=Value(name))
        for name, (queryset, *fields) in questions.items()
    ]
    return grouped[0].union(*grouped[1:], all=True).order_by()


def _groups(rows, *names: str) -> dict[str, list[tuple]]:
    """_grouped's rows by the question they answer."""
    found: dict[str, list[tuple]] = {name: [] for name in names}
    for *row, whose in rows:
        found[whose].append(tuple(row))
    return found


# A contact's ledger: the meetings held with them, the names they gave and what they
# asked of you, built and compiled once a connection (netcrm/lib/prepared.py).
_LEDGER = Prepared(lambda user_id, contact_id, now: _grouped(
    held=(
        Meeting.objects.filter(user_id=user_id, contacts=contact_id, starts_at__lte=now),
        "invited_by", "paid_by",
    ),
    named=(Referral.objects.filter(user_id=user_id, referrer=contact_id), "progress",
           "intro_status"),
    answered=(InboundRequest.objects.filter(user_id=user_id, contact=contact_id), "ask",
              "status"),
), "a contact's ledger")


def _count(groups: list[tuple], test=lambda *values: True) -> int:
    return sum(row[-1] for row in groups if test(*row[:-1]))


def ledger_for(user, contact: Contact, now: datetime | None = None) -> Ledger:
    """Two queries at most (one when they never asked you for help), whatever the
    history."""
    now = now or timezone.now()
    asked = InboundRequest.objects.for_user(user).filter(contact=contact)
    groups = _groups(_LEDGER(user.pk, contact.pk, now), "held", "named", "answered")
    held, named, answered = groups["held"], groups["named"], groups["answered"]
    meetings = {
        "total": _count(held),
        "you_invited": _count(held, lambda invited, paid: invited == Invited.ME),
        "they_invited": _count(held, lambda invited, paid: invited == Invited.THEM),
        "you_paid": _count(held, lambda invited, paid: paid == Paid.ME),
        "they_paid": _count(held, lambda invited, paid: paid == Paid.THEM),
        "split": _count(held, lambda invited, paid: paid == Paid.SPLIT),
        # If you invite, you pay: the times they paid although you had invited.
        "they_paid_your_invite": _count(
            held, lambda invited, paid: invited == Invited.ME and paid == Paid.THEM
        ),
    }
    referrals = {
        "total": _count(named),
        "met": _count(named, lambda progress, intro: progress == Progress.MET),
        "introduced": _count(named, lambda progress, intro: intro == IntroStatus.CALLED),
    }
    requests = {
        "total": _count(answered),
        **{
            status: _count(answered, lambda ask, s, status=status: s == status)
            for status in RequestStatus.values
        },
        # Introductions you made for them: an introduction they asked for, given.
        "introductions": _count(
            answered,
            lambda ask, status: ask == Ask.INTRODUCTION and status == RequestStatus.HELPED,
        ),
    }
    return Ledger(
        contact=contact,
        meetings=meetings,
        referrals=referrals,
        requests=requests,
        # Most people never asked you for anything: then there is nothing to list.
        recent_requests=(
            list(asked.order_by("-received_at", "-pk")[:LEDGER_REQUESTS])
            if requests["total"] else []
        ),
    )
