"""VTIMEZONEs that every calendar client reads the same way, made from the tz database.

icalendar's own VTIMEZONEs list every change of offset as an RDATE, put the spring change at
the wall time after it (Lisbon's 01:00 WET written as 02:00) and a COMMENT where RFC 5545
allows none; vobject then put Lisbon's summer meetings an hour off. These are written the way
tzurl.org publishes them: where a zone changes by a yearly rule (last Sunday of March, at
01:00 UTC), one observance with that RRULE, from its first change in the window on; a change
that follows no rule is an observance of its own. Each onset is the wall time *before* the
change, in TZOFFSETFROM, as RFC 5545 §3.6.5 says.

The changes are read from Python's zoneinfo (the tz database, kept current by the `tzdata`
package and the system), not from a VTIMEZONE collection that could fall behind it.
"""

from __future__ import annotations

import calendar
import functools
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from icalendar import Timezone, TimezoneDaylight, TimezoneStandard, vRecur

_WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
# A zone with no change in the window is one observance from this date on.
_EPOCH = datetime(1970, 1, 1)
# Every VTIMEZONE describes its zone from 2000 at least: vobject tells a zone from UTC by
# comparing them from 2000 to 2020, and took Lisbon described from 2024 only for UTC (and
# then its summer meetings for an hour late). With yearly rules this costs no length.
SINCE_YEAR = 2000


@dataclass(frozen=True)
class _Change:
    """One change of a zone's offset: when (UTC), from and to which offset, into what."""

    at: datetime
    before: timedelta
    after: timedelta
    dst: bool
    name: str

    @property
    def onset(self) -> datetime:
        """The wall time at which it happens, on the clock as it was before."""
        return (self.at + self.before).replace(tzinfo=None)

    def kind(self) -> tuple[bool, timedelta, timedelta, str]:
        return self.dst, self.before, self.after, self.name


@dataclass(frozen=True)
class Observance:
    """One STANDARD or DAYLIGHT part of a VTIMEZONE."""

    dst: bool
    start: datetime  # local wall time before the first change
    before: timedelta
    after: timedelta
    name: str
    rule: str | None = None  # a yearly RRULE, when the changes follow one


def _offset(zone: ZoneInfo, at: datetime) -> tuple[timedelta, bool, str]:
    local = at.astimezone(zone)
    return local.utcoffset() or timedelta(), bool(local.dst()), local.tzname() or ""


def _changes(zone_name: str, first_year: int, last_year: int) -> list[_Change]:
    """Every change of offset (or of its name) from the start of `first_year` to the end of
    `last_year`, each found to the second."""
    zone = ZoneInfo(zone_name)
    found = []
    day = datetime(first_year, 1, 1, tzinfo=UTC)
    end = datetime(last_year + 1, 1, 1, tzinfo=UTC)
    state = _offset(zone, day)
    while day < end:
        following = day + timedelta(days=1)
        then = _offset(zone, following)
        if then != state:
            low, high = day, following  # the change is in (low, high]
            while high - low > timedelta(seconds=1):
                middle = low + (high - low) / 2
                if _offset(zone, middle) == state:
                    low = middle
                else:
                    high = middle
            found.append(_Change(high, state[0], then[0], then[1], then[2]))
            state = then
        day = following
    return found


def _rule_of(onset: datetime) -> tuple[int, str, tuple[int, int, int]]:
    """An onset's place in a yearly rule: its month, its weekday as RRULE's BYDAY (`-1SU`,
    the last Sunday; `2SU`, the second) and its time of day."""
    last_day = calendar.monthrange(onset.year, onset.month)[1]
    weekday = _WEEKDAYS[onset.weekday()]
    nth = "-1" if onset.day + 7 > last_day else str((onset.day - 1) // 7 + 1)
    return onset.month, f"{nth}{weekday}", (onset.hour, onset.minute, onset.second)


def _weekday_rule_of(onset: datetime) -> tuple[int, str, tuple[int, int, int]]:
    """The same without the week: for rules such as "the Friday before the last Sunday"
    (Jerusalem) or "the Saturday before it" (Nuuk), which no nth weekday says."""
    return onset.month, _WEEKDAYS[onset.weekday()], (onset.hour, onset.minute, onset.second)


def _yearly_rule(run: list[_Change]) -> str:
    """The RRULE of a run of changes: the nth (or last) weekday of a month where that holds,
    else the weekday within the seven days of the month it always falls in."""
    first = run[0].onset
    if all(_rule_of(c.onset) == _rule_of(first) for c in run):
        return f"FREQ=YEARLY;BYMONTH={first.month};BYDAY={_rule_of(first)[1]}"
    low = min(c.onset.day for c in run)
    days = ",".join(str(day) for day in range(low, low + 7))
    weekday = _WEEKDAYS[first.weekday()]
    return f"FREQ=YEARLY;BYMONTH={first.month};BYMONTHDAY={days};BYDAY={weekday}"


def _fits(run: list[_Change], change: _Change) -> bool:
    """Whether `change` continues `run` (the next year, by the same rule)."""
    onset, last = change.onset, run[-1].onset
    if onset.year != last.year + 1 or _weekday_rule_of(onset) != _weekday_rule_of(last):
        return False
    if all(_rule_of(c.onset) == _rule_of(onset) for c in run):
        return True
    days = [c.onset.day for c in run] + [onset.day]
    return max(days) - min(days) <= 6


def _runs(changes: list[_Change]) -> list[list[_Change]]:
    """Changes of one kind cut into runs of consecutive years that follow one rule."""
    runs: list[list[_Change]] = []
    for change in changes:
        run = runs[-1] if runs else None
        if run is not None and _fits(run, change):
            run.append(change)
        else:
            runs.append([change])
    return runs


@functools.lru_cache(maxsize=256)
def observances(zone_name: str, first_year: int, last_year: int) -> tuple[Observance, ...]:
    """The observances that describe `zone_name` from `first_year` to `last_year` (and on,
    where the last rule goes on)."""
    changes = _changes(zone_name, first_year, last_year)
    if not changes:
        offset, dst, name = _offset(ZoneInfo(zone_name), datetime(first_year, 1, 1, tzinfo=UTC))
        return (Observance(dst, _EPOCH, offset, offset, name),)
    kinds: dict[tuple[bool, timedelta, timedelta, str], list[_Change]] = {}
    for change in changes:
        kinds.setdefault(change.kind(), []).append(change)
    # The clock as it was before the first change, from the start of the window.
    first = changes[0]
    window_start = datetime(first_year, 1, 1)
    before_dst = _offset(ZoneInfo(zone_name), datetime(first_year, 1, 1, tzinfo=UTC))
    found = [Observance(before_dst[1], window_start, first.before, first.before, before_dst[2])]
    for (dst, before, after, name), of_kind in kinds.items():
        runs = _runs(of_kind)
        for index, run in enumerate(runs):
            start = run[0].onset
            if len(run) == 1:
                found.append(Observance(dst, start, before, after, name))
                continue
            rule = _yearly_rule(run)
            # The rule goes on past the window when it still held in its last year.
            goes_on = index == len(runs) - 1 and run[-1].onset.year == last_year
            if not goes_on:
                # A day after the run's last change, not at it: dateutil (vobject) compares
                # UNTIL with local onsets as if it were local time, and east of UTC would
                # drop that last change.
                rule += f";UNTIL={run[-1].at + timedelta(days=1):%Y%m%dT%H%M%SZ}"
            found.append(Observance(dst, start, before, after, name, rule))
    return tuple(sorted(found, key=lambda o: o.start))


def vtimezone(zone_name: str, first: date, last: date) -> Timezone:
    """The VTIMEZONE of `zone_name` for events from `first` to `last`."""
    component = Timezone()
    component.add("tzid", zone_name)
    component.add("x-lic-location", zone_name)
    for observance in observances(zone_name, min(first.year, SINCE_YEAR), last.year):
        part = TimezoneDaylight() if observance.dst else TimezoneStandard()
        part.add("dtstart", observance.start)
        part.add("tzoffsetfrom", observance.before)
        part.add("tzoffsetto", observance.after)
        if observance.name:
            part.add("tzname", observance.name)
        if observance.rule is not None:
            part.add("rrule", vRecur.from_ical(observance.rule))
        component.add_component(part)
    return component
