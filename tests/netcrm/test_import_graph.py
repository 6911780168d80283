"""Apps depend one way: no import cycle between the project's apps.

Every module outside migrations and tests is read (imports inside functions
count: a function-level import that dodges a circle is still a circle). The
nodes are the apps, plus `netcrm.lib`, the helpers every app may use; the
project package `netcrm` (settings, urls, management commands) sits on top, with
`home` and `search` (the pages that read every domain app) just below it.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)


def local_packages() -> set[str]:
    return {p.parent.name for p in ROOT.glob("*/__init__.py") if p.parent.name != "tests"}


def node_of(module: str, packages: set[str]) -> str | None:
    """The graph node a dotted module belongs to, or None if it is not the project's."""
    parts = module.split(".")
    if parts[0] not in packages:
        return None
    if parts[:2] == ["netcrm", "lib"]:
        return "netcrm.lib"
    return parts[0]


def project_modules() -> list[Path]:
    return [
        path for path in ROOT.glob("*/**/*.py")
        if path.relative_to(ROOT).parts[0] not in {"tests", "bench", "docs", ".venv", "static"}
        and "migrations" not in path.parts
    ]


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported(tree: ast.AST, module: str) -> set[str]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: resolve against this module's package
                base = module.split(".")[: -node.level]
                found.add(".".join(base + ([node.module] if node.module else [])))
            elif node.module:
                found.add(node.module)
                found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def app_graph() -> dict[str, dict[str, set[str]]]:
    """node -> {node it imports: the modules that do}."""
    packages = local_packages()
    graph: dict[str, dict[str, set[str]]] = {}
    for path in project_modules():
        module = module_name(path)
        source = node_of(module, packages)
        edges = graph.setdefault(source, {})
        for name in imported(ast.parse(path.read_text(), str(path)), module):
            target = node_of(name, packages)
            if target and target != source:
                edges.setdefault(target, set()).add(module)
    return graph


def find_cycle(graph: dict[str, dict[str, set[str]]]) -> list[str] | None:
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for target in sorted(graph.get(node, {})):
            if state.get(target) == 1:
                return path[path.index(target):] + [target]
            if target not in state and (cycle := visit(target)):
                return cycle
        path.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (cycle := visit(node)):
            return cycle
    return None


def test_no_import_cycle_between_apps() -> None:
    graph = app_graph()
    cycle = find_cycle(graph)
    if cycle:
        steps = [
            f"{a} -> {b} (in {', '.join(sorted(graph[a][b]))})" for a, b in zip(cycle, cycle[1:])
        ]
        pytest.fail("import cycle between apps:\n" + "\n".join(steps))


def test_the_engine_knows_no_domain_app() -> None:
    imports = set(app_graph()["followups"])
    assert imports <= {"accounts", "netcrm.lib", "trash"}, imports


def test_search_and_home_sit_on_top() -> None:
    """The search page reads every domain app (like home, beside it at the top); no
    app but the project package may import either."""
    graph = app_graph()
    for top in ("search", "home"):
        importers = sorted(node for node, edges in graph.items() if top in edges)
        assert set(importers) <= {"netcrm"}, (top, importers)
    assert {"contacts", "meetings", "jobs"} <= set(graph["search"])


def test_the_checker_finds_a_cycle() -> None:
    """The checker itself: a made-up graph with a circle is caught, one without is not."""
    assert find_cycle({"a": {"b": {"a.x"}}, "b": {"c": {"b.y"}}, "c": {"a": {"c.z"}}}) == [
        "a", "b", "c", "a",
    ]
    assert find_cycle({"a": {"b": {"a.x"}}, "b": {}, "c": {"a": {"c.z"}}}) is None
    tree = ast.parse("def f():\n    from contacts.models import Contact\n")
    assert "contacts.models" in imported(tree, "followups.models")


def test_nobody_imports_the_api() -> None:
    """The API sits on top, beside home and the project: it calls the domain apps' use
    cases; only the project (its urls) imports it."""
    graph = app_graph()
    importers = {node for node, edges in graph.items() if "api" in edges}
    assert importers <= {"netcrm"}, importers
    assert {"contacts", "meetings", "followups", "jobs", "referrals"} <= set(graph["api"])
