"""Engines and sessions: one engine per process, one session per request or job.

SQLite gets WAL, a busy timeout and `BEGIN IMMEDIATE` for writing transactions, so that
concurrent listener threads wait for the write lock instead of failing with
"database is locked" (pysqlite's deferred BEGIN makes read-then-write transactions
deadlock-prone). Read-only sessions keep a deferred BEGIN so readers never queue behind writers.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from storage.changes import NOTIFY, ChangeWatch, Unwatched, watch
from storage.repositories import UnitOfWork

# A write waits this long for another's lock, then gives up with DatabaseBusyError: writes
# take milliseconds, and below Slack's 3 s the person still gets "try again" in the ack.
LOCK_WAIT_SECONDS = 2
SQLITE_BUSY_TIMEOUT_MS = LOCK_WAIT_SECONDS * 1000
# How long to wait for a connection, or for one statement's answer (DATABASE_TIMEOUT).
DEFAULT_TIMEOUT_SECONDS = 10.0
_SQLITE_BEGIN_OPTION = "consortium_sqlite_begin"
# PostgreSQL's codes for a lock not got in time and a statement cancelled by its timeout.
_PG_TIMED_OUT = {"55P03", "57014"}


class DatabaseBusyError(Exception):
    """The database did not let this transaction through in time (a lock held elsewhere,
    a statement past its time); nothing of it was written."""


def timed_out(error: DBAPIError) -> bool:
    """Whether `error` is a lock not got, or a statement not answered, in time."""
    if getattr(error.orig, "sqlstate", None) in _PG_TIMED_OUT:
        return True
    return "database is locked" in str(error.orig) or "database table is locked" in str(error.orig)


def normalise_database_url(url: str) -> str:
    """Accept the URLs hosting platforms hand out (`postgres://`) and pick the psycopg 3 driver."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


def database_backend(url: str) -> tuple[str, str | None]:
    """The backend (`sqlite`, `postgresql`, …) and database a URL names; ValueError if it
    cannot be read as a database URL."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise ValueError(f"{url!r} is not a database URL") from None
    return parsed.get_backend_name(), parsed.database


def create_database_engine(url: str, timeout_seconds: float = DEFAULT_TIMEOUT_SECONDS) -> Engine:
    """Create the process's engine, with the SQLite settings concurrency needs and time
    bounds on connecting, waiting for locks and each statement."""
    url = normalise_database_url(url)
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        milliseconds = int(timeout_seconds * 1000)
        bounds = f"-c lock_timeout={LOCK_WAIT_SECONDS * 1000} -c statement_timeout={milliseconds}"
        return create_engine(
            url,
            pool_pre_ping=True,
            pool_timeout=timeout_seconds,
            connect_args={"connect_timeout": max(1, round(timeout_seconds)), "options": bounds},
        )
    if parsed.database in (None, "", ":memory:"):
        raise ValueError("an in-memory SQLite database is not shared between threads; use a file")
    engine = create_engine(
        url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000, "check_same_thread": False}
    )
    _configure_sqlite(engine)
    return engine


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Take transaction control away from pysqlite so we can emit our own BEGIN.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        mode = connection.get_execution_options().get(_SQLITE_BEGIN_OPTION, "IMMEDIATE")
        connection.exec_driver_sql(f"BEGIN {mode}")


@dataclass(frozen=True)
class Database:
    """The engine and the two kinds of session the edges open: writing and read-only."""

    engine: Engine
    _writer: sessionmaker[Session]
    _reader: sessionmaker[Session]
    # Whether anything was committed since a moment (what answers kept in memory check).
    changes: ChangeWatch = field(default_factory=Unwatched)

    @classmethod
    def connect(cls, url: str, timeout_seconds: float = DEFAULT_TIMEOUT_SECONDS) -> Database:
        engine = create_database_engine(url, timeout_seconds)
        reader_bind = engine.execution_options(**{_SQLITE_BEGIN_OPTION: "DEFERRED"})
        return cls(
            engine=engine,
            _writer=sessionmaker(engine, expire_on_commit=False),
            _reader=sessionmaker(reader_bind, expire_on_commit=False),
            changes=watch(normalise_database_url(url), timeout_seconds),
        )

    @property
    def url(self) -> str:
        return self.engine.url.render_as_string(hide_password=True)

    def write(self) -> AbstractContextManager[UnitOfWork]:
        """One transaction that commits on success and rolls back on any error;
        DatabaseBusyError when it could not get through in time. On PostgreSQL it notifies
        the other instances as it commits (`storage/changes.py`)."""
        notify = NOTIFY if self.engine.dialect.name == "postgresql" else None
        return _in_time(self._writer, notify, self.changes.committed)

    def read(self) -> AbstractContextManager[UnitOfWork]:
        """One transaction for lookups; it never holds SQLite's write lock."""
        return _in_time(self._reader)

    def may_write(self) -> bool:
        """Whether the database answers and takes writes (the health check); raises when it
        does not answer."""
        with self.write() as work:
            return work.may_write()

    def dispose(self) -> None:
        self.changes.close()
        self.engine.dispose()


@contextmanager
def _in_time(
    sessions: sessionmaker[Session],
    notify: str | None = None,
    committed: Callable[[], None] | None = None,
) -> Iterator[UnitOfWork]:
    try:
        with sessions.begin() as session:
            yield UnitOfWork(session)
            if notify is not None:
                session.execute(text(notify))
        if committed is not None:
            committed()
    except DBAPIError as error:
        if timed_out(error):
            raise DatabaseBusyError(str(error.orig or error).strip()) from error
        raise
