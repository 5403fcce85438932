"""Every calendar the bot writes parses with icalendar, recurring-ical-events and vobject,
and what recurring-ical-events expands equals the bot's own occurrences."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import icalendar
import pytest
import recurring_ical_events
import vobject

from scheduling.calendars.files import cancellation_file, feed, invite_file
from scheduling.meetings.occurrences import CANCELLED, MOVED, OccurrenceChange, Series, occurrences
from scheduling.meetings.recurrence import normalise_until

NOW = datetime(2026, 1, 10, 12, 0, tzinfo=UTC)
ORGANIZER = "mailto:noreply@consortium.example.org"
# Two DST changes in the window: 2026-03-29 (spring) and 2026-10-25 (autumn).
WINDOW = (datetime(2026, 1, 1, tzinfo=UTC), datetime(2027, 1, 1, tzinfo=UTC))
TRICKY_TITLE = "Jour fixe, Türkiye; Cluj-Napoca\nsecond line: «quotes» & <tags>"

FORMS = {
    "weekly": ("FREQ=WEEKLY;BYDAY=TU", datetime(2026, 1, 6, 9, 30)),
    "monthly": ("FREQ=MONTHLY;BYDAY=1TH", datetime(2026, 1, 1, 10, 0)),
    "last-friday": ("FREQ=MONTHLY;BYDAY=-1FR", datetime(2026, 1, 30, 15, 0)),
    "quarterly": ("FREQ=MONTHLY;INTERVAL=3;BYDAY=2TH", datetime(2026, 1, 8, 10, 0)),
    "rrule-until": (
        normalise_until("FREQ=WEEKLY;BYDAY=MO,WE;UNTIL=20261130", "Europe/Vienna"),
        datetime(2026, 1, 5, 8, 0),
    ),
    "once": (None, datetime(2026, 2, 15, 14, 0)),
}


def _series(form: str, zone: str = "Europe/Vienna", **extra: object) -> Series:
    rule, start = FORMS[form]
    return Series(
        id=7, uid="series-7@test", kind="jour-fixe", title=TRICKY_TITLE, rrule=rule, starts_local=start,
        timezone=zone, duration_minutes=90, location="Cluj-Napoca, Romania; room 2",
        join_url="https://zoom.example/j/1?a=1&b=2", sequence=3, created_at=NOW, updated_at=NOW,
        **extra,  # type: ignore[arg-type]
    )  # fmt: skip


def _changes(series: Series) -> tuple[OccurrenceChange, ...]:
    if series.rrule is None:
        return ()
    scheduled = occurrences(series, *WINDOW)
    # Cancel one before the spring change, move one between the changes.
    return (
        OccurrenceChange(scheduled[1].original_local, CANCELLED),
        OccurrenceChange(scheduled[len(scheduled) // 2].original_local, MOVED, scheduled[len(scheduled) // 2].original_local + timedelta(days=1, hours=2)),
    )  # fmt: skip


def _expanded(ics: bytes) -> list[datetime]:
    calendar = icalendar.Calendar.from_ical(ics)
    events = recurring_ical_events.of(calendar).between(*WINDOW)
    return sorted(event["DTSTART"].dt.astimezone(UTC) for event in events)


@pytest.mark.parametrize("form", list(FORMS))
@pytest.mark.parametrize(
    "zone", ["Europe/Vienna", "Europe/Lisbon", "Europe/Helsinki", "Europe/Istanbul"]
)
def test_expansion_by_recurring_ical_events_equals_the_bots(form: str, zone: str) -> None:
    plain = _series(form, zone)
    series = _series(form, zone, changes=_changes(plain))
    ours = [o.start for o in occurrences(series, *WINDOW)]
    for ics in (
        invite_file(series, "CapaCITIES", NOW, ORGANIZER),
        feed([series], "CapaCITIES", "CapaCITIES"),
    ):
        assert _expanded(ics) == ours
        assert vobject.readOne(ics.decode()).vevent.summary.value == TRICKY_TITLE


# Four years of daylight-saving changes: a VTIMEZONE's later changes are where clients differ.
YEARS = (datetime(2026, 1, 1), datetime(2030, 1, 1))


@pytest.mark.parametrize("form", list(FORMS))
@pytest.mark.parametrize(
    "zone", ["Europe/Vienna", "Europe/Lisbon", "Europe/Helsinki", "Europe/Istanbul"]
)
def test_thunderbirds_parser_reads_the_same_times_for_years(
    icaljs: Callable[[bytes, datetime, datetime], list[str]], form: str, zone: str
) -> None:
    series = _series(form, zone, changes=_changes(_series(form, zone)))
    first, last = (moment.replace(tzinfo=UTC) for moment in YEARS)
    ours = [f"{o.start:%Y-%m-%dT%H:%M:%S.000Z}" for o in occurrences(series, first, last)]
    for ics in (
        invite_file(series, "CapaCITIES", NOW, ORGANIZER),
        feed([series], "CapaCITIES", "CapaCITIES"),
    ):
        assert icaljs(ics, *YEARS) == ours


def test_text_round_trips_exactly_through_all_three_parsers() -> None:
    ics = invite_file(_series("monthly"), "CapaCITIES", NOW, ORGANIZER)
    event = icalendar.Calendar.from_ical(ics).walk("VEVENT")[0]
    assert str(event["SUMMARY"]) == TRICKY_TITLE
    assert str(event["LOCATION"]) == "Cluj-Napoca, Romania; room 2"
    assert str(event["URL"]) == "https://zoom.example/j/1?a=1&b=2"
    parsed = vobject.readOne(ics.decode())
    assert parsed.vevent.location.value == "Cluj-Napoca, Romania; room 2"
    (expanded,) = recurring_ical_events.of(icalendar.Calendar.from_ical(ics)).at(date(2026, 1, 1))
    assert str(expanded["SUMMARY"]) == TRICKY_TITLE


def test_invite_identity_method_timezones_and_until() -> None:
    series = _series("rrule-until", changes=_changes(_series("rrule-until")))
    calendar = icalendar.Calendar.from_ical(invite_file(series, "CapaCITIES", NOW, ORGANIZER))
    assert calendar["METHOD"] == "PUBLISH"
    events = calendar.walk("VEVENT")
    assert {str(e["UID"]) for e in events} == {"series-7@test"}
    assert all(int(e["SEQUENCE"]) == 3 for e in events)
    assert calendar.get_missing_tzids() == set()
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/Vienna"]
    master = next(e for e in events if "RECURRENCE-ID" not in e)
    assert master["RRULE"]["UNTIL"][0] == datetime(2026, 11, 30, 22, 59, 59, tzinfo=UTC)
    assert "EXDATE" in master
    assert sum("RECURRENCE-ID" in e for e in events) == 1
    assert not any("ATTENDEE" in e for e in events)


def test_the_same_series_exported_twice_keeps_its_uid_and_a_change_raises_the_sequence() -> None:
    first = icalendar.Calendar.from_ical(invite_file(_series("monthly"), "C", NOW, ORGANIZER)).walk(
        "VEVENT"
    )[0]
    edited = replace(_series("monthly"), sequence=4)
    second = icalendar.Calendar.from_ical(invite_file(edited, "C", NOW, ORGANIZER)).walk("VEVENT")[
        0
    ]
    assert first["UID"] == second["UID"]
    assert int(second["SEQUENCE"]) == int(first["SEQUENCE"]) + 1


def test_all_day_meetings_use_dates() -> None:
    series = Series(
        id=1, uid="p@test", kind="physical", title="Consortium meeting in Cluj-Napoca", rrule=None,
        starts_local=datetime(2023, 12, 18), ends_local=datetime(2023, 12, 19), all_day=True,
        timezone="Europe/Bucharest",
    )  # fmt: skip
    ics = invite_file(series, "C", NOW, ORGANIZER)
    event = icalendar.Calendar.from_ical(ics).walk("VEVENT")[0]
    assert event["DTSTART"].dt == date(2023, 12, 18)
    assert event["DTEND"].dt == date(2023, 12, 20)  # exclusive: two whole days
    assert b"DTSTART;VALUE=DATE:20231218" in ics


def test_cancelling_a_series_sends_cancel_with_the_same_uid_and_a_higher_sequence() -> None:
    series = replace(_series("weekly"), cancelled=True, sequence=4)
    calendar = icalendar.Calendar.from_ical(
        cancellation_file(series, "C", "mailto:noreply@x.org", NOW)
    )
    assert calendar["METHOD"] == "CANCEL"
    (event,) = calendar.walk("VEVENT")
    assert (str(event["UID"]), int(event["SEQUENCE"]), str(event["STATUS"])) == (
        "series-7@test",
        4,
        "CANCELLED",
    )
    assert str(event["ORGANIZER"]) == "mailto:noreply@x.org"
    assert "RRULE" in event


def test_cancelling_one_occurrence_names_it_by_recurrence_id() -> None:
    series = _series("weekly")
    ics = cancellation_file(series, "C", "mailto:noreply@x.org", NOW, datetime(2026, 4, 7, 9, 30))
    (event,) = icalendar.Calendar.from_ical(ics).walk("VEVENT")
    assert event["RECURRENCE-ID"].dt == datetime(2026, 4, 7, 9, 30, tzinfo=series.zone)
    assert str(event["STATUS"]) == "CANCELLED"
    assert "RRULE" not in event


def test_a_feed_has_no_method_leaves_out_cancelled_series_and_is_deterministic() -> None:
    live = _series("weekly")
    gone = replace(live, id=8, uid="gone@test", cancelled=True)
    body = feed([live, gone], "CapaCITIES", "CapaCITIES")
    assert b"METHOD:" not in body
    assert b"gone@test" not in body
    assert body == feed([gone, live], "CapaCITIES", "CapaCITIES")
    calendar = icalendar.Calendar.from_ical(body)
    assert str(calendar["X-WR-CALNAME"]) == "CapaCITIES"
