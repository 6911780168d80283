"""`manage.py runstack` (what `make run` runs): a fresh data folder, then web
(gunicorn), worker, beat and the embedded Redis serve the demo account, a
fingerprinted static file and /healthz, and turn a logged meeting into its
thank-you follow-up; SIGTERM stops all of them."""

import http.cookiejar
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings

from netcrm.management.commands.runstack import site_url_for
from netcrm.management.commands.seed_demo import DEMO_PASSWORD, DEMO_USERNAME


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Browser:
    """Just enough of a browser: cookies and Django's CSRF token."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def get(self, path: str) -> str:
        with self.opener.open(self.base + path, timeout=10) as response:
            return response.read().decode()

    def post(self, path: str, data: dict) -> tuple[int, str]:
        token = next(c.value for c in self.jar if c.name == "csrftoken")
        body = urllib.parse.urlencode(data | {"csrfmiddlewaretoken": token}, doseq=True).encode()
        request = urllib.request.Request(self.base + path, data=body, headers={"Referer": self.base})
        with self.opener.open(request, timeout=10) as response:
            return response.status, response.geturl()


def wait_until(predicate, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if value := predicate():
                return value
        except OSError:
            pass
        time.sleep(0.3)
    pytest.fail(f"timed out waiting for {what}")


def test_runstack_serves_and_processes_a_follow_up(tmp_path: Path):
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    # Beat's first tick would come ten minutes in: the sweep it runs at start must
    # show the scheduler alive long before that.
    # What `make run` sets: served as in production, over plain http on this machine.
    env |= {"DATA_DIR": str(tmp_path / "data"), "DEBUG": "false", "SECURE_COOKIES": "false",
            "SWEEP_INTERVAL_SECONDS": "600"}
    log = open(tmp_path / "runstack.log", "w+")
    stack = subprocess.Popen(
        [sys.executable, "manage.py", "runstack", "--addr", f"127.0.0.1:{port}"],
        cwd=settings.BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    try:
        output = lambda: Path(log.name).read_text()  # noqa: E731
        wait_until(lambda: "netcrm is running" in output(), 90, "the start-up banner")
        assert f"Demo login: {DEMO_USERNAME} / {DEMO_PASSWORD}" in output()
        assert (tmp_path / "data" / "redis.sock").exists()

        browser = Browser(f"http://127.0.0.1:{port}")
        wait_until(lambda: "Log in" in browser.get("/accounts/login/"), 30, "the web server")
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/login/") as response:
            assert response.headers["Server"].startswith("gunicorn")
            rid = response.headers["X-Request-ID"]
        wait_until(lambda: f"request_id={rid}" in output(), 10, "gunicorn's access log line")

        # collectstatic ran at start: the fingerprinted, compressed copy is served for ever.
        manifest = json.loads((tmp_path / "data" / "staticfiles" / "staticfiles.json").read_text())
        hashed = manifest["paths"]["css/app.css"]
        assert re.fullmatch(r"css/app\.[0-9a-f]{12}\.css", hashed)
        assert f'href="/static/{hashed}"' in browser.get("/accounts/login/")
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/static/{hashed}", headers={"Accept-Encoding": "gzip"}
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            assert response.headers["Content-Encoding"] == "gzip"
            assert "immutable" in response.headers["Cache-Control"]
            assert response.headers["Content-Type"].startswith("text/css")
        status, url = browser.post(
            "/accounts/login/", {"username": DEMO_USERNAME, "password": DEMO_PASSWORD}
        )
        assert url.endswith("/"), "login did not land on the dashboard"
        assert "Today's follow-ups" in browser.get("/")

        browser.get("/meetings/new/")
        status, url = browser.post("/meetings/new/", {
            "new_contact_name": "Quinn Stackwell", "starts_at": "2026-11-20T10:00",
            "kind": "coffee", "length_minutes": 15, "invited_by": "me", "paid_by": "me",
        })
        assert re.search(r"/meetings/\d+/$", url)
        # The worker (a separate process) drafts the thank-you; the meeting page shows it.
        wait_until(
            lambda: "Thank Quinn Stackwell for the coffee" in browser.get(urllib.parse.urlparse(url).path),
            30, "the worker's thank-you follow-up",
        )
        wait_until(
            lambda: "Reminders are paused" not in browser.get("/"), 60, "beat's sweep at start"
        )
        health = json.loads(browser.get("/healthz"))
        assert health["database"] == health["redis"] == health["worker"] == "ok", health
        assert health["long_worker"] == "ok" and health["beat"]["ok"] is True, health
        assert "long@" in output(), "the long jobs' worker did not start"
    finally:
        stack.send_signal(signal.SIGTERM)
        stack.wait(timeout=40)
        log.close()
    text = (tmp_path / "runstack.log").read_text()
    assert "netcrm stopped." in text
    assert not (tmp_path / "data" / "redis.sock").exists(), "embedded Redis left running"


@pytest.mark.parametrize(
    ("addr", "site"),
    [
        ("127.0.0.1:8000", "http://127.0.0.1:8000"),
        ("0.0.0.0:8123", "http://localhost:8123"),
        ("crm.local:9000", "http://crm.local:9000"),
        ("8001", "http://localhost:8001"),
    ],
)
def test_digest_links_follow_the_address_make_run_serves(addr, site):
    assert site_url_for(addr) == site
