"""How calendar software other than ours reads the bot's files, and a strict reading of the
bytes against RFC 5545 and RFC 5546.

- `by_recurring_ical_events` and `by_vobject` expand a calendar into its occurrences in a
  window, as those libraries see them (vobject from the VTIMEZONE, as Radicale and others
  do); `ICALJS` runs Mozilla's ical.js (Thunderbird's parser) under Node on many calendars
  at once. Occurrences are written alike: `2026-07-02T08:00:00.000Z` in UTC, or a date.
- `rfc_problems` lists what a calendar's bytes do that the RFCs forbid.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import icalendar
import recurring_ical_events
import vobject

CALENDAR_CLIENTS = Path(__file__).resolve().parent.parent / "calendar_clients"


def shown(moment: date | datetime) -> str:
    if isinstance(moment, datetime):
        return f"{moment.astimezone(UTC):%Y-%m-%dT%H:%M:%S}.000Z"
    return moment.isoformat()


def by_recurring_ical_events(ics: bytes, first: datetime, last: datetime) -> list[str]:
    calendar = icalendar.Calendar.from_ical(ics)
    events = recurring_ical_events.of(calendar).between(first, last)
    return sorted(shown(event["DTSTART"].dt) for event in events)


def by_vobject(ics: bytes, first: datetime, last: datetime) -> list[str]:
    """The occurrences vobject's rule sets give, overrides (RECURRENCE-ID) applied."""
    calendar = vobject.readOne(ics.decode())
    masters, overrides = {}, []
    for event in calendar.contents.get("vevent", []):
        if "recurrence-id" in event.contents:
            overrides.append(event)
        elif "status" not in event.contents or event.status.value != "CANCELLED":
            masters[event.uid.value] = event
    found: dict[tuple[str, Any], date | datetime] = {}
    for uid, event in masters.items():
        start = event.dtstart.value
        rules = event.getrruleset(addRDate=True)
        if rules is None:
            starts = [start]
        elif isinstance(start, datetime):
            starts = list(rules.between(first - timedelta(days=400), last, inc=True))
        else:  # all-day: dateutil works on naive datetimes
            starts = [d.date() for d in rules.between(first.replace(tzinfo=None)
                      - timedelta(days=400), last.replace(tzinfo=None), inc=True)]  # fmt: skip
        for moment in starts:
            found[(uid, _utc(moment))] = moment
    for override in overrides:
        uid = override.uid.value
        found.pop((uid, _utc(override.recurrence_id.value)), None)
        found[(uid, _utc(override.dtstart.value) + "@moved")] = override.dtstart.value
    return sorted(shown(m) for m in found.values() if _within(m, first, last))


def _utc(moment: date | datetime) -> str:
    return shown(moment)


def _within(moment: date | datetime, first: datetime, last: datetime) -> bool:
    if isinstance(moment, datetime):
        return first <= moment.astimezone(UTC) < last
    return first.date() <= moment < last.date()


class IcalJs:
    """Mozilla's ical.js under Node, from tests/calendar_clients (`npm ci` there)."""

    @staticmethod
    def available() -> bool:
        return bool(shutil.which("node")) and (CALENDAR_CLIENTS / "node_modules/ical.js").is_dir()

    @staticmethod
    def read(calendars: dict[str, bytes], first: datetime, last: datetime) -> dict[str, Any]:
        """For each named calendar: its occurrences in [first, last) and each VEVENT's
        DTSTART and RECURRENCE-ID, as ical.js reads them."""
        window = [f"{moment:%Y-%m-%dT%H:%M:%S}" for moment in (first, last)]
        documents = [
            {"name": name, "ics": ics.decode(), "from": window[0], "to": window[1]}
            for name, ics in calendars.items()
        ]
        result = subprocess.run(
            [str(shutil.which("node")), "conformance.mjs"], cwd=CALENDAR_CLIENTS,
            input=json.dumps(documents).encode(), capture_output=True, timeout=300, check=True,
        )  # fmt: skip
        read: dict[str, Any] = json.loads(result.stdout)
        return read


# -- RFC 5545 / 5546, read strictly -----------------------------------------------------------

_LINE = re.compile(r"(?P<name>[A-Za-z0-9-]+)(?P<params>(;[^:]*)?):(?P<value>.*)", re.DOTALL)
_REQUIRED_BY_METHOD = {
    # RFC 5546 §3.2: the properties each method's VEVENT must have.
    "PUBLISH": ("DTSTAMP", "DTSTART", "ORGANIZER", "SUMMARY", "UID"),
    "REQUEST": ("ATTENDEE", "DTSTAMP", "DTSTART", "ORGANIZER", "SEQUENCE", "SUMMARY", "UID"),
    "CANCEL": ("ATTENDEE?", "DTSTAMP", "ORGANIZER", "SEQUENCE", "UID"),
}
_VTIMEZONE_PROPERTIES = {"TZID", "LAST-MODIFIED", "TZURL"}


class _Component:
    def __init__(self, name: str) -> None:
        self.name = name
        self.properties: list[tuple[str, dict[str, str], str]] = []
        self.children: list[_Component] = []

    def all(self, name: str) -> list[tuple[dict[str, str], str]]:
        return [(params, value) for n, params, value in self.properties if n == name]

    def walk(self) -> Iterator[_Component]:
        yield self
        for child in self.children:
            yield from child.walk()


def _params(text: str) -> dict[str, str]:
    found = {}
    for part in filter(None, text.split(";")):
        key, _, value = part.partition("=")
        found[key.upper()] = value.strip('"')
    return found


def _parse(lines: list[str], problems: list[str]) -> _Component | None:
    stack: list[_Component] = []
    root = None
    for line in lines:
        match = _LINE.fullmatch(line)
        if match is None:
            problems.append(f"not a content line: {line[:60]!r}")
            continue
        name, value = match["name"].upper(), match["value"]
        if name == "BEGIN":
            component = _Component(value.upper())
            if stack:
                stack[-1].children.append(component)
            else:
                root = component
            stack.append(component)
        elif name == "END":
            if not stack or stack.pop().name != value.upper():
                problems.append(f"END:{value} does not close what was begun")
        elif stack:
            stack[-1].properties.append((name, _params(match["params"] or ""), value))
    if stack:
        problems.append(f"{stack[-1].name} is never ended")
    return root


def rfc_problems(ics: bytes) -> list[str]:
    """What the bytes do that RFC 5545 (format) or RFC 5546 (methods) forbid."""
    problems: list[str] = []
    if not ics.endswith(b"\r\n") or re.search(rb"(?<!\r)\n|\r(?!\n)", ics):
        problems.append("lines must end with CRLF, and only there")
    physical = ics.split(b"\r\n")[:-1]
    for number, raw in enumerate(physical, 1):
        if len(raw) > 75:
            problems.append(f"line {number} is {len(raw)} octets long (at most 75)")
    text = ics.decode("utf-8")  # a fold must not split a character: this fails if one does
    lines = re.sub(r"\r\n[ \t]", "", text).split("\r\n")[:-1]
    root = _parse(lines, problems)
    if root is None or root.name != "VCALENDAR":
        return [*problems, "not a VCALENDAR"]
    for name in ("PRODID", "VERSION"):
        if len(root.all(name)) != 1:
            problems.append(f"VCALENDAR needs exactly one {name}")
    if root.all("VERSION") and root.all("VERSION")[0][1] != "2.0":
        problems.append("VERSION must be 2.0")
    methods = root.all("METHOD")
    method = methods[0][1] if methods else None
    zones = {value for c in root.children if c.name == "VTIMEZONE" for _, value in c.all("TZID")}
    for component in root.walk():
        if component.name == "VTIMEZONE":
            problems += _timezone_problems(component)
        if component.name == "VEVENT":
            problems += _event_problems(component, method, zones)
    return problems


def _timezone_problems(zone: _Component) -> list[str]:
    problems = []
    for name, _, _ in zone.properties:
        if name not in _VTIMEZONE_PROPERTIES and not name.startswith("X-"):
            problems.append(f"VTIMEZONE may not hold {name}")
    if not zone.children:
        problems.append("a VTIMEZONE needs a STANDARD or DAYLIGHT part")
    for part in zone.children:
        for name in ("DTSTART", "TZOFFSETFROM", "TZOFFSETTO"):
            if len(part.all(name)) != 1:
                problems.append(f"{part.name} needs exactly one {name}")
        for params, value in part.all("DTSTART"):
            if value.endswith("Z") or params:
                problems.append(f"{part.name} DTSTART must be a local time, not {value}")
        for _, value in part.all("RRULE"):
            until = re.search(r"UNTIL=([0-9TZ]+)", value)
            if until and not until[1].endswith("Z"):
                problems.append(f"{part.name} RRULE UNTIL must be in UTC: {value}")
    return problems


def _event_problems(event: _Component, method: str | None, zones: set[str]) -> list[str]:
    problems = []
    for name in ("UID", "DTSTAMP", "DTSTART"):
        if len(event.all(name)) != 1:
            problems.append(f"VEVENT needs exactly one {name}")
    if event.all("DTEND") and event.all("DURATION"):
        problems.append("VEVENT may have DTEND or DURATION, not both")
    for name in _REQUIRED_BY_METHOD.get(method or "", ()):
        if not name.endswith("?") and not event.all(name):
            problems.append(f"METHOD:{method} needs {name} in every VEVENT")
    if method == "CANCEL" and [v for _, v in event.all("STATUS")] != ["CANCELLED"]:
        problems.append("METHOD:CANCEL needs STATUS:CANCELLED")
    if method == "PUBLISH" and event.all("ATTENDEE"):
        problems.append("METHOD:PUBLISH may not name ATTENDEEs")
    start_params = event.all("DTSTART")[0][0] if event.all("DTSTART") else {}
    all_day = start_params.get("VALUE") == "DATE"
    for name in ("DTEND", "EXDATE", "RECURRENCE-ID"):
        for params, value in event.all(name):
            if (params.get("VALUE") == "DATE") != all_day:
                problems.append(f"{name} must have DTSTART's value type: {value}")
            if params.get("TZID", start_params.get("TZID")) != start_params.get("TZID"):
                problems.append(f"{name} must have DTSTART's TZID")
    for params, _ in [*event.all("DTSTART"), *event.all("DTEND"), *event.all("EXDATE")]:
        if "TZID" in params and params["TZID"] not in zones:
            problems.append(f"TZID {params['TZID']} has no VTIMEZONE")
    for _, rule in event.all("RRULE"):
        until = re.search(r"UNTIL=([0-9TZ]+)", rule)
        if until is None:
            continue
        if all_day and len(until[1]) != 8:
            problems.append(f"UNTIL must be a DATE beside DTSTART;VALUE=DATE: {rule}")
        if "TZID" in start_params and not until[1].endswith("Z"):
            problems.append(f"UNTIL must be in UTC beside a DTSTART with TZID: {rule}")
    return problems
