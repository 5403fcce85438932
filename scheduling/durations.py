"""Durations and times of day as people write them (`90m`, `1h30`, `90 min`; `14:00`, `2pm`), and the
span of dates the bot plans in."""

from __future__ import annotations

import re
from datetime import date, time

from scheduling.language.times import DURATION_EXAMPLES, duration_words, read_time
from scheduling.vocabulary import VocabularyError

_UNIT_MINUTES = {"w": 7 * 24 * 60, "d": 24 * 60, "h": 60, "m": 1}
_DURATION_PART = re.compile(r"(\d+)\s*(w|d|h|m)")
_DURATION = re.compile(r"(?:\d+\s*[wdhm]\s*)+")
# Long enough for anything a consortium plans; short enough that no arithmetic overflows.
LONGEST_DURATION_MINUTES = 366 * 24 * 60


def parse_duration_minutes(
    text: str, longest: int = LONGEST_DURATION_MINUTES, field: str = "duration"
) -> int:
    """Minutes in `90m`, `1h`, `1h30m`, `2d`, `1w`, at most `longest`; VocabularyError naming
    the text (and `field`) otherwise."""
    cleaned = duration_words(text).strip().lower()
    if not cleaned or not _DURATION.fullmatch(cleaned):
        raise VocabularyError(
            f"cannot read {text.strip()!r} as a {field}: say e.g. {DURATION_EXAMPLES}", field
        )
    parts = _DURATION_PART.findall(cleaned)
    too_long = VocabularyError(
        f"{text.strip()!r} is too long: the {field} can be {format_duration(longest)} at most",
        field,
    )
    # Eight digits of minutes are past any limit; more would only slow int() down.
    if any(len(number.lstrip("0")) > 8 for number, _ in parts):
        raise too_long
    minutes = sum(int(number) * _UNIT_MINUTES[unit] for number, unit in parts)
    if minutes <= 0:
        raise VocabularyError(f"{text!r} is not a positive duration", field)
    if minutes > longest:
        raise too_long
    return minutes


def format_duration(minutes: int) -> str:
    """The shortest spelling of a whole number of minutes, e.g. 90 -> `1h30m`."""
    parts = []
    for unit, size in _UNIT_MINUTES.items():
        count, minutes = divmod(minutes, size)
        if count:
            parts.append(f"{count}{unit}")
    return "".join(parts) or "0m"


def parse_time_of_day(text: str) -> time:
    """A wall-clock time as people write it (`14:00`, `2 pm`, `10.30`); VocabularyError
    naming the text otherwise."""
    return read_time(text)


# The dates the bot plans in: past ones are kept for the record, and nothing is planned
# centuries ahead (a date near 9999 would overflow the arithmetic on it).
EARLIEST_DATE = date(2000, 1, 1)
LATEST_DATE = date(2199, 12, 31)


def check_planning_date(day: date, field: str = "date") -> date:
    """`day`, or VocabularyError when it lies outside the years the bot plans in."""
    if not EARLIEST_DATE <= day <= LATEST_DATE:
        raise VocabularyError(
            f"{day.isoformat()} is outside the dates I plan in "
            f"({EARLIEST_DATE.year} to {LATEST_DATE.year})",
            field,
        )
    return day
