"""Public holidays per country, from the `holidays` package (pinned in pyproject.toml: a new
release may add or move a day), with the days off the consortium file adds.

Only the public category is used: the days a country's offices are closed. A year's holidays
of a country are computed once per process and kept (a few dozen dates each).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

import holidays as holiday_data

ALL = "all"  # the consortium file's key for days off of every country
CONSORTIUM_DAY_OFF = "a day off of the consortium"
LOCAL_DAY_OFF = "a local day off"


@functools.lru_cache(maxsize=512)
def _public(country: str, year: int) -> Mapping[date, str]:
    """The public holidays of `country` (ISO 3166-1 alpha-2) in `year`; none for a code the
    data source does not know (the consortium file's check says so first)."""
    try:
        found = holiday_data.country_holidays(country, years=year)
    except NotImplementedError:
        return {}
    return dict(found.items())


def known_country(code: str) -> bool:
    """Whether the holiday data covers `code`."""
    return code.upper() in holiday_data.list_supported_countries()


@dataclass(frozen=True)
class HolidayBook:
    """Every country's public holidays plus the consortium's own days off: `extra` maps a
    country code (or `all`) to its added dates."""

    extra: Mapping[str, frozenset[date]] = field(default_factory=dict)

    @classmethod
    def of(cls, stored: Mapping[str, Iterable[str]] | None) -> HolidayBook:
        """From the consortium row's `holidays` (ISO dates by country code or `all`);
        an unreadable date is ignored (the file's import checked them)."""
        extra: dict[str, frozenset[date]] = {}
        for code, days in (stored or {}).items():
            read = set()
            for day in days:
                try:
                    read.add(date.fromisoformat(str(day)))
                except ValueError:
                    continue
            extra[code if code == ALL else code.upper()] = frozenset(read)
        return cls(extra)

    def stored(self) -> dict[str, list[str]]:
        return {code: sorted(d.isoformat() for d in days) for code, days in self.extra.items()}

    def holiday(self, country: str | None, day: date) -> str | None:
        """The name of the holiday `day` is in `country` (None: a working day as far as
        holidays go; `country` None asks about the consortium's own days off only)."""
        if day in self.extra.get(ALL, ()):
            return CONSORTIUM_DAY_OFF
        if country is None:
            return None
        code = country.upper()
        if day in self.extra.get(code, ()):
            return LOCAL_DAY_OFF
        return _public(code, day.year).get(day)

    def holidays_in(self, country: str, first: date, last: date) -> list[tuple[date, str]]:
        """The holidays of `country` from `first` to `last`, in order."""
        found: dict[date, str] = {}
        for year in range(first.year, last.year + 1):
            for day, name in _public(country.upper(), year).items():
                if first <= day <= last:
                    found[day] = name
        for key, label in ((country.upper(), LOCAL_DAY_OFF), (ALL, CONSORTIUM_DAY_OFF)):
            for day in self.extra.get(key, ()):
                if first <= day <= last:
                    found[day] = label
        return sorted(found.items())
