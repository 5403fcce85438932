"""The consortium file's `retention:` read as people write it: every form of a period, the
defaults for kinds left out, every problem reported with its line and a did-you-mean, and
the import storing what was written."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from scheduling.clock import FixedClock
from scheduling.consortium.file import parse_consortium_text
from scheduling.consortium.importer import import_consortium
from scheduling.consortium.spec import ConsortiumFileError
from scheduling.privacy.retention import (
    DEFAULTS,
    Period,
    RetainedKind,
    RetentionError,
    RetentionPolicy,
    Unit,
    read_period,
)
from storage.db import Database
from tests.privacy.support import RETENTION_FILE

NOW = datetime(2027, 3, 10, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("written", "period"),
    [
        ("90d", Period(90, Unit.DAYS)),
        ("90 days", Period(90, Unit.DAYS)),
        ("90 Days", Period(90, Unit.DAYS)),
        ("1 day", Period(1, Unit.DAYS)),
        ("12w", Period(12, Unit.WEEKS)),
        ("12 weeks", Period(12, Unit.WEEKS)),
        ("6 months", Period(6, Unit.MONTHS)),
        ("6mo", Period(6, Unit.MONTHS)),
        ("1 month", Period(1, Unit.MONTHS)),
        ("2y", Period(2, Unit.YEARS)),
        ("2 years", Period(2, Unit.YEARS)),
        ("2 yrs", Period(2, Unit.YEARS)),
        ("1 year", Period(1, Unit.YEARS)),
        ("keep", None),
        ("forever", None),
        ("Keep forever", None),
    ],
)
def test_periods_are_read_as_people_write_them(written: str, period: Period | None) -> None:
    assert read_period(written, RetainedKind.REVISIONS) == period


@pytest.mark.parametrize(
    ("written", "says"),
    [
        ("6m", "could be minutes or months; write e.g. 6 months"),
        ("90", "a number alone: say which unit, e.g. 90 days"),
        ("90 dayz", "'dayz' is not a unit (did you mean 'days'?)"),
        ("1.5 years", "cannot read '1.5 years' as a period"),
        ("soon", "say e.g. 90d, 90 days, 12w, 6 months, 2y or keep"),
        ("200 years", "longer than 100 years; say keep"),
    ],
)
def test_a_period_that_cannot_be_read_names_its_kind_and_how_to_write_it(
    written: str, says: str
) -> None:
    with pytest.raises(RetentionError) as raised:
        read_period(written, RetainedKind.REVISIONS)
    assert says in str(raised.value) and "retention of revisions" in str(raised.value)
    assert raised.value.field == "revisions"


def test_deliveries_are_kept_long_enough_to_stop_a_message_going_twice() -> None:
    with pytest.raises(RetentionError, match="kept 10 weeks at least"):
        read_period("30 days", RetainedKind.DELIVERIES)
    assert read_period("10 weeks", RetainedKind.DELIVERIES) == Period(10, Unit.WEEKS)


def test_every_problem_of_the_retention_key_is_reported_with_its_line() -> None:
    text = RETENTION_FILE.replace("deliveries: 90d", "delivries: 90d").replace(
        "rsvps: 6 months", "rsvps: 6m\n    slack_events: 8d"
    )
    with pytest.raises(ConsortiumFileError) as raised:
        parse_consortium_text(text, "consortium.yaml")
    problems = [str(p) for p in raised.value.problems]
    assert problems == [
        "consortium.yaml:5: retention: 'delivries' is not a kind of record (did you mean "
        "'deliveries'?); the kinds are deliveries, revisions, updates, rsvps, attendance, "
        "slack_events, erasures",
        "consortium.yaml:8: retention of rsvps: '6m' could be minutes or months; write e.g. "
        "6 months",
        "consortium.yaml:10: retention: slack_events is named twice (first on line 9)",
    ]


def test_retention_must_be_a_mapping() -> None:
    text = RETENTION_FILE.replace("  retention:\n", "  retention: 90 days\n  old_retention:\n")
    with pytest.raises(ConsortiumFileError) as raised:
        parse_consortium_text(text, "consortium.yaml")
    assert (
        "consortium.yaml:4: 'retention' must map kinds of record to how long they are kept, "
        "e.g. {deliveries: 90d, revisions: 2y, updates: keep}"
    ) in [str(p) for p in raised.value.problems]


def test_kinds_left_out_keep_their_defaults_and_the_import_stores_what_was_written(
    database: Database,
) -> None:
    spec = parse_consortium_text(RETENTION_FILE)
    assert spec.retention.period(RetainedKind.DELIVERIES) == Period(90, Unit.DAYS)
    assert spec.retention.period(RetainedKind.UPDATES) is None
    assert spec.retention.period(RetainedKind.ATTENDANCE) is None  # the EU reporting's record
    assert spec.retention.is_default(RetainedKind.ERASURES)
    assert (
        RetentionPolicy().period(RetainedKind.SLACK_EVENTS) == DEFAULTS[RetainedKind.SLACK_EVENTS]
    )
    import_consortium(database, spec, FixedClock(NOW))
    with database.read() as work:
        consortium = work.directory.consortium()
        assert consortium is not None
        assert consortium.retention == {
            "deliveries": "90d",
            "revisions": "2 years",
            "updates": "keep",
            "rsvps": "6 months",
            "slack_events": "7 days",
        }
    again = import_consortium(database, spec, FixedClock(NOW))
    assert not again.changed_anything
