"""A round's nudge rules as people write them (`5 working days before`, `1 day after`,
`every month`), and the days they fall on.

A rule gives *nominal days* in the consortium's calendar: the day a nudge is due. Each member
of a missing country gets it at 09:30 in their own zone on that day, or on their next working
day when that day is a holiday of their country, a weekend or a day away (`hours.py`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from dateutil.relativedelta import relativedelta

from scheduling.errors import FieldError
from scheduling.workdays.days import MAX_WORKING_DAYS, WorkingDays

NUDGE_TIME = time(9, 30)  # local, in each member's own zone
DEFAULT_RULES = ("5 working days before", "1 working day before", "1 day after")
MAX_RULES = 10
# The earliest zone is 14 hours ahead of UTC: a nominal day starts there first.
EARLIEST_OFFSET = timedelta(hours=14)

_NUMBERS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5}
_RELATIVE = re.compile(
    r"^(?P<count>\d+|a|an|one|two|three|four|five)\s+(?P<working>working\s+|business\s+)?"
    r"(?P<unit>days?|weeks?)\s+(?P<side>before|after)(?:\s+(?:the\s+)?due(?:\s+date)?)?$"
)
_EVERY = re.compile(
    r"^(?:every\s+(?P<count>\d+|two|three|four)?\s*(?P<unit>weeks?|months?)|(?P<ly>weekly|monthly))$"
)
_ON_DUE = re.compile(r"^(?:on\s+)?(?:the\s+)?due\s+(?:date|day)$")


@dataclass(frozen=True)
class NudgeRule:
    """`count` `unit`s `side` the due date (side "before"/"after"/"on"), or every `count`
    `unit`s from the opening (side "every"); unit "working day", "day", "week" or "month"."""

    side: str
    count: int = 0
    unit: str = "day"

    @classmethod
    def parse(cls, text: str) -> NudgeRule:
        said = " ".join(text.lower().replace(",", " ").split())
        if _ON_DUE.match(said):
            return cls("on")
        if relative := _RELATIVE.match(said):
            count = _count(relative["count"])
            unit = relative["unit"].rstrip("s")
            if relative["working"]:
                if unit != "day":
                    raise _unreadable(text, "say working days, not working weeks")
                unit = "working day"
            if unit == "week":
                unit, count = "day", count * 7
            if not 0 < count <= MAX_WORKING_DAYS:
                raise _unreadable(text, f"say 1 to {MAX_WORKING_DAYS} days")
            return cls(relative["side"], count, unit)
        if every := _EVERY.match(said):
            if every["ly"]:
                return cls("every", 1, every["ly"].removesuffix("ly"))
            count = _count(every["count"] or "1")
            if not 0 < count <= 12:
                raise _unreadable(text, "say every 1 to 12 weeks or months")
            return cls("every", count, every["unit"].rstrip("s"))
        raise _unreadable(text, "")

    def __str__(self) -> str:
        if self.side == "on":
            return "on the due date"
        plural = "" if self.count == 1 else "s"
        if self.side == "every":
            return f"every {self.unit}" if self.count == 1 else f"every {self.count} {self.unit}s"
        return f"{self.count} {self.unit}{plural} {self.side}"

    def days(self, opens: date, due: date, calendar: WorkingDays, until: date) -> list[date]:
        """The nominal days of this rule for a round opened on `opens` and due on `due`,
        up to `until` (a repeating rule has no end of its own)."""
        if self.side == "on":
            return [due]
        if self.side == "every":
            step = (
                relativedelta(months=self.count)
                if self.unit == "month"
                else relativedelta(weeks=self.count)
            )
            found, k = [], 1
            while (day := opens + step * k) <= until:
                found.append(day)
                k += 1
            return found
        sign = -1 if self.side == "before" else 1
        if self.unit == "working day":
            return [calendar.add(due, sign * self.count)]
        return [due + timedelta(days=sign * self.count)]


def _count(word: str) -> int:
    return _NUMBERS[word] if word in _NUMBERS else int(word)


def _unreadable(text: str, hint: str) -> FieldError:
    example = "e.g. 5 working days before, 1 day after or every month"
    return FieldError(
        f"I can't read {text!r} as a nudge{'; ' + hint if hint else ''}; say {example}.",
        "nudges",
    )


def parse_rules(texts: Iterable[str]) -> tuple[NudgeRule, ...]:
    """Rules from their words (a list, or one line with commas); none: no nudges."""
    pieces = [piece.strip() for text in texts for piece in re.split(r"[,;]| and ", text)]
    rules = tuple(NudgeRule.parse(piece) for piece in pieces if piece)
    if len(rules) > MAX_RULES:
        raise FieldError(f"A round takes up to {MAX_RULES} nudges.", "nudges")
    return tuple(dict.fromkeys(rules))


def nominal_days(
    rules: Sequence[NudgeRule], opens: date, due: date, calendar: WorkingDays, until: date
) -> list[date]:
    """Every nominal day of `rules` after the opening day and up to `until`, in order, each
    once (two rules that fall on one day make one nudge)."""
    days = {day for rule in rules for day in rule.days(opens, due, calendar, until)}
    return sorted(day for day in days if opens < day <= until)


def trigger_at(day: date) -> datetime:
    """When the nudges of a nominal day are queued: as that day begins in the earliest zone,
    so no member's 09:30 on that day comes before it."""
    return datetime.combine(day, time(0), tzinfo=UTC) - EARLIEST_OFFSET


def next_nominal_day(
    rules: Sequence[NudgeRule], opens: date, due: date, calendar: WorkingDays, after: date
) -> date | None:
    """The first nominal day after `after` (None: no nudge is left)."""
    horizon = max(after, due) + timedelta(days=400)
    later = [d for d in nominal_days(rules, opens, due, calendar, horizon) if d > after]
    return later[0] if later else None
