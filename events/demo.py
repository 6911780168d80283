"""The demo account's events and groups (called by `manage.py seed_demo`).

Over the last six weeks, as "Networking Not Working? Think Again!" describes it: a
job-seeker support group attended every week, where the people met are looking for
work themselves and gave no referral; a business networking breakfast, where one
person met there gave a meeting that led to a referral (and a lead); a volunteer
board at the library; and the Data Folks meetup, where the demo's meetup meeting
happened. People whose "how you met" is a group, an event or volunteering name
where (`Contact.met_at`).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.utils import timezone

from accounts.models import Profile
from contacts.models import EVENT_SOURCES, Contact
from events.models import Event, Kind, Recurrence
from events.stats import lead_model

# (name, kind, organizer, where, link, notes,
#  visits: (days from today, people met that day, what happened))
Visit = tuple[int, tuple[str, ...], str]
EVENTS: tuple[tuple[str, Kind, str, str, str, str, tuple[Visit, ...]], ...] = (
    ("Tuesday Job Seekers Circle", Kind.SUPPORT_GROUP, "City Public Library",
     "Library community room", "", "Every Tuesday morning. Warm people, all looking too.",
     ((-40, ("Maya Johnson",), "Résumé swap."),
      (-33, ("Wei Zhang",), "Talk on salary negotiation."),
      (-26, ("Noah Fischer",), ""),
      (-19, (), "Same faces; we mostly compared applications."),
      (-12, (), ""),
      (-5, (), "Nobody had a lead to share. Time to branch out?"))),
    ("Downtown Business Breakfast", Kind.BUSINESS_GROUP, "Chamber of Commerce",
     "Hotel Lumen, Main St", "https://downtownbreakfast.example/",
     "Second and fourth Thursday, 7:30. Owners, bankers, the odd plumber who knows everyone.",
     ((-38, (), "First time: listened mostly."),
      (-24, ("Michael Brown", "Nora Lindqvist"),
       "Ran into Michael; he offered 30 minutes at Northwind next day."),
      (-10, ("Isabel Cruz",), "Gave my two-sentence pitch to the table."))),
    ("Library Digital Skills Clinic (volunteer board)", Kind.VOLUNTEERING,
     "City Public Library", "Main library, 2nd floor", "",
     "On the clinic's planning board, not just sorting books: in front of the people who run it.",
     ((-35, ("Helen Foster",), "Planning meeting for the spring clinics."),
      (-21, ("Peter Novak",), ""),
      (-7, (), "Ran the Saturday clinic with Peter."))),
    ("Data Folks Meetup", Kind.MEETUP, "Chloe Dubois and Ben Adler",
     "Lantern Labs", "https://datafolks.example/",
     "Monthly, second Tuesday; about 60 people.",
     ((-25, ("Chloe Dubois", "Marcus Lee", "Ben Adler", "Mia Tanaka"),
       "Lightning talks; Chloe offered me a slot next time."),)),
)


def seed(user, contacts: dict[str, Contact], now: datetime) -> list[Event]:
    """The events, their visits and the people met on them; `contacts` by name."""
    today: date = timezone.localdate(now, timezone=Profile.for_user(user).tzinfo)
    events = []
    for name, kind, organizer, where, link, notes, visits in EVENTS:
        event = Event.objects.create(
            user=user, name=name, kind=kind, recurrence=Recurrence.RECURRING,
            organizer=organizer, location=where, link=link, notes=notes,
        )
        first = min(days for days, _, _ in visits)
        Event.objects.filter(pk=event.pk).update(created_at=now + timedelta(days=first))
        for days, people, said in visits:
            met = [contacts[person] for person in people]
            event.went(on=today + timedelta(days=days), notes=said, people=met)
            # "How you met" names the event, for those who met you at one.
            Contact.objects.filter(
                pk__in=[c.pk for c in met], source__in=EVENT_SOURCES, met_at=None
            ).update(met_at=event)
        events.append(event)
    # The lead found at an event (jobs' source "event") was found at the breakfast.
    if Lead := lead_model():
        Lead.objects.filter(user=user, source="event", event=None).update(event=events[1])
    return events
