"""The checks of `checks.py` as use cases, each one read-only transaction: before a round
opens (its due date, and `in N working days` counted on the consortium's working days) and
before a meeting is scheduled or moved. A request the check cannot read is not refused
here: the use case itself says what is wrong with it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from scheduling.clock import Clock
from scheduling.consortium.directory import CountryRef, MemberProfile
from scheduling.errors import FieldError, NotAllowedError
from scheduling.language.places import audience_words as audience_words_of
from scheduling.meetings.changes import original_on
from scheduling.meetings.defaults import first_start
from scheduling.meetings.mapping import to_series
from scheduling.meetings.occurrences import Series, localise
from scheduling.meetings.service import DEFAULT_ZONE, ScheduleRequest, check_zone
from scheduling.updates.views import consortium_today
from scheduling.vocabulary import Audience, VocabularyError
from scheduling.workdays.checks import (
    SERIES_YEAR,
    DueCheck,
    MeetingCheck,
    audience_countries,
    check_due,
    check_meeting,
)
from scheduling.workdays.hours import zone_of
from scheduling.workdays.service import consortium_days, holiday_book
from storage.db import Database
from storage.repositories import UnitOfWork


@dataclass(frozen=True)
class DuePreview:
    """A round's due date as it will be stored, and what is wrong with it (None: nothing);
    `names`: every country's name by code."""

    due: date
    check: DueCheck | None
    names: dict[str, str]


@dataclass(frozen=True)
class MeetingPreview:
    """What is wrong with a meeting's (first) occurrence; `zone`: the meeting's."""

    check: MeetingCheck
    zone: str
    names: dict[str, str]


class CalendarChecks:
    def __init__(self, database: Database, clock: Clock) -> None:
        self.database = database
        self.clock = clock

    def round_due(
        self,
        actor: MemberProfile,
        due: date | None,
        working_days: int | None,
        audience_words: Sequence[str],
    ) -> DuePreview:
        """The due date (`working_days` counted from the consortium's today on its working
        days when given) and whether it falls on a weekend or an asked country's holiday."""
        _check_coordinator(actor, "open rounds")
        with self.database.read() as work:
            _, today = consortium_today(work, self.clock)
            if working_days is not None:
                try:
                    due = consortium_days(work).add(today, working_days)
                except ValueError as error:
                    raise FieldError(str(error), "due") from None
            assert due is not None
            countries = {c.code: CountryRef.of(c) for c in work.directory.countries()}
            names = {code: country.name for code, country in countries.items()}
            if due < today:
                return DuePreview(due, None, names)  # opening says it is past
            try:
                said = audience_words_of(audience_words, names)
                audience = Audience.parse(said, names, countries_only=True)
            except VocabularyError as error:
                raise FieldError(str(error), "audience") from None
            asked = audience.countries({code: c.role for code, c in countries.items()})
            return DuePreview(due, check_due(holiday_book(work), due, asked), names)

    def meeting_schedule(
        self, actor: MemberProfile, request: ScheduleRequest
    ) -> MeetingPreview | None:
        """The first occurrence of a meeting about to be scheduled, and a series' next year."""
        _check_coordinator(actor, "change meetings")
        with self.database.read() as work:
            consortium = work.directory.consortium()
            try:
                zone = check_zone(
                    request.timezone or (consortium.timezone if consortium else DEFAULT_ZONE)
                )
                start, rrule = first_start(request, zone, self.clock.now())
            except FieldError:
                return None
            all_day = request.at is None
            series = Series(0, "", request.kind, "", rrule, start, zone, all_day)
            starts = series.local_starts_between(start, start + SERIES_YEAR) if rrule else [start]
            minutes = request.duration_minutes or 60
            audience = request.audience or request.kind.default_audience
            return _preview(work, starts, zone, None if all_day else minutes, audience)

    def meeting_move(
        self, actor: MemberProfile, meeting_id: int, on: date, to_day: date, at: time | None
    ) -> MeetingPreview | None:
        """The occurrence of a meeting about to be moved, at its new date and time."""
        _check_coordinator(actor, "change meetings")
        with self.database.read() as work:
            meeting = work.meetings.get(meeting_id)
            if meeting is None or meeting.cancelled_at is not None:
                return None
            series = to_series(meeting)
            try:
                original = series.starts_local if series.rrule is None else original_on(series, on)
            except FieldError:
                return None
            moved = datetime.combine(to_day, at or original.time())
            minutes = None if series.all_day else int(series.duration.total_seconds() // 60)
            return _preview(work, [moved], series.timezone, minutes, series.audience)


def _preview(
    work: UnitOfWork,
    starts: Sequence[datetime],
    zone: str,
    minutes: int | None,
    audience: Audience,
) -> MeetingPreview | None:
    countries = {c.code: CountryRef.of(c) for c in work.directory.countries()}
    profiles = [MemberProfile.of(m, countries) for m in work.directory.member_rows()]
    codes = audience_countries(audience, {code: c.role for code, c in countries.items()}, profiles)
    members = [p for p in profiles if audience.includes(p)]
    series_zone = zone_of(zone)
    aware = [localise(start, series_zone).astimezone(series_zone) for start in starts]
    duration = None if minutes is None else timedelta(minutes=minutes)
    check = check_meeting(holiday_book(work), aware, duration, codes, members)
    if check is None:
        return None
    return MeetingPreview(check, zone, {code: c.name for code, c in countries.items()})


def _check_coordinator(actor: MemberProfile, what: str) -> None:
    if not actor.is_coordinator:
        raise NotAllowedError(f"Only coordinators can {what}.")
