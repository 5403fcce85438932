"""The directory snapshot: answers from memory, and sees members imported by another process."""

from __future__ import annotations

from scheduling.clock import FixedClock
from scheduling.consortium.directory import DirectoryService
from scheduling.consortium.file import load_consortium_file, parse_consortium_text
from scheduling.consortium.importer import import_consortium
from storage.db import Database
from tests.support import EXAMPLE_FILE


class Ticker:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _add_member(text: str) -> str:
    return text.replace(
        "  - {slack_id: U0BG,",
        "  - {slack_id: U0NEW, name: New partner, country: FI}\n  - {slack_id: U0BG,",
    )


def test_lookups_come_from_memory_until_the_snapshot_is_stale(
    sqlite_database: Database, clock: FixedClock
) -> None:
    import_consortium(sqlite_database, load_consortium_file(EXAMPLE_FILE), clock)
    ticker = Ticker()
    directory = DirectoryService(sqlite_database, max_age=30, min_reload=2, monotonic=ticker)
    assert directory.cached() is None
    first = directory.snapshot()
    assert directory.profile("U0FI") is first.profiles["U0FI"]
    ticker.now += 29
    assert directory.cached() is first
    ticker.now += 2
    assert directory.cached() is None


def test_a_member_imported_elsewhere_is_recognised_without_waiting_for_the_max_age(
    sqlite_database: Database, clock: FixedClock
) -> None:
    text = EXAMPLE_FILE.read_text(encoding="utf-8")
    import_consortium(sqlite_database, parse_consortium_text(text), clock)
    ticker = Ticker()
    directory = DirectoryService(sqlite_database, max_age=30, min_reload=2, monotonic=ticker)
    assert directory.profile("U0NEW") is None
    import_consortium(sqlite_database, parse_consortium_text(_add_member(text)), clock)
    assert directory.profile("U0NEW") is None  # within min_reload: no reload storm
    ticker.now += 3
    newcomer = directory.profile("U0NEW")
    assert newcomer is not None
    assert [c.code for c in newcomer.countries] == ["FI"]
    assert newcomer.roles == ("partner",)


def test_coordinators_are_listed_for_whom_to_ask(
    sqlite_database: Database, clock: FixedClock
) -> None:
    import_consortium(sqlite_database, load_consortium_file(EXAMPLE_FILE), clock)
    directory = DirectoryService(sqlite_database).directory()
    assert directory.consortium_name == "CapaCITIES"
    assert [p.name for p in directory.coordinators] == [
        "Coordinator (FFG)",
        "Coordinator (UEFISCDI)",
    ]
