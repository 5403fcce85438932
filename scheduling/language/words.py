"""Splitting a command into words, and "did you mean" for words from a closed vocabulary."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable

from scheduling.errors import FieldError

# Typographic and national quotes that phones and word processors put in place of `"`.
_DOUBLE_QUOTES = {ord(q): '"' for q in "“”„‟«»″〝〞＂"}
_SINGLE_QUOTES = {ord(q): "'" for q in "‘’‚‛′"}


class Word(str):
    """One word of a command; `quoted` when the person put it in double quotes."""

    quoted: bool

    def __new__(cls, text: str, quoted: bool = False) -> Word:
        word = super().__new__(cls, text)
        word.quoted = quoted
        return word


def straighten_quotes(text: str) -> str:
    """Typographic quotes as plain ones: “in person” -> "in person", l’agenda -> l'agenda."""
    return text.translate(_DOUBLE_QUOTES).translate(_SINGLE_QUOTES)


_WORD = re.compile(r'"([^"]*)"|([^\s"]+)')


def split_words(text: str) -> list[Word]:
    """Words separated by spaces; a double-quoted run is one word (it may hold spaces and
    apostrophes: `"Partners' day"`). Only double quotes group, so `Partners' day` unquoted
    is two words, not a missing quote."""
    straight = straighten_quotes(text)
    if straight.count('"') % 2:
        raise FieldError(
            'a closing quote is missing: put the title between two quotes, e.g. "Jour fixe"',
            "text",
        )
    return [
        Word(bare) if bare else Word(quoted, quoted=True)
        for quoted, bare in _WORD.findall(straight)
    ]


def join_words(words: Iterable[str]) -> str:
    """The words back as one line that `split_words` reads the same way."""
    return " ".join(
        f'"{word}"' if (getattr(word, "quoted", False) or not word or " " in word) else word
        for word in words
    )


def suggest(word: str, choices: Iterable[str], cutoff: float = 0.7) -> str | None:
    """The known word closest to `word`, if one is close enough to be a slip of the keys."""
    lowered = {str(choice).lower(): str(choice) for choice in choices}
    found = difflib.get_close_matches(word.lower(), list(lowered), n=1, cutoff=cutoff)
    return lowered[found[0]] if found else None


def did_you_mean(word: str, choices: Iterable[str], cutoff: float = 0.7) -> str:
    """` (did you mean 'tuesday'?)` when a close word exists, else an empty string."""
    found = suggest(word, choices, cutoff)
    # The word itself is no suggestion: it is known, just not where it was written.
    return f" (did you mean {found!r}?)" if found and found.lower() != word.lower() else ""
