"""The daily retention run: every record older than its kind's period is deleted, once a day,
from 03:00 in the consortium's zone; and what `/consortium status` says of it.

The run is *due* from each day's 03:00 until it is done, so a scheduler that looks now and
then (or `consortium-bot tick`, or a bot that was down at 03:00) does it at its next look.
It is claimed first in `job_runs` by a compare-and-set, so of several instances looking at
once exactly one runs it, and ticking twice the same day does nothing the second time. It
deletes in batches of `BATCH_ROWS`, each batch its own short transaction, so a first run on
a big database holds no lock for long; a run stopped half-way is carried on the next day.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from scheduling.clock import Clock
from scheduling.meetings.mapping import series_of
from scheduling.meetings.occurrences import Series
from scheduling.privacy.retention import RetainedKind, RetentionPolicy
from storage.db import Database
from storage.repositories import UnitOfWork

logger = logging.getLogger("consortium_bot.retention")

JOB = "retention"
RUNS_AT = time(3, 0)  # in the consortium's zone: the quietest hour for 21 countries
BATCH_ROWS = 500  # rows one statement deletes; each batch commits on its own
DEFAULT_ZONE = "Europe/Brussels"


@dataclass(frozen=True)
class RetentionRun:
    """One daily run: when it started, how many records of each kind it removed, and
    whether it finished (a run stopped half-way is carried on by the next)."""

    at: datetime
    removed: dict[RetainedKind, int]
    finished: bool = True

    def summary(self) -> str:
        """`3 deliveries, 0 revisions, …`: one count a kind (the tick's output)."""
        counts = ", ".join(kind.counted(n) for kind, n in self.removed.items())
        return counts or "nothing is set to be deleted"

    def stored(self) -> str:
        removed = {str(kind): n for kind, n in self.removed.items()}
        return json.dumps({"removed": removed, "finished": self.finished})

    @classmethod
    def from_stored(cls, at: datetime, text: str) -> RetentionRun:
        try:
            stored = json.loads(text)
            removed = {RetainedKind(k): int(n) for k, n in stored.get("removed", {}).items()}
            return cls(at, removed, bool(stored.get("finished")))
        except (ValueError, TypeError, AttributeError):
            return cls(at, {}, False)


@dataclass(frozen=True)
class RetentionStatus:
    """What `/consortium status` shows of retention: the policy, the last run, the next."""

    policy: RetentionPolicy
    last_run: RetentionRun | None
    next_run: datetime  # in the consortium's zone
    due_now: bool  # today's run has not been done yet: the scheduler's next look does it


def latest_start(now: datetime, zone: str) -> datetime:
    """The latest 03:00 in `zone` at or before `now` (UTC): from then, today's run is due."""
    tz = ZoneInfo(zone)
    local = now.astimezone(tz)
    start = datetime.combine(local.date(), RUNS_AT, tzinfo=tz)
    if start > local:
        start = datetime.combine(local.date() - timedelta(days=1), RUNS_AT, tzinfo=tz)
    return start.astimezone(UTC)


def next_start(after: datetime, zone: str) -> datetime:
    """The first 03:00 in `zone` after `after`, in that zone."""
    tz = ZoneInfo(zone)
    day = latest_start(after, zone).astimezone(tz).date() + timedelta(days=1)
    return datetime.combine(day, RUNS_AT, tzinfo=tz)


def _occurrence_cutoff(series: Series, before: datetime) -> datetime:
    """The wall-clock start (in the series' zone) before which an occurrence of `series`
    ended before `before`; a moved occurrence counts from its latest new start."""
    moved_later = max(
        (
            change.new_start_local - change.original_local
            for change in series.changes
            if change.new_start_local is not None
        ),
        default=timedelta(0),
    )
    end = before - series.duration - max(moved_later, timedelta(0))
    return end.astimezone(series.zone).replace(tzinfo=None)


class RetentionJob:
    def __init__(self, database: Database, clock: Clock) -> None:
        self.database = database
        self.clock = clock

    def _setting(self, work: UnitOfWork) -> tuple[RetentionPolicy, str]:
        consortium = work.directory.consortium()
        if consortium is None:
            return RetentionPolicy(), DEFAULT_ZONE
        return RetentionPolicy.from_stored(consortium.retention), consortium.timezone

    def run_if_due(self) -> RetentionRun | None:
        """Today's run, if it is due and nobody else has started it; None otherwise."""
        now = self.clock.now()
        with self.database.read() as work:
            policy, zone = self._setting(work)
            last = work.job_runs.last_runs().get(JOB)
        since = latest_start(now, zone)
        if last is not None and last[0] >= since:
            return None  # done today: no write, so looking often costs one read
        started = RetentionRun(now, {}, finished=False)
        with self.database.write() as work:
            if not work.job_runs.claim(JOB, not_since=since, now=now, result=started.stored()):
                return None
        removed: dict[RetainedKind, int] = {}
        try:
            self._prune(policy.cutoffs(now), now, removed)
        except Exception:
            self._record(RetentionRun(now, removed, finished=False))
            raise
        run = RetentionRun(now, removed)
        self._record(run)
        if any(run.removed.values()):  # a day with nothing old enough is not news
            logger.info("retention: removed %s", run.summary())
        return run

    def _record(self, run: RetentionRun) -> None:
        with self.database.write() as work:
            work.job_runs.record(JOB, run.at, run.stored())

    def _prune(
        self, cutoffs: dict[RetainedKind, datetime], now: datetime, removed: dict[RetainedKind, int]
    ) -> None:
        """Delete every kind's records older than its cutoff, batch by batch, counting into
        `removed` as each batch commits (so a run stopped half-way reports what it did)."""
        for kind in cutoffs:
            removed[kind] = 0
        by_age: dict[RetainedKind, Callable[[UnitOfWork, datetime], int]] = {
            RetainedKind.SLACK_EVENTS: lambda w, c: w.retention.delete_slack_events(c, BATCH_ROWS),
            RetainedKind.DELIVERIES: lambda w, c: w.retention.delete_deliveries(c, now, BATCH_ROWS),
            RetainedKind.REVISIONS: lambda w, c: w.retention.delete_revisions(c, BATCH_ROWS),
            RetainedKind.ERASURES: lambda w, c: w.retention.delete_erasures(c, BATCH_ROWS),
        }
        for kind, delete in by_age.items():
            if kind in cutoffs:
                self._repeat(kind, removed, delete, cutoffs[kind])
        if RetainedKind.UPDATES in cutoffs:
            self._prune_updates(cutoffs[RetainedKind.UPDATES], removed)
        by_occurrence = [k for k in (RetainedKind.RSVPS, RetainedKind.ATTENDANCE) if k in cutoffs]
        if by_occurrence:
            with self.database.read() as work:
                rows = work.meetings.as_rows()
                every = [series_of(m, rows.exceptions.get(m.id, [])) for m in rows.meetings]
            for series in every:
                for kind in by_occurrence:
                    self._prune_occurrences(kind, series, cutoffs[kind], removed)

    def _prune_occurrences(
        self,
        kind: RetainedKind,
        series: Series,
        cutoff: datetime,
        removed: dict[RetainedKind, int],
    ) -> None:
        """One meeting's RSVPs or attendance at occurrences that ended before `cutoff`
        (compared on the wall-clock start, in the meeting's zone, as they are stored)."""
        meeting = series.id

        def rsvps(work: UnitOfWork, before_local: datetime) -> int:
            return work.retention.delete_rsvps(meeting, before_local, BATCH_ROWS)

        def attendance(work: UnitOfWork, before_local: datetime) -> int:
            return work.retention.delete_attendance(meeting, before_local, BATCH_ROWS)

        delete = rsvps if kind == RetainedKind.RSVPS else attendance
        self._repeat(kind, removed, delete, _occurrence_cutoff(series, cutoff))

    def _prune_updates(self, cutoff: datetime, removed: dict[RetainedKind, int]) -> None:
        removed.setdefault(RetainedKind.REVISIONS, 0)
        while True:
            with self.database.write() as work:
                updates, revisions = work.retention.delete_updates(cutoff, BATCH_ROWS)
            removed[RetainedKind.UPDATES] += updates
            removed[RetainedKind.REVISIONS] += revisions
            if updates < BATCH_ROWS:
                return

    def _repeat(
        self,
        kind: RetainedKind,
        removed: dict[RetainedKind, int],
        batch: Callable[[UnitOfWork, datetime], int],
        cutoff: datetime,
    ) -> None:
        """`batch`, each time in its own transaction, until one deletes less than a full
        batch."""
        while True:
            with self.database.write() as work:
                deleted = batch(work, cutoff)
            removed[kind] += deleted
            if deleted < BATCH_ROWS:
                return

    def status(self, work: UnitOfWork) -> RetentionStatus:
        """The policy, the last run and the next, read in the caller's transaction."""
        now = self.clock.now()
        policy, zone = self._setting(work)
        last = work.job_runs.last_runs().get(JOB)
        run = RetentionRun.from_stored(*last) if last is not None else None
        due_now = run is None or run.at < latest_start(now, zone)
        following = next_start(now, zone)
        return RetentionStatus(policy, run, following, due_now)
