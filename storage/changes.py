"""Whether anything was committed to the database since a moment: what lets an answer kept in
memory be given again only while it is still the answer.

`version()` is a value that moves on whenever any connection, in this process or another,
commits a change; None when that cannot be told, and then nothing may be kept.

- SQLite: `PRAGMA data_version` on a connection of our own that never writes. SQLite moves it
  on at every commit by any other connection (the pool's, another process's), and reads it
  from the shared WAL index, so asking costs microseconds and no disk. It moves on in the
  same step that makes the commit visible, so an answer read after a version was taken is at
  least as new as that version.
- PostgreSQL: not watched (None): an answer is always worked out afresh there.
"""

from __future__ import annotations

import sqlite3
import threading
from typing import Protocol


class ChangeWatch(Protocol):
    def version(self) -> int | None: ...

    def close(self) -> None: ...


class Unwatched:
    """A database whose changes are not watched: nothing read from it may be kept."""

    def version(self) -> int | None:
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

    def close(self) -> None:
        with self._lock:
            self._drop()

    def _drop(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None


def watch(backend: str, database: str | None) -> ChangeWatch:
    """The watch for a database named as `database_backend` names it."""
    if backend == "sqlite" and database:
        return SqliteChanges(database)
    return Unwatched()
