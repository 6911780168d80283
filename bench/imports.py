"""netcrm benchmark: a 5,000-row LinkedIn file previewed and imported.

Run on demand, never by the test suite:

    .venv/bin/python bench/imports.py [--rows 5000] [--existing 2000]

It works in a fresh SQLite file under a temporary DATA_DIR (deleted afterwards), or
in the throwaway database DATABASE_URL names (it refuses one that holds users, and
empties it when done). Prints each time with its floor beside it.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "netcrm.settings")

FIRST = ["Priya", "Tomás", "Kenji", "Amara", "Rafael", "Dana", "Astrid", "Olivier", "Samir", "Grace",
         "Léa", "Wei", "Ingrid", "José", "Zoë", "Nadia", "Jürgen", "Élodie", "Anna", "Omar"]
LAST = ["Raman", "Oliveira", "Watanabe", "Okafor", "Costa", "Whitfield", "Lindqvist", "Baptiste",
        "Haddad", "Liu", "Martin", "Zhang", "Søndergaard", "Núñez", "Petrov", "Müller", "Marchand"]
COMPANIES = [f"{a} {b}" for a in ("Northwind", "Contoso", "Fabrikam", "Tailspin", "Litware",
                                  "Wingtip", "Adventure", "Blue Yonder", "Proseware", "Woodgrove")
             for b in ("Traders", "Labs", "Group", "Systems", "Works", "Partners", "Analytics")]
TITLES = ["Data Engineer", "Recruiter", "Product Manager", "Head of Analytics", "Founder", "Designer"]
FLOORS = {"preview": 5.0, "import": 20.0}


def linkedin_file(rows: int, rng: random.Random) -> bytes:
    lines = [
        "Notes:",
        '"When exporting your connection data, you may notice that some of the email addresses '
        'are missing."',
        "",
        "First Name,Last Name,URL,Email Address,Company,Position,Connected On",
    ]
    for i in range(rows):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        email = f"{first.lower()}.{i}@example.com" if rng.random() < 0.3 else ""
        lines.append(
            f'{first},{last},https://www.linkedin.com/in/{first.lower()}-{last.lower()}-{i},{email},'
            f'"{rng.choice(COMPANIES)}",{rng.choice(TITLES)},{rng.randint(1, 28)} Mar 2024'
        )
    return "\n".join(lines).encode()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--existing", type=int, default=2000, help="contacts the user has already")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    data_dir = None
    if not os.environ.get("DATABASE_URL"):
        data_dir = tempfile.mkdtemp(prefix="netcrm-bench-imports-")
        os.environ["DATA_DIR"] = data_dir
    import django

    django.setup()
    from django.contrib.auth.models import User
    from django.core.management import call_command

    from accounts.models import Profile
    from contacts.models import Contact
    from imports import services
    from imports.models import ImportBatch, Status

    try:
        call_command("migrate", verbosity=0)
        if User.objects.exists():
            sys.exit("refusing: this database has users (use a throwaway one)")
        user = User.objects.create_user("bench")
        Profile.objects.create(user=user)
        rng = random.Random(args.seed)
        Contact.objects.bulk_create(
            Contact(user=user, name=f"Known {i}", email=f"known{i}@example.org") for i in range(args.existing)
        )
        data = linkedin_file(args.rows, rng)
        print(f"{args.rows:,}-row LinkedIn file ({len(data) / 1024:.0f} KB), "
              f"{args.existing:,} contacts already; load {os.getloadavg()[0]:.2f}")
        start = time.perf_counter()
        batch = services.preview(user, data, "Connections.csv").batch
        preview_s = time.perf_counter() - start
        ImportBatch.objects.filter(pk=batch.pk).update(status=Status.QUEUED)
        start = time.perf_counter()
        services.run_import(batch.pk)
        import_s = time.perf_counter() - start
        batch.refresh_from_db()
        print(f"  preview (read, plan, save)  {preview_s:6.2f} s   floor {FLOORS['preview']:.0f} s")
        print(f"  import (the task's work)    {import_s:6.2f} s   floor {FLOORS['import']:.0f} s")
        print("  " + "\n  ".join(services.summary_lines(batch)[:5]))
        start = time.perf_counter()
        again = services.preview(user, data, "Connections.csv", save=False).batch
        print(f"  preview again (all matched) {time.perf_counter() - start:6.2f} s   "
              f"creates {again.to_write - again.count('match')}")
    finally:
        if data_dir:
            shutil.rmtree(data_dir, ignore_errors=True)
        else:
            call_command("flush", interactive=False, verbosity=0)


if __name__ == "__main__":
    main()
