"""Exactly-once delivery of one message: claim its key, send it part by part, mark it sent
(or failed).

The steps are separate transactions on purpose: a claim is committed before anything is sent,
and each part of a message of several is recorded as it goes out. So a crash, or a failure
whose outcome is unknown (a dropped connection, a timeout, a 5xx), leaves a claim whose next
owner first asks the platform for the part that was in flight (`Outgoing.find`) and posts it
only when it is not there; the parts before it are never posted again. A failure is recorded
with its reason and retried with growing waits (at least what `Retry-After` asked), never
dropped silently. Every write after the claim names the attempt it belongs to, so a sender
whose claim was taken over (it outlived its lease) writes nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from typing import Any

from scheduling.clock import Clock
from scheduling.connect.private import PrivateFallback
from scheduling.consortium.directory import DirectoryService
from scheduling.delivery.outbox import DeliveryKind as DeliveryKind
from scheduling.delivery.outbox import JobSettings as JobSettings
from scheduling.delivery.outbox import Pending as Pending
from scheduling.delivery.outbox import SweepReport as SweepReport
from scheduling.lifecycle.service import workspace_state
from scheduling.ports import (
    DeliveryError,
    DeliveryNotifier,
    DirectMessageRefusedError,
    Outgoing,
    Posted,
)
from scheduling.workdays.quiet import hold_until
from storage.db import Database
from storage.repositories import UnitOfWork
from storage.repositories.deliveries import Claim

logger = logging.getLogger("consortium_bot.jobs")

KEYS_AT_ONCE = 500  # keys named in one query (an IN list)
FROZEN = "frozen"  # where a message of several parts is kept once its first part went out


class _LostClaimError(Exception):
    """This attempt no longer owns its delivery (another sender took it over)."""


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
        self.privately = PrivateFallback(database, clock, settings.lease)

    def deliver(
        self,
        key: str,
        kind: DeliveryKind,
        channel: str,
        due_at: datetime,
        payload: Mapping[str, object],
        outgoing: Callable[[], Outgoing],
        report: SweepReport,
        on_sent: Callable[[UnitOfWork, Posted], None] | None = None,
    ) -> None:
        """Send the message named `key` unless it was sent, skipped or is being sent;
        `on_sent` records where it went in the transaction that marks it sent."""
        now = self.clock.now()
        with self.database.write() as work:
            if self._kept_back(work, key, kind, channel, due_at, payload, now, report):
                return
            claim = work.deliveries.claim(
                key,
                kind=str(kind),
                channel=channel,
                due_at=due_at,
                now=now,
                lease=self.settings.lease,
                payload=dict(payload),
            )
        if claim is None:
            report.duplicates_avoided += 1
            return
        self._send(claim, outgoing, report, on_sent)

    @staticmethod
    def _kept_back(
        work: UnitOfWork,
        key: str,
        kind: DeliveryKind,
        channel: str,
        due_at: datetime,
        payload: Mapping[str, object],
        now: datetime,
        report: SweepReport,
    ) -> bool:
        """Whether the message must not go now, decided in its claim's transaction. While
        the workspace is inactive it stays in the queue as it was due (so each kind's rules
        on lateness decide when the workspace is back); a DM to a member whose Slack account
        is deactivated is skipped, with the reason."""
        inactive = workspace_state(work)
        if inactive is not None:
            report.inactive = inactive
            queued = work.deliveries.enqueue(
                key, kind=str(kind), channel=channel, now=now, payload=dict(payload), due_at=due_at
            )
            report.held += int(queued)
            return True
        # A DM names its member; an invitation by e-mail names them in its payload.
        named = payload.get("member")
        gone = work.lifecycle.deactivated_since(named if isinstance(named, str) else channel)
        if gone is None:
            return False
        reason = f"deactivated in Slack since {gone:%Y-%m-%d}"
        if work.deliveries.skip(
            key, kind=str(kind), channel=channel, due_at=due_at, now=now, reason=reason
        ) or work.deliveries.give_up(key, reason, now):
            logger.info("%s %s skipped: %s", kind, key, reason)
            report.skipped += 1
        return True

    def _send(
        self,
        claim: Claim,
        outgoing: Callable[[], Outgoing],
        report: SweepReport,
        on_sent: Callable[[UnitOfWork, Posted], None] | None,
    ) -> None:
        went_privately = self.privately.already_tried(claim)
        if went_privately is not None:
            # An earlier try posted it privately, or may have: at most once (connect/private).
            if self.privately.settle_unknown(claim, went_privately):
                report.sent += 1
            return
        message: Outgoing | None = None
        try:
            message = self._thawed(claim) or outgoing()
            thread = self._send_parts(claim, message)
        except DirectMessageRefusedError as refused:
            if self.privately.send(
                claim, message, refused, lambda c, e, p: self._failed(c, e, report, p)
            ):
                report.sent += 1
            return
        except _LostClaimError:
            logger.warning("delivery %s was taken over by another sender", claim.key)
            report.duplicates_avoided += 1
            return
        except Exception as failure:
            self._failed(claim, failure, report)
            return
        with self.database.write() as work:
            owned = work.deliveries.mark_sent(claim, thread.channel, thread.ts, self.clock.now())
            if owned and on_sent is not None:
                on_sent(work, thread)
            if owned and thread.channel != claim.channel:
                # Addressed to a member, it landed in their DM: a DM reaches them (again).
                work.directory.dm_reached(claim.channel)
        if not owned:
            # Skipped meanwhile (cancelled, overtaken), or taken over after the lease ran out.
            logger.warning("delivery %s went out after it stopped being this sender's", claim.key)
            report.duplicates_avoided += 1
            return
        report.sent += 1

    def _thawed(self, claim: Claim) -> Outgoing | None:
        """A message whose first parts went out, as it was then (a digest made again later
        could have other parts)."""
        frozen = claim.payload.get(FROZEN)
        if claim.parts_sent == 0 or not isinstance(frozen, dict):
            return None
        return self.notifier.thaw(claim.channel, claim.key, frozen)

    def _send_parts(self, claim: Claim, message: Outgoing) -> Posted:
        """Post the parts earlier attempts did not; the one in flight when an attempt ended
        unseen is looked for first. Returns where the first part is."""
        thread = (
            Posted(claim.first_channel, claim.first_ts)
            if claim.first_channel and claim.first_ts
            else None
        )
        for part in range(claim.parts_sent, message.parts):
            posted = None
            if part == claim.parts_sent and claim.in_doubt:
                posted = self._find(message, part, thread)
            if posted is None:
                posted = message.send(part, thread)
            thread = thread or posted
            if part + 1 < message.parts:
                with self.database.write() as work:
                    lease_until = self.clock.now() + self.settings.lease
                    kept = {**claim.payload, FROZEN: message.frozen()} if part == 0 else None
                    if not work.deliveries.record_part(
                        claim, part + 1, thread.channel, thread.ts, lease_until, kept
                    ):
                        raise _LostClaimError(claim.key)
        assert thread is not None, "a message has at least one part"
        return thread

    @staticmethod
    def _find(message: Outgoing, part: int, thread: Posted | None) -> Posted | None:
        """Look for a part in doubt; while it cannot be looked for, it stays in doubt,
        whatever the look-up's own failure was (a 429 on reading history, say)."""
        try:
            return message.find(part, thread)
        except DeliveryError as error:
            raise DeliveryError(
                error.code, error.retry_after, ambiguous=True, revoked=error.revoked
            ) from error

    def _failed(
        self,
        claim: Claim,
        failure: Exception,
        report: SweepReport,
        payload: dict[str, Any] | None = None,
    ) -> None:
        # Anything that outlived the client's own retries (a dropped connection, a bug) is
        # recorded and retried like a platform error, never left hanging in a claim; when it
        # is not the platform's own refusal, the next try looks before it posts.
        if isinstance(failure, DeliveryError):
            error = failure
        else:
            logger.error("delivery %s raised", claim.key, exc_info=failure)
            error = DeliveryError(type(failure).__name__, ambiguous=True)
        if error.revoked:
            self._workspace_gone(claim, error, report, payload)
            return
        # Slack's Retry-After says when; otherwise each try waits twice as long as the last.
        wait = self.settings.retry_base * 2 ** (claim.attempts - 1)
        if error.retry_after is not None:
            wait = timedelta(seconds=error.retry_after)
        gave_up = error.permanent or (
            error.retry_after is None and claim.attempts >= self.settings.max_attempts
        )
        retry_at = self.clock.now() + (timedelta(days=3650) if gave_up else wait)
        doubt = ", outcome unknown" if error.ambiguous else ""
        reason = f"{error.code} (attempt {claim.attempts}{doubt}{', giving up' if gave_up else ''})"
        with self.database.write() as work:
            work.deliveries.mark_failed(
                claim,
                reason,
                retry_at,
                in_doubt=error.ambiguous,
                # Slack asking to wait is not a try that failed: it must not use one up.
                counted=error.retry_after is None,
                payload=payload,
            )
        logger.warning("delivery %s failed: %s", claim.key, reason)
        report.failed += 1
        report.errors.append(f"{claim.key}: {error.code}")
        report.failures[claim.key] = error

    def _workspace_gone(
        self,
        claim: Claim,
        error: DeliveryError,
        report: SweepReport,
        payload: dict[str, Any] | None = None,
    ) -> None:
        """Slack takes nothing from the bot any more: the workspace is marked inactive and
        the message goes back to the queue, its attempt not counted; nothing is retried into
        the dead token until a start-up finds the token working again."""
        now = self.clock.now()
        with self.database.write() as work:
            work.lifecycle.mark_inactive(error.code, now)
            reason = f"kept: Slack refused the bot's token ({error.code})"
            work.deliveries.requeue(claim, reason, now, in_doubt=error.ambiguous, payload=payload)
            report.inactive = workspace_state(work)
        logger.error(
            "delivery %s: Slack refused the bot's token (%s); the workspace is marked inactive"
            " and nothing is sent until the bot starts with a working token",
            claim.key,
            error.code,
        )

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

    def defer(self, key: str, until: datetime, report: SweepReport) -> None:
        """A pending DM that must wait for its recipient's next working moment (`until`):
        back in the queue, found again by the sweep's index when that moment comes."""
        with self.database.write() as work:
            deferred = work.deliveries.defer(key, until, self.clock.now())
        if deferred:
            report.deferred += 1

    def give_up(self, key: str, reason: str, report: SweepReport) -> None:
        """A pending delivery that must not be sent any more (cancelled, or too late); one
        being sent by a live sender is left to it."""
        with self.database.write() as work:
            given_up = work.deliveries.give_up(key, reason, self.clock.now())
        if given_up:
            report.skipped += 1

    def pending(self, now: datetime, keys: list[str] | None = None) -> list[Pending]:
        """What is due for a try by `now`: the first batch of it, or all of it among `keys`."""
        found = []
        with self.database.read() as work:
            if keys is None:
                rows = list(work.deliveries.retryable(now))
            else:
                rows = []
                for start in range(0, len(keys), KEYS_AT_ONCE):
                    chunk = keys[start : start + KEYS_AT_ONCE]
                    rows += work.deliveries.retryable(now, limit=len(chunk), keys=chunk)
            for d in rows:
                found.append(
                    Pending(d.key, DeliveryKind(d.kind), d.channel, d.due_at, dict(d.payload))
                )
        return found


class ScheduledWork:
    """What a delivery job works with: the database, the clock, the notifier, who is who
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

    def held(self, key: str, recipient: str, report: SweepReport) -> bool:
        """The quiet-hours check of a DM not tied to a meeting's time, about to go to
        `recipient`: when their calendar (working day, days away as they are now, hours) does
        not allow it now, it is put back until their next allowed moment and True is returned
        (never sent now, never dropped). Every such DM kind calls this before sending."""
        profile = self.directory.profile(recipient)
        if profile is None:
            return False
        now = self.clock.now()
        with self.database.read() as work:
            until = hold_until(work, [profile], now).get(recipient)
        if until is None:
            return False
        self.deliverer.defer(key, until, report)
        return True
