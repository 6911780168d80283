"""A SECRET_KEY for installs that set none: random, made once, kept under DATA_DIR."""

import secrets
from pathlib import Path


def load_or_create_secret_key(path: Path) -> str:
    try:
        key = path.read_text().strip()
    except FileNotFoundError:
        key = ""
    if len(key) < 50:
        key = secrets.token_urlsafe(64)
        path.write_text(key)
        path.chmod(0o600)
    return key
