"""The scheduled jobs: the reminder sweep and the weekly digest, each delivered exactly once.

APScheduler (or `consortium-bot tick --at`) only says *when to look*; the database says
*what is due*. Every message has a delivery key that is claimed before sending and marked
sent after, so running twice, two instances, restarts and crashes send nothing twice; Slack
errors are recorded and retried with backoff; a message more than `grace` late is recorded
as skipped rather than sent as if on time.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Protocol

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from scheduling.clock import Clock
from scheduling.consortium.audience import audience_members
from scheduling.consortium.directory import DirectoryService, MemberProfile
from scheduling.delivery.digest import Digest, build_digest, digest_instant, iso_week
from scheduling.meetings.mapping import to_series
from scheduling.meetings.occurrences import occurrences
from scheduling.meetings.reminders import DueReminder, next_reminder_at, reminders_between
from scheduling.meetings.rsvp import RsvpService, RsvpSummary
from scheduling.meetings.service import MeetingError, MeetingService
from scheduling.updates.rounds import RoundService
from storage.db import Database
from storage.models import Delivery, JobRun, Meeting
from storage.repositories import DirectoryRepository, MeetingRepository
from storage.repositories.deliveries import CLAIMED, SKIPPED, Claim, Outbox

logger = logging.getLogger("consortium_bot.jobs")

SWEEP = "sweep"
DIGEST = "digest"


class DeliveryError(Exception):
    """Slack refused or could not be reached after the client's own retries."""

    def __init__(self, code: str, retry_after: float | None = None) -> None:
        super().__init__(code)
        self.code = code
        self.retry_after = retry_after


@dataclass(frozen=True)
class Posted:
    """Where Slack put a message: its channel (a D… ID for DMs) and ts."""

    channel: str
    ts: str


@dataclass(frozen=True)
class ReminderNotice:
    reminder: DueReminder
    rsvp: RsvpSummary
    channel: str
    direct: bool
    key: str


class Notifier(Protocol):
    """How scheduled messages leave the building; bot/ implements it for Slack."""

    def send_reminder(self, notice: ReminderNotice) -> Posted:
        """Post the reminder. Raise DeliveryError."""

    def update_reminder(self, posted: Posted, notice: ReminderNotice) -> None:
        """Redraw a posted reminder (new RSVP counts). Raise DeliveryError."""

    def send_digest(self, channel: str, digest: Digest, key: str) -> Posted:
        """Post the digest (several messages in one thread if long); return the first."""

    def already_sent(self, channel: str, key: str, since: datetime) -> Posted | None:
        """A message with this key posted since `since`, if the platform can tell."""


@dataclass(frozen=True)
class JobSettings:
    grace: timedelta = timedelta(minutes=30)
    digest_grace: timedelta = timedelta(hours=6)
    lease: timedelta = timedelta(minutes=5)
    max_attempts: int = 6
    retry_base: timedelta = timedelta(minutes=1)


@dataclass
class SweepReport:
    sent: int = 0
    skipped: int = 0
    failed: int = 0
    duplicates_avoided: int = 0
    errors: list[str] = field(default_factory=list)

    def summary(self) -> str:
        parts = [f"{self.sent} sent", f"{self.skipped} skipped", f"{self.failed} failed"]
        if self.duplicates_avoided:
            parts.append(f"{self.duplicates_avoided} already handled")
        return ", ".join(parts)


@dataclass(frozen=True)
class JobStatus:
    last_sweep: tuple[datetime, str] | None
    last_digest: tuple[datetime, str] | None
    next_digest: datetime
    counts: dict[str, int]
    problems: tuple[tuple[str, str, str, int], ...]  # key, status, error, attempts


class Jobs:
    def __init__(
        self,
        database: Database,
        clock: Clock,
        notifier: Notifier,
        directory: DirectoryService,
        settings: JobSettings | None = None,
    ) -> None:
        self.database = database
        self.clock = clock
        self.notifier = notifier
        self.directory = directory
        self.settings = settings or JobSettings()
        self.meetings = MeetingService(database, clock)
        self.rounds = RoundService(database, clock)
        self.rsvps = RsvpService(database, clock, directory)

    def __deepcopy__(self, memo: dict[int, object]) -> Jobs:
        return self  # shared by all requests, like the engine it holds

    # -- the reminder sweep ----------------------------------------------------------------

    def sweep(self) -> SweepReport:
        """Send every reminder that is due, once; retry what failed; skip what is too late."""
        now = self.clock.now()
        report = SweepReport()
        with self.database.read() as session:
            due = session.scalars(
                select(Meeting)
                .where(Meeting.next_reminder_at <= now, Meeting.cancelled_at.is_(None))
                .options(selectinload(Meeting.exceptions))
            ).all()
            work = [(to_series(m), m.next_reminder_at) for m in due]
        # Only a sweep with work to do needs the directory (for who wants DMs).
        profiles = self.directory.snapshot().profiles.values() if work else ()
        for series, next_at in work:
            assert next_at is not None
            try:
                targets = self._targets(series.id, series.audience, profiles)
            except MeetingError:
                continue  # cancelled while this sweep ran
            for reminder in reminders_between(series, next_at - timedelta(microseconds=1), now):
                for channel, direct in targets:
                    self._remind(reminder, channel, direct, now, report)
            with self.database.write() as session:
                meeting = MeetingRepository(session).get(series.id)
                if meeting is not None:
                    meeting.next_reminder_at = next_reminder_at(to_series(meeting), now)
        self._retry(now, report)
        self._record(SWEEP, now, report.summary())
        return report

    def _targets(
        self, meeting_id: int, audience: str, profiles: Iterable[MemberProfile]
    ) -> list[tuple[str, bool]]:
        series = self.meetings.get(meeting_id)
        targets: list[tuple[str, bool]] = []
        channel = self.meetings.channel_id(series)
        if channel is not None:
            targets.append((channel, False))
        for profile in audience_members(profiles, audience):
            if profile.reminder_delivery == "dm":
                targets.append((profile.slack_id, True))
        return targets

    def _remind(
        self, reminder: DueReminder, channel: str, direct: bool, now: datetime, report: SweepReport
    ) -> None:
        key = reminder.key(channel)
        if now - reminder.remind_at > self.settings.grace:
            with self.database.write() as session:
                late = f"{int((now - reminder.remind_at).total_seconds() // 60)} min late"
                if Outbox(session).skip(
                    key,
                    kind="reminder",
                    channel=channel,
                    due_at=reminder.remind_at,
                    now=now,
                    reason=late,
                ):
                    logger.warning("reminder %s skipped: %s", key, late)
                    report.skipped += 1
            return
        payload = {
            "meeting": reminder.series.id,
            "occurrence": reminder.occurrence.original_local.isoformat(),
            "offset": reminder.offset_minutes,
            "direct": direct,
        }

        def send() -> Posted:
            summary = self.rsvps.summary(reminder.series.id, reminder.occurrence.original_local)
            return self.notifier.send_reminder(
                ReminderNotice(reminder, summary, channel, direct, key)
            )

        self._deliver(key, "reminder", channel, reminder.remind_at, payload, send, now, report)

    def _deliver(
        self,
        key: str,
        kind: str,
        channel: str,
        due_at: datetime,
        payload: Mapping[str, object],
        send: Callable[[], Posted],
        now: datetime,
        report: SweepReport,
    ) -> None:
        with self.database.write() as session:
            claim = Outbox(session).claim(
                key,
                kind=kind,
                channel=channel,
                due_at=due_at,
                now=now,
                lease=self.settings.lease,
                payload=dict(payload),
            )
        if claim is None:
            report.duplicates_avoided += 1
            return
        self._send(claim, due_at, send, report)

    def _send(
        self, claim: Claim, due_at: datetime, send: Callable[[], Posted], report: SweepReport
    ) -> None:
        try:
            posted = None
            if claim.previous_status == CLAIMED:
                # The last owner died mid-send: ask Slack whether the message went out.
                posted = self.notifier.already_sent(
                    claim.channel, claim.key, due_at - self.settings.grace
                )
            if posted is None:
                posted = send()
        except Exception as failure:
            # Anything that outlived the client's own retries (a dropped connection, a bug)
            # is recorded and retried like a Slack error, never left hanging in a claim.
            error = (
                failure
                if isinstance(failure, DeliveryError)
                else DeliveryError(type(failure).__name__)
            )
            if not isinstance(failure, DeliveryError):
                logger.exception("delivery %s raised", claim.key)
            wait = self.settings.retry_base * 2 ** (claim.attempts - 1)
            if error.retry_after:
                wait = max(wait, timedelta(seconds=error.retry_after))
            gave_up = claim.attempts >= self.settings.max_attempts
            retry_at = self.clock.now() + (timedelta(days=3650) if gave_up else wait)
            with self.database.write() as session:
                reason = (
                    f"{error.code} (attempt {claim.attempts}{', giving up' if gave_up else ''})"
                )
                Outbox(session).mark_failed(claim.id, reason, retry_at)
            logger.warning("delivery %s failed: %s", claim.key, reason)
            report.failed += 1
            report.errors.append(f"{claim.key}: {error.code}")
            return
        with self.database.write() as session:
            Outbox(session).mark_sent(claim.id, posted.channel, posted.ts, self.clock.now())
        report.sent += 1

    def _retry(self, now: datetime, report: SweepReport) -> None:
        with self.database.read() as session:
            pending = [
                (d.key, d.kind, d.channel, d.due_at, dict(d.payload))
                for d in Outbox(session).retryable(now)
            ]
        for key, kind, channel, due_at, payload in pending:
            if kind == "reminder":
                self._retry_reminder(key, channel, due_at, payload, now, report)
            elif kind == DIGEST:
                self._retry_digest(key, channel, due_at, payload, now, report)

    def _retry_reminder(
        self,
        key: str,
        channel: str,
        due_at: datetime,
        payload: dict[str, object],
        now: datetime,
        report: SweepReport,
    ) -> None:
        reminder = self._rebuild_reminder(payload, due_at)
        if reminder is None or now - due_at > self.settings.grace:
            reason = "meeting or occurrence cancelled" if reminder is None else "too late to send"
            self._give_up(key, reason)
            report.skipped += 1
            return
        self._remind_claimed(
            key, reminder, channel, bool(payload.get("direct")), due_at, now, report
        )

    def _remind_claimed(
        self,
        key: str,
        reminder: DueReminder,
        channel: str,
        direct: bool,
        due_at: datetime,
        now: datetime,
        report: SweepReport,
    ) -> None:
        def send() -> Posted:
            summary = self.rsvps.summary(reminder.series.id, reminder.occurrence.original_local)
            return self.notifier.send_reminder(
                ReminderNotice(reminder, summary, channel, direct, key)
            )

        self._deliver(key, "reminder", channel, due_at, {}, send, now, report)

    def _rebuild_reminder(self, payload: dict[str, object], due_at: datetime) -> DueReminder | None:
        try:
            series = self.meetings.get(int(str(payload["meeting"])))
        except (KeyError, ValueError):
            return None
        original = datetime.fromisoformat(str(payload["occurrence"]))
        offset = int(str(payload["offset"]))
        window_start = due_at - timedelta(days=2)
        for occurrence in occurrences(
            series, window_start, due_at + timedelta(minutes=offset) + timedelta(days=2)
        ):
            if occurrence.original_local == original:
                return DueReminder(occurrence, offset, due_at)
        return None

    def _give_up(self, key: str, reason: str) -> None:
        with self.database.write() as session:
            delivery = session.scalars(select(Delivery).where(Delivery.key == key)).first()
            if delivery is not None and delivery.status != "sent":
                delivery.status, delivery.error, delivery.lease_until = SKIPPED, reason, None

    def refresh_reminders(self, meeting_id: int, original_local: datetime) -> int:
        """Redraw every sent reminder of one occurrence with the current RSVP counts."""
        with self.database.read() as session:
            sent = [
                (d.key, d.channel, d.slack_channel, d.slack_ts, d.due_at, dict(d.payload))
                for d in Outbox(session).sent_with_prefix(f"reminder:{meeting_id}:")
            ]
        summary = self.rsvps.summary(meeting_id, original_local)
        redrawn = 0
        for key, channel, slack_channel, ts, due_at, payload in sent:
            if payload.get("occurrence") != original_local.isoformat() or not ts:
                continue
            reminder = self._rebuild_reminder(payload, due_at)
            if reminder is None:
                continue
            notice = ReminderNotice(reminder, summary, channel, bool(payload.get("direct")), key)
            try:
                self.notifier.update_reminder(Posted(slack_channel or channel, ts), notice)
                redrawn += 1
            except DeliveryError as error:
                logger.warning("could not redraw %s: %s", key, error.code)
        return redrawn

    # -- the digest --------------------------------------------------------------------------

    def digest_channel(self) -> str | None:
        with self.database.read() as session:
            directory = DirectoryRepository(session)
            consortium = directory.consortium()
            purpose = (consortium.digest_channel if consortium else None) or "announcements"
            channel = directory.channel(purpose)
            return channel.slack_channel_id if channel else None

    def consortium_schedule(self) -> tuple[str, str | None]:
        """The consortium's zone and digest rule (`monday 09:00`), for the scheduler."""
        return self._zone_and_every()

    def _zone_and_every(self) -> tuple[str, str | None]:
        with self.database.read() as session:
            consortium = DirectoryRepository(session).consortium()
            return (consortium.timezone, consortium.digest_every) if consortium else ("UTC", None)

    def next_digest(self) -> datetime:
        zone, every = self._zone_and_every()
        now = self.clock.now()
        this_week = digest_instant(every, zone, now)
        return (
            this_week if this_week > now else digest_instant(every, zone, now + timedelta(days=7))
        )

    def preview(self) -> Digest:
        """The digest as it would be posted now (nothing recorded)."""
        return self._build(self.clock.now())

    def _build(self, until: datetime) -> Digest:
        channel = self.digest_channel() or "-"
        with self.database.read() as session:
            last = Outbox(session).last_sent(DIGEST, channel)
            since = last.due_at if last is not None else until - timedelta(days=7)
        return build_digest(self.database, self.rounds, self.rsvps, since, until)

    def digest(self, *, manual: bool = False) -> SweepReport:
        """Post this week's digest if it is due (or now, when `manual`), once per key."""
        now = self.clock.now()
        report = SweepReport()
        channel = self.digest_channel()
        if channel is None:
            report.errors.append("no digest channel")
            self._record(DIGEST, now, "no digest channel")
            return report
        zone, every = self._zone_and_every()
        if manual:
            due_at, key = now, f"digest:{channel}:manual:{now:%Y%m%dT%H%MZ}"
        else:
            due_at = digest_instant(every, zone, now)
            key = f"digest:{channel}:{iso_week(due_at, zone)}"
            if now < due_at:
                return report
            if now - due_at > self.settings.digest_grace:
                with self.database.write() as session:
                    if Outbox(session).skip(
                        key, kind=DIGEST, channel=channel, due_at=due_at, now=now, reason="too late"
                    ):
                        report.skipped += 1
                return report
        digest = self._build(due_at)
        payload = {"until": due_at.isoformat()}
        self._deliver(
            key,
            DIGEST,
            channel,
            due_at,
            payload,
            lambda: self.notifier.send_digest(channel, digest, key),
            now,
            report,
        )
        self._record(DIGEST, now, report.summary())
        return report

    def _retry_digest(
        self,
        key: str,
        channel: str,
        due_at: datetime,
        payload: dict[str, object],
        now: datetime,
        report: SweepReport,
    ) -> None:
        if now - due_at > self.settings.digest_grace:
            self._give_up(key, "too late to send")
            report.skipped += 1
            return
        digest = self._build(due_at)
        self._deliver(
            key,
            DIGEST,
            channel,
            due_at,
            {},
            lambda: self.notifier.send_digest(channel, digest, key),
            now,
            report,
        )

    # -- running and reporting ----------------------------------------------------------------

    def tick(self) -> str:
        """Everything the scheduler would have done by now, once: for cron and for tests."""
        swept = self.sweep()
        digested = self.digest()
        return f"reminders: {swept.summary()}; digest: {digested.summary()}"

    def _record(self, name: str, now: datetime, result: str) -> None:
        """Remember the run; two instances finishing at once must not trip over each other."""
        with self.database.write() as session:
            run = session.get(JobRun, name)
            if run is not None:
                run.last_run_at, run.last_result = now, result
                return
            try:
                with session.begin_nested():
                    session.add(JobRun(name=name, last_run_at=now, last_result=result))
            except IntegrityError:
                session.execute(
                    update(JobRun)
                    .where(JobRun.name == name)
                    .values(last_run_at=now, last_result=result)
                )

    def status(self) -> JobStatus:
        with self.database.read() as session:
            runs = {r.name: (r.last_run_at, r.last_result) for r in session.scalars(select(JobRun))}
            outbox = Outbox(session)
            counts = outbox.counts()
            problems = tuple(
                (d.key, d.status, d.error or "", d.attempts) for d in outbox.problems()
            )
        return JobStatus(runs.get(SWEEP), runs.get(DIGEST), self.next_digest(), counts, problems)
