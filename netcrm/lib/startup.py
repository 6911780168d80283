"""What a server process loads before it serves, so that it can be frozen with the rest.

netcrm/wsgi.py freezes (`gc.freeze()`) what start-up loaded: the collector then stops
walking it on every full collection. The URLconf and the templates were loaded by the
first requests instead, after the freeze, and walked for the life of the process: a
full collection after a few pages took 50 ms here instead of 5-18 (bench/README.md).
"""

from __future__ import annotations

import logging
from pathlib import Path

logger = logging.getLogger(__name__)

TEMPLATE_SUFFIXES = (".html", ".txt")


def load_for_serving() -> int:
    """Import every URLconf and view, and compile every template of the Django engines
    (their cached loaders keep them). Returns how many templates were compiled; one
    that fails is logged and left to fail where it is used."""
    from django.template import engines
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 - imports the URLconf, and with it every view
    compiled = 0
    for engine in engines.all():
        for directory in map(Path, getattr(engine, "template_dirs", ())):
            if not directory.is_dir():
                continue
            for path in sorted(directory.rglob("*")):
                if not (path.is_file() and path.suffix in TEMPLATE_SUFFIXES):
                    continue
                name = path.relative_to(directory).as_posix()
                try:
                    engine.get_template(name)
                except Exception:  # noqa: BLE001 - never a worker that cannot start
                    logger.warning("template %s could not be compiled ahead", name, exc_info=True)
                else:
                    compiled += 1
    return compiled
