"""`consortium-bot backup FILE` and `restore FILE`: a round trip keeps every row of every
table, between SQLite and PostgreSQL either way; a backup taken while the bot writes is
whole; restore refuses anything but a backup, and anything but an empty database."""

from __future__ import annotations

import sqlite3
import threading
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from scheduling.clock import FixedClock
from scheduling.consortium.directory import DirectoryService
from scheduling.consortium.file import load_consortium_file
from scheduling.consortium.importer import import_consortium
from scheduling.meetings.rsvp import RsvpService
from scheduling.meetings.service import MeetingService
from scheduling.updates.rounds import RoundService
from scheduling.updates.service import UpdateDraft, UpdateService
from scheduling.vocabulary import RsvpAnswer
from storage.backup import BackupError, backup, restore, table_rows
from storage.db import Database
from storage.migrate import current_revision, downgrade
from storage.models import Base, JobRun, Member
from tests.support import EXAMPLE_FILE, run_cli

NOW = datetime(2024, 1, 8, 9, 0, tzinfo=UTC)


def _history(database: Database, clock: FixedClock) -> None:
    """A consortium with a little of everything: an update and its edit (a revision with
    JSON), an RSVP, a round, and the deliveries the jobs queue and send."""
    import_consortium(database, load_consortium_file(EXAMPLE_FILE), clock)
    directory = DirectoryService(database)
    coordinator, portugal = directory.profile("U0COORD1"), directory.profile("U0PT")
    assert coordinator and portugal
    opened = RoundService(database, clock).open(
        coordinator, "Winter check-in", date(2024, 1, 24), ["PT", "FI"]
    )
    updates = UpdateService(database, clock)
    draft = UpdateDraft("PT", opened.round.id, {"achievements": "Türkiye & <tags>\nline 2"})
    update = updates.submit(portugal, draft).update
    updates.edit(coordinator, update.id, {"needs": "Templates"}, update.version)
    meetings = MeetingService(database, clock)
    series = meetings.all()[0]
    coming = meetings.next_of(series)
    assert coming is not None
    RsvpService(database, clock, directory).record(
        series.id, coming.original_local, portugal, RsvpAnswer.GOING
    )


def _count(database: Database, model: type[Base]) -> int:
    with database.read() as work:
        return work.session.scalar(select(func.count()).select_from(model)) or 0


def test_a_round_trip_keeps_every_row_of_every_table(
    database: Database, tmp_path: Path, sqlite_templates: object
) -> None:
    _history(database, FixedClock(NOW))
    file = tmp_path / "consortium.backup"
    taken = backup(database, file)
    assert taken.rows["members"] == 10 and taken.rows["update_revisions"] == 1
    assert sqlite3.connect(file).execute("PRAGMA journal_mode").fetchone() == ("delete",)
    assert file.stat().st_mode & 0o777 == 0o600  # every member's data: the operator's alone
    # Restored into a new SQLite file, whichever database it came from.
    target = Database.connect(f"sqlite:///{tmp_path / 'restored.db'}")
    restored = restore(target, file)
    assert restored.rows == taken.rows
    assert table_rows(target.engine) == table_rows(database.engine)
    # New rows after a restore take new ids (on PostgreSQL, the sequences moved on).
    _history_continues(target)
    target.dispose()


def _history_continues(database: Database) -> None:
    clock = FixedClock(NOW + timedelta(days=1))
    directory = DirectoryService(database)
    portugal = directory.profile("U0PT")
    assert portugal is not None
    before = _count(database, Member)
    UpdateService(database, clock).submit(portugal, UpdateDraft("PT", None, {"note": "after"}))
    assert _count(database, Member) == before


def test_a_sqlite_backup_restores_into_postgresql_and_back(
    sqlite_database: Database, database: Database, tmp_path: Path
) -> None:
    if database.engine.dialect.name != "postgresql":
        pytest.skip("the SQLite-to-SQLite trip is the test above")
    _history(sqlite_database, FixedClock(NOW))
    backup(sqlite_database, tmp_path / "laptop.backup")
    restore(database, tmp_path / "laptop.backup")
    assert table_rows(database.engine) == table_rows(sqlite_database.engine)
    _history_continues(database)
    backup(database, tmp_path / "server.backup")
    home = Database.connect(f"sqlite:///{tmp_path / 'home.db'}")
    restore(home, tmp_path / "server.backup")
    assert table_rows(home.engine) == table_rows(database.engine)
    home.dispose()


def test_a_backup_taken_while_the_bot_writes_is_whole(
    sqlite_database: Database, tmp_path: Path
) -> None:
    _history(sqlite_database, FixedClock(NOW))
    stop = threading.Event()

    def keep_writing() -> None:
        n = 0
        while not stop.is_set():
            with sqlite_database.write() as work:
                work.add(JobRun(name=f"job {n}", last_run_at=NOW, last_result="x" * 2000))
            n += 1

    writer = threading.Thread(target=keep_writing)
    writer.start()
    try:
        for n in range(3):
            backup(sqlite_database, tmp_path / f"during-{n}.backup")
    finally:
        stop.set()
        writer.join()
    for n in range(3):
        target = Database.connect(f"sqlite:///{tmp_path / f'restored-{n}.db'}")
        restored = restore(target, tmp_path / f"during-{n}.backup")
        assert restored.rows["members"] == 10
        target.dispose()


def test_restore_takes_an_older_backup_up_to_this_schema(
    sqlite_database: Database, tmp_path: Path
) -> None:
    _history(sqlite_database, FixedClock(NOW))
    old = Database.connect(f"sqlite:///{tmp_path / 'old.db'}")
    backup(sqlite_database, tmp_path / "now.backup")
    restore(old, tmp_path / "now.backup")
    downgrade(old.engine, "0012")
    backup(old, tmp_path / "old.backup")
    old.dispose()
    target = Database.connect(f"sqlite:///{tmp_path / 'target.db'}")
    restored = restore(target, tmp_path / "old.backup")
    assert restored.revision == "0012"
    assert _count(target, Member) == 10
    target.dispose()


def test_restore_refuses_anything_but_a_backup_into_an_empty_database(
    sqlite_database: Database, tmp_path: Path
) -> None:
    _history(sqlite_database, FixedClock(NOW))
    file = tmp_path / "consortium.backup"
    backup(sqlite_database, file)
    with pytest.raises(BackupError, match="already exists; name a new file"):
        backup(sqlite_database, file)
    with pytest.raises(BackupError, match="is not empty"):
        restore(sqlite_database, file)
    target = Database.connect(f"sqlite:///{tmp_path / 'target.db'}")
    with pytest.raises(BackupError, match="does not exist"):
        restore(target, tmp_path / "missing.backup")
    (tmp_path / "notes.txt").write_text("minutes of the jour fixe")
    with pytest.raises(BackupError, match="is not a backup made by `consortium-bot backup`"):
        restore(target, tmp_path / "notes.txt")
    other = tmp_path / "other.sqlite3"
    sqlite3.connect(other).execute("CREATE TABLE notes (x)").connection.close()
    with pytest.raises(BackupError, match="holds no consortium-bot schema"):
        restore(target, other)
    newer = tmp_path / "newer.backup"
    newer.write_bytes(file.read_bytes())
    with sqlite3.connect(newer) as connection:
        connection.execute("UPDATE alembic_version SET version_num = '0999'")
    with pytest.raises(BackupError, match="made at schema 0999, newer than this version"):
        restore(target, newer)
    assert current_revision(target.engine) is None  # refused before anything was written
    target.dispose()


@pytest.mark.slow
def test_the_commands_say_what_they_did(tmp_path: Path, sqlite_database: Database) -> None:
    _history(sqlite_database, FixedClock(NOW))
    source = {"DATABASE_URL": str(sqlite_database.engine.url)}
    taken = run_cli("backup", "nightly.backup", cwd=tmp_path, env=source)
    assert taken.returncode == 0, taken.stderr
    assert "schema 0015" in taken.stdout and "to nightly.backup" in taken.stdout
    again = run_cli("backup", "nightly.backup", cwd=tmp_path, env=source)
    assert again.returncode == 1
    assert again.stderr.strip() == (
        "consortium-bot: nightly.backup already exists; name a new file, or move the old one away"
    )
    target = {"DATABASE_URL": f"sqlite:///{tmp_path / 'new.db'}"}
    restored = run_cli("restore", "nightly.backup", cwd=tmp_path, env=target)
    assert restored.returncode == 0, restored.stderr
    assert "Restored nightly.backup (schema 0015" in restored.stdout
    refused = run_cli("restore", "nightly.backup", cwd=tmp_path, env=target)
    assert refused.returncode == 1 and "is not empty" in refused.stderr
    assert "Traceback" not in refused.stderr
