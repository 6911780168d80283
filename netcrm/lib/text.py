"""Text from outside: the characters no column or page should hold."""

from __future__ import annotations

import re

# C0 controls but tab, newline and carriage return; DEL. PostgreSQL refuses NUL in
# text; the rest are invisible and break what they are pasted into.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean_text(value: str, max_length: int) -> str:
    """Text to search for or show: control characters dropped, at most max_length long."""
    return CONTROL_CHARACTERS.sub("", value)[:max_length]
