"""The `/meeting` command language, read into plain values (no Slack calls, no database).

Slack sends command text with `&`, `<` and `>` escaped and, with escaping on, channels as
`<#C123|name>`; both are undone here so titles are stored exactly as typed.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass
from datetime import date, time

from bot.core import ids
from bot.core.mrkdwn import unescape
from scheduling.durations import parse_time_of_day
from scheduling.meetings.edits import parse_meeting_duration
from scheduling.meetings.recurrence import RepeatError, parse_repeat
from scheduling.meetings.service import ScheduleRequest
from scheduling.vocabulary import MeetingKind, VocabularyError

SCHEDULE_USAGE = (
    '/meeting schedule <kind> "<title>" <repeat> [from YYYY-MM-DD] at HH:MM [for DURATION] '
    "[tz ZONE] [in #channel]"
)
SCHEDULE_EXAMPLE = (
    '/meeting schedule jour-fixe "Jour fixe" monthly on the first thursday from 2024-01-04 '
    "at 10:00 for 1h tz Europe/Vienna"
)
USAGES = {
    "schedule": (SCHEDULE_USAGE, SCHEDULE_EXAMPLE),
    "list": ("/meeting list", "/meeting list"),
    "next": ("/meeting next [kind]", "/meeting next webinar"),
    "cancel": ("/meeting cancel <id> [on YYYY-MM-DD]", "/meeting cancel 3 on 2024-03-07"),
    "move": (
        "/meeting move <id> YYYY-MM-DD to YYYY-MM-DD [at HH:MM]",
        "/meeting move 3 2024-03-07 to 2024-03-08 at 11:00",
    ),
    "edit": (
        "/meeting edit <id> <title|time|duration|link|location|channel|reminders> <value>",
        "/meeting edit 3 reminders 1d 1h",
    ),
    "invite": ("/meeting invite <id>", "/meeting invite 3"),
    "who": ("/meeting who <id> [on YYYY-MM-DD]", "/meeting who 3"),
}
_KEYWORDS = ("from", "at", "for", "tz", "in")
_CHANNEL_TOKEN = re.compile(r"<#([CGD][A-Z0-9]+)(?:\|[^>]*)?>")


class GrammarError(ValueError):
    """The text could not be read; says which word, with the usage and an example."""

    def __init__(self, reason: str, subcommand: str = "schedule") -> None:
        usage, example = USAGES.get(subcommand, USAGES["schedule"])
        super().__init__(reason)
        self.reason = reason
        self.usage = usage
        self.example = example


@dataclass(frozen=True)
class Schedule:
    request: ScheduleRequest


@dataclass(frozen=True)
class ListMeetings:
    pass


@dataclass(frozen=True)
class NextMeetings:
    kind: MeetingKind | None


@dataclass(frozen=True)
class Cancel:
    meeting_id: int | None  # None: none named, so the meetings are listed to choose from
    on: date | None


@dataclass(frozen=True)
class Move:
    meeting_id: int
    on: date
    to_day: date
    at: time | None


@dataclass(frozen=True)
class Edit:
    meeting_id: int
    field: str
    value: str


@dataclass(frozen=True)
class Invite:
    meeting_id: int


@dataclass(frozen=True)
class Who:
    meeting_id: int
    on: date | None


@dataclass(frozen=True)
class OpenForm:
    pass


@dataclass(frozen=True)
class Help:
    pass


MeetingCommand = (
    Schedule | ListMeetings | NextMeetings | Cancel | Move | Edit | Invite | Who | OpenForm | Help
)


_EDIT = re.compile(r"\s*edit\s+#?(\d+)\s+(\S+)\s+(.+?)\s*", re.IGNORECASE | re.DOTALL)


def parse_meeting_command(text: str) -> MeetingCommand:
    cleaned = _CHANNEL_TOKEN.sub(lambda m: f"#{m[1]}", text)
    cleaned = unescape(cleaned).translate({ord(q): '"' for q in "“”„«»"})
    edit = _EDIT.fullmatch(cleaned)
    if edit:
        # The new value is taken as typed: a title may hold quotes or apostrophes.
        meeting_id = ids.record_id(edit[1])
        if meeting_id is None:
            raise GrammarError(f"cannot read {edit[1]!r} as a meeting number", "edit")
        return Edit(meeting_id, edit[2].lower(), edit[3])
    try:
        words = shlex.split(cleaned)
    except ValueError:
        raise GrammarError("a closing quote is missing around the title") from None
    if not words:
        return OpenForm()
    head, rest = words[0].lower(), words[1:]
    if head == "help":
        return Help()
    if head == "schedule":
        return Schedule(_schedule(rest))
    if head == "list":
        _no_more(rest, "list")
        return ListMeetings()
    if head == "next":
        if len(rest) > 1:
            raise GrammarError(f"cannot read {rest[1]!r} after the kind", "next")
        return NextMeetings(_kind(rest[0], "next") if rest else None)
    if head == "cancel":
        if not rest:
            return Cancel(None, None)
        meeting_id = _meeting_id(rest, "cancel")
        if len(rest) == 1:
            return Cancel(meeting_id, None)
        if len(rest) == 3 and rest[1].lower() == "on":
            return Cancel(meeting_id, _date(rest[2], "cancel"))
        raise GrammarError(f"cannot read {' '.join(rest[1:])!r}: say `on YYYY-MM-DD`", "cancel")
    if head == "move":
        return _move(rest)
    if head == "edit":
        meeting_id = _meeting_id(rest, "edit")
        if len(rest) < 3:
            raise GrammarError("say which field and its new value", "edit")
        return Edit(meeting_id, rest[1].lower(), " ".join(rest[2:]))
    if head == "who":
        meeting_id = _meeting_id(rest, "who")
        if len(rest) == 1:
            return Who(meeting_id, None)
        if len(rest) == 3 and rest[1].lower() == "on":
            return Who(meeting_id, _date(rest[2], "who"))
        raise GrammarError(f"cannot read {' '.join(rest[1:])!r}: say `on YYYY-MM-DD`", "who")
    if head == "invite":
        meeting_id = _meeting_id(rest, "invite")
        _no_more(rest[1:], "invite")
        return Invite(meeting_id)
    raise GrammarError(
        f"I don't know {words[0]!r}: say schedule, list, next, who, cancel, move, edit or invite"
    )


def _kind(word: str, subcommand: str) -> MeetingKind:
    try:
        return MeetingKind.parse(word)
    except VocabularyError as error:
        raise GrammarError(str(error), subcommand) from None


def _no_more(rest: list[str], subcommand: str) -> None:
    if rest:
        raise GrammarError(f"cannot read {rest[0]!r}", subcommand)


def _meeting_id(rest: list[str], subcommand: str) -> int:
    if not rest:
        raise GrammarError("say which meeting: its number from `/meeting list`", subcommand)
    meeting_id = ids.record_id(rest[0])
    if meeting_id is None:
        raise GrammarError(f"cannot read {rest[0]!r} as a meeting number", subcommand)
    return meeting_id


def _date(text: str, subcommand: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise GrammarError(f"cannot read {text!r} as a date (YYYY-MM-DD)", subcommand) from None


def _time(text: str, subcommand: str) -> time:
    try:
        return parse_time_of_day(text)
    except VocabularyError as error:
        raise GrammarError(str(error), subcommand) from None


def _move(rest: list[str]) -> Move:
    meeting_id = _meeting_id(rest, "move")
    if len(rest) not in (4, 6) or rest[2].lower() != "to":
        raise GrammarError("say `move <id> YYYY-MM-DD to YYYY-MM-DD [at HH:MM]`", "move")
    at = None
    if len(rest) == 6:
        if rest[4].lower() != "at":
            raise GrammarError(f"cannot read {rest[4]!r}: say `at HH:MM`", "move")
        at = _time(rest[5], "move")
    return Move(meeting_id, _date(rest[1], "move"), _date(rest[3], "move"), at)


def _schedule(words: list[str]) -> ScheduleRequest:
    if not words:
        raise GrammarError("say the kind of meeting first: " + ", ".join(MeetingKind))
    kind = _kind(words[0], "schedule")
    if len(words) < 2:
        raise GrammarError('say the title in quotes after the kind, e.g. "Jour fixe"')
    title = words[1]
    position = 2
    repeat_words: list[str] = []
    while position < len(words) and words[position].lower() not in _KEYWORDS:
        repeat_words.append(words[position])
        position += 1
    if not repeat_words:
        raise GrammarError("say how it repeats: once on YYYY-MM-DD, weekly on <day>, …")
    once_date = None
    if repeat_words[0].lower() == "once":
        if len(repeat_words) != 3 or repeat_words[1].lower() != "on":
            raise GrammarError("say `once on YYYY-MM-DD`")
        once_date = _date(repeat_words[2], "schedule")
        repeat_words = ["once"]
    try:
        rrule = parse_repeat(" ".join(repeat_words)).rrule
    except RepeatError as error:
        raise GrammarError(str(error)) from None
    options: dict[str, str] = {}
    while position < len(words):
        keyword = words[position].lower()
        if keyword not in _KEYWORDS:
            raise GrammarError(
                f"cannot read {words[position]!r}: expected one of {', '.join(_KEYWORDS)}"
            )
        if keyword in options:
            raise GrammarError(f"{keyword!r} is given twice")
        if position + 1 >= len(words):
            raise GrammarError(f"{keyword!r} needs a value")
        options[keyword] = words[position + 1]
        position += 2
    from_date = _date(options["from"], "schedule") if "from" in options else None
    at = _time(options["at"], "schedule") if "at" in options else None
    if at is None and kind != "physical":
        raise GrammarError("say the start time: `at HH:MM` (only physical meetings are all-day)")
    duration = None
    if "for" in options:
        try:
            duration = parse_meeting_duration(options["for"])
        except VocabularyError as error:
            raise GrammarError(str(error)) from None
    channel = options.get("in")
    if channel is not None:
        channel = channel.lstrip("#")
    return ScheduleRequest(
        kind=kind,
        title=title,
        rrule=rrule,
        first_date=once_date or from_date,
        explicit_from=from_date is not None,
        at=at,
        duration_minutes=duration,
        timezone=options.get("tz"),
        channel=channel,
    )
