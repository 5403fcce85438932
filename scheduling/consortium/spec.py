"""What a valid consortium file says, as values: the result of `file.parse_consortium_text`."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from scheduling.privacy.retention import RetentionPolicy
from scheduling.vocabulary import (
    Audience,
    CountryRole,
    DigestSchedule,
    MeetingKind,
    MemberRole,
    UpdateField,
)
from scheduling.workdays.holidays import HolidayBook


@dataclass(frozen=True)
class Problem:
    file: str
    line: int
    reason: str

    def __str__(self) -> str:
        # Line 0 is the file as a whole (missing, unreadable, too large).
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.reason}"


class ConsortiumFileError(Exception):
    """The file was rejected; `problems` lists every reason, each with its line."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


@dataclass(frozen=True)
class CountrySpec:
    code: str
    name: str
    role: CountryRole


@dataclass(frozen=True)
class MemberSpec:
    slack_id: str
    name: str
    countries: tuple[str, ...]
    roles: tuple[MemberRole, ...]
    timezone: str
    email: str | None = None  # where calendar invitations go, for members who ask for them
    working_hours: str | None = None  # "09:00-17:00" (None: the default hours)
    team_id: str | None = None  # their own Slack workspace, when it is not the bot's (T…)


@dataclass(frozen=True)
class MeetingSpec:
    key: str
    kind: MeetingKind
    title: str
    rrule: str | None
    starts_local: datetime
    all_day: bool
    duration_minutes: int | None
    ends_local: datetime | None
    timezone: str
    location: str | None
    join_url: str | None
    channel_purpose: str | None
    audience: Audience
    reminder_minutes: tuple[int, ...]
    agenda_days: int | None = None  # the draft agenda's lead (None: the default)


@dataclass(frozen=True)
class RoundSpec:
    title: str
    opens_on: date
    due_on: date
    audience: Audience
    sections: tuple[UpdateField, ...]


@dataclass(frozen=True)
class ConsortiumSpec:
    name: str
    timezone: str
    channels: dict[str, str]
    digest_channel: str | None
    digest_every: DigestSchedule
    countries: tuple[CountrySpec, ...] = ()
    members: tuple[MemberSpec, ...] = ()
    meetings: tuple[MeetingSpec, ...] = ()
    rounds: tuple[RoundSpec, ...] = ()
    holidays: HolidayBook = field(default_factory=HolidayBook)
    nudges: tuple[str, ...] | None = None  # the default nudge rules as written
    retention: RetentionPolicy = field(default_factory=RetentionPolicy)  # the defaults if absent
    team_id: str | None = None  # the Slack workspace the bot is installed in (T…)
