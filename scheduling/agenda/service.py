"""An occurrence's agenda: shown to anyone it is for once published (and, to coordinators,
as the current draft before that), and published to the meeting's channel by a coordinator,
then kept up to date there in place."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from scheduling.agenda.facts import MAX_AGENDA_TEXT, AgendaFacts
from scheduling.agenda.reading import gather, named_occurrence, occurrence_at, series_of_meeting
from scheduling.clock import Clock
from scheduling.consortium.directory import MemberProfile
from scheduling.errors import FieldError, NotAllowedError
from scheduling.language.dates import short_date
from scheduling.meetings.mapping import meeting_channel
from scheduling.meetings.occurrences import Occurrence, Series
from storage.db import Database
from storage.meeting_records import Agenda


class AgendaError(FieldError):
    """An agenda request refused; `field` names what to fix."""


@dataclass(frozen=True)
class ToPublish:
    """Where a coordinator's agenda goes: the meeting's channel, and the message already
    there (its ts) to update in place, if it was published before."""

    series: Series
    occurrence: Occurrence
    text: str
    channel: str
    ts: str | None
    canvas_id: str | None = None  # the channel's canvas an earlier agenda was written to


def check_agenda_text(text: str) -> str:
    text = text.strip()
    if not text:
        raise AgendaError("the agenda is empty; write at least one item", "agenda")
    if len(text) > MAX_AGENDA_TEXT:
        raise AgendaError(
            f"the agenda is {len(text)} characters; keep it under {MAX_AGENDA_TEXT}", "agenda"
        )
    return text


class AgendaService:
    def __init__(self, database: Database, clock: Clock) -> None:
        self.database = database
        self.clock = clock

    def show(self, actor: MemberProfile, meeting_id: int, on: date | None) -> AgendaFacts:
        """The occurrence's agenda: published, else (for coordinators) what its draft holds."""
        now = self.clock.now()
        with self.database.read() as work:
            _, series = series_of_meeting(work, meeting_id)
            if not (series.audience.includes(actor) or actor.is_coordinator):
                raise NotAllowedError(f"{series.title} is for {series.audience.words}", "member")
            occurrence = named_occurrence(series, on, now)
            facts = gather(work, series, occurrence, now)
        if facts.published_text is None and not actor.is_coordinator:
            raise AgendaError(
                f"the agenda of {series.title} on {short_date(occurrence.local_date)} "
                "is not published yet",
                "agenda",
            )
        return facts

    def draft(self, actor: MemberProfile, meeting_id: int, original_local: datetime) -> AgendaFacts:
        """What the coordinator edits: the draft, and the published text if there is one."""
        _check_coordinator(actor)
        now = self.clock.now()
        with self.database.read() as work:
            _, series = series_of_meeting(work, meeting_id)
            return gather(work, series, occurrence_at(series, original_local), now)

    def facts_at(self, meeting_id: int, original_local: datetime) -> AgendaFacts:
        """The draft of an occurrence as of now, for the scheduler's DM."""
        now = self.clock.now()
        with self.database.read() as work:
            _, series = series_of_meeting(work, meeting_id)
            return gather(work, series, occurrence_at(series, original_local), now)

    def prepare(
        self, actor: MemberProfile, meeting_id: int, original_local: datetime, text: str
    ) -> ToPublish:
        """Store the coordinator's agenda and say where it goes (posted, or updated in place)."""
        _check_coordinator(actor)
        text = check_agenda_text(text)
        now = self.clock.now()
        with self.database.write() as work:
            meeting, series = series_of_meeting(work, meeting_id)
            occurrence = occurrence_at(series, original_local)
            channels = {c.purpose: c.slack_channel_id for c in work.directory.channels()}
            channel = meeting_channel(meeting.channel_purpose, channels)
            if channel is None:
                raise AgendaError(f"{series.title} has no channel to publish to", "channel")
            agenda = work.agendas.agenda(meeting_id, original_local, to_change=True)
            if agenda is None:
                agenda = Agenda(
                    meeting_id=meeting_id,
                    occurrence_local=original_local,
                    items=[],
                    text=text,
                    updated_at=now,
                    version=1,
                )
                work.agendas.add_agenda(agenda)
            else:
                agenda.text, agenda.updated_at = text, now
                agenda.version += 1
            same_channel = agenda.channel == channel
            canvas = work.agendas.canvas_of_channel(channel)
            ts = agenda.ts if same_channel else None
            return ToPublish(series, occurrence, text, channel, ts, canvas)

    def published(
        self,
        actor: MemberProfile,
        meeting_id: int,
        original_local: datetime,
        channel: str,
        ts: str,
        canvas_id: str | None = None,
    ) -> None:
        """Where the published agenda is (and the channel canvas it was written to), so the
        next publish updates it in place."""
        now = self.clock.now()
        with self.database.write() as work:
            agenda = work.agendas.agenda(meeting_id, original_local, to_change=True)
            if agenda is None:
                return
            agenda.channel, agenda.ts, agenda.canvas_id = channel, ts, canvas_id
            agenda.published_at, agenda.published_by = now, actor.slack_id


def _check_coordinator(actor: MemberProfile) -> None:
    if not actor.is_coordinator:
        raise NotAllowedError("Only coordinators can edit and publish agendas.", "member")
