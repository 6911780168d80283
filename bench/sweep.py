"""netcrm: the idle sweep over a million pending follow-ups, and the digest claim's
query count for 10 and for 1,000 due users.

Run on demand, never by the test suite:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/netcrm_bench .venv/bin/python bench/sweep.py
    .venv/bin/python bench/sweep.py --users 100 --followups 50000      # quick, SQLite

Same database rules as run.py: a fresh SQLite file in a temporary DATA_DIR, or the
throwaway database DATABASE_URL names, which must hold no users but bench ones
(bench-*, from run.py --keep; they stay) and is emptied (flush) afterwards unless
--keep. It adds --users users (sweep-NNNN) with 20 contacts each and --followups
pending follow-ups spread over them, all due in the next year (nothing is due, nothing
is missing), in one INSERT … SELECT; runs VACUUM ANALYZE on PostgreSQL; runs the sweep
once (it repairs whatever an earlier run left, untimed), then times --repeat idle
sweeps (`followups.services.sweep()`, what beat runs every minute) and prints the
slowest query of one. Then the digest claim (`followups.digest.claim_due_digests()`)
with 10 users due and with 1,000 users due: its query count must not grow.
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from datetime import time as clock
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "netcrm.settings")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--followups", type=int, default=1_000_000,
                        help="pending follow-ups added (default 1000000)")
    parser.add_argument("--users", type=int, default=1000,
                        help="users they are spread over (default 1000; at least 1000 for "
                             "the digest figures)")
    parser.add_argument("--repeat", type=int, default=20, help="idle sweeps timed (default 20)")
    parser.add_argument("--keep", action="store_true", help="keep the rows afterwards")
    args = parser.parse_args()
    if args.users < 10 or args.followups < args.users:
        parser.error("need --users >= 10 and --followups >= --users")
    return args


ARGS = parse_args()
DATA_DIR = tempfile.mkdtemp(prefix="netcrm-sweep-")
os.environ["DATA_DIR"] = DATA_DIR
USING_DATABASE_URL = bool(os.environ.get("DATABASE_URL"))

import django

django.setup()

from django.conf import settings
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import Profile
from contacts.models import Contact
from followups import digest, services
from followups.models import DigestLog, FollowUp
from netcrm.lib.redis import EmbeddedRedis

CONTACTS_EACH = 20
PREFIX = "sweep-"


def percentile(values, pct):
    ordered = sorted(values)
    return ordered[max(0, math.ceil(pct / 100 * len(ordered)) - 1)]


def series(n: int) -> str:
    """A table g(i) of 0..n-1, on PostgreSQL and SQLite."""
    if connection.vendor == "postgresql":
        return f"generate_series(0, {n - 1}) AS g(i)"
    return (f"(WITH RECURSIVE s(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM s "
            f"WHERE i < {n - 1}) SELECT i FROM s) AS g")


def seed(args) -> list[int]:
    now = timezone.now()
    with transaction.atomic():
        users = User.objects.bulk_create([
            User(username=f"{PREFIX}{i:04d}", email=f"{PREFIX}{i:04d}@example.com")
            for i in range(args.users)
        ], batch_size=2000)
        user_ids = sorted(u.pk for u in users)
        # Digests off for now: the claim figures turn them on for 10, then for 1,000.
        Profile.objects.bulk_create([
            Profile(user_id=pk, digest_enabled=False, digest_time=clock(0, 0), timezone="UTC")
            for pk in user_ids
        ], batch_size=2000)
        contacts, followups = Contact._meta.db_table, FollowUp._meta.db_table
        n_contacts = args.users * CONTACTS_EACH
        users_sql = ", ".join(str(pk) for pk in user_ids)
        with connection.cursor() as cursor:
            # Contact i belongs to the (i // CONTACTS_EACH)th user.
            cursor.execute(
                "CREATE TEMPORARY TABLE sweep_users (n integer PRIMARY KEY, user_id integer)"
            )
            cursor.execute(
                "INSERT INTO sweep_users (n, user_id) VALUES "
                + ", ".join(f"({n}, {pk})" for n, pk in enumerate(user_ids))
            )
            cursor.execute(
                f"INSERT INTO {contacts} (user_id, name, title, email, phone, links, source, "
                f"notes, created_at, updated_at, organization_id, last_interaction_at) "
                f"SELECT u.user_id, 'Sweep person ' || g.i, '', '', '', '', 'other', '', "
                f"%s, %s, NULL, NULL FROM {series(n_contacts)} "
                f"JOIN sweep_users u ON u.n = g.i / {CONTACTS_EACH}",
                [now, now],
            )
            # Follow-up i: pending, due within the next year, about contact i mod n_contacts.
            cursor.execute(
                "CREATE TEMPORARY TABLE sweep_contacts (n integer PRIMARY KEY, "
                "contact_id bigint, user_id integer)"
            )
            cursor.execute(
                f"INSERT INTO sweep_contacts (n, contact_id, user_id) "
                f"SELECT ROW_NUMBER() OVER (ORDER BY id) - 1, id, user_id FROM {contacts} "
                f"WHERE user_id IN ({users_sql})"
            )
            due = ("%s + (g.i %% 525600) * INTERVAL '1 minute' + INTERVAL '1 day'"
                   if connection.vendor == "postgresql" else
                   "datetime(%s, '+1 day', '+' || (g.i %% 525600) || ' minutes')")
            cursor.execute(
                f"INSERT INTO {followups} (kind, status, due_at, title, draft, created_at, "
                f"user_id, contact_id) "
                f"SELECT CASE WHEN g.i %% 3 = 0 THEN 'close_loop' ELSE 'custom' END, 'pending', "
                f"{due}, 'Follow up ' || g.i, '', %s, c.user_id, c.contact_id "
                f"FROM {series(args.followups)} "
                f"JOIN sweep_contacts c ON c.n = g.i %% {n_contacts}",
                [now, now],
            )
            cursor.execute("DROP TABLE sweep_users")
            cursor.execute("DROP TABLE sweep_contacts")
    return user_ids


def time_sweeps(repeat: int) -> None:
    services.sweep()  # whatever an earlier run left is repaired now, untimed
    times, sql_times, queries, first_changed = [], [], [], 0
    for i in range(repeat + 1):
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            changed = services.sweep()
            elapsed = (time.perf_counter() - start) * 1000
        if i == 0:
            queries, first_changed = captured.captured_queries, changed
        else:
            times.append(elapsed)
            sql_times.append(sum(float(q["time"]) for q in captured.captured_queries) * 1000)
    p95 = percentile(times, 95)
    print(f"idle sweep ({repeat} runs, {first_changed} changed): median "
          f"{statistics.median(times):.1f} ms (of which in SQL {statistics.median(sql_times):.1f}"
          f" ms), p95 {p95:.1f} ms, max {max(times):.1f} ms, {len(queries)} queries   "
          f"target < 50 ms: {'ok' if p95 < 50 else 'MISS'}")
    for query in sorted(queries, key=lambda q: -float(q["time"]))[:3]:
        print(f"  {float(query['time']) * 1000:6.1f} ms  {query['sql'][:300]}")


def claim(label: str) -> None:
    with CaptureQueriesContext(connection) as captured:
        start = time.perf_counter()
        claims = digest.claim_due_digests()
        elapsed = (time.perf_counter() - start) * 1000
    print(f"  {label}: {len(claims)} claimed, {len(captured.captured_queries)} queries, "
          f"{elapsed:.1f} ms")
    return len(captured.captured_queries)


def bench_digest(user_ids: list[int]) -> None:
    print("\ndigest claim (followups.digest.claim_due_digests), every digest due at 00:00 UTC")
    ours = DigestLog.objects.filter(user_id__in=user_ids)
    claim("the users already there (run.py's), absorbed first")
    Profile.objects.filter(user_id__in=user_ids[:10]).update(digest_enabled=True)
    few = claim("10 users due")
    ours.delete()
    Profile.objects.filter(user_id__in=user_ids[:1000]).update(digest_enabled=True)
    many = claim(f"{min(1000, len(user_ids))} users due")
    print(f"  constant: {'ok' if few == many else f'MISS ({few} vs {many} queries)'}")
    ours.delete()
    Profile.objects.filter(user_id__in=user_ids).update(digest_enabled=False)


def main() -> None:
    # Writes tell Redis (netcrm/lib/generations.py): the one REDIS_URL names, or an
    # embedded one, as `make run` starts.
    redis = EmbeddedRedis(settings.REDIS_SOCKET).start() if settings.REDIS_EMBEDDED else None
    try:
        run(ARGS)
    finally:
        if redis:
            redis.stop()


def run(args) -> None:
    print(f"netcrm sweep benchmark · Python {platform.python_version()} · "
          f"{os.cpu_count()} CPUs · load average {os.getloadavg()[0]:.2f}")
    call_command("migrate", interactive=False, verbosity=0)
    if USING_DATABASE_URL and User.objects.exclude(username__startswith="bench-").exists():
        connection.close()
        shutil.rmtree(DATA_DIR, ignore_errors=True)
        raise SystemExit("DATABASE_URL's database has users other than bench-*: use a "
                         "throwaway database (it is emptied afterwards).")
    jit = "off"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW jit")
            jit = cursor.fetchone()[0]
            cursor.execute("SHOW server_version")
            print(f"database: PostgreSQL {cursor.fetchone()[0]}, jit={jit}")
        else:
            print("database: SQLite (temporary file)")
    try:
        start = time.perf_counter()
        user_ids = seed(args)
        print(f"seeding: {args.followups} pending follow-ups over {args.users} users "
              f"({args.users * CONTACTS_EACH} contacts) in {time.perf_counter() - start:.1f} s;"
              f" follow-ups in the database: {FollowUp.objects.count()}")
        if connection.vendor == "postgresql":
            start = time.perf_counter()
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")
            print(f"VACUUM ANALYZE: {time.perf_counter() - start:.1f} s")
        time_sweeps(args.repeat)
        if connection.vendor == "postgresql" and jit != "off":
            with connection.cursor() as cursor:
                cursor.execute("SET jit = off")
            print("the same with jit = off for this connection:")
            time_sweeps(args.repeat)
            with connection.cursor() as cursor:
                cursor.execute("RESET jit")
        bench_digest(user_ids)
        print(f"load average at the end {os.getloadavg()[0]:.2f}")
    finally:
        if USING_DATABASE_URL:
            if args.keep:
                print("--keep: the rows stay in DATABASE_URL's database")
            else:
                call_command("flush", interactive=False, verbosity=0)
        elif args.keep:
            print(f"--keep: the SQLite database stays in {DATA_DIR}")
        connection.close()
        if USING_DATABASE_URL or not args.keep:
            shutil.rmtree(DATA_DIR, ignore_errors=True)


if __name__ == "__main__":
    main()
