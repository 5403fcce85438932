"""Reading commands asked again: the same answer, read from memory while nothing was
committed and the minute has not turned; drawn afresh after any commit, by the bot or by
another process or instance, and at the next minute (`bot/answers/kept.py`)."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import event, text

from bot.local.workspace import LocalWorkspace
from scheduling.clock import FixedClock
from scheduling.consortium.directory import DirectoryService
from scheduling.consortium.file import load_consortium_file
from scheduling.consortium.importer import ImportReport, import_consortium
from scheduling.meetings.service import MeetingService
from storage.db import Database
from tests.support import EXAMPLE_FILE

COORDINATOR, PORTUGUESE, TURKISH = "U0COORD1", "U0PT", "U0TR"
READINGS = ("/meeting next", "/meeting list", "/round status", "/update list", "/digest preview")


@contextmanager
def statements(database: Database) -> Iterator[list[str]]:
    """The SQL statements run while the block runs."""
    seen: list[str] = []

    def record(_conn: object, _cursor: object, sql: str, *_: object) -> None:
        seen.append(sql)

    event.listen(database.engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(database.engine, "before_cursor_execute", record)


@pytest.mark.parametrize("line", READINGS)
def test_asked_again_the_same_answer_comes_without_reading_the_database(
    workspace: LocalWorkspace, line: str
) -> None:
    first = workspace.command(COORDINATOR, line)
    assert first.status == 200 and first.ack_text
    with statements(workspace.database) as seen:
        again = workspace.command(COORDINATOR, line)
    assert again.ack == first.ack
    assert seen == []


def test_each_member_gets_their_own_answer(workspace: LocalWorkspace) -> None:
    coordinator = workspace.command(COORDINATOR, "/meeting next")
    partner = workspace.command(TURKISH, "/meeting next")
    assert partner.ack != coordinator.ack  # the partner's are theirs only
    assert workspace.command(COORDINATOR, "/meeting next").ack == coordinator.ack
    assert workspace.command(TURKISH, "/meeting next").ack == partner.ack


def test_a_change_through_the_bot_shows_at_once(workspace: LocalWorkspace) -> None:
    before = workspace.command(PORTUGUESE, "/meeting next")
    assert "Jour fixe of the core countries" in before.ack_text + str(before.ack)
    edited = workspace.command(COORDINATOR, "/meeting edit 1 title Monthly jour fixe")
    assert "Changed the title of #1" in edited.ack_text
    after = workspace.command(PORTUGUESE, "/meeting next")
    assert "Monthly jour fixe" in str(after.ack)
    assert "Jour fixe of the core countries" not in str(after.ack)


def test_a_change_by_another_process_shows_at_once(workspace: LocalWorkspace) -> None:
    workspace.command(COORDINATOR, "/meeting list")
    path = workspace.database.engine.url.database
    assert path is not None
    other = sqlite3.connect(path)  # as `consortium-bot import` or a second process would
    with other:
        other.execute("UPDATE meetings SET title = 'Renamed elsewhere' WHERE id = 1")
    other.close()
    with statements(workspace.database) as seen:
        listed = workspace.command(COORDINATOR, "/meeting list")
    assert "Renamed elsewhere" in str(listed.ack)
    assert seen  # drawn afresh


def test_the_next_minute_draws_the_answer_again(
    workspace: LocalWorkspace, clock: FixedClock
) -> None:
    first = workspace.command(COORDINATOR, "/meeting next")
    clock.advance(timedelta(seconds=59))
    with statements(workspace.database) as seen:
        workspace.command(COORDINATOR, "/meeting next")
    assert seen == []  # 09:00:59, the same minute
    clock.advance(timedelta(seconds=1))
    with statements(workspace.database) as seen:
        again = workspace.command(COORDINATOR, "/meeting next")
    assert seen  # 09:01:00: what is next is worked out again
    assert again.ack == first.ack
    clock.set(datetime(2024, 1, 2, 8, 59, tzinfo=UTC))  # a clock set back: not the same minute
    with statements(workspace.database) as seen:
        workspace.command(COORDINATOR, "/meeting next")
    assert seen


def test_on_postgresql_a_change_by_another_instance_shows_once_notified(
    database: Database,
) -> None:
    if database.engine.dialect.name != "postgresql":
        pytest.skip("SQLite: the tests above")
    clock = FixedClock(datetime(2024, 1, 2, 9, 0, tzinfo=UTC))
    spec = load_consortium_file(EXAMPLE_FILE)
    import_consortium(database, spec, clock)
    other = Database.connect(database.engine.url.render_as_string(hide_password=False))
    try:
        with LocalWorkspace.on(database, spec, clock, ImportReport()) as workspace:
            deadline = time.monotonic() + 5
            while database.changes.version() is None:  # listening from the app's start
                assert time.monotonic() < deadline, "not listening for changes"
                time.sleep(0.01)
            first = workspace.command(COORDINATOR, "/meeting next")
            assert _kept(workspace, "/meeting next", first.ack)
            coordinator = DirectoryService(other).profile(COORDINATOR)
            assert coordinator is not None
            MeetingService(other, clock).edit(coordinator, 1, "title", "Renamed elsewhere")
            while "Renamed elsewhere" not in str(
                workspace.command(COORDINATOR, "/meeting next").ack
            ):
                assert time.monotonic() < deadline, "the other instance's change never showed"
                time.sleep(0.05)
            # While the listening connection is down, nothing is kept.
            with other.write() as work:
                work.session.execute(
                    text(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                        "WHERE query LIKE 'LISTEN%' AND datname = current_database()"
                    )
                )
            while database.changes.version() is not None:
                assert time.monotonic() < deadline + 5, "the listener was not stopped"
                time.sleep(0.01)
            with statements(database) as seen:
                workspace.command(COORDINATOR, "/meeting next")
            assert seen
    finally:
        other.dispose()


def _kept(workspace: LocalWorkspace, line: str, ack: object) -> bool:
    """Whether asking `line` again gives `ack` without a statement."""
    with statements(workspace.database) as seen:
        again = workspace.command(COORDINATOR, line)
    return again.ack == ack and seen == []
