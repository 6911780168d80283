"""Snapshot the demo account's follow-ups, to show a refactor keeps them the same.

    .venv/bin/python bench/seed_snapshot.py OUT.json
    .venv/bin/python bench/seed_snapshot.py --compare A.json B.json

The first form runs `manage.py seed_demo` into a throwaway SQLite file under a
temporary DATA_DIR and writes every follow-up of the demo user to OUT.json, without
primary keys, in a canonical order. The clock is stopped at FROZEN_AT: the script
runs itself again under libfaketime (`apt-get install faketime`), so timezone.now()
and every auto_now_add field read the same instant and two runs write the same file.
seed_demo sends no Celery message (and send_task would shrug off the missing broker).

The second form prints the follow-ups per kind in each file, the rows only in A, only
in B, and the rows that differ and in which fields; it exits 1 when they differ. It
reads kinds through new_kind(): the refactor splits "reciprocate" into "reply" (to a
request for help) and "help_back".
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
from collections import Counter, defaultdict
from itertools import zip_longest
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FROZEN_AT = "2026-11-30 09:00:00"  # UTC
SUBJECT = ("kind", "contact", "meeting", "referral", "inbound_request")


def frozen() -> None:
    """Run this script again under faketime, the clock stopped (no "@": it would tick)."""
    if os.environ.get("FAKETIME") != FROZEN_AT:
        os.environ["TZ"] = "UTC"
        cmd = ["faketime", "--exclude-monotonic", "-f", FROZEN_AT, sys.executable, *sys.argv]
        try:
            os.execvp("faketime", cmd)
        except FileNotFoundError:
            sys.exit("faketime not found: apt-get install faketime")


def snapshot(out: Path) -> None:
    data_dir = tempfile.mkdtemp(prefix="netcrm-seed-snapshot-")
    os.environ.update(
        DJANGO_SETTINGS_MODULE="netcrm.settings", DATA_DIR=data_dir, TIME_ZONE="UTC",
        DATABASE_URL=f"sqlite:///{data_dir}/netcrm.sqlite3",
    )
    os.environ.pop("REDIS_URL", None)
    sys.path.insert(0, str(ROOT))
    try:
        import django

        django.setup()
        from django.core.management import call_command
        from django.utils import timezone

        from followups.models import FollowUp

        now = timezone.now()
        assert now.isoformat() == FROZEN_AT.replace(" ", "T") + "+00:00", f"clock runs: {now}"
        call_command("migrate", verbosity=0)
        call_command("seed_demo")
        followups = (
            FollowUp.objects.filter(user__username="demo")
            .select_related("contact", "referral__referrer", "referral__referred",
                            "inbound_request__contact", "meeting")
            .prefetch_related("meeting__contacts")
        )
        rows = sorted((as_row(f) for f in followups), key=canonical)
    finally:
        shutil.rmtree(data_dir)
    out.write_text(json.dumps(rows, indent=1, sort_keys=True, ensure_ascii=False) + "\n")
    counts = Counter(row["kind"] for row in rows)
    print(f"{len(rows)} follow-ups written to {out}:", dict(sorted(counts.items())))


def as_row(f) -> dict:
    m, r, i = f.meeting, f.referral, f.inbound_request
    return {
        "kind": f.kind, "status": f.status, "title": f.title, "draft": f.draft,
        "due_at": iso(f.due_at), "completed_at": iso(f.completed_at),
        "created_at": iso(f.created_at),
        "contact": f.contact.name if f.contact else None,
        "meeting": m and [m.kind, iso(m.starts_at), sorted(c.name for c in m.contacts.all())],
        "referral": r and [r.referrer.name, r.referred.name],
        "inbound_request": i and [i.contact.name, i.ask, iso(i.received_at)],
    }


def iso(moment) -> str | None:
    return moment and moment.isoformat()


def canonical(row: dict) -> str:
    return json.dumps(row, sort_keys=True)


def new_kind(row: dict) -> str:
    """The kind after the refactor: "reciprocate" is a reply to a request, or help back."""
    if row["kind"] == "reciprocate":
        return "reply" if row["inbound_request"] else "help_back"
    return row["kind"]


def compare(path_a: Path, path_b: Path) -> bool:
    """Print how B differs from A; True when they hold the same follow-ups."""
    a, b = ([{**row, "kind": new_kind(row)} for row in json.loads(p.read_text())]
            for p in (path_a, path_b))
    count_a, count_b = Counter(r["kind"] for r in a), Counter(r["kind"] for r in b)
    print(f"{'kind':<15}{'A':>5}{'B':>5}   A={path_a} B={path_b}")
    for kind in sorted(count_a | count_b):
        mark = "" if count_a[kind] == count_b[kind] else "   <-"
        print(f"{kind:<15}{count_a[kind]:>5}{count_b[kind]:>5}{mark}")

    # Rows found in both drop out; the rest pair up by subject (kind, contact, ...).
    rows_a, rows_b = Counter(map(canonical, a)), Counter(map(canonical, b))
    pairs = defaultdict(lambda: ([], []))
    for side, rows in enumerate((rows_a - rows_b, rows_b - rows_a)):
        for row in map(json.loads, sorted(rows.elements())):
            pairs[json.dumps([row[k] for k in SUBJECT])][side].append(row)
    only_a, only_b, changed = [], [], []
    for left, right in pairs.values():
        for x, y in zip_longest(left, right):
            (only_b if x is None else only_a if y is None else changed).append((x, y))

    for label, rows, side in (("only in A", only_a, 0), ("only in B", only_b, 1)):
        print(f"\n{len(rows)} {label}")
        for pair in rows:
            print("  " + describe(pair[side]))
    print(f"\n{len(changed)} differ")
    for x, y in changed:
        print("  " + describe(x))
        for field in sorted(k for k in x.keys() | y.keys() if x.get(k) != y.get(k)):
            print(f"    {field}: {short(x.get(field))} -> {short(y.get(field))}")
    same = not (only_a or only_b or changed)
    print("\nsame follow-ups" if same else "\nDIFFERENT")
    return same


def describe(row: dict) -> str:
    return f"{row['kind']} due {row['due_at']} {row['status']}: {row['title']!r}"


def short(value) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 80 else text[:77] + "..."


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", nargs="?", type=Path, help="where to write the snapshot")
    parser.add_argument("--compare", nargs=2, type=Path, metavar=("A", "B"),
                        help="compare two snapshots; exit 1 when they differ")
    args = parser.parse_args()
    if bool(args.out) == bool(args.compare):
        parser.error("give OUT.json, or --compare A.json B.json")
    if args.compare:
        sys.exit(0 if compare(*args.compare) else 1)
    frozen()
    snapshot(args.out)


if __name__ == "__main__":
    main()
