"""Durations as people write them: `90m`, `1h`, `1h30m`, `2d`, `1w`."""

from __future__ import annotations

import re

_UNIT_MINUTES = {"w": 7 * 24 * 60, "d": 24 * 60, "h": 60, "m": 1}
_PART = re.compile(r"(\d+)\s*(w|d|h|m)")
_WHOLE = re.compile(r"(?:\d+\s*[wdhm]\s*)+")


def parse_duration_minutes(text: str) -> int:
    """Minutes in `text`; raises ValueError naming the text when it is not a duration."""
    cleaned = text.strip().lower()
    if not cleaned or not _WHOLE.fullmatch(cleaned):
        raise ValueError(f"{text!r} is not a duration (e.g. 90m, 1h, 1h30m, 1d, 2w)")
    minutes = sum(int(n) * _UNIT_MINUTES[unit] for n, unit in _PART.findall(cleaned))
    if minutes <= 0:
        raise ValueError(f"{text!r} is not a positive duration")
    return minutes


def format_duration(minutes: int) -> str:
    """The shortest spelling of a whole number of minutes, e.g. 90 -> `1h30m`."""
    parts = []
    for unit, size in _UNIT_MINUTES.items():
        count, minutes = divmod(minutes, size)
        if count:
            parts.append(f"{count}{unit}")
    return "".join(parts) or "0m"
