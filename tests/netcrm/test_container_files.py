"""Dockerfile and compose.yaml, checked statically (images cannot be pulled here):
the containers run the command lines `make run` starts and tests/netcrm/test_runstack.py
proves (netcrm/processes.py), and set only variables netcrm/settings.py reads."""

import json
import re
from pathlib import Path

from netcrm import processes
from tests.netcrm.test_env_example import variables_settings_read

ROOT = Path(__file__).resolve().parents[2]


def compose() -> dict:
    """The subset of YAML compose.yaml is written in: two-space indents, `key: value`,
    commands as one-line JSON lists, one anchored mapping shared as `*name`."""
    anchors: dict[str, dict] = {}
    top: dict[str, dict] = {}
    section = service = block = None
    for raw in (ROOT / "compose.yaml").read_text().splitlines():
        line = raw.split(" #")[0].rstrip() if not raw.lstrip().startswith("#") else ""
        if not line:
            continue
        indent = len(line) - len(line.lstrip())
        key, _, value = line.strip().partition(":")
        value = value.strip()
        if indent == 0:
            section, service, block = key, None, None
            top[section] = {}
            if value.startswith("&"):
                anchors[value[1:]] = top[section]
        elif indent == 2:
            service, block = key, None
            top[section][service] = {} if not value else value
        elif indent == 4 and section == "services":
            block = key
            if key == "command":
                value = json.loads(value)
            elif value.startswith("*"):
                value = anchors[value[1:]]
            top["services"][service][key] = value if value != "" else {}
        elif indent == 6 and section == "services" and block == "environment":
            top["services"][service]["environment"][key] = value
    return top


APP_SERVICES = ("web", "worker", "long-worker", "beat", "migrate")


def test_the_parser_reads_what_compose_yaml_says():
    services = compose()["services"]
    assert set(services) == {
        "postgres", "redis", "migrate", "web", "worker", "long-worker", "beat"
    }
    assert services["postgres"]["environment"]["POSTGRES_DB"] == "netcrm"
    assert services["web"]["environment"]["REDIS_URL"] == "redis://redis:6379/0"
    assert services["redis"]["healthcheck"] == {}  # a block, read no further


def test_compose_runs_the_processes_make_run_starts():
    services = compose()["services"]

    assert services["web"]["command"] == processes.web("0.0.0.0:8000")
    assert services["worker"]["command"] == processes.worker()
    assert services["long-worker"]["command"] == processes.long_worker("celery")
    # The queue the long worker consumes is the one long jobs are sent to, beside the
    # default queue ("celery": compose sets no CELERY_QUEUE).
    assert "CELERY_QUEUE" not in services["long-worker"]["environment"]
    assert services["beat"]["command"] == processes.beat("/data/celerybeat-schedule")
    assert services["migrate"]["command"] == ["python", "manage.py", "migrate", "--noinput"]


def test_the_web_container_is_healthy_only_when_healthz_says_so():
    text = (ROOT / "compose.yaml").read_text()
    web = text[text.index("\n  web:"):text.index("\n  worker:")]
    assert "http://127.0.0.1:8000/healthz" in web
    services = compose()["services"]
    for name in ("postgres", "redis", "web"):
        assert "healthcheck" in services[name], f"{name} has no healthcheck"


def test_compose_sets_only_variables_the_settings_read():
    services = compose()["services"]
    known = variables_settings_read()
    for name in APP_SERVICES:
        environment = services[name]["environment"]
        assert environment, f"{name} sets no environment"
        assert set(environment) <= known, f"{name}: {set(environment) - known}"
    for name in ("DATABASE_URL", "REDIS_URL", "SECRET_KEY"):
        assert name in services["web"]["environment"]


def test_the_dockerfile_builds_the_image_those_services_run():
    text = (ROOT / "Dockerfile").read_text()

    assert re.search(r"^FROM python:3\.13-slim$", text, re.MULTILINE)
    assert "pip install --require-hashes --no-deps -r requirements.lock" in text
    assert re.search(r"^RUN .*manage\.py collectstatic --noinput", text, re.MULTILINE)
    (user,) = re.findall(r"^USER (\S+)$", text, re.MULTILINE)
    assert user not in {"root", "0"}
    (cmd,) = re.findall(r"^CMD (\[.*\])$", text, re.MULTILINE)
    assert json.loads(cmd) == processes.web("0.0.0.0:8000")
    env_block = re.search(r"^ENV (.*?)\n\n", text, re.MULTILINE | re.DOTALL).group(1)
    variables = set(re.findall(r"([A-Z][A-Z0-9_]*)=", env_block))
    app_variables = {v for v in variables if not v.startswith(("PYTHON", "PIP_"))}
    assert app_variables == {"DATA_DIR", "STATIC_ROOT"}
    assert app_variables <= variables_settings_read()
