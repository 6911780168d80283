"""Every log line names its request (or Celery task); errors go to Sentry only
when SENTRY_DSN is set."""

import logging
import re

import pytest
from celery import shared_task
from django.conf import settings

from netcrm.lib import sentry
from netcrm.lib.requestid import OneLineFormatter, RequestIdFilter
from tests.conftest import run_task


@pytest.fixture
def log_lines():
    """What the settings' console handler would print, captured."""
    records: list[str] = []
    fmt = settings.LOGGING["formatters"]["plain"]["format"]

    class Capture(logging.Handler):
        def emit(self, record):
            records.append(self.format(record))

    handler = Capture()
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(OneLineFormatter(fmt))
    root = logging.getLogger()
    root.addHandler(handler)
    yield records
    root.removeHandler(handler)


def test_a_request_gets_an_id_on_its_response_and_its_log_lines(client, db, log_lines):
    response = client.get("/no-such-page/")

    rid = response["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", rid)
    assert any(f"[{rid}] Not Found: /no-such-page/" in line for line in log_lines), log_lines
    assert client.get("/no-such-page/")["X-Request-ID"] != rid


def test_a_proxy_s_request_id_is_kept_and_a_forged_one_replaced(client, db, log_lines):
    assert client.get("/accounts/login/", HTTP_X_REQUEST_ID="lb-1234")["X-Request-ID"] == "lb-1234"

    forged = client.get("/accounts/login/", HTTP_X_REQUEST_ID="x\nERROR fake line")
    assert re.fullmatch(r"[0-9a-f]{32}", forged["X-Request-ID"])


def test_outside_a_request_the_id_is_a_dash_and_a_traceback_stays_on_one_line(log_lines):
    try:
        raise ValueError("boom")
    except ValueError:
        logging.getLogger("netcrm.test").exception("it broke")

    (line,) = [line for line in log_lines if "it broke" in line]
    assert "[-] it broke" in line
    assert "\n" not in line and "ValueError: boom" in line


@shared_task
def log_something() -> str:
    logging.getLogger("netcrm.test").warning("inside the task")
    return "done"


def test_a_task_s_log_lines_carry_the_task_id(celery_worker, log_lines):
    assert run_task(log_something) == "done"

    (line,) = [line for line in log_lines if "inside the task" in line]
    assert re.search(r"\[task:[0-9a-f-]{36}\] inside the task", line), line


def test_sentry_starts_only_with_a_dsn(monkeypatch):
    import sentry_sdk

    calls = []
    monkeypatch.setattr(sentry_sdk, "init", lambda **kwargs: calls.append(kwargs))

    assert sentry.init_sentry("") is False
    assert calls == []

    assert sentry.init_sentry("https://key@o1.ingest.sentry.io/1") is True
    (kwargs,) = calls
    assert kwargs["dsn"] == "https://key@o1.ingest.sentry.io/1"
    assert kwargs["send_default_pii"] is False
    assert {type(i).__name__ for i in kwargs["integrations"]} == {
        "DjangoIntegration", "CeleryIntegration",
    }


def test_settings_read_sentry_dsn_from_the_environment():
    assert not settings.SENTRY_ENABLED  # the suite runs without SENTRY_DSN
    source = (settings.BASE_DIR / "netcrm" / "settings.py").read_text()
    assert 'init_sentry(env.str("SENTRY_DSN", default=""))' in source
