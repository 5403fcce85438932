"""Edits at the same moment, on SQLite and PostgreSQL: none is lost and the history they leave
is a chain (each revision's "before" is the text the previous one wrote); an edit made from
a form older than the update is refused, not applied over the newer text."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime

import pytest

from scheduling.clock import FixedClock
from scheduling.consortium.directory import DirectoryService
from scheduling.consortium.file import load_consortium_file
from scheduling.consortium.importer import import_consortium
from scheduling.updates.service import EditConflictError, UpdateDraft, UpdateService
from scheduling.vocabulary import UpdateField
from storage.db import Database
from tests.support import EXAMPLE_FILE, run_at_once

EDITS = 50


@pytest.fixture
def service(database: Database) -> UpdateService:
    clock = FixedClock(datetime(2025, 3, 3, 9, 0, tzinfo=UTC))
    import_consortium(database, load_consortium_file(EXAMPLE_FILE), clock)
    return UpdateService(database, clock)


def test_fifty_edits_at_once_leave_fifty_revisions_in_one_chain(
    service: UpdateService, database: Database
) -> None:
    portugal = DirectoryService(database).profile("U0PT")
    assert portugal is not None
    update = service.submit(portugal, UpdateDraft("PT", None, {"note": "start"})).update
    failures = run_at_once(
        EDITS, lambda n: service.edit(portugal, update.id, {UpdateField.NOTE: f"edit {n}"})
    )
    assert failures == []
    history = [changes["note"] for _, _, changes in service.history(update.id)]
    assert len(history) == EDITS
    assert history[0][0] == "start"
    assert all(later[0] == earlier[1] for earlier, later in itertools.pairwise(history))
    assert sorted(after for _, after in history) == sorted(f"edit {n}" for n in range(EDITS))
    assert service.get(update.id).version == 1 + EDITS


def test_an_edit_from_an_older_form_is_refused_and_writes_nothing(
    service: UpdateService, database: Database
) -> None:
    directory = DirectoryService(database)
    portugal, coordinator = directory.profile("U0PT"), directory.profile("U0COORD1")
    assert portugal is not None and coordinator is not None
    update = service.submit(portugal, UpdateDraft("PT", None, {"note": "start"})).update
    service.edit(coordinator, update.id, {UpdateField.NOTE: "theirs"}, update.version)
    with pytest.raises(EditConflictError) as refused:
        service.edit(portugal, update.id, {UpdateField.NOTE: "mine"}, update.version)
    assert str(refused.value).startswith(
        "Coordinator (FFG) changed this update at 09:00 (Europe/Lisbon), after you opened it"
    )
    now = service.get(update.id)
    assert now.fields[UpdateField.NOTE] == "theirs" and now.version == 2
