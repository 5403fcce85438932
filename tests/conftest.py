"""Shared fixtures: databases (SQLite always, PostgreSQL when TEST_DATABASE_URL is set)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from scheduling.clock import FixedClock
from storage.db import Database
from storage.migrate import upgrade

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE_FILE = ROOT / "examples" / "capacities.yaml"
SHARED_EXAMPLE_FILE = ROOT.parent / "shared" / "examples" / "capacities.yaml"


def _postgres_url() -> str | None:
    return os.environ.get("TEST_DATABASE_URL") or None


def _reset_postgres(database: Database) -> None:
    with database.engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))


def _backends() -> list[str]:
    return ["sqlite", "postgresql"]


@pytest.fixture(params=_backends())
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database URL on each backend (migrations not yet applied)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'test.db'}"
        return
    url = _postgres_url()
    if url is None:
        if os.environ.get("CI"):
            pytest.fail("CI is set but TEST_DATABASE_URL is not: PostgreSQL tests cannot run")
        pytest.skip("TEST_DATABASE_URL is not set")
    database = Database.connect(url)
    try:
        _reset_postgres(database)
    except OperationalError as error:
        database.dispose()
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL at TEST_DATABASE_URL is unreachable: {error}")
        pytest.skip(f"PostgreSQL unreachable: {error}")
    database.dispose()
    yield url


@pytest.fixture
def database(database_url: str) -> Iterator[Database]:
    database = Database.connect(database_url)
    upgrade(database.engine)
    yield database
    database.dispose()


@pytest.fixture
def sqlite_database(tmp_path: Path) -> Iterator[Database]:
    database = Database.connect(f"sqlite:///{tmp_path / 'test.db'}")
    upgrade(database.engine)
    yield database
    database.dispose()


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(datetime(2024, 1, 2, 9, 0, tzinfo=UTC))
