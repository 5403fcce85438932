"""What delivery hands the notifier: a reminder, the weekly digest, a meeting's announcement,
a round's request, as plain values (rendering them, within Slack's limits, is the business of
bot/)."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, datetime

from scheduling.consortium.directory import CountryRef
from scheduling.meetings.occurrences import Occurrence, Series
from scheduling.meetings.reminders import DueReminder
from scheduling.meetings.rsvp import RsvpSummary
from scheduling.updates.views import RoundView, UpdateLine, UpdateView


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


class Announced(enum.StrEnum):
    """What a meeting announcement says happened."""

    NEW = "new"
    CANCELLED = "cancelled"
    MOVED = "moved"
    CHANGED = "changed"
    AGAIN = "again"  # `/meeting invite`: the card and file posted once more
    RESTORED = "restored"  # a cancellation undone: the series or occurrence is on again


@dataclass(frozen=True)
class AnnouncementFacts:
    """What an announcement says happened, and who asked (told if it cannot be posted)."""

    what: Announced
    field: str | None = None
    moved_from: date | None = None
    requested_by: str | None = None


@dataclass(frozen=True)
class InviteNotice:
    """A meeting change's card and calendar file: the series as it is now, the occurrence the
    card shows (none for a cancellation), the one cancelled or moved, and where it goes."""

    series: Series
    shown: Occurrence | None
    facts: AnnouncementFacts
    occurrence_local: datetime | None
    cancelled: bool
    consortium: str
    channel: str
    key: str


@dataclass(frozen=True)
class RoundRequestNotice:
    """A DM asking one member for their country's update in a round (or reminding them)."""

    round: RoundView
    country: CountryRef
    member: str
    reminder: bool
    key: str


@dataclass(frozen=True)
class CardNotice:
    """An update's card for the updates channel."""

    update: UpdateView
    channel: str
    key: str


@dataclass(frozen=True)
class InvitationNotice:
    """A meeting change as a calendar invitation by e-mail to one member (REQUEST, or CANCEL
    for a cancellation)."""

    announcement: InviteNotice
    name: str
    email: str
