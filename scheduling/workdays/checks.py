"""Checks before a date is set: a round's due date on a weekend or a public holiday of an
asked country, and a meeting on a public holiday of an audience country or outside the
working day (08:00-18:00) of an audience member's own zone. Pure functions of the holiday
book, the dates and who is concerned; the wording is the bot's business."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from scheduling.consortium.directory import CountryRef, MemberProfile, audience_members
from scheduling.meetings.occurrences import Occurrence
from scheduling.vocabulary import Audience
from scheduling.workdays.days import WorkingDays
from scheduling.workdays.holidays import HolidayBook
from scheduling.workdays.hours import zone_of
from scheduling.workdays.service import holiday_book
from storage.repositories import UnitOfWork

DAY_STARTS = time(8, 0)  # a meeting may start at 08:00 in every audience member's zone
DAY_ENDS = time(18, 0)  # and end by 18:00
SUGGESTION_WINDOW = 21  # days after the due date searched for one that suits every country
SERIES_YEAR = timedelta(days=365)


def holidays_on(
    book: HolidayBook, day: date, countries: Iterable[str]
) -> tuple[tuple[str, str], ...]:
    """The countries (code, holiday's name) among `countries` for which `day` is a holiday."""
    found = ((code, book.holiday(code, day)) for code in dict.fromkeys(countries))
    return tuple((code, name) for code, name in found if name is not None)


def off_in(book: HolidayBook, day: date, countries: Sequence[str]) -> int:
    """In how many of `countries` `day` is no working day (all of them on a weekend)."""
    return sum(1 for code in countries if not WorkingDays(book, code).is_working(day))


@dataclass(frozen=True)
class DueCheck:
    """A due date that is no working day for some asked countries, and the day suggested
    instead: the first after it that is a working day in every asked country (or, when
    none is within three weeks, in the most of them)."""

    due: date
    weekend: bool
    holidays: tuple[tuple[str, str], ...]
    asked: int
    suggestion: date


def check_due(book: HolidayBook, due: date, countries: Sequence[str]) -> DueCheck | None:
    """None when `due` is a working day in every asked country."""
    weekend = due.weekday() >= 5
    found = holidays_on(book, due, countries)
    if not weekend and not found:
        return None
    return DueCheck(due, weekend, found, len(countries), suggest_after(book, due, countries))


def suggest_after(book: HolidayBook, day: date, countries: Sequence[str]) -> date:
    candidates = [day + timedelta(days=n) for n in range(1, SUGGESTION_WINDOW + 1)]
    working = [d for d in candidates if d.weekday() < 5]
    return min(working, key=lambda d: (off_in(book, d, countries), d))


def audience_countries(
    audience: Audience, country_roles: Mapping[str, str], profiles: Iterable[MemberProfile]
) -> list[str]:
    """The countries whose holidays matter to an audience: the countries it names (or all of
    a group's); for work-package leads, the home countries of its members."""
    if audience.group == "wp-lead":
        found = (p.home_country for p in audience_members(profiles, audience))
        return sorted({code for code in found if code is not None})
    return audience.countries(country_roles)


@dataclass(frozen=True)
class OutOfHours:
    """An audience member for whom a meeting starts before 08:00 or ends after 18:00."""

    name: str
    zone: str
    country: str | None
    start: datetime  # in their zone
    end: datetime


@dataclass(frozen=True)
class MeetingCheck:
    """What is wrong with an occurrence's time, and the series' next year on holidays."""

    start: datetime  # aware, in the meeting's zone
    holidays: tuple[tuple[str, str], ...]
    out_of_hours: tuple[OutOfHours, ...]
    later: tuple[tuple[date, tuple[str, ...]], ...] = ()  # later occurrences on holidays
    later_count: int = 0  # how many later occurrences were looked at

    @property
    def warns(self) -> bool:
        """Only the occurrence itself warns: over a year, a series meets some country's
        holiday almost always; the later ones are said when there is a warning anyway."""
        return bool(self.holidays or self.out_of_hours)


def out_of_hours(
    start: datetime, duration: timedelta, members: Iterable[MemberProfile]
) -> tuple[OutOfHours, ...]:
    """The members (by name) in whose zone the meeting starts before 08:00 or ends after
    18:00 (or on another day)."""
    found = []
    for member in sorted(members, key=lambda m: m.name):
        local = start.astimezone(zone_of(member.timezone))
        end = local + duration
        closes = local.replace(hour=DAY_ENDS.hour, minute=DAY_ENDS.minute, second=0)
        if local.time() < DAY_STARTS or end > closes:
            found.append(OutOfHours(member.name, member.timezone, member.home_country, local, end))
    return tuple(found)


def check_meeting(
    book: HolidayBook,
    starts: Sequence[datetime],
    duration: timedelta | None,
    countries: Sequence[str],
    members: Iterable[MemberProfile],
) -> MeetingCheck | None:
    """The first of `starts` (aware, in the meeting's zone) checked against the audience's
    holidays and, unless `duration` is None (all day), its members' hours; the later starts
    (a series' next year) only against holidays. None when nothing is wrong."""
    if not starts:
        return None
    first, *rest = starts
    later = []
    for start in rest:
        codes = tuple(code for code, _ in holidays_on(book, start.date(), countries))
        if codes:
            later.append((start.date(), codes))
    check = MeetingCheck(
        start=first,
        holidays=holidays_on(book, first.date(), countries),
        out_of_hours=() if duration is None else out_of_hours(first, duration, members),
        later=tuple(later),
        later_count=len(rest),
    )
    return check if check.warns else None


def audience_holidays(work: UnitOfWork, found: Sequence[Occurrence]) -> tuple[tuple[str, ...], ...]:
    """For `/meeting next`: the audience countries each occurrence's day is a holiday in."""
    countries = {c.code: CountryRef.of(c) for c in work.directory.countries()}
    roles = {code: str(c.role) for code, c in countries.items()}
    book = holiday_book(work)
    profiles: list[MemberProfile] = []
    if any(o.series.audience.group == "wp-lead" for o in found):
        profiles = [MemberProfile.of(m, countries) for m in work.directory.member_rows()]
    return tuple(
        tuple(
            code
            for code, _ in holidays_on(
                book, o.local_date, audience_countries(o.series.audience, roles, profiles)
            )
        )
        for o in found
    )
