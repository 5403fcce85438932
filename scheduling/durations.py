"""Durations and times of day as people write them: `90m`, `1h30m`, `2d`; `14:00`."""

from __future__ import annotations

import re
from datetime import time

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


_TIME_OF_DAY = re.compile(r"(\d{1,2}):(\d{2})")


def parse_time_of_day(text: str) -> time:
    """A wall-clock time, 24-hour `HH:MM`; VocabularyError naming the text otherwise."""
    match = _TIME_OF_DAY.fullmatch(text.strip())
    if not match or int(match[1]) > 23 or int(match[2]) > 59:
        raise VocabularyError(f"cannot read {text!r} as a time (HH:MM, 24-hour)", "time")
    return time(int(match[1]), int(match[2]))
