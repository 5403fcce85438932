"""A command's words cut into `keyword value…` parts, and the dates read in them, with where
each date was written so that a date read two ways can be rewritten unambiguously."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import date

from scheduling.language.dates import DateReading, read_date
from scheduling.language.words import Word, join_words


@dataclass(frozen=True)
class Part:
    """A keyword and the words of its value; `start` is the value's first word's index."""

    keyword: str
    words: tuple[Word, ...]
    start: int

    @property
    def text(self) -> str:
        return " ".join(self.words)

    @property
    def end(self) -> int:
        return self.start + len(self.words)


def cut(words: Sequence[Word], keywords: Collection[str], offset: int = 0) -> list[Part]:
    """`words` (which must begin with a keyword) as parts. A keyword right after another
    belongs to its value (`from in 3 weeks`), and quoted words are never keywords."""
    parts: list[Part] = []
    for index, word in enumerate(words):
        is_keyword = word.lower() in keywords and not word.quoted
        if is_keyword and (not parts or parts[-1].words):
            parts.append(Part(word.lower(), (), offset + index + 1))
        elif parts:
            last = parts[-1]
            parts[-1] = Part(last.keyword, (*last.words, word), last.start)
    return parts


@dataclass(frozen=True)
class DatesRead:
    """The words of a command and each date read in them, with its place among the words."""

    words: tuple[Word, ...] = ()
    places: tuple[tuple[DateReading, int, int], ...] = field(default=())

    def add(self, reading: DateReading, start: int, end: int) -> DatesRead:
        return DatesRead(self.words, (*self.places, (reading, start, end)))

    @property
    def two_way(self) -> tuple[DateReading, ...]:
        """The dates the words allow two readings of."""
        return tuple(reading for reading, _, _ in self.places if reading.other is not None)

    def rewritten(self, choose_other: bool = False) -> str:
        """The command with every two-way date written as an ISO date: the first reading, or
        with `choose_other` the second; it reads back without doubt."""
        words: list[str] = list(self.words)
        for reading, start, end in sorted(self.places, key=lambda p: -p[1]):
            if reading.other is not None:
                chosen = reading.other if choose_other else reading.day
                words[start:end] = [chosen.isoformat()]
        return join_words(words)

    def fixed(self) -> str:
        """The command with every date it read written as an ISO date: run again later, it
        means the same days (`tomorrow` stays the day it was)."""
        words: list[str] = list(self.words)
        for reading, start, end in sorted(self.places, key=lambda p: -p[1]):
            words[start:end] = [reading.day.isoformat()]
        return join_words(words)


def read_part_date(part: Part, today: date, read: DatesRead, field: str) -> tuple[date, DatesRead]:
    reading = read_date(part.text, today, field)
    return reading.day, read.add(reading, part.start, part.end)
