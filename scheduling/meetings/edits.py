"""One field of a stored meeting changed as `/meeting edit` says, after checking the value."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta

from scheduling.durations import format_duration, parse_duration_minutes, parse_time_of_day
from scheduling.errors import FieldError
from scheduling.language.words import did_you_mean
from scheduling.meetings.recurrence import (
    WallClockError,
    check_series_wall_clock,
    check_wall_clock,
)
from scheduling.vocabulary import VocabularyError
from storage.models import Meeting

MAX_TITLE_LENGTH = 250
MAX_LOCATION_LENGTH = 500
MAX_LINK_LENGTH = 2000
# The longest physical meeting is a few days; four weeks leave room for a summer school.
MAX_MEETING_MINUTES = 4 * 7 * 24 * 60
# A quarter ahead, for the first reminder of a quarterly consortium meeting.
MAX_REMINDER_MINUTES = 13 * 7 * 24 * 60
MAX_REMINDERS = 5
EDITABLE_FIELDS = (
    "title", "time", "duration", "link", "location", "channel", "reminders", "agenda",
)  # fmt: skip
# How far ahead of an occurrence its draft agenda may go to the coordinators.
MAX_AGENDA_DAYS = 60
_FIELD_ALIASES = {"join": "link", "join_url": "link", "url": "link", "start": "time"}
_NONE = ("none", "-", "")


class MeetingError(FieldError):
    """A request the meeting service refuses; the message says why, `field` what to fix."""


def editable_field(name: str) -> str:
    """The field `name` (or an alias of it) means; MeetingError when it cannot be edited."""
    field = _FIELD_ALIASES.get(name.lower(), name.lower())
    if field not in EDITABLE_FIELDS:
        hint = did_you_mean(name, EDITABLE_FIELDS)
        raise MeetingError(
            f"I can't edit {name!r}{hint}; editable: {', '.join(EDITABLE_FIELDS)}", "field"
        )
    return field


def parse_meeting_duration(text: str) -> int:
    """A meeting's length in minutes (`90m`, `2d`), four weeks at most."""
    return parse_duration_minutes(text, MAX_MEETING_MINUTES, "duration")


def parse_reminder(text: str) -> int:
    """How long before a meeting a reminder goes out, in minutes (`1d`), a quarter at most."""
    return parse_duration_minutes(text, MAX_REMINDER_MINUTES, "reminder")


def check_duration(minutes: int | None) -> int | None:
    """A meeting length from a form or a command: positive and four weeks at most."""
    if minutes is not None and not 0 < minutes <= MAX_MEETING_MINUTES:
        raise MeetingError(
            f"a meeting lasts from 1 minute to {format_duration(MAX_MEETING_MINUTES)}", "duration"
        )
    return minutes


def check_title(text: str) -> str:
    title = text.strip()
    if not title:
        raise MeetingError('the meeting needs a title in quotes, e.g. "Jour fixe"', "title")
    if any(ord(c) < 32 or ord(c) == 127 for c in title):
        # A title is one line: it heads cards, calendar entries and e-mail subjects.
        raise MeetingError("the title must be one line, without line breaks or tabs", "title")
    if len(title) > MAX_TITLE_LENGTH:
        raise MeetingError(
            f"the title is {len(title)} characters; keep it under {MAX_TITLE_LENGTH}", "title"
        )
    return title


def apply_edit(
    meeting: Meeting, field: str, value: str, resolve_channel: Callable[[str], str | None]
) -> None:
    """Change `field` of `meeting` to `value`; MeetingError (naming the field) if it is wrong."""
    try:
        _EDITS[field](meeting, value, resolve_channel)
    except (VocabularyError, WallClockError) as error:
        raise MeetingError(str(error), field) from None


def _title(meeting: Meeting, value: str, _: Callable[[str], str | None]) -> None:
    meeting.title = check_title(value)


def _time(meeting: Meeting, value: str, _: Callable[[str], str | None]) -> None:
    if meeting.all_day:
        raise MeetingError("an all-day meeting has no time; move it instead", "time")
    at = parse_time_of_day(value)
    new_start = meeting.starts_local.replace(hour=at.hour, minute=at.minute)
    if meeting.rrule is None:
        check_wall_clock(new_start, meeting.timezone)
    else:
        check_series_wall_clock(meeting.rrule, new_start, meeting.timezone)
    shift = new_start - meeting.starts_local
    meeting.starts_local = new_start
    # Cancelled and moved occurrences are named by their original start: keep them
    # attached to the same occurrences at the new time.
    for exception in meeting.exceptions:
        exception.original_start_local += shift


def _duration(meeting: Meeting, value: str, _: Callable[[str], str | None]) -> None:
    minutes = parse_meeting_duration(value)
    if meeting.all_day:
        days = max(1, minutes // (24 * 60))
        meeting.ends_local = meeting.starts_local + timedelta(days=days - 1)
    else:
        meeting.duration_minutes, meeting.ends_local = minutes, None


def check_link(value: str) -> str | None:
    """A join link: http(s), at most 2,000 characters; `none` or nothing for no link."""
    value = value.strip()
    if value.lower() in _NONE:
        return None
    if len(value) > MAX_LINK_LENGTH:
        raise MeetingError(f"the link is longer than {MAX_LINK_LENGTH} characters", "link")
    if not re.fullmatch(r"https?://\S+", value):
        raise MeetingError(
            f"{value!r} is not an http(s) link; e.g. https://zoom.example/j/123", "link"
        )
    return value


def check_location(value: str) -> str | None:
    """A place in words, at most 500 characters; `none` or nothing for no place."""
    value = value.strip()
    if len(value) > MAX_LOCATION_LENGTH:
        raise MeetingError(
            f"the location is {len(value)} characters; keep it under {MAX_LOCATION_LENGTH}",
            "location",
        )
    return None if value.lower() in _NONE else value


def parse_reminders(value: str) -> tuple[int, ...]:
    """Reminder offsets in minutes, longest first, from `1d 1h` (or `1d, 1h`); `none` for
    none at all."""
    # `1 day, 2 hours` as `1day 2hours`: a number belongs to the unit after it.
    joined = re.sub(r"(\d+(?:[.,]\d+)?)\s+(?=[a-z])", r"\1", value.lower().replace(" and ", " "))
    words = joined.replace(",", " ").split()
    if [w.lower() for w in words] == ["none"]:
        return ()
    if not words:
        raise MeetingError("say the reminders, e.g. `1d 1h`, or `none`", "reminders")
    try:
        offsets = sorted({parse_reminder(w) for w in words}, reverse=True)
    except VocabularyError as error:
        raise MeetingError(str(error), "reminders") from None
    if len(offsets) > MAX_REMINDERS:
        raise MeetingError(f"a meeting can have {MAX_REMINDERS} reminders at most", "reminders")
    return tuple(offsets)


def parse_agenda_days(text: str) -> int:
    """Days before an occurrence its draft agenda goes out: `5d`, `1w` or `5` (days)."""
    typed = text.strip().lower()
    if typed.isascii() and typed.isdecimal():
        typed = f"{typed}d"
    minutes = parse_duration_minutes(typed, MAX_AGENDA_DAYS * 24 * 60, "agenda")
    if minutes % (24 * 60):
        raise VocabularyError(
            f"say the agenda's lead in whole days, e.g. 5d, not {text!r}", "agenda"
        )
    return minutes // (24 * 60)


def _agenda(meeting: Meeting, value: str, _: Callable[[str], str | None]) -> None:
    meeting.agenda_days = parse_agenda_days(value)


def _link(meeting: Meeting, value: str, _: Callable[[str], str | None]) -> None:
    meeting.join_url = check_link(value)


def _location(meeting: Meeting, value: str, _: Callable[[str], str | None]) -> None:
    meeting.location = check_location(value)


def _channel(meeting: Meeting, value: str, resolve: Callable[[str], str | None]) -> None:
    meeting.channel_purpose = resolve(value.lstrip("#"))


def _reminders(meeting: Meeting, value: str, _: Callable[[str], str | None]) -> None:
    meeting.reminder_minutes = list(parse_reminders(value))


_EDITS: dict[str, Callable[[Meeting, str, Callable[[str], str | None]], None]] = {
    "title": _title,
    "time": _time,
    "duration": _duration,
    "link": _link,
    "location": _location,
    "channel": _channel,
    "reminders": _reminders,
    "agenda": _agenda,
}
