"""Cancelling meetings safely: what cancelling a whole series would do (shown before it is
done), the cancellation of a series or of one occurrence, and its undo within UNDO_WINDOW.

Nothing is stored for an undo. A cancellation raises the series' SEQUENCE and sets its
`updated_at`; while the SEQUENCE is still the one the cancellation left (`CancelTicket`),
nothing else changed the series since, and `updated_at` is when it was cancelled. The ticket
of one occurrence also says where that occurrence had been moved, if it had, to put it back.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from scheduling.consortium.directory import CountryRef, MemberProfile, audience_members
from scheduling.meetings.changes import original_on, record_exception, touch
from scheduling.meetings.edits import MeetingError
from scheduling.meetings.mapping import meeting_channel, no_such_meeting, to_series
from scheduling.meetings.occurrences import (
    CANCELLED,
    MOVED,
    Occurrence,
    Series,
    next_of,
    occurrences,
)
from scheduling.meetings.recurrence import WallClockError, check_wall_clock
from scheduling.undo import UndoError, check_in_time
from storage.models import Meeting, MeetingException
from storage.repositories import UnitOfWork

# How far ahead the occurrences of a rule with an end are counted (a rule that runs on past
# that is told as one without end).
COUNTED_YEARS = 10


@dataclass(frozen=True)
class CancelTicket:
    """What undoes a cancellation: the meeting, the SEQUENCE the cancellation left, and for
    one occurrence its original start and where it had been moved (None: it had not)."""

    meeting_id: int
    sequence: int
    original_local: datetime | None = None
    moved_to: datetime | None = None


@dataclass(frozen=True)
class CancelPreview:
    """What cancelling a whole series would do: the occurrences it takes away (`left` is None
    for a rule without end), whom it tells and where."""

    series: Series
    upcoming: Occurrence | None
    left: int | None
    last: Occurrence | None
    members: int
    channel: str | None
    mailed: int


def no_such(meeting_id: int) -> MeetingError:
    return no_such_meeting(meeting_id)


def cancel_preview(
    work: UnitOfWork, meeting_id: int, now: datetime, by_mail: bool
) -> CancelPreview:
    """What cancelling the live series `meeting_id` would do, as of `now`."""
    meeting = work.meetings.get(meeting_id)
    if meeting is None or meeting.cancelled_at is not None:
        raise no_such(meeting_id)
    series = to_series(meeting)
    countries = {c.code: CountryRef.of(c) for c in work.directory.countries()}
    profiles = [MemberProfile.of(row, countries) for row in work.directory.member_rows()]
    members = audience_members(profiles, series.audience)
    mailed = sum(1 for m in members if m.takes_mailed_invitations) if by_mail else 0
    channels = {c.purpose: c.slack_channel_id for c in work.directory.channels()}
    channel = meeting_channel(series.channel_purpose, channels)
    upcoming = next_of(series, now)
    left: int | None = 1 if upcoming else 0
    last = upcoming
    horizon = now + timedelta(days=365 * COUNTED_YEARS)
    if series.rrule is not None:
        left, last = None, None
        if _has_end(series.rrule) and not _runs_past(series, horizon):
            to_come = occurrences(series, now, horizon)
            left, last = len(to_come), (to_come[-1] if to_come else None)
    return CancelPreview(series, upcoming, left, last, len(members), channel, mailed)


def _runs_past(series: Series, horizon: datetime) -> bool:
    local = horizon.astimezone(series.zone).replace(tzinfo=None)
    return series.first_local_start_after(local) is not None


def _has_end(rule: str) -> bool:
    parts = {part.split("=", 1)[0].strip().upper() for part in rule.split(";")}
    return bool(parts & {"UNTIL", "COUNT"})


def cancel_meeting(
    meeting: Meeting, on: date | None, seen: int | None, now: datetime
) -> CancelTicket:
    """Cancel the series (or a one-off event), or its occurrence `on`; `seen` is the
    SEQUENCE its confirmation showed, refused when the series changed since."""
    series = to_series(meeting)
    if seen is not None and seen != meeting.sequence:
        raise MeetingError(
            f"#{series.id} changed after I asked, so I cancelled nothing; type "
            f"`/meeting cancel {series.id}` again to see what cancelling it does now",
            "id",
        )
    if on is None or series.rrule is None:
        if on is not None and on != series.starts_local.date():
            raise MeetingError(
                f"#{series.id} happens once, on {series.starts_local:%Y-%m-%d}, not {on:%Y-%m-%d}",
                "date",
            )
        meeting.cancelled_at = now
        touch(meeting, now)
        return CancelTicket(meeting.id, meeting.sequence)
    original = original_on(series, on)
    before = series.change_for(original)
    moved_to = before.new_start_local if before is not None and before.status == MOVED else None
    record_exception(meeting, original, CANCELLED, None, now)
    return CancelTicket(meeting.id, meeting.sequence, original, moved_to)


def restore_cancelled(meeting: Meeting | None, ticket: CancelTicket, now: datetime) -> Meeting:
    """Undo the cancellation `ticket` names: the series live again, or the occurrence back
    where it was; refused when the series changed since or the window has passed."""
    if meeting is None:
        raise UndoError(f"Meeting #{ticket.meeting_id} is gone; there is nothing to bring back.")
    name = f"#{meeting.id} {meeting.title}"
    day = ticket.original_local
    what = f"the {day:%Y-%m-%d} meeting of {name}" if day else name
    cancelled = _cancelled_exception(meeting, day) if day else None
    if (meeting.cancelled_at is None) if day is None else (cancelled is None):
        raise UndoError(f"{what} is not cancelled (any more); `/meeting list` shows it.")
    if meeting.sequence != ticket.sequence:
        raise UndoError(
            f"{name} changed after it was cancelled, so I did not undo the cancellation over "
            "that change. `/meeting list` shows how it stands."
        )
    instead = (
        f"To hold it after all, schedule a one-off: `/meeting schedule … once on {day:%Y-%m-%d}`."
        if day
        else "To hold it again, schedule it anew with `/meeting schedule`."
    )
    check_in_time(meeting.updated_at, now, f"{what} was cancelled", instead)
    if cancelled is None:
        meeting.cancelled_at = None
    elif ticket.moved_to is None:
        meeting.exceptions.remove(cancelled)
    else:
        if not meeting.all_day:
            try:
                check_wall_clock(ticket.moved_to, meeting.timezone)
            except WallClockError as error:
                raise UndoError(str(error)) from None
        cancelled.status, cancelled.new_start_local = MOVED, ticket.moved_to
    touch(meeting, now)
    return meeting


def _cancelled_exception(meeting: Meeting, original: datetime) -> MeetingException | None:
    return next(
        (
            e
            for e in meeting.exceptions
            if e.original_start_local == original and e.status == CANCELLED
        ),
        None,
    )
