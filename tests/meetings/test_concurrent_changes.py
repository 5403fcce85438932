"""Changes to one meeting at the same moment, on SQLite and PostgreSQL: each is made on the
one before, so none is lost and the invite's SEQUENCE rises with every one."""

from __future__ import annotations

from datetime import UTC, datetime

from scheduling.clock import FixedClock
from scheduling.consortium.directory import DirectoryService
from scheduling.consortium.file import load_consortium_file
from scheduling.consortium.importer import import_consortium
from scheduling.meetings.service import MeetingService
from storage.db import Database
from tests.support import EXAMPLE_FILE, run_at_once


def test_changes_to_one_meeting_at_once_each_raise_its_sequence(database: Database) -> None:
    clock = FixedClock(datetime(2025, 3, 3, 9, 0, tzinfo=UTC))
    import_consortium(database, load_consortium_file(EXAMPLE_FILE), clock)
    meetings = MeetingService(database, clock)
    coordinator = DirectoryService(database).profile("U0COORD1")
    assert coordinator is not None
    before = meetings.get(1).sequence
    failures = run_at_once(20, lambda n: meetings.edit(coordinator, 1, "location", f"Room {n}"))
    assert failures == []
    # Calendar clients take an invite only if its SEQUENCE is higher than the one they have.
    assert meetings.get(1).sequence == before + 20
