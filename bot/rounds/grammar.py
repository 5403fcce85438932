"""The `/round` command language, read into plain values."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from bot.core.mrkdwn import unescape
from scheduling.errors import FieldError
from scheduling.language.dates import working_days_in
from scheduling.language.phrases import DatesRead, Part, read_part_date
from scheduling.language.words import Word, join_words, split_words, suggest
from scheduling.updates.documents import FORMATS
from scheduling.vocabulary import VocabularyError


class RoundGrammarError(ValueError):
    """The text could not be read: the reason, the subcommand it was reading (whose usage the
    reply shows), or the first word when it names no subcommand at all."""

    def __init__(self, reason: str, subcommand: str = "", unknown: str | None = None) -> None:
        super().__init__(reason)
        self.subcommand = subcommand
        self.unknown = unknown


@dataclass(frozen=True)
class RoundCommand:
    action: str
    reference: str | None = None
    title: str = ""
    due: date | None = None
    audience: tuple[str, ...] = ()
    format_name: str = "md"
    setting: str = ""  # `nudges`: pause, resume, off, rules in words, or "" to show them
    dates: DatesRead = field(default=DatesRead(), compare=False)
    working_days: int | None = None  # `due in 10 working days`: counted by the service
    due_span: tuple[int, int] = (0, 0)  # where the due date's words are in `dates.words`

    def with_due(self, due: date) -> str:
        """The line again with the due date written as an ISO date (it then reads the same
        whenever it is run again)."""
        words: list[str] = list(self.dates.words)
        start, end = self.due_span
        return join_words([*words[:start], due.isoformat(), *words[end:]])


# Formats by the names people give them.
_FORMAT_WORDS = {name: name for name in FORMATS} | {
    "word": "docx",
    "doc": "docx",
    "markdown": "md",
    "excel": "csv",
}
ACTIONS = ("open", "status", "remind", "close", "export", "nudges", "help")
NUDGE_SWITCHES = ("pause", "resume", "off")
# Words that, after a number, make it a rule's count (`5 working days`), not a round's.
_RULE_UNITS = ("working", "business", "day", "days", "week", "weeks")


def parse_round_command(text: str, today: date) -> RoundCommand:
    """Read a `/round` line; relative due dates (`in 3 weeks`) count from `today`."""
    try:
        words = split_words(unescape(text))
    except FieldError as error:
        first = unescape(text).split()[0].lower() if text.split() else ""
        raise RoundGrammarError(str(error), first if first in ACTIONS else "") from None
    if not words or words[0].lower() == "help":
        return RoundCommand("help")
    action, rest = words[0].lower(), words[1:]
    if action == "open":
        return _open(rest, today)
    if action in ("status", "remind", "close"):
        return RoundCommand(action, reference=" ".join(rest) or None)
    if action == "export":
        format_name = "md"
        named = _FORMAT_WORDS.get(rest[-1].lower()) if rest else None
        if named is not None:
            format_name = named
            rest.pop()
        elif len(rest) > 1 and (close := suggest(rest[-1], FORMATS, cutoff=0.6)):
            raise RoundGrammarError(
                f"cannot read {rest[-1]!r} as a format (did you mean {close!r}?): "
                f"say {', '.join(FORMATS)}",
                "export",
            )
        return RoundCommand("export", reference=" ".join(rest) or None, format_name=format_name)
    if action == "nudges":
        return _nudges(rest)
    raise RoundGrammarError(f"I don't know {words[0]!r}", unknown=str(words[0]))


def _open(rest: list[Word], today: date) -> RoundCommand:
    """`open "<title>" due DATE [for AUDIENCE]`; the title may go unquoted before `due`, and
    may hold the word itself (`Report on due diligence due 10 Nov`): the first `due` after
    which the rest reads is the one."""
    dues = [i for i, w in enumerate(rest) if w.lower() == "due" and not w.quoted and i > 0]
    if not dues:
        raise RoundGrammarError(
            'say `open "<title>" due DATE`, e.g. due 10 Nov or due in 3 weeks', "open"
        )
    first_error: RoundGrammarError | None = None
    for due_at in dues:
        try:
            return _open_at(rest, due_at, today)
        except RoundGrammarError as error:
            first_error = first_error or error
    assert first_error is not None
    raise first_error


def _open_at(rest: list[Word], due_at: int, today: date) -> RoundCommand:
    title = " ".join(rest[:due_at])
    after = rest[due_at + 1 :]
    for_at = next((i for i, w in enumerate(after) if w.lower() == "for" and not w.quoted), None)
    date_words = after if for_at is None else after[:for_at]
    if not date_words:
        raise RoundGrammarError(
            "say the due date after `due`, e.g. due 10 Nov or due in 3 weeks", "open"
        )
    # `open` is the line's first word, so rest[i] is its word i + 1.
    part = Part("due", tuple(date_words), due_at + 2)
    audience = () if for_at is None else tuple(after[for_at + 1 :])
    if for_at is not None and not audience:
        raise RoundGrammarError(
            "say whom after `for`: core countries, everyone or countries", "open"
        )
    line = DatesRead((Word("open"), *rest))
    span = (part.start, part.end)
    count = working_days_in(part.text)
    if count is not None:
        return RoundCommand(
            "open", title=title, audience=audience, dates=line, working_days=count, due_span=span
        )
    try:
        due, dates = read_part_date(part, today, line, "due date")
    except VocabularyError as error:
        raise RoundGrammarError(str(error), "open") from None
    return RoundCommand("open", title=title, due=due, audience=audience, dates=dates, due_span=span)


def _nudges(rest: list[Word]) -> RoundCommand:
    """`nudges [round] [pause|resume|off|<rules>]`: the round is a quoted title, `#3`, or a
    number not followed by a rule's unit (`3 pause`, but `5 working days before`); before
    pause, resume or off, any words name it."""
    words = [str(word) for word in rest]
    if words and words[-1].lower() in NUDGE_SWITCHES:
        return RoundCommand("nudges", " ".join(words[:-1]) or None, setting=words[-1].lower())
    reference = None
    if rest:
        first, after = rest[0], words[1].lower() if len(words) > 1 else ""
        number = first.lstrip("#").isdecimal()
        unit = after in _RULE_UNITS or suggest(after, _RULE_UNITS, cutoff=0.75) is not None
        if first.quoted or first.startswith("#") or (number and not unit):
            reference, words = str(first), words[1:]
    return RoundCommand("nudges", reference, setting=" ".join(words))
