"""Shared fixtures: databases on SQLite (always) and PostgreSQL (when TEST_DATABASE_URL is set),
clocks, and local workspaces.

Migrating (and importing the example consortium) is done once per session into template
databases; each test gets a copy: a file copy on SQLite, `CREATE DATABASE … TEMPLATE` on
PostgreSQL. A workspace's import depends on the instant it runs at (`next_reminder_at`,
`created_at`), so there is one imported template per consortium file and instant.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from bot.local.workspace import LocalWorkspace
from scheduling.clock import FixedClock
from scheduling.consortium.file import ConsortiumSpec, load_consortium_file
from scheduling.consortium.importer import ImportReport, import_consortium
from storage.db import Database, normalise_database_url
from storage.migrate import upgrade
from tests.calendars.clients import IcalJs
from tests.support import EXAMPLE_FILE, OpenWorkspace


def _postgres_url() -> str | None:
    url = os.environ.get("TEST_DATABASE_URL") or None
    return normalise_database_url(url) if url else None


def _unavailable(reason: str) -> None:
    """PostgreSQL tests fail, not skip, when CI is set: CI has a server."""
    if os.environ.get("CI"):
        pytest.fail(f"CI is set but PostgreSQL cannot be used: {reason}")
    pytest.skip(reason)


class PostgresDatabases:
    """This session's test database and its template, made with CREATE DATABASE beside the
    one TEST_DATABASE_URL names (their names carry the process id, so two sessions on one
    server never drop each other's) and dropped when the session ends."""

    def __init__(self, url: str) -> None:
        self.url = make_url(url)
        base = self.url.database or "test"
        self.name = f"{base}_{os.getpid()}"
        self.template = f"{self.name}_template"
        self._server = create_engine(
            self.url.set(database="postgres"), isolation_level="AUTOCOMMIT", pool_pre_ping=True
        )
        self._migrated = False

    def _recreate(self, name: str, template: str | None = None) -> None:
        like = f' TEMPLATE "{template}"' if template else ""
        with self._server.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            connection.execute(text(f'CREATE DATABASE "{name}"{like}'))

    def _url(self, name: str) -> str:
        return self.url.set(database=name).render_as_string(hide_password=False)

    def empty(self) -> str:
        """The test database, empty: no tables, no migrations."""
        self._recreate(self.name)
        return self._url(self.name)

    def migrated(self) -> str:
        """The test database, a copy of the migrated template."""
        if not self._migrated:
            self._recreate(self.template)
            template = Database.connect(self._url(self.template))
            upgrade(template.engine)
            template.dispose()  # CREATE … TEMPLATE needs nobody connected to the template
            self._migrated = True
        self._recreate(self.name, self.template)
        return self._url(self.name)

    def dispose(self) -> None:
        with contextlib.suppress(DBAPIError), self._server.connect() as connection:
            for name in (self.name, self.template):
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        self._server.dispose()


class SqliteTemplates:
    """SQLite files migrated (and imported) once, copied into each test's folder."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._files: dict[tuple[str, datetime | None], Path] = {}
        self._specs: dict[Path, ConsortiumSpec] = {}

    def spec(self, consortium_file: Path) -> ConsortiumSpec:
        if consortium_file not in self._specs:
            self._specs[consortium_file] = load_consortium_file(consortium_file)
        return self._specs[consortium_file]

    def _template(self, consortium_file: Path | None, at: datetime | None) -> Path:
        key = (str(consortium_file), at)
        if key not in self._files:
            path = self.folder / f"template-{len(self._files)}.db"
            database = Database.connect(f"sqlite:///{path}")
            upgrade(database.engine)
            if consortium_file is not None and at is not None:
                import_consortium(database, self.spec(consortium_file), FixedClock(at))
            # Closing the last connection checkpoints the WAL into the file itself.
            database.dispose()
            assert not path.with_name(path.name + "-wal").exists(), "the template kept a WAL"
            self._files[key] = path
        return self._files[key]

    def copy(
        self, destination: Path, consortium_file: Path | None = None, at: datetime | None = None
    ) -> str:
        """A database URL at `destination`: migrated, and with `consortium_file` imported as of
        `at` when given."""
        shutil.copyfile(self._template(consortium_file, at), destination)
        return f"sqlite:///{destination}"


@pytest.fixture(scope="session")
def sqlite_templates(tmp_path_factory: pytest.TempPathFactory) -> SqliteTemplates:
    return SqliteTemplates(tmp_path_factory.mktemp("templates"))


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresDatabases | None]:
    url = _postgres_url()
    if url is None:
        yield None
        return
    databases = PostgresDatabases(url)
    yield databases
    databases.dispose()


def _postgres_or_skip(postgres: PostgresDatabases | None) -> PostgresDatabases:
    if postgres is None:
        _unavailable("TEST_DATABASE_URL is not set")
        raise AssertionError("unreachable")
    return postgres


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(
    request: pytest.FixtureRequest, tmp_path: Path, postgres: PostgresDatabases | None
) -> str:
    """A fresh, empty database URL on each backend (migrations not yet applied)."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'test.db'}"
    databases = _postgres_or_skip(postgres)
    try:
        return databases.empty()
    except DBAPIError as error:
        # Unreachable, or no right to create databases (CREATEDB) or no `postgres` database.
        _unavailable(f"PostgreSQL at TEST_DATABASE_URL cannot be used: {error.orig or error}")
        raise


@pytest.fixture
def database(
    database_url: str,
    tmp_path: Path,
    sqlite_templates: SqliteTemplates,
    postgres: PostgresDatabases | None,
) -> Iterator[Database]:
    """A migrated database on each backend, copied from the session's template."""
    if database_url.startswith("sqlite"):
        url = sqlite_templates.copy(tmp_path / "test.db")
    else:
        try:
            url = _postgres_or_skip(postgres).migrated()
        except DBAPIError as error:
            _unavailable(f"PostgreSQL at TEST_DATABASE_URL cannot be used: {error.orig or error}")
            raise
    database = Database.connect(url)
    yield database
    database.dispose()


@pytest.fixture
def sqlite_database(tmp_path: Path, sqlite_templates: SqliteTemplates) -> Iterator[Database]:
    database = Database.connect(sqlite_templates.copy(tmp_path / "test.db"))
    yield database
    database.dispose()


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(datetime(2024, 1, 2, 9, 0, tzinfo=UTC))


@pytest.fixture
def consortium_database(
    tmp_path: Path, sqlite_templates: SqliteTemplates, clock: FixedClock
) -> Iterator[Database]:
    """A SQLite database with the example consortium imported as of the `clock` fixture."""
    url = sqlite_templates.copy(tmp_path / "consortium.db", EXAMPLE_FILE, clock.now())
    database = Database.connect(url)
    yield database
    database.dispose()


@pytest.fixture
def workspace(open_workspace: OpenWorkspace, clock: FixedClock) -> Iterator[LocalWorkspace]:
    """The example consortium's local workspace as of the `clock` fixture (which a module
    overrides to set its own date)."""
    with open_workspace(clock) as workspace:
        yield workspace


@pytest.fixture
def open_workspace(tmp_path: Path, sqlite_templates: SqliteTemplates) -> OpenWorkspace:
    """`open_workspace(clock, consortium_file=EXAMPLE_FILE)`: a local workspace on a copy of
    a database with that file imported as of the clock's instant."""

    @contextmanager
    def open_one(
        clock: FixedClock, consortium_file: Path = EXAMPLE_FILE, name: str = "workspace"
    ) -> Iterator[LocalWorkspace]:
        url = sqlite_templates.copy(tmp_path / f"{name}.db", consortium_file, clock.now())
        spec = sqlite_templates.spec(consortium_file)
        with LocalWorkspace.on(Database.connect(url), spec, clock, ImportReport()) as workspace:
            yield workspace

    return open_one


@pytest.fixture(scope="session")
def icaljs() -> Callable[[bytes, datetime, datetime], list[str]]:
    """`icaljs(ics, first, last)`: the starts Mozilla's ical.js (Thunderbird's parser) reads
    in an .ics between two UTC instants, in order: `2026-07-02T08:00:00.000Z`, or a date for
    an all-day one (see calendar_clients/conformance.mjs). Needs Node and `npm ci` in
    tests/calendar_clients, as .ci/run does."""
    if not IcalJs.available():
        _unavailable("ical.js is not installed: run `npm ci --prefix tests/calendar_clients`")

    def expand(ics: bytes, first: datetime, last: datetime) -> list[str]:
        found: list[str] = IcalJs.read({"ics": ics}, first, last)["ics"]["occurrences"]
        return found

    return expand
