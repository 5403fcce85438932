"""Dates as people write them, read the European way (day before month) and relative to the
writer's own today: `2027-12-19`, `19/12/2027`, `19.12.27`, `19 Dec 2027`, `Dec 19`,
`the 19th of December`, `today`, `tomorrow`, `thursday`, `next thursday`, `in 3 weeks`.

A date without a year is the next one from today. Words that two people could read as two
dates (`03/04/2027`: 3 April or 4 March; `next thursday` early in a week: this week's or the
next) carry the other reading, so the bot can say which it took before acting on it.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

from scheduling.language.words import did_you_mean
from scheduling.vocabulary import VocabularyError, Weekday

DATE_EXAMPLES = "2027-12-19, 19/12/2027, 19 Dec 2027, tomorrow, next thursday or in 3 weeks"

MONTHS: dict[str, int] = {}
for _number, _name in enumerate(calendar.month_name[1:], start=1):
    MONTHS[_name.lower()] = _number
    MONTHS[_name.lower()[:3]] = _number
MONTHS["sept"] = 9
_WEEKDAY_NAMES = {str(day): day for day in Weekday} | {str(day)[:3]: day for day in Weekday}
_WEEKDAY_NAMES |= {"tues": Weekday.TUESDAY, "thur": Weekday.THURSDAY, "thurs": Weekday.THURSDAY}
# The words a date may be said in, for "did you mean".
DATE_WORDS = ("today", "tomorrow", *calendar.month_name[1:], *(str(day) for day in Weekday))
_COUNT_WORDS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6}
_UNIT_DAYS = {"day": 1, "week": 7}

_ISO = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})")
_DAY_FIRST = re.compile(r"(\d{1,2})[./-](\d{1,2})(?:[./-](\d{4}|\d{2}))?\.?")
_ORDINAL_SUFFIX = re.compile(r"^(\d{1,2})(st|nd|rd|th)$")
_FILLER = {"the", "of", "on"}


@dataclass(frozen=True)
class DateReading:
    """A date read from `typed`; `other` is a second reading the same words allow."""

    day: date
    typed: str
    other: date | None = None


def read_date(text: str, today: date, field: str = "date") -> DateReading:
    """The date in `text` (see the module's forms); VocabularyError naming the words,
    what was expected and examples otherwise."""
    typed = " ".join(text.split())
    words = [_plain(word) for word in typed.lower().replace(",", " ").split()]
    words = [word for word in words if word and word not in _FILLER]
    named = _WEEKDAY_NAMES.get(words[0]) if len(words) > 1 else None
    if named is not None and words[1] not in _WEEKDAY_NAMES:
        # `Thu 10 Dec 2026`, `Saturday 3 April 2027`: the weekday checks (or picks) the date.
        return _with_weekday(named, words[1:], today, typed, field)
    day, other = _read(words, today, typed, field)
    return DateReading(day, typed, other if other != day else None)


def _with_weekday(
    named: Weekday, words: list[str], today: date, typed: str, field: str
) -> DateReading:
    day, other = _read(words, today, typed, field)
    matching = [d for d in (day, other) if d is not None and d.weekday() == named.number]
    if not matching:
        raise VocabularyError(
            f"{in_words(day)} is a {calendar.day_name[day.weekday()]}, not a "
            f"{str(named).capitalize()}: which did you mean?",
            field,
        )
    return DateReading(matching[0], typed)


def _plain(word: str) -> str:
    ordinal = _ORDINAL_SUFFIX.match(word)
    return ordinal[1] if ordinal else word.rstrip(".") if not word[:1].isdigit() else word


def _read(words: list[str], today: date, typed: str, field: str) -> tuple[date, date | None]:
    if not words:
        raise VocabularyError(f"say the {field}, e.g. {DATE_EXAMPLES}", field)
    joined = " ".join(words)
    relative = {"today": 0, "tomorrow": 1, "yesterday": -1}
    if joined in relative:
        return today + timedelta(days=relative[joined]), None
    if len(words) == 1 and (iso := _ISO.fullmatch(joined)):
        return _day(int(iso[1]), int(iso[2]), int(iso[3]), typed, field), None
    if len(words) == 1 and (numeric := _DAY_FIRST.fullmatch(joined)):
        return _numeric(numeric, today, typed, field)
    if words[0] == "in":
        return _after(words[1:], today, typed, field), None
    if words[-1] in _WEEKDAY_NAMES and len(words) <= 2:
        return _weekday(words, today, typed, field)
    return _named_month(words, today, typed, field), None


def _numeric(match: re.Match[str], today: date, typed: str, field: str) -> tuple[date, date | None]:
    first, second = int(match[1]), int(match[2])
    year = _year(match[3])
    day = _next_dated(first, second, year, today, typed, field)
    other = None
    if first <= 12 and second <= 12 and first != second:
        other = _next_dated(second, first, year, today, typed, field)
    return day, other


def _year(text: str | None) -> int | None:
    if text is None:
        return None
    return 2000 + int(text) if len(text) == 2 else int(text)


def _next_dated(
    day_of_month: int, month: int, year: int | None, today: date, typed: str, field: str
) -> date:
    """The date with that day and month in `year`, or the next one from today."""
    if year is not None:
        return _day(year, month, day_of_month, typed, field)
    found = _day(today.year, month, day_of_month, typed, field, leap_ok=True)
    if found < today:
        found = _day(today.year + 1, month, day_of_month, typed, field, leap_ok=True)
    return found


def _day(
    year: int, month: int, day_of_month: int, typed: str, field: str, leap_ok: bool = False
) -> date:
    if not 1 <= month <= 12:
        raise VocabularyError(
            f"cannot read {typed!r} as a {field}: {month} is not a month (dates are day first, "
            f"e.g. 19/12/2027 is 19 December)",
            field,
        )
    if not 1 <= year <= 9999:
        raise VocabularyError(
            f"cannot read {typed!r} as a {field}: say e.g. {DATE_EXAMPLES}", field
        )
    last = calendar.monthrange(year, month)[1]
    if leap_ok and month == 2 and day_of_month == 29 and last == 28:
        # 29 February with no year: the next year that has one.
        while calendar.monthrange(year, 2)[1] == 28:
            year += 1
        last = 29
    if not 1 <= day_of_month <= last:
        raise VocabularyError(
            f"cannot read {typed!r} as a {field}: {calendar.month_name[month]} {year} "
            f"has no day {day_of_month}",
            field,
        )
    return date(year, month, day_of_month)


def _after(words: list[str], today: date, typed: str, field: str) -> date:
    """`in 3 weeks`, `in 10 days`, `in a month`, `in 2 months`."""
    if len(words) == 2:
        count = int(words[0]) if words[0].isdecimal() else _COUNT_WORDS.get(words[0])
        unit = words[1].removesuffix("s")
        if count is not None and count <= 3660 and unit in _UNIT_DAYS:
            return today + timedelta(days=count * _UNIT_DAYS[unit])
        if count is not None and count <= 120 and unit in ("month", "year"):
            months = count * (12 if unit == "year" else 1)
            month_index = today.month - 1 + months
            year, month = today.year + month_index // 12, month_index % 12 + 1
            return date(year, month, min(today.day, calendar.monthrange(year, month)[1]))
    raise VocabularyError(
        f"cannot read {typed!r} as a {field}: say e.g. in 3 days, in 2 weeks or in 1 month", field
    )


def _weekday(words: list[str], today: date, typed: str, field: str) -> tuple[date, date | None]:
    """`thursday`, `this thursday` (the next one after today) or `next thursday` (the same,
    but early in a week some mean the one of the week after: both are kept)."""
    weekday = _WEEKDAY_NAMES[words[-1]]
    qualifier = words[0] if len(words) == 2 else "this"
    if qualifier not in ("this", "next", "coming"):
        raise VocabularyError(
            f"cannot read {typed!r} as a {field}: say e.g. thursday or next thursday", field
        )
    ahead = (weekday.number - today.weekday() - 1) % 7 + 1
    day = today + timedelta(days=ahead)
    same_week = day.isocalendar()[:2] == today.isocalendar()[:2]
    other = day + timedelta(days=7) if qualifier == "next" and same_week else None
    return day, other


def _named_month(words: list[str], today: date, typed: str, field: str) -> date:
    """`19 dec 2027`, `19 december`, `dec 19`, `december 19 2027`."""
    month_at = next((i for i, word in enumerate(words) if word in MONTHS), None)
    numbers = [word for word in words if word.isdecimal()]
    if month_at is not None and len(words) in (2, 3) and len(numbers) == len(words) - 1:
        others = words[:month_at] + words[month_at + 1 :]
        if month_at == 0 or (len(words) == 3 and month_at == 1) or len(words) == 2:
            day_of_month = int(others[0])
            year = int(others[1]) if len(others) == 2 else None
            if year is not None and len(others[1]) == 2:
                year += 2000
            if day_of_month <= 31 and (year is None or year >= 1000):
                return _next_dated(day_of_month, MONTHS[words[month_at]], year, today, typed, field)
    hint = ""
    for word in words:
        if word.isalpha() and word not in MONTHS and word not in _WEEKDAY_NAMES:
            hint = did_you_mean(word, DATE_WORDS)
            if hint:
                hint = f": {word!r}{hint}"
                break
    raise VocabularyError(
        f"cannot read {typed!r} as a {field}{hint}; say e.g. {DATE_EXAMPLES}", field
    )


_WORKING_DAYS = re.compile(r"in\s+(\w+)\s+(?:working|business|work)\s+days?")


def working_days_in(text: str) -> int | None:
    """The count of `in 10 working days` (also `business days`, `in one working day`), or
    None when the words say no such thing; the days are counted by whoever knows the
    calendar."""
    said = _WORKING_DAYS.fullmatch(" ".join(text.lower().split()))
    if said is None:
        return None
    count = said[1]
    return int(count) if count.isdecimal() else _COUNT_WORDS.get(count)


def short_date(day: date) -> str:
    """`Thu 4 Jan 2024`: how every reply and card names a day."""
    return f"{day:%a} {day.day} {day:%b %Y}"


def in_words(day: date) -> str:
    """`Saturday 3 April 2027`."""
    return (
        f"{calendar.day_name[day.weekday()]} {day.day} {calendar.month_name[day.month]} {day.year}"
    )


def day_of_year(day: date, today: date) -> str:
    """`Fri 19 Jan` in the current year, `Fri 10 Nov 2023` in any other: the year only where a
    reader could mistake it."""
    return f"{day:%a} {day.day} {day:%b}" if day.year == today.year else short_date(day)


def due_words(due: date, today: date) -> str:
    """`due Fri 19 Jan`, `due today`, `due tomorrow`, or `overdue by 58 days (due Fri 10 Nov
    2023)`: the words say overdue, so no reader depends on a colour."""
    days = (today - due).days
    if days > 0:
        return f"overdue by {days} day{'s' if days != 1 else ''} (due {day_of_year(due, today)})"
    if days == 0:
        return "due today"
    if days == -1:
        return "due tomorrow"
    return f"due {day_of_year(due, today)}"


def already_past(day: date, typed: str, today: date) -> date:
    """A date read forward (`4 Jan` said on 5 Jan, `thursday` said on Friday) taken back to
    the last such day, for what has happened (attendance, minutes); a date with its year
    written, or said as `in …`, `next …` or `tomorrow`, stays as read."""
    words = typed.lower().split()
    if day <= today or re.search(r"\d{4}", typed) or words[:1] in (["in"], ["next"], ["tomorrow"]):
        return day
    if words and words[-1].strip(".") in _DAY_NAMES:
        return day - timedelta(days=7 * ((day - today).days // 7 + 1))
    for year in range(today.year, today.year - 8, -1):  # 29 February comes back within 8
        try:
            back = day.replace(year=year)
        except ValueError:
            continue
        if back <= today:
            return back
    return day


_DAY_NAMES = {name.lower() for name in (*calendar.day_name, *calendar.day_abbr)} | {
    "tues",
    "thur",
    "thurs",
}


def nearest(day: date, typed: str, today: date) -> date:
    """A date read forward, or the same day gone by when that is nearer to today: `1 Dec`
    said on 7 Dec 2026 is 1 Dec 2026, not 2027 (for what may be past or to come)."""
    back = already_past(day, typed, today)
    return back if (today - back) < (day - today) else day
