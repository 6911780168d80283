"""netcrm load test: many sessions against the production server, then every POST counted.

Run on demand, never by the test suite, on a database seeded and kept by run.py:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/netcrm_bench \\
        .venv/bin/python bench/run.py --picture --keep
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/netcrm_bench \\
        .venv/bin/python bench/load.py [--seconds 180] [--heavy 50] [--ordinary 50]

It starts the stack as `make run` does (`manage.py runstack`: gunicorn with the
command line of netcrm/processes.py, static files collected, the two Celery workers and beat,
an embedded Redis in a temporary DATA_DIR), DEBUG=false and SECURE_COOKIES=false, on
127.0.0.1:--port, pointing at DATABASE_URL. Then --heavy sessions log in as the heavy
user (bench-heavy) and --ordinary sessions as the ordinary users (bench-user-NN), one
each, logins spread over --ramp seconds (timed, but not in the page figures); then for
--seconds every session loops: a page or a POST picked at random from a realistic mix,
then a think time of about --think seconds. Loopback only, standard library only
(threads and http.client), bounded in time.

Every POST the client believes succeeded is recorded: a logged meeting or an added
contact carries a UUID in its notes/name, a Done or Snooze its follow-up id. Some
meetings are sent twice with the same submission_key (a double tap). Afterwards the
rows are counted in the database: each marker must be there exactly once, each Done
follow-up done, each snoozed one snoozed. See bench/README.md.
"""

from __future__ import annotations

import argparse
import http.client
import math
import os
import random
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import defaultdict
from datetime import timedelta
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "netcrm.settings")

PASSWORD = "bench-password"  # what bench/run.py gives every bench user
MARK = "bench-load"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=180, help="measured time (default 180)")
    parser.add_argument("--heavy", type=int, default=50,
                        help="sessions of the heavy user (default 50)")
    parser.add_argument("--ordinary", type=int, default=50,
                        help="sessions of ordinary users, one user each (default 50)")
    parser.add_argument("--port", type=int, default=8210, help="127.0.0.1 port (default 8210)")
    parser.add_argument("--think", type=float, default=1.0,
                        help="mean think time between two actions, seconds (default 1)")
    parser.add_argument("--ramp", type=float, default=30,
                        help="seconds over which the sessions start logging in; the measured "
                             "time starts once all have logged in (default 30)")
    parser.add_argument("--double", type=float, default=0.25,
                        help="share of logged meetings sent twice with the same "
                             "submission_key (default 0.25)")
    parser.add_argument("--url", default="",
                        help="a server already running (e.g. http://127.0.0.1:8210): do not "
                             "start one; it must use the same DATABASE_URL")
    parser.add_argument("--password", default=PASSWORD)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL"):
        parser.error("set DATABASE_URL to the database bench/run.py --keep seeded")
    return args


ARGS = parse_args()
# Never the developer's ./data: the server's Redis socket, secret key and log go here.
os.environ["DATA_DIR"] = tempfile.mkdtemp(prefix="netcrm-load-")

import django

django.setup()

from django.contrib.auth.models import User
from django.db import connection
from django.utils import timezone

from bench import yardstick
from bench.mixes import FRAGMENTS, HEAVY_MIX, ORDINARY_MIX, page_pools, queue_state
from contacts.models import Contact
from followups.models import FollowUp, Status
from meetings.models import Meeting

# ---------------------------------------------------------------- what sessions do



class FormParser(HTMLParser):
    """The fields of the first form holding a submission_key, with their default values
    (what a browser would send untouched)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[list[tuple[str, str]]] = []
        self.depth = 0
        self.select: str | None = None
        self.select_first: str | None = None
        self.select_chosen = False
        self.textarea: str | None = None
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.forms.append([])
            self.depth += 1
            return
        if not self.depth:
            return
        fields = self.forms[-1]
        if tag == "input" and a.get("name"):
            kind = (a.get("type") or "text").lower()
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    fields.append((a["name"], a.get("value") or "on"))
            elif kind not in ("submit", "button", "file", "image", "reset"):
                fields.append((a["name"], a.get("value") or ""))
        elif tag == "select" and a.get("name"):
            self.select, self.select_first, self.select_chosen = a["name"], None, False
        elif tag == "option" and self.select:
            value = a.get("value", "")
            if self.select_first is None:
                self.select_first = value
            if "selected" in a and not self.select_chosen:
                fields.append((self.select, value))
                self.select_chosen = True
        elif tag == "textarea" and a.get("name"):
            self.textarea, self.text = a["name"], []

    def handle_endtag(self, tag):
        if tag == "form" and self.depth:
            self.depth -= 1
        elif tag == "select" and self.select:
            if not self.select_chosen and self.select_first is not None:
                self.forms[-1].append((self.select, self.select_first))
            self.select = None
        elif tag == "textarea" and self.textarea:
            self.forms[-1].append((self.textarea, "".join(self.text).lstrip("\n")))
            self.textarea = None

    def handle_data(self, data):
        if self.textarea:
            self.text.append(data)


def form_fields(html: str) -> list[tuple[str, str]] | None:
    parser = FormParser()
    parser.feed(html)
    for fields in parser.forms:
        if any(name == "submission_key" for name, _ in fields):
            return fields
    return parser.forms[0] if parser.forms else None


def replace(fields, **values) -> list[tuple[str, str]]:
    """The form's fields with these set (a list value: one field each)."""
    kept = [(n, v) for n, v in fields if n not in values]
    for name, value in values.items():
        kept += [(name, str(v)) for v in (value if isinstance(value, list) else [value])]
    return kept


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.times: dict[str, list[float]] = defaultdict(list)
        self.by_group: dict[str, list[float]] = defaultdict(list)
        self.errors: dict[str, int] = defaultdict(int)
        self.error_samples: list[str] = []
        self.reconnects = 0

    def count_reconnect(self) -> None:
        with self.lock:
            self.reconnects += 1

    def record(self, group: str, label: str, ms: float, ok: bool, detail: str = "") -> None:
        with self.lock:
            self.times[label].append(ms)
            if "warm-up" not in label:
                self.by_group[group].append(ms)
                self.by_group["all"].append(ms)
            if not ok:
                self.errors[label] += 1
                if len(self.error_samples) < 12:
                    self.error_samples.append(f"{label}: {detail}")


class Ledger:
    """What the client believes it saved."""

    def __init__(self):
        self.lock = threading.Lock()
        self.meetings: list[str] = []   # markers (in the notes)
        self.doubles = 0
        self.contacts: list[str] = []   # markers (in the name)
        self.done: list[int] = []
        self.snoozed: list[int] = []

    def add(self, kind: str, value) -> None:
        with self.lock:
            getattr(self, kind).append(value)


class Clock:
    """The measured window: it opens once every session has logged in (or failed to)."""

    def __init__(self, sessions: int):
        self.go = threading.Event()
        self.lock = threading.Lock()
        self.waiting = sessions
        self.all_in = threading.Event()
        self.t0 = self.until = 0.0

    def arrived(self) -> None:
        with self.lock:
            self.waiting -= 1
            if self.waiting == 0:
                self.all_in.set()

    def open(self, seconds: float) -> None:
        self.t0 = time.monotonic()
        self.until = self.t0 + seconds
        self.go.set()


class Session(threading.Thread):
    def __init__(self, *, host, port, username, group, pools, mix, start_at, clock: Clock,
                 stats: Stats, ledger: Ledger, rng: random.Random):
        super().__init__(daemon=True)
        self.host, self.port, self.username, self.group = host, port, username, group
        self.pools, self.mix, self.rng = pools, mix, rng
        self.start_at, self.clock = start_at, clock
        self.stats, self.ledger = stats, ledger
        self.cookies: dict[str, str] = {}
        self.conn: http.client.HTTPConnection | None = None
        self.queue_state = ""  # the dashboard's version and limit, as its refresh sends them

    # -- HTTP
    def request(self, label, method, path, body=None, headers=None, expect=(200, 302)):
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if method == "POST":
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers.setdefault("X-CSRFToken", self.cookies.get("csrftoken", ""))
            headers["Referer"] = f"http://{self.host}:{self.port}/"
        data = urlencode(body or [], doseq=True).encode() if method == "POST" else None
        start = time.perf_counter()
        for attempt in (1, 2):
            reused = self.conn is not None
            try:
                if self.conn is None:
                    self.conn = http.client.HTTPConnection(self.host, self.port, timeout=60)
                self.conn.request(method, path, body=data, headers=headers)
                response = self.conn.getresponse()
                content = response.read()
                break
            except (OSError, http.client.HTTPException) as error:
                self.conn.close()
                self.conn = None
                stale = isinstance(error, (http.client.RemoteDisconnected, ConnectionResetError,
                                           BrokenPipeError))
                if attempt == 1 and reused and stale:
                    # The server closed an idle keep-alive connection (gunicorn's keepalive
                    # is 2 s): a browser sends again on a new one; so do we, counted.
                    self.stats.count_reconnect()
                    continue
                ms = (time.perf_counter() - start) * 1000
                self.stats.record(self.group, label, ms, False,
                                  f"{type(error).__name__}: {error}")
                return None, b""
        ms = (time.perf_counter() - start) * 1000
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        ok = 200 <= response.status < 400 and response.status in expect
        self.stats.record(self.group, label, ms, ok, f"HTTP {response.status} {path}")
        if response.getheader("Connection", "").lower() == "close":
            self.conn.close()
            self.conn = None
        return response, content

    def sleep_until(self, moment):
        delay = moment - time.monotonic()
        if delay > 0:
            time.sleep(delay)

    # -- the session
    def run(self):
        self.sleep_until(self.start_at)
        try:
            logged_in = self.login()
        finally:
            self.clock.arrived()
        if not logged_in:
            return
        self.clock.go.wait()
        self.until = self.clock.until
        # Not all in step: each session starts after a think time of its own.
        self.sleep_until(time.monotonic() + self.rng.uniform(0, ARGS.think))
        actions, weights = zip(*((a, w) for a, w in self.mix.items() if w), strict=True)
        while time.monotonic() < self.until:
            action = self.rng.choices(actions, weights)[0]
            try:
                getattr(self, f"do_{action}")()
            except Exception as error:  # noqa: BLE001 (a bug of this script, not the server's)
                self.stats.record(self.group, f"client error in {action}", 0, False,
                                  repr(error))
            think = min(self.rng.expovariate(1 / ARGS.think), 5 * ARGS.think)
            self.sleep_until(min(self.until, time.monotonic() + think))
        if self.conn:
            self.conn.close()

    def login(self) -> bool:
        """Log in as a person would: tried again (up to 3 times) when it failed."""
        for _ in range(3):
            _, html = self.request("GET /accounts/login/  (warm-up)", "GET", "/accounts/login/")
            fields = form_fields(html.decode("utf-8", "replace")) or []
            body = replace(fields, username=self.username, password=ARGS.password)
            response, _ = self.request("POST /accounts/login/  (warm-up)", "POST",
                                       "/accounts/login/", body, expect=(302,))
            if response and response.status == 302 and "sessionid" in self.cookies:
                return True
            time.sleep(self.rng.uniform(1, 5))
        return False

    def get(self, label, path, htmx=False):
        return self.request(label, "GET", path, headers={"HX-Request": "true"} if htmx else None,
                            expect=(200,))

    def pick(self, pool):
        items = self.pools[pool]
        return self.rng.choice(items) if items else None

    def do_dashboard(self):
        _, html = self.get("GET /", "/")
        self.keep_queue_state(html)

    def do_poll(self):
        """The dashboard's refresh every 60 s, as the browser sends it (hx-include of the
        queue's state): its version, answered 204 while nothing changed, else the queue
        with a new version. A session that has no dashboard open loads one instead."""
        if not self.queue_state:
            return self.do_dashboard()
        response, html = self.request("GET /  (HX poll)", "GET", f"/?{self.queue_state}",
                                      headers={"HX-Request": "true"}, expect=(200, 204))
        if response is not None and response.status == 200:
            self.keep_queue_state(html)

    def keep_queue_state(self, html: bytes) -> None:
        self.queue_state = queue_state(html) or self.queue_state

    def do_contacts(self):
        self.get("GET /contacts/", "/contacts/")

    def do_search(self):
        self.get("GET /contacts/?q=", f"/contacts/?q={self.rng.choice(FRAGMENTS)}")

    def do_contact(self):
        self.get("GET /contacts/<id>/", f"/contacts/{self.pick('contacts')}/")

    def do_hub(self):
        self.get("GET /contacts/<hub>/", f"/contacts/{self.pools['hub']}/")

    def do_focus(self):
        target = self.pools.get("deep") or self.pick("contacts")
        self.get("GET /referrals/?focus=", f"/referrals/?focus={target}")

    def do_meetings(self):
        self.get("GET /meetings/", "/meetings/")

    def do_meeting(self):
        if (pk := self.pick("meetings")) is not None:
            self.get("GET /meetings/<id>/", f"/meetings/{pk}/")

    def do_leads(self):
        self.get("GET /leads/", "/leads/")

    def do_insights(self):
        self.get("GET /insights/", "/insights/")

    def do_events(self):
        self.get("GET /events/", "/events/")

    def do_organizations(self):
        self.get("GET /contacts/organizations/", "/contacts/organizations/")

    def _followup(self, pool, action, data=None, status_ok=True):
        if not self.pools[pool]:
            return self.do_dashboard()
        pk = self.pools[pool].pop()
        response, html = self.request(
            f"POST /followups/<id>/{action}/  (htmx)", "POST", f"/followups/{pk}/{action}/",
            data or [], headers={"HX-Request": "true", "HX-Target": f"followup-{pk}"},
            expect=(200,))
        if response is not None and response.status == 200:
            self.ledger.add("done" if action == "done" else "snoozed", pk)
            if self.queue_state:  # the answer's queue state, swapped in out of band
                self.keep_queue_state(html)

    def do_done(self):
        self._followup("done", "done")

    def do_snooze(self):
        self._followup("snooze", "snooze", [("days", self.rng.choice(("1", "3", "7")))])

    def do_log_meeting(self):
        """The nav's "+ Log meeting": the form in the modal (HTMX), then its POST."""
        _, html = self.get("GET /meetings/new/  (htmx)", "/meetings/new/", htmx=True)
        fields = form_fields(html.decode("utf-8", "replace"))
        if not fields:
            return
        marker = f"{MARK} {uuid.uuid4()}"
        when = timezone.localtime() - timedelta(hours=self.rng.randint(1, 48))
        body = replace(
            fields, contacts=[self.pick("contacts")], notes=f"Talked shop. {marker}",
            starts_at=when.strftime("%Y-%m-%dT%H:%M"), purpose="Catch up",
        )
        double = self.rng.random() < ARGS.double
        believed = False
        for attempt in range(2 if double else 1):
            label = "POST /meetings/new/  (htmx" + (", the same key again)" if attempt else ")")
            response, content = self.request(label, "POST", "/meetings/new/", body,
                                             headers={"HX-Request": "true"}, expect=(200,))
            if response is not None and response.status == 200 and b'class="logged"' in content:
                believed = True
            elif response is not None:
                self.stats.record(self.group, label + " not logged", 0, False,
                                  f"HTTP {response.status}: {content[:200]!r}")
        if believed:
            self.ledger.add("meetings", marker)
            if double:
                with self.ledger.lock:
                    self.ledger.doubles += 1

    def do_add_contact(self):
        _, html = self.get("GET /contacts/new/", "/contacts/new/")
        fields = form_fields(html.decode("utf-8", "replace"))
        if not fields:
            return
        marker = f"Load {uuid.uuid4().hex[:16]}"
        body = replace(fields, name=marker, title="Engineer")
        response, content = self.request("POST /contacts/new/", "POST", "/contacts/new/", body,
                                         expect=(302,))
        if response is not None and response.status == 302:
            self.ledger.add("contacts", marker)
        elif response is not None:
            self.stats.record(self.group, "POST /contacts/new/ not saved", 0, False,
                              f"HTTP {response.status}: {content[:200]!r}")


# ---------------------------------------------------------------- setup and report


def pools_for(user: User, rng: random.Random, heavy: bool) -> dict:
    """What a session opens pages of (bench/mixes.py), and the follow-ups it may close."""
    soon = timezone.now() + timedelta(days=8)
    open_ids = list(
        FollowUp.objects.filter(user=user, status=Status.PENDING, due_at__lte=soon)
        .order_by("due_at").values_list("pk", flat=True)
    )
    return page_pools(user, rng, heavy) | {"open": open_ids}


def split_followups(pools: dict, n: int, rng: random.Random) -> list[dict]:
    """n sessions of one user: each gets its own follow-ups to close (no two sessions
    mark the same one), two thirds for Done, one third for Snooze."""
    ids = pools["open"][:]
    rng.shuffle(ids)
    out = []
    for i in range(n):
        mine = ids[i::n]
        cut = len(mine) * 2 // 3
        out.append(pools | {"done": mine[:cut], "snooze": mine[cut:]})
    return out


def percentile(values, pct):
    ordered = sorted(values)
    return ordered[max(0, math.ceil(pct / 100 * len(ordered)) - 1)] if ordered else float("nan")


def print_report(stats: Stats, seconds: float) -> None:
    rows = sorted(stats.times.items(), key=lambda kv: kv[0])
    width = max([len(k) for k, _ in rows] + [len("overall (heavy)") + 4, 20])
    head = (f"{'':{width}}  {'n':>6}  {'req/s':>6}  {'p50 ms':>8}  {'p95 ms':>8}  "
            f"{'p99 ms':>8}  {'max ms':>8}  {'errors':>6}")
    print(head)
    print("-" * len(head))

    def line(label, times, errors):
        print(f"{label:{width}}  {len(times):6d}  {len(times) / seconds:6.1f}  "
              f"{percentile(times, 50):8.0f}  {percentile(times, 95):8.0f}  "
              f"{percentile(times, 99):8.0f}  {max(times, default=float('nan')):8.0f}  "
              f"{errors:6d}")

    for label, times in rows:
        line(label, times, stats.errors.get(label, 0))
    print("-" * len(head))
    page_errors = sum(n for k, n in stats.errors.items() if "warm-up" not in k)
    for group in ("heavy", "ordinary", "all"):
        if stats.by_group[group]:
            line(f"overall ({group})", stats.by_group[group],
                 page_errors if group == "all" else 0)
    for label in stats.errors:
        if label not in stats.times:
            print(f"{label}: {stats.errors[label]} errors")
    if stats.error_samples:
        print("first errors:")
        for sample in stats.error_samples:
            print(f"  {sample}")


ACCESS_LINE = re.compile(r'"(?P<method>[A-Z]+) (?P<path>\S+) [^"]*" (?P<status>\d{3}) \S+ '
                         r'(?P<ms>\d+)ms request_id=')


PROCESS_GROUPS = [  # (group, what its command line contains), the first match wins
    ("gunicorn (web)", "gunicorn"), ("celery (workers, beat)", "celery"),
    ("PostgreSQL", "postgres"), ("Redis", "redis"), ("Redis", "valkey"),
]


def cpu_seconds() -> tuple[float, float, dict[str, float]]:
    """(this process's CPU seconds, the whole machine's busy CPU seconds, CPU seconds by
    process group) so far."""
    tick = os.sysconf("SC_CLK_TCK")
    mine = sum(os.times()[:2])
    with open("/proc/stat") as stat:  # cpu  user nice system idle iowait irq softirq steal
        ticks = [int(v) for v in stat.readline().split()[1:9]]
    busy = (sum(ticks) - ticks[3] - ticks[4]) / tick
    groups: dict[str, float] = defaultdict(float)
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            command = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            fields = (proc / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:  # gone meanwhile
            continue
        group = next((g for g, word in PROCESS_GROUPS if word in command), None)
        if group:
            # utime + stime, and cutime + cstime: the CPU of children that ended and were
            # waited for. PostgreSQL's backends end when Django closes a connection
            # (CONN_MAX_AGE); their CPU then moves to the postmaster's cutime, so a
            # backend that ended while measuring still counts, and only once.
            groups[group] += sum(int(v) for v in fields[11:15]) / tick
    return mine, busy, groups


def print_cpu(before, after, seconds: float, requests: int) -> None:
    """Where the cores went while measuring: this client's own share of them is CPU the
    server did not get. A process that ended meanwhile counts through its parent (see
    cpu_seconds), if the parent is in the same group."""
    client, busy = after[0] - before[0], after[1] - before[1]
    cores = os.cpu_count() or 1
    print(f"CPU while measuring: the machine busy {busy:.0f} of {cores * seconds:.0f} core-seconds "
          f"({busy / (cores * seconds):.0%}); of it this load client {client:.0f} s, the server "
          f"stack and PostgreSQL {busy - client:.0f} s "
          f"({(busy - client) / max(1, requests) * 1000:.1f} ms a request)")
    shares = {g: after[2].get(g, 0.0) - before[2].get(g, 0.0) for g in after[2]}
    print("  by process: " + ", ".join(
        f"{g} {v:.0f} s ({v / max(1, requests) * 1000:.1f} ms a request)"
        for g, v in sorted(shares.items(), key=lambda item: -item[1])))


# ---------------------------------------------------------------- autovacuum's stand-in

DUE_FOR_VACUUM = """
    SELECT relname,
           n_dead_tup > current_setting('autovacuum_vacuum_threshold')::int
                        + current_setting('autovacuum_vacuum_scale_factor')::float * n_live_tup
           OR n_ins_since_vacuum > current_setting('autovacuum_vacuum_insert_threshold')::int
                        + current_setting('autovacuum_vacuum_insert_scale_factor')::float
                          * n_live_tup,
           n_mod_since_analyze > current_setting('autovacuum_analyze_threshold')::int
                        + current_setting('autovacuum_analyze_scale_factor')::float * n_live_tup
    FROM pg_stat_user_tables
"""


class Autovacuum(threading.Thread):
    """What PostgreSQL's autovacuum does, for a server that runs without it: every
    `autovacuum_naptime`, VACUUM (ANALYZE) the tables over autovacuum's own thresholds
    (the server's settings, read from it). A production server vacuums on its own; a CI
    server may not (this machine's conf.d/90-ci.conf says `autovacuum = off`), and there a
    table the load updates keeps every dead row it leaves, and an index-only scan over
    it visits the heap for each: the meetings' count took 13 ms instead of 2. The
    vacuums run in PostgreSQL, so their CPU counts in its share."""

    def __init__(self):
        super().__init__(daemon=True)
        self.stopping = threading.Event()
        self.vacuumed: list[str] = []
        self.seconds = 0.0

    @staticmethod
    def needed() -> bool:
        if connection.vendor != "postgresql":
            return False
        with connection.cursor() as cursor:
            cursor.execute("SHOW autovacuum")
            return cursor.fetchone()[0] == "off"

    def once(self) -> list[str]:
        """One round: VACUUM and ANALYZE what autovacuum would; the tables done."""
        started = time.monotonic()
        with connection.cursor() as cursor:
            cursor.execute(DUE_FOR_VACUUM)
            due = [(name, vacuum) for name, vacuum, analyze in cursor.fetchall()
                   if vacuum or analyze]
            for name, vacuum in due:
                cursor.execute(f'{"VACUUM (ANALYZE)" if vacuum else "ANALYZE"} "{name}"')
        self.seconds += time.monotonic() - started
        done = [name for name, _ in due]
        self.vacuumed += done
        return done

    def run(self):
        with connection.cursor() as cursor:
            cursor.execute("SELECT EXTRACT(EPOCH FROM current_setting('autovacuum_naptime')"
                           "::interval)")
            naptime = float(cursor.fetchone()[0])
        try:
            while not self.stopping.wait(naptime):
                self.once()
        finally:
            connection.close()


def print_server_side(log: Path) -> None:
    """The time gunicorn's access log gives each request (from the moment a worker
    thread took it): the difference from the client's is the wait in the queue."""
    times, statuses = [], defaultdict(int)
    for line in log.read_text(errors="replace").splitlines():
        match = ACCESS_LINE.search(line)
        if not match or match["path"].startswith(("/accounts/login/", "/static/")):
            continue
        times.append(int(match["ms"]))
        statuses[match["status"]] += 1
    if times:
        print(f"server side (gunicorn's access log, log-ins excluded): {len(times)} requests, "
              f"p50 {percentile(times, 50)} ms, p95 {percentile(times, 95)} ms, p99 "
              f"{percentile(times, 99)} ms; statuses "
              + ", ".join(f"{k}: {v}" for k, v in sorted(statuses.items())))


def verify(ledger: Ledger, users: list[User]) -> int:
    """Count every POST the client believed succeeded; returns lost + duplicated."""
    connection.close()  # a fresh connection: see what the server committed
    notes = list(
        Meeting.objects.filter(user__in=users, notes__contains=MARK).values_list("notes", flat=True)
    )
    seen: dict[str, int] = defaultdict(int)
    for text in notes:
        seen[text[text.index(MARK):][: len(MARK) + 37]] += 1
    lost_m = sum(1 for m in ledger.meetings if seen.get(m, 0) == 0)
    dup_m = sum(1 for m in ledger.meetings if seen.get(m, 0) > 1)
    names = list(
        Contact.objects.filter(user__in=users, name__startswith="Load ")
        .values_list("name", flat=True)
    )
    counted: dict[str, int] = defaultdict(int)
    for name in names:
        counted[name] += 1
    lost_c = sum(1 for m in ledger.contacts if counted.get(m, 0) == 0)
    dup_c = sum(1 for m in ledger.contacts if counted.get(m, 0) > 1)
    status = dict(
        FollowUp.objects.filter(pk__in=ledger.done + ledger.snoozed).values_list("pk", "status")
    )
    lost_d = sum(1 for pk in ledger.done if status.get(pk) != Status.DONE)
    lost_s = sum(1 for pk in ledger.snoozed if status.get(pk) != Status.SNOOZED)
    print("\nPOSTs the client believed saved, counted in the database afterwards")
    print(f"  meetings logged:  {len(ledger.meetings):5d} ({ledger.doubles} of them sent twice "
          f"with the same submission_key)  lost {lost_m}, duplicated {dup_m}")
    print(f"  contacts added:   {len(ledger.contacts):5d}  lost {lost_c}, duplicated {dup_c}")
    print(f"  follow-ups done:  {len(ledger.done):5d}  not done {lost_d}")
    print(f"  follow-ups snoozed: {len(ledger.snoozed):3d}  not snoozed {lost_s}")
    total = lost_m + dup_m + lost_c + dup_c + lost_d + lost_s
    print(f"  LOST OR DUPLICATED: {total}")
    return total


def start_server(port: int, data_dir: str) -> subprocess.Popen:
    env = os.environ | {
        "DEBUG": "false", "SECURE_COOKIES": "false", "DATA_DIR": data_dir,
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("REDIS_URL", None)  # an embedded Redis in data_dir, private to this run
    log = open(Path(data_dir) / "server.log", "w")  # noqa: SIM115 (closed with the process)
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "manage.py"), "runstack", "--no-seed",
         "--addr", f"127.0.0.1:{port}"],
        env=env, stdout=log, stderr=subprocess.STDOUT, cwd=ROOT,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"the server stopped; see {log.name}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/accounts/login/")
            if conn.getresponse().status == 200:
                conn.close()
                return process
        except OSError:
            pass
        time.sleep(0.5)
    stop_server(process)
    raise SystemExit(f"the server did not answer within 120 s; see {log.name}")


def stop_server(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=40)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def main() -> None:
    args = ARGS
    rng = random.Random(args.seed)
    heavy_user = User.objects.filter(username="bench-heavy").first()
    ordinary_users = list(User.objects.filter(username__startswith="bench-user-")
                          .order_by("username")) or list(User.objects.filter(
                              username="bench-light"))
    if heavy_user is None or not ordinary_users:
        raise SystemExit("no bench users: seed with bench/run.py --picture --keep first")
    data_dir = os.environ["DATA_DIR"]
    print(f"netcrm load test · {os.cpu_count()} CPUs · load average "
          f"{os.getloadavg()[0]:.2f} before · {args.heavy} heavy-user sessions "
          f"({heavy_user.username}) + {args.ordinary} ordinary-user sessions "
          f"({len(ordinary_users)} users) · {args.seconds:g} s measured after a "
          f"{args.ramp:g} s log-in ramp · think time ~{args.think:g} s")
    print(yardstick.describe("before"))

    sessions_spec = []
    heavy_pools = pools_for(heavy_user, rng, heavy=True)
    for pools in split_followups(heavy_pools, args.heavy, rng):
        sessions_spec.append((heavy_user.username, "heavy", pools, HEAVY_MIX))
    per_user = {u.pk: pools_for(u, rng, heavy=False) for u in ordinary_users}
    for i in range(args.ordinary):
        user = ordinary_users[i % len(ordinary_users)]
        share = split_followups(per_user[user.pk], math.ceil(args.ordinary / len(ordinary_users)),
                                rng)[i // len(ordinary_users)]
        sessions_spec.append((user.username, "ordinary", share, ORDINARY_MIX))
    autovacuum = Autovacuum() if Autovacuum.needed() else None
    if autovacuum:
        started = time.monotonic()
        done = autovacuum.once()
        print(f"this PostgreSQL runs without autovacuum: load.py stands in for it (every "
              f"autovacuum_naptime, the tables over its thresholds); first, what it would "
              f"have done since the seeding: {', '.join(done) or 'nothing'} "
              f"({time.monotonic() - started:.1f} s)")
    connection.close()

    server = None
    if args.url:
        host, _, port = args.url.split("//", 1)[-1].rstrip("/").partition(":")
        port = int(port or 80)
        if host not in ("127.0.0.1", "localhost", "::1"):
            raise SystemExit("loopback only: --url must be on 127.0.0.1 or localhost")
    else:
        host, port = "127.0.0.1", args.port
        print(f"starting the stack (manage.py runstack: gunicorn, workers, beat, embedded "
              f"Redis) on {host}:{port}; its log: {data_dir}/server.log")
        started = time.monotonic()
        server = start_server(port, data_dir)
        print(f"  serving after {time.monotonic() - started:.1f} s")

    stats, ledger = Stats(), Ledger()
    clock = Clock(len(sessions_spec))
    now = time.monotonic()
    rng.shuffle(sessions_spec)
    threads = [
        Session(host=host, port=port, username=username, group=group, pools=pools, mix=mix,
                start_at=now + args.ramp * i / max(1, len(sessions_spec)), clock=clock,
                stats=stats, ledger=ledger, rng=random.Random(rng.random()))
        for i, (username, group, pools, mix) in enumerate(sessions_spec)
    ]
    stuck = 0
    try:
        for thread in threads:
            thread.start()
        clock.all_in.wait(timeout=args.ramp + 180)  # logins are slow on purpose (PBKDF2)
        logged_in = sum(1 for t in threads if "sessionid" in t.cookies)
        print(f"logged in: {logged_in} of {len(threads)} sessions, "
              f"{time.monotonic() - now:.0f} s after the first · load average "
              f"{os.getloadavg()[0]:.2f}; measuring now")
        clock.open(args.seconds)
        if autovacuum:
            autovacuum.vacuumed.clear()
            autovacuum.seconds = 0.0
            autovacuum.start()
        cpu_before = cpu_seconds()
        time.sleep(args.seconds)
        cpu_after = cpu_seconds()
        load_end = os.getloadavg()[0]
        if autovacuum:
            autovacuum.stopping.set()
        for thread in threads:  # each finishes the request it is in (bounded by its timeout)
            thread.join(timeout=max(0.1, clock.until + 65 - time.monotonic()))
        stuck = sum(1 for t in threads if t.is_alive())
    finally:
        if server:
            stop_server(server)
    print(f"\nmeasured {args.seconds:g} s · load average at the end {load_end:.2f}"
          + (f" · {stuck} sessions still waiting on a request at the end" if stuck else ""))
    print(yardstick.describe("after"))
    print_report(stats, args.seconds)
    print_cpu(cpu_before, cpu_after, args.seconds, len(stats.by_group["all"]))
    print(f"stale keep-alive connections re-opened (as a browser does): {stats.reconnects}")
    if autovacuum:
        print(f"autovacuum's stand-in while measuring: {len(autovacuum.vacuumed)} tables "
              f"vacuumed or analyzed ({', '.join(sorted(set(autovacuum.vacuumed))) or 'none'}), "
              f"{autovacuum.seconds:.1f} s")
    if server:
        print_server_side(Path(data_dir) / "server.log")
    verify(ledger, [heavy_user, *ordinary_users])


if __name__ == "__main__":
    main()
