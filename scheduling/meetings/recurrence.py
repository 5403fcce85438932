"""Repeat rules as people say them, turned into RFC 5545 RRULEs, and wall-clock checks.

Recurrence is computed on naive wall-clock times in the series' own IANA zone and localised
per occurrence, so 10:00 stays 10:00 across daylight-saving changes. Local times that do not
exist (spring forward) or exist twice (fall back) are refused rather than shifted silently.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from dateutil.rrule import rrulestr

from scheduling.errors import FieldError
from scheduling.language.repeats import ORDINALS, RepeatError, read_repeat
from scheduling.vocabulary import Weekday

_ORDINAL_WORDS = {value: word for word, value in ORDINALS.items() if word.isalpha()}


@dataclass(frozen=True)
class Repeat:
    """A parsed repeat phrase: `rrule` is None for a one-off event."""

    rrule: str | None

    def describe(self) -> str:
        return describe_rrule(self.rrule)


def parse_repeat(text: str) -> Repeat:
    """Read a repeat phrase as people say it (`scheduling/language/repeats.py`), or
    `rrule <RFC 5545 RRULE>`."""
    if text.strip().lower().startswith("rrule"):
        return Repeat(validate_rrule(text.strip()[len("rrule") :].strip()))
    return Repeat(read_repeat(text))


def validate_rrule(rule: str) -> str:
    """Check an RRULE with dateutil and return it in upper case, without a `RRULE:` prefix."""
    cleaned = rule.strip()
    if cleaned.upper().startswith("RRULE:"):
        cleaned = cleaned[len("RRULE:") :]
    cleaned = cleaned.upper()
    if not cleaned or "FREQ=" not in cleaned:
        raise RepeatError(f"{rule!r} is not an RRULE (it needs FREQ=…)")
    if re.search(r"FREQ=(SECONDLY|MINUTELY|HOURLY)", cleaned):
        raise RepeatError("meetings repeat daily at most often (FREQ=DAILY or slower)")
    try:
        rrulestr(until_as_local(cleaned, "UTC"), dtstart=datetime(2024, 1, 1, 10, 0))
    except (ValueError, TypeError) as error:
        raise RepeatError(f"{rule!r} is not a valid RRULE: {error}") from None
    return cleaned


def describe_rrule(rule: str | None, zone: str = "UTC") -> str:
    """The rule in words for the forms people say (`every other tuesday`, `monthly on the
    first thursday, until 31 Oct 2027`); the raw RRULE for any other rule (it never fails:
    every listing and feed shows it). A UTC `UNTIL` is shown as the date it is in `zone`."""
    if rule is None:
        return "once"
    body, ending = _ending(until_as_local(rule, zone))
    words = _rule_words(body)
    return f"{words}{ending}" if words else f"rrule {rule}"


def _rule_words(rule: str) -> str | None:
    if rule == "FREQ=DAILY":
        return "daily"
    if rule == "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR":
        return "every weekday"
    match = re.fullmatch(
        r"FREQ=WEEKLY(;INTERVAL=2)?;BYDAY=((?:MO|TU|WE|TH|FR|SA|SU)(?:,(?:MO|TU|WE|TH|FR|SA|SU))*)",
        rule,
    )
    if match:
        days = " and ".join(str(Weekday.from_code(code)) for code in match[2].split(","))
        return f"every other {days}" if match[1] else f"weekly on {days}"
    match = re.fullmatch(
        r"FREQ=MONTHLY(?:;INTERVAL=(\d+))?;BYDAY=(-?\d)(MO|TU|WE|TH|FR|SA|SU)", rule
    )
    ordinal = _ORDINAL_WORDS.get(int(match[2])) if match else None
    if match and ordinal:
        months = int(match[1] or 1)
        every = {1: "monthly", 2: "every other month", 3: "quarterly"}.get(
            months, f"every {months} months"
        )
        return f"{every} on the {ordinal} {Weekday.from_code(match[3])}"
    return None


def _ending(rule: str) -> tuple[str, str]:  # UNTIL already local
    """The rule without its UNTIL or COUNT, and that end in words."""
    count = re.search(r";COUNT=(\d+)", rule)
    if count:
        times = "1 occurrence" if count[1] == "1" else f"{count[1]} occurrences"
        return rule.replace(count[0], ""), f", {times}"
    until = _UNTIL.search(rule)
    if until:
        day = datetime.strptime(until[1], "%Y%m%d")
        return rule.replace(";" + until[0], ""), f", until {day.day} {day:%b %Y}"
    return rule, ""


class WallClockError(FieldError):
    """A local time that does not exist, or exists twice, in the series' zone."""

    def __init__(self, message: str) -> None:
        super().__init__(message, "time")


def check_wall_clock(local: datetime, zone: str) -> None:
    """Refuse a naive local time that the zone skips or repeats on that date."""
    tz = ZoneInfo(zone)
    earlier = local.replace(tzinfo=tz, fold=0)
    later = local.replace(tzinfo=tz, fold=1)
    if earlier.utcoffset() == later.utcoffset():
        return
    round_trip = earlier.astimezone(UTC).astimezone(tz).replace(tzinfo=None)
    if round_trip != local:
        raise WallClockError(
            f"{local:%H:%M} does not exist in {zone} on {local:%Y-%m-%d} "
            "(the clocks skip that hour); choose another time"
        )
    raise WallClockError(
        f"{local:%H:%M} happens twice in {zone} on {local:%Y-%m-%d} "
        "(the clocks go back that night); choose another time"
    )


def local_occurrences(
    rule: str | None,
    start: datetime,
    *,
    until: datetime | None = None,
    limit: int = 1000,
    zone: str = "UTC",
) -> list[datetime]:
    """Naive wall-clock occurrences of a series from its start (inclusive); a UTC `UNTIL`
    is read in the series' `zone`."""
    if rule is None:
        return [start]
    expansion = rrulestr(until_as_local(rule, zone), dtstart=start)
    found: list[datetime] = []
    for occurrence in expansion:
        if (until is not None and occurrence > until) or len(found) >= limit:
            break
        found.append(occurrence)
    return found


def check_series_wall_clock(
    rule: str | None, start: datetime, zone: str, *, years: int = 5
) -> None:
    """Refuse a series any of whose next `years` of occurrences falls on a skipped or repeated time."""
    until = start + timedelta(days=366 * years)
    for occurrence in local_occurrences(rule, start, until=until, limit=10_000, zone=zone):
        check_wall_clock(occurrence, zone)


# How far ahead a rule's first start may lie: a rule the bot cannot find a start for in
# this time is refused rather than searched for at every read.
FIRST_OCCURRENCE_YEARS = 10
# The Gregorian calendar repeats itself every 400 years exactly (146,097 days, a whole
# number of weeks), and a rule's starts depend on nothing but the calendar and DTSTART.
_CALENDAR_CYCLE_YEARS = 400
_MAX_YEAR = 9999


def first_occurrence(
    rule: str, start: datetime, zone: str = "UTC", *, within_years: int = FIRST_OCCURRENCE_YEARS
) -> datetime | None:
    """The rule's first wall-clock start at or after `start`, if it falls within
    `within_years` (and before any UNTIL); None otherwise, in milliseconds whatever the rule.

    dateutil looks for a rule's next start up to the year 9999, so a rule that never matches
    (`FREQ=DAILY;BYSETPOS=2`, the 31st of February) takes seconds. The search therefore runs
    from `start` moved on by whole calendar cycles to just before 9999, where it must end,
    and the start it finds is moved back.
    """
    local_rule = until_as_local(rule, zone)
    until_match = _UNTIL.search(local_rule)
    until = None
    if until_match:
        until = datetime.strptime(until_match[1] + (until_match[3] or "235959"), "%Y%m%d%H%M%S")
        local_rule = local_rule.replace(until_match[0], "").replace(";;", ";").strip(";")
    spare_years = _MAX_YEAR - within_years - 1 - start.year
    shift = max(0, spare_years // _CALENDAR_CYCLE_YEARS) * _CALENDAR_CYCLE_YEARS
    probe = rrulestr(local_rule, dtstart=start.replace(year=start.year + shift))
    found = next(iter(probe), None)
    if found is None:
        return None
    first = found.replace(year=found.year - shift)

    # Compared field by field, as `start` plus `within_years` may lie past the year 9999.
    def in_year(moment: datetime) -> tuple[int, int, time]:
        return moment.month, moment.day, moment.time()

    too_late = (first.year - start.year, in_year(first)) > (within_years, in_year(start))
    if too_late or (until is not None and first > until):
        return None
    return first


_UNTIL = re.compile(r"UNTIL=(\d{8})(T(\d{6})(Z?))?")


def normalise_until(rule: str | None, zone: str) -> str | None:
    """Rewrite UNTIL as a UTC date-time, as RFC 5545 requires beside a DTSTART with TZID.

    A bare date means "until the end of that local day"; a floating time is local.
    """
    if rule is None:
        return None
    match = _UNTIL.search(rule)
    if match is None:
        return rule
    day = datetime.strptime(match[1], "%Y%m%d")
    if match[2] is None:
        local = day.replace(hour=23, minute=59, second=59)
    elif match[4]:
        return rule
    else:
        local = datetime.strptime(match[1] + match[3], "%Y%m%d%H%M%S")
    instant = local.replace(tzinfo=ZoneInfo(zone)).astimezone(UTC)
    return rule.replace(match[0], f"UNTIL={instant:%Y%m%dT%H%M%SZ}")


def until_as_local(rule: str, zone: str) -> str:
    """UNTIL in the series' wall-clock time, for expanding on naive local datetimes."""
    match = _UNTIL.search(rule)
    if match is None or not match[4]:
        return rule
    instant = datetime.strptime(match[1] + match[3], "%Y%m%d%H%M%S").replace(tzinfo=UTC)
    local = instant.astimezone(ZoneInfo(zone)).replace(tzinfo=None)
    return rule.replace(match[0], f"UNTIL={local:%Y%m%dT%H%M%S}")
