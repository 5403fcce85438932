"""The delivery jobs: the reminder sweep, the weekly digest, and the messages changes queue
(meeting announcements, round requests, update cards), each delivered exactly once; and what
`/consortium status` says of them.

APScheduler (or `consortium-bot tick --at`) only says *when to look*; the database says
*what is due*. Every message has a delivery key that is claimed before sending and marked
sent after (`deliverer.py`), so running twice, two instances, restarts and crashes send
nothing twice. What a change queues is sent at once after the ack (`dispatch`), and by the
next sweep if that did not get through.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from scheduling.agenda.drafts import AgendaDrafts
from scheduling.attendance.buttons import AttendanceButtons
from scheduling.clock import Clock
from scheduling.consortium.directory import DirectoryService, MemberProfile
from scheduling.delivery.announcements import AnnouncementDelivery
from scheduling.delivery.cards import CardDelivery
from scheduling.delivery.deliverer import (
    Deliverer,
    DeliveryKind,
    JobSettings,
    Pending,
    SweepReport,
)
from scheduling.delivery.digest import DigestJob, DigestSetting, setting_of
from scheduling.delivery.mails import MailDelivery
from scheduling.delivery.notices import Digest
from scheduling.delivery.reminders import ReminderSweep
from scheduling.delivery.requests import RoundRequestDelivery
from scheduling.errors import NotAllowedError
from scheduling.lifecycle.service import workspace_state
from scheduling.lifecycle.workspace import WorkspaceInactive
from scheduling.meetings.mapping import next_starts_moved_on
from scheduling.meetings.rsvp import RsvpRecorded
from scheduling.nudges.sweep import NudgeSweep
from scheduling.ports import DeliveryNotifier
from scheduling.privacy.retention_job import RetentionJob, RetentionStatus
from storage.db import Database, DatabaseBusyError

logger = logging.getLogger("consortium_bot.jobs")

SWEEP = "sweep"
LOOK_AHEAD = timedelta(days=40)  # `next_due` looks this far for meetings: past a month's gap
DIGEST = "digest"


@dataclass(frozen=True)
class JobStatus:
    last_sweep: tuple[datetime, str] | None
    last_digest: tuple[datetime, str] | None
    next_digest: datetime
    counts: dict[str, int]
    problems: tuple[tuple[str, str, str, int], ...]  # key, status, error, attempts
    retention: RetentionStatus
    # Members no DM reaches (partners of other workspaces): Slack ID, name, since when; what
    # was meant for their DM reaches them privately in the announcements channel.
    unreachable_by_dm: tuple[tuple[str, str, datetime], ...] = ()
    inactive: WorkspaceInactive | None = None  # nothing is sent meanwhile


class Jobs:
    def __init__(
        self,
        database: Database,
        clock: Clock,
        notifier: DeliveryNotifier,
        directory: DirectoryService,
        settings: JobSettings | None = None,
    ) -> None:
        self.database = database
        self.clock = clock
        self.settings = settings or JobSettings()
        self.deliverer = Deliverer(database, clock, notifier, self.settings)
        parts = (database, clock, notifier, directory, self.deliverer, self.settings)
        self.reminders = ReminderSweep(*parts)
        self.digests = DigestJob(*parts)
        self.announcements = AnnouncementDelivery(*parts)
        self.requests = RoundRequestDelivery(*parts)
        self.cards = CardDelivery(*parts)
        self.mails = MailDelivery(*parts)
        self.attendance = AttendanceButtons(*parts)
        self.agendas = AgendaDrafts(*parts)
        self.nudges = NudgeSweep(*parts)
        self.retention = RetentionJob(database, clock)

    def sweep(self) -> SweepReport:
        """Send every reminder that is due, once; retry what failed; skip what is too late."""
        now = self.clock.now()
        # While the workspace is inactive what falls due is queued, not sent (`Deliverer`).
        with self.database.read() as work:
            report = SweepReport(inactive=workspace_state(work))
        next_reminders = self.reminders.sweep(now, report)
        self.attendance.sweep(now, report)
        with self.database.write() as work:
            work.meetings.set_next_reminders(next_reminders)
            # Series that started since: their next start moves on (what readers expand).
            work.meetings.set_next_starts(next_starts_moved_on(work, now), as_of=now)
        self.agendas.sweep(now, report)
        self.nudges.sweep(now, report)  # queued here, sent by the retries below when due
        self.retry(now, report)
        with self.database.write() as work:
            work.job_runs.record(SWEEP, now, report.summary())
        return report

    def retry(self, now: datetime, report: SweepReport) -> None:
        """Deliveries queued, failed or whose sender died, each by its own kind's rules, in
        batches until none is left that this run has not tried."""
        tried: set[str] = set()
        while report.inactive is None and (
            batch := [p for p in self.deliverer.pending(now) if p.key not in tried]
        ):
            for pending in batch:
                if report.inactive is not None:
                    break  # the workspace went inactive meanwhile: the rest stays queued
                tried.add(pending.key)
                self._send(pending, now, report)

    def dispatch(self, keys: Sequence[str]) -> SweepReport:
        """Send what a change just queued (after its ack); what does not get through now is
        left to the sweep's retries."""
        report = SweepReport()
        if keys:
            now = self.clock.now()
            for pending in self.deliverer.pending(now, list(keys)):
                if report.inactive is not None:
                    break
                self._send(pending, now, report)
        return report

    def _send(self, pending: Pending, now: datetime, report: SweepReport) -> None:
        """One pending delivery by its kind's rules; whatever breaks in them (a payload that
        cannot be read, a bug) is logged and leaves the rest of the queue to go on."""
        try:
            self._send_kind(pending, now, report)
        except DatabaseBusyError:
            raise
        except Exception:
            logger.exception("pending delivery %s could not be handled", pending.key)
            report.errors.append(f"{pending.key}: could not be handled")

    def _send_kind(self, pending: Pending, now: datetime, report: SweepReport) -> None:
        if pending.kind == DeliveryKind.REMINDER:
            self.reminders.retry(
                pending.key, pending.channel, pending.due_at, pending.payload, now, report
            )
        elif pending.kind == DeliveryKind.DIGEST:
            self.digests.retry(pending, report)
        elif pending.kind == DeliveryKind.INVITE:
            self.announcements.send(pending, report)
        elif pending.kind == DeliveryKind.CARD:
            self.cards.send(pending, report)
        elif pending.kind == DeliveryKind.MAIL:
            self.mails.send(pending, report)
        elif pending.kind == DeliveryKind.ATTENDANCE:
            self.attendance.retry(pending, now, report)
        elif pending.kind == DeliveryKind.AGENDA:
            self.agendas.send(pending, report)
        elif pending.kind == DeliveryKind.NUDGE:
            self.nudges.send(pending, now, report)
        else:
            self.requests.send(pending, report)

    def digest(self, *, manual: bool = False) -> SweepReport:
        """Post this week's digest if it is due (or now, when `manual`), once per key."""
        now = self.clock.now()
        report, outcome = self.digests.run(manual=manual)
        if outcome is not None:
            with self.database.write() as work:
                work.job_runs.record(DIGEST, now, outcome)
        return report

    def digest_now(self, actor: MemberProfile) -> SweepReport:
        """A coordinator's `/digest now`: the digest posted at once, whatever the day."""
        _check_coordinator(actor, "post the digest")
        return self.digest(manual=True)

    def preview(self) -> Digest:
        return self.digests.preview()

    def redraw(self, recorded: RsvpRecorded) -> float | None:
        """Redraw every copy of a reminder after an RSVP changed its counts; the seconds to
        wait before trying again when Slack asked to slow down, else None."""
        return self.reminders.redraw(recorded).retry_after

    def digest_setting(self) -> DigestSetting:
        """Where and when the digest goes, for the scheduler and `/digest now`."""
        return self.digests.setting()

    def next_digest(self) -> datetime:
        return self.digests.next_digest()

    def next_reminder_at(self) -> datetime | None:
        """The earliest instant a series has a reminder due (the sweep's index)."""
        with self.database.read() as work:
            return work.meetings.first_reminder_at()

    def next_due(self, after: datetime) -> datetime | None:
        """The first instant after `after` at which a tick may find work: a reminder, a
        nudge, a delivery waiting for its recipient's hours or a retry, the digest, a draft
        agenda or a meeting's start. The minutely scheduler finds these by looking; a clock
        moved by hand (the shell's `:tick`, the demo, a year in a test) stops at each."""
        with self.database.read() as work:
            found = [
                work.meetings.first_reminder_at(),
                work.rounds.first_nudge_at(),
                work.deliveries.next_attempt_after(after),
            ]
        found += [
            self.next_digest(),
            self.agendas.next_due(after, LOOK_AHEAD),
            self.attendance.next_due(after, LOOK_AHEAD),
        ]
        return min((f for f in found if f is not None and f > after), default=None)

    def tick(self) -> str:
        """Everything the scheduler would have done by now, once: for cron and for tests."""
        swept = self.sweep()
        digested = self.digest()
        summary = f"reminders: {swept.summary()}; digest: {digested.summary()}"
        pruned = self.retention.run_if_due()  # once a day, from 03:00 in the consortium's zone
        return f"{summary}; retention: {pruned.summary()}" if pruned else summary

    def status(self, actor: MemberProfile) -> JobStatus:
        """What the jobs did and what is pending or failed, with reasons: for coordinators."""
        _check_coordinator(actor, "see the bot's status")
        with self.database.read() as work:
            runs = work.job_runs.last_runs()
            counts = work.deliveries.counts()
            problems = tuple(
                (d.key, d.status, d.error or "", d.attempts) for d in work.deliveries.problems()
            )
            setting = setting_of(work)
            retention = self.retention.status(work)
            unreachable = tuple(work.directory.unreachable_by_dm())
            inactive = workspace_state(work)
        next_digest = setting.every.next_after(self.clock.now(), setting.zone)
        return JobStatus(
            runs.get(SWEEP),
            runs.get(DIGEST),
            next_digest,
            counts,
            problems,
            retention,
            unreachable,
            inactive,
        )


def _check_coordinator(actor: MemberProfile, what: str) -> None:
    if not actor.is_coordinator:
        raise NotAllowedError(f"Only coordinators can {what}.")
