"""Working days: Monday to Friday, minus a country's public holidays and the consortium's days
off. The consortium's own working days (for `due in 10 working days`) are Monday to Friday
minus the days off of every country (`all` in the consortium file)."""

from __future__ import annotations

from datetime import date, timedelta

from scheduling.workdays.holidays import HolidayBook

WEEKEND = (5, 6)  # Saturday, Sunday: the weekend of every consortium country
MAX_WORKING_DAYS = 366  # the most a `N working days` phrase may count


class WorkingDays:
    """Which days are working days for a country (None: the consortium as a whole)."""

    def __init__(self, book: HolidayBook, country: str | None = None) -> None:
        self.book = book
        self.country = country

    def off(self, day: date) -> str | None:
        """Why `day` is no working day ("Saturday", a holiday's name), or None."""
        if day.weekday() in WEEKEND:
            return f"{day:%A}"
        return self.book.holiday(self.country, day)

    def is_working(self, day: date) -> bool:
        return self.off(day) is None

    def next_working(self, day: date) -> date:
        """`day` itself when it is a working day, else the first working day after it."""
        while not self.is_working(day):
            day += timedelta(days=1)
        return day

    def add(self, day: date, count: int) -> date:
        """The working day `count` working days after `day` (before it when negative); 0 is
        `day` itself, or the next working day when `day` is none."""
        if abs(count) > MAX_WORKING_DAYS:
            raise ValueError(f"count working days up to {MAX_WORKING_DAYS}")
        if count == 0:
            return self.next_working(day)
        step = timedelta(days=1 if count > 0 else -1)
        left = abs(count)
        while left:
            day += step
            if self.is_working(day):
                left -= 1
        return day

    def between(self, first: date, last: date) -> int:
        """The working days after `first` up to and including `last` (0 when `last` is not
        after `first`): how many working days are left until a due date."""
        count, day = 0, first
        while day < last:
            day += timedelta(days=1)
            if self.is_working(day):
                count += 1
        return count
