"""Meeting series in their own zone: DST, refusals, cancellations and moves, SEQUENCE."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from itertools import count

import pytest

from scheduling.clock import FixedClock
from scheduling.consortium.directory import MemberProfile
from scheduling.errors import NotAllowedError
from scheduling.meetings.occurrences import occurrences
from scheduling.meetings.service import MeetingError, MeetingService, ScheduleRequest
from scheduling.vocabulary import MemberRole
from storage.db import Database

COORDINATOR = MemberProfile(
    "U0COORD1", "Coordinator", "Europe/Vienna", (), (MemberRole.COORDINATOR,)
)


def _request(**overrides: object) -> ScheduleRequest:
    fields: dict[str, object] = {
        "kind": "jour-fixe",
        "title": "Jour fixe",
        "rrule": "FREQ=MONTHLY;BYDAY=1TH",
        "first_date": date(2024, 1, 4),
        "explicit_from": True,
        "at": time(10, 0),
        "duration_minutes": 60,
        "timezone": "Europe/Vienna",
        "channel": None,
    }
    fields.update(overrides)
    return ScheduleRequest(**fields)  # type: ignore[arg-type]


@pytest.fixture
def service(sqlite_database: Database, clock: FixedClock) -> MeetingService:
    numbers = count(1)
    return MeetingService(
        sqlite_database, clock, uid_factory=lambda: f"series-{next(numbers)}@test"
    )


def _utc_hours(
    service: MeetingService, meeting_id: int, start: datetime, end: datetime
) -> list[str]:
    series = service.get(meeting_id)
    return [f"{o.start:%Y-%m-%d %H:%M}" for o in occurrences(series, start, end)]


def test_a_jour_fixe_stays_at_ten_vienna_time_in_january_and_july(service: MeetingService) -> None:
    series = service.schedule(COORDINATOR, _request()).series
    found = _utc_hours(
        service, series.id, datetime(2024, 1, 1, tzinfo=UTC), datetime(2024, 8, 1, tzinfo=UTC)
    )
    assert found[0] == "2024-01-04 09:00"
    assert found[6] == "2024-07-04 08:00"
    assert len(found) == 7


@pytest.mark.parametrize(
    ("zone", "hours"),
    [
        ("Europe/Vienna", [8, 8, 7]),
        ("Europe/Helsinki", [7, 7, 6]),
        ("Europe/Lisbon", [9, 9, 8]),
        ("Europe/Istanbul", [6, 6, 6]),
    ],
)
def test_weekly_series_keep_their_wall_clock_across_spring_forward(
    service: MeetingService, clock: FixedClock, zone: str, hours: list[int]
) -> None:
    clock.set(datetime(2026, 3, 1, tzinfo=UTC))
    series = service.schedule(
        COORDINATOR,
        _request(
            kind="core-team",
            rrule="FREQ=WEEKLY;BYDAY=TH",
            first_date=date(2026, 3, 19),
            at=time(9, 0),
            timezone=zone,
        ),
    ).series
    found = occurrences(series, datetime(2026, 3, 19, tzinfo=UTC), datetime(2026, 4, 3, tzinfo=UTC))
    assert [o.start.hour for o in found] == hours


def test_a_past_date_is_refused_unless_from_says_so(service: MeetingService) -> None:
    with pytest.raises(MeetingError, match="Fri 1 Dec 2023 is in the past"):
        service.schedule(
            COORDINATOR, _request(rrule=None, first_date=date(2023, 12, 1), explicit_from=False)
        )
    assert (
        service.schedule(
            COORDINATOR, _request(first_date=date(2023, 12, 7), explicit_from=True)
        ).series.id
        == 1
    )


@pytest.mark.parametrize(
    ("day", "message"),
    [
        (date(2026, 3, 29), "does not exist in Europe/Vienna"),
        (date(2026, 10, 25), "happens twice in Europe/Vienna"),
    ],
)
def test_times_the_clocks_skip_or_repeat_are_refused_not_shifted(
    service: MeetingService, clock: FixedClock, day: date, message: str
) -> None:
    clock.set(datetime(2026, 3, 1, tzinfo=UTC))
    with pytest.raises(MeetingError, match=message):
        service.schedule(
            COORDINATOR, _request(rrule=None, first_date=day, explicit_from=False, at=time(2, 30))
        )


def test_a_series_whose_later_occurrence_hits_a_skipped_hour_is_refused(
    service: MeetingService, clock: FixedClock
) -> None:
    clock.set(datetime(2026, 3, 1, tzinfo=UTC))
    with pytest.raises(MeetingError, match="2026-03-29"):
        service.schedule(
            COORDINATOR,
            _request(
                rrule="FREQ=WEEKLY;BYDAY=SU",
                first_date=date(2026, 3, 8),
                explicit_from=False,
                at=time(2, 30),
            ),
        )


def test_the_start_is_moved_onto_the_rule(service: MeetingService) -> None:
    series = service.schedule(COORDINATOR, _request(first_date=date(2024, 1, 5))).series
    assert series.starts_local == datetime(2024, 2, 1, 10, 0)


def test_cancel_one_occurrence_then_move_another(service: MeetingService) -> None:
    series = service.schedule(COORDINATOR, _request()).series
    cancelled = service.cancel(COORDINATOR, series.id, date(2024, 3, 7))
    assert cancelled.occurrence_local == datetime(2024, 3, 7, 10, 0)
    moved = service.move(COORDINATOR, series.id, date(2024, 4, 4), date(2024, 4, 5), time(11, 0))
    assert moved.series.sequence == 2
    assert moved.series.uid == series.uid
    found = _utc_hours(
        service, series.id, datetime(2024, 2, 15, tzinfo=UTC), datetime(2024, 5, 15, tzinfo=UTC)
    )
    assert found == ["2024-04-05 09:00", "2024-05-02 08:00"]


def test_cancelling_a_date_without_an_occurrence_names_nearby_ones(service: MeetingService) -> None:
    series = service.schedule(COORDINATOR, _request()).series
    with pytest.raises(
        MeetingError, match=r"no occurrence on 2024-03-08; nearby: 2024-02-01, 2024-03-07"
    ):
        service.cancel(COORDINATOR, series.id, date(2024, 3, 8))


def test_cancelling_the_same_occurrence_twice_is_refused(service: MeetingService) -> None:
    series = service.schedule(COORDINATOR, _request()).series
    service.cancel(COORDINATOR, series.id, date(2024, 3, 7))
    with pytest.raises(MeetingError, match="already cancelled"):
        service.cancel(COORDINATOR, series.id, date(2024, 3, 7))


def test_cancelling_a_series_hides_it(service: MeetingService) -> None:
    series = service.schedule(COORDINATOR, _request()).series
    change = service.cancel(COORDINATOR, series.id)
    assert change.series.cancelled and change.series.sequence == 1
    assert service.all() == []
    with pytest.raises(MeetingError, match="there is no meeting #1"):
        service.get(series.id)


@pytest.mark.parametrize(
    ("field", "value", "check"),
    [
        (
            "title",
            "Jour fixe, Türkiye; Cluj-Napoca",
            lambda s: s.title == "Jour fixe, Türkiye; Cluj-Napoca",
        ),
        ("time", "11:30", lambda s: s.starts_local.time() == time(11, 30)),
        ("duration", "90m", lambda s: s.duration_minutes == 90),
        ("link", "https://zoom.example/j/1", lambda s: s.join_url == "https://zoom.example/j/1"),
        ("location", "Vienna, FFG", lambda s: s.location == "Vienna, FFG"),
        ("reminders", "1d 1h", lambda s: s.reminder_minutes == (1440, 60)),
    ],
)
def test_each_edit_changes_its_field_and_raises_the_sequence(
    service: MeetingService, field: str, value: str, check: object
) -> None:
    series = service.schedule(COORDINATOR, _request()).series
    changed = service.edit(COORDINATOR, series.id, field, value).series
    assert check(changed)  # type: ignore[operator]
    # Reminders are the bot's own business: calendars are not told (tests/concerns).
    assert changed.sequence == series.sequence + (0 if field == "reminders" else 1)
    assert changed.uid == series.uid


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("colour", "red", "I can't edit 'colour'"),
        ("time", "25:00", "cannot read '25:00' as a time"),
        ("link", "zoom.example", "is not an http"),
        ("duration", "long", "cannot read .long. as a duration"),
        ("channel", "nowhere", "I don't know the channel 'nowhere'"),
    ],
)
def test_bad_edits_are_refused_and_change_nothing(
    service: MeetingService, field: str, value: str, message: str
) -> None:
    series = service.schedule(COORDINATOR, _request()).series
    with pytest.raises(MeetingError, match=message):
        service.edit(COORDINATOR, series.id, field, value)
    assert service.get(series.id).sequence == series.sequence


def test_an_all_day_physical_meeting(service: MeetingService) -> None:
    series = service.schedule(
        COORDINATOR,
        _request(
            kind="physical",
            rrule=None,
            first_date=date(2024, 6, 10),
            at=None,
            duration_minutes=2 * 24 * 60,
            timezone="Europe/Bucharest",
        ),
    ).series
    assert series.all_day
    (only,) = occurrences(
        series, datetime(2024, 6, 1, tzinfo=UTC), datetime(2024, 7, 1, tzinfo=UTC)
    )
    assert only.start == datetime(2024, 6, 9, 21, 0, tzinfo=UTC)
    assert only.end == datetime(2024, 6, 11, 21, 0, tzinfo=UTC)


def test_regression_a_repeat_rule_with_until_is_scheduled_not_crashed(
    service: MeetingService,
) -> None:
    series = service.schedule(
        COORDINATOR,
        _request(rrule="FREQ=WEEKLY;BYDAY=TH;UNTIL=20240229", first_date=date(2024, 1, 4)),
    ).series
    assert series.rrule == "FREQ=WEEKLY;BYDAY=TH;UNTIL=20240229T225959Z"
    found = occurrences(series, datetime(2024, 1, 1, tzinfo=UTC), datetime(2025, 1, 1, tzinfo=UTC))
    assert [o.start_local.date() for o in found][-1] == date(2024, 2, 29)
    assert len(found) == 9


def test_regression_editing_the_time_keeps_changed_occurrences_attached(
    service: MeetingService,
) -> None:
    series = service.schedule(COORDINATOR, _request(rrule="FREQ=WEEKLY;BYDAY=TH")).series
    service.cancel(COORDINATOR, series.id, date(2024, 1, 11))
    service.move(COORDINATOR, series.id, date(2024, 1, 18), date(2024, 1, 19), time(9, 0))
    service.edit(COORDINATOR, series.id, "time", "11:00")
    found = [
        f"{o.start_local:%m-%d %H:%M}"
        for o in occurrences(
            service.get(series.id),
            datetime(2024, 1, 1, tzinfo=UTC),
            datetime(2024, 1, 27, tzinfo=UTC),
        )
    ]
    assert found == ["01-04 11:00", "01-19 09:00", "01-25 11:00"]


def test_regression_a_moved_occurrence_is_found_by_its_new_date(service: MeetingService) -> None:
    series = service.schedule(COORDINATOR, _request(rrule="FREQ=WEEKLY;BYDAY=TH")).series
    service.move(COORDINATOR, series.id, date(2024, 1, 18), date(2024, 1, 19), time(9, 0))
    service.cancel(COORDINATOR, series.id, date(2024, 1, 19))
    found = [
        o.start_local.date()
        for o in occurrences(
            service.get(series.id),
            datetime(2024, 1, 15, tzinfo=UTC),
            datetime(2024, 1, 27, tzinfo=UTC),
        )
    ]
    assert found == [date(2024, 1, 25)]


def test_regression_reminders_none_clears_them(service: MeetingService) -> None:
    series = service.schedule(COORDINATOR, _request()).series
    assert service.edit(COORDINATOR, series.id, "reminders", "none").series.reminder_minutes == ()


PARTNER = MemberProfile("U0PT", "Partner", "Europe/Lisbon", (), (MemberRole.PARTNER,))


def test_the_service_itself_refuses_changes_from_anyone_but_a_coordinator(
    service: MeetingService,
) -> None:
    series = service.schedule(COORDINATOR, _request()).series
    refusals = [
        lambda: service.schedule(PARTNER, _request()),
        lambda: service.cancel(PARTNER, series.id),
        lambda: service.move(PARTNER, series.id, date(2024, 2, 1), date(2024, 2, 2), None),
        lambda: service.edit(PARTNER, series.id, "title", "Mine now"),
        lambda: service.invite(PARTNER, series.id),
    ]
    for refuse in refusals:
        with pytest.raises(NotAllowedError, match="Only coordinators can change meetings"):
            refuse()
    assert service.get(series.id).sequence == 0
