"""`/meeting schedule …`: kind, title, repeat and options, read forgivingly.

The title may go without quotes when it ends where the repeat begins (`jour-fixe Jour fixe
monthly on the first thursday …`); when that reading fails, the error says to quote it.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from datetime import date
from typing import TypeVar

from bot.core.catalogue import MEETING_COMMAND, usage_entry
from scheduling.errors import FieldError
from scheduling.language.dates import DATE_WORDS
from scheduling.language.phrases import DatesRead, Part, cut, read_part_date
from scheduling.language.repeats import (
    OCCURRENCE_WORDS,
    REPEAT_STARTS,
    bounded,
    read_repeat,
)
from scheduling.language.times import read_time
from scheduling.language.words import Word, did_you_mean
from scheduling.meetings.edits import parse_meeting_duration
from scheduling.meetings.recurrence import parse_repeat
from scheduling.meetings.service import ScheduleRequest
from scheduling.vocabulary import MeetingKind, VocabularyError


class GrammarError(ValueError):
    """The text could not be read; says which word, and which subcommand it was reading, so
    the reply shows that subcommand's usage (from the catalogue) and no other."""

    def __init__(self, reason: str, subcommand: str = "schedule") -> None:
        super().__init__(reason)
        self.reason = reason
        self.subcommand = subcommand

    @property
    def usage(self) -> str:
        entry = usage_entry(MEETING_COMMAND, self.subcommand)
        return entry.usage if entry else MEETING_COMMAND

    @property
    def example(self) -> str:
        entry = usage_entry(MEETING_COMMAND, self.subcommand)
        return entry.example if entry else MEETING_COMMAND


class UnknownSubcommandError(GrammarError):
    """The first word is none of /meeting's subcommands."""

    def __init__(self, word: str) -> None:
        super().__init__(f"I don't know {word!r}", "")
        self.word = word


def read_kind(word: str, subcommand: str) -> MeetingKind:
    """A kind as people write it: `jour-fixe`, `jour fixe`, `jourfixe`, `webinars`."""
    squashed = re.sub(r"[^a-z]", "", word.lower())
    for kind in MeetingKind:
        if squashed in (re.sub(r"[^a-z]", "", kind), re.sub(r"[^a-z]", "", kind) + "s"):
            return kind
    try:
        return MeetingKind.parse(word.replace(" ", "-"))
    except VocabularyError:
        hint = did_you_mean(word, list(MeetingKind))
        raise GrammarError(
            f"{word!r} is not a kind of meeting{hint}: say {', '.join(MeetingKind)}", subcommand
        ) from None


T = TypeVar("T")
_A_DAY = 24 * 60
# A weekday before a date belongs to the date (`wed 16 dec`), not to the title.
_DAY_NAMES = frozenset(
    name for day in calendar.day_name for name in (day.lower(), day.lower()[:3], day.lower()[:4])
)
# `in a week`, `in two weeks`: a date, not a channel.
_COUNT_WORDS = frozenset({"a", "an", "one", "two", "three", "four", "five", "six"})
# Words that, in a title without quotes, more likely belong to the schedule than to the title.
_NEVER_IN_UNQUOTED_TITLES = frozenset({"from", "starting", "until", "at", "tz"}) | (
    REPEAT_STARTS - {"on"}
)
OPTIONS = ("from", "starting", "until", "at", "for", "tz", "in")
# The words of a kind said in two (`jour fixe`, `core team`).
_TWO_WORD_KINDS = {"jour fixe": MeetingKind.JOUR_FIXE, "core team": MeetingKind.CORE_TEAM}


def read_schedule(
    words: list[Word], today: date, dates: DatesRead
) -> tuple[ScheduleRequest, DatesRead]:
    # `schedule` is the command's first word: these words start at index 1.
    if not words:
        raise GrammarError("say the kind of meeting first: " + ", ".join(MeetingKind))
    pair = " ".join(words[:2]).lower()
    if len(words) > 1 and pair in _TWO_WORD_KINDS:
        kind, position = _TWO_WORD_KINDS[pair], 2
    else:
        kind, position = read_kind(words[0], "schedule"), 1
    rest = words[position:]
    if not rest:
        raise GrammarError('say the title after the kind, e.g. "Jour fixe"')
    if rest[0].quoted:
        return _after_title(kind, rest[0], words, position + 1, today, dates)
    return _unquoted_title(kind, words, position, today, dates)


def _unquoted_title(
    kind: MeetingKind, words: list[Word], position: int, today: date, dates: DatesRead
) -> tuple[ScheduleRequest, DatesRead]:
    """A title without quotes ends where the rest reads whole: first at a word that starts a
    repeat, left to right (`Workshop on governance on 19 Dec at 10am`: the first `on` does
    not start a date, the second does), else before a bare date, right to left (`Wave 3 June
    27`: the title keeps the 3). A title that would hold a word such as `from` or `until`
    is not guessed: the error asks for quotes. When no end works, the error is the one after
    the first word that could start the repeat."""
    ends = range(position + 1, len(words))
    keyword_ends = [end for end in ends if words[end].lower() in REPEAT_STARTS]
    other_ends = [
        end
        for end in reversed(ends)
        if end not in keyword_ends and words[end - 1].lower().rstrip(",") not in _DAY_NAMES
    ]
    first_error: GrammarError | None = None
    for end in [*keyword_ends, *other_ends]:
        title = " ".join(words[position:end])
        try:
            found = _after_title(kind, title, words, end, today, dates)
        except (GrammarError, FieldError) as error:
            starts = words[end].lower() in REPEAT_STARTS | set(OPTIONS)
            if first_error is None and starts:
                reason = error.reason if isinstance(error, GrammarError) else str(error)
                # A question about the time has nothing to do with where the title ends.
                about_time = isinstance(error, FieldError) and error.field == "time"
                quote = f" (if “{title}” is not the whole title, put the title in quotes)"
                first_error = GrammarError(reason + ("" if about_time else quote))
            continue
        if any(w.lower() in _NEVER_IN_UNQUOTED_TITLES for w in words[position + 1 : end]):
            raise GrammarError(
                f"I would read the title as “{title}”: put the title in quotes, e.g. "
                f'"{words[position]} …"'
            )
        return found
    raise first_error or GrammarError(
        'put the title in quotes, then say how it repeats, e.g. "Jour fixe" monthly on the '
        "first thursday"
    )


def _after_title(
    kind: MeetingKind, title: str, words: list[Word], position: int, today: date, dates: DatesRead
) -> tuple[ScheduleRequest, DatesRead]:
    end = next((i for i in range(position, len(words)) if _is_option(words, i)), len(words))
    repeat_words, option_words = words[position:end], words[end:]
    has_at = any(w.lower() == "at" and not w.quoted for w in option_words)
    bare_time = None
    if len(repeat_words) > 1 and not has_at and _reads_as_time(repeat_words[-1]):
        # `on wed 16 dec 2pm`: the time without its `at`.
        bare_time, repeat_words = repeat_words[-1], repeat_words[:-1]
    if not repeat_words:
        raise GrammarError(
            "say how it repeats: once on DATE, every tuesday, monthly on the first thursday, …"
        )
    once_date, rrule, dates = _repeat(repeat_words, position + 1, today, dates)
    options: dict[str, Part] = {}
    count: int | None = None
    # The options' words are the command's from word `end + 1` on (`schedule` is word 0).
    for part in cut(option_words, OPTIONS, offset=end + 1):
        if not part.words:
            raise GrammarError(f"{part.keyword!r} needs a value")
        keyword = "from" if part.keyword == "starting" else part.keyword
        if keyword == "for" and part.words[-1].lower() in OCCURRENCE_WORDS:
            if count is not None:
                raise GrammarError("the number of occurrences is given twice")
            count = _count(part)
            continue
        if keyword in options:
            raise GrammarError(f"{keyword!r} is given twice")
        options[keyword] = part
    from_date = until = None
    if "from" in options:
        from_date, dates = read_part_date(options["from"], today, dates, "start date")
    if "until" in options:
        until, dates = read_part_date(options["until"], today, dates, "end date")
    at = _leading(options["at"], read_time) if "at" in options else None
    if bare_time is not None:
        at = read_time(bare_time)
    if at is None and kind != "physical":
        raise GrammarError(
            "say the start time, e.g. `at 10:00` (only physical meetings are all-day)"
        )
    duration = _leading(options["for"], parse_meeting_duration) if "for" in options else None
    if duration is not None and rrule is not None and duration >= _A_DAY:
        length = options["for"].text
        raise GrammarError(
            f"`for {length}` would make each meeting last {length}; to end the series, say "
            "`until DATE` or `for N occurrences`"
        )
    channel = options["in"].text.lstrip("#") if "in" in options else None
    request = ScheduleRequest(
        kind=kind,
        title=title,
        rrule=bounded(rrule, until, count),
        first_date=once_date or from_date,
        explicit_from=from_date is not None,
        at=at,
        duration_minutes=duration,
        timezone=options["tz"].text if "tz" in options else None,
        channel=channel,
    )
    return request, dates


def _leading(part: Part, reader: Callable[[str], T]) -> T:
    """The value read from the part's words; when only its first words read, the error
    names the words after them (`at 10:00 with cake` -> 'with cake')."""
    try:
        return reader(part.text)
    except VocabularyError:
        for size in range(len(part.words) - 1, 0, -1):
            try:
                reader(" ".join(part.words[:size]))
            except VocabularyError:
                continue
            rest = " ".join(part.words[size:])
            raise GrammarError(
                f"cannot read {rest!r} after `{part.keyword} {' '.join(part.words[:size])}`: "
                f"expected one of {', '.join(OPTIONS)}"
            ) from None
        raise


def _is_option(words: list[Word], index: int) -> bool:
    """Whether the word starts the options: `in` only before a channel (`in 3 weeks` is a
    date), `for` only before a length or a count."""
    word = words[index].lower()
    if word not in OPTIONS or words[index].quoted:
        return False
    following = words[index + 1].lower() if index + 1 < len(words) else ""
    counted = following[:1].isdigit() or following in _COUNT_WORDS
    return word != "in" or following.startswith("#") or not counted


def _repeat(
    words: list[Word], start: int, today: date, dates: DatesRead
) -> tuple[date | None, str | None, DatesRead]:
    """The one-off date (`once on DATE`, `on DATE`, `DATE`) or the rule."""
    lowered = [w.lower() for w in words]
    if lowered[0] == "rrule":
        return None, parse_repeat(" ".join(words)).rrule, dates
    skip = 0
    if lowered[:2] == ["once", "on"]:
        skip = 2
    elif lowered[0] in ("once", "on") and len(words) > 1:
        skip = 1
    if skip or lowered[0] not in REPEAT_STARTS:
        part = Part("on", tuple(words[skip:]), start + skip)
        try:
            day, dates = read_part_date(part, today, dates, "date")
        except VocabularyError as error:
            if skip:
                raise
            if _reads_as_time(words[-1]) and len(words) > 1:
                raise VocabularyError(
                    f"put `at` before the time: … {' '.join(words[:-1])} at {words[-1]}", "time"
                ) from error
            hint = did_you_mean(lowered[0], [*REPEAT_STARTS, *DATE_WORDS])
            raise VocabularyError(
                f"cannot read {' '.join(words)!r} as a repeat or a date{hint}: say e.g. "
                "once on 19 Dec 2027, every tuesday or monthly on the first thursday",
                "repeat",
            ) from error
        return day, None, dates
    return None, read_repeat(" ".join(words)), dates


def _reads_as_time(word: str) -> bool:
    try:
        read_time(word)
    except VocabularyError:
        return False
    return ":" in word or word.lower().endswith(("am", "pm"))


def _count(part: Part) -> int:
    number = part.words[0]
    if len(part.words) != 2 or not number.isdecimal() or len(number) > 4:
        raise GrammarError(f"cannot read {part.text!r}: say e.g. `for 6 occurrences`")
    return int(number)
