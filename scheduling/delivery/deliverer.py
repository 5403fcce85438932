"""Exactly-once delivery of one message: claim its key, send it, mark it sent (or failed).

The three steps are separate transactions on purpose: a claim is committed before anything
is sent, so a crash after the send leaves a claim that the next owner checks against the
platform (`already_sent`) before sending again. A failure is recorded with its reason and
retried with growing waits (at least what `Retry-After` asked), never dropped silently.
"""

from __future__ import annotations

import enum
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from scheduling.clock import Clock
from scheduling.consortium.directory import DirectoryService
from scheduling.ports import DeliveryError, DeliveryNotifier, Posted
from storage.db import Database
from storage.repositories.deliveries import Claim, DeliveryStatus

logger = logging.getLogger("consortium_bot.jobs")


class DeliveryKind(enum.StrEnum):
    REMINDER = "reminder"
    DIGEST = "digest"


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
class Pending:
    """A delivery due for another try: a failure whose wait is over, or an expired claim."""

    key: str
    kind: DeliveryKind
    channel: str
    due_at: datetime
    payload: dict[str, Any]


class Deliverer:
    def __init__(
        self,
        database: Database,
        clock: Clock,
        notifier: DeliveryNotifier,
        settings: JobSettings,
    ) -> None:
        self.database = database
        self.clock = clock
        self.notifier = notifier
        self.settings = settings

    def deliver(
        self,
        key: str,
        kind: DeliveryKind,
        channel: str,
        due_at: datetime,
        payload: Mapping[str, object],
        send: Callable[[], Posted],
        report: SweepReport,
    ) -> None:
        """Send the message named `key` unless it was sent, skipped or is being sent."""
        with self.database.write() as work:
            claim = work.deliveries.claim(
                key,
                kind=str(kind),
                channel=channel,
                due_at=due_at,
                now=self.clock.now(),
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
            if claim.previous_status == DeliveryStatus.CLAIMED:
                # The last owner died mid-send: ask the platform whether the message went out.
                posted = self.notifier.already_sent(
                    claim.channel, claim.key, due_at - self.settings.grace
                )
            if posted is None:
                posted = send()
        except Exception as failure:
            self._failed(claim, failure, report)
            return
        with self.database.write() as work:
            work.deliveries.mark_sent(claim.id, posted.channel, posted.ts, self.clock.now())
        report.sent += 1

    def _failed(self, claim: Claim, failure: Exception, report: SweepReport) -> None:
        # Anything that outlived the client's own retries (a dropped connection, a bug) is
        # recorded and retried like a platform error, never left hanging in a claim.
        if isinstance(failure, DeliveryError):
            error = failure
        else:
            logger.exception("delivery %s raised", claim.key)
            error = DeliveryError(type(failure).__name__)
        wait = self.settings.retry_base * 2 ** (claim.attempts - 1)
        if error.retry_after:
            wait = max(wait, timedelta(seconds=error.retry_after))
        gave_up = claim.attempts >= self.settings.max_attempts
        retry_at = self.clock.now() + (timedelta(days=3650) if gave_up else wait)
        reason = f"{error.code} (attempt {claim.attempts}{', giving up' if gave_up else ''})"
        with self.database.write() as work:
            work.deliveries.mark_failed(claim.id, reason, retry_at)
        logger.warning("delivery %s failed: %s", claim.key, reason)
        report.failed += 1
        report.errors.append(f"{claim.key}: {error.code}")

    def skip(
        self,
        key: str,
        kind: DeliveryKind,
        channel: str,
        due_at: datetime,
        reason: str,
        report: SweepReport,
    ) -> None:
        """Record a message that will not be sent (too late), once."""
        with self.database.write() as work:
            skipped = work.deliveries.skip(
                key,
                kind=str(kind),
                channel=channel,
                due_at=due_at,
                now=self.clock.now(),
                reason=reason,
            )
        if skipped:
            logger.warning("%s %s skipped: %s", kind, key, reason)
            report.skipped += 1

    def give_up(self, key: str, reason: str, report: SweepReport) -> None:
        """A pending delivery that must not be sent any more (cancelled, or too late)."""
        with self.database.write() as work:
            work.deliveries.give_up(key, reason)
        report.skipped += 1

    def pending(self, now: datetime) -> list[Pending]:
        with self.database.read() as work:
            return [
                Pending(d.key, DeliveryKind(d.kind), d.channel, d.due_at, dict(d.payload))
                for d in work.deliveries.retryable(now)
            ]


class ScheduledWork:
    """What a scheduled job works with: the database, the clock, the notifier, who is who
    (for DMs and country names), the deliverer and the settings."""

    def __init__(
        self,
        database: Database,
        clock: Clock,
        notifier: DeliveryNotifier,
        directory: DirectoryService,
        deliverer: Deliverer,
        settings: JobSettings,
    ) -> None:
        self.database = database
        self.clock = clock
        self.notifier = notifier
        self.directory = directory
        self.deliverer = deliverer
        self.settings = settings
