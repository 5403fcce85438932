"""The layering, kept true: bot/ speaks Slack, scheduling/ is the domain, storage/ holds all
SQL. Read from the code's own imports, so a violation fails here before anyone notices it."""

from __future__ import annotations

import ast
from collections.abc import Iterator

import pytest

from tests.support import ROOT

LAYERS = ("bot", "scheduling", "storage")


def _modules(layer: str) -> Iterator[tuple[str, ast.Module]]:
    for path in sorted((ROOT / layer).rglob("*.py")):
        relative = path.relative_to(ROOT).as_posix()
        yield relative, ast.parse(path.read_text(encoding="utf-8"), relative)


def _imports(tree: ast.Module) -> Iterator[str]:
    """Every module a file imports, at the top or inside a function."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module
            yield from (f"{node.module}.{alias.name}" for alias in node.names)


def _under(name: str, *packages: str) -> bool:
    return any(name == p or name.startswith(p + ".") for p in packages)


def _violations(layer: str, forbidden: tuple[str, ...], allowed: tuple[str, ...] = ()) -> list[str]:
    found = []
    for path, tree in _modules(layer):
        for name in _imports(tree):
            if _under(name, *forbidden) and not _under(name, *allowed):
                found.append(f"{path} imports {name}")
    return sorted(set(found))


@pytest.mark.parametrize("layer", ["scheduling", "storage"])
def test_the_domain_and_storage_never_import_slack(layer: str) -> None:
    assert _violations(layer, ("slack_sdk", "slack_bolt")) == []


def test_layers_never_point_upward() -> None:
    assert _violations("storage", ("scheduling", "bot")) == []
    assert _violations("scheduling", ("bot",)) == []


@pytest.mark.parametrize("layer", ["bot", "scheduling"])
def test_only_storage_builds_sql(layer: str) -> None:
    # bot/ may name SQLAlchemy's exceptions, to tell the operator the database is unreachable.
    assert _violations(layer, ("sqlalchemy", "alembic"), allowed=("sqlalchemy.exc",)) == []


@pytest.mark.parametrize("layer", ["bot", "scheduling"])
def test_nothing_outside_storage_reaches_for_a_session(layer: str) -> None:
    # The unit of work carries a `session` for tests; code goes through its repositories.
    found = [
        f"{path}:{node.lineno}"
        for path, tree in _modules(layer)
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute) and node.attr == "session"
    ]
    assert found == []


def test_only_the_cli_reaches_into_the_local_workspace() -> None:
    found = [
        f"{path} imports {name}"
        for path, tree in _modules("bot")
        if not path.startswith("bot/local/") and path != "bot/cli.py"
        for name in _imports(tree)
        if _under(name, "bot.local")
    ]
    assert found == []


def test_no_module_is_over_400_lines_and_no_folder_lists_more_than_ten() -> None:
    sources = [
        path
        for top in (*LAYERS, "tests", "bench")
        for path in (ROOT / top).rglob("*.py")
        if "migrations" not in path.parts
    ]
    long = [
        f"{p.relative_to(ROOT)}: {n}"
        for p in sources
        if (n := len(p.read_text().splitlines())) > 400
    ]
    assert long == []
    folders = {p.parent for p in sources}
    crowded = {
        f"{folder.relative_to(ROOT)}: {n}"
        for folder in folders
        if (n := len([p for p in folder.glob("*.py") if p.name != "__init__.py"])) > 10
    }
    assert crowded == set()
