"""Run all of netcrm in the foreground until Ctrl-C: web, Celery worker, Celery beat.

The web process is gunicorn serving static files collected, compressed and
fingerprinted at start (`make run`), or with --dev Django's autoreloading
runserver (`make dev`). The command lines come from netcrm/processes.py.
Migrates first, seeds the demo account on the first run, and starts an embedded
Redis on a unix socket under DATA_DIR when REDIS_URL is unset. Every child's
output is shown with its name in front; when one child stops, all stop.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from netcrm import processes
from netcrm.lib.redis import EmbeddedRedis, ping
from netcrm.management.commands.seed_demo import DEMO_PASSWORD, DEMO_USERNAME


def site_url_for(addr: str) -> str:
    """http://host:port for a runserver address; all interfaces are reached locally."""
    host, _, port = addr.rpartition(":") if not addr.isdigit() else ("", "", addr)
    if host in {"", "0.0.0.0", "[::]", "0"}:
        host = "localhost"
    return f"http://{host}:{port or '8000'}"


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser) -> None:
        parser.add_argument("--addr", default=os.environ.get("ADDR", "127.0.0.1:8000"))
        parser.add_argument("--no-seed", action="store_true", help="Do not seed the demo account.")
        parser.add_argument(
            "--dev", action="store_true",
            help="Serve with Django's autoreloading runserver instead of gunicorn.",
        )

    def handle(self, *args, addr: str, no_seed: bool, dev: bool, **options) -> None:
        # Redis first: what the migrations and the seed write changes generations
        # (netcrm/lib/generations.py), and the seed's meetings are sent to the worker.
        redis = None
        if settings.REDIS_EMBEDDED:
            redis = EmbeddedRedis(settings.REDIS_SOCKET).start()
            self.stdout.write(f"Embedded Redis listening on {redis.socket_path}")
        elif not ping(settings.REDIS_URL):
            self.stderr.write(f"Redis at {settings.REDIS_URL} does not answer yet; Celery will retry.")
        try:
            self._run(addr, no_seed, dev, redis)
        finally:
            if redis:
                redis.stop()

    def _run(self, addr: str, no_seed: bool, dev: bool, redis: EmbeddedRedis | None) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write("Database migrated.")
        if not dev:
            call_command("collectstatic", interactive=False, verbosity=0)
            self.stdout.write(f"Static files collected in {settings.STATIC_ROOT}")
        if not no_seed and not get_user_model().objects.exists():
            call_command("seed_demo")

        env = os.environ | {
            "REDIS_URL": settings.REDIS_URL,
            "PYTHONUNBUFFERED": "1",
            # Links in emails point at where this server listens, unless SITE_URL says.
            "SITE_URL": os.environ.get("SITE_URL") or site_url_for(addr),
        }
        python = sys.executable
        manage = str(Path(settings.BASE_DIR) / "manage.py")
        web = (
            [python, *processes.web_dev(manage, addr)] if dev
            else [python, "-m", *processes.web(addr)]
        )
        commands = {
            "web": web,
            "worker": [python, "-m", *processes.worker()],
            "long": [python, "-m", *processes.long_worker(settings.CELERY_TASK_DEFAULT_QUEUE)],
            "beat": [python, "-m", *processes.beat(str(settings.DATA_DIR / "celerybeat-schedule"))],
        }
        children = {name: self._spawn(name, cmd, env) for name, cmd in commands.items()}

        self.stdout.write(self.style.SUCCESS(
            f"\nnetcrm is running at http://{addr}/\n"
            f"Demo login: {DEMO_USERNAME} / {DEMO_PASSWORD}\n"
            "Press Ctrl-C to stop web, the workers, beat"
            + (" and Redis." if redis else ".") + "\n"
        ))
        stopping = threading.Event()
        # Set explicitly: a shell may start us with SIGINT ignored (a background job).
        for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(signum, lambda *_: stopping.set())
        try:
            while not stopping.wait(0.5):
                exited = [n for n, p in children.items() if p.poll() is not None]
                if exited:
                    self.stderr.write(f"{', '.join(exited)} stopped; stopping the rest.")
                    break
        finally:
            self._stop(children)
            self.stdout.write("netcrm stopped.")
        if not stopping.is_set():
            raise CommandError("a process stopped by itself; see its output above")

    def _spawn(self, name: str, cmd: list[str], env: dict[str, str]) -> subprocess.Popen:
        process = subprocess.Popen(
            cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
            start_new_session=True,  # Ctrl-C reaches us; we stop the children in order
        )
        threading.Thread(target=self._relay, args=(name, process), daemon=True).start()
        return process

    def _relay(self, name: str, process: subprocess.Popen) -> None:
        for line in process.stdout:
            sys.stdout.write(f"{name:>6} | {line}")
            sys.stdout.flush()

    def _stop(self, children: dict[str, subprocess.Popen]) -> None:
        for name, process in children.items():
            if process.poll() is None:
                if name == "web":
                    # The whole group: runserver's autoreloader runs the server as its child.
                    os.killpg(process.pid, signal.SIGTERM)
                else:
                    process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + 15
        for process in children.values():
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
