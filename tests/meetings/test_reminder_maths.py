"""The reminder maths as pure functions, over the daylight-saving changes of 2026: which
reminders fall in a window, when the next one is, and the digest's weekly instant.

Europe/Vienna springs forward on Sunday 29 March 2026 (02:00 -> 03:00) and falls back on
Sunday 25 October 2026 (03:00 -> 02:00). An offset is elapsed time: "1d" is 24 real hours.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scheduling.meetings.occurrences import CANCELLED, MOVED, OccurrenceChange, Series
from scheduling.meetings.reminders import next_reminder_at, reminders_between
from scheduling.vocabulary import DigestSchedule, MeetingKind

VIENNA = ZoneInfo("Europe/Vienna")
DAY, HOUR = 24 * 60, 60


def _series(
    rule: str | None,
    start: datetime,
    offsets: tuple[int, ...],
    zone: str = "Europe/Vienna",
    **extra: object,
) -> Series:
    return Series(
        id=1,
        uid="s-1@test",
        kind=MeetingKind.JOUR_FIXE,
        title="Jour fixe",
        rrule=rule,
        starts_local=start,
        timezone=zone,
        duration_minutes=60,
        reminder_minutes=offsets,
        **extra,  # type: ignore[arg-type]
    )


def _utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def test_a_day_before_is_24_real_hours_so_the_wall_clock_moves_across_spring_forward() -> None:
    # Sunday 29 March 10:00 CEST is 08:00 UTC; 24 hours earlier is Saturday 08:00 UTC, which
    # is 09:00 on Vienna's wall clock (still CET), not 10:00.
    series = _series("FREQ=WEEKLY;BYDAY=SU", datetime(2026, 3, 22, 10, 0), (DAY,))
    (found,) = reminders_between(series, _utc(2026, 3, 27), _utc(2026, 3, 29))
    assert found.remind_at == _utc(2026, 3, 28, 8, 0)
    assert found.remind_at.astimezone(VIENNA).hour == 9
    assert found.occurrence.start == _utc(2026, 3, 29, 8, 0)


def test_and_the_other_way_across_fall_back() -> None:
    # Sunday 25 October 10:00 CET is 09:00 UTC; a day earlier is Saturday 11:00 CEST.
    series = _series("FREQ=WEEKLY;BYDAY=SU", datetime(2026, 10, 18, 10, 0), (DAY,))
    (found,) = reminders_between(series, _utc(2026, 10, 23), _utc(2026, 10, 25))
    assert found.remind_at == _utc(2026, 10, 24, 9, 0)
    assert found.remind_at.astimezone(VIENNA).hour == 11


def test_the_window_is_open_at_its_start_and_closed_at_its_end() -> None:
    series = _series("FREQ=WEEKLY;BYDAY=MO", datetime(2026, 1, 5, 9, 0), (HOUR,))
    at = _utc(2026, 1, 12, 7, 0)  # Monday 09:00 CET minus one hour
    assert [r.remind_at for r in reminders_between(series, at - timedelta(minutes=1), at)] == [at]
    assert reminders_between(series, at, at + timedelta(minutes=1)) == []


def test_several_offsets_come_in_time_order_the_longest_first_at_a_tie() -> None:
    series = _series("FREQ=WEEKLY;BYDAY=MO", datetime(2026, 1, 5, 9, 0), (7 * DAY, DAY, HOUR))
    found = reminders_between(series, _utc(2026, 1, 4), _utc(2026, 1, 20))
    assert [(r.remind_at, r.offset_minutes) for r in found][:4] == [
        (_utc(2026, 1, 4, 8), DAY),  # for Monday 5 January
        (_utc(2026, 1, 5, 7), HOUR),
        (_utc(2026, 1, 5, 8), 7 * DAY),  # for Monday 12 January
        (_utc(2026, 1, 11, 8), DAY),
    ]


def test_a_cancelled_occurrence_has_no_reminder_and_a_moved_one_is_reminded_at_its_new_time() -> (
    None
):
    changes = (
        OccurrenceChange(datetime(2026, 3, 30, 9, 0), CANCELLED),
        OccurrenceChange(datetime(2026, 4, 6, 9, 0), MOVED, datetime(2026, 4, 7, 15, 0)),
    )
    series = _series("FREQ=WEEKLY;BYDAY=MO", datetime(2026, 3, 23, 9, 0), (HOUR,), changes=changes)
    found = reminders_between(series, _utc(2026, 3, 29), _utc(2026, 4, 8))
    assert [r.remind_at for r in found] == [_utc(2026, 4, 7, 12, 0)]  # 15:00 CEST - 1h, in UTC
    assert found[0].occurrence.original_local == datetime(2026, 4, 6, 9, 0)


def test_the_next_reminder_is_strictly_after_and_the_earliest_of_all_offsets() -> None:
    series = _series("FREQ=MONTHLY;BYDAY=1TH", datetime(2026, 1, 1, 10, 0), (DAY, HOUR))
    first = next_reminder_at(series, _utc(2026, 3, 1))
    assert first == _utc(2026, 3, 4, 9, 0)  # Thursday 5 March 10:00 CET minus a day
    assert next_reminder_at(series, first) == _utc(2026, 3, 5, 8, 0)  # minus an hour
    # After the spring change the same wall-clock meeting is an hour earlier in UTC.
    assert next_reminder_at(series, _utc(2026, 3, 6)) == _utc(2026, 4, 1, 8, 0)


def test_no_next_reminder_without_offsets_or_for_a_cancelled_series() -> None:
    start = datetime(2026, 1, 5, 9, 0)
    assert next_reminder_at(_series("FREQ=WEEKLY;BYDAY=MO", start, ()), _utc(2026, 1, 1)) is None
    cancelled = _series("FREQ=WEEKLY;BYDAY=MO", start, (HOUR,), cancelled=True)
    assert next_reminder_at(cancelled, _utc(2026, 1, 1)) is None
    once = _series(None, start, (HOUR,))
    assert next_reminder_at(once, _utc(2026, 1, 6)) is None


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        # The week of the spring change: Monday 23 March is still CET (08:00 UTC).
        (_utc(2026, 3, 25, 12), _utc(2026, 3, 23, 8)),
        # The week after it: Monday 30 March is CEST (07:00 UTC).
        (_utc(2026, 3, 30, 6, 59), _utc(2026, 3, 30, 7)),
        # Sunday night late in Vienna is still the week that began on Monday 26 October.
        (_utc(2026, 11, 1, 22, 30), _utc(2026, 10, 26, 8)),
    ],
)
def test_the_digest_instant_of_the_week_in_the_consortiums_zone(
    now: datetime, expected: datetime
) -> None:
    assert DigestSchedule.parse("monday 09:00").this_week(now, "Europe/Vienna") == expected


def test_the_next_digest_is_after_now_even_at_the_instant_itself() -> None:
    every = DigestSchedule.parse("Monday 09:00")
    at = _utc(2026, 3, 30, 7)
    assert every.next_after(at - timedelta(seconds=1), "Europe/Vienna") == at
    assert every.next_after(at, "Europe/Vienna") == _utc(2026, 4, 6, 7)


ZONES = ["Europe/Vienna", "Europe/Lisbon", "Europe/Bucharest", "America/New_York"]


@settings(max_examples=60, deadline=None)
@given(
    zone=st.sampled_from(ZONES),
    minutes=st.integers(min_value=0, max_value=365 * DAY),
    offsets=st.sets(st.sampled_from([15, HOUR, DAY, 7 * DAY]), min_size=1, max_size=3),
)
def test_the_next_reminder_is_the_first_that_reminders_between_finds(
    zone: str, minutes: int, offsets: set[int]
) -> None:
    series = _series(
        "FREQ=WEEKLY;BYDAY=SU", datetime(2025, 12, 28, 10, 0), tuple(sorted(offsets)), zone
    )
    after = _utc(2026, 1, 1) + timedelta(minutes=minutes)
    upcoming = next_reminder_at(series, after)
    assert upcoming is not None
    found = reminders_between(series, after, upcoming)
    assert found and found[0].remind_at == upcoming
    assert all(r.remind_at == upcoming for r in found)
