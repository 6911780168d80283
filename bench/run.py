"""netcrm benchmark: page timings and SQL query counts for one heavy user.

Run on demand, never by the test suite:

    make bench
    .venv/bin/python bench/run.py [--contacts 20000] [--followups 40000] [--repeat 20]

By default it works in a fresh SQLite file under a temporary DATA_DIR, deleted
afterwards. With DATABASE_URL set it uses that database instead, which must be
a throwaway one: it refuses a database that already holds users, and empties it
(`flush`) when done unless --keep is given. See bench/README.md.
"""

from __future__ import annotations

import argparse
import gc
import itertools
import math
import os
import platform
import random
import re
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "netcrm.settings")


# --picture: the whole picture of issue 11 (a heavy user and 50 ordinary users).
PICTURE = {"contacts": 10_000, "meetings": 30_000, "followups": 100_000,
           "referrals": 20_000, "hubs": 3, "ordinary": 50}
PASSWORD = "bench-password"  # every bench user's, for bench/load.py (bench data only)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Seed a heavy user into a throwaway database and time netcrm's pages."
    )
    parser.add_argument("--picture", action="store_true",
                        help="issue 11's picture: 10,000 contacts, 30,000 meetings, 100,000 "
                             "follow-ups, 20,000 referrals with 3 hubs, plus 50 ordinary users "
                             "(explicit flags still win)")
    parser.add_argument("--contacts", type=int, default=None,
                        help="contacts of the heavy user (default 20000)")
    parser.add_argument("--followups", type=int, default=None,
                        help="follow-ups of the heavy user (default 40000)")
    parser.add_argument("--meetings", type=int, default=None,
                        help="meetings of the heavy user (default: contacts / 4, so 5000)")
    parser.add_argument("--organizations", type=int, default=None,
                        help="organizations of the heavy user (default: contacts / 40, so 500)")
    parser.add_argument("--referrals", type=int, default=None,
                        help="referrals of the heavy user (default: about contacts / 3)")
    parser.add_argument("--hubs", type=int, default=None,
                        help="connectors who referred thousands (default 1; sizes 3000, "
                             "2000, 1000, …)")
    parser.add_argument("--ordinary", type=int, default=None,
                        help="ordinary users of ~100 contacts, 30 meetings, 150 follow-ups "
                             "(default 0: one light user of 200 contacts instead)")
    parser.add_argument("--repeat", type=int, default=20,
                        help="timed requests per page (default 20)")
    parser.add_argument("--sample", type=int, default=40,
                        help="random contact pages timed, one request each (default 40)")
    parser.add_argument("--no-sweep", action="store_true",
                        help="skip the sweep timings (bench/sweep.py has the million-row one)")
    parser.add_argument("--backup", action="store_true",
                        help="also time the heavy user's backup and its restore into a new "
                             "account (rolled back afterwards)")
    parser.add_argument("--seed", type=int, default=42, help="random seed (default 42)")
    parser.add_argument("--keep", action="store_true",
                        help="keep the data afterwards (the temporary DATA_DIR, or the rows "
                             "in DATABASE_URL's database) instead of deleting it; "
                             "bench/load.py runs on it")
    args = parser.parse_args()
    defaults = PICTURE if args.picture else {
        "contacts": 20_000, "followups": 40_000, "hubs": 1, "ordinary": 0,
    }
    for name, value in defaults.items():
        if getattr(args, name) is None:
            setattr(args, name, value)
    if args.contacts < 10 or args.followups < 100 or args.repeat < 1:
        parser.error("need --contacts >= 10, --followups >= 100 and --repeat >= 1")
    args.meetings = args.meetings if args.meetings is not None else max(10, args.contacts // 4)
    args.organizations = (
        args.organizations if args.organizations is not None else max(5, args.contacts // 40)
    )
    return args


ARGS = parse_args()
# Everything the app writes at run time (SQLite file, secret key, static root) goes
# to a temporary directory, never to the developer's ./data.
DATA_DIR = tempfile.mkdtemp(prefix="netcrm-bench-")
os.environ["DATA_DIR"] = DATA_DIR
USING_DATABASE_URL = bool(os.environ.get("DATABASE_URL"))

import django

django.setup()

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection, transaction
from django.db.models import Count, F
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from taggit.models import Tag, TaggedItem

from accounts.models import Profile
from bench import yardstick
from contacts.models import Contact, Organization, Source
from events.models import Event, EventVisit
from events.models import Kind as EventKind
from followups import kinds as followup_kinds
from followups import services
from followups.models import FollowUp, Status
from followups.views import QUEUE_LIMIT
from home.views import PANEL
from jobs.models import Lead
from jobs.models import Outcome as LeadOutcome
from jobs.models import Status as LeadStatus
from meetings.models import Invited, Meeting, Paid
from meetings.models import Kind as MeetingKind
from netcrm.lib import generations, planner
from netcrm.lib.redis import EmbeddedRedis
from netcrm.lib.startup import load_for_serving
from portability import backup, restores
from referrals.models import Progress, Referral

BATCH = 2000


def words(text: str, sep: str | None = None) -> list[str]:
    return text.split(sep)


SEARCH_QUERY = "son"        # Johnson, Anderson, Wilson, Jackson… a common substring
PARTICIPANT_QUERY = "mar"   # Maria, Mark, Martin, Martinez…

FIRST = words(
    "Maria James Mark Linda Martin Susan Ann Robert Jason Alison Emma Noah Olivia Liam Ava "
    "Sophia Lucas Mia Ethan Amelia Oliver Harper Elijah Evelyn Mason Abigail Logan Emily "
    "Aiden Ella Carlos Priya Wei Fatima Omar Yuki Sven Ingrid Mateo Chloe Daniel Grace "
    "Samuel Nora Henry Zoe Leo Hannah Isaac Ruth Adam Sara John Alan Paula Victor Irene "
    "Kofi Amara Tomas"
)
LAST = words(
    "Johnson Anderson Wilson Jackson Thompson Robertson Garcia Martinez Smith Brown Lee "
    "Nguyen Patel Kim Chen Muller Rossi Silva Kowalski Novak Dubois Jensen Larsen Costa "
    "Okafor Mensah Haddad Tanaka Sato Ivanova Fischer Weber Moreau Lopez Gonzalez Perez "
    "Clark Lewis Walker Hall Young King Wright Scott Green Baker Adams Nelson Hill Campbell "
    "Mitchell Roberts Carter Phillips Evans Turner Torres Parker Collins Edwards Public"
)
ORG_A = words(
    "Acme Blue Bright North Harbor Summit Cedar Iron Silver Quantum Urban Civic Open Prairie "
    "Atlas Beacon Copper Delta Evergreen Granite Horizon Juniper Lumen Meridian Nimbus Orbit"
)
ORG_B = words(
    "Labs Systems Analytics Health Bank Logistics Media Energy Robotics Foods Partners "
    "Software Ventures Insurance Studio Networks Bio Capital Works Group Foundation "
    "Cloud Retail Data Security Mobility"
)
TITLES = words(
    "Engineer|Senior Engineer|Engineering Manager|Recruiter|Talent Partner|Product Manager|"
    "Designer|Data Scientist|Director|VP Engineering|Founder|Analyst|Consultant|CTO|Teacher|"
    "Nurse|Account Executive|Operations Lead|Researcher|Student"
, "|")
TAGS = words(
    "recruiter alumni mentor python hiring data design fintech climate volunteer "
    "conference meetup referral warm-intro open-source remote startup healthcare "
    "product leadership"
)
LOREM = (
    "We talked about how the team hires, what a first year looks like, which skills "
    "matter more than the resume suggests, and who else would be worth meeting. "
    "Follow up with the article on onboarding and ask about the spring meetup."
)


# ---------------------------------------------------------------- seeding


@contextmanager
def explicit_timestamps():
    """Let bulk_create keep the created_at/updated_at we give (spread over years)."""
    saved = []
    for model in (Organization, Contact, Meeting, FollowUp, Referral):
        for name in ("created_at", "updated_at"):
            try:
                field = model._meta.get_field(name)
            except FieldDoesNotExist:
                continue
            saved.append((field, field.auto_now, field.auto_now_add))
            field.auto_now = field.auto_now_add = False
    try:
        yield
    finally:
        for field, auto_now, auto_now_add in saved:
            field.auto_now, field.auto_now_add = auto_now, auto_now_add


def make_user(username: str, password_hash: str = "") -> User:
    """Like tests/conftest.py's make_user; the password hash is computed once for all."""
    user = User.objects.create_user(username, f"{username}@example.com", password=None)
    if password_hash:
        user.password = password_hash
        user.save(update_fields=["password"])
    Profile.objects.create(user=user)
    return user


def ago(rng: random.Random, now, max_days: float, min_days: float = 0.0):
    return now - timedelta(days=rng.uniform(min_days, max_days))


def seed_user(
    user: User,
    *,
    rng: random.Random,
    now,
    tags: list[Tag],
    n_contacts: int,
    n_orgs: int,
    n_meetings: int,
    n_followups: int,
    n_tagged: int,
    queue: tuple[int, int, int],
) -> dict:
    """One user's network. Returns ids the benchmark needs and a summary."""
    profile = Profile.for_user(user)
    today = profile.today()
    today_start = profile.day_start(today)
    tomorrow_start = profile.day_start(today + timedelta(days=1))
    years3 = 3 * 365

    # Organizations: unique names (a unique constraint on the lower-cased name).
    combos = [f"{a} {b}" for a in ORG_A for b in ORG_B]
    rng.shuffle(combos)
    names = [
        combos[i % len(combos)] + ("" if i < len(combos) else f" {i // len(combos) + 1}")
        for i in range(n_orgs)
    ]
    orgs = Organization.objects.bulk_create(
        [
            Organization(
                user=user,
                name=name,
                website=f"https://{name.lower().replace(' ', '')}.example.com",
                is_target=rng.random() < 0.05,
                created_at=ago(rng, now, years3),
            )
            for name in names
        ],
        batch_size=BATCH,
    )
    org_ids = [org.pk for org in orgs]
    org_cum_weights = list(  # a few big employers, many small ones
        itertools.accumulate(1 / (i + 1) ** 0.7 for i in range(len(orgs)))
    )

    # Plan the meetings first, so each contact's last interaction is known up front.
    n_close = max(5, n_contacts // 200)  # people met again and again
    n_upcoming = max(1, n_meetings // 50)
    plan = []
    for i in range(n_meetings):
        if i < n_upcoming:
            starts = now + timedelta(days=rng.uniform(0.05, 45))
        else:
            starts = ago(rng, now, years3, min_days=0.05)
        k = rng.choices((1, 2, 3), weights=(60, 30, 10))[0]
        people: list[int] = []
        while len(people) < min(k, n_contacts):
            idx = rng.randrange(n_close) if rng.random() < 0.25 else rng.randrange(n_contacts)
            if idx not in people:
                people.append(idx)
        plan.append((starts, people))
    last_interaction: dict[int, object] = {}
    for starts, people in plan:
        if starts <= now:
            for idx in people:
                if idx not in last_interaction or starts > last_interaction[idx]:
                    last_interaction[idx] = starts

    contact_objs = []
    for i in range(n_contacts):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        org_id = None
        if rng.random() < 0.85:
            org_id = rng.choices(org_ids, cum_weights=org_cum_weights)[0]
        created = ago(rng, now, years3)
        contact_objs.append(
            Contact(
                user_id=user.pk,
                name=f"{first} {last}",
                organization_id=org_id,
                title=rng.choice(TITLES) if rng.random() < 0.7 else "",
                email=f"{first}.{last}{i}@example.com".lower() if rng.random() < 0.8 else "",
                phone=f"+1 555 {rng.randrange(10**7):07d}" if rng.random() < 0.4 else "",
                links=f"https://www.linkedin.com/in/{first}-{last}-{i}".lower()
                if rng.random() < 0.3 else "",
                source=rng.choice(Source.values),
                notes=LOREM if rng.random() < 0.3 else "",
                created_at=created,
                updated_at=created,
                last_interaction_at=last_interaction.get(i),
            )
        )
    contacts = Contact.objects.bulk_create(contact_objs, batch_size=BATCH)
    contact_ids = [contact.pk for contact in contacts]

    meeting_objs = []
    for starts, _ in plan:
        created = (
            starts + timedelta(hours=1) if starts <= now else ago(rng, now, 14)
        )
        meeting_objs.append(
            Meeting(
                user_id=user.pk,
                kind=rng.choice(MeetingKind.values),
                starts_at=starts,
                length_minutes=rng.choice((15, 15, 30, 45, 60)),
                location=rng.choice(("", "Blue Bottle, Main St", "Zoom", "Their office")),
                purpose=LOREM[:120] if rng.random() < 0.7 else "",
                questions=LOREM[:200] if rng.random() < 0.3 else "",
                notes=LOREM if rng.random() < 0.5 else "",
                outcome=LOREM[:80] if rng.random() < 0.3 else "",
                invited_by=rng.choice(Invited.values),
                paid_by=rng.choice(Paid.values),
                created_at=created,
                updated_at=created,
            )
        )
    meetings = Meeting.objects.bulk_create(meeting_objs, batch_size=BATCH)
    Through = Meeting.contacts.through
    Through.objects.bulk_create(
        [
            Through(meeting_id=meeting.pk, contact_id=contact_ids[idx])
            for meeting, (_, people) in zip(meetings, plan)
            for idx in people
        ],
        batch_size=BATCH,
    )

    # Tags: bulk TaggedItem rows for n_tagged contacts, one to three tags each.
    ct = ContentType.objects.get_for_model(Contact)
    TaggedItem.objects.bulk_create(
        [
            TaggedItem(tag_id=tag.pk, content_type_id=ct.pk, object_id=contact_id)
            for contact_id in rng.sample(contact_ids, min(n_tagged, len(contact_ids)))
            for tag in rng.sample(tags, rng.choice((1, 1, 2, 3)))
        ],
        batch_size=BATCH,
    )

    # Follow-ups. Thank-you notes first: one per person of each past meeting, done,
    # except for meetings of the last 3 days, left missing (as if a message was
    # lost) so that the sweep has something to repair.
    missing_since = now - timedelta(days=3)
    pairs = [
        (meeting, contacts[idx])
        for meeting, (starts, people) in sorted(
            zip(meetings, plan), key=lambda mp: mp[1][0], reverse=True
        )
        if starts <= now
        for idx in people
    ]
    missing = [(m, c) for m, c in pairs if m.starts_at >= missing_since]
    thanked = [(m, c) for m, c in pairs if m.starts_at < missing_since][: n_followups // 2]
    rows = []
    for meeting, contact in thanked:
        due = profile.morning_after(meeting.ends_at, 1)
        rows.append(
            FollowUp(
                user_id=user.pk,
                kind="thank_you",
                status=Status.DONE,
                due_at=due,
                title=f"Thank {contact.name} for the {meeting.get_kind_display().lower()}",
                draft=f"Hi {contact.first_name},\n\nThank you for taking the time. {LOREM}",
                contact_id=contact.pk,
                meeting_id=meeting.pk,
                created_at=meeting.ends_at,
                completed_at=due + timedelta(hours=rng.uniform(0, 30)),
            )
        )

    # The rest: the open queue (overdue, due today, next 7 days), then done/skipped
    # ones in the past and open ones further ahead.
    rest = n_followups - len(rows)
    n_overdue, n_today, n_week = queue
    if n_overdue + n_today + n_week > rest // 2:
        scale = (rest // 2) / (n_overdue + n_today + n_week)
        n_overdue, n_today, n_week = (int(x * scale) for x in (n_overdue, n_today, n_week))
    # Kinds whose unique constraints random rows cannot trip (one open keep-in-touch
    # per contact, one help back per meeting and person…): the queue's cost is the same.
    kinds = [k for k in ("close_loop", "prepare", "custom") if k in followup_kinds.REGISTRY]
    labels = dict(followup_kinds.choices())
    past_meetings = [m for m in meetings if m.starts_at <= now] or meetings
    week_end = tomorrow_start + timedelta(days=7)
    day_length = (tomorrow_start - today_start).total_seconds()

    def followup(due, status, bucket):
        kind = rng.choice(kinds)
        contact = rng.choice(contacts)
        meeting = (
            rng.choice(past_meetings)
            if kind == "close_loop" else None
        )
        done = status in (Status.DONE, Status.SKIPPED)
        return FollowUp(
            user_id=user.pk,
            kind=kind,
            status=status,
            due_at=due,
            title=f"{labels[kind]}: {contact.name}",
            draft=LOREM if rng.random() < 0.3 else "",
            contact_id=contact.pk,
            meeting_id=meeting.pk if meeting else None,
            created_at=min(due, now) - timedelta(days=rng.uniform(1, 20)),
            completed_at=due + timedelta(hours=rng.uniform(0, 48)) if done else None,
        ), bucket

    pool = []
    for _ in range(n_overdue):
        due = today_start - timedelta(seconds=rng.uniform(60, 60 * 86400))
        pool.append(followup(due, Status.PENDING if rng.random() < 0.8 else Status.SNOOZED,
                             "overdue"))
    for _ in range(n_today):
        due = today_start + timedelta(seconds=rng.uniform(0, day_length - 1))
        pool.append(followup(due, Status.PENDING, "today"))
    for _ in range(n_week):
        due = tomorrow_start + timedelta(seconds=rng.uniform(1, 7 * 86400))
        pool.append(followup(due, Status.PENDING, "week"))
    for _ in range(rest - len(pool)):
        if rng.random() < 0.75:
            due = ago(rng, now, years3, min_days=61)
            status = Status.DONE if rng.random() < 0.85 else Status.SKIPPED
            pool.append(followup(due, status, "past"))
        else:
            due = week_end + timedelta(days=rng.uniform(1, 365))
            pool.append(followup(due, Status.PENDING, "later"))
    FollowUp.objects.bulk_create(rows + [f for f, _ in pool], batch_size=BATCH)

    overdue = sorted((f for f, b in pool if b == "overdue"), key=lambda f: (f.due_at, f.pk))
    appearances: dict[int, int] = {}
    for _, people in plan:
        for idx in people:
            appearances[idx] = appearances.get(idx, 0) + 1
    busiest = max(appearances, key=appearances.get) if appearances else 0
    detail_meeting = next(
        (m for m, (s, p) in zip(meetings, plan) if s <= missing_since and len(p) == 3),
        meetings[-1],
    )
    return {
        "contact_id": contacts[busiest].pk,
        "contact_meetings": appearances.get(busiest, 0),
        "meeting_id": detail_meeting.pk,
        "overdue_ids": [f.pk for f in overdue],
        "contact_ids": contact_ids,
        "org_ids": org_ids,
        "followup_id": next((f.pk for f, b in pool if b == "later"), pool[-1][0].pk),
        "summary": (
            f"{len(orgs)} organizations, {len(contacts)} contacts "
            f"({min(n_tagged, len(contacts))} tagged), {len(meetings)} meetings "
            f"({n_upcoming} upcoming), {len(rows) + len(pool)} follow-ups "
            f"({len(rows)} thank-yous done, {n_overdue} overdue, {n_today} due today, "
            f"{n_week} in the next 7 days, {len(missing)} thank-yous missing for the sweep)"
        ),
    }


BRAID_LAYERS, BRAID_WIDTH, BRAID_REFERRERS = 13, 5, 3  # 3**12 chains twelve deep
HUB_MAX = 3000


def seed_referrals(
    user: User, contact_ids: list[int], *, rng: random.Random, now,
    n_referrals: int | None = None, n_hubs: int = 1,
) -> dict:
    """Referrals at scale. A braid of 13 layers (everyone after the first referred by
    three people of the layer before, so 531,441 chains reach its last layer, twelve
    deep); `n_hubs` connectors who referred thousands (3,000, 2,000, 1,000… at most two
    fifths of the rest each); connectors of the second rank (a tenth of the hubs'
    people) who referred one to three more; then random referrals among everyone else,
    up to `n_referrals` in all (by default a third of the contacts). The random ones go
    from an earlier contact to a later one, so they add no loop (the braid and the hubs
    have none either). Needs at least 500 contacts."""
    if n_referrals is None:
        n_referrals = len(contact_ids) // 3
    edges: set[tuple[int, int]] = set()
    braid = [contact_ids[i * BRAID_WIDTH:(i + 1) * BRAID_WIDTH] for i in range(BRAID_LAYERS)]
    for above, layer in itertools.pairwise(braid):
        for person in layer:
            edges |= {(referrer, person) for referrer in rng.sample(above, BRAID_REFERRERS)}
    start = BRAID_LAYERS * BRAID_WIDTH
    hubs, rest = contact_ids[start:start + n_hubs], contact_ids[start + n_hubs:]
    hub_led = []
    led_all: set[int] = set()
    for rank, hub in enumerate(hubs):
        led = rng.sample(rest, min(HUB_MAX // (rank + 1), len(rest) * 2 // 5))
        edges |= {(hub, person) for person in led}
        hub_led.append(len(led))
        led_all |= set(led)
    others = [c for c in rest if c not in led_all] or rest
    led_list = sorted(led_all)
    for person in rng.sample(led_list, len(led_list) // 10):  # the hubs' people refer others
        edges |= {(person, other) for other in rng.sample(others, min(len(others),
                                                                        rng.randint(1, 3)))}
    edges = {(a, b) for a, b in edges if a != b}
    position = {c: i for i, c in enumerate(rest)}
    tries = 0
    while len(edges) < n_referrals and tries < n_referrals * 5:
        tries += 1
        a, b = sorted(rng.sample(rest, 2), key=position.__getitem__)
        if b not in led_all or rng.random() < 0.3:  # a hub's people: mostly by the hub alone
            edges.add((a, b))
    # Older than the sweep's window: the sweep's figures stay about thank-yous.
    when = [ago(rng, now, 3 * 365, min_days=30) for _ in edges]
    Referral.objects.bulk_create(
        [
            Referral(
                user_id=user.pk, referrer_id=a, referred_id=b,
                progress=rng.choice(Progress.values),
                reason=LOREM[:60] if rng.random() < 0.3 else "",
                referred_on=at.date(), created_at=at,
            )
            for (a, b), at in zip(sorted(edges), when)
        ],
        batch_size=BATCH,
    )
    return {"hub_id": hubs[0], "hub_led": hub_led[0], "hubs_led": hub_led,
            "deep_id": braid[-1][0], "referrals": len(edges)}


def seed_small_referrals(user: User, contact_ids: list[int], *, rng: random.Random, now,
                         n: int) -> int:
    """An ordinary user's few referrals: from an earlier contact to a later one."""
    edges = {tuple(sorted(rng.sample(contact_ids, 2))) for _ in range(n)}
    Referral.objects.bulk_create([
        Referral(user_id=user.pk, referrer_id=a, referred_id=b,
                 progress=rng.choice(Progress.values), referred_on=at.date(), created_at=at)
        for (a, b), at in ((e, ago(rng, now, 3 * 365, min_days=30)) for e in sorted(edges))
    ], batch_size=BATCH)
    return len(edges)


EVENT_WORDS = ("meetup", "breakfast", "conference", "alumni night")


def seed_events_and_leads(user: User, info: dict, *, rng: random.Random, now,
                          n_events: int, n_leads: int) -> str:
    """Events with visits (people met there) and leads across the board's columns."""
    contact_ids, org_ids = info["contact_ids"], info["org_ids"]
    events = Event.objects.bulk_create([
        Event(user_id=user.pk, name=f"{rng.choice(ORG_A)} {rng.choice(EVENT_WORDS)} {i}",
              kind=rng.choice(EventKind.values), organizer=rng.choice(ORG_A),
              location=rng.choice(("", "Downtown", "Online")))
        for i in range(n_events)
    ], batch_size=BATCH)
    visits = EventVisit.objects.bulk_create([
        EventVisit(user_id=user.pk, event_id=event.pk,
                   on=ago(rng, now, 2 * 365).date())
        for event in events for _ in range(rng.randint(0, 6))
    ], batch_size=BATCH)
    People = EventVisit.people.through
    People.objects.bulk_create([
        People(eventvisit_id=visit.pk, contact_id=contact)
        for visit in visits for contact in rng.sample(contact_ids, min(len(contact_ids),
                                                                       rng.randint(0, 4)))
    ], batch_size=BATCH)
    statuses = [rng.choice(LeadStatus.values) for _ in range(n_leads)]
    leads = Lead.objects.bulk_create([
        Lead(user_id=user.pk, organization_id=rng.choice(org_ids),
             role=rng.choice(TITLES), status=status,
             outcome=rng.choice(LeadOutcome.values) if status == LeadStatus.CLOSED else "",
             found_on=ago(rng, now, 365).date(), moved_at=ago(rng, now, 120),
             notes=LOREM[:100] if rng.random() < 0.3 else "")
        for status in statuses
    ], batch_size=BATCH)
    Involved = Lead.contacts.through
    Involved.objects.bulk_create([
        Involved(lead_id=lead.pk, contact_id=contact)
        for lead in leads for contact in rng.sample(contact_ids, min(len(contact_ids),
                                                                     rng.randint(0, 3)))
    ], batch_size=BATCH)
    return f"{len(events)} events ({len(visits)} visits), {len(leads)} leads"


def seed(args) -> tuple[User, dict, User, dict]:
    rng = random.Random(args.seed)
    now = timezone.now()
    password_hash = make_password(PASSWORD)
    with transaction.atomic(), explicit_timestamps():
        tags = Tag.objects.bulk_create([Tag(name=name, slug=name) for name in TAGS])
        heavy = make_user("bench-heavy", password_hash)
        heavy_info = seed_user(
            heavy, rng=rng, now=now, tags=tags,
            n_contacts=args.contacts, n_orgs=args.organizations, n_meetings=args.meetings,
            n_followups=args.followups, n_tagged=max(1, args.contacts // 10),
            queue=(300, 100, 500),
        )
        heavy_contacts = heavy_info["contact_ids"]
        if len(heavy_contacts) >= 500:
            heavy_info |= seed_referrals(heavy, heavy_contacts, rng=rng, now=now,
                                         n_referrals=args.referrals, n_hubs=args.hubs)
            heavy_info["summary"] += (
                f", {heavy_info['referrals']} referrals (hubs who referred "
                f"{', '.join(map(str, heavy_info['hubs_led']))}; chains 12 deep)"
            )
        heavy_info["summary"] += ", " + seed_events_and_leads(
            heavy, heavy_info, rng=rng, now=now, n_events=60, n_leads=300)
        if args.ordinary:
            ordinary = []
            for i in range(1, args.ordinary + 1):
                user = make_user(f"bench-user-{i:02d}", password_hash)
                info = seed_user(
                    user, rng=rng, now=now, tags=tags,
                    n_contacts=rng.randint(80, 120), n_orgs=rng.randint(8, 15),
                    n_meetings=rng.randint(25, 35), n_followups=rng.randint(130, 170),
                    n_tagged=20, queue=(5, 3, 8),
                )
                n = seed_small_referrals(user, info["contact_ids"], rng=rng, now=now,
                                         n=rng.randint(5, 20))
                info["summary"] += f", {n} referrals, " + seed_events_and_leads(
                    user, info, rng=rng, now=now, n_events=3, n_leads=6)
                ordinary.append((user, info))
            light, light_info = ordinary[0]
            light_info["summary"] = (
                f"{args.ordinary} ordinary users (bench-user-01…{args.ordinary:02d}); "
                f"the first: {light_info['summary']}"
            )
        else:
            light = make_user("bench-light", password_hash)
            light_info = seed_user(
                light, rng=rng, now=now, tags=tags,
                n_contacts=200, n_orgs=10, n_meetings=40, n_followups=300, n_tagged=20,
                queue=(5, 3, 8),
            )
    if connection.vendor == "postgresql":
        # What autovacuum would do within a minute of a bulk load (VACUUM also moves
        # the rows GIN indexes hold in their pending list into the index proper).
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    else:
        # What beat does when it starts and hourly (netcrm/lib/planner.py): SQLite's
        # planner statistics, which it never gathers itself.
        seconds = planner.refresh()
        print(f"planner statistics (SQLite ANALYZE, as beat does): {seconds:.2f} s")
    return heavy, heavy_info, light, light_info


# ---------------------------------------------------------------- measuring


def percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(pct / 100 * len(ordered)) - 1)]


P95_TARGET_MS = 150        # every page of the heavy user (issue 11)
DASHBOARD_FLOOR_RATIO = 1.3  # the dashboard within 1.3x its floor
DASHBOARD_MAX_KB = 60


class Row:
    def __init__(self, label, times_ms, queries, size, budget=None):
        self.label, self.times, self.queries, self.size = label, times_ms, queries, size
        self.budget = budget  # the most queries the page may make, when it has a floor
        self.floor: Row | None = None
        self.p95_target: float | None = None
        self.ratio_target: float | None = None
        self.kb_target: float | None = None

    @property
    def median(self):
        return statistics.median(self.times)

    @property
    def p95(self):
        return percentile(self.times, 95)

    @property
    def ratio(self):
        return self.median / self.floor.median if self.floor and self.floor.median else None

    def target(self) -> tuple[str, bool]:
        """The targets as text, and whether all are met."""
        parts, ok = [], True
        if self.p95_target is not None:
            parts.append(f"p95<{self.p95_target:g}")
            ok &= self.p95 < self.p95_target
        if self.ratio_target is not None and self.ratio is not None:
            parts.append(f"<={self.ratio_target:g}x")
            ok &= self.ratio <= self.ratio_target
        if self.kb_target is not None:
            parts.append(f"<{self.kb_target:g}KB")
            ok &= self.size / 1024 < self.kb_target
        return " ".join(parts), ok


def measure(label: str, request, repeat: int, expect: int = 200, budget: int | None = None,
            before=None) -> Row:
    """request(i) makes one request. The first (untimed) one counts the SQL queries.
    before(i), when given, runs before each request, untimed."""
    if before:
        before(0)
    with CaptureQueriesContext(connection) as captured:
        response = request(0)
    check(label, response, expect)
    queries, size = len(captured.captured_queries), len(response.content)
    times = []
    for i in range(1, repeat + 1):
        if before:
            before(i)
        start = time.perf_counter()
        response = request(i)
        times.append((time.perf_counter() - start) * 1000)
        check(label, response, expect)
    return Row(label, times, queries, size, budget)


def check(label, response, expect):
    if response.status_code != expect:
        raise SystemExit(f"{label}: HTTP {response.status_code}, expected {expect}")


def print_table(title: str, rows: list[Row], size_column: bool = True) -> None:
    width = max(len(r.label) for r in rows)
    floors = any(r.floor for r in rows)
    targets = any(r.target()[0] for r in rows)
    head = f"{'':{width}}  {'median ms':>9}  {'p95 ms':>8}  {'queries':>7}"
    head += f"  {'KB':>6}" if size_column else ""
    head += f"  {'floor ms':>8}  {'x floor':>7}" if floors else ""
    head += f"  {'target':<22}" if targets else ""
    print(f"\n{title}")
    print(head)
    print("-" * len(head))
    for r in rows:
        line = f"{r.label:{width}}  {r.median:9.1f}  {r.p95:8.1f}  {r.queries:7d}"
        line += f"  {r.size / 1024:6.1f}" if size_column else ""
        if floors:
            line += (f"  {r.floor.median:8.1f}  {r.ratio:6.2f}x" if r.floor
                     else f"  {'':8}  {'':7}")
        if targets:
            text, ok = r.target()
            line += f"  {text:<22} {'' if not text else 'ok' if ok else 'MISS'}"
        if r.budget is not None:
            line += f"  queries <= {r.budget}" + ("" if r.queries <= r.budget else " OVER")
        print(line.rstrip())


# The insights page reads each kind of row once, whatever the data (issue 9).
INSIGHTS_QUERY_BUDGET = 25


def bench_pages(user: User, info: dict, repeat: int, sample: int, heavy: bool,
                rng: random.Random) -> list[Row]:
    """Every main page (the ordinary user: the everyday ones), with floors where one is
    written (bench/floor.py, installed as ROOT_URLCONF)."""
    with override_settings(ROOT_URLCONF="bench.floor"):
        rows = _bench_pages(user, info, repeat, sample, heavy, rng)
    for row in rows:
        row.p95_target = P95_TARGET_MS
    rows[0].ratio_target, rows[0].kb_target = DASHBOARD_FLOOR_RATIO, DASHBOARD_MAX_KB
    rows[1].kb_target = rows[2].kb_target = DASHBOARD_MAX_KB
    return rows


def rename_at_the_biggest(user):
    """A `before` that renames a contact at the user's biggest organization (a new name
    each time) and says so to the user's generations."""
    biggest = (
        Contact.objects.filter(user=user, organization__isnull=False)
        .values("organization").annotate(n=Count("pk")).order_by("-n", "organization")
        .values_list("organization", flat=True).first()
    )
    contact = Contact.objects.filter(user=user, organization=biggest).order_by("pk").first()

    def before(i):
        if contact is not None:  # a name never seen before: that organization compared again
            Contact.objects.filter(pk=contact.pk).update(name=f"{contact.name} {uuid.uuid4().hex[:6]}")
        generations.bump(f"{user.pk}:{PANEL}")
    return before


def _bench_pages(user, info, repeat, sample, heavy, rng) -> list[Row]:
    client = Client()
    client.force_login(user)
    htmx = {"HX-Request": "true"}

    def get(path, headers=None):
        return lambda i: client.get(path, headers=headers)

    def each(paths):
        return lambda i: client.get(paths[i % len(paths)])

    def with_floor(row, floor_request, n=repeat):
        row.floor = measure(f"floor of {row.label}", floor_request, n)
        return row

    picked = rng.sample(info["contact_ids"], min(sample, len(info["contact_ids"])))
    # A sample of the organizations, the same each run and not drawn from `rng` (the
    # other pages' draws stay as they were before it was added).
    organization_ids = list(Organization.objects.filter(user=user).order_by("pk")
                            .values_list("pk", flat=True))
    organizations = [f"/contacts/organizations/{pk}/"
                     for pk in random.Random(len(organization_ids)).sample(
                         organization_ids, min(sample, len(organization_ids)))]
    # The dashboard three times: kept (nothing it shows has changed since the last visit:
    # what most visits get), after a follow-up was written (Done, Snooze: the queue
    # rendered afresh, the panel beside it kept) and after anything else was (a meeting
    # logged, a contact added: all of it afresh).
    afresh = measure("GET /  (dashboard, afresh: after a write)", get("/"), repeat,
                     before=lambda i: generations.bump(user.pk, f"{user.pk}:{PANEL}"))
    after_done = measure("GET /  (dashboard, after a Done: queue afresh)", get("/"), repeat,
                         before=lambda i: generations.bump(user.pk))
    kept = with_floor(measure("GET /  (dashboard, kept: nothing changed)", get("/"), repeat),
                      get("/__floor__/dashboard/"))
    afresh.floor = after_done.floor = kept.floor
    version = re.search(r'name="v" value="([^"]+)"', client.get("/").content.decode()).group(1)
    rows = [
        kept,
        after_done,
        afresh,
        measure("GET /  (HX-Request: queue fragment)", get("/", htmx), repeat),
        measure("GET /?v=  (HX poll, nothing changed: 204)",
                get(f"/?v={version}&limit={QUEUE_LIMIT}", htmx), repeat, expect=204),
        with_floor(measure("GET /contacts/", get("/contacts/"), repeat),
                   get("/__floor__/contacts/")),
        measure(f"GET /contacts/?q={SEARCH_QUERY}", get(f"/contacts/?q={SEARCH_QUERY}"), repeat),
        # Everything at once (people, organizations, meetings, leads), and the meetings'
        # own list searched: both read the meetings' notes (their trigram indexes).
        measure(f"GET /search/?q={SEARCH_QUERY}", get(f"/search/?q={SEARCH_QUERY}"), repeat),
        measure(f"GET /meetings/?q={SEARCH_QUERY}", get(f"/meetings/?q={SEARCH_QUERY}"), repeat),
        with_floor(
            measure(f"GET /contacts/<random>/  ({len(picked)} contacts, 1 each)",
                    each([f"/contacts/{pk}/" for pk in picked]), len(picked)),
            each([f"/__floor__/contacts/{pk}/" for pk in picked]), len(picked),
        ),
        measure("GET /meetings/", get("/meetings/"), repeat),
        measure("GET /meetings/<id>/", get(f"/meetings/{info['meeting_id']}/"), repeat),
        measure("GET /leads/  (board)", get("/leads/"), repeat),
        measure("GET /insights/  (8 weeks)", get("/insights/"), repeat,
                budget=INSIGHTS_QUERY_BUDGET),
    ]
    if not heavy:
        return rows
    rows += [
        measure("GET /contacts/?page=400", get("/contacts/?page=400"), repeat),
        with_floor(
            measure(f"GET /contacts/<id>/  ({info['contact_meetings']} meetings)",
                    get(f"/contacts/{info['contact_id']}/"), repeat),
            get(f"/__floor__/contacts/{info['contact_id']}/"),
        ),
    ]
    if "hub_id" in info:
        rows += [
            with_floor(
                measure(f"GET /contacts/<hub>/  (led to {info['hub_led']})",
                        get(f"/contacts/{info['hub_id']}/"), repeat),
                get(f"/__floor__/contacts/{info['hub_id']}/"),
            ),
            with_floor(
                measure("GET /contacts/<deep>/  (chains 12 deep)",
                        get(f"/contacts/{info['deep_id']}/"), repeat),
                get(f"/__floor__/contacts/{info['deep_id']}/"),
            ),
            # What the page says of the whole network (counts, best connectors, first
            # links) is kept under the generation of the user's people, meetings and
            # referrals (referrals/network.py): afresh after any write to those.
            with_floor(
                measure("GET /referrals/?focus=<deep>  (afresh: after a write)",
                        get(f"/referrals/?focus={info['deep_id']}"), repeat,
                        before=lambda i: generations.bump(f"{user.pk}:{PANEL}")),
                get(f"/__floor__/focus/{info['deep_id']}/"),
            ),
            measure("GET /referrals/?focus=<deep>  (kept: nothing changed)",
                    get(f"/referrals/?focus={info['deep_id']}"), repeat),
        ]
    rows += [
        measure(
            f"GET /contacts/search/?pick=many&q={PARTICIPANT_QUERY}",
            get(f"/contacts/search/?pick=many&q={PARTICIPANT_QUERY}", htmx),
            repeat,
        ),
        measure("GET /leads/targets/", get("/leads/targets/"), repeat),
        measure("GET /events/", get("/events/"), repeat),
        measure("GET /contacts/organizations/", get("/contacts/organizations/"), repeat),
        # An organization's page (its people, leads, and who you know there: the
        # referrals with one end there and the chains to it), most of them small.
        measure(f"GET /contacts/organizations/<random>/  ({len(organizations)}, 1 each)",
                each(organizations), len(organizations)),
        # The pairs are kept under the generation of the user's people (merging/views.py):
        # afresh, as after a contact was changed: one at the biggest organization
        # renamed each time, so that every contact is read and that organization's
        # names compared again (contacts/identity.py keeps the other organizations').
        measure("GET /contacts/duplicates/  (afresh: one renamed at the biggest org)",
                get("/contacts/duplicates/"), repeat, before=rename_at_the_biggest(user)),
        measure("GET /contacts/duplicates/  (kept)", get("/contacts/duplicates/"), repeat),
        measure("GET /followups/<id>/", get(f"/followups/{info['followup_id']}/"), repeat),
    ]
    # Done, snooze and skip, as the queue's buttons send them (HTMX: the refreshed
    # queue comes back), each time on another overdue follow-up, the top of the queue first.
    ids = info["overdue_ids"] or [None]
    done_ids = ids[: repeat + 1]
    skip_ids = ids[repeat + 1: 2 * (repeat + 1)] or ids
    snooze_ids = ids[2 * (repeat + 1):] or ids

    def post(action, pool, data=None):
        # As the queue's buttons send them: aimed at their item (HX-Target), which the
        # answer replaces, with the counts and Undo out of band.
        def send(i):
            pk = pool[i % len(pool)]
            return client.post(
                f"/followups/{pk}/{action}/", data or {},
                headers=htmx | {"HX-Target": f"followup-{pk}"},
            )
        return send

    rows += [
        measure("POST /followups/<id>/done/  (htmx)", post("done", done_ids), repeat),
        measure(
            "POST /followups/<id>/snooze/  (htmx, 1 day)",
            post("snooze", snooze_ids, {"days": "1"}),
            repeat,
        ),
        measure("POST /followups/<id>/skip/  (htmx)", post("skip", skip_ids), repeat),
    ]
    return rows


def bench_sweep(repeat: int) -> list[Row]:
    """The Celery beat sweep, called as a plain function."""
    rows = []

    def run(label, reset=None):
        times, queries, created = [], None, None
        for i in range(repeat + 1):
            before = FollowUp.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
            with CaptureQueriesContext(connection) as captured:
                start = time.perf_counter()
                n = services.sweep()
                elapsed = (time.perf_counter() - start) * 1000
            if i == 0:
                queries, created = len(captured.captured_queries), n
            else:
                times.append(elapsed)
            if reset:  # put the repaired rows back to missing for the next round
                FollowUp.objects.filter(pk__gt=before).delete()
        row = Row(f"{label}: {created} created", times, queries, 0)
        rows.append(row)

    run("sweep, thank-yous missing (catch-up)", reset=True)
    services.sweep()  # now nothing is missing
    run("sweep, nothing missing (steady state)")
    # As after an import: every meeting created within the sweep's 14-day window (the
    # first, untimed run catches up). Then the data is put back as it was, for --keep.
    before = FollowUp.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    Meeting.objects.update(created_at=timezone.now())
    run("sweep, all meetings created lately (1st catches up)")
    Meeting.objects.update(created_at=F("starts_at") + timedelta(hours=1))
    FollowUp.objects.filter(pk__gt=before).delete()
    return rows


# ---------------------------------------------------------------- main


# The worker restores an upload (portability/restores.py): it must be done before the
# task's time limit. (Before 2 December 2026 the page restored in its request, within
# gunicorn's --timeout, 60 s.)
RESTORE_LIMIT_S = restores.TIME_LIMIT


class RolledBack(Exception):
    pass


@contextmanager
def counting_queries():
    """[how many queries ran in the block]: counted, not recorded (CaptureQueriesContext
    would write out each 500-row INSERT with its values, which takes longer than the
    INSERT)."""
    count = [0]

    def counter(execute, sql, params, many, context):
        count[0] += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(counter):
        yield count


def bench_backup(user: User) -> None:
    """The user's backup as the download writes it (backup_text, piece by piece), then
    its restore into a new account as the restore page and the worker do it (the
    upload checked, compressed and kept; then restored), in a transaction rolled back
    afterwards."""
    start = time.perf_counter()
    with counting_queries() as backup_queries:
        text = "".join(backup.backup_text(user))
    backup_s = time.perf_counter() - start
    raw = text.encode()
    megabytes = len(raw) / 1e6
    try:
        with transaction.atomic():
            newcomer = make_user("bench-restore")
            start = time.perf_counter()
            with counting_queries() as page_queries:
                made = restores.start(newcomer, SimpleUploadedFile("backup.json", raw))
            page_s = time.perf_counter() - start
            kept_mb = len(made.payload) / 1e6
            start = time.perf_counter()
            with counting_queries() as restore_queries:
                restored = restores.run(made.pk)
            restore_s = time.perf_counter() - start
            made.refresh_from_db()
            rows = sum(backup.counts(newcomer).values())
            raise RolledBack
    except RolledBack:
        pass
    print(f"\nBackup and restore of {user.username} ({rows:,} rows, {megabytes:.1f} MB of JSON)")
    print(f"backup:  {backup_s:6.1f} s  {backup_queries[0]:5d} queries  (streamed: the download "
          f"starts with the first rows)")
    print(f"restore page: {page_s:6.1f} s  {page_queries[0]:5d} queries  (the upload checked, "
          f"compressed to {kept_mb:.1f} MB and kept; the worker asked for it)")
    over = " MISS" if not restored or restore_s >= RESTORE_LIMIT_S else " ok"
    print(f"restore (the worker): {restore_s:6.1f} s  {restore_queries[0]:5d} queries  "
          f"target <{RESTORE_LIMIT_S} s (its time limit){over}  {made.summary or made.error}")
    if megabytes > settings.RESTORE_MAX_MB:
        print(f"  the file is over RESTORE_MAX_MB ({settings.RESTORE_MAX_MB}): the restore page "
              f"takes it once that setting is raised")


def describe_database() -> str:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("select sqlite_version()")
            return f"SQLite {cursor.fetchone()[0]} (temporary file under {DATA_DIR})"
        cursor.execute("show server_version")
        version = cursor.fetchone()[0]
    s = connection.settings_dict
    return f"{connection.vendor} {version} ({s['NAME']} on {s['HOST'] or 'local socket'})"


def main() -> None:
    args = ARGS
    if "testserver" not in settings.ALLOWED_HOSTS:
        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    started = time.perf_counter()
    print(f"netcrm benchmark · Python {platform.python_version()} · Django {django.get_version()}"
          f" · DEBUG={settings.DEBUG} · {os.cpu_count()} CPUs"
          f" · load average {os.getloadavg()[0]:.2f} (other processes skew the timings)")
    print(f"database: {describe_database()}")
    print(yardstick.describe("before"))
    # The kept dashboard's generations live in Redis (netcrm/lib/generations.py): the one
    # REDIS_URL names, or an embedded one, as `make run` starts.
    redis = EmbeddedRedis(settings.REDIS_SOCKET).start() if settings.REDIS_EMBEDDED else None
    print(f"redis: {'embedded, ' if redis else ''}{settings.REDIS_URL}")
    try:
        run(args, started)
    finally:
        if redis:
            redis.stop()


def run(args, started: float) -> None:
    start = time.perf_counter()
    call_command("migrate", interactive=False, verbosity=0)
    print(f"migrate: {time.perf_counter() - start:.1f} s")
    if not settings.DEBUG:  # served as in production: the manifest of fingerprinted files
        start = time.perf_counter()
        call_command("collectstatic", interactive=False, verbosity=0)
        print(f"collectstatic: {time.perf_counter() - start:.1f} s")
    if USING_DATABASE_URL and User.objects.exists():
        connection.close()
        shutil.rmtree(DATA_DIR, ignore_errors=True)
        raise SystemExit(
            "DATABASE_URL's database already has users: the benchmark only runs in an "
            "empty, throwaway database (it empties it afterwards). Create a fresh one."
        )

    try:
        start = time.perf_counter()
        heavy, heavy_info, light, light_info = seed(args)
        print(f"seeding: {time.perf_counter() - start:.1f} s")
        print(f"  heavy user: {heavy_info['summary']}")
        print(f"  {'ordinary' if args.ordinary else 'light'} user: {light_info['summary']}")
        print(f"  password of every bench user: {PASSWORD!r} (bench/load.py logs in with it)")
        print(f"timed requests per page: {args.repeat} (after one untimed request that "
              f"counts the SQL queries, session and user lookups included)")

        # A server process holds the app and no seeding: what netcrm/wsgi.py loads and
        # freezes at start-up is loaded and frozen here, after the seeding's garbage is gone.
        load_for_serving()
        gc.collect()
        gc.freeze()
        rng = random.Random(args.seed + 1)
        print_table(f"Heavy user ({heavy.username}) · load average {os.getloadavg()[0]:.2f}",
                    bench_pages(heavy, heavy_info, args.repeat, args.sample, True, rng))
        kind = "Ordinary" if args.ordinary else "Light"
        print_table(f"{kind} user ({light.username}), same database · load average "
                    f"{os.getloadavg()[0]:.2f}",
                    bench_pages(light, light_info, args.repeat, args.sample, False, rng))
        if args.backup:
            bench_backup(heavy)
        if not args.no_sweep:
            meetings = Meeting.objects.count()
            print_table(f"followups.services.sweep() with {meetings} meetings "
                        f"in the database (all users)", bench_sweep(args.repeat),
                        size_column=False)
        print(f"\nload average at the end {os.getloadavg()[0]:.2f}")
        print(yardstick.describe("after"))
        print(f"\ntotal: {time.perf_counter() - started:.1f} s")
    finally:
        cleanup(args)


def cleanup(args) -> None:
    if USING_DATABASE_URL:
        if args.keep:
            if connection.vendor == "postgresql":
                # What autovacuum would do after the sweep timings' updates (every
                # meeting, three times): without it, a copy of this database for the
                # load test counts meetings through their heap (61,621 visits for
                # 29,400 meetings, 28 ms against 3), and load.py's stand-in for
                # autovacuum cannot tell, a new database's statistics being empty.
                with connection.cursor() as cursor:
                    cursor.execute("VACUUM ANALYZE")
            print("--keep: the rows stay in DATABASE_URL's database, vacuumed")
        else:
            call_command("flush", interactive=False, verbosity=0)
        connection.close()
        shutil.rmtree(DATA_DIR, ignore_errors=True)
    else:
        connection.close()
        if args.keep:
            print(f"--keep: the SQLite database stays in {DATA_DIR}")
        else:
            shutil.rmtree(DATA_DIR, ignore_errors=True)


if __name__ == "__main__":
    main()
