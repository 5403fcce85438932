"""Ten years of the consortium's calendar: the bot's expansion and feed vs recurring-ical-events.

`examples/capacities.yaml` is imported into a temporary SQLite database and read back as the
bot reads it (`MeetingRepository.all()` + `to_series`); each recurring series then gets a few
cancelled (EXDATE) and moved (RECURRENCE-ID override) occurrences. Timed, median of several
repetitions with `time.perf_counter`, over [2024-01-01, 2034-01-01) UTC:

- bot expand:  `occurrences(series, start, end)` for every series (fresh `Series` each run,
  so the cached dateutil rule is rebuilt as it is per request);
- bot render:  `feed(series, ...)`, the .ics bytes a calendar subscription downloads;
- rie parse / rie expand / rie parse+expand: `icalendar.Calendar.from_ical(feed bytes)` and
  `recurring_ical_events.of(calendar).between(start, end)` on that same feed.

Both expansions must yield the same (UID, start instant) pairs, or the script exits 1. Read the
ratios, not the absolute times: "rie expand / bot expand" above 1 means the bot's expansion is
faster than recurring-ical-events' on the same data. `--scale N` (default 10; 1 skips it) then
repeats the run with N copies of every series (distinct UIDs) to show how the costs grow.

    python bench/calendar_expansion.py [--quick] [--scale N] [--repeat R]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from statistics import median
from typing import TypeVar
from zoneinfo import ZoneInfo

import icalendar
import recurring_ical_events

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scheduling.calendars.files import feed  # noqa: E402
from scheduling.clock import FixedClock  # noqa: E402
from scheduling.consortium.file import load_consortium_file  # noqa: E402
from scheduling.consortium.importer import import_consortium  # noqa: E402
from scheduling.meetings.mapping import to_series  # noqa: E402
from scheduling.meetings.occurrences import CANCELLED, MOVED, OccurrenceChange, Series, occurrences  # noqa: E402
from storage.db import Database  # noqa: E402
from storage.migrate import upgrade  # noqa: E402
from storage.repositories import MeetingRepository  # noqa: E402

EXAMPLE = ROOT / "examples" / "capacities.yaml"
START, END = datetime(2024, 1, 1, tzinfo=UTC), datetime(2034, 1, 1, tzinfo=UTC)
CANCEL_EVERY, MOVE_EVERY = 17, 23  # the n-th, 2n-th... scheduled start is cancelled / moved
A = TypeVar("A")
T = TypeVar("T")
Instants = Counter[tuple[str, datetime]]


def consortium_series() -> tuple[str, list[Series]]:
    """The example consortium as stored by the bot, plus cancelled and moved occurrences."""
    spec = load_consortium_file(EXAMPLE)
    with tempfile.TemporaryDirectory() as tmp:
        database = Database.connect(f"sqlite:///{tmp}/bench.db")
        upgrade(database.engine)
        import_consortium(database, spec, FixedClock(datetime(2023, 10, 1, tzinfo=UTC)))
        with database.read() as work:
            session = work.session
            stored = [to_series(m) for m in MeetingRepository(session).all()]
        database.engine.dispose()
    return spec.name, [with_changes(s) for s in stored]


def with_changes(series: Series) -> Series:
    """Cancel every 17th and move every 23rd scheduled start in the window (by a day and 2 h)."""
    if series.rrule is None:
        return series
    first = START.astimezone(series.zone).replace(tzinfo=None)
    last = END.astimezone(series.zone).replace(tzinfo=None) - timedelta(days=3)
    starts = series.local_starts_between(first, last)
    changes = [OccurrenceChange(s, CANCELLED) for s in starts[CANCEL_EVERY::CANCEL_EVERY]]
    changes += [
        OccurrenceChange(s, MOVED, s + timedelta(days=1, hours=2))
        for s in starts[MOVE_EVERY::MOVE_EVERY]
        if s not in starts[CANCEL_EVERY::CANCEL_EVERY]
    ]
    return replace(series, changes=tuple(changes))


def scaled(series: list[Series], copies: int) -> list[Series]:
    return [
        replace(s, id=s.id + n * 10_000, uid=f"{n}-{s.uid}" if n else s.uid)
        for n in range(copies)
        for s in series
    ]


def timed(run: Callable[[A], T], prepare: Callable[[], A], repeat: int) -> tuple[float, T]:
    """Median wall time of `run(prepare())` in ms, after one warm-up; `prepare` is not timed."""
    samples, results = [], [run(prepare())]
    for _ in range(repeat):
        argument = prepare()
        began = time.perf_counter()
        results.append(run(argument))
        samples.append((time.perf_counter() - began) * 1000)
    return median(samples), results[-1]


def fresh(series: list[Series]) -> list[Series]:
    """New `Series` objects, as each request gets: no rule cached by an earlier repetition."""
    return [replace(s) for s in series]


def bot_expand(series: list[Series]) -> Instants:
    return Counter((s.uid, o.start) for s in series for o in occurrences(s, START, END))


def rie_expand(calendar: icalendar.Calendar, zones: dict[str, ZoneInfo]) -> Instants:
    found: Instants = Counter()
    for event in recurring_ical_events.of(calendar).between(START, END):
        uid, value = str(event["UID"]), event["DTSTART"].dt
        if isinstance(value, datetime):
            start = value.astimezone(UTC)
        else:  # an all-day date: the bot anchors it at midnight in the series' zone
            start = datetime.combine(value, datetime.min.time(), zones[uid]).astimezone(UTC)
        if START <= start < END:  # between() also returns events that merely overlap
            found[(uid, start)] += 1
    return found


def run(name: str, series: list[Series], repeat: int) -> None:
    label = f"{len(series)} series"
    zones = {s.uid: s.zone for s in series}
    body = feed(series, name, name)

    def copies() -> list[Series]:
        return fresh(series)

    bot_ms, bot = timed(bot_expand, copies, repeat)
    render_ms, _ = timed(lambda s: feed(s, name, name), copies, repeat)
    parse_ms, _ = timed(lambda b: icalendar.Calendar.from_ical(b), lambda: body, repeat)
    expand_ms, rie = timed(
        lambda c: rie_expand(c, zones), lambda: icalendar.Calendar.from_ical(body), repeat
    )
    both_ms, _ = timed(
        lambda b: rie_expand(icalendar.Calendar.from_ical(b), zones), lambda: body, repeat
    )
    if bot != rie:
        print(f"{label}: the expansions differ ({sum(bot.values())} vs {sum(rie.values())})")
        for uid, start in sorted((bot - rie) + (rie - bot), key=lambda k: k[1])[:10]:
            side = "bot only" if (uid, start) in bot else "rie only"
            print(f"  {side}: {start.isoformat()} {uid}")
        sys.exit(1)
    count = sum(bot.values())
    events = body.count(b"BEGIN:VEVENT")
    print(f"\n{label}: feed of {events} VEVENTs, {len(body) / 1024:.0f} KiB; median of {repeat}")
    rows = [
        ("bot expand (occurrences)", count, bot_ms),
        ("bot render feed", "-", render_ms),
        ("rie parse feed (from_ical)", "-", parse_ms),
        ("rie expand (of().between)", count, expand_ms),
        ("rie parse + expand", count, both_ms),
    ]
    print(f"  {'operation':<28} {'occurrences':>11} {'median ms':>10}")
    for operation, items, ms in rows:
        print(f"  {operation:<28} {items:>11} {ms:>10.2f}")
    print(f"  rie expand / bot expand:                       {expand_ms / bot_ms:6.2f}x")
    print(f"  rie parse+expand / bot expand:                 {both_ms / bot_ms:6.2f}x")
    print(
        f"  rie parse+expand / (bot render + bot expand):  {both_ms / (render_ms + bot_ms):6.2f}x"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a smoke run: 2 repetitions")
    parser.add_argument("--scale", type=int, default=10, help="copies for the scaled run (1: none)")
    parser.add_argument("--repeat", type=int, default=None, help="repetitions (default 15)")
    args = parser.parse_args()
    repeat = args.repeat or (2 if args.quick else 15)
    name, series = consortium_series()
    changes = sum(len(s.changes) for s in series)
    print(f"{name}: {len(series)} series, {changes} cancelled/moved occurrences")
    print(f"window {START.date()} .. {END.date()} UTC")
    run(name, series, repeat)
    if args.scale > 1:
        run(name, scaled(series, args.scale), max(1, repeat // 3))


if __name__ == "__main__":
    main()
