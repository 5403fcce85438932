"""Cost of one reminder sweep and one digest build at 1x, 10x and 100x the example consortium.

Scale N: `examples/capacities.yaml` with N copies of its meetings (copy k starts k minutes later,
so only copy 0 is due at the due instant) and members (copy 0's two wp-leads take DMs) in a
temporary SQLite file, 20 N notes (`UpdateService.note`) from the past week, 500 N sent reminders
and 52 digests of outbox history. A `FixedClock`; a null notifier (answers `Posted`) keeps Slack
out: no emulator, no HTTP. Median ms (perf_counter); SQL: statements of one run (BEGIN counts).
idle sweep: nothing due; "dir cached" keeps the directory snapshot, "dir reloaded" drops it
first, as in production (a sweep every 60 s, snapshot max_age 30 s); both include the retry and
the job_runs write. due sweep: copy 0's core-team reminder (channel + 2 DMs), its writes undone
between repeats; then with 10 more members taking DMs, which says what one more message costs.
digest: `Jobs.preview()` (it lists every update of the week and occurrence of the next 14
days: N times as much at N copies). next due: `Jobs.next_due` (the shell's and demo's stops).
part: steps of an idle sweep (nudges: the rounds' index, holidays and hours are read only for
a round due; draft agendas and attendance read only the series that may start within their
windows, through ix_meetings_next_start_at and _as_of: the drafts' week ahead holds each
copy's jour fixe). Growth ratios near 1: the cost does not follow the data. Targets at 100x:
idle sweep and digest build under 50 ms, the digest in at most 20 statements, a due sweep at
most 4 statements per message plus a constant. Query plans end the output (the sweep's select
must use ix_meetings_next_reminder_at, the nudges' ix_rounds_next_nudge_at, the drafts' and
attendance's the next-start indexes). Each copy also has an open round with nudges (its next
one weeks ahead) and every member a week away ahead: an idle sweep must not read either.

    python bench/sweep.py [--quick] [--scales 1,10,100] [--repeat R]
"""

from __future__ import annotations

import argparse
import gc
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from functools import partial
from pathlib import Path
from statistics import median
from typing import Any

import yaml
from sqlalchemy import Engine, delete, event, func, insert, select, update

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scheduling.attendance.buttons import AttendanceNotice  # noqa: E402
from scheduling.clock import FixedClock  # noqa: E402
from scheduling.consortium.directory import DirectoryService, audience_members  # noqa: E402
from scheduling.consortium.file import parse_consortium_text  # noqa: E402
from scheduling.consortium.importer import import_consortium  # noqa: E402
from scheduling.delivery.deliverer import SweepReport  # noqa: E402
from scheduling.delivery.digest import UPCOMING_DAYS, iso_week  # noqa: E402
from scheduling.delivery.jobs import SWEEP, Jobs  # noqa: E402
from scheduling.delivery.notices import (  # noqa: E402
    CardNotice,
    Digest,
    InviteNotice,
    ReminderNotice,
    RoundRequestNotice,
)
from scheduling.meetings.mapping import next_starts_moved_on  # noqa: E402
from scheduling.meetings.occurrences import occurrences  # noqa: E402
from scheduling.meetings.service import MeetingService  # noqa: E402
from scheduling.ports import OnePart, Posted  # noqa: E402
from scheduling.updates.service import UpdateService  # noqa: E402
from scheduling.vocabulary import Audience  # noqa: E402
from storage.db import Database  # noqa: E402
from storage.migrate import upgrade  # noqa: E402
from storage.models import Delivery, Meeting  # noqa: E402

EXAMPLE = ROOT / "examples" / "capacities.yaml"
IMPORTED_AT = datetime(2024, 1, 1, tzinfo=UTC)
LAST_DIGEST = datetime(2023, 12, 25, 8, tzinfo=UTC)  # Monday 09:00 in Vienna
DM_MEMBERS = ("U0COORD1", "U0VC")
UPDATES_PER_COPY, HISTORY_PER_COPY, TARGET_MS, DIGEST_STATEMENTS = 20, 500, 50.0, 20
Results = dict[str, tuple[float, int]]  # operation -> (median ms, SQL statements of one run)
PLANS = {  # statement -> substrings that pick it out of the SQL log
    "sweep select": ("FROM meetings", "next_reminder_at <="),
    "retry (outbox)": ("FROM deliveries", "lease_until <"),
    "digest last_sent": ("FROM deliveries", "due_at DESC"),
    "nudge select": ("FROM rounds", "next_nudge_at <="),
    "drafts select": ("FROM meetings", "agenda_days IS NULL", "next_start_as_of >"),
    "attendance select": ("FROM meetings", "all_day", "next_start_as_of >"),
    "digest meetings": ("FROM meetings", "UNION", "meeting_exceptions.created_at >"),
}


class NullNotifier:
    """Posts nothing and never fails, so Slack is no part of the measurement."""

    def reminder(self, notice: ReminderNotice) -> OnePart:
        return OnePart(lambda: Posted(notice.channel, "1.000001"))

    def update_reminder(self, posted: Posted, notice: ReminderNotice) -> None: ...

    def digest(self, channel: str, digest: Digest, key: str) -> OnePart:
        return OnePart(lambda: Posted(channel, "1.000002"))

    def invite(self, notice: InviteNotice) -> OnePart:
        return OnePart(lambda: Posted(notice.channel, "1.000003"))

    def round_request(self, notice: RoundRequestNotice) -> OnePart:
        return OnePart(lambda: Posted(notice.member, "1.000004"))

    def card(self, notice: CardNotice) -> OnePart:
        return OnePart(lambda: Posted(notice.channel, "1.000005"))

    def thaw(self, channel: str, key: str, frozen: dict[str, Any]) -> OnePart:
        return OnePart(lambda: Posted(channel, "0.000001"))

    # An *I'm here* poster, so the sweep's attendance step runs as in production.
    def attendance(self, notice: AttendanceNotice) -> OnePart:
        return OnePart(lambda: Posted(notice.channel, "1.000006"))

    def update_attendance(self, posted: Posted, notice: AttendanceNotice) -> None: ...


def scaled_text(copies: int) -> str:
    """The example consortium file with `copies` times its members and meetings."""
    doc = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    members, meetings = [], []
    for k in range(copies):
        tag = f"K{k}" if k else ""
        for m in doc["members"]:
            members.append({**m, "slack_id": m["slack_id"] + tag, "name": m["name"] + tag})
        for i, m in enumerate(doc["meetings"]):
            copy = {**m, "id": f"m{i}-{k}", "title": f"{m['title']} #{k}" if k else m["title"]}
            if " " in str(m["start"]):  # timed: k minutes later, still on the rule's day
                start = datetime.strptime(m["start"], "%Y-%m-%d %H:%M") + timedelta(minutes=k)
                copy["start"] = f"{start:%Y-%m-%d %H:%M}"
            meetings.append(copy)
    # One open round per copy, with the nudges of the issue (the next one weeks after idle).
    rounds = [
        {"title": f"Open round #{k}", "opens": "2023-12-20", "due": "2024-03-29", "audience": "all"}
        for k in range(copies)
    ]
    doc["members"], doc["meetings"] = members, meetings
    doc["rounds"] = doc.get("rounds", []) + rounds
    doc["consortium"]["nudges"] = ["5 working days before", "1 working day before", "1 day after"]
    return yaml.safe_dump(doc, sort_keys=False, allow_unicode=True)


def history(copies: int) -> list[dict[str, Any]]:
    """A year of sent weekly digests and 500 sent reminders per copy, as outbox rows."""
    digests = [LAST_DIGEST - timedelta(weeks=w) for w in range(52)]
    rows = [(f"digest:C0ANNOUNCE:{iso_week(d, 'UTC')}", "digest", "C0ANNOUNCE", d) for d in digests]
    for j in range(copies * HISTORY_PER_COPY):
        due = LAST_DIGEST - timedelta(minutes=17 * j)
        rows.append((f"reminder:0:history-{j}:60m:C0CORETEAM", "reminder", "C0CORETEAM", due))
    sent = {"status": "sent", "attempts": 1, "slack_ts": "1.0", "payload": {}}
    return [
        {**sent, "key": key, "kind": kind, "channel": to, "slack_channel": to}
        | {"due_at": due, "sent_at": due, "created_at": due}
        for key, kind, to, due in rows
    ]


class World:
    """One scaled consortium in its own database, and the instants to sweep at."""

    def __init__(self, copies: int, folder: str) -> None:
        self.database = Database.connect(f"sqlite:///{folder}/sweep-{copies}.db")
        upgrade(self.database.engine)
        self.clock = FixedClock(IMPORTED_AT)
        import_consortium(self.database, parse_consortium_text(scaled_text(copies)), self.clock)
        self.directory = DirectoryService(self.database)
        for slack_id in DM_MEMBERS:
            self.directory.set_reminder_delivery(slack_id, "dm")
        self.jobs = Jobs(self.database, self.clock, NullNotifier(), self.directory)
        with self.database.read() as work:
            session = work.session
            first: datetime | None = session.scalar(select(func.min(Meeting.next_reminder_at)))
            assert first is not None
            self.due_at = first
            due = select(Meeting.id, Meeting.next_reminder_at).where(
                Meeting.next_reminder_at == first
            )
            self.saved = list(session.execute(due))  # what a due sweep moves on
        self.idle_at = idle = self.due_at - timedelta(minutes=1)
        self.series = MeetingService(self.database, self.clock).all()
        fortnight = (len(occurrences(s, idle, idle + timedelta(days=14))) for s in self.series)
        self.fortnight = sum(fortnight)  # occurrences the digest should list as upcoming
        profiles = sorted(self.directory.load().profiles.values(), key=lambda p: p.slack_id)
        self.members, self.updates = len(profiles), copies * UPDATES_PER_COPY
        with self.database.read() as work:
            nudged = [r.next_nudge_at for r in work.rounds.open_rounds() if r.next_nudge_at]
        assert len(nudged) == copies and min(nudged) > self.idle_at, "rounds nudged later"
        service, step = UpdateService(self.database, self.clock), timedelta(days=6) / self.updates
        for j in range(self.updates):
            self.clock.set(self.idle_at - timedelta(days=6) + j * step)
            service.note(profiles[j % len(profiles)], f"Progress report {j}: workshop held.")
        rows = history(copies)
        with self.database.write() as work:
            # Every member away for a week ahead: the sweep must not read them while idle.
            for profile in profiles:
                work.away.add(profile.slack_id, date(2024, 1, 8), date(2024, 1, 12), IMPORTED_AT)
            session = work.session
            session.execute(insert(Delivery), rows)
            self.history, self.last_id = len(rows), session.scalar(select(func.max(Delivery.id)))

    def prepare(self, instant: datetime, reload: bool = False, undo: bool = False) -> None:
        """Untimed, before a run: undo a sweep's writes, set the clock, drop the snapshot."""
        if undo:
            with self.database.write() as work:
                session = work.session
                session.execute(delete(Delivery).where(Delivery.id > self.last_id))
                for meeting_id, next_at in self.saved:
                    changed = update(Meeting).where(Meeting.id == meeting_id)
                    session.execute(changed.values(next_reminder_at=next_at))
        self.clock.set(instant)
        if reload:
            self.directory.invalidate()


def timed(
    engine: Engine, action: Callable[[], object], repeat: int, before: Callable[[], object]
) -> tuple[float, object, list[tuple[str, Any]]]:
    """Median ms of `action()` over `repeat` runs after a warm-up, `before()` untimed ahead of
    each; then one more run, whose result and SQL statements (with parameters) are returned."""
    samples, seen = [], list[tuple[str, Any]]()

    def note(_c: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        seen.append((statement, parameters))

    for _ in range(repeat + 1):
        before()
        began = time.perf_counter()
        action()
        samples.append((time.perf_counter() - began) * 1000)
    before()
    event.listen(engine, "before_cursor_execute", note)
    result = action()
    event.remove(engine, "before_cursor_execute", note)
    return median(samples[1:]), result, seen


def record(world: World, instant: datetime) -> None:
    """The job-run write every sweep ends with, on its own."""
    with world.database.write() as work:
        work.job_runs.record(SWEEP, instant, "bench")


def measure(world: World, repeat: int) -> tuple[Results, dict[str, Any]]:
    """Median ms and SQL statements of each operation; what one run of each returned."""
    jobs, idle, due = world.jobs, world.idle_at, world.due_at

    def at(instant: datetime, reload: bool = False, undo: bool = False) -> Callable[[], None]:
        return partial(world.prepare, instant, reload, undo)

    def due_select() -> None:
        with world.database.read() as work:
            work.meetings.due_for_reminders(idle)

    def next_starts() -> None:
        with world.database.write() as work:
            work.meetings.set_next_starts(next_starts_moved_on(work, idle), as_of=idle)

    few = max(5, repeat // 2)  # the slower operations
    ops: dict[str, tuple[Callable[[], object], Callable[[], None], int]] = {
        "idle sweep, dir cached": (jobs.sweep, at(idle), repeat),
        "idle sweep, dir reloaded": (jobs.sweep, at(idle, reload=True), repeat),
        "due sweep, dir reloaded": (jobs.sweep, at(due, reload=True, undo=True), few),
        "digest build (preview)": (jobs.preview, at(idle), few),
        "next due (shell, demo)": (lambda: jobs.next_due(idle), at(idle), repeat),
        "  part: indexed select": (due_select, at(idle), repeat),
        "  part: directory load": (world.directory.load, at(idle), repeat),
        "  part: next starts moved on": (next_starts, at(idle), repeat),
        "  part: nudges (select)": (
            lambda: jobs.nudges.sweep(idle, SweepReport()),
            at(idle),
            repeat,
        ),
        "  part: draft agendas": (
            lambda: jobs.agendas.sweep(idle, SweepReport()),
            at(idle),
            repeat,
        ),
        "  part: attendance": (
            lambda: jobs.attendance.sweep(idle, SweepReport()),
            at(idle),
            repeat,
        ),
        "  part: retry": (lambda: jobs.retry(idle, SweepReport()), at(idle), repeat),
        "  part: record": (lambda: record(world, idle), at(idle), repeat),
    }
    results: Results = {}
    facts: dict[str, Any] = {"plans": {}}
    for name, (action, before, runs) in ops.items():
        ms, facts[name], statements = timed(world.database.engine, action, runs, before)
        results[name] = (ms, len(statements))
        for kind, marks in PLANS.items():
            found = [s for s in statements if all(mark in s[0] for mark in marks)]
            facts["plans"].update({kind: found[0]} if found else {})
    facts["per message"] = per_message(world)
    with world.database.read() as work:  # the series the digest reads (none of it is news)
        horizon = idle + timedelta(days=UPCOMING_DAYS)
        facts["digest read"] = len(work.meetings.rows_for_digest(idle, horizon, idle, idle)[0])
    return results, facts


def per_message(world: World, more: int = 10) -> tuple[int, int, int, int]:
    """The due sweep's statements and messages, then again with up to `more` other members of
    the reminded meeting's audience (work-package leads) also taking DMs: the difference is
    what each extra message costs."""
    counted: list[tuple[int, int]] = []
    profiles = world.directory.load().profiles.values()
    leads = [p.slack_id for p in audience_members(profiles, Audience.WP_LEAD)]
    extra = [slack_id for slack_id in leads if slack_id not in DM_MEMBERS][:more]
    for members in ([], extra):
        for slack_id in members:
            world.directory.set_reminder_delivery(slack_id, "dm")
        world.prepare(world.due_at, reload=True, undo=True)
        seen: list[str] = []

        def note(_c: Any, _cursor: Any, statement: str, *_: Any, seen: list[str] = seen) -> None:
            seen.append(statement)

        event.listen(world.database.engine, "before_cursor_execute", note)
        report = world.jobs.sweep()
        event.remove(world.database.engine, "before_cursor_execute", note)
        counted.append((len(seen), report.sent))
        for slack_id in members:
            world.directory.set_reminder_delivery(slack_id, "channel")
    (few_sql, few_sent), (many_sql, many_sent) = counted
    return few_sql, few_sent, many_sql, many_sent


def show(world: World, results: Results, facts: dict[str, Any], plans: bool) -> None:
    print(
        f"{len(world.series)} series, {world.members} members, {world.updates} updates, "
        f"{world.history} deliveries of history; idle at {world.idle_at:%Y-%m-%d %H:%M}Z, "
        f"due at {world.due_at:%H:%M}Z"
    )
    print(f"  {'operation':<28} {'ms':>9} {'SQL':>5}")
    for name, (ms, statements) in results.items():
        print(f"  {name:<28} {ms:>9.2f} {statements:>5}")
    sent, digest = facts["due sweep, dir reloaded"].sent, facts["digest build (preview)"]
    print(
        f"  the due sweep sent {sent}; the digest lists {sum(len(v) for _, v in digest.updates)}"
        f" updates and {len(digest.upcoming)} upcoming occurrences (of {world.fortnight} in"
        f" its 14 days), read from {facts['digest read']} of the {len(world.series)} series"
    )
    few_sql, few_sent, many_sql, many_sent = facts["per message"]
    slope = (many_sql - few_sql) / max(1, many_sent - few_sent)
    print(
        f"  due sweep: {few_sql} statements for {few_sent} messages, {many_sql} for {many_sent}:"
        f" {slope:.1f} per message plus {few_sql - slope * few_sent:.0f}"
    )
    if plans:
        print("query plans (SQLite EXPLAIN QUERY PLAN):")
        with world.database.engine.connect() as connection:
            for kind, (statement, parameters) in facts["plans"].items():
                plan = connection.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters)
                print(f"  {kind}: " + " | ".join(row[-1] for row in plan))


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a smoke run: 5 repetitions")
    parser.add_argument("--scales", default="1,10,100", help="copies, comma-separated")
    parser.add_argument("--repeat", type=int, default=None, help="repetitions (default 21)")
    args = parser.parse_args()
    repeat = args.repeat or (5 if args.quick else 21)
    scales = [int(s) for s in args.scales.split(",")]
    table: dict[int, Results] = {}
    with tempfile.TemporaryDirectory() as folder:
        for copies in scales:
            world = World(copies, folder)
            # As `serve` does after start-up: what is loaded lives as long as the process,
            # so keep it out of the cyclic collector's passes.
            gc.collect()
            gc.freeze()
            table[copies], facts = measure(world, repeat)
            print(f"\n{copies}x, median of {repeat}: ", end="")
            show(world, table[copies], facts, plans=copies == scales[-1])
            world.database.dispose()
    base, others = scales[0], scales[1:]
    if others:
        print(f"\ngrowth (median ms relative to {base}x)")
        print(f"  {'operation':<28}" + "".join(f" {f'{s}x/{base}x':>9}" for s in others))
        for name in table[base]:
            ratios = [table[s][name][0] / table[base][name][0] for s in others]
            print(f"  {name:<28}" + "".join(f" {r:>9.2f}" for r in ratios))
    top = scales[-1]
    for name in ("idle sweep, dir cached", "idle sweep, dir reloaded", "digest build (preview)"):
        ms = table[top][name][0]
        verdict = "yes" if ms < TARGET_MS else "NO"
        print(f"{name} at {top}x under {TARGET_MS:.0f} ms: {verdict} ({ms:.2f} ms)")
    statements = table[top]["digest build (preview)"][1]
    verdict = "yes" if statements <= DIGEST_STATEMENTS else "NO"
    print(
        f"digest build at {top}x in at most {DIGEST_STATEMENTS} statements: {verdict} ({statements})"
    )


if __name__ == "__main__":
    main()
