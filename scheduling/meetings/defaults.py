"""What a meeting gets when nobody says otherwise, and whom it concerns.

A new meeting goes to the consortium file's channel for its kind (`jour-fixe`, `core-team`,
or any purpose named like a kind), else to the announcements channel; the form proposes the
next working day; a series starts on its rule's first date from the one asked for (today
when none is). `/meeting next` shows a member the meetings of their audiences (a
coordinator, who runs every meeting, sees them all) and says how many it left out.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from scheduling.consortium.directory import MemberProfile
from scheduling.durations import check_planning_date
from scheduling.language.dates import short_date
from scheduling.language.places import find_zone
from scheduling.language.words import suggest
from scheduling.meetings.edits import MeetingError
from scheduling.meetings.mapping import CHANNEL_ID, meeting_channel
from scheduling.meetings.occurrences import Occurrence, Series, next_occurrences
from scheduling.meetings.recurrence import (
    FIRST_OCCURRENCE_YEARS,
    first_occurrence,
    normalise_until,
)
from scheduling.vocabulary import Audience, MeetingKind, MemberRole, VocabularyError
from storage.repositories import UnitOfWork
from storage.repositories.meetings import AudienceFilter

SATURDAY = 5
DEFAULT_ZONE = "Europe/Brussels"


@dataclass(frozen=True)
class ScheduleRequest:
    kind: MeetingKind
    title: str
    rrule: str | None
    first_date: date | None
    explicit_from: bool
    at: time | None
    duration_minutes: int | None
    timezone: str | None
    channel: str | None  # None: the consortium file's channel for the kind, else announcements
    # None: the kind's default (see `MeetingKind`); text as a person typed it for the others.
    audience: Audience | None = None
    reminders: str | None = None
    location: str | None = None
    join_url: str | None = None


def check_zone(name: str) -> str:
    """The IANA zone `name` names (`Vienna` -> Europe/Vienna)."""
    try:
        return find_zone(name)
    except VocabularyError as error:
        raise MeetingError(str(error), "timezone") from None


def next_working_day(now: datetime, zone: str) -> date:
    """The first Monday-to-Friday date after today in `zone`: the form's first date."""
    day = now.astimezone(ZoneInfo(zone)).date() + timedelta(days=1)
    while day.weekday() >= SATURDAY:
        day += timedelta(days=1)
    return day


def resolve_channel(
    work: UnitOfWork, channel: str | None, kind: MeetingKind | None = None
) -> str | None:
    """A channel purpose of the consortium file, or a raw channel ID to keep as is. Without
    one, the purpose named like the meeting's kind when the file has it (None: the
    announcements channel)."""
    known = work.directory.channels()
    if channel is None:
        return str(kind) if kind is not None and any(c.purpose == kind for c in known) else None
    if any(c.purpose == channel for c in known):
        return channel
    for found in known:
        if found.slack_channel_id == channel:
            return found.purpose
    if CHANNEL_ID.fullmatch(channel):
        return channel
    purposes = ", ".join(c.purpose for c in known)
    close = suggest(channel, [c.purpose for c in known])
    hint = f"did you mean #{close}? " if close else ""
    raise MeetingError(
        f"I don't know the channel {channel!r}; {hint}known: {purposes or 'none'}", "channel"
    )


def channel_id(work: UnitOfWork, purpose: str | None) -> str | None:
    """The Slack channel of a meeting's channel purpose (announcements when it has none)."""
    channels = {c.purpose: c.slack_channel_id for c in work.directory.channels()}
    return meeting_channel(purpose, channels)


def concerns(series: Series, member: MemberProfile) -> bool:
    """Whether a meeting is the member's business: they are in its audience, or they are a
    coordinator, who runs every meeting."""
    return member.is_coordinator or series.audience.includes(member)


def audiences_concerning(member: MemberProfile) -> AudienceFilter | None:
    """The stored audiences of the meetings that concern a member (`Audience.includes`), for
    the database to read only those (None: every meeting, a coordinator's). `concerns`
    still decides each series, so this may take more, never less."""
    if member.is_coordinator:
        return None
    groups = [str(Audience.ALL), *sorted({str(country.role) for country in member.countries})]
    if MemberRole.WP_LEAD in member.roles:
        groups.append(str(Audience.WP_LEAD))
    return AudienceFilter(groups, [country.code for country in member.countries])


@dataclass(frozen=True)
class Upcoming:
    """`/meeting next`: the occurrences shown, whether they are everyone's, and how many of
    the next ones (as `/meeting next all` lists them) are for other audiences."""

    occurrences: list[Occurrence]
    everyone: bool
    hidden: int = 0
    # The audience countries each occurrence is a public holiday in (by position; none: ()).
    holidays: tuple[tuple[str, ...], ...] = ()

    def holiday_codes(self, index: int) -> tuple[str, ...]:
        return self.holidays[index] if index < len(self.holidays) else ()


def upcoming_for(
    every_series: Sequence[Series],
    my_series: Sequence[Series],
    member: MemberProfile,
    now: datetime,
    *,
    everyone: bool,
    limit: int,
) -> Upcoming:
    """The next `limit` occurrences of `every_series` (everyone's) or of `my_series` (those
    that concern the member), and how many of everyone's next ones are not the member's."""
    every = next_occurrences(list(every_series), now, limit)
    if everyone:
        return Upcoming(every, True)
    mine = next_occurrences([s for s in my_series if concerns(s, member)], now, limit)
    hidden = sum(1 for occurrence in every if not concerns(occurrence.series, member))
    return Upcoming(mine, False, hidden)


def first_start(request: ScheduleRequest, zone: str, now: datetime) -> tuple[datetime, str | None]:
    """The first start on the rule's wall clock, and the rule with UNTIL in UTC."""
    today = now.astimezone(ZoneInfo(zone)).date()
    first_date = check_planning_date(request.first_date or today)
    if first_date < today and not request.explicit_from:
        raise MeetingError(
            f"{short_date(first_date)} is in the past; to record a past meeting say "
            f"`from {first_date:%Y-%m-%d}` explicitly",
            "date",
        )
    start = datetime.combine(first_date, request.at or time())
    rrule = normalise_until(request.rrule, zone)
    if rrule is None:
        return start, None
    # RFC 5545 expects DTSTART to be the first occurrence: move it onto the rule.
    first = first_occurrence(rrule, start, zone)
    ends = re.search(r"UNTIL=(\d{8})", request.rrule or "")
    if first is None and ends and ends[1] < f"{start:%Y%m%d}":
        raise MeetingError(
            f"the series would end before it begins (it starts {short_date(start.date())}); "
            "say a later `until` date",
            "repeat",
        )
    if first is None:
        raise MeetingError(
            f"the repeat rule has no occurrence in the {FIRST_OCCURRENCE_YEARS} years from "
            f"{start:%Y-%m-%d}, so there is nothing to schedule; check its BY… parts",
            "repeat",
        )
    return first, rrule
