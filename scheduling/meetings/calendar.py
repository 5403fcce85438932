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

from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta

from icalendar import Calendar, Component, Event, vCalAddress, vRecur

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


def series_events(series: Series, consortium: str, stamp: datetime) -> list[Event]:
    """The master VEVENT and one VEVENT per moved occurrence."""
    master = _event(series, consortium, stamp, series.starts_local)
    if series.rrule is not None:
        master.add("rrule", vRecur.from_ical(series.rrule))
        exdates = [c.original_local for c in series.changes if c.status == CANCELLED]
        if exdates:
            master.add("exdate", [_start_value(series, local) for local in sorted(exdates)])
    events = [master]
    for change in series.changes:
        if change.status == MOVED and change.new_start_local is not None:
            override = _event(series, consortium, stamp, change.new_start_local)
            override.add("recurrence-id", _start_value(series, change.original_local))
            events.append(override)
    return events


def _finish(calendar: Calendar, series_list: Iterable[Series]) -> bytes:
    series_list = list(series_list)
    # VTIMEZONEs cover from a year before the first start to years past the latest change.
    starts = [s.starts_local.date() for s in series_list] or [date(2000, 1, 1)]
    starts += [s.updated_at.date() for s in series_list]
    first = min(starts) - timedelta(days=366)
    last = max(starts) + timedelta(days=366 * _TIMEZONE_YEARS_AHEAD)
    calendar.add_missing_timezones(first_date=first, last_date=last)
    missing = calendar.get_missing_tzids()
    if missing:
        raise ValueError(f"no VTIMEZONE could be made for {sorted(missing)}")
    for transitions in calendar.walk("STANDARD") + calendar.walk("DAYLIGHT"):
        _one_date_per_rdate(transitions)
    return bytes(calendar.to_ical())


def _one_date_per_rdate(transitions: Component) -> None:
    """icalendar lists a zone's changes in one RDATE; ical.js (Thunderbird's parser) reads
    only the first date of each RDATE, and with RDATEs present it skips DTSTART, so summer
    meetings came out an hour off after the first year. One RDATE per date, DTSTART's among
    them, reads alike everywhere."""
    listed = transitions.get("RDATE")
    if listed is None:
        return
    rdates = listed if isinstance(listed, list) else [listed]
    dates = {value.dt for rdate in rdates for value in rdate.dts}
    dates.add(transitions.decoded("DTSTART"))
    del transitions["RDATE"]
    for moment in sorted(dates):
        transitions.add("rdate", moment)


def invite_file(series: Series, consortium: str, now: datetime) -> bytes:
    """The METHOD:PUBLISH file posted when a series is scheduled, moved or edited."""
    calendar = _calendar("PUBLISH")
    for event in series_events(series, consortium, now):
        calendar.add_component(event)
    return _finish(calendar, [series])


def cancellation_file(
    series: Series,
    consortium: str,
    organizer: str,
    now: datetime,
    occurrence_local: datetime | None = None,
) -> bytes:
    """METHOD:CANCEL for the whole series, or (with `occurrence_local`) one occurrence."""
    calendar = _calendar("CANCEL")
    local_start = occurrence_local or series.starts_local
    event = _event(series, consortium, now, local_start)
    event["status"] = "CANCELLED"
    address = vCalAddress(organizer)
    address.params["CN"] = consortium
    event.add("organizer", address)
    if occurrence_local is not None:
        event.add("recurrence-id", _start_value(series, occurrence_local))
    elif series.rrule is not None:
        event.add("rrule", vRecur.from_ical(series.rrule))
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
