"""Single occurrences changed: the occurrence a date names, and its cancellation or move
recorded (named by its original start), each raising the series' SEQUENCE."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, time, timedelta

from scheduling.meetings.edits import MeetingError
from scheduling.meetings.mapping import refresh_next_instants
from scheduling.meetings.occurrences import CANCELLED, MOVED, Series, occurrences
from storage.models import Meeting, MeetingException


def original_on(series: Series, on: date) -> datetime:
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


def record_exception(
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
    touch(meeting, now)


def touch(meeting: Meeting, now: datetime) -> None:
    meeting.sequence += 1
    meeting.updated_at = now
    refresh_next_instants(meeting, now)
