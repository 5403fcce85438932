"""Times of day and durations as people write them.

Times: `10:00`, `10.00`, `10h`, `10h30`, `14`, `10am`, `10 am`, `2:30 pm`, `2.30 p.m.`,
`noon`, `midday`. An hour from 1 to 7 without am/pm or a leading zero (`3`, `2:30`) is
refused with a question (at night or in the afternoon?) rather than guessed; `07:30` is morning.
Durations: `90m`, `90 min`, `90 minutes`, `1h30`, `1h30m`, `1 hour 30 minutes`, `1.5h`,
`1,5 hours`, `1:30`, `2 hrs`, `half an hour`, `an hour`, `2d`, `1 week`.
"""

from __future__ import annotations

import re
from datetime import time

from scheduling.vocabulary import VocabularyError

TIME_EXAMPLES = "10:00, 14:30, 10am or 2:30 pm"
DURATION_EXAMPLES = "90m, 1h30, 90 min, 1.5 hours or 2h"

_CLOCK = re.compile(r"(\d{1,2})(?:[:.h](\d{2})?)?\s*(am|pm|a\.m\.|p\.m\.)?")
_NAMED_TIMES = {"noon": time(12, 0), "midday": time(12, 0), "midnight": time(0, 0)}


def read_time(text: str, field: str = "time") -> time:
    """The time of day in `text`; VocabularyError naming the words and examples otherwise."""
    typed = " ".join(text.split())
    cleaned = typed.lower().removeprefix("at ").strip()
    if cleaned in _NAMED_TIMES:
        return _NAMED_TIMES[cleaned]
    match = _CLOCK.fullmatch(cleaned)
    refusal = VocabularyError(f"cannot read {typed!r} as a time: say e.g. {TIME_EXAMPLES}", field)
    if match is None:
        raise refusal
    hour, minute = int(match[1]), int(match[2] or 0)
    half = (match[3] or "").replace(".", "")
    if minute > 59:
        raise refusal
    if half:
        if not 1 <= hour <= 12:
            raise VocabularyError(
                f"cannot read {typed!r} as a time: with am or pm the hour is 1 to 12", field
            )
        hour = hour % 12 + (12 if half == "pm" else 0)
    elif hour > 23:
        raise VocabularyError(f"cannot read {typed!r} as a time: there is no hour {hour}", field)
    elif 1 <= hour <= 7 and not match[1].startswith("0"):
        clock = f"{hour}:{minute:02d}" if match[2] else str(hour)
        raise VocabularyError(
            f"is {typed!r} in the morning or the afternoon? Say {clock}am, {clock}pm "
            f"or {hour + 12}:{minute:02d}",
            field,
        )
    return time(hour, minute)


_UNIT_WORDS = {
    "m": "m", "min": "m", "mins": "m", "minute": "m", "minutes": "m",
    "h": "h", "hr": "h", "hrs": "h", "hour": "h", "hours": "h",
    "d": "d", "day": "d", "days": "d",
    "w": "w", "wk": "w", "wks": "w", "week": "w", "weeks": "w",
}  # fmt: skip
_UNIT_MINUTES = {"w": 7 * 24 * 60, "d": 24 * 60, "h": 60, "m": 1}
_AMOUNT_UNIT = re.compile(
    r"(\d+(?:[.,]\d+)?(?=\s*[a-z])|(?:half an|half a|an|a|one)(?=\s))\s*([a-z]+)\b"
)
_HOURS_MINUTES = re.compile(r"(\d{1,2}):(\d{2})")
_HOURS_THEN_MINUTES = re.compile(r"(\d+)\s*h\s*(\d{1,2})")


def duration_words(text: str) -> str:
    """`text` as the compact form the duration parser reads (`1 hour 30 minutes` -> `1h30m`,
    `1.5h` -> `90m`, `1h30` -> `1h30m`); text that is no duration comes back as it was."""
    cleaned = " ".join(text.lower().replace(" and ", " ").split()).removeprefix("for ")
    if cleaned in ("half an hour", "half hour"):
        return "30m"
    if hours_minutes := _HOURS_MINUTES.fullmatch(cleaned):
        return f"{int(hours_minutes[1])}h{int(hours_minutes[2])}m"
    if hours_then := _HOURS_THEN_MINUTES.fullmatch(cleaned):
        return f"{hours_then[1]}h{hours_then[2]}m"
    parts: list[str] = []
    position = 0
    for match in _AMOUNT_UNIT.finditer(cleaned):
        between = cleaned[position : match.start()].strip()
        unit = _UNIT_WORDS.get(match[2])
        if between not in ("", "and") or unit is None:
            return text
        amount = match[1]
        if amount in ("a", "an", "one"):
            amount = "1"
        elif amount.startswith("half"):
            amount = "0.5"
        if amount.isdecimal():
            parts.append(f"{amount}{unit}")
            position = match.end()
            continue
        # A fraction (`1.5h`) in whole minutes; a long one is no duration anyone means.
        minutes = float(amount.replace(",", ".")) * _UNIT_MINUTES[unit] if len(amount) < 12 else 0.5
        if minutes != int(minutes):
            return text
        parts.append(f"{int(minutes)}m")
        position = match.end()
    if not parts or cleaned[position:].strip():
        return text
    return "".join(parts)
