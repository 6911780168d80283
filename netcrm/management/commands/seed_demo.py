"""Create the demo account: a job seeker five weeks into a search.

`manage.py seed_demo` creates user `demo` (password `demo-netcrm`) with about
40 contacts across a dozen organizations, 15 meetings (13 past, 2 in the coming
week) and a follow-up queue with something overdue, due today, coming up and
done. It runs once: when the user exists it changes nothing, unless `--reset`
deletes the demo user (and everything it owns) first.

Dates are relative to now, in the demo profile's timezone, and the data is the
same on every run.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractUser
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from accounts.models import Profile
from contacts.models import Contact, Organization, Source
from followups.models import FollowUp
from followups.models import Kind as FollowUpKind
from followups.services import create_meeting_followups
from meetings.models import Invited, Kind, Meeting, Paid

DEMO_USERNAME = "demo"
DEMO_PASSWORD = "demo-netcrm"
DEMO_EMAIL = "demo@example.com"
DEMO_FIRST_NAME, DEMO_LAST_NAME = "Dana", "Demo"

# (key, name, domain, is target, quiet hours, notes)
ORGANIZATIONS: tuple[tuple[str, str, str, bool, str, str], ...] = (
    ("acme", "Acme Analytics", "acmeanalytics.example", True, "",
     "Data team is growing; two analyst openings expected in spring."),
    ("juniper", "Juniper Software", "junipersoftware.example", True, "",
     "Platform and design teams share one data group."),
    ("brightline", "Brightline Health", "brightlinehealth.example", True, "",
     "Rebuilding their data platform this year."),
    ("northwind", "Northwind Bank", "northwindbank.example", False, "", ""),
    ("cobalt", "Cobalt Logistics", "cobaltlogistics.example", False, "",
     "Operations research team of six at the HQ by the river."),
    ("riverbend", "Riverbend Credit Union", "riverbendcu.example", False,
     "First thing in the morning, or an hour before closing",
     "Main Street branch; the member insights team sits upstairs."),
    ("lantern", "Lantern Labs", "lanternlabs.example", False, "",
     "Seed-stage startup; hosts the Data Folks meetup."),
    ("library", "City Public Library", "citylibrary.example", False, "",
     "I volunteer at the Saturday digital skills clinic."),
    ("datafolks", "Data Folks Meetup", "datafolks.example", False, "",
     "Monthly, second Tuesday; about 60 people."),
    ("alumni", "State University Alumni Association", "alumni.stateu.example", False, "", ""),
    ("greenleaf", "Greenleaf Consulting", "greenleaf.example", False, "", ""),
    ("harbor", "Harbor Design Co.", "harbordesign.example", False, "", ""),
)

# (name, organization key or "", title, source, tags, a phone (+…) or a link (https…) or "")
CONTACTS: tuple[tuple[str, str, str, Source, str, str], ...] = (
    ("Sara Smith", "acme", "Senior Data Analyst", Source.KNEW, "mentor,alumni",
     "+1 503 555 0142"),
    ("John Public", "acme", "Director of Data Science", Source.REFERRAL, "hiring-manager",
     "https://linkedin.example/in/johnpublic"),
    ("Priya Raman", "acme", "Technical Recruiter", Source.ONLINE, "recruiter", ""),
    ("Marcus Lee", "acme", "Analytics Engineer", Source.EVENT, "meetup", ""),
    ("Alan Park", "juniper", "Engineering Manager", Source.REFERRAL, "hiring-manager", ""),
    ("Emily Chen", "juniper", "Product Designer", Source.GROUP, "meetup",
     "https://emilychen.example"),
    ("Tom Becker", "juniper", "Talent Partner", Source.ONLINE, "recruiter", ""),
    ("Rosa Alvarez", "juniper", "Staff Engineer", Source.KNEW, "alumni,mentor", ""),
    ("Grace Okafor", "brightline", "VP of Operations", Source.REFERRAL, "hiring-manager", ""),
    ("Daniel Kim", "brightline", "Data Engineer", Source.EVENT, "meetup", ""),
    ("Hannah Weiss", "brightline", "HR Business Partner", Source.ONLINE, "recruiter", ""),
    ("Luis Ortega", "brightline", "Clinical Informatics Lead", Source.REFERRAL, "", ""),
    ("Michael Brown", "northwind", "Risk Analytics Manager", Source.KNEW, "alumni",
     "+1 503 555 0117"),
    ("Aisha Mohammed", "northwind", "Quantitative Analyst", Source.EVENT, "meetup", ""),
    ("Kevin O'Brien", "northwind", "Campus Recruiter", Source.ONLINE, "recruiter,alumni", ""),
    ("Olivia Martin", "cobalt", "Operations Research Analyst", Source.REFERRAL, "", ""),
    ("Sam Patel", "cobalt", "Head of Supply Chain Analytics", Source.REFERRAL,
     "hiring-manager", ""),
    ("Nora Lindqvist", "cobalt", "BI Developer", Source.GROUP, "meetup", ""),
    ("Beth Collins", "riverbend", "Branch Manager", Source.KNEW, "", "+1 503 555 0163"),
    ("Carlos Mendes", "riverbend", "Member Insights Analyst", Source.REFERRAL, "", ""),
    ("Jordan Ellis", "lantern", "Co-founder & CTO", Source.EVENT, "hiring-manager,meetup", ""),
    ("Mia Tanaka", "lantern", "Machine Learning Engineer", Source.GROUP, "meetup", ""),
    ("Ravi Shah", "lantern", "Founding Engineer", Source.ONLINE, "",
     "https://github.example/ravishah"),
    ("Helen Foster", "library", "Volunteer Coordinator", Source.VOLUNTEERING, "mentor", ""),
    ("Peter Novak", "library", "Digital Services Librarian", Source.VOLUNTEERING, "", ""),
    ("Chloe Dubois", "datafolks", "Organizer", Source.GROUP, "meetup,mentor", ""),
    ("Ben Adler", "datafolks", "Co-organizer", Source.GROUP, "meetup", ""),
    ("Linda Greene", "alumni", "Career Services Director", Source.KNEW, "alumni,mentor",
     "+1 503 555 0188"),
    ("Omar Haddad", "alumni", "Alumni Relations Officer", Source.KNEW, "alumni", ""),
    ("Rachel Stone", "greenleaf", "Principal", Source.REFERRAL, "hiring-manager", ""),
    ("Ethan Wright", "greenleaf", "Senior Consultant", Source.REFERRAL, "alumni", ""),
    ("Fatima Noor", "greenleaf", "Recruiting Lead", Source.ONLINE, "recruiter", ""),
    ("Isabel Cruz", "harbor", "Design Director", Source.EVENT, "", ""),
    ("Noah Fischer", "harbor", "UX Researcher", Source.GROUP, "meetup", ""),
    ("Jamie Rivera", "", "Career Coach", Source.REFERRAL, "mentor",
     "https://jamierivera.example"),
    ("Alex Morgan", "", "Former teammate, now at a fintech", Source.KNEW, "alumni", ""),
    ("Zoe Carter", "", "Statistics student", Source.INBOUND, "alumni", ""),
    ("Wei Zhang", "", "Freelance Data Consultant", Source.ONLINE, "", ""),
    ("Maya Johnson", "", "Product Manager, between roles", Source.KNEW, "", ""),
    ("Ingrid Sorensen", "", "Independent Recruiter", Source.INBOUND, "recruiter", ""),
)

CONTACT_NOTES: dict[str, str] = {
    "Sara Smith": "Classmate from State U. Knows everyone in the local data scene.",
    "John Public": "Sara says he knows everyone in town. Prefers a phone call to email.",
    "Grace Okafor": "Met through Jamie Rivera. Very direct; send an agenda first.",
    "Zoe Carter": "Asked for 15 minutes about breaking into analytics. Make it a priority.",
    "Linda Greene": "Runs the alumni mentoring program; happy to make introductions.",
}

# Thank-you states for a meeting's notes: marked done, left overdue, due today.
DONE, OVERDUE, TODAY = "done", "overdue", "today"

# (days from today, local hour, kind, people, minutes, invited by, paid by, where,
#  purpose, notes, what became of its thank-you notes)
MeetingRow = tuple[int, int, Kind, tuple[str, ...], int, Invited, Paid, str, str, str, str]
MEETINGS: tuple[MeetingRow, ...] = (
    (-34, 8, Kind.COFFEE, ("Sara Smith",), 30, Invited.ME, Paid.ME, "Blue Door Café",
     "how Acme's data team hires",
     "SQL depth matters more than fancy ML there. Talk to John Public: he knows everyone.",
     DONE),
    (-31, 12, Kind.COFFEE, ("Linda Greene",), 30, Invited.THEM, Paid.THEM,
     "State U career center café", "restarting a search after a career break",
     "Cut my pitch to two sentences. She will introduce me to Ethan Wright at Greenleaf.",
     DONE),
    (-28, 10, Kind.CALL, ("Alan Park",), 15, Invited.ME, Paid.NOBODY, "Phone",
     "how Juniper's platform team is organized",
     "Three squads; the data squad hires through referrals first. Follow up in a month.",
     DONE),
    (-25, 18, Kind.EVENT, ("Chloe Dubois", "Marcus Lee"), 20, Invited.THEM, Paid.NOBODY,
     "Data Folks meetup at Lantern Labs", "who does analytics work in town",
     "Chloe offered a lightning-talk slot. Marcus says Acme's analysts pair with engineers.",
     DONE),
    (-23, 9, Kind.INFORMATIONAL, ("Michael Brown",), 30, Invited.ME, Paid.ME,
     "Northwind Bank, 5th floor", "how Northwind's risk team uses analytics",
     "Model validation is the way in. Suggested Aisha Mohammed for the quant side.", DONE),
    (-20, 15, Kind.COFFEE, ("Rosa Alvarez",), 30, Invited.ME, Paid.SPLIT, "Juniper campus café",
     "how she moved from analyst to engineer",
     "Took two years and one internal transfer. Offered to review my portfolio.", DONE),
    (-17, 11, Kind.VISIT, ("Beth Collins",), 15, Invited.ME, Paid.NOBODY,
     "Riverbend Credit Union, Main St branch", "how the member insights team works",
     "Dropped in an hour before closing. Carlos Mendes runs the reports; she will ask him.",
     DONE),
    (-14, 8, Kind.COFFEE, ("Grace Okafor",), 20, Invited.ME, Paid.ME, "Lighthouse Coffee",
     "Brightline's plans for its data platform",
     "They need someone who can talk to clinicians. Call Luis Ortega and mention her.", DONE),
    (-11, 12, Kind.CALL, ("Sam Patel",), 15, Invited.THEM, Paid.NOBODY, "Video call",
     "what Cobalt's supply chain analytics team works on",
     "Route planning and demand forecasts. Olivia Martin can show me their tooling.", DONE),
    (-8, 17, Kind.COFFEE, ("Jordan Ellis", "Mia Tanaka"), 45, Invited.THEM, Paid.THEM,
     "Lantern Labs kitchen", "what a founding data role at a startup involves",
     "No title yet, lots of scope. They might hire in Q3; keep in touch.", DONE),
    (-5, 9, Kind.INFORMATIONAL, ("Rachel Stone",), 30, Invited.ME, Paid.ME,
     "Greenleaf Consulting office", "how Greenleaf staffs analytics projects",
     "Mostly contractors at first. Fatima Noor handles recruiting.", OVERDUE),
    (-4, 13, Kind.COFFEE, ("Helen Foster",), 15, Invited.ME, Paid.ME, "Library café",
     "turning volunteer work into references", "She will write a reference letter.",
     OVERDUE),
    (-1, 10, Kind.COFFEE, ("Daniel Kim", "Aisha Mohammed"), 30, Invited.ME, Paid.ME,
     "Blue Door Café", "moving from reporting into data engineering",
     "Both started as analysts. Daniel will send Brightline's next posting.", TODAY),
    (2, 8, Kind.COFFEE, ("Emily Chen",), 15, Invited.ME, Paid.ME, "Lighthouse Coffee",
     "how Juniper's design and data teams work together", "", ""),
    (5, 14, Kind.INFORMATIONAL, ("Olivia Martin",), 30, Invited.ME, Paid.ME,
     "Cobalt Logistics HQ", "how Cobalt's operations research team picks its projects", "", ""),
)

# Follow-ups added by hand: (days from today, kind, contact, title, draft, done already).
# A PREPARE follow-up belongs to the upcoming meeting with that contact.
HAND_FOLLOWUPS: tuple[tuple[int, FollowUpKind, str, str, str, bool], ...] = (
    (-29, FollowUpKind.REFERRAL_CALL, "Alan Park", "Call Alan Park, mention Sara Smith",
     "Sara Smith suggested I give you a call. She said your platform team is worth learning "
     "about, and I would value 15 minutes of your time.", True),
    (-3, FollowUpKind.REFERRAL_CALL, "Luis Ortega", "Call Luis Ortega, mention Grace Okafor",
     "Grace Okafor suggested I give you a call. She said you know how Brightline's clinicians "
     "use their data, and I would love to hear about it for 15 minutes.", False),
    (-2, FollowUpKind.CUSTOM, "Beth Collins", "Send Beth Collins my résumé for Carlos",
     "Hi Beth, as promised, here is my résumé to pass on to Carlos Mendes. Thanks again!",
     False),
    (0, FollowUpKind.REFERRAL_CALL, "John Public", "Call John Public, mention Sara Smith",
     "Sara Smith suggested I give you a call. She said you know everyone in town, and I "
     "would be grateful for 15 minutes of your advice on the local data scene.", False),
    (0, FollowUpKind.RECIPROCATE, "Zoe Carter", "Reply to Zoe Carter's request for 15 minutes",
     "Hi Zoe, of course, happy to help. Would coffee on Thursday morning work for you?",
     False),
    (0, FollowUpKind.KEEP_IN_TOUCH, "Alex Morgan", "Check in with Alex Morgan",
     "Hi Alex, it has been a couple of months. How is the new role going?", False),
    (1, FollowUpKind.CLOSE_LOOP, "Chloe Dubois", "Tell Chloe Dubois how it went with Daniel Kim",
     "Hi Chloe, thanks for introducing me to Daniel. We had coffee yesterday and he is "
     "sending me Brightline's next posting.", False),
    (3, FollowUpKind.CUSTOM, "Alan Park", "Send Alan Park the article on data contracts",
     "Hi Alan, here is the article on data contracts I mentioned on our call.", False),
    (3, FollowUpKind.REFERRAL_CALL, "Ethan Wright", "Call Ethan Wright, mention Linda Greene",
     "Linda Greene suggested I give you a call. She thought my background might interest "
     "Greenleaf's analytics practice.", False),
    (6, FollowUpKind.KEEP_IN_TOUCH, "Rosa Alvarez", "Check in with Rosa Alvarez",
     "Hi Rosa, I took your advice on the portfolio. Could I send you the new version?", False),
)

# Contacts joined over the six weeks before today; meetings logged right after they ended.
HISTORY_DAYS = 42


class DemoSeeder:
    """Builds the demo user's network; every date hangs off `today` in their timezone."""

    def __init__(self, user: AbstractUser, profile: Profile) -> None:
        self.user = user
        self.profile = profile
        self.now = timezone.now()
        self.today: date = timezone.localdate(self.now, timezone=profile.tzinfo)
        self.rng = random.Random(2026)
        self.organizations: dict[str, Organization] = {}
        self.contacts: dict[str, Contact] = {}
        self.meetings: list[Meeting] = []

    def at(self, days: int, hour: int) -> datetime:
        return datetime.combine(self.today + timedelta(days=days), time(hour), self.profile.tzinfo)

    def morning(self, days: int) -> datetime:
        return self.profile.morning_of(self.today + timedelta(days=days))

    def seed(self) -> None:
        self.seed_organizations()
        self.seed_contacts()
        self.seed_meetings()
        self.seed_thank_yous()
        self.seed_hand_followups()

    def seed_organizations(self) -> None:
        for key, name, domain, is_target, quiet_hours, notes in ORGANIZATIONS:
            self.organizations[key] = Organization.objects.create(
                user=self.user, name=name, website=f"https://{domain}/",
                is_target=is_target, quiet_hours=quiet_hours, notes=notes,
            )

    def seed_contacts(self) -> None:
        for name, org_key, title, source, tags, extra in CONTACTS:
            organization = self.organizations.get(org_key)
            domain = organization.website.split("/")[2] if organization else "mail.example"
            local_part = ".".join(name.lower().replace("'", "").split())
            contact = Contact.objects.create(
                user=self.user, name=name, organization=organization, title=title,
                email=f"{local_part}@{domain}", source=source,
                phone=extra if extra.startswith("+") else "",
                links=extra if extra.startswith("https://") else "",
                notes=CONTACT_NOTES.get(name, ""),
            )
            if tags:
                contact.tags.add(*tags.split(","))
            joined = self.now - timedelta(minutes=self.rng.randrange(HISTORY_DAYS * 24 * 60))
            Contact.objects.filter(pk=contact.pk).update(created_at=joined)
            self.contacts[name] = contact

    def seed_meetings(self) -> None:
        for days, hour, kind, people, minutes, invited, paid, where, purpose, notes, _ in MEETINGS:
            meeting = Meeting.objects.create(
                user=self.user, kind=kind, starts_at=self.at(days, hour), length_minutes=minutes,
                location=where, purpose=purpose, notes=notes, invited_by=invited, paid_by=paid,
            )
            met = [self.contacts[name] for name in people]
            meeting.contacts.set(met)
            # Nobody is met before they are in the book.
            Contact.objects.filter(
                pk__in=[c.pk for c in met], created_at__gt=meeting.starts_at
            ).update(created_at=meeting.starts_at - timedelta(days=2))
            if not meeting.is_upcoming:
                Meeting.objects.filter(pk=meeting.pk).update(created_at=meeting.ends_at)
                meeting.touch_contacts()
            self.meetings.append(meeting)

    def seed_thank_yous(self) -> None:
        """The app's own thank-you notes, then a queue: older ones done, two overdue, two today.

        Upcoming meetings get theirs too, due after they end, as logging one in the app does
        (and as the beat sweep would add within a minute otherwise).
        """
        create_meeting_followups([meeting.pk for meeting in self.meetings])
        states = {meeting.pk: row[-1] for meeting, row in zip(self.meetings, MEETINGS)}
        thank_yous = FollowUp.objects.for_user(self.user).filter(kind=FollowUpKind.THANK_YOU)
        for followup in thank_yous:
            state = states[followup.meeting_id]
            if state == DONE:
                self.mark_done(followup)
            elif state == TODAY:
                FollowUp.objects.filter(pk=followup.pk).update(due_at=self.morning(0))

    def seed_hand_followups(self) -> None:
        upcoming = {c.pk: m for m in self.meetings if m.is_upcoming for c in m.contacts.all()}
        for days, kind, name, title, draft, done in HAND_FOLLOWUPS:
            contact = self.contacts[name]
            followup = FollowUp.objects.create(
                user=self.user, kind=kind, due_at=self.morning(days), title=title, draft=draft,
                contact=contact,
                meeting=upcoming.get(contact.pk) if kind == FollowUpKind.PREPARE else None,
            )
            if done:
                self.mark_done(followup)

    def mark_done(self, followup: FollowUp) -> None:
        """Done, and done the day it fell due rather than today."""
        followup.mark_done()
        done_at = min(followup.due_at + timedelta(hours=self.rng.randint(1, 8)), self.now)
        FollowUp.objects.filter(pk=followup.pk).update(completed_at=done_at)

    def counts(self) -> dict[str, int]:
        return {
            "contacts": Contact.objects.for_user(self.user).count(),
            "organizations": Organization.objects.for_user(self.user).count(),
            "meetings": Meeting.objects.for_user(self.user).count(),
            "follow-ups": FollowUp.objects.for_user(self.user).count(),
            "open follow-ups": FollowUp.objects.for_user(self.user).open().count(),
        }


def create_demo_user() -> AbstractUser:
    user = get_user_model().objects.create_user(
        DEMO_USERNAME, DEMO_EMAIL, DEMO_PASSWORD,
        first_name=DEMO_FIRST_NAME, last_name=DEMO_LAST_NAME,
    )
    Profile.objects.create(user=user, timezone=settings.TIME_ZONE)
    return user


class Command(BaseCommand):
    help = (
        f"Create the demo account ({DEMO_USERNAME} / {DEMO_PASSWORD}) with a job seeker's "
        "contacts, meetings and follow-up queue; does nothing if it exists, unless --reset."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--reset", action="store_true",
            help="Delete the demo user and everything it owns, then seed it again.",
        )

    def handle(self, *args: Any, reset: bool = False, **options: Any) -> None:
        with transaction.atomic():
            existing = get_user_model().objects.filter(username=DEMO_USERNAME)
            if existing.exists():
                if not reset:
                    self.stdout.write(
                        f"Demo account exists already (login: {DEMO_USERNAME} / {DEMO_PASSWORD})"
                    )
                    return
                existing.delete()
            user = create_demo_user()
            seeder = DemoSeeder(user, Profile.for_user(user))
            seeder.seed()
            counts = seeder.counts()
        self.stdout.write(
            self.style.SUCCESS(f"Demo account ready: log in as {DEMO_USERNAME} / {DEMO_PASSWORD}")
        )
        self.stdout.write(", ".join(f"{count} {what}" for what, count in counts.items()))
