"""Backups: the whole database in one SQLite file, and that file restored into an empty one.

A backup is always a SQLite file at the schema revision of the database it was taken from,
so one file moves a consortium between a laptop and a server either way. From SQLite it is
taken with SQLite's online backup API (a consistent copy while the bot keeps writing); from
PostgreSQL, row by row inside one REPEATABLE READ, READ ONLY transaction (one snapshot; the
README also gives the `pg_dump` line for a server-native dump).

Restoring checks the file first (a SQLite file, a consortium-bot schema, not made by a newer
version), brings a scratch copy up to this version's schema, and copies every table into the
target in one transaction, so a failed restore leaves the target as empty as it was.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path

from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, Table, create_engine, func, insert, select, text

from storage.db import Database
from storage.migrate import alembic_config, current_revision, head_revision, upgrade
from storage.models import Base

# Rows copied per statement: bounded memory whatever the table's size.
BATCH_ROWS = 1000
_SQLITE_MAGIC = b"SQLite format 3\x00"


class BackupError(Exception):
    """A backup or restore that cannot be made; the message is one line for the operator,
    and nothing was changed."""


@dataclass(frozen=True)
class Copied:
    """What a backup or restore holds: the schema revision and the rows of each table."""

    revision: str
    rows: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.rows.values())

    def summary(self) -> str:
        tables = sum(1 for count in self.rows.values() if count)
        return f"schema {self.revision}, {self.total} rows in {tables} tables"


def backup(database: Database, file: Path) -> Copied:
    """Write the whole database to `file`, a new SQLite file (never over an existing one)."""
    if file.exists():
        raise BackupError(f"{file} already exists; name a new file, or move the old one away")
    if not file.parent.is_dir():
        raise BackupError(f"{file.parent} is not a folder")
    revision = current_revision(database.engine)
    if revision is None:
        raise BackupError(f"the database at {database.url} holds no consortium-bot schema")
    # Written beside the target and renamed into place: a crash leaves no half a backup.
    partial = file.with_name(f".{file.name}.partial")
    partial.unlink(missing_ok=True)
    # Every member's data is in it: readable by the operator alone, from its first byte.
    partial.touch(mode=0o600)
    try:
        if database.engine.dialect.name == "sqlite":
            _sqlite_online_backup(database.engine, partial)
        else:
            _snapshot_into_sqlite(database.engine, partial, revision)
        rows = _single_file(partial)
        os.replace(partial, file)
    finally:
        partial.unlink(missing_ok=True)
    return Copied(revision, rows)


def restore(database: Database, file: Path) -> Copied:
    """Copy the backup in `file` into `database`, which must hold no rows yet (a new or
    freshly upgraded database). The target ends at this version's schema."""
    revision = backup_revision(database.engine, file)
    with tempfile.TemporaryDirectory(prefix="consortium-restore-") as scratch:
        copy = Path(scratch) / "backup.sqlite3"
        shutil.copyfile(file, copy)
        source = create_engine(f"sqlite:///{copy}")
        try:
            upgrade(source)  # an older backup's rows take the shape this version stores
            upgrade(database.engine)
            with source.connect() as reading, database.engine.begin() as writing:
                _refuse_unless_empty(writing, database.url)
                rows = {t.name: _copy_table(t, reading, writing) for t in _tables()}
                if writing.dialect.name == "postgresql":
                    _advance_sequences(writing)
        finally:
            source.dispose()
    return Copied(revision, rows)


def backup_revision(engine: Engine, file: Path) -> str:
    """The schema revision a backup file was taken at; BackupError when it is not a
    consortium-bot backup, or was made by a newer version than this one."""
    if not file.is_file():
        raise BackupError(f"{file} does not exist")
    with file.open("rb") as opened:
        if opened.read(len(_SQLITE_MAGIC)) != _SQLITE_MAGIC:
            raise BackupError(f"{file} is not a backup made by `consortium-bot backup`")
    try:
        with _read_only(file) as connection:
            found = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.DatabaseError:
        found = None
    if found is None:
        raise BackupError(f"{file} is a SQLite file but holds no consortium-bot schema")
    revision = str(found[0])
    known = ScriptDirectory.from_config(alembic_config(engine))
    if revision not in {script.revision for script in known.walk_revisions()}:
        raise BackupError(
            f"{file} was made at schema {revision}, newer than this version knows "
            f"({head_revision(engine)}); restore it with the version that made it"
        )
    return revision


def table_rows(engine: Engine) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table, in primary-key order: what a round trip must keep."""
    with engine.connect() as connection:
        return {
            table.name: [
                tuple(row)
                for row in connection.execute(select(table).order_by(*table.primary_key.columns))
            ]
            for table in _tables()
        }


def _tables() -> list[Table]:
    # Parents before children, so each row's references exist when it is inserted.
    return list(Base.metadata.sorted_tables)


def _sqlite_online_backup(engine: Engine, target: Path) -> None:
    raw = engine.raw_connection()
    try:
        source = raw.driver_connection
        assert isinstance(source, sqlite3.Connection)
        with closing(sqlite3.connect(target)) as destination:
            source.backup(destination)
    finally:
        raw.close()


def _snapshot_into_sqlite(engine: Engine, target: Path, revision: str) -> None:
    destination = create_engine(f"sqlite:///{target}")
    try:
        upgrade(destination, revision)
        snapshot = engine.execution_options(
            isolation_level="REPEATABLE READ", postgresql_readonly=True
        )
        with snapshot.connect() as reading, destination.begin() as writing:
            for table in _tables():
                _copy_table(table, reading, writing)
            reading.rollback()
    finally:
        destination.dispose()


def _copy_table(table: Table, reading: Connection, writing: Connection) -> int:
    copied = 0
    result = reading.execution_options(yield_per=BATCH_ROWS).execute(
        select(table).order_by(*table.primary_key.columns)
    )
    for batch in result.mappings().partitions(BATCH_ROWS):
        writing.execute(insert(table), [dict(row) for row in batch])
        copied += len(batch)
    return copied


def _refuse_unless_empty(connection: Connection, url: str) -> None:
    held = {
        table.name: count
        for table in _tables()
        if (count := connection.scalar(select(func.count()).select_from(table)) or 0)
    }
    if held:
        listed = ", ".join(f"{count} in {name}" for name, count in sorted(held.items())[:4])
        raise BackupError(
            f"the database at {url} is not empty ({listed}); restore goes into an empty "
            "database only, so nothing in it is overwritten"
        )


def _advance_sequences(connection: Connection) -> None:
    """Rows came with their ids: each id sequence must continue after the largest, or the
    next new row would collide."""
    for table in _tables():
        key = list(table.primary_key.columns)
        if len(key) != 1 or key[0].type.python_type is not int:
            continue
        column = key[0].name
        sequence = connection.scalar(
            text("SELECT pg_get_serial_sequence(:table, :column)"),
            {"table": table.name, "column": column},
        )
        if sequence is None:
            continue
        largest = connection.scalar(select(func.max(key[0])))
        connection.execute(
            text("SELECT setval(:sequence, :next, false)"),
            {"sequence": sequence, "next": (largest or 0) + 1},
        )


def _single_file(file: Path) -> dict[str, int]:
    """Make the backup one self-contained file (no write-ahead log beside it), check it, and
    count its rows."""
    with closing(sqlite3.connect(file)) as connection:
        connection.execute("PRAGMA journal_mode=DELETE")
        verdict = connection.execute("PRAGMA integrity_check").fetchone()
        if verdict is None or verdict[0] != "ok":
            raise BackupError(f"the backup failed SQLite's integrity check: {verdict}")
        names = [
            str(name)
            for (name,) in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' "
                "AND name NOT LIKE 'sqlite_%' AND name != 'alembic_version' ORDER BY name"
            )
        ]
        counts = {}
        for name in names:
            (count,) = connection.execute(f'SELECT COUNT(*) FROM "{name}"').fetchone()
            counts[name] = int(count)
        return counts


@contextmanager
def _read_only(file: Path) -> Iterator[sqlite3.Connection]:
    with closing(sqlite3.connect(f"{file.resolve().as_uri()}?mode=ro", uri=True)) as connection:
        yield connection
