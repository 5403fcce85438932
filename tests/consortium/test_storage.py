"""Storage on SQLite and PostgreSQL: migrations, instants, idempotent and atomic import,
and SQLite under concurrent writers."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import func, select, text

from scheduling.clock import FixedClock
from scheduling.consortium.directory import DirectoryService
from scheduling.consortium.file import load_consortium_file, parse_consortium_text
from scheduling.consortium.importer import import_consortium
from storage.db import LOCK_WAIT_SECONDS, Database
from storage.migrate import current_revision, downgrade, head_revision, upgrade
from storage.models import Base, Country, Meeting, Member, Round
from tests.support import EXAMPLE_FILE


def _counts(database: Database) -> dict[str, int]:
    with database.read() as work:
        session = work.session
        return {
            model.__tablename__: session.scalar(select(func.count()).select_from(model)) or 0
            for model in (Country, Member, Meeting, Round)
        }


def test_migrations_match_the_models_and_go_down_and_up(database: Database) -> None:
    assert current_revision(database.engine) == head_revision(database.engine)
    with database.engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert diff == []
    downgrade(database.engine, "base")
    assert current_revision(database.engine) is None
    upgrade(database.engine)
    assert current_revision(database.engine) == head_revision(database.engine)


def test_instants_come_back_aware_and_in_utc(database: Database, clock: FixedClock) -> None:
    import_consortium(database, load_consortium_file(EXAMPLE_FILE), clock)
    vienna_summer = timezone(timedelta(hours=2))
    instant = datetime(2026, 3, 29, 3, 30, tzinfo=vienna_summer)
    with database.write() as work:
        session = work.session
        meeting = session.scalars(select(Meeting)).first()
        assert meeting is not None
        meeting.updated_at = instant
    with database.read() as work:
        session = work.session
        stored = session.scalars(select(Meeting).where(Meeting.id == meeting.id)).one().updated_at
    assert stored == instant
    assert stored.tzinfo is UTC
    assert stored.hour == 1


def test_a_naive_instant_is_refused(sqlite_database: Database, clock: FixedClock) -> None:
    import_consortium(sqlite_database, load_consortium_file(EXAMPLE_FILE), clock)
    with pytest.raises(Exception, match="naive datetime"), sqlite_database.write() as work:
        session = work.session
        meeting = session.scalars(select(Meeting)).first()
        assert meeting is not None
        meeting.updated_at = datetime(2026, 1, 1, 9, 0)
        session.flush()


def test_importing_the_same_file_twice_changes_nothing(
    database: Database, clock: FixedClock
) -> None:
    spec = load_consortium_file(EXAMPLE_FILE)
    first = import_consortium(database, spec, clock)
    assert first.created == {
        "consortium": 1, "countries": 14, "channels": 3, "members": 10, "meetings": 6, "rounds": 1,
    }  # fmt: skip
    with database.read() as work:
        session = work.session
        uids = {m.import_key: (m.uid, m.sequence) for m in session.scalars(select(Meeting))}
    clock.advance(timedelta(days=1))
    second = import_consortium(database, spec, clock)
    assert not second.changed_anything
    with database.read() as work:
        session = work.session
        assert {m.import_key: (m.uid, m.sequence) for m in session.scalars(select(Meeting))} == uids


def test_a_changed_meeting_keeps_its_uid_and_raises_its_sequence(
    database: Database, clock: FixedClock
) -> None:
    text_v1 = EXAMPLE_FILE.read_text(encoding="utf-8")
    import_consortium(database, parse_consortium_text(text_v1), clock)
    text_v2 = text_v1.replace(
        "join_url: https://zoom.example/j/jourfixe", "join_url: https://zoom.example/j/new"
    )
    report = import_consortium(database, parse_consortium_text(text_v2), clock)
    assert report.updated == {"meetings": 1}
    with database.read() as work:
        session = work.session
        meeting = session.scalars(select(Meeting).where(Meeting.kind == "jour-fixe")).one()
    assert meeting.sequence == 1
    assert meeting.join_url == "https://zoom.example/j/new"


def test_a_member_whose_roles_change_is_updated(database: Database, clock: FixedClock) -> None:
    text_v1 = EXAMPLE_FILE.read_text(encoding="utf-8")
    import_consortium(database, parse_consortium_text(text_v1), clock)
    text_v2 = text_v1.replace(
        "roles: [partner], timezone: Europe/Helsinki",
        "roles: [partner, ambassador], timezone: Europe/Helsinki",
    )
    report = import_consortium(database, parse_consortium_text(text_v2), clock)
    assert report.updated == {"members": 1}
    profile = DirectoryService(database).profile("U0FI")
    assert profile is not None
    assert profile.roles == ("ambassador", "partner")


def test_a_failing_import_leaves_the_database_untouched(
    database: Database, clock: FixedClock
) -> None:
    import_consortium(database, load_consortium_file(EXAMPLE_FILE), clock)
    before = _counts(database)
    # A uid factory that fails half-way through simulates a crash inside the transaction.
    calls = 0

    def failing_uid() -> str:
        nonlocal calls
        calls += 1
        raise RuntimeError("crash half-way")

    broken = parse_consortium_text(
        EXAMPLE_FILE.read_text(encoding="utf-8").replace(
            "title: Online consortium meeting", "title: Renamed meeting"
        )
    )
    with pytest.raises(RuntimeError):
        import_consortium(database, broken, clock, uid_factory=failing_uid)
    assert calls == 1
    assert _counts(database) == before


def test_directory_profile_of_a_member_and_of_a_stranger(
    database: Database, clock: FixedClock
) -> None:
    import_consortium(database, load_consortium_file(EXAMPLE_FILE), clock)
    directory = DirectoryService(database)
    turkish = directory.profile("U0TR")
    assert turkish is not None
    assert [c.name for c in turkish.countries] == ["Türkiye"]
    assert turkish.roles == ("ambassador", "partner")
    assert not turkish.is_coordinator
    assert directory.profile("U0NOBODY") is None
    assert [p.slack_id for p in directory.directory().coordinators] == ["U0COORD1", "U0COORD2"]


def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(sqlite_database: Database) -> None:
    with sqlite_database.read() as work:
        session = work.session
        assert session.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        # Long enough for any other write to end; short enough to answer Slack within 3 s.
        assert session.execute(text("PRAGMA busy_timeout")).scalar() == LOCK_WAIT_SECONDS * 1000
        assert session.execute(text("PRAGMA foreign_keys")).scalar() == 1


def test_concurrent_read_then_write_transactions_never_hit_database_is_locked(
    sqlite_database: Database, clock: FixedClock
) -> None:
    import_consortium(sqlite_database, load_consortium_file(EXAMPLE_FILE), clock)
    workers = 20
    barrier = threading.Barrier(workers)
    failures: list[BaseException] = []

    def read_then_write(index: int) -> None:
        try:
            barrier.wait()
            with sqlite_database.write() as work:
                session = work.session
                meeting = session.scalars(select(Meeting).order_by(Meeting.id)).first()
                assert meeting is not None
                meeting.sequence += 1
                session.add(
                    Country(code="Z" + chr(ord("A") + index), name=f"C{index}", role="core")
                )
        except BaseException as error:
            failures.append(error)

    threads = [threading.Thread(target=read_then_write, args=(i,)) for i in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    with sqlite_database.read() as work:
        session = work.session
        first = session.scalars(select(Meeting).order_by(Meeting.id)).first()
        assert first is not None
        assert first.sequence == workers


def test_an_in_memory_sqlite_url_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="in-memory"):
        Database.connect("sqlite://")
