"""An occurrence's record for the Commission's periodic report (its agenda, attendance by
country, the links to its minutes, notes, recording and slides, its action items), and the
register of every meeting held in a reporting period. Read only: the agenda, links and
action items are written by their own features."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from scheduling.attendance.service import NO_COUNTRY, counts_of, occurrence_of
from scheduling.clock import Clock
from scheduling.consortium.directory import DirectoryService
from scheduling.errors import FieldError
from scheduling.language.dates import short_date
from scheduling.meetings.edits import MeetingError
from scheduling.meetings.mapping import to_series
from scheduling.meetings.occurrences import Occurrence, Series, localise, occurrences
from scheduling.privacy.former import former_words
from storage.db import Database
from storage.meeting_records import Attendance

MAX_PERIOD = timedelta(days=3 * 366)


@dataclass(frozen=True)
class EvidenceRow:
    """One line of the evidence table: who of a country (or the guests) attended."""

    day: date
    event: str
    country: str
    organisation: str
    attendees: int


@dataclass(frozen=True)
class ActionLine:
    text: str
    owner: str
    due: date | None
    status: str


@dataclass(frozen=True)
class OccurrenceRecord:
    consortium: str
    series: Series
    occurrence: Occurrence
    agenda: str
    evidence: tuple[EvidenceRow, ...]
    links: tuple[tuple[str, str], ...]  # (kind, url)
    actions: tuple[ActionLine, ...]

    @property
    def attendees(self) -> int:
        return sum(row.attendees for row in self.evidence)


@dataclass(frozen=True)
class RegisterRow:
    day: date
    kind: str
    title: str
    attendees: int
    countries: tuple[str, ...]


@dataclass(frozen=True)
class Register:
    consortium: str
    first: date
    last: date
    rows: tuple[RegisterRow, ...]


class RecordService:
    def __init__(self, database: Database, clock: Clock, directory: DirectoryService) -> None:
        self.database = database
        self.clock = clock
        self.directory = directory

    def occurrence(self, meeting_id: int, on: date | None = None) -> OccurrenceRecord:
        """The record of the occurrence on `on` (default: the latest that has started)."""
        snapshot = self.directory.snapshot()
        names = {code: c.name for code, c in snapshot.countries.items()}
        with self.database.read() as work:
            if on is None:
                on = self._latest(meeting_id)
            series, occurrence = occurrence_of(work, meeting_id, on)
            original = occurrence.original_local
            counts = counts_of(work.attendance.of_occurrence(meeting_id, original))
            agenda = work.attendance.agenda_text(meeting_id, original)
            links = tuple(
                (link.kind, link.url) for link in work.attendance.links(meeting_id, original)
            )
            actions = tuple(
                ActionLine(
                    item.text,
                    names.get(item.country_code or "", "")
                    or former_words(item.member_id)
                    or (
                        snapshot.profiles[item.member_id].name
                        if item.member_id in snapshot.profiles
                        else ""
                    )
                    or (item.member_id or ""),
                    item.due_on,
                    item.status,
                )
                for item in work.attendance.actions(meeting_id, original)
            )
        day = occurrence.local_date
        evidence = [
            EvidenceRow(day, series.title, code, names.get(code, "no country listed"), n)
            for code, n in counts.by_country.items()
        ]
        if counts.guests:
            evidence.append(EvidenceRow(day, series.title, NO_COUNTRY, "Guests", counts.guests))
        return OccurrenceRecord(
            snapshot.directory.consortium_name,
            series,
            occurrence,
            agenda,
            tuple(evidence),
            links,
            actions,
        )

    def _latest(self, meeting_id: int) -> date:
        with self.database.read() as work:
            meeting = work.meetings.get(meeting_id)
            if meeting is None:
                raise MeetingError(f"there is no meeting #{meeting_id}", "id")
            series = to_series(meeting)
        now = self.clock.now()
        past = occurrences(series, now - timedelta(days=400), now)
        if not past:
            raise MeetingError(f"#{meeting_id} has not met yet: say `--on DATE`", "date")
        return past[-1].local_date

    def register(self, first: date, last: date) -> Register:
        """Every occurrence held from `first` to `last` (inclusive, started by now), with
        how many attended and from which countries."""
        if last < first:
            raise FieldError("--to is before --from", "to")
        if last - first > MAX_PERIOD:
            raise FieldError("a reporting period is at most three years", "to")
        snapshot = self.directory.snapshot()
        names = {code: c.name for code, c in snapshot.countries.items()}
        start = datetime.combine(first, time()) - timedelta(days=1)
        end = datetime.combine(last, time()) + timedelta(days=2)
        now = self.clock.now()
        rows: list[tuple[datetime, RegisterRow]] = []
        with self.database.read() as work:
            meetings = [to_series(m) for m in work.meetings.all()]
            recorded: dict[tuple[int, datetime], list[Attendance]] = {}
            for row in work.attendance.between(
                start - timedelta(days=400), end + timedelta(days=400)
            ):
                recorded.setdefault((row.meeting_id, row.occurrence_local), []).append(row)
            for series in meetings:
                window = (localise(start, series.zone), min(localise(end, series.zone), now))
                for occurrence in occurrences(series, *window):
                    if not first <= occurrence.local_date <= last:
                        continue
                    counts = counts_of(recorded.get((series.id, occurrence.original_local), []))
                    countries = tuple(names.get(code, code) for code in counts.by_country)
                    rows.append(
                        (
                            occurrence.start,
                            RegisterRow(
                                occurrence.local_date,
                                series.kind.label,
                                series.title,
                                counts.members + counts.guests,
                                countries,
                            ),
                        )
                    )
        ordered = tuple(row for _, row in sorted(rows, key=lambda pair: pair[0]))
        return Register(snapshot.directory.consortium_name, first, last, ordered)


def period_words(register: Register) -> str:
    return f"{short_date(register.first)} to {short_date(register.last)}"
