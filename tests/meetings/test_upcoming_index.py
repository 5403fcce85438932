"""`/meeting next` read from the indexed next start (`series_starting_soonest`) answers exactly
what expanding every series answered before migration 0014, over generated consortia: every
kind of rule, one-offs and all-day events, moved and cancelled occurrences, cancelled series,
every audience, members of every sort, `all` or not, a kind or none, and next starts left
stale (passed since, or the migration's 1970 marker) as they are until the sweep moves them
on. What it reads is bounded by what it shows: the same statements at 1x and at 20x."""

from __future__ import annotations

import random
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import event, update

from scheduling.clock import FixedClock
from scheduling.consortium.directory import CountryRef, MemberProfile
from scheduling.meetings.changes import record_exception, touch
from scheduling.meetings.defaults import Upcoming, concerns
from scheduling.meetings.mapping import next_starts_moved_on, refresh_next_instants, to_series
from scheduling.meetings.occurrences import CANCELLED, MOVED, next_occurrences
from scheduling.meetings.recurrence import first_occurrence, normalise_until
from scheduling.meetings.service import UPCOMING_SHOWN, MeetingService
from scheduling.vocabulary import CountryRole, MeetingKind, MemberRole
from storage.db import Database
from storage.models import Meeting, MeetingException

# The migration's mark of a next start not worked out yet (0014_next_start_index.py).
NOT_YET_KNOWN = datetime(1970, 1, 1, tzinfo=UTC)

AT = CountryRef("AT", "Austria", CountryRole.CORE)
PT = CountryRef("PT", "Portugal", CountryRole.CORE)
BG = CountryRef("BG", "Bulgaria", CountryRole.SUPPORTING)
FI = CountryRef("FI", "Finland", CountryRole.SUPPORTING)
MEMBERS = {
    "coordinator": MemberProfile("U0C", "Co", "Europe/Vienna", (AT,), (MemberRole.COORDINATOR,)),
    "core partner": MemberProfile("U0PT", "Pt", "Europe/Lisbon", (PT,), (MemberRole.PARTNER,)),
    "supporting partner": MemberProfile("U0BG", "Bg", "Europe/Sofia", (BG,), (MemberRole.PARTNER,)),
    "wp lead": MemberProfile("U0FI", "Fi", "Europe/Helsinki", (FI,), (MemberRole.WP_LEAD,)),
    "nobody's": MemberProfile("U0XX", "Xx", "UTC", (), (MemberRole.AMBASSADOR,)),
}
# As stored: the groups, lists of countries (one stored lowercase, as an old row may be),
# and a country nobody speaks for.
AUDIENCES = ["all", "core", "supporting", "wp-lead", "countries:PT", "countries:BG,FI",
             "countries:pt,AT", "countries:XX"]  # fmt: skip
ZONES = ["Europe/Vienna", "Europe/Lisbon", "Europe/Istanbul", "America/New_York",
         "Pacific/Auckland", "UTC"]  # fmt: skip
RULES = [None, None, None, "FREQ=WEEKLY;BYDAY=TU", "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,TH",
         "FREQ=DAILY", "FREQ=DAILY;COUNT=4", "FREQ=MONTHLY;BYDAY=1TH", "FREQ=MONTHLY;BYDAY=-1FR",
         "FREQ=YEARLY", "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29", "FREQ=WEEKLY;BYDAY=WE;UNTIL={until}",
         "FREQ=MONTHLY;INTERVAL=3;BYDAY=2WE;COUNT=6"]  # fmt: skip
NOW = datetime(2027, 1, 4, 9, 0, tzinfo=UTC)


def _local(moment: datetime, zone: str) -> datetime:
    return moment.astimezone(ZoneInfo(zone)).replace(tzinfo=None)


def _add_series(work: Any, rng: random.Random, number: int, now: datetime) -> None:
    """One random series or event, changed over the last weeks as a coordinator would: its
    indexed instants worked out at each change, as `refresh_next_instants` does."""
    zone = rng.choice(ZONES)
    all_day = rng.random() < 0.2
    day = _local(now, zone).date() + timedelta(days=rng.randint(-400, 400))
    at = time() if all_day else time(rng.choice([0, 1, 7, 9, 10, 14, 18, 23]), rng.choice([0, 30]))
    start = datetime.combine(day, at)
    rule = rng.choice(RULES)
    if rule is not None:
        until = _local(now, zone).date() + timedelta(days=rng.randint(-30, 120))
        rule = normalise_until(rule.format(until=f"{until:%Y%m%d}"), zone)
        assert rule is not None
        first = first_occurrence(rule, start, zone)
        if first is None:
            return
        start = first
    created = now - timedelta(hours=rng.randint(0, 24 * 90))
    meeting = Meeting(
        uid=f"series-{number}@test",
        kind=str(rng.choice(list(MeetingKind))),
        title=f"Series {number}",
        rrule=rule,
        starts_local=start,
        all_day=all_day,
        duration_minutes=None if all_day else rng.choice([30, 60, 90, 180]),
        ends_local=start + timedelta(days=rng.randint(0, 2)) if all_day else None,
        timezone=zone,
        audience=rng.choice(AUDIENCES),
        reminder_minutes=[],
        sequence=0,
        created_at=created,
        updated_at=created,
    )
    work.meetings.add(meeting)
    refresh_next_instants(meeting, created)
    changed = created
    if rule is not None:
        near = _local(now, zone)
        series_starts = _series_starts(
            meeting, near - timedelta(days=30), near + timedelta(days=90)
        )
        for original in rng.sample(series_starts, min(len(series_starts), rng.randint(0, 4))):
            changed += (now - changed) * rng.random()
            if rng.random() < 0.5:
                record_exception(meeting, original, CANCELLED, None, changed)
            else:
                shift = timedelta(days=rng.randint(-20, 40))
                shift += timedelta() if all_day else timedelta(hours=rng.choice([0, 1, -2, 5]))
                record_exception(meeting, original, MOVED, original + shift, changed)
    if rng.random() < 0.1:
        changed += (now - changed) * rng.random()
        meeting.cancelled_at = changed
        touch(meeting, changed)
    stale = rng.random()
    if stale < 0.15:
        meeting.next_start_at = NOT_YET_KNOWN
    elif stale < 0.25:
        meeting.next_start_at = now - timedelta(minutes=rng.randint(1, 60 * 24 * 40))


def _series_starts(meeting: Meeting, first: datetime, last: datetime) -> list[datetime]:
    return to_series(meeting).local_starts_between(first, last)


def _consortium(database: Database, seed: int, now: datetime) -> None:
    rng = random.Random(seed)
    with database.write() as work:
        for number in range(rng.randint(0, 40)):
            _add_series(work, rng, number, now)


def _as_before(
    service: MeetingService, member: MemberProfile, kind: MeetingKind | None, *, everyone: bool
) -> Upcoming:
    """What `/meeting next` answered before the index: every series expanded."""
    now = service.clock.now()
    series = [s for s in service.all() if kind is None or s.kind == kind]
    every = next_occurrences(series, now, UPCOMING_SHOWN)
    if everyone:
        return Upcoming(every, True)
    mine = next_occurrences([s for s in series if concerns(s, member)], now, UPCOMING_SHOWN)
    hidden = sum(1 for occurrence in every if not concerns(occurrence.series, member))
    return Upcoming(mine, False, hidden)


def _shown(upcoming: Upcoming) -> tuple[Any, ...]:
    lines = tuple(
        (o.series.id, o.series.sequence, o.original_local, o.start_local, o.start, o.end)
        for o in upcoming.occurrences
    )
    return lines, upcoming.everyone, upcoming.hidden


@pytest.mark.parametrize("seed", range(30))
def test_next_from_the_index_is_what_expanding_every_series_answered(
    database: Database, seed: int
) -> None:
    _consortium(database, seed, NOW)
    clock = FixedClock(NOW)
    service = MeetingService(database, clock)
    rng = random.Random(-seed)
    kinds: list[MeetingKind | None] = [None, *rng.sample(list(MeetingKind), 2)]
    # Read at once, then later with no sweep in between: more next starts have passed.
    for later in (timedelta(), timedelta(hours=rng.randint(1, 30)), timedelta(days=45)):
        clock.set(NOW + later)
        for name, member in MEMBERS.items():
            for kind in kinds:
                for everyone in (False, True):
                    found = service.upcoming_for(member, kind, everyone=everyone)
                    expected = _as_before(service, member, kind, everyone=everyone)
                    assert _shown(found) == _shown(expected), (name, kind, everyone, later)


@pytest.mark.parametrize("seed", range(12))
def test_cancel_without_a_number_offers_what_it_offered_before(
    database: Database, seed: int
) -> None:
    # Before the index: every live series with its next occurrence, the soonest first, those
    # with none to come after them by number; the first ten offered, out of all of them.
    _consortium(database, seed, NOW)
    for later in (timedelta(), timedelta(days=45)):
        service = MeetingService(database, FixedClock(NOW + later))
        every = [(s, service.next_of(s)) for s in service.all()]
        far = datetime.max.replace(tzinfo=UTC)
        every.sort(key=lambda e: (e[1].start if e[1] else far, e[0].id))
        offered, total = service.cancel_choices(10)
        assert [(s.id, o and o.start) for s, o in offered] == [
            (s.id, o and o.start) for s, o in every[:10]
        ]
        assert total == len(every)


def test_what_the_sweep_moved_on_answers_the_same(database: Database) -> None:
    _consortium(database, 7, NOW)
    service = MeetingService(database, FixedClock(NOW))
    before = {
        (name, everyone): _shown(service.upcoming_for(member, everyone=everyone))
        for name, member in MEMBERS.items()
        for everyone in (False, True)
    }
    with database.write() as work:
        work.meetings.set_next_starts(next_starts_moved_on(work, NOW), as_of=NOW)
    with database.read() as work:
        assert work.meetings.started_before(NOW) == []
    after = {
        (name, everyone): _shown(service.upcoming_for(member, everyone=everyone))
        for name, member in MEMBERS.items()
        for everyone in (False, True)
    }
    assert after == before


# -- what it costs --------------------------------------------------------------------------


def _copies(database: Database, times: int, later: timedelta = timedelta()) -> None:
    """Every series stored `times` over, `later` than it (the copies of the soonest come
    `times` over when they start with it), with its cancelled and moved occurrences."""
    with database.write() as work:
        originals = list(work.meetings.all(include_cancelled=True))
        for copy in range(1, times):
            for meeting in originals:
                columns = {
                    c.name: getattr(meeting, c.name)
                    for c in Meeting.__table__.columns
                    if c.name not in ("id", "uid")
                }
                twin = Meeting(**columns, uid=f"{meeting.uid}-{copy}")
                twin.starts_local += later * copy
                twin.exceptions = [
                    MeetingException(
                        original_start_local=e.original_start_local + later * copy,
                        status=e.status,
                        new_start_local=e.new_start_local and e.new_start_local + later * copy,
                        created_at=e.created_at,
                    )
                    for e in meeting.exceptions
                ]
                work.meetings.add(twin)
                if later:
                    refresh_next_instants(twin, NOW)


@contextmanager
def _counted(database: Database) -> Iterator[dict[str, int]]:
    """The SQL statements run, and the meeting rows read, while the block runs."""
    counts = {"statements": 0, "series": 0}

    def statement(*_: Any) -> None:
        counts["statements"] += 1

    def loaded(*_: Any) -> None:
        counts["series"] += 1

    event.listen(database.engine, "before_cursor_execute", statement)
    event.listen(Meeting, "load", loaded)
    try:
        yield counts
    finally:
        event.remove(database.engine, "before_cursor_execute", statement)
        event.remove(Meeting, "load", loaded)


def _costs(database: Database) -> dict[tuple[str, bool], tuple[Any, dict[str, int]]]:
    """What `/meeting next` shows each member (theirs and everyone's), and what it cost."""
    service = MeetingService(database, FixedClock(NOW))
    costs = {}
    for name, member in MEMBERS.items():
        for everyone in (False, True):
            with _counted(database) as counts:
                shown = service.upcoming_for(member, everyone=everyone)
            shown_ids = [(o.series.id, o.start) for o in shown.occurrences]
            costs[(name, everyone)] = ((shown_ids, shown.hidden), counts)
    return costs


def _swept(database: Database) -> None:
    """Next starts as the sweep leaves them: none stale."""
    with database.write() as work:
        work.meetings.set_next_starts(next_starts_moved_on(work, NOW), as_of=NOW)


@pytest.mark.parametrize("seed", [3, 11, 19, 23])
def test_twenty_times_as_much_stored_later_costs_the_same_statements(
    database: Database, seed: int
) -> None:
    _consortium(database, seed, NOW)
    _swept(database)
    once = _costs(database)
    _copies(database, 20, later=timedelta(days=3 * 365))
    twenty = _costs(database)
    assert {k: shown for k, (shown, _) in twenty.items()} == {
        k: shown for k, (shown, _) in once.items()
    }
    assert {k: c["statements"] for k, (_, c) in twenty.items()} == {
        k: c["statements"] for k, (_, c) in once.items()
    }
    # Series are read in batches of a page and a margin: one for everyone's, one for theirs.
    assert max(c["series"] for _, c in twenty.values()) <= 2 * 24


@pytest.mark.parametrize("seed", [3, 11, 19, 23])
def test_twenty_copies_of_each_series_read_no_more_series(database: Database, seed: int) -> None:
    # The copies start with their originals, so the soonest crowd out the rest; a member
    # whose meetings are few among them still reads only theirs (the audience filter).
    _consortium(database, seed, NOW)
    _copies(database, 20)
    _swept(database)
    for _, counts in _costs(database).values():
        assert counts["series"] <= 2 * 24


def test_stale_next_starts_cost_what_is_stale_not_what_is_stored(database: Database) -> None:
    _consortium(database, 5, NOW)
    _copies(database, 20)
    _swept(database)
    with database.write() as work:
        stale = [m.id for m in work.meetings.all()][:3]
        work.session.execute(
            update(Meeting).where(Meeting.id.in_(stale)).values(next_start_at=NOT_YET_KNOWN)
        )
    service = MeetingService(database, FixedClock(NOW))
    with _counted(database) as counts:
        service.upcoming_for(MEMBERS["coordinator"], everyone=True)
    assert counts["series"] <= 24 + len(stale)
