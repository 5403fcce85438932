"""What delivery hands the notifier: a reminder, the weekly digest, a meeting's announcement,
a round's request, as plain values (rendering them, within Slack's limits, is the business of
bot/)."""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime
from zoneinfo import ZoneInfo

from scheduling.actions.minutes import LinkLine
from scheduling.consortium.directory import CountryRef, MemberProfile
from scheduling.meetings.occurrences import Occurrence, Series
from scheduling.meetings.reminders import DueReminder
from scheduling.meetings.rsvp import RsvpSummary, RsvpTotals
from scheduling.updates.views import RoundView, UpdateLine, UpdateView
from scheduling.vocabulary import Audience


@dataclass(frozen=True)
class ReminderNotice:
    """One reminder message: which occurrence, its RSVP counts, where it goes, its key."""

    reminder: DueReminder
    rsvp: RsvpSummary
    channel: str
    direct: bool
    key: str


class ChangeKind(enum.StrEnum):
    NEW = "new"
    MOVED = "moved"
    CANCELLED = "cancelled"


@dataclass(frozen=True)
class ScheduleChange:
    """One change to the schedule since the last digest, as values (words are bot/'s): a new
    series or event (`on` its next date, `rule` in words when it repeats), a whole series
    cancelled (`on` None), an occurrence cancelled (`on` its date) or moved (`on` its old
    date, `moved_to` its new wall-clock start)."""

    what: ChangeKind
    title: str
    meeting_id: int
    on: date | None = None
    rule: str | None = None
    moved_to: datetime | None = None


@dataclass(frozen=True)
class UpcomingMeeting:
    """An occurrence in the digest's next 14 days with its answers counted against its
    audience (the "no answer" are the invited who have not answered)."""

    occurrence: Occurrence
    totals: RsvpTotals


@dataclass(frozen=True)
class OpenRound:
    """An open round with the countries still missing, and those of them nobody in the
    consortium file speaks for."""

    round: RoundView
    missing: tuple[CountryRef, ...]
    unlisted: tuple[CountryRef, ...] = ()


@dataclass(frozen=True)
class Reader:
    """Whom a digest by DM is for: their meetings and their countries' rounds come first."""

    slack_id: str
    name: str
    country_codes: tuple[str, ...]


@dataclass(frozen=True)
class Digest:
    """What happened since the last digest and what is coming, as of `until`; for the channel
    (`reader` None) or for one member by DM."""

    consortium: str
    timezone: str
    since: datetime
    until: datetime
    updates: tuple[tuple[CountryRef, tuple[UpdateLine, ...]], ...]
    upcoming: tuple[UpcomingMeeting, ...]
    rounds: tuple[OpenRound, ...]
    changes: tuple[ScheduleChange, ...]
    reader: Reader | None = None
    # For a reader: how many of `upcoming` (and of `rounds`), from the first, are theirs.
    readers_meetings: int = 0
    readers_rounds: int = 0
    # Links to minutes, notes, recordings and slides added since the last digest.
    minutes: tuple[LinkLine, ...] = ()

    @property
    def empty(self) -> bool:
        return not (self.updates or self.upcoming or self.rounds or self.changes or self.minutes)

    @property
    def today(self) -> date:
        """The digest's day in the consortium's zone, as people count days."""
        return self.until.astimezone(ZoneInfo(self.timezone)).date()

    def for_reader(self, profile: MemberProfile) -> Digest:
        """The same digest for one member: the meetings of their audiences first, then the
        rounds that ask one of their countries, then the rest as for everyone."""
        audience_of = self._includes(profile)
        mine = [u for u in self.upcoming if audience_of(u.occurrence.series.audience)]
        others = [u for u in self.upcoming if not audience_of(u.occurrence.series.audience)]
        # Rounds ask countries: one asks the reader when its audience takes one of theirs.
        theirs: list[OpenRound] = []
        rest: list[OpenRound] = []
        for open_round in self.rounds:
            asked = bool(profile.countries) and audience_of(open_round.round.audience)
            (theirs if asked else rest).append(open_round)
        return replace(
            self,
            upcoming=(*mine, *others),
            rounds=(*theirs, *rest),
            reader=Reader(profile.slack_id, profile.name, tuple(c.code for c in profile.countries)),
            readers_meetings=len(mine),
            readers_rounds=len(theirs),
        )

    @staticmethod
    def _includes(profile: MemberProfile) -> Callable[[Audience], bool]:
        """Whether an audience includes the reader, asked once per distinct audience."""
        known: dict[Audience, bool] = {}

        def includes(audience: Audience) -> bool:
            if audience not in known:
                known[audience] = audience.includes(profile)
            return known[audience]

        return includes


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
class NudgeFacts:
    """What a nudge says beside the request: the member's today (in their zone) and their
    country's working days left until the due date."""

    today: date
    working_days_left: int


@dataclass(frozen=True)
class RoundRequestNotice:
    """A DM asking one member for their country's update in a round (or reminding them; a
    nudge when `nudge` is given)."""

    round: RoundView
    country: CountryRef
    member: str
    reminder: bool
    key: str
    nudge: NudgeFacts | None = None


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
