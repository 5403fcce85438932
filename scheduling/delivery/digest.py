"""The weekly digest's content, as plain values: what happened since the last digest and
what is coming. Rendering (and Slack's limits) is the business of bot/."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from scheduling.consortium.directory import CountryRef
from scheduling.meetings.mapping import to_series
from scheduling.meetings.occurrences import CANCELLED, MOVED, Occurrence, occurrences
from scheduling.meetings.rsvp import RsvpService, RsvpSummary
from scheduling.updates.rounds import RoundService, RoundView
from scheduling.updates.service import UpdateView, to_view
from storage.db import Database
from storage.models import CountryUpdate, Meeting
from storage.repositories import DirectoryRepository, MeetingRepository

UPCOMING_DAYS = 14
DEFAULT_EVERY = "monday 09:00"
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


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
    updates: tuple[tuple[CountryRef, tuple[UpdateView, ...]], ...]
    upcoming: tuple[tuple[Occurrence, RsvpSummary], ...]
    rounds: tuple[tuple[RoundView, tuple[str, ...]], ...]
    changes: tuple[ScheduleChange, ...]

    @property
    def empty(self) -> bool:
        return not (self.updates or self.upcoming or self.rounds or self.changes)


def digest_instant(every: str | None, zone: str, now: datetime) -> datetime:
    """This week's digest time (`monday 09:00` in the consortium's zone) as an aware instant."""
    match = re.fullmatch(r"\s*([a-z]+)\s+(\d{1,2}):(\d{2})\s*", (every or DEFAULT_EVERY).lower())
    weekday, hour, minute = (
        ("monday", 9, 0) if not match else (match[1], int(match[2]), int(match[3]))
    )
    tz = ZoneInfo(zone)
    local_today = now.astimezone(tz).date()
    monday = local_today - timedelta(days=local_today.weekday())
    day = monday + timedelta(days=_WEEKDAYS.index(weekday) if weekday in _WEEKDAYS else 0)
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=tz)


def iso_week(instant: datetime, zone: str) -> str:
    year, week, _ = instant.astimezone(ZoneInfo(zone)).isocalendar()
    return f"{year}-W{week:02d}"


def build_digest(
    database: Database, rounds: RoundService, rsvps: RsvpService, since: datetime, until: datetime
) -> Digest:
    with database.read() as session:
        directory = DirectoryRepository(session)
        consortium = directory.consortium()
        name = consortium.name if consortium else "Consortium"
        zone = consortium.timezone if consortium else "UTC"
        found = session.scalars(
            select(CountryUpdate)
            .where(CountryUpdate.created_at > since, CountryUpdate.created_at <= until)
            .options(selectinload(CountryUpdate.revisions))
            .order_by(CountryUpdate.country_code, CountryUpdate.created_at)
        ).all()
        countries = {c.code: CountryRef(c.code, c.name, c.role) for c in directory.countries()}
        grouped: dict[str, list[UpdateView]] = {}
        for update in found:
            grouped.setdefault(update.country_code, []).append(to_view(session, update, countries))
        updates = tuple(
            (views[0].country, tuple(views))
            for views in sorted(grouped.values(), key=lambda v: v[0].country.name)
        )
        series = [to_series(m) for m in MeetingRepository(session).all()]
        changes = _changes(
            session.scalars(select(Meeting).options(selectinload(Meeting.exceptions))).all(),
            since,
            until,
        )
    horizon = until + timedelta(days=UPCOMING_DAYS)
    upcoming_occurrences = sorted(
        (o for one in series for o in occurrences(one, until, horizon)),
        key=lambda o: (o.start, o.series.id),
    )
    upcoming = tuple(
        (o, rsvps.summary(o.series.id, o.original_local)) for o in upcoming_occurrences
    )
    open_rounds = []
    for round_ in rounds.open_rounds():
        missing = tuple(row.country.name for row in rounds.status(round_.id).missing)
        open_rounds.append((round_, missing))
    return Digest(name, zone, since, until, updates, upcoming, tuple(open_rounds), changes)


def _changes(
    meetings: Sequence[Meeting], since: datetime, until: datetime
) -> tuple[ScheduleChange, ...]:
    changes = []
    for meeting in meetings:
        still_ahead = meeting.rrule is not None or meeting.starts_local >= until.replace(
            tzinfo=None
        )
        if since < meeting.created_at <= until and still_ahead:
            changes.append(
                ScheduleChange(
                    "new", meeting.title, meeting.id, _local_day(meeting.starts_local.date())
                )
            )
        if meeting.cancelled_at is not None and since < meeting.cancelled_at <= until:
            changes.append(
                ScheduleChange("cancelled", meeting.title, meeting.id, "the whole series")
            )
        for exception in meeting.exceptions:
            if not since < exception.created_at <= until:
                continue
            day = _local_day(exception.original_start_local.date())
            if exception.status == CANCELLED:
                changes.append(
                    ScheduleChange("cancelled", meeting.title, meeting.id, f"the meeting of {day}")
                )
            elif exception.status == MOVED and exception.new_start_local is not None:
                new = exception.new_start_local
                changes.append(
                    ScheduleChange(
                        "moved",
                        meeting.title,
                        meeting.id,
                        f"{day} → {_local_day(new.date())} {new:%H:%M}",
                    )
                )
    return tuple(changes)


def _local_day(day: date) -> str:
    return f"{day:%a} {day.day} {day:%b %Y}"
