"""Every length the domain allows fits the column it is stored in, so a value that passed the
door is never cut short by SQLite or refused by PostgreSQL with a DataError."""

from __future__ import annotations

import pytest
from sqlalchemy import String

from scheduling.consortium import file, meeting_entries, reader
from scheduling.meetings import edits
from scheduling.updates import rounds
from storage.models import Base

LIMITS = [
    ("consortium", "name", reader.DEFAULT_LONGEST_TEXT),
    ("countries", "name", file.MAX_COUNTRY_NAME_LENGTH),
    ("members", "name", reader.DEFAULT_LONGEST_TEXT),
    ("members", "slack_id", file.MAX_SLACK_ID_LENGTH),
    ("meetings", "title", edits.MAX_TITLE_LENGTH),
    ("meetings", "import_key", meeting_entries.MAX_KEY_LENGTH),
    ("rounds", "title", rounds.MAX_TITLE_LENGTH),
]


@pytest.mark.parametrize(("table", "column", "limit"), LIMITS)
def test_the_limit_fits_the_column(table: str, column: str, limit: int) -> None:
    column_type = Base.metadata.tables[table].columns[column].type
    assert isinstance(column_type, String)
    assert column_type.length is None or limit <= column_type.length
