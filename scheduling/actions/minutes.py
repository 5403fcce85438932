"""Links to an occurrence's minutes, notes, recording or slides: added by whoever the meeting is
for, posted to its channel (in the agenda's thread when there is one), listed in the digest,
and missed on the coordinators' Home tab when a meeting has none a week after it ended."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from scheduling.clock import Clock
from scheduling.consortium.directory import MemberProfile
from scheduling.errors import NotAllowedError
from scheduling.language.dates import short_date
from scheduling.language.words import did_you_mean
from scheduling.meetings.defaults import channel_id, concerns
from scheduling.meetings.edits import MeetingError, check_link
from scheduling.meetings.mapping import live_meeting, series_of, to_series
from scheduling.meetings.occurrences import Occurrence, Series, occurrence_on, occurrences
from storage.db import Database
from storage.meeting_records import OccurrenceLink
from storage.repositories import UnitOfWork

LINK_KINDS = ("minutes", "notes", "recording", "slides")
# A meeting's minutes are missed a week after it ended, for two months.
MINUTES_GRACE = timedelta(days=7)
MINUTES_WATCHED = timedelta(days=60)
# How far back "the latest occurrence" looks when no date is given.
LOOK_BACK = timedelta(days=400)


@dataclass(frozen=True)
class MinutesAdded:
    """A link stored: for the reply and the post in the meeting's channel (in the thread of the
    published agenda when `thread_ts` is set)."""

    series: Series
    occurrence: Occurrence
    kind: str
    url: str
    added_by: str
    channel: str | None
    thread_ts: str | None


@dataclass(frozen=True)
class LinkLine:
    """A link as the digest lists it."""

    meeting_title: str
    meeting_id: int
    occurrence_day: date
    kind: str
    url: str


@dataclass(frozen=True)
class MissingMinutes:
    """An occurrence that ended over a week ago and has no minutes yet."""

    meeting_title: str
    meeting_id: int
    occurrence_day: date


def link_kind(word: str) -> str:
    """`minutes`, `notes`, `recording` or `slides` (plurals too); MeetingError otherwise."""
    kind = word.lower()
    kind = {"recordings": "recording", "slide": "slides", "note": "notes"}.get(kind, kind)
    if kind not in LINK_KINDS:
        hint = did_you_mean(word, LINK_KINDS)
        raise MeetingError(f"{word!r} is not a kind of link{hint}: {', '.join(LINK_KINDS)}", "kind")
    return kind


class MinutesService:
    def __init__(self, database: Database, clock: Clock) -> None:
        self.database = database
        self.clock = clock

    def add(
        self, caller: MemberProfile, meeting_id: int, on: date | None, url: str, kind: str
    ) -> MinutesAdded:
        """Store a link for the occurrence on `on` (default: the latest that has started)."""
        checked = check_link(url)
        if checked is None:
            raise MeetingError("say the link, e.g. https://share.example/minutes", "link")
        kind = link_kind(kind)
        now = self.clock.now()
        with self.database.write() as work:
            series = to_series(live_meeting(work, meeting_id))
            if not concerns(series, caller):
                raise NotAllowedError(
                    f"{series.title} is for {series.audience.words}, so only they and the "
                    "coordinators can add its minutes",
                    "member",
                )
            occurrence = _occurrence(series, on, now)
            work.actions.add_link(
                OccurrenceLink(
                    meeting_id=series.id,
                    occurrence_local=occurrence.original_local,
                    url=checked,
                    kind=kind,
                    added_by=caller.slack_id,
                    created_at=now,
                )
            )
            agenda = work.actions.agenda_message(series.id, occurrence.original_local)
            channel = agenda[0] if agenda else channel_id(work, series.channel_purpose)
            return MinutesAdded(
                series,
                occurrence,
                kind,
                checked,
                caller.slack_id,
                channel,
                agenda[1] if agenda else None,
            )


def _occurrence(series: Series, on: date | None, now: datetime) -> Occurrence:
    if on is not None:
        found = occurrence_on(series, on)
        if found is None:
            raise MeetingError(f"#{series.id} has no occurrence on {short_date(on)}", "date")
        if found.start > now:
            raise MeetingError(
                f"#{series.id} on {short_date(on)} has not started yet: add its minutes after",
                "date",
            )
        return found
    started = occurrences(series, now - LOOK_BACK, now)
    if not started:
        raise MeetingError(
            f"#{series.id} has not met yet: there is nothing to add minutes to", "date"
        )
    return started[-1]


def links_between(work: UnitOfWork, start: datetime, end: datetime) -> list[LinkLine]:
    """The links added in [start, end), with their meeting's title, for the digest."""
    links = work.actions.links_added_between(start, end)
    if not links:
        return []
    titles = work.meetings.titles({link.meeting_id for link in links})
    return [
        LinkLine(
            titles.get(link.meeting_id, f"#{link.meeting_id}"),
            link.meeting_id,
            link.occurrence_local.date(),
            link.kind,
            link.url,
        )
        for link in links
    ]


def missing_minutes(work: UnitOfWork, now: datetime) -> list[MissingMinutes]:
    """Occurrences that ended between two months and a week ago with no minutes, latest
    first (the ones people still remember)."""
    stored = work.meetings.as_rows()
    live = [
        series_of(m, stored.exceptions.get(m.id, []))
        for m in stored.meetings
        if m.cancelled_at is None
    ]
    ended = [
        o
        for series in live
        for o in occurrences(series, now - MINUTES_WATCHED - series.duration, now)
        if now - MINUTES_WATCHED <= o.end <= now - MINUTES_GRACE
    ]
    have = work.actions.with_minutes({(o.series.id, o.original_local) for o in ended})
    return [
        MissingMinutes(o.series.title, o.series.id, o.start_local.date())
        for o in sorted(ended, key=lambda o: (o.start, o.series.id), reverse=True)
        if (o.series.id, o.original_local) not in have
    ]
