"""What scheduled delivery hands the notifier: a reminder notice and the weekly digest, as
plain values (rendering them, within Slack's limits, is the business of bot/)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from scheduling.consortium.directory import CountryRef
from scheduling.meetings.occurrences import Occurrence
from scheduling.meetings.reminders import DueReminder
from scheduling.meetings.rsvp import RsvpSummary
from scheduling.updates.views import RoundView, UpdateLine


@dataclass(frozen=True)
class ReminderNotice:
    """One reminder message: which occurrence, its RSVP counts, where it goes, its key."""

    reminder: DueReminder
    rsvp: RsvpSummary
    channel: str
    direct: bool
    key: str


@dataclass(frozen=True)
class ScheduleChange:
    what: str  # "new", "moved", "cancelled"
    title: str
    meeting_id: int
    detail: str


@dataclass(frozen=True)
class Digest:
    consortium: str
    timezone: str
    since: datetime
    until: datetime
    updates: tuple[tuple[CountryRef, tuple[UpdateLine, ...]], ...]
    upcoming: tuple[tuple[Occurrence, RsvpSummary], ...]
    rounds: tuple[tuple[RoundView, tuple[str, ...]], ...]
    changes: tuple[ScheduleChange, ...]

    @property
    def empty(self) -> bool:
        return not (self.updates or self.upcoming or self.rounds or self.changes)
