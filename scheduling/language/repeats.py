"""How often a meeting repeats, as people say it, read into an RFC 5545 RRULE.

`weekly on tuesday`, `every tuesday`, `every other tuesday`, `fortnightly on tuesday`,
`daily`, `every day`, `every weekday`, `monthly on the first thursday`, `every month on the
first thursday`, `the first thursday of every month`, `every first thursday`,
`quarterly on the last friday`, `every 3 months on the last friday`; `once` is no rule.
Bounds come apart: `until <date>` and `for <n> occurrences` (see `bounded`).
"""

from __future__ import annotations

from datetime import date

from scheduling.language.words import did_you_mean
from scheduling.vocabulary import VocabularyError, Weekday

ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "last": -1}
ORDINALS |= {"1st": 1, "2nd": 2, "3rd": 3, "4th": 4, "5th": 5}
REPEAT_EXAMPLES = (
    "once, every tuesday, weekly on tuesday, every other tuesday, daily, "
    "monthly on the first thursday, quarterly on the last friday"
)
# Words that begin a repeat phrase: where an unquoted title ends.
REPEAT_STARTS = frozenset(
    {"once", "weekly", "monthly", "quarterly", "daily", "every", "each", "biweekly"}
    | {"fortnightly", "rrule", "on"}
)
_WEEKDAY_ABBREVIATIONS = {str(day)[:3]: day for day in Weekday} | {
    "tue": Weekday.TUESDAY,
    "thur": Weekday.THURSDAY,
    "thu": Weekday.THURSDAY,
}
_FILLER = {"on", "the", "of", "a", "each", "every"}
_WORKDAYS = "MO,TU,WE,TH,FR"
_WORKDAY_PHRASES = frozenset(
    f"{every}{day}"
    for every in ("every ", "each ", "on ", "")
    for day in ("weekday", "weekdays", "working day", "working days", "workday", "workdays")
)


class RepeatError(VocabularyError):
    """A repeat phrase that cannot be read; the message names the word at fault."""

    def __init__(self, message: str) -> None:
        super().__init__(message, "repeat")


def read_repeat(text: str) -> str | None:
    """The RRULE (without `RRULE:`) for a repeat phrase, None for `once`."""
    words = [w for w in text.strip().lower().replace(",", " ").split()]
    if not words:
        raise RepeatError(f"say how it repeats, e.g. {REPEAT_EXAMPLES}")
    if words == ["once"]:
        return None
    head = words[0]
    if head in ("daily",) or words in (["every", "day"], ["each", "day"]):
        _nothing_after(words[1:] if head == "daily" else words[2:], "daily")
        return "FREQ=DAILY"
    if " ".join(words) in _WORKDAY_PHRASES:
        return f"FREQ=WEEKLY;BYDAY={_WORKDAYS}"
    interval = 1
    if head in ("weekly", "biweekly", "fortnightly"):
        interval = 1 if head == "weekly" else 2
        rest = words[1:]
    elif head in ("monthly", "quarterly"):
        return _monthly(words[1:], 3 if head == "quarterly" else 1, head)
    elif head in ("every", "each"):
        rest = words[1:]
        if rest[:1] == ["other"]:
            interval, rest = 2, rest[1:]
        elif rest[:2] in (["2", "weeks"], ["two", "weeks"]) or rest[:1] == ["fortnight"]:
            interval, rest = 2, rest[2:] if rest[0] != "fortnight" else rest[1:]
        if rest[:1] in (["month"], ["quarter"]) or rest[:2] in (
            ["3", "months"],
            ["three", "months"],
        ):
            months = 1 if rest[0] == "month" else 3
            skip = 1 if rest[0] in ("month", "quarter") else 2
            return _monthly(rest[skip:], months * interval, "monthly")
        if rest[:1] == ["week"]:
            rest = rest[1:]
        if rest and rest[0] in ORDINALS:
            return _monthly(rest, interval, "monthly")
    elif head in ORDINALS or head == "the":
        # `the first thursday of every month`, `first thursday of the quarter`
        every_other = 2 if "other" in words else 1
        return _monthly(words, (3 if "quarter" in words else 1) * every_other, "monthly")
    else:
        raise RepeatError(
            f"cannot read {words[0]!r}{did_you_mean(words[0], sorted(REPEAT_STARTS))}: "
            f"say e.g. {REPEAT_EXAMPLES}"
        )
    days = [w for w in rest if w not in _FILLER and w != "and"]
    if not days:
        raise RepeatError(f"say on which day, e.g. '{head} tuesday' or 'weekly on tuesday'")
    codes = ",".join(dict.fromkeys(_weekday(w) for w in days))
    return f"FREQ=WEEKLY{f';INTERVAL={interval}' if interval > 1 else ''};BYDAY={codes}"


def _monthly(words: list[str], months: int, head: str) -> str:
    cleaned = [w for w in words if w not in _FILLER | {"month", "quarter", "months", "other"}]
    example = f"'{head} on the first thursday'"
    if len(cleaned) != 2:
        raise RepeatError(f"say which weekday of the month, e.g. {example} (first … fifth or last)")
    ordinal = ORDINALS.get(cleaned[0])
    if ordinal is None:
        hint = did_you_mean(cleaned[0], [w for w in ORDINALS if w.isalpha()])
        raise RepeatError(
            f"cannot read {cleaned[0]!r}{hint}: say first, second, third, fourth, fifth or last"
        )
    interval = f";INTERVAL={months}" if months > 1 else ""
    return f"FREQ=MONTHLY{interval};BYDAY={ordinal}{_weekday(cleaned[1])}"


def _weekday(word: str) -> str:
    if word.rstrip("s") in ("weekday", "workday", "working"):
        raise RepeatError(
            f"{word!r} is not one day of the week here: say monday … sunday, or `every weekday`"
        )
    abbreviated = _WEEKDAY_ABBREVIATIONS.get(word.rstrip(".").rstrip("s"))
    if abbreviated is not None:
        return abbreviated.code
    try:
        return Weekday.parse(word).code
    except VocabularyError:
        hint = did_you_mean(word.rstrip("s"), [str(day) for day in Weekday])
        raise RepeatError(f"cannot read {word!r} as a weekday{hint} (monday … sunday)") from None


def _nothing_after(words: list[str], head: str) -> None:
    if words:
        raise RepeatError(f"unexpected {' '.join(words)!r} after {head!r}")


OCCURRENCE_WORDS = frozenset({"occurrences", "occurrence", "times", "meetings", "sessions"})


def bounded(rule: str | None, until: date | None, count: int | None) -> str | None:
    """The rule ending on `until` (inclusive, local) or after `count` occurrences."""
    if rule is None:
        if until is not None or count is not None:
            raise RepeatError("a one-off meeting has no end: say how it repeats, or drop the end")
        return None
    if until is not None and count is not None:
        raise RepeatError("say either `until <date>` or `for <n> occurrences`, not both")
    if "UNTIL=" in rule or "COUNT=" in rule:
        if until is not None or count is not None:
            raise RepeatError("the rule already says when it ends")
        return rule
    if until is not None:
        return f"{rule};UNTIL={until:%Y%m%d}"
    if count is not None:
        if not 1 <= count <= 1000:
            raise RepeatError("say from 1 to 1000 occurrences")
        return f"{rule};COUNT={count}"
    return rule
