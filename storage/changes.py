"""Whether anything was committed to the database since a moment: what lets an answer kept in
memory be given again only while it is still the answer.

`version()` is a value that moves on whenever any connection, in this process or another,
commits a change; None when that cannot be told, and then nothing may be kept.

- SQLite: `PRAGMA data_version` on a connection of our own that never writes. SQLite moves it
  on at every commit by any other connection (the pool's, another process's), and reads it
  from the shared WAL index, so asking costs microseconds and no disk. It moves on in the
  same step that makes the commit visible, so an answer read after a version was taken is at
  least as new as that version.
- PostgreSQL: `LISTEN` on a connection of our own (started at the first question), and
  every writing transaction (`Database.write`) sends `NOTIFY` as it commits; PostgreSQL
  delivers it to every instance after the commit. This process's own commits move the
  version on at once; another instance's, when the notification arrives (a millisecond or
  so later). While the listening connection is down, the version is None.
"""

from __future__ import annotations

import itertools
import logging
import sqlite3
import threading
from typing import Protocol

import psycopg
from sqlalchemy.engine import make_url

logger = logging.getLogger("consortium_bot.storage")

# The channel every writing transaction notifies on PostgreSQL.
CHANNEL = "consortium_changes"
NOTIFY = f"NOTIFY {CHANNEL}"


class ChangeWatch(Protocol):
    def version(self) -> int | None: ...

    def committed(self) -> None:
        """This process committed a change (moves the version on where it is not seen)."""

    def close(self) -> None: ...


class Unwatched:
    """A database whose changes are not watched: nothing read from it may be kept."""

    def version(self) -> int | None:
        return None

    def committed(self) -> None:
        return None

    def close(self) -> None:
        return None


class SqliteChanges:
    """`PRAGMA data_version` of one SQLite file, on a read-only connection of its own."""

    def __init__(self, path: str) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._connection: sqlite3.Connection | None = None

    def version(self) -> int | None:
        with self._lock:
            try:
                if self._connection is None:
                    uri = f"file:{self.path}?mode=ro"
                    self._connection = sqlite3.connect(uri, uri=True, check_same_thread=False)
                row = self._connection.execute("PRAGMA data_version").fetchone()
            except sqlite3.Error:
                # Not there yet, or locked in a way a read cannot wait out: do not keep.
                self._drop()
                return None
            return int(row[0])

    def committed(self) -> None:
        return None  # the pool's connections are others to ours: data_version saw it

    def close(self) -> None:
        with self._lock:
            self._drop()

    def _drop(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None


class PostgresChanges:
    """A count of the notifications on `CHANNEL` and of this process's commits, heard on a
    connection of its own in a daemon thread; None while that connection is not listening."""

    RECONNECT_SECONDS = 1.0

    def __init__(self, url: str, connect_timeout: float = 10.0) -> None:
        plain = make_url(url).set(drivername="postgresql")
        self.conninfo = plain.render_as_string(hide_password=False)
        self.connect_timeout = max(1, round(connect_timeout))
        self._count = itertools.count()
        self._version = next(self._count)
        self._listening = False
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def version(self) -> int | None:
        with self._lock:
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._listen, name="database-changes", daemon=True
                )
                self._thread.start()
            return self._version if self._listening else None

    def committed(self) -> None:
        self._move_on()

    def close(self) -> None:
        self._stop.set()
        with self._lock:
            thread, self._thread = self._thread, None
        if thread is not None:
            thread.join(timeout=5)

    def _move_on(self, listening: bool | None = None) -> None:
        with self._lock:
            self._version = next(self._count)
            if listening is not None:
                self._listening = listening

    def _listen(self) -> None:
        while not self._stop.is_set():
            try:
                with psycopg.connect(
                    self.conninfo, autocommit=True, connect_timeout=self.connect_timeout
                ) as connection:
                    connection.execute(f"LISTEN {CHANNEL}")
                    # Anything committed before this moment is seen by any read after it.
                    self._move_on(listening=True)
                    while not self._stop.is_set():
                        for _ in connection.notifies(timeout=0.5):
                            self._move_on()
            except psycopg.Error as error:
                logger.warning("not listening for database changes: %s", error)
            finally:
                self._move_on(listening=False)
            self._stop.wait(self.RECONNECT_SECONDS)


def watch(url: str, timeout_seconds: float = 10.0) -> ChangeWatch:
    """The watch for the database a (normalised) SQLAlchemy URL names."""
    parsed = make_url(url)
    backend = parsed.get_backend_name()
    if backend == "sqlite" and parsed.database:
        return SqliteChanges(parsed.database)
    if backend == "postgresql":
        return PostgresChanges(url, timeout_seconds)
    return Unwatched()
