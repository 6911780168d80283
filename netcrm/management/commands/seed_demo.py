"""Create the demo account: a job seeker five weeks into a search.

`manage.py seed_demo` creates user `demo` (password `demo-netcrm`) with about
40 contacts across a dozen organizations, 15 meetings (13 past, 2 in the coming
week), the referral chains that led from one person to the next ("You → Sara
Smith → John Public → Alan Park"), notes of calls, keep-in-touch cadences,
requests for help, a question library, yesterday's morning digest, and a
follow-up queue with something overdue, due today, coming up and done, of every
kind. It runs once: when the user exists it changes nothing, unless `--reset`
deletes the demo user (and everything it owns) first.

Every follow-up is made the way the app makes it: the engine's own rules
(followups, meetings, reciprocity and contacts services) create them from what
the user "logged", then the user's history is replayed with the app's own
actions (done, skipped, snoozed, a referral edited, a meeting recorded), back-
dated to the day it happened. Only the custom follow-ups are written by hand, as
a user adds them. So the beat sweep, run right after, finds nothing to add.

Dates are relative to now, in the demo profile's timezone, and the data is the
same on every run. No Heartbeat is written: the dashboard's "the scheduler has
stopped" warning must stay true to the scheduler actually running.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractUser
from django.core.management.base import BaseCommand
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accounts.models import Profile
from contacts.models import Contact, Note, Organization, Source
from contacts.services import keep_in_touch_done, set_cadence
from events import demo as events_demo
from followups.kinds import Custom
from followups.models import DigestLog, FollowUp, Status
from followups.services import create_followups
from jobs.models import Lead, Outcome, Source as LeadSource, Status as LeadStatus
from jobs.services import move_lead, save_lead
from meetings.followups import ThankYou
from meetings.models import Invited, Kind, Meeting, Paid, QuestionTemplate
from meetings.services import log_meeting, normalize_question
from outreach import demo as outreach_demo
from reciprocity.followups import HelpBack
from reciprocity.models import Ask, InboundRequest, RequestStatus
from reciprocity.services import answer_request, log_request
from referrals.followups import AskIntro, CloseLoop, ReferralCall, settle
from referrals.models import IntroStatus, Referral
from referrals.services import save_referral

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
    ("summit", "Summit Energy", "summitenergy.example", True, "",
     "Grid analytics group; nobody I know works there yet."),
    ("meridian", "Meridian Insurance", "meridianinsurance.example", False, "", ""),
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
    ("Emily Chen", "juniper", "Product Designer", Source.REFERRAL, "meetup",
     "https://emilychen.example"),
    ("Tom Becker", "juniper", "Talent Partner", Source.ONLINE, "recruiter", ""),
    ("Rosa Alvarez", "juniper", "Staff Engineer", Source.REFERRAL, "alumni,mentor", ""),
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
#  purpose, notes, what became of its thank-you notes). A meeting is known by its
# first person, who gave the referrals made there (as the meeting form records them).
MeetingRow = tuple[int, int, Kind, tuple[str, ...], int, Invited, Paid, str, str, str, str]
MEETINGS: tuple[MeetingRow, ...] = (
    (-34, 8, Kind.COFFEE, ("Sara Smith",), 30, Invited.ME, Paid.ME, "Blue Door Café",
     "how Acme's data team hires",
     "SQL depth matters more than fancy ML there. Talk to John Public: he knows everyone. "
     "Priya Raman runs their analyst hiring.",
     DONE),
    (-31, 12, Kind.COFFEE, ("Linda Greene",), 30, Invited.THEM, Paid.THEM,
     "State U career center café", "restarting a search after a career break",
     "Cut my pitch to two sentences. She will introduce me to Ethan Wright at Greenleaf, "
     "and says Rachel Stone decides who they hire.",
     DONE),
    (-28, 10, Kind.CALL, ("Alan Park",), 15, Invited.ME, Paid.NOBODY, "Phone",
     "how Juniper's platform team is organized",
     "Three squads; the data squad hires through referrals first. Talk to Rosa Alvarez and "
     "Emily Chen. Follow up in a month.",
     DONE),
    (-25, 18, Kind.EVENT, ("Chloe Dubois", "Marcus Lee"), 20, Invited.THEM, Paid.NOBODY,
     "Data Folks meetup at Lantern Labs", "who does analytics work in town",
     "Chloe offered a lightning-talk slot and will introduce me to Daniel Kim. Marcus says "
     "Acme's analysts pair with engineers.",
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
     "They need someone who can talk to clinicians. Call Luis Ortega and mention her; she "
     "will tell him to expect me.", DONE),
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
     "Both started as analysts. Daniel will send Brightline's next posting, and says Hannah "
     "Weiss hires for their data team.", TODAY),
    (2, 8, Kind.COFFEE, ("Emily Chen",), 15, Invited.ME, Paid.ME, "Lighthouse Coffee",
     "how Juniper's design and data teams work together", "", ""),
    (5, 14, Kind.INFORMATIONAL, ("Olivia Martin",), 30, Invited.ME, Paid.ME,
     "Cobalt Logistics HQ", "how Cobalt's operations research team picks its projects", "", ""),
)

# A question the user added to their library, beside the suggested ones every account gets.
LIBRARY_QUESTION = "What organizations could use someone who bridges design research and data?"

# The planned meetings: when they were logged (days from today, hour), and the questions
# prepared for them (some picked from the library, some typed).
PLANNED: dict[str, tuple[int, int, tuple[str, ...]]] = {
    "Emily Chen": (-3, 20, (
        LIBRARY_QUESTION,
        "How did you get to where you are now, and what would you do differently starting "
        "out today?",
        "Which groups or events would put me in touch with people who do design research?",
    )),
    "Olivia Martin": (-6, 19, (
        "How does the team decide which routing or forecasting problem to take on next?",
        "What is changing in your field, and which skills will matter most in the next few "
        "years?",
        "Where would you suggest that I look? Who do you suggest that I talk to?",
    )),
}

# What the user did about a referral's follow-ups, each on (days from today, local hour):
# "ask_intro done" (the referrer was asked to call ahead), "ask_intro skip", "called
# ahead" (the referral edited: the referrer did), "call done" (the person was contacted),
# "call snooze" (to that morning), "close_loop done". A meeting with the person does
# the rest, as logging it in the app does: contacted when planned, met when held.
Step = tuple[str, int, int]


@dataclass(frozen=True)
class ReferralRow:
    referrer: str
    referred: str
    reason: str
    # Given at the meeting with the referrer (None), or on (days from today, hour, minute).
    given: tuple[int, int, int] | None = None
    intro: IntroStatus = IntroStatus.NOT_ASKED  # as recorded when it was saved
    steps: tuple[Step, ...] = ()


REFERRALS: tuple[ReferralRow, ...] = (
    ReferralRow("Sara Smith", "John Public", "he knows everyone in town",
                steps=(("ask_intro done", -33, 18), ("call done", -31, 13))),
    ReferralRow("Sara Smith", "Priya Raman", "she runs Acme's analyst hiring",
                intro=IntroStatus.COLD, steps=(("call done", -30, 10),)),
    ReferralRow("John Public", "Alan Park", "he runs Juniper's platform team", given=(-31, 14, 0),
                steps=(("ask_intro done", -30, 10), ("called ahead", -29, 17),
                       ("close_loop done", -27, 11))),
    ReferralRow("Alan Park", "Rosa Alvarez", "she moved from analyst to engineer at Juniper",
                steps=(("ask_intro done", -27, 10), ("call done", -25, 11),
                       ("close_loop done", -19, 10))),
    ReferralRow("Alan Park", "Emily Chen", "she bridges design and data at Juniper",
                steps=(("ask_intro done", -27, 10), ("call done", -24, 16))),
    ReferralRow("Linda Greene", "Ethan Wright", "he leads Greenleaf's analytics practice",
                intro=IntroStatus.ASKED, steps=(("called ahead", -29, 18), ("call done", -28, 11))),
    ReferralRow("Linda Greene", "Rachel Stone", "she decides who Greenleaf hires for analytics",
                steps=(("ask_intro skip", -30, 10), ("call done", -25, 15),
                       ("close_loop done", -4, 10))),
    ReferralRow("Ethan Wright", "Rachel Stone", "she staffs every analytics project at Greenleaf",
                given=(-28, 11, 30),
                steps=(("ask_intro done", -27, 10), ("called ahead", -26, 17),
                       ("call done", -25, 15))),
    ReferralRow("Jamie Rivera", "Grace Okafor", "she's rebuilding Brightline's data platform",
                given=(-20, 16, 30),
                steps=(("ask_intro done", -19, 10), ("called ahead", -18, 12),
                       ("call done", -17, 10), ("close_loop done", -13, 10))),
    ReferralRow("Grace Okafor", "Luis Ortega",
                "he knows how Brightline's clinicians work with data",
                intro=IntroStatus.ASKED, steps=(("call snooze", 0, 9),)),
    ReferralRow("Chloe Dubois", "Daniel Kim", "he moved from reporting into data engineering",
                intro=IntroStatus.ASKED, steps=(("called ahead", -23, 18), ("call done", -22, 10))),
    ReferralRow("Michael Brown", "Aisha Mohammed", "she knows the quant side of Northwind",
                steps=(("ask_intro done", -22, 10), ("call done", -20, 11),
                       ("close_loop done", 0, 10))),
    ReferralRow("Beth Collins", "Carlos Mendes", "he runs the member insights reports",
                intro=IntroStatus.ASKED, steps=(("call snooze", 3, 9),)),
    ReferralRow("Sam Patel", "Olivia Martin", "she can show me Cobalt's tooling",
                steps=(("ask_intro done", -10, 10), ("call done", -7, 14))),
    ReferralRow("Daniel Kim", "Hannah Weiss", "she hires for Brightline's data team"),
)

# Calls and chats logged on a contact's page: (contact, days from today, hour, what happened).
NOTES: tuple[tuple[str, int, int, str], ...] = (
    ("Alex Morgan", -90, 13,
     "Lunch with Alex: settling in at the fintech; their analytics team may grow next year."),
    ("John Public", -31, 13,
     "Called John (Sara had told him to expect me). Too busy to meet this month: go and see "
     "Alan Park at Juniper, then call him back."),
    ("Ethan Wright", -28, 11,
     "Called Ethan; Linda had called ahead. Greenleaf staffs its analytics projects through "
     "Rachel Stone, and he'll mention me to her."),
    ("Jamie Rivera", -20, 16,
     "Coaching session with Jamie: practised the two-sentence pitch. She suggested I talk to "
     "Grace Okafor at Brightline."),
    ("Sara Smith", -14, 11,
     "Called Sara: she's moving to the Berlin office in June, and will still vouch for me "
     "with John."),
)


@dataclass(frozen=True)
class RequestRow:
    """Someone asked the user for help: received on (days, hour); answered (helped,
    declined…) on (days, hour), or still open."""

    contact: str
    ask: Ask
    details: str
    received: tuple[int, int]
    answer: tuple[RequestStatus, int, int] | None = None


REQUESTS: tuple[RequestRow, ...] = (
    RequestRow("Zoe Carter", Ask.TIME,
               "Statistics student at State U. Asked for 15 minutes about breaking into "
               "analytics; sounded nervous.",
               # Last night, whatever the hour of seeding: the priority reply is due this
               # morning, in today's queue (asked "3 hours ago", a demo seeded after
               # 21:00 had it due tomorrow, and today's queue without it).
               received=(-1, 21)),
    RequestRow("Maya Johnson", Ask.INTRODUCTION,
               "Asked to be introduced to someone on Juniper's product team.",
               received=(-10, 19), answer=(RequestStatus.HELPED, -9, 10)),
    RequestRow("Ingrid Sorensen", Ask.ADVICE,
               "Asked which analysts I know who might take a six-month contract.",
               received=(-20, 10), answer=(RequestStatus.DECLINED, -19, 9)),
)

# Keep-in-touch cadences by tag, in days; a later tag wins (a mentor who is an alum: 30).
CADENCES: tuple[tuple[str, int], ...] = (("alumni", 90), ("mentor", 30))
# Keep-in-touch reminders done (contact, days from today, hour): the next one follows.
KEPT_IN_TOUCH: tuple[tuple[str, int, int], ...] = (("Jamie Rivera", -29, 10),)
# People in the book since before the search began (days from today).
KNOWN_SINCE: dict[str, int] = {"Jamie Rivera": -60, "Alex Morgan": -120}

# People the user has already sent an update and offered help back (to the rule's
# help-back follow-ups, on the day they fell due).
HELPED_BACK = ("Sara Smith", "Linda Greene", "John Public", "Alan Park")

# Custom follow-ups, added by hand: (days from today, contact, title, draft, done already).
HAND_FOLLOWUPS: tuple[tuple[int, str, str, str, bool], ...] = (
    (-29, "Linda Greene", "Rewrite my LinkedIn summary around the two-sentence pitch", "", True),
    (-2, "Beth Collins", "Send Beth Collins my résumé for Carlos",
     "Hi Beth, as promised, here is my résumé to pass on to Carlos Mendes. Thanks again!",
     False),
    (1, "Ben Adler", "Send Ben the abstract for my Data Folks lightning talk",
     "Hi Ben, here is the abstract for the lightning talk Chloe offered me: ten minutes on "
     "what reporting analysts can learn from data engineers.", False),
    (3, "Alan Park", "Send Alan Park the article on data contracts",
     "Hi Alan, here is the article on data contracts I mentioned on our call.", False),
)



@dataclass(frozen=True)
class LeadRow:
    """A job lead: found on (days from today), at an organization a referral chain
    reaches, with the people involved and its moves (target, days from today, hour)."""

    organization: str
    role: str
    source: LeadSource
    found: int
    posting: str
    people: tuple[str, ...]
    notes: str = ""
    moves: tuple[tuple[str, int, int], ...] = ()


LEADS: tuple[LeadRow, ...] = (
    LeadRow("acme", "Data Analyst, Growth", LeadSource.CONTACT, -33, "careers/data-analyst-growth",
            ("Sara Smith", "Priya Raman"),
            "Sara mentioned it over coffee; Priya runs the hiring.",
            (("reached_out", -30, 10), ("introduced", -29, 16), ("applied", -27, 9),
             ("interviewing", -12, 14))),
    LeadRow("juniper", "Platform Data Engineer", LeadSource.COMPANY_SITE, -26,
            "jobs/platform-data-engineer", ("Alan Park", "Rosa Alvarez"),
            "The data squad hires through referrals first (Alan).",
            (("reached_out", -24, 11), ("introduced", -20, 17))),
    LeadRow("greenleaf", "Analytics Consultant (contract)", LeadSource.RECRUITER, -6,
            "careers/analytics-consultant", ("Fatima Noor",),
            "Contract first; Rachel Stone staffs every analytics project.",
            (("reached_out", -4, 15),)),
    LeadRow("brightline", "Clinical Data Analyst", LeadSource.JOB_BOARD, -2,
            "jobs/clinical-data-analyst", (),
            "Needs someone who can talk to clinicians. Grace said Luis Ortega would know."),
    LeadRow("cobalt", "Supply Chain Analyst", LeadSource.JOB_BOARD, -15,
            "jobs/supply-chain-analyst", ("Sam Patel",), "",
            (("applied", -14, 20),)),
    LeadRow("northwind", "Model Validation Analyst", LeadSource.EVENT, -24,
            "careers/model-validation", ("Michael Brown",),
            "Michael says model validation is the way in.",
            (("applied", -22, 9), ("lost", -9, 12))),
    # Where nobody is known yet: ask the best connectors whom they know there.
    LeadRow("summit", "Grid Analytics Analyst", LeadSource.JOB_BOARD, -1,
            "careers/grid-analytics-analyst", ()),
    LeadRow("meridian", "Pricing Analyst", LeadSource.JOB_BOARD, -10, "jobs/pricing-analyst", (),
            "Linda knew someone in their actuarial team.", (("reached_out", -8, 11),)),
)

# The morning digest: on, at 07:00; yesterday's went out (today's is beat's to send).
DIGEST_TIME = time(7, 0)
DIGEST_SEND_SECONDS = 4

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
        self.meeting_of: dict[str, Meeting] = {}  # each person's meeting
        self.logged_at: dict[int, datetime] = {}  # when each meeting was logged
        self.referrals: list[tuple[Referral, ReferralRow]] = []

    def at(self, days: int, hour: int, minute: int = 0) -> datetime:
        return datetime.combine(
            self.today + timedelta(days=days), time(hour, minute), self.profile.tzinfo
        )

    def past(self, days: int, hour: int) -> datetime:
        """A moment something was done: never later than now."""
        return min(self.at(days, hour), self.now)

    def morning(self, days: int) -> datetime:
        return self.profile.morning_of(self.today + timedelta(days=days))

    def seed(self) -> None:
        self.seed_organizations()
        self.seed_contacts()
        self.seed_question_library()
        self.seed_meetings()
        self.seed_referrals()
        self.seed_engine_followups()
        self.replay_referrals()
        self.seed_thank_yous()
        self.seed_help_back()
        self.seed_hand_followups()
        self.seed_requests()
        self.seed_keep_in_touch()
        self.seed_notes()
        self.seed_leads()
        self.seed_digest()

    # What the user logged -------------------------------------------------------------

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
            # Counted back from the start of today, not from now: the same days whatever
            # the hour of seeding (from now, a contact seeded at 23:55 joined a day later
            # than at 00:05, and their reminders fell due a day later).
            joined = self.at(0, 0) - timedelta(
                minutes=self.rng.randrange(HISTORY_DAYS * 24 * 60)
            )
            if name in KNOWN_SINCE:
                joined = self.at(KNOWN_SINCE[name], 10)
            Contact.objects.filter(pk=contact.pk).update(created_at=joined)
            self.contacts[name] = contact

    def in_book_by(self, name: str, moment: datetime, added: bool = False) -> None:
        """Nobody is met, referred or heard from before they are in the book; someone
        `added` at that moment (a new name given, a stranger writing) joined then."""
        contact = Contact.objects.filter(pk=self.contacts[name].pk)
        if added:
            contact.update(created_at=moment)
        else:
            contact.filter(created_at__gt=moment).update(created_at=moment - timedelta(days=2))

    def seed_question_library(self) -> None:
        """The suggested questions came with the account (the Profile's post_save, as at
        sign-up); the user added one of their own."""
        QuestionTemplate.objects.create(user=self.user, text=normalize_question(LIBRARY_QUESTION))

    def seed_meetings(self) -> None:
        for days, hour, kind, people, minutes, invited, paid, where, purpose, notes, _ in MEETINGS:
            planned = PLANNED.get(people[0])
            meeting = log_meeting(
                Meeting(
                    user=self.user, kind=kind, starts_at=self.at(days, hour),
                    length_minutes=minutes, location=where, purpose=purpose, notes=notes,
                    invited_by=invited, paid_by=paid,
                ),
                [self.contacts[name] for name in people],
                questions=planned[2] if planned else (),
            )
            for name in people:
                self.in_book_by(name, meeting.starts_at)
                self.meeting_of[name] = meeting
            logged = self.at(planned[0], planned[1]) if planned else meeting.ends_at
            Meeting.objects.filter(pk=meeting.pk).update(created_at=logged)
            self.logged_at[meeting.pk] = logged
            self.meetings.append(meeting)

    def seed_referrals(self) -> None:
        """Referral edges, saved as they were given: at a meeting (by its first person) or
        from a contact's page, with the follow-up state they had then."""
        for row in REFERRALS:
            meeting = None if row.given else self.meeting_of[row.referrer]
            given = self.at(*row.given) if row.given else meeting.ends_at
            referral = save_referral(
                Referral(
                    user=self.user, referrer=self.contacts[row.referrer],
                    referred=self.contacts[row.referred], reason=row.reason,
                    intro_status=row.intro, meeting=meeting,
                    referred_on=self.profile.local_date(given),
                )
            )
            Referral.objects.filter(pk=referral.pk).update(created_at=given)
            self.in_book_by(row.referrer, given)
            referred = self.contacts[row.referred]
            first_time = not any(r.referred_id == referred.pk for r, _ in self.referrals)
            added = first_time and referred.source == Source.REFERRAL  # a new name, added then
            self.in_book_by(row.referred, given, added=added)
            self.referrals.append((referral, row))

    # The engine's follow-ups, and what the user did about them ----------------------------

    def seed_engine_followups(self) -> None:
        """What the rules call for, as the workers and the sweep create it: thank-yous,
        help-backs and prepare reminders for the meetings, and each referral's follow-ups
        (an intro to ask for, a call with a drafted opener, help back for one given
        outside a meeting)."""
        create_followups("meetings.Meeting", [meeting.pk for meeting in self.meetings])
        create_followups("referrals.Referral", [referral.pk for referral, _ in self.referrals])

    def replay_referrals(self) -> None:
        """The user's actions on referrals, then each meeting recorded as logging it does
        (held: met, planned: contacted), then the close-the-loop notes that calls for."""
        for referral, row in self.referrals:
            for action, days, hour in row.steps:
                if not action.startswith("close_loop"):
                    self.act(referral, action, days, hour)
        for meeting in sorted(self.meetings, key=lambda m: self.logged_at[m.pk]):
            moved = Referral.objects.for_user(self.user).record_meeting(meeting)
            self.settle(moved, self.logged_at[meeting.pk])
        create_followups("meetings.Meeting", [meeting.pk for meeting in self.meetings])
        for referral, row in self.referrals:
            for action, days, hour in row.steps:
                if action.startswith("close_loop"):
                    self.act(referral, action, days, hour)

    def act(self, referral: Referral, action: str, days: int, hour: int) -> None:
        moment = self.past(days, hour)
        if action == "called ahead":  # the referral edited, as the edit page saves it
            Referral.objects.filter(pk=referral.pk).update(intro_status=IntroStatus.CALLED)
            self.settle([referral.pk], moment)
            create_followups("referrals.Referral", [referral.pk])
            return
        subject, verb = action.split()
        kind = {
            "ask_intro": AskIntro.name,
            "call": ReferralCall.name,
            "close_loop": CloseLoop.name,
        }[subject]
        # One call covers a person however many referred you to them.
        covers = Q(referral=referral) | Q(kind=ReferralCall.name, contact=referral.referred)
        followup = FollowUp.objects.filter(covers, kind=kind).order_by("pk").first()
        if verb == "snooze":
            followup.snooze(self.morning(days))
        elif followup.skip() if verb == "skip" else followup.mark_done():
            FollowUp.objects.filter(pk=followup.pk).update(completed_at=moment)

    def settle(self, referral_ids: list[int], moment: datetime) -> None:
        """referrals.followups.settle, closed on the day it happened rather than today."""
        was_open = list(
            FollowUp.objects.filter(referral_id__in=referral_ids).open()
            .values_list("pk", flat=True)
        )
        if settle(referral_ids):
            FollowUp.objects.filter(pk__in=was_open, status=Status.DONE).update(
                completed_at=min(moment, self.now)
            )

    def seed_thank_yous(self) -> None:
        """Older thank-you notes sent, two overdue, two due today."""
        states = {meeting.pk: row[-1] for meeting, row in zip(self.meetings, MEETINGS)}
        thank_yous = FollowUp.objects.for_user(self.user).filter(kind=ThankYou.name)
        for followup in thank_yous:
            state = states[followup.meeting_id]
            if state == DONE:
                self.mark_done(followup)
            elif state == TODAY:
                FollowUp.objects.filter(pk=followup.pk).update(due_at=self.morning(0))

    def seed_help_back(self) -> None:
        helped = FollowUp.objects.for_user(self.user).filter(
            kind=HelpBack.name,
            contact__name__in=HELPED_BACK,
        )
        for followup in helped:
            self.mark_done(followup)

    def seed_hand_followups(self) -> None:
        for days, name, title, draft, done in HAND_FOLLOWUPS:
            followup = FollowUp.objects.create(
                user=self.user, kind=Custom.name, due_at=self.morning(days),
                title=title, draft=draft, contact=self.contacts[name],
            )
            if done:
                self.mark_done(followup)

    def mark_done(self, followup: FollowUp) -> None:
        """Done, and done the day it fell due rather than today."""
        followup.mark_done()
        done_at = min(followup.due_at + timedelta(hours=self.rng.randint(1, 8)), self.now)
        FollowUp.objects.filter(pk=followup.pk).update(completed_at=done_at)

    # Requests for help, keeping in touch, the digest ------------------------------------

    def seed_requests(self) -> None:
        """Logged when they came in (the priority reply drafted at once), then answered."""
        for row in REQUESTS:
            received = self.at(*row.received)
            contact = self.contacts[row.contact]
            inbound = log_request(
                InboundRequest(
                    user=self.user, contact=contact, ask=row.ask, details=row.details,
                    received_at=received,
                )
            )
            InboundRequest.objects.filter(pk=inbound.pk).update(created_at=received)
            self.in_book_by(
                row.contact, received - timedelta(minutes=10),
                added=contact.source == Source.INBOUND,
            )
            create_followups("reciprocity.InboundRequest", [inbound.pk])
            if row.answer:
                status, days, hour = row.answer
                answer_request(inbound, status, now=self.past(days, hour))

    def seed_keep_in_touch(self) -> None:
        """Cadences set on a tag's contacts, as the contact list's bulk action does; their
        reminders follow (sync_keep_in_touch). Then the check-ins already done."""
        for tag, days in CADENCES:
            set_cadence(Contact.objects.for_user(self.user).tagged(tag), days)
        for name, days, hour in KEPT_IN_TOUCH:
            # FollowUp.mark_done, on the day it was done: a touch, and the next reminder.
            followup = Contact.objects.get(pk=self.contacts[name].pk).keep_in_touch_reminder()
            followup.status, followup.completed_at = Status.DONE, self.past(days, hour)
            followup.save(update_fields=["status", "completed_at"])
            keep_in_touch_done(followup)

    def seed_notes(self) -> None:
        """Notes logged on contacts' pages: each a touch, moving their next reminder."""
        for name, days, hour, body in NOTES:
            happened = self.at(days, hour)
            self.in_book_by(name, happened)
            note = Contact.objects.get(pk=self.contacts[name].pk).log_note(body, happened)
            Note.objects.filter(pk=note.pk).update(created_at=happened)

    def seed_leads(self) -> None:
        """Job leads, each added the day it was found and moved on as the user tapped;
        the engine makes what each step calls for (an ask, a check-in) as it happens."""
        for row in LEADS:
            organization = self.organizations[row.organization]
            found = self.at(row.found, 19)
            lead = save_lead(Lead(
                user=self.user, organization=organization, role=row.role, source=row.source,
                found_on=self.today + timedelta(days=row.found),
                posting_url=f"{organization.website}{row.posting}", notes=row.notes,
                moved_at=found,
            ), [self.contacts[name] for name in row.people])
            Lead.objects.filter(pk=lead.pk).update(created_at=found)
            create_followups("jobs.Lead", [lead.pk], now=found)
            for target, days, hour in row.moves:
                closing = target in Outcome.values
                moved = self.past(days, hour)
                move_lead(
                    lead, LeadStatus.CLOSED if closing else target, target if closing else "",
                    at=moved,
                )
                create_followups("jobs.Lead", [lead.pk], now=moved)

    def seed_digest(self) -> None:
        """Digest on at 07:00; yesterday's was claimed and sent at 07:00. Its count is what
        was open and due by the end of yesterday as the morning began."""
        Profile.objects.filter(pk=self.profile.pk).update(
            digest_enabled=True, digest_time=DIGEST_TIME
        )
        yesterday = self.today - timedelta(days=1)
        claimed = datetime.combine(yesterday, DIGEST_TIME, self.profile.tzinfo)
        day_end = datetime.combine(self.today, time.min, self.profile.tzinfo)
        due = FollowUp.objects.for_user(self.user).filter(due_at__lt=day_end).filter(
            Q(completed_at__isnull=True) | Q(completed_at__gt=claimed)
        )
        DigestLog.objects.create(
            user=self.user, day=yesterday, claimed_at=claimed,
            sent_at=claimed + timedelta(seconds=DIGEST_SEND_SECONDS),
            followup_count=due.count(),
        )

    def past_jobs(self) -> None:
        """Where some people used to work: they still know people there (who I know
        at Brightline Health counts Rosa Alvarez, who was there before Juniper)."""
        for name, org_key in [("Rosa Alvarez", "brightline"), ("Sara Smith", "northwind")]:
            self.contacts[name].past_organizations.add(self.organizations[org_key])

    def counts(self) -> dict[str, int]:
        return {
            "contacts": Contact.objects.for_user(self.user).count(),
            "organizations": Organization.objects.for_user(self.user).count(),
            "meetings": Meeting.objects.for_user(self.user).count(),
            "referrals": Referral.objects.for_user(self.user).count(),
            "notes": Note.objects.for_user(self.user).count(),
            "requests for help": InboundRequest.objects.for_user(self.user).count(),
            "leads": Lead.objects.for_user(self.user).count(),
            "follow-ups": FollowUp.objects.for_user(self.user).count(),
            "open follow-ups": FollowUp.objects.for_user(self.user).open().count(),
        }


def create_demo_user() -> AbstractUser:
    user = get_user_model().objects.create_user(
        DEMO_USERNAME, DEMO_EMAIL, DEMO_PASSWORD,
        first_name=DEMO_FIRST_NAME, last_name=DEMO_LAST_NAME,
    )
    # As at sign-up: the Profile's post_save gives the account its suggested questions.
    Profile.objects.create(user=user, timezone=settings.TIME_ZONE)
    return user


class Command(BaseCommand):
    help = (
        f"Create the demo account ({DEMO_USERNAME} / {DEMO_PASSWORD}) with a job seeker's "
        "contacts, meetings, referrals and follow-up queue; does nothing if it exists, "
        "unless --reset."
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
            events_demo.seed(user, seeder.contacts, seeder.now)
            outreach_demo.seed(user, seeder.contacts, seeder.now)
            seeder.past_jobs()
            counts = seeder.counts()
        self.stdout.write(
            self.style.SUCCESS(f"Demo account ready: log in as {DEMO_USERNAME} / {DEMO_PASSWORD}")
        )
        self.stdout.write(", ".join(f"{count} {what}" for what, count in counts.items()))
