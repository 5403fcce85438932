"""Which reminders are due: pure functions of a series, its offsets and an instant.

A reminder is sent `offset` of elapsed time before the occurrence starts (computed in UTC),
so "1d" before a Monday 09:00 Vienna meeting just after a DST change is 24 real hours before,
which may be 08:00 or 10:00 on the previous day's wall clock. This choice is pinned by tests.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from scheduling.meetings.occurrences import Occurrence, Series, occurrences

# How far ahead of `after` to look for an occurrence when computing the next reminder.
HORIZON = timedelta(days=400)


@dataclass(frozen=True)
class DueReminder:
    occurrence: Occurrence
    offset_minutes: int
    remind_at: datetime

    @property
    def series(self) -> Series:
        return self.occurrence.series

    def key(self, channel: str) -> str:
        """The delivery key: series, occurrence (UTC), offset and where it goes."""
        return (
            f"reminder:{self.series.id}:{self.occurrence.start:%Y%m%dT%H%MZ}:"
            f"{self.offset_minutes}m:{channel}"
        )


def reminders_between(series: Series, after: datetime, until: datetime) -> list[DueReminder]:
    """Reminders whose time is in (after, until], in order; cancelled occurrences have none."""
    found = []
    for offset in series.reminder_minutes:
        delta = timedelta(minutes=offset)
        for occurrence in occurrences(
            series, after + delta, until + delta + timedelta(microseconds=1)
        ):
            remind_at = occurrence.start - delta
            if after < remind_at <= until:
                found.append(DueReminder(occurrence, offset, remind_at))
    return sorted(found, key=lambda r: (r.remind_at, -r.offset_minutes))


def next_reminder_at(series: Series, after: datetime) -> datetime | None:
    """The first reminder instant strictly after `after`, within the horizon."""
    if series.cancelled or not series.reminder_minutes:
        return None
    best: datetime | None = None
    for offset in series.reminder_minutes:
        delta = timedelta(minutes=offset)
        upcoming = occurrences(
            series, after + delta + timedelta(microseconds=1), after + delta + HORIZON
        )
        if upcoming:
            candidate = upcoming[0].start - delta
            best = candidate if best is None or candidate < best else best
    return best
