"""When a DM that is not tied to a meeting's time may reach a member: on a working day of
their country, not while they are away, within their working hours, all in their own zone."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from scheduling.errors import FieldError
from scheduling.workdays.days import WorkingDays
from scheduling.workdays.holidays import HolidayBook

LOOK_AHEAD_DAYS = 400  # past a year of days away and holidays, nothing is allowed: give up
_HOURS = re.compile(
    r"^\s*(\d{1,2})(?:[:.h](\d{2}))?\s*(?:-|–|to|until)\s*(\d{1,2})(?:[:.h](\d{2}))?\s*$"
)


@dataclass(frozen=True)
class WorkingHours:
    """From `start` (included) to `end` (excluded), local time."""

    start: time = time(8, 0)
    end: time = time(19, 0)

    @classmethod
    def parse(cls, text: str | None) -> WorkingHours:
        """`09:00-17:00`, `9-17`, `8.30 to 18`; None or empty: the default hours."""
        if text is None or not text.strip():
            return cls()
        match = _HOURS.match(text.lower())
        if match is None:
            raise FieldError(
                f"I can't read {text!r} as working hours; say e.g. 09:00-17:00 or 9-17.",
                "hours",
            )
        start_h, start_m, end_h, end_m = (int(g) if g else 0 for g in match.groups())
        if start_h > 23 or end_h > 24 or start_m > 59 or end_m > 59 or (end_h == 24 and end_m):
            raise FieldError(f"{text!r} is not a time of day; say e.g. 09:00-17:00.", "hours")
        start = time(start_h, start_m)
        end = time(23, 59) if end_h == 24 else time(end_h, end_m)
        if end <= start or _minutes(end) - _minutes(start) < 60:
            raise FieldError(
                f"Working hours {text!r} must end at least an hour after they start, "
                "on the same day (e.g. 09:00-17:00).",
                "hours",
            )
        return cls(start, end)

    def __str__(self) -> str:
        return f"{self.start:%H:%M}-{self.end:%H:%M}"

    def contains(self, moment: time) -> bool:
        return self.start <= moment < self.end


def _minutes(moment: time) -> int:
    return moment.hour * 60 + moment.minute


@dataclass(frozen=True)
class Away:
    """Days away, first and last included (in the member's zone)."""

    first: date
    last: date

    def covers(self, day: date) -> bool:
        return self.first <= day <= self.last


def zone_of(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


@dataclass(frozen=True)
class Availability:
    """One member's calendar: their zone, the country whose holidays they keep, their hours
    and their days away."""

    zone: str
    country: str | None
    book: HolidayBook
    hours: WorkingHours = WorkingHours()
    away: Sequence[Away] = ()

    @property
    def days(self) -> WorkingDays:
        return WorkingDays(self.book, self.country)

    def away_on(self, day: date) -> Away | None:
        return next((period for period in self.away if period.covers(day)), None)

    def day_allowed(self, day: date) -> bool:
        """A working day of their country on which they are not away."""
        return self.days.is_working(day) and self.away_on(day) is None

    def allows(self, instant: datetime) -> bool:
        """Whether a DM not tied to a meeting may reach them at `instant`."""
        local = instant.astimezone(zone_of(self.zone))
        return self.day_allowed(local.date()) and self.hours.contains(local.time())

    def next_allowed(self, instant: datetime) -> datetime | None:
        """The first instant from `instant` on at which a DM may reach them (UTC); None
        when no day of the next `LOOK_AHEAD_DAYS` is allowed."""
        tz = zone_of(self.zone)
        local = instant.astimezone(tz)
        day = local.date()
        for _ in range(LOOK_AHEAD_DAYS):
            if self.day_allowed(day):
                opens = _local_instant(day, self.hours.start, tz)
                closes = _local_instant(day, self.hours.end, tz)
                candidate = max(instant, opens)
                if candidate < closes:
                    return candidate.astimezone(UTC)
            day += timedelta(days=1)
        return None

    def at_on_or_after(self, day: date, moment: time) -> datetime | None:
        """The first allowed instant from `moment` local on `day` on (a nudge's 09:30)."""
        return self.next_allowed(_local_instant(day, moment, zone_of(self.zone)))


def _local_instant(day: date, moment: time, tz: ZoneInfo) -> datetime:
    """`moment` on `day` in `tz` as a UTC instant; a wall time skipped by a clock change
    moves forward by the gap, as a clock on the wall would."""
    wall = datetime.combine(day, moment, tzinfo=tz)
    instant = wall.astimezone(UTC)
    if instant.astimezone(tz).replace(tzinfo=None) != wall.replace(tzinfo=None):
        instant = datetime.combine(day, moment, tzinfo=tz).replace(fold=1).astimezone(UTC)
    return instant
