"""Meetings as stored, turned into the domain's `Series`, and the indexed instants (the next
reminder, the next start) kept current and read."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any, Protocol

from scheduling.meetings.edits import MeetingError
from scheduling.meetings.occurrences import OccurrenceChange, Series, next_of
from scheduling.meetings.reminders import next_reminder_at
from scheduling.paging import Key, Page, key_length, key_number, page_of
from scheduling.vocabulary import Audience, MeetingKind
from storage.models import Meeting
from storage.repositories import UnitOfWork
from storage.repositories.meetings import AudienceFilter


class StoredException(Protocol):
    """A cancelled or moved occurrence as stored: a row of `meeting_exceptions`."""

    @property
    def original_start_local(self) -> datetime: ...

    @property
    def status(self) -> str: ...

    @property
    def new_start_local(self) -> datetime | None: ...


class StoredMeeting(Protocol):
    """A meeting as stored: a `Meeting`, or a row of its columns."""

    id: int
    uid: str
    kind: str
    title: str
    rrule: str | None
    starts_local: datetime
    timezone: str
    all_day: bool
    duration_minutes: int | None
    ends_local: datetime | None
    location: str | None
    join_url: str | None
    channel_purpose: str | None
    audience: str
    reminder_minutes: list[Any]
    sequence: int
    cancelled_at: datetime | None
    created_at: datetime
    updated_at: datetime


_KINDS = {str(kind): kind for kind in MeetingKind}


def to_series(meeting: Meeting) -> Series:
    """A stored meeting as the domain's value."""
    return series_of(meeting, meeting.exceptions)


def series_of(meeting: StoredMeeting, exceptions: Sequence[StoredException]) -> Series:
    """A meeting (object or row) and its exceptions as the domain's value."""
    return Series(
        id=meeting.id,
        uid=meeting.uid,
        kind=_KINDS[meeting.kind],
        title=meeting.title,
        rrule=meeting.rrule,
        starts_local=meeting.starts_local,
        timezone=meeting.timezone,
        all_day=meeting.all_day,
        duration_minutes=meeting.duration_minutes,
        ends_local=meeting.ends_local,
        location=meeting.location,
        join_url=meeting.join_url,
        channel_purpose=meeting.channel_purpose,
        audience=Audience.from_stored(meeting.audience),
        reminder_minutes=tuple(meeting.reminder_minutes or ()),
        sequence=meeting.sequence,
        cancelled=meeting.cancelled_at is not None,
        created_at=meeting.created_at,
        updated_at=meeting.updated_at,
        changes=tuple(
            OccurrenceChange(e.original_start_local, e.status, e.new_start_local)
            for e in exceptions
        ),
    )


# A change may land between a reminder's time and the next sweep: look back this far so the
# sweep still sends it (delivery keys stop anything already sent from going twice).
REMINDER_LOOKBACK = timedelta(minutes=30)


def refresh_next_instants(meeting: Meeting, now: datetime) -> None:
    """Keep the indexed instants right after any change to a series: when the sweep must next
    look at it (`next_reminder_at`) and when it next starts (`next_start_at`, worked out as
    of `now`: `next_start_as_of`)."""
    series = to_series(meeting)
    meeting.next_reminder_at = next_reminder_at(series, now - REMINDER_LOOKBACK)
    meeting.next_start_at = next_start(series, now)
    meeting.next_start_as_of = now


def next_start(series: Series, now: datetime) -> datetime | None:
    """The start of the series' next occurrence at or after `now` (None: none to come)."""
    found = next_of(series, now)
    return found.start if found is not None else None


CHANNEL_ID = re.compile(r"[CGD][A-Z0-9]{2,}")


def meeting_channel(purpose: str | None, channels: Mapping[str, str]) -> str | None:
    """The Slack channel a meeting belongs to: its purpose's channel (announcements when it
    has none), or a channel ID it was given as is."""
    channel = channels.get(purpose or "announcements")
    if channel is not None:
        return channel
    return purpose if purpose and CHANNEL_ID.fullmatch(purpose) else None


def no_such_meeting(meeting_id: int) -> MeetingError:
    return MeetingError(f"there is no meeting #{meeting_id}; `/meeting list` shows them", "id")


def live_meeting(work: UnitOfWork, meeting_id: int) -> Meeting:
    """A meeting still scheduled (not cancelled as a whole), or the error that names it."""
    meeting = work.meetings.get(meeting_id)
    if meeting is None or meeting.cancelled_at is not None:
        raise no_such_meeting(meeting_id)
    return meeting


# Series read at a time while looking for the soonest: a page of `/meeting next` and a margin.
_BATCH = 24


def series_starting_soonest(
    work: UnitOfWork,
    now: datetime,
    limit: int,
    *,
    kind: MeetingKind | None = None,
    wanted: Callable[[Series], bool] = lambda _: True,
    audiences: AudienceFilter | None = None,
) -> list[Series]:
    """The `limit` wanted series that start soonest at or after `now`, from the indexed next
    start: every occurrence of a wanted series left out starts after the last of theirs, so
    the first `limit` occurrences of all wanted series are among these series' occurrences.
    Reads the series in batches in the index's order, and works out again only the next
    start of those whose stored one has passed (the sweep moves them on every minute).
    `audiences` lets the database leave out at once the series `wanted` would refuse for
    their audience (at least all those it would take), so a member whose meetings are few
    among many does not read everyone's to find theirs."""
    kind_name = str(kind) if kind is not None else None
    found: list[tuple[datetime, int, Series]] = []
    for meeting in work.meetings.started_before(now, kind_name, audiences):
        series = to_series(meeting)
        start = next_start(series, now)
        if start is not None and wanted(series):
            found.append((start, series.id, series))
    after: tuple[datetime, int] | None = None
    while True:
        batch = work.meetings.starting_from(now, after, _BATCH, kind_name, audiences)
        for meeting in batch:
            series = to_series(meeting)
            if meeting.next_start_at is not None and wanted(series):
                found.append((meeting.next_start_at, series.id, series))
        found.sort(key=lambda item: item[:2])
        if len(batch) < _BATCH:
            break
        last = batch[-1]
        assert last.next_start_at is not None
        after = (last.next_start_at, last.id)
        if len(found) >= limit and found[limit - 1][:2] <= after:
            break
    return [series for _, _, series in found[:limit]]


def series_page(work: UnitOfWork, after: Key | None, size: int) -> Page[Series]:
    """A page of live series by number: the first, or the one after `after` (the last
    number a page showed). One more than shown is read, to know whether another follows."""
    after_id = key_number(key_length(after, 1))
    rows = work.meetings.live_page(after_id, size + 1)
    total = work.meetings.count_live()
    remaining = total if after_id is None else work.meetings.count_live(after_id)
    return page_of(rows, size, total, remaining, lambda row: (row.id,)).map(to_series)


def series_not_starting(work: UnitOfWork, now: datetime, limit: int) -> list[Series]:
    """Up to `limit` live series with no occurrence to come, by number: those the index
    says so of, and those whose stored next start has passed and that have none after it."""
    if limit <= 0:
        return []
    found = [to_series(meeting) for meeting in work.meetings.not_starting(limit)]
    stale = (to_series(meeting) for meeting in work.meetings.started_before(now))
    found += [series for series in stale if next_start(series, now) is None]
    return sorted(found, key=lambda series: series.id)[:limit]


def next_starts_moved_on(work: UnitOfWork, now: datetime) -> dict[int, tuple[datetime | None, int]]:
    """The next start of each series whose stored one has passed, with the SEQUENCE it was
    worked out from (`set_next_starts` keeps a change made meanwhile)."""
    return {
        meeting.id: (next_start(to_series(meeting), now), meeting.sequence)
        for meeting in work.meetings.started_before(now)
    }
