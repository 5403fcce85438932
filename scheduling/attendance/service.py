"""Attendance: who was at an occurrence, by the *I'm here* button, marked by a coordinator or
matched in an imported participants report; counted by country (a member's first country),
with the guests a report named counted apart.

Records name their occurrence as RSVPs do: the series and the wall-clock start it had before
any move, so a moved occurrence keeps its attendance.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from scheduling.attendance.reports import Participant, match_participants
from scheduling.clock import Clock
from scheduling.consortium.directory import DirectoryService, MemberProfile
from scheduling.durations import check_planning_date
from scheduling.errors import NotAllowedError
from scheduling.language.dates import short_date
from scheduling.language.words import did_you_mean
from scheduling.meetings.edits import MeetingError
from scheduling.meetings.mapping import live_meeting, to_series
from scheduling.meetings.occurrences import Occurrence, Series, occurrence_on, scheduled_occurrence
from scheduling.vocabulary import MemberRole
from storage.db import Database
from storage.meeting_records import Attendance
from storage.repositories import UnitOfWork

# The button counts from the start until this long after the end (people leave late, and
# press it when they remember).
AFTER_THE_END = timedelta(minutes=30)
NO_COUNTRY = "—"
_MENTION = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^>]*)?>")


@dataclass(frozen=True)
class Counts:
    """Members present by country code, and how many guests."""

    by_country: dict[str, int] = field(default_factory=dict)
    guests: int = 0

    @property
    def members(self) -> int:
        return sum(self.by_country.values())


def counts_of(rows: Iterable[Attendance]) -> Counts:
    by_country: dict[str, int] = {}
    guests = 0
    for row in rows:
        if row.guest:
            guests += 1
        else:
            code = row.country_code or NO_COUNTRY
            by_country[code] = by_country.get(code, 0) + 1
    return Counts(dict(sorted(by_country.items())), guests)


@dataclass(frozen=True)
class Pressed:
    """An *I'm here* press: whether it counted the presser now (False: already counted), and
    what the redraw of the button's message needs."""

    series: Series
    occurrence_local: datetime
    added: bool


@dataclass(frozen=True)
class Marked:
    """Members marked present by a coordinator: the names added and those already counted."""

    series: Series
    occurrence: Occurrence
    added: tuple[str, ...]
    already: tuple[str, ...]


@dataclass(frozen=True)
class Imported:
    """A participants report imported: members matched (by country code), guests recorded
    (their names), and how many of either were already there."""

    series: Series
    occurrence: Occurrence
    matched: dict[str, int]
    guests: tuple[str, ...]
    unchanged: int

    def summary(self) -> str:
        members = sum(self.matched.values())
        countries = ", ".join(f"{code} {n}" for code, n in sorted(self.matched.items()))
        by = f" (by country {countries})" if countries else ""
        guests = f": {', '.join(self.guests)}" if self.guests else ""
        again = f"; {self.unchanged} already recorded" if self.unchanged else ""
        matched = f"{members} member{'s' if members != 1 else ''} matched"
        count = len(self.guests)
        return f"{matched}{by}, {count} guest{'s' if count != 1 else ''}{guests}{again}"


def first_country(profile: MemberProfile) -> str | None:
    return profile.countries[0].code if profile.countries else None


def member_row(
    meeting_id: int,
    occurrence_local: datetime,
    profile: MemberProfile,
    source: str,
    by: str | None,
    now: datetime,
    country: str | None = None,
) -> Attendance:
    return Attendance(
        meeting_id=meeting_id,
        occurrence_local=occurrence_local,
        person_key=profile.slack_id,
        member_id=profile.slack_id,
        name=profile.name[:200],
        email=profile.email,
        country_code=country or first_country(profile),
        source=source,
        guest=False,
        recorded_by=by,
        created_at=now,
    )


def occurrence_of(work: UnitOfWork, meeting_id: int, on: date) -> tuple[Series, Occurrence]:
    """The series and its occurrence on a local date (a moved one on its new date)."""
    check_planning_date(on)
    series = to_series(live_meeting(work, meeting_id))
    occurrence = occurrence_on(series, on)
    if occurrence is None:
        raise MeetingError(f"#{series.id} has no occurrence on {short_date(on)}", "date")
    return series, occurrence


def _check_coordinator(actor: MemberProfile | None, what: str) -> None:
    if actor is not None and not actor.is_coordinator:
        raise NotAllowedError(f"Only coordinators can {what}.", "member")


class AttendanceService:
    def __init__(self, database: Database, clock: Clock, directory: DirectoryService) -> None:
        self.database = database
        self.clock = clock
        self.directory = directory

    def press(self, meeting_id: int, occurrence_local: datetime, member: MemberProfile) -> Pressed:
        """Count the presser of *I'm here*, once, from the start of the occurrence until
        half an hour after its end; only someone the meeting is for (or a coordinator)."""
        now = self.clock.now()
        with self.database.write() as work:
            meeting = work.meetings.get(meeting_id)
            if meeting is None or meeting.cancelled_at is not None:
                raise MeetingError(f"meeting #{meeting_id} is no longer scheduled", "meeting")
            series = to_series(meeting)
            occurrence = scheduled_occurrence(series, occurrence_local)
            if occurrence is None:
                raise MeetingError(f"{series.title} did not take place then", "occurrence")
            if now < occurrence.start:
                raise MeetingError(f"{series.title} has not started yet", "occurrence")
            if now >= occurrence.end + AFTER_THE_END:
                raise MeetingError(
                    f"{series.title} on {short_date(occurrence.local_date)} is over; "
                    "ask a coordinator to mark you present",
                    "occurrence",
                )
            if not (series.audience.includes(member) or MemberRole.COORDINATOR in member.roles):
                raise NotAllowedError(
                    f"{series.title} is for {series.audience.words}; a coordinator can mark "
                    "you present",
                    "member",
                )
            row = member_row(meeting_id, occurrence_local, member, "button", member.slack_id, now)
            return Pressed(series, occurrence_local, work.attendance.add(row))

    def counts(self, meeting_id: int, occurrence_local: datetime) -> Counts:
        with self.database.read() as work:
            return counts_of(work.attendance.of_occurrence(meeting_id, occurrence_local))

    def mark(self, actor: MemberProfile, meeting_id: int, on: date, names: Sequence[str]) -> Marked:
        """A coordinator marks members present: a country code marks each member listed
        for that country, a mention (`<@U…>`) or Slack ID that member. Anything else is
        refused, naming it (with a close match), and nothing is recorded."""
        _check_coordinator(actor, "mark attendance")
        snapshot = self.directory.snapshot()
        chosen: dict[str, tuple[MemberProfile, str | None]] = {}
        for typed in names:
            word = typed.strip().strip(",")
            mention = _MENTION.fullmatch(word)
            member_id = mention[1] if mention else word.lstrip("@")
            if member_id in snapshot.profiles:
                profile = snapshot.profiles[member_id]
                chosen.setdefault(profile.slack_id, (profile, None))
            elif word.upper() in snapshot.countries:
                code = word.upper()
                listed = [
                    p for p in snapshot.profiles.values() if code in {c.code for c in p.countries}
                ]
                if not listed:
                    name = snapshot.countries[code].name
                    raise MeetingError(f"nobody of {name} is listed in the consortium", "names")
                for profile in listed:
                    chosen.setdefault(profile.slack_id, (profile, code))
            else:
                choices = [*snapshot.countries, *(p.name for p in snapshot.profiles.values())]
                hint = did_you_mean(word.lstrip("@"), choices)
                raise MeetingError(
                    f"I don't know {word!r}{hint}: name country codes or @members", "names"
                )
        if not chosen:
            raise MeetingError("name who attended: country codes or @members", "names")
        now = self.clock.now()
        added: list[str] = []
        already: list[str] = []
        with self.database.write() as work:
            series, occurrence = occurrence_of(work, meeting_id, on)
            if occurrence.start > now:
                raise MeetingError(
                    f"{series.title} on {short_date(on)} has not started yet", "date"
                )
            for profile, marked_for in chosen.values():
                row = member_row(
                    meeting_id,
                    occurrence.original_local,
                    profile,
                    "marked",
                    actor.slack_id,
                    now,
                    marked_for,
                )
                (added if work.attendance.add(row) else already).append(profile.name)
        return Marked(series, occurrence, tuple(added), tuple(already))

    def import_report(
        self, meeting_id: int, on: date, participants: Sequence[Participant]
    ) -> Imported:
        """A participants report (Zoom's, Teams') recorded: members matched by e-mail, then
        by name; the others as guests. Importing the same report again records nothing."""
        snapshot = self.directory.snapshot()
        matches = match_participants(participants, list(snapshot.profiles.values()))
        now = self.clock.now()
        matched: dict[str, int] = {}
        guests: list[str] = []
        unchanged = 0
        with self.database.write() as work:
            series, occurrence = occurrence_of(work, meeting_id, on)
            original = occurrence.original_local
            for participant, profile in matches:
                if profile is not None:
                    row = member_row(meeting_id, original, profile, "import", None, now)
                else:
                    row = guest_row(meeting_id, original, participant, now)
                if not work.attendance.add(row):
                    unchanged += 1
                elif profile is not None:
                    code = row.country_code or NO_COUNTRY
                    matched[code] = matched.get(code, 0) + 1
                else:
                    guests.append(participant.name or participant.email or "?")
        return Imported(series, occurrence, matched, tuple(guests), unchanged)


def guest_row(
    meeting_id: int, occurrence_local: datetime, participant: Participant, now: datetime
) -> Attendance:
    key = (participant.email or participant.name).strip().lower()
    return Attendance(
        meeting_id=meeting_id,
        occurrence_local=occurrence_local,
        person_key=f"guest:{key}"[:320],
        member_id=None,
        name=(participant.name or participant.email or "?")[:200],
        email=participant.email,
        country_code=None,
        source="import",
        guest=True,
        recorded_by=None,
        created_at=now,
    )
