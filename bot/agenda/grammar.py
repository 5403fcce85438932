"""The `/meeting` words about topics and the agenda, read into plain values:
`propose <id> "<topic>" [on DATE]`, `agenda <id> [on DATE]` and
`topics <id> [on DATE] [drop N | merge N into M]`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bot.core import ids
from bot.meetings.grammar import clean
from bot.meetings.schedule_grammar import GrammarError
from scheduling.errors import FieldError
from scheduling.language.dates import read_date
from scheduling.language.words import Word, split_words
from scheduling.vocabulary import VocabularyError


@dataclass(frozen=True)
class Propose:
    meeting_id: int
    title: str
    on: date | None


@dataclass(frozen=True)
class ShowAgenda:
    meeting_id: int
    on: date | None


@dataclass(frozen=True)
class Topics:
    meeting_id: int
    on: date | None
    drop: int | None = None
    merge: tuple[int, int] | None = None  # (N, M): N goes into M


def _words(text: str, subcommand: str) -> list[Word]:
    try:
        return split_words(clean(text))  # the words after the subcommand's
    except FieldError as error:
        raise GrammarError(str(error), subcommand) from None


def _meeting_id(words: list[Word], subcommand: str) -> int:
    found = ids.record_id(words[0]) if words else None
    if found is None:
        raise GrammarError("say which meeting, by its number (`/meeting list`)", subcommand)
    return found


def _on(words: list[Word], today: date, subcommand: str) -> date | None:
    """`on DATE` (or just DATE) from the words left, or None when there are none."""
    if not words:
        return None
    rest = words[1:] if words[0].lower() == "on" else words
    try:
        return read_date(" ".join(rest), today, "date").day
    except VocabularyError as error:
        raise GrammarError(str(error), subcommand) from None


def _number(word: str, subcommand: str) -> int:
    found = ids.record_id(word)
    if found is None:
        raise GrammarError(f"cannot read {word!r} as a topic number", subcommand)
    return found


def parse_propose(text: str, today: date) -> Propose:
    words = _words(text, "propose")
    meeting_id = _meeting_id(words, "propose")
    if len(words) < 2 or not words[1].quoted:
        raise GrammarError('put the topic in quotes, e.g. "Twinning visits"', "propose")
    return Propose(meeting_id, str(words[1]), _on(words[2:], today, "propose"))


def parse_agenda(text: str, today: date) -> ShowAgenda:
    words = _words(text, "agenda")
    return ShowAgenda(_meeting_id(words, "agenda"), _on(words[1:], today, "agenda"))


def parse_topics(text: str, today: date) -> Topics:
    words = _words(text, "topics")
    meeting_id = _meeting_id(words, "topics")
    rest = [w.lower() for w in words[1:]]
    if "drop" in rest:
        at = rest.index("drop")
        if len(rest) != at + 2:
            raise GrammarError("say which topic to drop: `drop N`", "topics")
        on = _on(words[1 : at + 1], today, "topics")
        return Topics(meeting_id, on, drop=_number(rest[at + 1], "topics"))
    if "merge" in rest:
        at = rest.index("merge")
        tail = rest[at + 1 :]
        if len(tail) != 3 or tail[1] != "into":
            raise GrammarError("say which topics to merge: `merge N into M`", "topics")
        on = _on(words[1 : at + 1], today, "topics")
        merge = (_number(tail[0], "topics"), _number(tail[2], "topics"))
        return Topics(meeting_id, on, merge=merge)
    return Topics(meeting_id, _on(words[1:], today, "topics"))
