"""Occurrences of meeting series: expanded in each series' own zone, localised one by one.

Everything here is a pure function of a `Series` snapshot and a window, so the same code
serves Slack messages, the .ics exports, reminders and the benchmarks.
"""

from __future__ import annotations

import bisect
import functools
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import cached_property
from zoneinfo import ZoneInfo

from dateutil import rrule as dateutil_rrule

from scheduling.meetings.recurrence import describe_rrule, first_occurrence, until_as_local
from scheduling.vocabulary import Audience, MeetingKind

CANCELLED = "cancelled"
MOVED = "moved"


@dataclass(frozen=True)
class OccurrenceChange:
    """A cancelled or moved occurrence, named by the wall-clock start it would have had."""

    original_local: datetime
    status: str
    new_start_local: datetime | None = None


@dataclass(frozen=True)
class Series:
    """A meeting as the domain sees it: plain values, no database session."""

    id: int
    uid: str
    kind: MeetingKind
    title: str
    rrule: str | None
    starts_local: datetime
    timezone: str
    all_day: bool = False
    duration_minutes: int | None = None
    ends_local: datetime | None = None
    location: str | None = None
    join_url: str | None = None
    channel_purpose: str | None = None
    audience: Audience = Audience.ALL
    reminder_minutes: tuple[int, ...] = ()
    sequence: int = 0
    cancelled: bool = False
    created_at: datetime = datetime(2024, 1, 1, tzinfo=UTC)
    updated_at: datetime = datetime(2024, 1, 1, tzinfo=UTC)
    changes: tuple[OccurrenceChange, ...] = field(default=())

    @cached_property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @cached_property
    def duration(self) -> timedelta:
        """Length of one occurrence: whole days for all-day meetings (end date inclusive)."""
        if self.all_day:
            last = (self.ends_local or self.starts_local).date()
            return timedelta(days=(last - self.starts_local.date()).days + 1)
        if self.duration_minutes is not None:
            return timedelta(minutes=self.duration_minutes)
        if self.ends_local is not None:
            return self.ends_local - self.starts_local
        return timedelta(hours=1)

    @property
    def rule_in_words(self) -> str:
        return describe_rrule(self.rrule, self.timezone)

    @cached_property
    def _changes_by_original(self) -> dict[datetime, OccurrenceChange]:
        return {change.original_local: change for change in self.changes}

    def change_for(self, original_local: datetime) -> OccurrenceChange | None:
        return self._changes_by_original.get(original_local)

    @cached_property
    def _expansion(self) -> _Expansion | None:
        if self.rrule is None:
            return None
        return _expansion_of(until_as_local(self.rrule, self.timezone), self.starts_local)

    def local_starts_between(self, first: datetime, last: datetime) -> list[datetime]:
        """Scheduled (unchanged) wall-clock starts within [first, last], naive and local."""
        expansion = self._expansion
        if expansion is None:
            return [self.starts_local] if first <= self.starts_local <= last else []
        return expansion.between(first, last)

    def first_local_start_after(self, moment: datetime) -> datetime | None:
        """The first scheduled wall-clock start after `moment` (naive, local), however far."""
        expansion = self._expansion
        if expansion is None:
            return self.starts_local if self.starts_local > moment else None
        return expansion.first_after(moment)


class _Expansion:
    """The starts of one rule from one DTSTART, generated once and kept in order.

    Parsing a rule and starting dateutil's iteration cost far more than reading a few
    weeks of starts, and a `Series` is rebuilt from the database for every request; so the
    starts generated so far are kept, shared by every thread (under a lock), and extended
    only when a later window is asked for. A rule stored before the door refused rules that
    never meet yields nothing, rather than dateutil searching for its starts until 9999.
    """

    def __init__(self, rule: str, start: datetime) -> None:
        parsed = dateutil_rrule.rrulestr(rule, dtstart=start)
        assert isinstance(parsed, dateutil_rrule.rrule)
        meets = first_occurrence(rule, start) is not None
        self._pending: Iterator[datetime] | None = iter(parsed) if meets else None
        self._starts: list[datetime] = []
        self._lock = threading.Lock()

    def between(self, first: datetime, last: datetime) -> list[datetime]:
        """The starts within [first, last]."""
        with self._lock:
            self._extend_past(last)
            low = bisect.bisect_left(self._starts, first)
            high = bisect.bisect_right(self._starts, last)
            return self._starts[low:high]

    def first_after(self, moment: datetime) -> datetime | None:
        with self._lock:
            self._extend_past(moment)
            index = bisect.bisect_right(self._starts, moment)
            return self._starts[index] if index < len(self._starts) else None

    def _extend_past(self, moment: datetime) -> None:
        """Generate starts until one lies after `moment` or the rule has no more."""
        while self._pending is not None and (not self._starts or self._starts[-1] <= moment):
            following = next(self._pending, None)
            if following is None:
                self._pending = None
            else:
                self._starts.append(following)


@functools.lru_cache(maxsize=4096)
def _expansion_of(rule: str, start: datetime) -> _Expansion:
    return _Expansion(rule, start)


@dataclass(frozen=True)
class Occurrence:
    series: Series
    original_local: datetime
    start_local: datetime
    start: datetime
    end: datetime

    @property
    def moved(self) -> bool:
        return self.start_local != self.original_local

    @property
    def all_day(self) -> bool:
        return self.series.all_day

    @property
    def local_date(self) -> date:
        return self.start_local.date()


def localise(local: datetime, zone: ZoneInfo) -> datetime:
    """A wall-clock time in `zone` as an aware UTC instant (fold=0 for the rare repeated hour)."""
    return local.replace(tzinfo=zone, fold=0).astimezone(UTC)


def _occurrence(series: Series, original: datetime, start_local: datetime) -> Occurrence:
    zone = series.zone
    if series.all_day:
        day = datetime.combine(start_local.date(), time())
        start = localise(day, zone)
        end = localise(day + series.duration, zone)
    else:
        start = localise(start_local, zone)
        end = start + series.duration
    return Occurrence(series, original, start_local, start, end)


def occurrences(series: Series, window_start: datetime, window_end: datetime) -> list[Occurrence]:
    """Occurrences that start in [window_start, window_end), cancelled ones left out,
    moved ones at their new time; in order of start."""
    if series.cancelled:
        return []
    zone = series.zone
    # Two days of margin on each side covers any UTC offset; the UTC filter below is exact.
    local_first = window_start.astimezone(zone).replace(tzinfo=None) - timedelta(days=2)
    local_last = window_end.astimezone(zone).replace(tzinfo=None) + timedelta(days=2)
    found: list[Occurrence] = []
    for original in series.local_starts_between(local_first, local_last):
        if series.change_for(original) is None:
            found.append(_occurrence(series, original, original))
    for change in series.changes:
        if change.status == MOVED and change.new_start_local is not None:
            found.append(_occurrence(series, change.original_local, change.new_start_local))
    return sorted((o for o in found if window_start <= o.start < window_end), key=lambda o: o.start)


def next_occurrences(
    series_list: list[Series], after: datetime, limit: int, horizon_days: int = 400
) -> list[Occurrence]:
    """The next `limit` occurrences of all series, starting at or after `after`."""
    window_end = after + timedelta(days=horizon_days)
    found = [o for s in series_list for o in occurrences(s, after, window_end)]
    return sorted(found, key=lambda o: (o.start, o.series.id))[:limit]


def next_of(series: Series, now: datetime) -> Occurrence | None:
    """The series' next occurrence at or after `now`, however far ahead it is: a series may
    start years from now, and a rule may skip years (29 February)."""
    window = timedelta(days=400)
    found = next_occurrences([series], now, 1, horizon_days=window.days)
    if found or series.cancelled:
        return found[0] if found else None
    beyond = (now + window).astimezone(series.zone).replace(tzinfo=None)
    later = series.first_local_start_after(beyond)
    if later is None:
        return None
    found = next_occurrences([series], localise(later, series.zone), 1, horizon_days=window.days)
    return found[0] if found else None


def scheduled_occurrence(series: Series, original_local: datetime) -> Occurrence | None:
    """The occurrence the rule schedules at `original_local` (at its new time if moved), or
    None when the rule has no start then or that occurrence is cancelled."""
    if series.cancelled or original_local not in series.local_starts_between(
        original_local, original_local
    ):
        return None
    change = series.change_for(original_local)
    if change is None:
        return _occurrence(series, original_local, original_local)
    if change.status == MOVED and change.new_start_local is not None:
        return _occurrence(series, original_local, change.new_start_local)
    return None


def occurrence_on(series: Series, day: date) -> Occurrence | None:
    """The occurrence happening on a local date (a moved one counts on its new date)."""
    start = datetime.combine(day, time(), series.zone)
    found = occurrences(series, start - timedelta(days=1), start + timedelta(days=2))
    return next((o for o in found if o.start_local.date() == day), None)
