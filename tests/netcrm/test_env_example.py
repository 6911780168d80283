""".env.example lists exactly the environment variables netcrm/settings.py reads."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def variables_settings_read() -> set[str]:
    source = (ROOT / "netcrm" / "settings.py").read_text()
    # env("X"), env.str("X"), env.bool(\n    "X", ...), env.db("X")...
    return set(re.findall(r'\benv(?:\.\w+)?\(\s*"([A-Z][A-Z0-9_]*)"', source))


def variables_listed() -> list[str]:
    """`NAME=value` lines, or `# NAME=value` for a default left as it is."""
    text = (ROOT / ".env.example").read_text()
    return re.findall(r"^(?:# )?([A-Z][A-Z0-9_]*)=", text, flags=re.MULTILINE)


def test_the_parser_finds_settings_spread_over_lines():
    found = variables_settings_read()
    assert {"DATABASE_URL", "EMAIL_BACKEND", "EMAIL_HOST_PASSWORD", "SENTRY_DSN"} <= found
    assert len(found) > 30


def test_env_example_lists_every_setting_once_and_nothing_else():
    listed = variables_listed()

    assert len(listed) == len(set(listed)), "a variable is listed twice"
    assert set(listed) == variables_settings_read()

