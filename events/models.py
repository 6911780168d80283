"""Where you network: events and groups, the days you went, and whom you met there.

An Event is a one-off event (a conference, a meetup night) or a recurring group (a
job-seeker support group, a business networking breakfast, a volunteer board). Each
time you went is an EventVisit, with the people you met that day. A contact's "how
you met" can name the event too (`Contact.met_at`, declared in contacts by string):
the people met at an event are both. What came of it (meetings, referrals, leads)
is counted in `events/stats.py`.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Max
from django.utils import timezone

from contacts.models import Contact, Organization, Source
from netcrm.lib.models import OwnedModel, OwnedQuerySet
from netcrm.lib.urls import reverse_pk


class Kind(models.TextChoices):
    SUPPORT_GROUP = "support_group", "Job-seeker support group"
    BUSINESS_GROUP = "business_group", "Business networking group"
    VOLUNTEERING = "volunteering", "Volunteering"
    MEETUP = "meetup", "Meetup"
    ALUMNI = "alumni", "Alumni"
    CONFERENCE = "conference", "Conference"
    ONLINE = "online", "Online"


# How a person met at an event of each kind is recorded on their contact ("how you met").
CONTACT_SOURCE: dict[str, str] = {
    Kind.SUPPORT_GROUP: Source.GROUP,
    Kind.BUSINESS_GROUP: Source.GROUP,
    Kind.VOLUNTEERING: Source.VOLUNTEERING,
    Kind.MEETUP: Source.GROUP,
    Kind.ALUMNI: Source.GROUP,
    Kind.CONFERENCE: Source.EVENT,
    Kind.ONLINE: Source.EVENT,
}


def validate_web_link(value: str) -> None:
    """An event's page is a web page: http:// or https://, nothing that runs code (as a
    lead's posting, jobs/models.py; events sit below jobs and cannot import it)."""
    if urlsplit(value).scheme.lower() not in ("http", "https"):
        raise ValidationError(
            "Use a web address that starts with http:// or https://.", code="unsafe_link"
        )


class Recurrence(models.TextChoices):
    ONCE = "once", "A one-off event"
    RECURRING = "recurring", "A recurring group"


class EventQuerySet(OwnedQuerySet):
    def with_last_visit(self) -> EventQuerySet:
        return self.annotate(last_visit=Max("visits__on"))

    def by_last_visit(self) -> EventQuerySet:
        """Most recently attended first; never attended last, newest added first."""
        return self.order_by(
            models.F("last_visit").desc(nulls_last=True), "-created_at", "-pk"
        )


class Event(OwnedModel):
    """An event or a group you go to, to meet people."""

    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind, default=Kind.BUSINESS_GROUP)
    recurrence = models.CharField(
        "one-off or recurring", max_length=10, choices=Recurrence, default=Recurrence.RECURRING
    )
    organizer = models.CharField(max_length=200, blank=True)
    location = models.CharField("where", max_length=200, blank=True)
    link = models.URLField(
        max_length=500, blank=True, validators=[validate_web_link],
        help_text="Its web page, if it has one.",
    )
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "kind"], name="event_user_kind_idx")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse_pk("events:event-detail", self.pk)

    @property
    def is_recurring(self) -> bool:
        return self.recurrence == Recurrence.RECURRING

    @property
    def contact_source(self) -> str:
        return CONTACT_SOURCE[self.kind]

    def went(self, on=None, notes: str = "", people=()) -> EventVisit:
        """Record a visit (today by default) and the people met on it."""
        return self.visit_on(on, notes, people)[0]

    def visit_on(self, on=None, notes: str = "", people=()) -> tuple[EventVisit, bool]:
        """The visit of day `on` (today by default), and whether it is new: you go to an
        event once a day, so a second "I went" that day adds its note and its people to
        the visit logged already rather than counting the day twice."""
        on = on or timezone.localdate()
        with transaction.atomic():
            visit = self.visits.filter(on=on).order_by("pk").first()
            created = visit is None
            if created:
                visit = EventVisit.objects.create(
                    user_id=self.user_id, event=self, on=on, notes=notes
                )
            elif notes.strip() and notes.strip() not in visit.notes:
                visit.notes = f"{visit.notes}\n\n{notes}" if visit.notes else notes
                visit.save(update_fields=["notes"])
            if people:
                visit.people.add(*people)
        return visit, created

    def meet_new_person(self, name: str, organization_name: str = "") -> Contact:
        """Someone met here for the first time: a new contact, met at this event."""
        organization = (
            Organization(user_id=self.user_id, name=organization_name)
            if organization_name.strip() else None
        )
        return Contact(
            user_id=self.user_id, name=name, organization=organization,
            source=self.contact_source, met_at=self,
        ).save_with_organization()


class EventVisit(OwnedModel):
    """One time you went, and whom you met that day."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="visits")
    on = models.DateField("when you went", default=timezone.localdate)
    notes = models.TextField(blank=True)
    people = models.ManyToManyField(
        Contact, related_name="event_visits", blank=True, verbose_name="people met"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-on", "-pk"]
        indexes = [models.Index(fields=["event", "-on"], name="eventvisit_event_on_idx")]

    def __str__(self) -> str:
        return f"{self.event} on {self.on:%Y-%m-%d}" if self.event_id else str(self.on)
