"""A production deployment configured through environment variables alone passes
`manage.py check --deploy`; leaving out any one hardening variable fails it."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "crm.example.com",
    "SECURE_SSL_REDIRECT": "true",
    "SECURE_HSTS_SECONDS": "31536000",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": "true",
    "SECURE_HSTS_PRELOAD": "true",
    "EMAIL_URL": "smtp+tls://netcrm:s3cret@smtp.example.com:587",
}


def run(args: list[str], env: dict[str, str], data_dir: Path) -> subprocess.CompletedProcess:
    # Only what a fresh process on a server would have: no setting leaks in from the test run.
    base = {k: os.environ[k] for k in ("PATH", "HOME", "LANG", "DATABASE_URL") if k in os.environ}
    return subprocess.run(
        [sys.executable, *args],
        check=False,
        cwd=ROOT,
        env=base | {"DATA_DIR": str(data_dir)} | env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def check_deploy(env: dict[str, str], data_dir: Path) -> subprocess.CompletedProcess:
    return run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], env, data_dir)


def test_the_deploy_check_passes_with_settings_from_the_environment_only(tmp_path):
    result = check_deploy(PRODUCTION, tmp_path)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.parametrize(
    ("left_out", "issue"),
    [
        ("SECURE_SSL_REDIRECT", "security.W008"),
        ("SECURE_HSTS_SECONDS", "security.W004"),
        ("SECURE_HSTS_INCLUDE_SUBDOMAINS", "security.W005"),
        ("SECURE_HSTS_PRELOAD", "security.W021"),
        ("EMAIL_URL", "mail.E001"),
    ],
)
def test_leaving_out_one_variable_fails_the_check(tmp_path, left_out, issue):
    env = {k: v for k, v in PRODUCTION.items() if k != left_out}

    result = check_deploy(env, tmp_path)

    assert result.returncode == 1
    assert issue in result.stderr


SHOW = """
import django, json
django.setup()
from django.conf import settings as s
print(json.dumps({
    "mailer": s.MAILERS["default"],
    "hsts": [s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SECURE_HSTS_PRELOAD],
    "cookies": [s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE],
}))
"""


def settings_under(env: dict[str, str], data_dir: Path) -> dict:
    result = run(["-c", SHOW], env | {"DJANGO_SETTINGS_MODULE": "netcrm.settings"}, data_dir)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_email_url_configures_smtp(tmp_path):
    shown = settings_under(PRODUCTION, tmp_path)

    assert shown["mailer"] == {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {
            "host": "smtp.example.com", "port": 587, "username": "netcrm", "password": "s3cret",
            "use_tls": True, "use_ssl": False, "timeout": 30,
        },
    }
    assert shown["hsts"] == [31536000, True, True]
    assert shown["cookies"] == [True, True]


def test_email_host_alone_means_smtp_and_the_console_stays_the_default(tmp_path):
    shown = settings_under({"EMAIL_HOST": "mail.internal", "EMAIL_PORT": "2525"}, tmp_path)
    assert shown["mailer"]["BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert (shown["mailer"]["OPTIONS"]["host"], shown["mailer"]["OPTIONS"]["port"]) == (
        "mail.internal", 2525,
    )

    shown = settings_under({}, tmp_path)
    assert shown["mailer"] == {"BACKEND": "django.core.mail.backends.console.EmailBackend"}
    assert shown["hsts"] == [0, False, False]
