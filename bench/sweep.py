"""Cost of one reminder sweep and one digest build at 1x, 10x and 100x the example consortium.

Each scale N imports `examples/capacities.yaml` with N copies of its meetings (own ids and
titles; copy k starts k minutes later, so copy 0 alone is due at the "due" instant) and of its
members (10 N), the same 14 countries, into a temporary SQLite file; then adds 20 N one-line
country notes (`UpdateService.note`) in the week before the instant, and 500 N sent deliveries
plus 52 weekly digests as a year of outbox history. Time is a `FixedClock`; Slack is left out:
the notifier is a null one that records keys and answers `Posted` (no emulator, no HTTP).

Timed, median of repeats with `time.perf_counter`, in ms:
- idle sweep: `Jobs.sweep()` a minute before the first reminder, nothing due. "dir cached"
  keeps the directory snapshot; "dir reloaded" drops it first, as in production where the
  sweep runs every 60 s and the snapshot's max_age is 30 s. Both include `_retry` (a query on
  deliveries) and the job_runs write;
- due sweep: at the first reminder instant (copy 0's core-team meeting: its channel plus the
  two wp-leads who chose DMs); delivery rows and next_reminder_at are restored between repeats;
- digest build: `Jobs.preview()`;
- parts of an idle sweep, each on its own: the indexed select, directory load, `_retry`,
  `_record`. "SQL" counts the statements one run sends (BEGIN included).

Read the growth columns: an idle sweep that reads only what is due stays near 1x at 100x;
the target is an idle sweep under 50 ms at 100x. The last block prints SQLite's query plan
of the sweep's select (it must name ix_meetings_next_reminder_at) and of the outbox queries.

    python bench/sweep.py [--quick] [--scales 1,10,100] [--repeat R]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from statistics import median
from typing import Any

import yaml
from sqlalchemy import Engine, delete, event, func, insert, select, update

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scheduling.clock import FixedClock  # noqa: E402
from scheduling.consortium_file import parse_consortium_text  # noqa: E402
from scheduling.consortium_import import import_consortium  # noqa: E402
from scheduling.digest import Digest, iso_week  # noqa: E402
from scheduling.directory import DirectoryService  # noqa: E402
from scheduling.jobs import SWEEP, Jobs, Posted, ReminderNotice, SweepReport  # noqa: E402
from scheduling.occurrences import occurrences  # noqa: E402
from scheduling.series_store import to_series  # noqa: E402
from scheduling.updates import UpdateService  # noqa: E402
from storage.db import Database  # noqa: E402
from storage.migrate import upgrade  # noqa: E402
from storage.models import Delivery, Meeting  # noqa: E402
from storage.repositories import MeetingRepository  # noqa: E402

EXAMPLE = ROOT / "examples" / "capacities.yaml"
IMPORTED_AT = datetime(2024, 1, 1, tzinfo=UTC)
DM_MEMBERS = ("U0COORD1", "U0VC")  # copy 0's wp-leads take reminders by DM
UPDATES_PER_COPY, HISTORY_PER_COPY = 20, 500
TARGET_MS = 50.0
PLANS = {  # statement kind -> substrings that pick it out of the SQL log
    "sweep select": ("FROM meetings", "next_reminder_at <="),
    "retry (outbox)": ("FROM deliveries", "lease_until <"),
    "digest last_sent": ("FROM deliveries", "due_at DESC"),
}


class NullNotifier:
    """Records what would be posted; never fails; `already_sent` knows nothing."""

    def __init__(self) -> None:
        self.keys: list[str] = []

    def send_reminder(self, notice: ReminderNotice) -> Posted:
        self.keys.append(notice.key)
        return Posted(notice.channel, f"{len(self.keys)}.000000")

    def update_reminder(self, posted: Posted, notice: ReminderNotice) -> None:
        return None

    def send_digest(self, channel: str, digest: Digest, key: str) -> Posted:
        self.keys.append(key)
        return Posted(channel, f"{len(self.keys)}.000000")

    def already_sent(self, channel: str, key: str, since: datetime) -> Posted | None:
        return None


class SqlLog:
    """Every statement the engine sends while active, with its parameters."""

    def __init__(self, engine: Engine) -> None:
        self.engine, self.statements = engine, list[tuple[str, Any]]()

    def _seen(self, _c: Any, _cur: Any, statement: str, params: Any, *_: Any) -> None:
        self.statements.append((statement, params))

    def run(self, action: Callable[[], object]) -> int:
        self.statements.clear()
        event.listen(self.engine, "before_cursor_execute", self._seen)
        try:
            action()
        finally:
            event.remove(self.engine, "before_cursor_execute", self._seen)
        return len(self.statements)


def scaled_text(copies: int) -> str:
    """The example consortium file with `copies` times its members and meetings."""
    doc = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    members, meetings = [], []
    for k in range(copies):
        tag = f"K{k}" if k else ""
        members += [{**m, "slack_id": m["slack_id"] + tag, "name": m["name"] + tag} for m in doc["members"]]  # fmt: skip
        for i, m in enumerate(doc["meetings"]):
            copy = {**m, "id": f"m{i}-{k}", "title": f"{m['title']} #{k}" if k else m["title"]}
            if " " in str(m["start"]):  # timed: k minutes later, still on the rule's day
                start = datetime.strptime(m["start"], "%Y-%m-%d %H:%M") + timedelta(minutes=k)
                copy["start"] = f"{start:%Y-%m-%d %H:%M}"
            meetings.append(copy)
    doc["members"], doc["meetings"] = members, meetings
    return yaml.safe_dump(doc, sort_keys=False, allow_unicode=True)


class World:
    """One scaled consortium in its own database, with the instants to sweep at."""

    def __init__(self, copies: int, folder: str) -> None:
        self.database = Database.connect(f"sqlite:///{folder}/sweep-{copies}.db")
        upgrade(self.database.engine)
        self.clock = FixedClock(IMPORTED_AT)
        import_consortium(self.database, parse_consortium_text(scaled_text(copies)), self.clock)
        self.directory = DirectoryService(self.database)
        for slack_id in DM_MEMBERS:
            self.directory.set_reminder_delivery(slack_id, "dm")
        self.notifier = NullNotifier()
        self.jobs = Jobs(self.database, self.clock, self.notifier, self.directory)
        with self.database.read() as session:
            self.due_at = session.scalar(select(func.min(Meeting.next_reminder_at)))
            assert self.due_at is not None
            self.saved = list(session.execute(select(Meeting.id, Meeting.next_reminder_at)))
            self.series = [to_series(m) for m in MeetingRepository(session).all()]
        self.idle_at = self.due_at - timedelta(minutes=1)
        self.updates = self._add_updates(copies * UPDATES_PER_COPY)
        self.history = self._add_history(copies * HISTORY_PER_COPY)
        self.members = len(self.directory.load().profiles)

    def _add_updates(self, count: int) -> int:
        profiles = sorted(self.directory.load().profiles.values(), key=lambda p: p.slack_id)
        service, step = UpdateService(self.database, self.clock), timedelta(days=6) / count
        for j in range(count):
            self.clock.set(self.idle_at - timedelta(days=6) + j * step)
            service.note(profiles[j % len(profiles)], f"Progress report {j}: workshop held.")
        return count

    def _add_history(self, count: int) -> int:
        at = datetime(2023, 12, 25, 8, tzinfo=UTC)  # the last weekly digest, Monday 09:00 Vienna
        rows: list[dict[str, Any]] = [
            {"key": f"digest:C0ANNOUNCE:{iso_week(at - timedelta(weeks=w), 'Europe/Vienna')}",
             "kind": "digest", "channel": "C0ANNOUNCE", "due_at": at - timedelta(weeks=w)}
            for w in range(52)
        ] + [
            {"key": f"reminder:0:history-{j}:60m:C0CORETEAM", "kind": "reminder",
             "channel": "C0CORETEAM", "due_at": at - timedelta(minutes=j * 17)}
            for j in range(count)
        ]  # fmt: skip
        for row in rows:
            row.update(status="sent", attempts=1, sent_at=row["due_at"], slack_ts="1.0")
            row.update(slack_channel=row["channel"], payload={}, created_at=row["due_at"])
        with self.database.write() as session:
            session.execute(insert(Delivery), rows)
            self.last_history_id = session.scalar(select(func.max(Delivery.id)))
        return len(rows)

    def restore(self) -> None:
        """Undo a sweep: its deliveries and the next_reminder_at it moved."""
        with self.database.write() as session:
            session.execute(delete(Delivery).where(Delivery.id > self.last_history_id))
            for meeting_id, next_at in self.saved:
                session.execute(
                    update(Meeting).where(Meeting.id == meeting_id).values(next_reminder_at=next_at)
                )


def timed(action: Callable[[], object], repeat: int, before: Callable[[], object]) -> float:
    """Median ms of `action()` over `repeat` runs after one warm-up; `before` is not timed."""
    samples = []
    for run in range(repeat + 1):
        before()
        began = time.perf_counter()
        action()
        if run:
            samples.append((time.perf_counter() - began) * 1000)
    return median(samples)


def measure(world: World, repeat: int) -> tuple[dict[str, tuple[float, int]], dict[str, Any]]:
    """Median ms and SQL statement count of each operation, and facts about the data."""
    jobs, clock, log = world.jobs, world.clock, SqlLog(world.database.engine)
    idle, due = world.idle_at, world.due_at

    def at(instant: datetime, reload: bool = False) -> Callable[[], None]:
        return lambda: (clock.set(instant), reload and world.directory.invalidate(), None)[-1]

    def due_select() -> None:
        with world.database.read() as session:
            session.scalars(
                select(Meeting).where(Meeting.next_reminder_at <= idle, Meeting.cancelled_at.is_(None))
            ).all()  # fmt: skip

    ops: dict[str, tuple[Callable[[], object], Callable[[], None], int]] = {
        "idle sweep, dir cached": (jobs.sweep, at(idle), repeat),
        "idle sweep, dir reloaded": (jobs.sweep, at(idle, True), repeat),
        "due sweep, dir reloaded": (
            jobs.sweep,
            lambda: (world.restore(), at(due, True)())[1],
            max(3, repeat // 3),
        ),  # fmt: skip
        "digest build (preview)": (jobs.preview, at(idle), max(3, repeat // 3)),
        "  part: indexed select": (due_select, at(idle), repeat),
        "  part: directory load": (world.directory.load, at(idle), repeat),
        "  part: _retry": (lambda: jobs._retry(idle, SweepReport()), at(idle), repeat),
        "  part: _record": (lambda: jobs._record(SWEEP, idle, "bench"), at(idle), repeat),
    }
    results, plans = {}, {}
    for name, (action, before, runs) in ops.items():
        ms = timed(action, runs, before)
        before()
        results[name] = (ms, log.run(action))
        for kind, marks in PLANS.items():
            found = [s for s in log.statements if all(m in s[0] for m in marks)]
            plans.setdefault(kind, found[0] if found else None)
    world.restore()
    clock.set(due)
    world.directory.invalidate()
    sent = jobs.sweep().sent
    clock.set(idle)
    digest = jobs.preview()
    window = sum(len(occurrences(s, idle, idle + timedelta(days=14))) for s in world.series)
    facts = {"sent": sent, "upcoming": len(digest.upcoming), "in 14 days": window,
             "digest updates": sum(len(v) for _, v in digest.updates), "plans": plans}  # fmt: skip
    return results, facts


def print_plans(world: World, plans: dict[str, tuple[str, Any] | None]) -> None:
    with world.database.engine.connect() as connection:
        for kind, found in plans.items():
            print(f"  {kind}:")
            if found is None:
                print("    (statement not seen)")
                continue
            for row in connection.exec_driver_sql("EXPLAIN QUERY PLAN " + found[0], found[1]):
                print(f"    {row[-1]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a smoke run: 5 repetitions")
    parser.add_argument("--scales", default="1,10,100", help="copies, comma-separated")
    parser.add_argument("--repeat", type=int, default=None, help="repetitions (default 21)")
    args = parser.parse_args()
    repeat = args.repeat or (5 if args.quick else 21)
    scales = [int(s) for s in args.scales.split(",")]
    table: dict[int, dict[str, tuple[float, int]]] = {}
    with tempfile.TemporaryDirectory() as folder:
        for copies in scales:
            began = time.perf_counter()
            world = World(copies, folder)
            built = time.perf_counter() - began
            results, facts = measure(world, repeat)
            table[copies] = results
            print(f"\n{copies}x: {len(world.series)} series, {world.members} members, "
                  f"{world.updates} updates, {world.history} deliveries of history "
                  f"(built in {built:.1f} s); idle {world.idle_at:%Y-%m-%d %H:%M}Z, "
                  f"due {world.due_at:%H:%M}Z; median of {repeat}")  # fmt: skip
            print(f"  {'operation':<28} {'ms':>9} {'SQL':>5}")
            for name, (ms, statements) in results.items():
                print(f"  {name:<28} {ms:>9.2f} {statements:>5}")
            print(f"  due sweep sent {facts['sent']} reminders; digest lists "
                  f"{facts['digest updates']} updates and {facts['upcoming']} upcoming "
                  f"occurrences of {facts['in 14 days']} in its 14 days")  # fmt: skip
            if copies == scales[-1]:
                print(f"\n  query plans at {copies}x (SQLite EXPLAIN QUERY PLAN):")
                print_plans(world, facts["plans"])
            world.database.dispose()
    base, others = scales[0], scales[1:]
    print(f"\ngrowth (median ms relative to {base}x)")
    print(f"  {'operation':<28}" + "".join(f" {f'{s}x/{base}x':>9}" for s in others))
    for name in table[base]:
        ratios = [table[s][name][0] / table[base][name][0] for s in others]
        print(f"  {name:<28}" + "".join(f" {r:>9.2f}" for r in ratios))
    top = scales[-1]
    for name in ("idle sweep, dir cached", "idle sweep, dir reloaded"):
        ms = table[top][name][0]
        verdict = "yes" if ms < TARGET_MS else "NO"
        print(f"{name} at {top}x under {TARGET_MS:.0f} ms: {verdict} ({ms:.2f} ms)")


if __name__ == "__main__":
    main()
