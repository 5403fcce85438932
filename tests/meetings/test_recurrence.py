"""Repeat rules: every rule the bot stores can be described, and its first start is found in
milliseconds, also for rules that never meet (which dateutil would search for until 9999)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from dateutil.rrule import rrulestr
from hypothesis import given, settings
from hypothesis import strategies as st

from scheduling.meetings.recurrence import (
    FIRST_OCCURRENCE_YEARS,
    describe_rrule,
    first_occurrence,
    parse_repeat,
)

DAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]


@given(
    every=st.sampled_from(["", ";INTERVAL=3", ";INTERVAL=2"]),
    ordinal=st.integers(-53, 53),
    day=st.sampled_from(DAYS),
)
def test_any_monthly_weekday_rule_is_described(every: str, ordinal: int, day: str) -> None:
    rule = f"FREQ=MONTHLY{every};BYDAY={ordinal}{day}"
    described = describe_rrule(rule)
    if described.startswith("rrule "):
        assert described == f"rrule {rule}"
    else:  # what is said in words reads back as the same rule
        assert parse_repeat(described).rrule == rule


def test_a_fifth_monday_is_said_in_words() -> None:
    assert describe_rrule("FREQ=MONTHLY;BYDAY=5MO") == "monthly on the fifth monday"
    assert describe_rrule("FREQ=MONTHLY;BYDAY=-2MO") == "rrule FREQ=MONTHLY;BYDAY=-2MO"
    assert (
        parse_repeat("quarterly on the fifth friday").rrule == "FREQ=MONTHLY;INTERVAL=3;BYDAY=5FR"
    )


@pytest.mark.parametrize(
    "rule",
    [
        "FREQ=DAILY;BYSETPOS=2",
        "FREQ=DAILY;BYSETPOS=2;UNTIL=20300101T000000Z",
        "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=31",
        "FREQ=MONTHLY;BYMONTH=4;BYMONTHDAY=31",
        "FREQ=DAILY;INTERVAL=7;BYDAY=MO",  # from a Tuesday, every seventh day is a Tuesday
        "FREQ=WEEKLY;BYDAY=TU;UNTIL=20270101T000000Z",  # ends before it starts
        "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29;BYDAY=MO",  # next in 2044: too far ahead
    ],
)
def test_a_rule_that_never_meets_in_time_has_no_first_occurrence(rule: str) -> None:
    assert first_occurrence(rule, datetime(2027, 1, 5, 10, 0), "Europe/Vienna") is None


RULES = st.builds(
    lambda freq, interval, parts: f"FREQ={freq};INTERVAL={interval}" + "".join(parts),
    st.sampled_from(["DAILY", "WEEKLY", "MONTHLY", "YEARLY"]),
    st.integers(1, 5),
    st.lists(
        st.one_of(
            st.sampled_from(DAYS).map(lambda d: f";BYDAY={d}"),
            st.tuples(st.sampled_from([1, 2, 3, 4, 5, -1]), st.sampled_from(DAYS)).map(
                lambda p: f";BYDAY={p[0]}{p[1]}"
            ),
            st.integers(1, 31).map(lambda d: f";BYMONTHDAY={d}"),
            st.integers(1, 12).map(lambda m: f";BYMONTH={m}"),
            st.sampled_from([1, 2, -1]).map(lambda p: f";BYSETPOS={p}"),
        ),
        max_size=3,
        unique_by=lambda part: part.split("=")[0],
    ),
)


@settings(max_examples=150, deadline=None)
@given(
    rule=RULES,
    start=st.datetimes(datetime(2000, 1, 1), datetime(2100, 12, 31)).map(
        lambda moment: moment.replace(second=0, microsecond=0)
    ),
)
def test_the_first_occurrence_is_dateutils_first(rule: str, start: datetime) -> None:
    try:
        rrulestr(rule, dtstart=start)
    except ValueError:  # e.g. BYDAY=5MO on a weekly rule: refused at the door
        return
    found = first_occurrence(rule, start)
    if found is None:
        return  # dateutil might search for seconds; the shortcut's cases are listed above
    assert start <= found <= start + timedelta(days=366 * FIRST_OCCURRENCE_YEARS)
    assert found == next(iter(rrulestr(rule, dtstart=start)))


@pytest.mark.parametrize(
    ("rule", "start", "first"),
    [
        # 2100 is no leap year: the shortcut must not land on a cycle where it is one
        ("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29", datetime(2097, 3, 1, 9), datetime(2104, 2, 29, 9)),
        ("FREQ=MONTHLY;BYDAY=5MO", datetime(2027, 1, 4, 10), datetime(2027, 3, 29, 10)),
        ("FREQ=MONTHLY;BYDAY=-1FR;BYSETPOS=1", datetime(2026, 12, 1, 8), datetime(2026, 12, 25, 8)),
        ("FREQ=WEEKLY;INTERVAL=2;BYDAY=TH", datetime(2025, 1, 2, 10), datetime(2025, 1, 2, 10)),
    ],
)
def test_known_first_occurrences(rule: str, start: datetime, first: datetime) -> None:
    assert first_occurrence(rule, start) == first


def test_a_start_near_the_last_year_is_still_answered() -> None:
    start = datetime(9999, 12, 1, 10, 0)
    assert first_occurrence("FREQ=WEEKLY;BYDAY=MO", start) == datetime(9999, 12, 6, 10, 0)
    assert first_occurrence("FREQ=YEARLY;BYMONTH=2", start) is None
