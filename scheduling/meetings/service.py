"""Scheduling meetings: create series and one-off events, list them, cancel or move single
occurrences, edit fields. Every significant change raises the series' SEQUENCE.

Each use case is one transaction, and each change returns everything its announcement needs
(the series, the channel to post in, the occurrence to show), so no one reads it again.
Changes are for coordinators; the service checks that itself, whatever door it came through.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from scheduling.consortium.directory import MemberProfile
from scheduling.consortium.importer import new_series_uid
from scheduling.errors import NotAllowedError
from scheduling.meetings.edits import MeetingError, apply_edit, check_title, editable_field
from scheduling.meetings.mapping import (
    CHANNEL_ID,
    meeting_channel,
    refresh_next_reminder,
    to_series,
)
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
from scheduling.ports import Clock
from scheduling.vocabulary import MeetingKind, VocabularyError
from storage.db import Database
from storage.models import Meeting, MeetingException
from storage.repositories import UnitOfWork

__all__ = ["MeetingChange", "MeetingError", "MeetingService", "ScheduleRequest"]

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
    channel: str | None


@dataclass(frozen=True)
class MeetingChange:
    """What a change did, with everything the message and the invite that announce it need."""

    series: Series
    occurrence_local: datetime | None = None
    new_local: datetime | None = None
    cancelled: bool = False
    channel: str | None = None  # the Slack channel to announce in, if any
    consortium: str = "Consortium"
    shown: Occurrence | None = None  # the occurrence the announcement shows


def check_zone(name: str) -> str:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise MeetingError(
            f"{name!r} is not a time zone; use an IANA name such as Europe/Vienna", "timezone"
        ) from None
    return name


def next_of(series: Series, now: datetime) -> Occurrence | None:
    found = next_occurrences([series], now, 1)
    return found[0] if found else None


def occurrence_on(series: Series, day: date) -> Occurrence | None:
    """The occurrence happening on a local date (a moved one counts on its new date)."""
    start = datetime.combine(day, time(), series.zone)
    found = occurrences(series, start - timedelta(days=1), start + timedelta(days=2))
    return next((o for o in found if o.start_local.date() == day), None)


class MeetingService:
    def __init__(
        self, database: Database, clock: Clock, uid_factory: Callable[[], str] = new_series_uid
    ) -> None:
        self.database = database
        self.clock = clock
        self.uid_factory = uid_factory

    # -- reading ---------------------------------------------------------------------------

    def get(self, meeting_id: int, *, include_cancelled: bool = False) -> Series:
        with self.database.read() as work:
            meeting = work.meetings.get(meeting_id)
            if meeting is None or (meeting.cancelled_at is not None and not include_cancelled):
                raise _no_such(meeting_id)
            return to_series(meeting)

    def all(self) -> list[Series]:
        with self.database.read() as work:
            return [to_series(m) for m in work.meetings.all()]

    def listing(self) -> list[tuple[Series, Occurrence | None]]:
        """Every live series with its next occurrence, for `/meeting list`."""
        now = self.clock.now()
        return [(series, next_of(series, now)) for series in self.all()]

    def upcoming(self, kind: MeetingKind | None = None, limit: int = 10) -> list[Occurrence]:
        series = [s for s in self.all() if kind is None or s.kind == kind]
        return next_occurrences(series, self.clock.now(), limit)

    def next_of(self, series: Series) -> Occurrence | None:
        return next_of(series, self.clock.now())

    def form_defaults(self) -> tuple[str, date]:
        """The zone a new meeting is in unless told, and today's date there."""
        with self.database.read() as work:
            consortium = work.directory.consortium()
        zone = consortium.timezone if consortium else DEFAULT_ZONE
        return zone, self.clock.now().astimezone(ZoneInfo(zone)).date()

    # -- changing ----------------------------------------------------------------------------

    def schedule(self, actor: MemberProfile, request: ScheduleRequest) -> MeetingChange:
        """Create a series or one-off event after checking everything a user could get wrong."""
        _check_may_change(actor)
        try:
            kind = MeetingKind.parse(request.kind)
        except VocabularyError as error:
            raise MeetingError(str(error), error.field) from None
        title = check_title(request.title)
        if request.rrule is None and request.first_date is None:
            raise MeetingError("say on which date: `once on YYYY-MM-DD`", "date")
        now = self.clock.now()
        with self.database.write() as work:
            consortium = work.directory.consortium()
            zone = check_zone(
                request.timezone or (consortium.timezone if consortium else DEFAULT_ZONE)
            )
            channel = _resolve_channel(work, request.channel)
            start, rrule = _first_start(request, zone, now)
            duration = request.duration_minutes
            ends_local: datetime | None = None
            if request.at is None:
                days = max(1, (duration or 24 * 60) // (24 * 60))
                ends_local, duration = start + timedelta(days=days - 1), None
            else:
                duration = duration or 60
                try:
                    check_series_wall_clock(rrule, start, zone)
                except WallClockError as error:
                    raise MeetingError(str(error), "time") from None
            meeting = Meeting(
                uid=self.uid_factory(),
                kind=str(kind),
                title=title,
                rrule=rrule,
                starts_local=start,
                all_day=request.at is None,
                duration_minutes=duration,
                ends_local=ends_local,
                timezone=zone,
                channel_purpose=channel,
                audience=kind.default_audience.stored(),
                reminder_minutes=list(kind.default_reminders),
                sequence=0,
                created_at=now,
                updated_at=now,
                created_by=actor.slack_id,
            )
            work.meetings.add(meeting)
            refresh_next_reminder(meeting, now)
            return self._change(work, meeting)

    def cancel(
        self, actor: MemberProfile, meeting_id: int, on: date | None = None
    ) -> MeetingChange:
        _check_may_change(actor)
        now = self.clock.now()
        with self.database.write() as work:
            meeting = _live(work, meeting_id)
            series = to_series(meeting)
            if on is None or series.rrule is None:
                if on is not None and on != series.starts_local.date():
                    raise MeetingError(
                        f"#{meeting_id} happens once, on {series.starts_local:%Y-%m-%d}, not {on:%Y-%m-%d}",
                        "date",
                    )
                meeting.cancelled_at = now
                _touch(meeting, now)
                return self._change(work, meeting, cancelled=True)
            original = _original_on(series, on)
            _record_exception(meeting, original, CANCELLED, None, now)
            return self._change(work, meeting, occurrence_local=original, cancelled=True)

    def move(
        self, actor: MemberProfile, meeting_id: int, on: date, to_day: date, at: time | None
    ) -> MeetingChange:
        _check_may_change(actor)
        now = self.clock.now()
        with self.database.write() as work:
            meeting = _live(work, meeting_id)
            series = to_series(meeting)
            original = series.starts_local if series.rrule is None else _original_on(series, on)
            if series.rrule is None and on != original.date():
                raise MeetingError(
                    f"#{meeting_id} happens once, on {original:%Y-%m-%d}, not {on:%Y-%m-%d}",
                    "date",
                )
            new_local = datetime.combine(to_day, at or original.time())
            try:
                if not series.all_day:
                    check_wall_clock(new_local, series.timezone)
            except WallClockError as error:
                raise MeetingError(str(error), "time") from None
            if to_day < now.astimezone(series.zone).date():
                raise MeetingError(f"{to_day:%Y-%m-%d} is in the past", "date")
            if series.rrule is None:
                span = meeting.ends_local - meeting.starts_local if meeting.ends_local else None
                meeting.starts_local = new_local
                if span is not None:
                    meeting.ends_local = new_local + span
                _touch(meeting, now)
            else:
                _record_exception(meeting, original, MOVED, new_local, now)
            return self._change(work, meeting, occurrence_local=original, new_local=new_local)

    def edit(self, actor: MemberProfile, meeting_id: int, field: str, value: str) -> MeetingChange:
        _check_may_change(actor)
        name = editable_field(field)
        now = self.clock.now()
        with self.database.write() as work:
            meeting = _live(work, meeting_id)
            apply_edit(meeting, name, value.strip(), lambda text: _resolve_channel(work, text))
            _touch(meeting, now)
            return self._change(work, meeting)

    def invite(self, actor: MemberProfile, meeting_id: int) -> MeetingChange:
        """The series as it stands, to announce again."""
        _check_may_change(actor)
        with self.database.read() as work:
            return self._change(work, _live(work, meeting_id))

    def _change(
        self,
        work: UnitOfWork,
        meeting: Meeting,
        *,
        occurrence_local: datetime | None = None,
        new_local: datetime | None = None,
        cancelled: bool = False,
    ) -> MeetingChange:
        series = to_series(meeting)
        consortium = work.directory.consortium()
        if cancelled:
            shown = None
        else:
            shown = (
                occurrence_on(series, new_local.date()) if new_local is not None else None
            ) or next_of(series, self.clock.now())
        return MeetingChange(
            series,
            occurrence_local=occurrence_local,
            new_local=new_local,
            cancelled=cancelled,
            channel=_channel_id(work, series.channel_purpose),
            consortium=consortium.name if consortium else "Consortium",
            shown=shown,
        )


def _check_may_change(actor: MemberProfile) -> None:
    if not actor.is_coordinator:
        raise NotAllowedError("Only coordinators can change meetings.")


def _no_such(meeting_id: int) -> MeetingError:
    return MeetingError(f"there is no meeting #{meeting_id}; `/meeting list` shows them", "id")


def _live(work: UnitOfWork, meeting_id: int) -> Meeting:
    meeting = work.meetings.get(meeting_id)
    if meeting is None or meeting.cancelled_at is not None:
        raise _no_such(meeting_id)
    return meeting


def _first_start(request: ScheduleRequest, zone: str, now: datetime) -> tuple[datetime, str | None]:
    """The first start on the rule's wall clock, and the rule with UNTIL in UTC."""
    today = now.astimezone(ZoneInfo(zone)).date()
    first_date = request.first_date or today
    if first_date < today and not request.explicit_from:
        raise MeetingError(
            f"{first_date:%Y-%m-%d} is in the past; to record a past meeting say "
            f"`from {first_date:%Y-%m-%d}` explicitly",
            "date",
        )
    start = datetime.combine(first_date, request.at or time())
    rrule = normalise_until(request.rrule, zone)
    if rrule is None:
        return start, None
    # RFC 5545 expects DTSTART to be the first occurrence: move it onto the rule.
    found = local_occurrences(rrule, start, until=start + timedelta(days=800), limit=1, zone=zone)
    if not found:
        raise MeetingError(
            "the repeat rule has no occurrence in the two years after the start", "repeat"
        )
    return found[0], rrule


def _resolve_channel(work: UnitOfWork, channel: str | None) -> str | None:
    """A channel purpose of the consortium file, or a raw channel ID to keep as is."""
    if channel is None:
        return None
    known = work.directory.channels()
    if any(c.purpose == channel for c in known):
        return channel
    for found in known:
        if found.slack_channel_id == channel:
            return found.purpose
    if CHANNEL_ID.fullmatch(channel):
        return channel
    purposes = ", ".join(c.purpose for c in known)
    raise MeetingError(
        f"I don't know the channel {channel!r}; known: {purposes or 'none'}", "channel"
    )


def _channel_id(work: UnitOfWork, purpose: str | None) -> str | None:
    channels = {c.purpose: c.slack_channel_id for c in work.directory.channels()}
    return meeting_channel(purpose, channels)


def _original_on(series: Series, on: date) -> datetime:
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
                    f"the {on:%Y-%m-%d} occurrence of #{series.id} is already cancelled", "date"
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
        raise MeetingError(f"#{series.id} has no occurrence on {on:%Y-%m-%d}{hint}", "date")
    return found[0]


def _record_exception(
    meeting: Meeting, original: datetime, status: str, new_local: datetime | None, now: datetime
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
    _touch(meeting, now)


def _touch(meeting: Meeting, now: datetime) -> None:
    meeting.sequence += 1
    meeting.updated_at = now
    refresh_next_reminder(meeting, now)
