"""Durations as people write them: `90m`, `1h`, `1h30m`, `2d`, `1w`."""

from __future__ import annotations

import re

from scheduling.vocabulary import VocabularyError

_UNIT_MINUTES = {"w": 7 * 24 * 60, "d": 24 * 60, "h": 60, "m": 1}
_DURATION_PART = re.compile(r"(\d+)\s*(w|d|h|m)")
_DURATION = re.compile(r"(?:\d+\s*[wdhm]\s*)+")


def parse_duration_minutes(text: str) -> int:
    """Minutes in `90m`, `1h`, `1h30m`, `2d`, `1w`; VocabularyError naming the text otherwise."""
    cleaned = text.strip().lower()
    if not cleaned or not _DURATION.fullmatch(cleaned):
        raise VocabularyError(
            f"{text!r} is not a duration (e.g. 90m, 1h, 1h30m, 1d, 2w)", "duration"
        )
    minutes = sum(int(n) * _UNIT_MINUTES[unit] for n, unit in _DURATION_PART.findall(cleaned))
    if minutes <= 0:
        raise VocabularyError(f"{text!r} is not a positive duration", "duration")
    return minutes


def format_duration(minutes: int) -> str:
    """The shortest spelling of a whole number of minutes, e.g. 90 -> `1h30m`."""
    parts = []
    for unit, size in _UNIT_MINUTES.items():
        count, minutes = divmod(minutes, size)
        if count:
            parts.append(f"{count}{unit}")
    return "".join(parts) or "0m"
