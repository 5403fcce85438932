"""iCalendar (RFC 5545) output: invite files and subscribable feeds.

Choices (see the README, "Calendar invites and feeds"):
- one UID per series for its lifetime; SEQUENCE is the series' own counter, raised on every
  significant change; DTSTART carries the series' TZID and a VTIMEZONE is added for each;
- the series is its master VEVENT with RRULE (UNTIL in UTC) and EXDATE for cancelled
  occurrences, plus one VEVENT with RECURRENCE-ID per moved occurrence;
- files people open are METHOD:PUBLISH; cancelling a series or one occurrence sends
  METHOD:CANCEL with STATUS:CANCELLED, the same UID and a higher SEQUENCE (RFC 5546 §3.2.5),
  which Outlook and Apple Calendar apply when the file is opened; feeds have no METHOD and
  simply stop listing what was cancelled, which is how Google Calendar learns of it;
- feeds are deterministic (DTSTAMP = last change), so their ETag only changes with content.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from icalendar import Calendar, Event, vCalAddress, vRecur

from scheduling.calendars.timezones import vtimezone
from scheduling.meetings.occurrences import CANCELLED, MOVED, Series

PRODID = "-//consortium-bot//Consortium coordination//EN"
FEED_REFRESH = timedelta(hours=1)
_TIMEZONE_YEARS_AHEAD = 12


def _calendar(method: str | None, name: str | None = None) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    if method is not None:
        calendar.add("method", method)
    if name is not None:
        calendar.add("name", name)
        calendar.add("x-wr-calname", name)
        calendar.add("refresh-interval", FEED_REFRESH, parameters={"VALUE": "DURATION"})
        calendar.add("x-published-ttl", "PT1H")
    return calendar


def _start_value(series: Series, local: datetime) -> date | datetime:
    if series.all_day:
        return local.date()
    return local.replace(tzinfo=series.zone)


def _end_value(series: Series, local_start: datetime) -> date | datetime:
    if series.all_day:
        return local_start.date() + series.duration
    return (local_start + series.duration).replace(tzinfo=series.zone)


def _description(series: Series, consortium: str) -> str:
    lines = [f"{consortium}: {series.kind.replace('-', ' ')} ({series.rule_in_words})"]
    if series.join_url:
        lines.append(f"Join: {series.join_url}")
    if series.location:
        lines.append(f"Where: {series.location}")
    return "\n".join(lines)


def _event(series: Series, consortium: str, stamp: datetime, local_start: datetime) -> Event:
    event = Event()
    event.add("uid", series.uid)
    event.add("dtstamp", stamp.astimezone(UTC))
    event.add("sequence", series.sequence)
    event.add("summary", series.title)
    event.add("dtstart", _start_value(series, local_start))
    event.add("dtend", _end_value(series, local_start))
    event.add("status", "CONFIRMED")
    event.add("created", series.created_at.astimezone(UTC))
    event.add("last-modified", series.updated_at.astimezone(UTC))
    event.add("description", _description(series, consortium))
    event.add("transp", "TRANSPARENT" if series.all_day else "OPAQUE")
    if series.location:
        event.add("location", series.location)
    if series.join_url:
        event.add("url", series.join_url)
    return event


def series_events(
    series: Series, consortium: str, stamp: datetime, organizer: str | None = None
) -> list[Event]:
    """The master VEVENT and one VEVENT per moved occurrence (each with the ORGANIZER, when
    given: a METHOD needs one)."""
    cancelled = sorted(c.original_local for c in series.changes if c.status == CANCELLED)
    first, skipped = _first_kept(series, cancelled)
    master = _event(series, consortium, stamp, first)
    if series.rrule is not None:
        master.add("rrule", vRecur.from_ical(_master_rule(series, skipped)))
        exdates = [local for local in cancelled if local > first]
        if exdates:
            master.add("exdate", [_start_value(series, local) for local in exdates])
    events = [master]
    for change in series.changes:
        if change.status == MOVED and change.new_start_local is not None:
            override = _event(series, consortium, stamp, change.new_start_local)
            override.add("recurrence-id", _start_value(series, change.original_local))
            events.append(override)
    if organizer is not None:
        for event in events:
            event.add("organizer", _organizer(organizer, consortium))
    return events


def _first_kept(series: Series, cancelled: list[datetime]) -> tuple[datetime, int]:
    """The first start that is not cancelled, and how many cancelled ones come before it.

    A series whose first occurrence is cancelled starts at its next one instead of naming
    its DTSTART in EXDATE, which sabre/vobject (and the calendars built on it) ignore."""
    start = series.starts_local
    if series.rrule is None or start not in cancelled:
        return start, 0
    gone = set(cancelled)
    skipped, moment = 0, start
    while moment in gone:
        following = series.first_local_start_after(moment)
        if following is None:
            return start, 0  # every occurrence is cancelled: nothing better to say
        skipped, moment = skipped + 1, following
    return moment, skipped


_COUNT = re.compile(r"COUNT=(\d+)")
_UNTIL_UTC = re.compile(r"UNTIL=(\d{8}T\d{6}Z)")


def _master_rule(series: Series, skipped: int) -> str:
    """The rule as the master VEVENT states it: COUNT less the starts skipped before its
    DTSTART; for an all-day series UNTIL as a DATE, the value type of its DTSTART."""
    assert series.rrule is not None
    rule = series.rrule
    count = _COUNT.search(rule)
    if count and skipped:
        rule = rule.replace(count[0], f"COUNT={max(1, int(count[1]) - skipped)}")
    until = _UNTIL_UTC.search(rule)
    if until and series.all_day:
        instant = datetime.strptime(until[1], "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
        rule = rule.replace(until[0], f"UNTIL={instant.astimezone(series.zone):%Y%m%d}")
    return rule


def _organizer(address: str, consortium: str) -> vCalAddress:
    organizer = vCalAddress(address if address.startswith("mailto:") else f"mailto:{address}")
    organizer.params["CN"] = consortium
    return organizer


def _finish(calendar: Calendar, series_list: Iterable[Series]) -> bytes:
    series_list = list(series_list)
    # VTIMEZONEs cover from a year before the first start to years past the latest change.
    starts = [s.starts_local.date() for s in series_list] or [date(2000, 1, 1)]
    starts += [s.updated_at.date() for s in series_list]
    first = min(starts) - timedelta(days=366)
    last = max(starts) + timedelta(days=366 * _TIMEZONE_YEARS_AHEAD)
    zones = sorted({s.timezone for s in series_list if not s.all_day})
    # VTIMEZONEs first: some clients read a file in one pass.
    calendar.subcomponents[:0] = [vtimezone(zone, first, last) for zone in zones]
    missing = calendar.get_missing_tzids()
    if missing:
        raise ValueError(f"no VTIMEZONE could be made for {sorted(missing)}")
    return bytes(calendar.to_ical())


def invite_file(series: Series, consortium: str, now: datetime, organizer: str) -> bytes:
    """The METHOD:PUBLISH file posted when a series is scheduled, moved or edited; RFC 5546
    §3.2.1 has it name its ORGANIZER."""
    calendar = _calendar("PUBLISH")
    for event in series_events(series, consortium, now, organizer):
        calendar.add_component(event)
    return _finish(calendar, [series])


@dataclass(frozen=True)
class Attendee:
    """Whom an invitation by e-mail is for."""

    name: str
    email: str


def request_file(
    series: Series, consortium: str, now: datetime, organizer: str, attendee: Attendee
) -> bytes:
    """METHOD:REQUEST for an invitation by e-mail (RFC 5546 §3.2.2): the series as it stands,
    with its ORGANIZER and the one ATTENDEE it is sent to; no reply is asked for, as the
    bot reads none (RSVP in Slack)."""
    calendar = _calendar("REQUEST")
    for event in series_events(series, consortium, now, organizer):
        event.add("attendee", _attendee(attendee))
        calendar.add_component(event)
    return _finish(calendar, [series])


def _attendee(attendee: Attendee) -> vCalAddress:
    address = vCalAddress(f"mailto:{attendee.email}")
    address.params.update(
        {"CN": attendee.name, "ROLE": "REQ-PARTICIPANT", "PARTSTAT": "NEEDS-ACTION"}
    )
    address.params["RSVP"] = "FALSE"
    return address


def cancellation_file(
    series: Series,
    consortium: str,
    organizer: str,
    now: datetime,
    occurrence_local: datetime | None = None,
    attendee: Attendee | None = None,
) -> bytes:
    """METHOD:CANCEL for the whole series, or (with `occurrence_local`) one occurrence; by
    e-mail it names the `attendee` it is sent to, as RFC 5546 §3.2.5 asks."""
    calendar = _calendar("CANCEL")
    local_start = occurrence_local or series.starts_local
    event = _event(series, consortium, now, local_start)
    event["status"] = "CANCELLED"
    event.add("organizer", _organizer(organizer, consortium))
    if attendee is not None:
        event.add("attendee", _attendee(attendee))
    if occurrence_local is not None:
        event.add("recurrence-id", _start_value(series, occurrence_local))
    elif series.rrule is not None:
        event.add("rrule", vRecur.from_ical(_master_rule(series, 0)))
    calendar.add_component(event)
    return _finish(calendar, [series])


def feed(series_list: list[Series], name: str, consortium: str) -> bytes:
    """A subscribable calendar: no METHOD, cancelled series left out, deterministic bytes."""
    calendar = _calendar(None, name)
    live = [s for s in series_list if not s.cancelled]
    for series in sorted(live, key=lambda s: s.uid):
        for event in series_events(series, consortium, series.updated_at):
            calendar.add_component(event)
    return _finish(calendar, live)
