"""The load's pages in one process: what a request costs in CPU, without the load's noise.

Run on demand, never by the test suite, on a database seeded and kept by run.py:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/netcrm_bench \\
        .venv/bin/python bench/mix.py [--requests 400] [--rounds 3]

bench/load.py's throughput and percentiles swing with the machine by a third within the
hour (bench/README.md); a change that saves a tenth of a request's CPU is lost in that.
This replays the pages of the load's mix (bench/mixes.py: the same weights, a session
picked at random among --heavy sessions of the heavy user and one session each of the
ordinary users, as load.py runs them) through Django's test client in one process,
after the start-up a server process makes (netcrm/lib/startup.py, then gc.freeze()),
and prints the CPU this process spent a request, page by page and over the whole mix,
with the queries each page made.

The writes of the mix (Done, Snooze, a meeting logged, a contact added) are not sent:
what they do to the kept pages is, by starting the generations they would start
(netcrm/lib/generations.py): a Done or a Snooze the user's queue, a meeting or a
contact everything the user sees. So the dashboard is kept or afresh about as often
as under the load. PostgreSQL's own CPU is counted beside it when PostgreSQL runs on
this machine: the time its server process for this connection spent on a CPU
(`/proc/<pid>/schedstat`, in nanoseconds), a page, over every measured round.

The same requests, in the same order, run --rounds times after one round that fills
the caches; the figures are the best round's (least total CPU), and the spread of the
rounds' totals is printed beside them. Compare two versions of the code run in turn on
the same machine, with the bare loop printed before and after each run.
"""

from __future__ import annotations

import argparse
import gc
import os
import random
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "netcrm.settings")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=400,
                        help="steps of the mix a round, writes included (default 400)")
    parser.add_argument("--rounds", type=int, default=3,
                        help="measured rounds, after one that fills the caches (default 3)")
    parser.add_argument("--heavy", type=int, default=50,
                        help="sessions of the heavy user among which a step is picked "
                             "(default 50, as load.py)")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL"):
        parser.error("set DATABASE_URL to the database bench/run.py --keep seeded")
    if args.requests < 1 or args.rounds < 1:
        parser.error("--requests and --rounds must be at least 1")
    return args


ARGS = parse_args()
os.environ["DATA_DIR"] = tempfile.mkdtemp(prefix="netcrm-mix-")  # never the developer's
os.environ.setdefault("DEBUG", "false")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth.models import User  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from bench import yardstick  # noqa: E402
from bench.mixes import FRAGMENTS, HEAVY_MIX, ORDINARY_MIX, page_pools, queue_state  # noqa: E402
from netcrm.lib import generations  # noqa: E402
from netcrm.lib.generations import PANEL  # noqa: E402
from netcrm.lib.redis import EmbeddedRedis  # noqa: E402
from netcrm.lib.startup import load_for_serving  # noqa: E402

POLL = "GET /  (HX poll)"


class Session:
    """One of load.py's sessions: a user, logged in, and what it picks from."""

    def __init__(self, user: User, mix: dict[str, int], pools: dict, client: Client):
        self.user, self.mix, self.pools, self.client = user, mix, pools, client
        self.queue_state = ""  # the dashboard's version and limit, as its refresh sends them

    def keep_queue_state(self, html: bytes) -> None:
        self.queue_state = queue_state(html) or self.queue_state


def step(session: Session, action: str, rng: random.Random):
    """What the session asks for: (label, path, HTMX or not), or for a write, what it
    would start afresh: ("write", scopes)."""
    user, pools = session.user, session.pools
    if action in ("done", "snooze"):
        return "write", (user.pk,)
    if action in ("log_meeting", "add_contact"):
        return "write", (user.pk, f"{user.pk}:{PANEL}")
    pick = lambda pool: rng.choice(pools[pool]) if pools.get(pool) else None  # noqa: E731
    match action:
        case "dashboard":
            return "GET /", "/", False
        case "poll":
            return POLL, "/", True
        case "contacts":
            return "GET /contacts/", "/contacts/", False
        case "search":
            return "GET /contacts/?q=", f"/contacts/?q={rng.choice(FRAGMENTS)}", False
        case "contact":
            return "GET /contacts/<id>/", f"/contacts/{pick('contacts')}/", False
        case "hub":
            return "GET /contacts/<hub>/", f"/contacts/{pools['hub']}/", False
        case "focus":
            target = pools.get("deep") or pick("contacts")
            return "GET /referrals/?focus=", f"/referrals/?focus={target}", False
        case "meetings":
            return "GET /meetings/", "/meetings/", False
        case "meeting":
            return "GET /meetings/<id>/", f"/meetings/{pick('meetings')}/", False
        case "leads":
            return "GET /leads/", "/leads/", False
        case "insights":
            return "GET /insights/", "/insights/", False
        case "events":
            return "GET /events/", "/events/", False
        case "organizations":
            return "GET /contacts/organizations/", "/contacts/organizations/", False
    raise ValueError(action)


class ServerCPU:
    """The CPU seconds PostgreSQL's process for this connection has spent, or None when
    it cannot be read (another machine's server, SQLite)."""

    def __init__(self):
        self.path = None
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                path = Path(f"/proc/{cursor.fetchone()[0]}/schedstat")
            self.path = path if path.exists() else None

    def __call__(self) -> float | None:
        if self.path is None:
            return None
        try:
            return int(self.path.read_text().split()[0]) / 1e9
        except (OSError, ValueError, IndexError):  # a server process that has gone
            return None


class Queries:
    """Counts the queries this process sends (a wrapper of the connection's own)."""

    def __init__(self):
        self.n = 0

    def __call__(self, execute, sql, params, many, context):
        self.n += 1
        return execute(sql, params, many, context)


def run_round(
    plan, sessions, queries: Queries, server: ServerCPU, server_cpu: dict[str, list[float]]
) -> dict[str, list[tuple[float, int]]]:
    """Each (session, step) of the plan in turn; CPU seconds and queries per label, and
    PostgreSQL's CPU seconds per label added to `server_cpu` when it can be read."""
    out: dict[str, list[tuple[float, int]]] = defaultdict(list)
    for index, label, what, htmx in plan:
        session = sessions[index]
        if label == "write":
            generations.bump(*what)
            continue
        poll = label == POLL
        if poll and not session.queue_state:  # no dashboard open yet: load one instead
            label, htmx = "GET /", False
        elif poll:  # the refresh, as the browser sends it (bench/load.py: do_poll)
            what = f"/?{session.queue_state}"
        before_q = queries.n
        server_start = server()
        start = time.process_time()
        response = session.client.get(what, headers={"HX-Request": "true"} if htmx else None)
        spent = time.process_time() - start
        server_end = server()
        if server_start is not None and server_end is not None:
            server_cpu[label].append(server_end - server_start)
        if response.status_code not in ((200, 204) if poll else (200,)):
            raise SystemExit(f"{label} {what}: HTTP {response.status_code}")
        if label == "GET /" or (poll and response.status_code == 200):
            session.keep_queue_state(response.content)
        out[label].append((spent, queries.n - before_q))
    return out


def main() -> None:
    args = ARGS
    if "testserver" not in settings.ALLOWED_HOSTS:
        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    redis = EmbeddedRedis(settings.REDIS_SOCKET).start() if settings.REDIS_EMBEDDED else None
    try:
        measure(args)
    finally:
        if redis:
            redis.stop()


def measure(args: argparse.Namespace) -> None:
    rng = random.Random(args.seed)
    heavy = User.objects.filter(username="bench-heavy").first()
    ordinary = list(User.objects.filter(username__startswith="bench-user-").order_by("username"))
    if heavy is None or not ordinary:
        raise SystemExit("no bench users: seed with bench/run.py --picture --keep first")
    print(f"netcrm mix · the load's pages in one process · {args.requests} steps a round, "
          f"{args.rounds} rounds after one that fills the caches · DEBUG={settings.DEBUG} · "
          f"database {connection.vendor} · load average {os.getloadavg()[0]:.2f}")
    print(yardstick.describe("before"))

    def logged_in(user):
        client = Client()
        client.force_login(user)
        return client

    heavy_client, heavy_pools = logged_in(heavy), page_pools(heavy, rng, heavy=True)
    # The heavy user's sessions share one client (their pages are the same user's), each
    # with its own dashboard open.
    sessions = [Session(heavy, HEAVY_MIX, heavy_pools, heavy_client)
                for _ in range(args.heavy)] + [
        Session(user, ORDINARY_MIX, page_pools(user, rng, heavy=False), logged_in(user))
        for user in ordinary
    ]
    plan = []
    for _ in range(args.requests):
        index = rng.randrange(len(sessions))
        session = sessions[index]
        actions, weights = zip(*((a, w) for a, w in session.mix.items() if w), strict=True)
        plan.append((index, step(session, rng.choices(actions, weights)[0], rng)))
    plan = [(index, *what) if what[0] != "write" else (index, "write", what[1], False)
            for index, what in plan]

    call_command("collectstatic", interactive=False, verbosity=0)  # into the temporary DATA_DIR
    load_for_serving()
    gc.collect()
    gc.freeze()
    queries, server, server_cpu = Queries(), ServerCPU(), defaultdict(list)
    with connection.execute_wrapper(queries):
        run_round(plan, sessions, queries, server, defaultdict(list))  # fills the caches
        rounds = [
            run_round(plan, sessions, queries, server, server_cpu) for _ in range(args.rounds)
        ]
    totals = [sum(s for times in r.values() for s, _ in times) for r in rounds]
    best = rounds[totals.index(min(totals))]
    print(yardstick.describe("after"))

    width = max(len(label) for label in best) + 2
    pg = bool(server_cpu)  # PostgreSQL's CPU, over every measured round
    pg_total = sum(sum(v) for v in server_cpu.values())
    pg_heading = f"{'PG ms':>9}{'PG share':>10}" if pg else ""
    rule = "-" * (width + 33 + (19 if pg else 0))
    print(f"\n{'page':<{width}}{'n':>6}{'CPU ms':>10}{'queries':>9}{'share':>8}{pg_heading}")
    print(rule)
    total_cpu = sum(s for times in best.values() for s, _ in times)
    for label in sorted(best, key=lambda k: -sum(s for s, _ in best[k])):
        times = best[label]
        cpu = sum(s for s, _ in times)
        line = (f"{label:<{width}}{len(times):>6}{1000 * cpu / len(times):>10.1f}"
                f"{statistics.median(q for _, q in times):>9g}{100 * cpu / total_cpu:>7.1f}%")
        if pg:
            spent = server_cpu[label]
            line += f"{1000 * sum(spent) / len(spent):>9.1f}{100 * sum(spent) / pg_total:>9.1f}%"
        print(line)
    n = sum(len(times) for times in best.values())
    writes = sum(1 for _, label, *_ in plan if label == "write")
    print(rule)
    line = f"{'all pages':<{width}}{n:>6}{1000 * total_cpu / n:>10.1f}"
    if pg:
        line += f"{'':>17}{1000 * pg_total / (n * args.rounds):>9.1f}"
    print(line)
    spread = ", ".join(f"{1000 * t / n:.1f}" for t in totals)
    print(f"\nCPU of this process a page, the mix's weights (best of {args.rounds} rounds; "
          f"each round: {spread} ms); {writes} writes of the {args.requests} steps not sent, "
          f"their generations started instead. See bench/README.md.")
    if pg:
        print("PG ms: the CPU of PostgreSQL's process for this connection a page, over all "
              f"{args.rounds} measured rounds (/proc/<pid>/schedstat).")
    else:
        print("PostgreSQL's CPU not counted: its process is not on this machine.")


if __name__ == "__main__":
    main()
