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
import itertools
import math
import os
import platform
import random
import shutil
import statistics
import sys
import tempfile
import time
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "netcrm.settings")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Seed a heavy user into a throwaway database and time netcrm's pages."
    )
    parser.add_argument("--contacts", type=int, default=20_000,
                        help="contacts of the heavy user (default 20000)")
    parser.add_argument("--followups", type=int, default=40_000,
                        help="follow-ups of the heavy user (default 40000)")
    parser.add_argument("--meetings", type=int, default=None,
                        help="meetings of the heavy user (default: contacts / 4, so 5000)")
    parser.add_argument("--organizations", type=int, default=None,
                        help="organizations of the heavy user (default: contacts / 40, so 500)")
    parser.add_argument("--repeat", type=int, default=20,
                        help="timed requests per page (default 20)")
    parser.add_argument("--seed", type=int, default=42, help="random seed (default 42)")
    parser.add_argument("--keep", action="store_true",
                        help="keep the data afterwards (the temporary DATA_DIR, or the rows "
                             "in DATABASE_URL's database) instead of deleting it")
    args = parser.parse_args()
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

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth.models import User  # noqa: E402
from django.contrib.contenttypes.models import ContentType  # noqa: E402
from django.core.exceptions import FieldDoesNotExist  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.db.models import F  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402
from taggit.models import Tag, TaggedItem  # noqa: E402

from accounts.models import Profile  # noqa: E402
from contacts.models import Contact, Organization, Source  # noqa: E402
from followups import services  # noqa: E402
from followups import kinds as followup_kinds  # noqa: E402
from followups.models import FollowUp, Status  # noqa: E402
from meetings.models import Invited, Kind as MeetingKind, Meeting, Paid  # noqa: E402
from referrals.models import Progress, Referral  # noqa: E402

BATCH = 2000
SEARCH_QUERY = "son"        # Johnson, Anderson, Wilson, Jackson… a common substring
PARTICIPANT_QUERY = "mar"   # Maria, Mark, Martin, Martinez…

FIRST = (
    "Maria James Mark Linda Martin Susan Ann Robert Jason Alison Emma Noah Olivia Liam Ava "
    "Sophia Lucas Mia Ethan Amelia Oliver Harper Elijah Evelyn Mason Abigail Logan Emily "
    "Aiden Ella Carlos Priya Wei Fatima Omar Yuki Sven Ingrid Mateo Chloe Daniel Grace "
    "Samuel Nora Henry Zoe Leo Hannah Isaac Ruth Adam Sara John Alan Paula Victor Irene "
    "Kofi Amara Tomas"
).split()
LAST = (
    "Johnson Anderson Wilson Jackson Thompson Robertson Garcia Martinez Smith Brown Lee "
    "Nguyen Patel Kim Chen Muller Rossi Silva Kowalski Novak Dubois Jensen Larsen Costa "
    "Okafor Mensah Haddad Tanaka Sato Ivanova Fischer Weber Moreau Lopez Gonzalez Perez "
    "Clark Lewis Walker Hall Young King Wright Scott Green Baker Adams Nelson Hill Campbell "
    "Mitchell Roberts Carter Phillips Evans Turner Torres Parker Collins Edwards Public"
).split()
ORG_A = (
    "Acme Blue Bright North Harbor Summit Cedar Iron Silver Quantum Urban Civic Open Prairie "
    "Atlas Beacon Copper Delta Evergreen Granite Horizon Juniper Lumen Meridian Nimbus Orbit"
).split()
ORG_B = (
    "Labs Systems Analytics Health Bank Logistics Media Energy Robotics Foods Partners "
    "Software Ventures Insurance Studio Networks Bio Capital Works Group Foundation "
    "Cloud Retail Data Security Mobility"
).split()
TITLES = (
    "Engineer|Senior Engineer|Engineering Manager|Recruiter|Talent Partner|Product Manager|"
    "Designer|Data Scientist|Director|VP Engineering|Founder|Analyst|Consultant|CTO|Teacher|"
    "Nurse|Account Executive|Operations Lead|Researcher|Student"
).split("|")
TAGS = (
    "recruiter alumni mentor python hiring data design fintech climate volunteer "
    "conference meetup referral warm-intro open-source remote startup healthcare "
    "product leadership"
).split()
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


def make_user(username: str) -> User:
    """Like tests/conftest.py's make_user, without hashing a password."""
    user = User.objects.create_user(username, f"{username}@example.com", password=None)
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
    today_start, tomorrow_start = profile.day_start(today), profile.day_start(today + timedelta(days=1))
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


def seed_referrals(user: User, contact_ids: list[int], *, rng: random.Random, now) -> dict:
    """Referrals at scale: a braid of 13 layers (everyone after the first referred by
    three people of the layer before, so 531,441 chains reach its last layer, twelve
    deep), a hub who referred up to 3,000 people (some of whom referred others), and
    random referrals among everyone else. Needs at least 500 contacts."""
    edges: set[tuple[int, int]] = set()
    braid = [contact_ids[i * BRAID_WIDTH:(i + 1) * BRAID_WIDTH] for i in range(BRAID_LAYERS)]
    for above, layer in zip(braid, braid[1:]):
        for person in layer:
            edges |= {(referrer, person) for referrer in rng.sample(above, BRAID_REFERRERS)}
    start = BRAID_LAYERS * BRAID_WIDTH
    hub, rest = contact_ids[start], contact_ids[start + 1:]
    led = rest[: min(HUB_MAX, len(rest) * 2 // 5)]
    edges |= {(hub, person) for person in led}
    others = rest[len(led):]
    for person in rng.sample(led, len(led) // 10):  # the hub's people refer others in turn
        edges |= {(person, other) for other in rng.sample(others, rng.randint(1, 3))}
    for _ in range(len(others) // 2):
        a, b = rng.sample(others, 2)
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
    return {"hub_id": hub, "hub_led": len(led), "deep_id": braid[-1][0], "referrals": len(edges)}


def seed(args) -> tuple[User, dict, User, dict]:
    rng = random.Random(args.seed)
    now = timezone.now()
    with transaction.atomic(), explicit_timestamps():
        tags = Tag.objects.bulk_create([Tag(name=name, slug=name) for name in TAGS])
        heavy = make_user("bench-heavy")
        heavy_info = seed_user(
            heavy, rng=rng, now=now, tags=tags,
            n_contacts=args.contacts, n_orgs=args.organizations, n_meetings=args.meetings,
            n_followups=args.followups, n_tagged=max(1, args.contacts // 10),
            queue=(300, 100, 500),
        )
        heavy_contacts = list(
            Contact.objects.filter(user=heavy).order_by("pk").values_list("pk", flat=True)
        )
        if len(heavy_contacts) >= 500:
            heavy_info |= seed_referrals(heavy, heavy_contacts, rng=rng, now=now)
            heavy_info["summary"] += (
                f", {heavy_info['referrals']} referrals (a hub who referred "
                f"{heavy_info['hub_led']}, chains 12 deep)"
            )
        light = make_user("bench-light")
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
    return heavy, heavy_info, light, light_info


# ---------------------------------------------------------------- measuring


def percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(pct / 100 * len(ordered)) - 1)]


class Row:
    def __init__(self, label, times_ms, queries, size, budget=None):
        self.label, self.times, self.queries, self.size = label, times_ms, queries, size
        self.budget = budget  # the most queries the page may make, when it has a floor

    @property
    def median(self):
        return statistics.median(self.times)

    @property
    def p95(self):
        return percentile(self.times, 95)


def measure(label: str, request, repeat: int, expect: int = 200, budget: int | None = None) -> Row:
    """request(i) makes one request. The first (untimed) one counts the SQL queries."""
    with CaptureQueriesContext(connection) as captured:
        response = request(0)
    check(label, response, expect)
    queries, size = len(captured.captured_queries), len(response.content)
    times = []
    for i in range(1, repeat + 1):
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
    head = f"{'':{width}}  {'median ms':>9}  {'p95 ms':>8}  {'queries':>7}"
    head += f"  {'KB':>6}" if size_column else ""
    head += f"  {'query budget':>12}"
    print(f"\n{title}")
    print(head)
    print("-" * len(head))
    for r in rows:
        line = f"{r.label:{width}}  {r.median:9.1f}  {r.p95:8.1f}  {r.queries:7d}"
        line += f"  {r.size / 1024:6.1f}" if size_column else ""
        if r.budget is not None:
            line += f"  {'<= ' + str(r.budget):>12}" + ("" if r.queries <= r.budget else "  OVER")
        print(line)


# The insights page reads each kind of row once, whatever the data (issue 9).
INSIGHTS_QUERY_BUDGET = 25


def bench_pages(user: User, info: dict, repeat: int, full: bool) -> list[Row]:
    client = Client()
    client.force_login(user)
    htmx = {"HX-Request": "true"}

    def get(path, headers=None):
        return lambda i: client.get(path, headers=headers)

    rows = [
        measure("GET /  (dashboard)", get("/"), repeat),
        measure("GET /  (HX-Request: queue fragment)", get("/", htmx), repeat),
        measure("GET /contacts/", get("/contacts/"), repeat),
        measure(f"GET /contacts/?q={SEARCH_QUERY}", get(f"/contacts/?q={SEARCH_QUERY}"), repeat),
    ]
    rows.append(measure(
        "GET /insights/  (8 weeks)", get("/insights/"), repeat, budget=INSIGHTS_QUERY_BUDGET
    ))
    if not full:
        rows.append(measure("GET /meetings/", get("/meetings/"), repeat))
        return rows
    rows += [
        measure("GET /contacts/?page=400", get("/contacts/?page=400"), repeat),
        measure(
            f"GET /contacts/<id>/  ({info['contact_meetings']} meetings)",
            get(f"/contacts/{info['contact_id']}/"),
            repeat,
        ),
        measure("GET /contacts/organizations/", get("/contacts/organizations/"), repeat),
    ]
    if "hub_id" in info:
        rows += [
            measure(
                f"GET /contacts/<hub>/  (led to {info['hub_led']})",
                get(f"/contacts/{info['hub_id']}/"),
                repeat,
            ),
            measure("GET /contacts/<deep>/  (chains 12 deep)",
                    get(f"/contacts/{info['deep_id']}/"), repeat),
            measure("GET /referrals/?focus=<deep>", get(f"/referrals/?focus={info['deep_id']}"),
                    repeat),
        ]
    rows += [
        measure("GET /meetings/", get("/meetings/"), repeat),
        measure(
            f"GET /contacts/search/?pick=many&q={PARTICIPANT_QUERY}",
            get(f"/contacts/search/?pick=many&q={PARTICIPANT_QUERY}", htmx),
            repeat,
        ),
        measure("GET /meetings/<id>/", get(f"/meetings/{info['meeting_id']}/"), repeat),
    ]
    # Done and snooze, as the queue's buttons send them (HTMX: the refreshed queue
    # comes back), each time on another overdue follow-up, the top of the queue first.
    ids = info["overdue_ids"] or [None]
    done_ids = ids[: repeat + 1]
    snooze_ids = ids[repeat + 1:] or ids

    def post(action, pool, data=None):
        return lambda i: client.post(
            f"/followups/{pool[i % len(pool)]}/{action}/", data or {}, headers=htmx
        )

    rows += [
        measure("POST /followups/<id>/done/  (htmx)", post("done", done_ids), repeat),
        measure(
            "POST /followups/<id>/snooze/  (htmx, 1 day)",
            post("snooze", snooze_ids, {"days": "1"}),
            repeat,
        ),
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
    # As after an import: every meeting created within the sweep's 14-day window.
    Meeting.objects.update(created_at=timezone.now())
    run("sweep, nothing missing, all meetings created lately")
    Meeting.objects.update(created_at=F("starts_at") + timedelta(hours=1))
    return rows


# ---------------------------------------------------------------- main


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

    start = time.perf_counter()
    call_command("migrate", interactive=False, verbosity=0)
    print(f"migrate: {time.perf_counter() - start:.1f} s")
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
        print(f"  light user: {light_info['summary']}")
        print(f"timed requests per page: {args.repeat} (after one untimed request that "
              f"counts the SQL queries, session and user lookups included)")

        print_table(f"Heavy user ({heavy.username})", bench_pages(heavy, heavy_info,
                                                                 args.repeat, full=True))
        print_table(f"Light user ({light.username}), same database",
                    bench_pages(light, light_info, args.repeat, full=False))
        meetings = Meeting.objects.count()
        print_table(f"followups.services.sweep() with {meetings} meetings "
                    f"in the database (all users)", bench_sweep(args.repeat),
                    size_column=False)
        print(f"\ntotal: {time.perf_counter() - started:.1f} s")
    finally:
        cleanup(args)


def cleanup(args) -> None:
    if USING_DATABASE_URL:
        if args.keep:
            print("--keep: the rows stay in DATABASE_URL's database")
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
