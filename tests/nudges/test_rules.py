"""Rules to nominal days in the real 2027 calendars, and when a nudge may reach a member."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from scheduling.consortium.file import load_consortium_file, parse_consortium_text
from scheduling.nudges.rules import nominal_days, parse_rules
from scheduling.nudges.sweep import nudge_moment
from scheduling.workdays.days import WorkingDays
from scheduling.workdays.holidays import HolidayBook
from scheduling.workdays.hours import Availability, Away

BOOK = HolidayBook.of({"all": ["2027-05-06"]})  # a day off of the whole consortium


def test_rules_give_nominal_days_in_the_consortiums_working_days() -> None:
    rules = parse_rules(["5 working days before, 1 working day before, 1 day after"])
    days = nominal_days(
        rules, date(2027, 4, 19), date(2027, 5, 7), WorkingDays(BOOK), date(2027, 6, 30)
    )
    # 6 May is the consortium's day off: 5 working days before Fri 7 May is Thu 29 Apr.
    assert days == [date(2027, 4, 29), date(2027, 5, 5), date(2027, 5, 8)]


def test_a_holiday_of_the_members_country_moves_their_nudge_to_0930_of_the_next_working_day() -> (
    None
):
    greek = Availability("Europe/Athens", "GR", BOOK)
    # Mon 3 May: Easter Monday; Tue 4 May: Labour Day observed; Wed 5 May 09:30 in Athens.
    assert nudge_moment(greek, date(2027, 5, 3)) == datetime(2027, 5, 5, 6, 30, tzinfo=UTC)
    in_new_york = Availability("America/New_York", "GR", BOOK)
    assert nudge_moment(in_new_york, date(2027, 5, 3)) == datetime(2027, 5, 5, 13, 30, tzinfo=UTC)
    portuguese = Availability(
        "Europe/Lisbon", "PT", BOOK, away=(Away(date(2027, 5, 3), date(2027, 5, 4)),)
    )
    assert nudge_moment(portuguese, date(2027, 5, 3)) == datetime(2027, 5, 5, 8, 30, tzinfo=UTC)


def test_regression_a_consortium_file_with_default_nudges_is_read() -> None:
    path = Path(__file__).with_name("nudges.yaml")
    text = path.read_text(encoding="utf-8").replace(
        "  timezone: Europe/Vienna\n",
        "  timezone: Europe/Vienna\n  nudges: [5 working days before, 1 day after]\n",
        1,
    )
    assert parse_consortium_text(text).nudges == ("5 working days before", "1 day after")
    assert load_consortium_file(path).nudges is None
