"""The `/meeting` command language, read into plain values (no Slack calls, no database).

Slack sends command text with `&`, `<` and `>` escaped and, with escaping on, channels as
`<#C123|name>`; both are undone here so titles are stored exactly as typed. Dates, times,
durations and repeats are read as people write them (`scheduling/language/`), dates
relative to the caller's own `today`; each command keeps the dates it read and where, so a
date that reads two ways can be asked about before anything happens.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, time

from bot.core import ids
from bot.core.catalogue import MEETING_COMMAND, subcommands
from bot.core.mrkdwn import unescape
from bot.meetings.schedule_grammar import (
    GrammarError,
    UnknownSubcommandError,
    read_kind,
    read_schedule,
)
from scheduling.errors import FieldError
from scheduling.language.dates import nearest
from scheduling.language.phrases import DatesRead, Part, cut, read_part_date
from scheduling.language.times import read_time
from scheduling.language.words import Word, split_words, suggest
from scheduling.meetings.service import ScheduleRequest
from scheduling.vocabulary import MeetingKind, VocabularyError

__all__ = ["GrammarError", "MeetingCommand", "UnknownSubcommandError", "parse_meeting_command"]

SUBCOMMANDS = (*subcommands(MEETING_COMMAND), "help")
_CHANNEL_TOKEN = re.compile(r"<#([CGD][A-Z0-9]+)(?:\|[^>]*)?>")


@dataclass(frozen=True)
class Schedule:
    request: ScheduleRequest
    dates: DatesRead = field(default=DatesRead(), compare=False)


@dataclass(frozen=True)
class ListMeetings:
    pass


@dataclass(frozen=True)
class NextMeetings:
    kind: MeetingKind | None
    everyone: bool = False  # `all`: every audience's meetings, not only the caller's


@dataclass(frozen=True)
class Cancel:
    meeting_id: int | None  # None: none named, so the meetings are listed to choose from
    on: date | None
    dates: DatesRead = field(default=DatesRead(), compare=False)


@dataclass(frozen=True)
class Move:
    meeting_id: int
    on: date
    to_day: date
    at: time | None
    dates: DatesRead = field(default=DatesRead(), compare=False)


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
    dates: DatesRead = field(default=DatesRead(), compare=False)


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


def clean(text: str) -> str:
    """Slack's escaping and channel tokens undone: the text as the person typed it."""
    return unescape(_CHANNEL_TOKEN.sub(lambda m: f"#{m[1]}", text))


def parse_meeting_command(text: str, today: date) -> MeetingCommand:
    """Read a `/meeting` line; relative dates (`tomorrow`) count from `today`."""
    cleaned = clean(text)
    edit = _EDIT.fullmatch(cleaned)
    if edit:
        # The new value is taken as typed: a title may hold quotes or apostrophes.
        meeting_id = ids.record_id(edit[1])
        if meeting_id is None:
            raise GrammarError(f"cannot read {edit[1]!r} as a meeting number", "edit")
        return Edit(meeting_id, edit[2].lower(), edit[3])
    try:
        words = split_words(cleaned)
    except FieldError as error:
        # An unclosed quote: the usage of the subcommand it came after, if it names one.
        first = cleaned.split()[0].lower() if cleaned.split() else ""
        raise GrammarError(str(error), first if first in SUBCOMMANDS else "") from None
    if not words:
        return OpenForm()
    head, rest = words[0].lower(), words[1:]
    try:
        return _subcommand(head, rest, words, today)
    except VocabularyError as error:
        raise GrammarError(str(error), head if head in SUBCOMMANDS else "") from None


def _subcommand(head: str, rest: list[Word], words: list[Word], today: date) -> MeetingCommand:
    dates = DatesRead(tuple(words))
    if head == "help":
        return Help()
    if head == "schedule":
        request, dates = read_schedule(rest, today, dates)
        return Schedule(request, dates)
    if head == "list":
        _no_more(rest, "list")
        return ListMeetings()
    if head == "next":
        return _next(rest)
    if head == "cancel" and not rest:
        return Cancel(None, None)
    if head in ("cancel", "who"):
        meeting_id = _meeting_id(rest, head)
        if len(rest) == 1:
            return Cancel(meeting_id, None) if head == "cancel" else Who(meeting_id, None)
        parts = cut(rest[1:], ("on",), offset=2)
        if not parts:
            parts = cut([Word("on"), *rest[1:]], ("on",), offset=1)
        if len(parts) != 1:
            raise GrammarError(f"cannot read {' '.join(rest[1:])!r}: say `on DATE`", head)
        day, dates = read_part_date(parts[0], today, dates, "date")
        if head == "cancel":
            return Cancel(meeting_id, day, dates)
        # Who came is asked of past meetings as much as of coming ones.
        return Who(meeting_id, nearest(day, " ".join(parts[0].words), today), dates)
    if head == "move":
        return _move(rest, today, dates)
    if head == "edit":
        meeting_id = _meeting_id(rest, "edit")
        if len(rest) < 3:
            raise GrammarError("say which field and its new value", "edit")
        return Edit(meeting_id, rest[1].lower(), " ".join(rest[2:]))
    if head == "invite":
        meeting_id = _meeting_id(rest, "invite")
        _no_more(rest[1:], "invite")
        return Invite(meeting_id)
    raise UnknownSubcommandError(str(words[0]))


def _next(rest: list[Word]) -> NextMeetings:
    everyone = any(word.lower() in ("all", "everything") for word in rest)
    others = [word for word in rest if word.lower() not in ("all", "everything")]
    if len(others) == 2 and " ".join(others).lower() in ("jour fixe", "core team"):
        others = [Word(" ".join(others))]
    if len(others) > 1:
        raise GrammarError(f"cannot read {' '.join(others[1:])!r} after the kind", "next")
    if others and others[0].lower() not in {str(kind) for kind in MeetingKind}:
        close = suggest(others[0], [*MeetingKind, "all"])
        if close == "all":
            raise GrammarError(f"cannot read {others[0]!r} (did you mean 'all'?)", "next")
    return NextMeetings(read_kind(others[0], "next") if others else None, everyone)


def _no_more(rest: list[Word], subcommand: str) -> None:
    if rest:
        raise GrammarError(f"cannot read {rest[0]!r}", subcommand)


def _meeting_id(rest: list[Word], subcommand: str) -> int:
    if not rest:
        raise GrammarError("say which meeting: its number from `/meeting list`", subcommand)
    meeting_id = ids.record_id(rest[0])
    if meeting_id is None:
        raise GrammarError(
            f"cannot read {rest[0]!r} as a meeting number (see `/meeting list`)", subcommand
        )
    return meeting_id


def _is_clock(word: str) -> bool:
    """Whether a word is a time of day written as one (`11:00`, `11am`), not a number."""
    try:
        read_time(word)
    except VocabularyError:
        return False
    return ":" in word or word.lower().endswith(("am", "pm"))


def _move(rest: list[Word], today: date, dates: DatesRead) -> Move:
    meeting_id = _meeting_id(rest, "move")
    after = rest[1:]
    if after and after[0].lower() in ("from", "on"):
        after = after[1:]
    offset = len(rest) + 1 - len(after)
    parts = cut([Word("from"), *after], ("from", "to", "at"), offset=offset - 1)
    keywords = [part.keyword for part in parts]
    if keywords not in (["from", "to"], ["from", "to", "at"]) or not all(p.words for p in parts):
        raise GrammarError(
            "say the occurrence's date, then `to` and its new date",
            "move",
        )
    at_text = parts[2].text if len(parts) == 3 else None
    if at_text is None and len(parts[1].words) > 1 and _is_clock(parts[1].words[-1]):
        # `to 8 jan 11am`: the time without its `at`.
        at_text = parts[1].words[-1]
        parts[1] = Part(parts[1].keyword, parts[1].words[:-1], parts[1].start)
    on, dates = read_part_date(parts[0], today, dates, "date")
    to_day, dates = read_part_date(parts[1], today, dates, "new date")
    at = read_time(at_text) if at_text is not None else None
    return Move(meeting_id, on, to_day, at, dates)
