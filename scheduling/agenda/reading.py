"""Reading one occurrence's records in a transaction: which occurrence a command names, its
topics in the order they are listed, and everything its draft agenda gathers."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from scheduling.agenda.facts import (
    DEFAULT_AGENDA_DAYS,
    ActionLine,
    AgendaFacts,
    NeedLine,
    TopicLine,
)
from scheduling.language.dates import short_date
from scheduling.meetings.edits import MeetingError
from scheduling.meetings.mapping import live_meeting, to_series
from scheduling.meetings.occurrences import (
    Occurrence,
    Series,
    next_of,
    occurrence_on,
    occurrences,
    scheduled_occurrence,
)
from storage.meeting_records import Topic
from storage.models import Meeting
from storage.repositories import UnitOfWork


def named_occurrence(series: Series, on: date | None, now: datetime) -> Occurrence:
    """The occurrence on `on` (a moved one on its new date), else the next one to come."""
    occurrence = occurrence_on(series, on) if on else next_of(series, now)
    if occurrence is None:
        upcoming = next_of(series, now)
        after = f"; the next is on {short_date(upcoming.local_date)}" if upcoming else ""
        when = f"on {short_date(on)}" if on else "to come"
        raise MeetingError(f"#{series.id} has no occurrence {when}{after}", "date")
    return occurrence


def occurrence_at(series: Series, original_local: datetime) -> Occurrence:
    """The occurrence a button names by its original start; refused when it is gone."""
    occurrence = scheduled_occurrence(series, original_local)
    if occurrence is None:
        raise MeetingError(
            f"{series.title} no longer meets on {short_date(original_local.date())}", "occurrence"
        )
    return occurrence


def agenda_days(meeting: Meeting) -> int:
    return meeting.agenda_days if meeting.agenda_days is not None else DEFAULT_AGENDA_DAYS


def ordered(topics: list[Topic], supporters: dict[int, list[str]]) -> list[Topic]:
    """The coordinators' order first, then by support, then oldest first."""
    return sorted(
        topics,
        key=lambda t: (
            t.position is None,
            t.position or 0,
            -len(supporters.get(t.id, [])),
            t.id,
        ),
    )


def topic_lines(work: UnitOfWork, meeting_id: int, original_local: datetime) -> list[TopicLine]:
    topics = list(work.agendas.topics(meeting_id, original_local))
    supporters = work.agendas.supporters([t.id for t in topics])
    return [
        TopicLine(
            t.id,
            number,
            t.title,
            t.country_code,
            t.proposed_by,
            tuple(supporters.get(t.id, [])),
        )
        for number, t in enumerate(ordered(topics, supporters), start=1)
    ]


def previous_start(series: Series, occurrence: Occurrence) -> datetime | None:
    """When the occurrence before this one started (None for the first)."""
    earlier = occurrences(series, occurrence.start - timedelta(days=400), occurrence.start)
    return earlier[-1].start if earlier else None


def gather(work: UnitOfWork, series: Series, occurrence: Occurrence, now: datetime) -> AgendaFacts:
    """Everything the occurrence's agenda draws on, as of `now`."""
    original = occurrence.original_local
    needs: list[NeedLine] = []
    for row in work.agendas.needs_between(previous_start(series, occurrence), now):
        for kind, text in (("need", row.needs), ("challenge", row.challenges)):
            if text.strip():
                needs.append(
                    NeedLine(
                        kind,
                        row.country_code,
                        row.country_name,
                        text.strip(),
                        row.posted_channel,
                        row.posted_ts,
                    )
                )
    actions = tuple(
        ActionLine(a.text, a.country_code, a.member_id, a.due_on)
        for a in work.agendas.open_actions_due(occurrence.local_date)
    )
    agenda = work.agendas.agenda(series.id, original)
    published = agenda is not None and agenda.published_at is not None
    return AgendaFacts(
        series,
        occurrence,
        tuple(topic_lines(work, series.id, original)),
        tuple(sorted(needs, key=lambda n: (n.kind != "need", n.country_name))),
        actions,
        published_text=agenda.text if agenda is not None and published else None,
        published_channel=agenda.channel if agenda is not None else None,
        published_ts=agenda.ts if agenda is not None else None,
    )


def series_of_meeting(work: UnitOfWork, meeting_id: int) -> tuple[Meeting, Series]:
    meeting = live_meeting(work, meeting_id)
    return meeting, to_series(meeting)
