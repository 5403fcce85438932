"""Scheduling meetings: create series and one-off events, list them, cancel or move single
occurrences, edit fields. Every significant change raises the series' SEQUENCE."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy.orm import Session

from scheduling.clock import Clock
from scheduling.consortium.file import MEETING_KINDS
from scheduling.consortium.importer import new_series_uid
from scheduling.durations import parse_duration_minutes
from scheduling.meetings.mapping import refresh_next_reminder, to_series
from scheduling.meetings.occurrences import (
    CANCELLED,
    MOVED,
    Occurrence,
    Series,
    next_occurrences,
    occurrences,
)
from scheduling.meetings.recurrence import (
    WallClockError,
    check_series_wall_clock,
    check_wall_clock,
    local_occurrences,
    normalise_until,
)
from storage.db import Database
from storage.models import Meeting, MeetingException
from storage.repositories import DirectoryRepository, MeetingRepository

MAX_TITLE_LENGTH = 250
EDITABLE_FIELDS = ("title", "time", "duration", "link", "location", "channel", "reminders")
_FIELD_ALIASES = {"join": "link", "join_url": "link", "url": "link", "start": "time"}
_CHANNEL_ID = re.compile(r"[CGD][A-Z0-9]{2,}")


class MeetingError(ValueError):
    """A request the service refuses; the message says why, for the person who asked."""


@dataclass(frozen=True)
class ScheduleRequest:
    kind: str
    title: str
    rrule: str | None
    first_date: date | None
    explicit_from: bool
    at: time | None
    duration_minutes: int | None
    timezone: str | None
    channel: str | None


@dataclass(frozen=True)
class MeetingChange:
    """What a change did, for the message and the invite that announce it."""

    series: Series
    occurrence_local: datetime | None = None
    new_local: datetime | None = None
    cancelled: bool = False


def check_zone(name: str) -> str:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise MeetingError(
            f"{name!r} is not a time zone; use an IANA name such as Europe/Vienna"
        ) from None
    return name


class MeetingService:
    def __init__(
        self, database: Database, clock: Clock, uid_factory: Callable[[], str] = new_series_uid
    ) -> None:
        self.database = database
        self.clock = clock
        self.uid_factory = uid_factory

    def __deepcopy__(self, memo: dict[int, object]) -> MeetingService:
        return self  # shared by all requests, like the engine it holds

    # -- reading ---------------------------------------------------------------------------

    def get(self, meeting_id: int, *, include_cancelled: bool = False) -> Series:
        with self.database.read() as session:
            meeting = MeetingRepository(session).get(meeting_id)
            if meeting is None or (meeting.cancelled_at is not None and not include_cancelled):
                raise MeetingError(f"there is no meeting #{meeting_id}; `/meeting list` shows them")
            return to_series(meeting)

    def all(self) -> list[Series]:
        with self.database.read() as session:
            return [to_series(m) for m in MeetingRepository(session).all()]

    def upcoming(self, kind: str | None = None, limit: int = 10) -> list[Occurrence]:
        if kind is not None and kind not in MEETING_KINDS:
            raise MeetingError(f"{kind!r} is not a kind of meeting: {', '.join(MEETING_KINDS)}")
        series = [s for s in self.all() if kind is None or s.kind == kind]
        return next_occurrences(series, self.clock.now(), limit)

    def next_of(self, series: Series) -> Occurrence | None:
        found = next_occurrences([series], self.clock.now(), 1)
        return found[0] if found else None

    def occurrence_on(self, series: Series, day: date) -> Occurrence | None:
        """The occurrence happening on a local date (a moved one counts on its new date)."""
        start = datetime.combine(day, time(), series.zone)
        found = occurrences(series, start - timedelta(days=1), start + timedelta(days=2))
        return next((o for o in found if o.start_local.date() == day), None)

    def channel_id(self, series: Series) -> str | None:
        """The Slack channel a meeting belongs to: its purpose's channel, or an ID given as is."""
        target = series.channel_purpose
        with self.database.read() as session:
            directory = DirectoryRepository(session)
            if target is None:
                fallback = directory.channel("announcements")
                return fallback.slack_channel_id if fallback else None
            channel = directory.channel(target)
            if channel is not None:
                return channel.slack_channel_id
        return target if _CHANNEL_ID.fullmatch(target) else None

    def consortium_zone(self) -> str:
        with self.database.read() as session:
            consortium = DirectoryRepository(session).consortium()
            return consortium.timezone if consortium else "Europe/Brussels"

    # -- scheduling ------------------------------------------------------------------------

    def schedule(self, request: ScheduleRequest, created_by: str | None) -> Series:
        """Create a series or one-off event after checking everything a user could get wrong."""
        kind = request.kind.lower()
        if kind not in MEETING_KINDS:
            raise MeetingError(
                f"{request.kind!r} is not a kind of meeting: {', '.join(MEETING_KINDS)}"
            )
        title = request.title.strip()
        if not title:
            raise MeetingError('the meeting needs a title in quotes, e.g. "Jour fixe"')
        if len(title) > MAX_TITLE_LENGTH:
            raise MeetingError(
                f"the title is {len(title)} characters; keep it under {MAX_TITLE_LENGTH}"
            )
        zone = check_zone(request.timezone or self.consortium_zone())
        channel = self._resolve_channel(request.channel)
        all_day = request.at is None
        today = self.clock.now().astimezone(ZoneInfo(zone)).date()
        first_date = request.first_date or today
        if request.rrule is None and request.first_date is None:
            raise MeetingError("say on which date: `once on YYYY-MM-DD`")
        if first_date < today and not request.explicit_from:
            raise MeetingError(
                f"{first_date:%Y-%m-%d} is in the past; to record a past meeting say "
                f"`from {first_date:%Y-%m-%d}` explicitly"
            )
        start = datetime.combine(first_date, request.at or time())
        rrule = normalise_until(request.rrule, zone)
        if rrule is not None:
            # RFC 5545 expects DTSTART to be the first occurrence: move it onto the rule.
            from_rule = _first_on_or_after(rrule, start, zone)
            if from_rule is None:
                raise MeetingError(
                    "the repeat rule has no occurrence in the two years after the start"
                )
            start = from_rule
        duration = request.duration_minutes
        if all_day:
            days = max(1, (duration or 24 * 60) // (24 * 60))
            ends_local: datetime | None = start + timedelta(days=days - 1)
            duration = None
        else:
            ends_local = None
            duration = duration or 60
        try:
            if not all_day:
                check_series_wall_clock(rrule, start, zone)
        except WallClockError as error:
            raise MeetingError(str(error)) from None
        now = self.clock.now()
        with self.database.write() as session:
            meeting = Meeting(
                uid=self.uid_factory(),
                kind=kind,
                title=title,
                rrule=rrule,
                starts_local=start,
                all_day=all_day,
                duration_minutes=duration,
                ends_local=ends_local,
                timezone=zone,
                channel_purpose=channel,
                audience=_default_audience(kind),
                reminder_minutes=list(_default_reminders(kind)),
                sequence=0,
                created_at=now,
                updated_at=now,
                created_by=created_by,
            )
            session.add(meeting)
            session.flush()
            refresh_next_reminder(meeting, now)
            return to_series(meeting)

    def _resolve_channel(self, channel: str | None) -> str | None:
        if channel is None:
            return None
        with self.database.read() as session:
            directory = DirectoryRepository(session)
            if directory.channel(channel) is not None:
                return channel
            for known in directory.channels():
                if known.slack_channel_id == channel:
                    return known.purpose
            purposes = ", ".join(c.purpose for c in directory.channels())
        if _CHANNEL_ID.fullmatch(channel):
            return channel
        raise MeetingError(f"I don't know the channel {channel!r}; known: {purposes or 'none'}")

    # -- changing --------------------------------------------------------------------------

    def cancel(self, meeting_id: int, on: date | None = None) -> MeetingChange:
        now = self.clock.now()
        with self.database.write() as session:
            meeting = self._editable(session, meeting_id)
            series = to_series(meeting)
            if on is None or series.rrule is None:
                if on is not None and on != series.starts_local.date():
                    raise MeetingError(
                        f"#{meeting_id} happens once, on {series.starts_local:%Y-%m-%d}, not {on:%Y-%m-%d}"
                    )
                meeting.cancelled_at = now
                self._touch(meeting, now)
                return MeetingChange(to_series(meeting), cancelled=True)
            original = self._occurrence_on(series, on)
            self._record_change(session, meeting, original, CANCELLED, None, now)
            return MeetingChange(to_series(meeting), occurrence_local=original, cancelled=True)

    def move(self, meeting_id: int, on: date, to_day: date, at: time | None) -> MeetingChange:
        now = self.clock.now()
        with self.database.write() as session:
            meeting = self._editable(session, meeting_id)
            series = to_series(meeting)
            original = (
                series.starts_local if series.rrule is None else self._occurrence_on(series, on)
            )
            if series.rrule is None and on != original.date():
                raise MeetingError(
                    f"#{meeting_id} happens once, on {original:%Y-%m-%d}, not {on:%Y-%m-%d}"
                )
            new_local = datetime.combine(to_day, at or original.time())
            try:
                if not series.all_day:
                    check_wall_clock(new_local, series.timezone)
            except WallClockError as error:
                raise MeetingError(str(error)) from None
            today = now.astimezone(series.zone).date()
            if to_day < today:
                raise MeetingError(f"{to_day:%Y-%m-%d} is in the past")
            if series.rrule is None:
                span = meeting.ends_local - meeting.starts_local if meeting.ends_local else None
                meeting.starts_local = new_local
                if span is not None:
                    meeting.ends_local = new_local + span
                self._touch(meeting, now)
            else:
                self._record_change(session, meeting, original, MOVED, new_local, now)
            return MeetingChange(to_series(meeting), occurrence_local=original, new_local=new_local)

    def edit(self, meeting_id: int, field: str, value: str) -> MeetingChange:
        name = _FIELD_ALIASES.get(field.lower(), field.lower())
        if name not in EDITABLE_FIELDS:
            raise MeetingError(f"I can't edit {field!r}; editable: {', '.join(EDITABLE_FIELDS)}")
        now = self.clock.now()
        with self.database.write() as session:
            meeting = self._editable(session, meeting_id)
            _apply_edit(meeting, name, value.strip(), self._resolve_channel)
            self._touch(meeting, now)
            return MeetingChange(to_series(meeting))

    def _editable(self, session: Session, meeting_id: int) -> Meeting:
        meeting = MeetingRepository(session).get(meeting_id)
        if meeting is None or meeting.cancelled_at is not None:
            raise MeetingError(f"there is no meeting #{meeting_id}; `/meeting list` shows them")
        return meeting

    def _occurrence_on(self, series: Series, on: date) -> datetime:
        """The original start of the occurrence on `on`: a moved one by its new date first,
        then the series' own occurrence of that date."""
        for change in series.changes:
            if (
                change.status == MOVED
                and change.new_start_local
                and change.new_start_local.date() == on
            ):
                return change.original_local
        for change in series.changes:
            if change.original_local.date() == on:
                if change.status == CANCELLED:
                    raise MeetingError(
                        f"the {on:%Y-%m-%d} occurrence of #{series.id} is already cancelled"
                    )
                return change.original_local
        start = datetime.combine(on, time())
        found = series.local_starts_between(start, start + timedelta(days=1, seconds=-1))
        if not found:
            nearby = [
                o.start_local.date().isoformat()
                for o in occurrences(
                    replace(series, changes=()),
                    datetime.combine(on - timedelta(days=45), time(), series.zone),
                    datetime.combine(on + timedelta(days=45), time(), series.zone),
                )
            ][:4]
            hint = f"; nearby: {', '.join(nearby)}" if nearby else ""
            raise MeetingError(f"#{series.id} has no occurrence on {on:%Y-%m-%d}{hint}")
        return found[0]

    def _record_change(
        self,
        session: Session,
        meeting: Meeting,
        original: datetime,
        status: str,
        new_local: datetime | None,
        now: datetime,
    ) -> None:
        existing = next((e for e in meeting.exceptions if e.original_start_local == original), None)
        if existing is None:
            meeting.exceptions.append(
                MeetingException(
                    original_start_local=original,
                    status=status,
                    new_start_local=new_local,
                    created_at=now,
                )
            )
        else:
            existing.status, existing.new_start_local = status, new_local
        self._touch(meeting, now)

    @staticmethod
    def _touch(meeting: Meeting, now: datetime) -> None:
        meeting.sequence += 1
        meeting.updated_at = now
        refresh_next_reminder(meeting, now)


def _first_on_or_after(rrule: str, start: datetime, zone: str) -> datetime | None:
    found = local_occurrences(rrule, start, until=start + timedelta(days=800), limit=1, zone=zone)
    return found[0] if found else None


def _default_audience(kind: str) -> str:
    return {"jour-fixe": "core", "core-team": "wp-lead"}.get(kind, "all")


def _default_reminders(kind: str) -> tuple[int, ...]:
    day, hour = 24 * 60, 60
    return {
        "core-team": (15,),
        "jour-fixe": (day, hour),
        "physical": (14 * day, day),
        "workshop": (day,),
    }.get(kind, (7 * day, day, hour))


def _apply_edit(
    meeting: Meeting, name: str, value: str, resolve_channel: Callable[[str | None], str | None]
) -> None:
    if name == "title":
        if not value or len(value) > MAX_TITLE_LENGTH:
            raise MeetingError(f"a title needs 1 to {MAX_TITLE_LENGTH} characters")
        meeting.title = value
    elif name == "time":
        if meeting.all_day:
            raise MeetingError("an all-day meeting has no time; move it instead")
        match = re.fullmatch(r"(\d{1,2}):(\d{2})", value)
        if not match or int(match[1]) > 23 or int(match[2]) > 59:
            raise MeetingError(f"cannot read {value!r} as a time (HH:MM)")
        new_start = meeting.starts_local.replace(hour=int(match[1]), minute=int(match[2]))
        try:
            if meeting.rrule is None:
                check_wall_clock(new_start, meeting.timezone)
            else:
                check_series_wall_clock(meeting.rrule, new_start, meeting.timezone)
        except WallClockError as error:
            raise MeetingError(str(error)) from None
        shift = new_start - meeting.starts_local
        meeting.starts_local = new_start
        # Cancelled and moved occurrences are named by their original start: keep them
        # attached to the same occurrences at the new time.
        for exception in meeting.exceptions:
            exception.original_start_local += shift
    elif name == "duration":
        try:
            minutes = parse_duration_minutes(value)
        except ValueError as error:
            raise MeetingError(str(error)) from None
        if meeting.all_day:
            days = max(1, minutes // (24 * 60))
            meeting.ends_local = meeting.starts_local + timedelta(days=days - 1)
        else:
            meeting.duration_minutes, meeting.ends_local = minutes, None
    elif name == "link":
        if value.lower() in ("none", "-", ""):
            meeting.join_url = None
        elif not re.fullmatch(r"https?://\S+", value):
            raise MeetingError(f"{value!r} is not an http(s) link")
        else:
            meeting.join_url = value
    elif name == "location":
        meeting.location = None if value.lower() in ("none", "-", "") else value
    elif name == "channel":
        meeting.channel_purpose = resolve_channel(value.lstrip("#"))
    elif name == "reminders":
        words = value.replace(",", " ").split()
        if [w.lower() for w in words] == ["none"]:
            meeting.reminder_minutes = []
            return
        if not words:
            raise MeetingError("say the reminders, e.g. `1d 1h`, or `none`")
        try:
            offsets = sorted({parse_duration_minutes(w) for w in words}, reverse=True)
        except ValueError as error:
            raise MeetingError(str(error)) from None
        meeting.reminder_minutes = offsets
