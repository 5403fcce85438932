"""The delivery table as an outbox: queue or claim a key, then mark it sent, failed or skipped.

A claim is an `INSERT … ON CONFLICT DO NOTHING` on the key's unique constraint (one statement,
no savepoint), or a compare-and-set UPDATE that takes over a queued delivery, a failed one due
for retry or a claim whose lease ran out. Two workers can never both own a key; every later
write of a claim (a part sent, sent, failed) names the attempt it belongs to, so a worker
whose claim was taken over writes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite

from storage.models import Delivery
from storage.repositories.delivery_reads import DeliveryReads as DeliveryReads
from storage.repositories.delivery_reads import DeliveryStatus as DeliveryStatus
from storage.repositories.delivery_reads import SentDelivery as SentDelivery


@dataclass(frozen=True)
class Claim:
    """A delivery owned for one attempt: how far earlier attempts got (`parts_sent`, the first
    part's place) and whether the last of them may have reached Slack unseen (`in_doubt`)."""

    id: int
    key: str
    channel: str
    attempts: int
    previous_status: DeliveryStatus | None
    payload: dict[str, Any]
    parts_sent: int = 0
    first_channel: str | None = None
    first_ts: str | None = None
    in_doubt: bool = False


class DeliveryRepository(DeliveryReads):
    def _insert_new(self, values: dict[str, Any]) -> int | None:
        """Insert a delivery unless its key exists: the new row's id, or None."""
        dialect = self.session.get_bind().dialect.name
        make = postgresql.insert if dialect == "postgresql" else sqlite.insert
        statement = (
            make(Delivery)
            .values(**values)
            .on_conflict_do_nothing(index_elements=[Delivery.key])
            .returning(Delivery.id)
        )
        return self.session.scalar(statement)

    def claim(
        self,
        key: str,
        *,
        kind: str,
        channel: str,
        due_at: datetime,
        now: datetime,
        lease: timedelta,
        payload: dict[str, Any] | None = None,
    ) -> Claim | None:
        """Own `key` for one send, or None if it is sent, skipped or owned by someone else."""
        payload = payload or {}
        claim_id = self._insert_new(
            {
                "key": key,
                "kind": kind,
                "channel": channel,
                "due_at": due_at,
                "status": DeliveryStatus.CLAIMED,
                "attempts": 1,
                "lease_until": now + lease,
                "payload": payload,
                "created_at": now,
            }
        )
        if claim_id is None:
            return self.take(key, now, lease)
        return Claim(claim_id, key, channel, 1, None, payload)

    def enqueue(
        self,
        key: str,
        *,
        kind: str,
        channel: str,
        now: datetime,
        payload: dict[str, Any],
        not_before: datetime | None = None,
        due_at: datetime | None = None,
    ) -> bool:
        """Ask for a message to be sent as soon as possible (or from `not_before` on: the
        recipient's next working moment), in the transaction of the change that calls for it;
        False when the key is already known. `due_at`: when the message was due, when that
        is not when it is tried (a reminder held while the workspace is inactive)."""
        due = max(now, not_before) if not_before is not None else now
        queued = self._insert_new(
            {
                "key": key,
                "kind": kind,
                "channel": channel,
                "due_at": due_at or due,
                "status": DeliveryStatus.QUEUED,
                "attempts": 0,
                "next_attempt_at": due,
                "payload": payload,
                "created_at": now,
            }
        )
        return queued is not None

    def take(self, key: str, now: datetime, lease: timedelta) -> Claim | None:
        """Own an existing delivery for one send (queued, failed and due, or abandoned)."""
        existing = self.session.scalars(select(Delivery).where(Delivery.key == key)).first()
        return self._take_over(existing, now, lease) if existing is not None else None

    def _take_over(self, existing: Delivery, now: datetime, lease: timedelta) -> Claim | None:
        if (
            existing.status in (DeliveryStatus.FAILED, DeliveryStatus.QUEUED)
            and (existing.next_attempt_at or now) <= now
        ):
            expected = DeliveryStatus(existing.status)
        elif (
            existing.status == DeliveryStatus.CLAIMED
            and existing.lease_until is not None
            and existing.lease_until < now
        ):
            expected = DeliveryStatus.CLAIMED
        else:
            return None
        # Read before the UPDATE: the session would otherwise show its new values.
        claim = Claim(
            existing.id,
            existing.key,
            existing.channel,
            existing.attempts + 1,
            expected,
            dict(existing.payload),
            existing.parts_sent,
            existing.slack_channel,
            existing.slack_ts,
            expected == DeliveryStatus.CLAIMED or existing.in_doubt,
        )
        taken = self.session.execute(
            update(Delivery)
            .where(
                Delivery.id == existing.id,
                Delivery.status == expected,
                Delivery.attempts == existing.attempts,
            )
            .values(
                status=DeliveryStatus.CLAIMED,
                attempts=claim.attempts,
                lease_until=now + lease,
            )
        )
        return claim if taken.rowcount == 1 else None  # type: ignore[attr-defined]

    def _owned(self, claim: Claim) -> Any:
        """The row of `claim`, while that attempt still owns it."""
        return and_(
            Delivery.id == claim.id,
            Delivery.status == DeliveryStatus.CLAIMED,
            Delivery.attempts == claim.attempts,
        )

    def record_part(
        self,
        claim: Claim,
        parts_sent: int,
        first_channel: str,
        first_ts: str,
        lease_until: datetime,
        payload: dict[str, Any] | None = None,
    ) -> bool:
        """Note that the first `parts_sent` parts are out (and, when given, the payload that
        keeps the rest), and extend the lease for the next; False when this attempt no
        longer owns the delivery."""
        values: dict[str, Any] = {
            "parts_sent": parts_sent,
            "slack_channel": first_channel,
            "slack_ts": first_ts,
            "lease_until": lease_until,
            "in_doubt": False,
        }
        if payload is not None:
            values["payload"] = payload
        recorded = self.session.execute(update(Delivery).where(self._owned(claim)).values(values))
        return recorded.rowcount == 1  # type: ignore[attr-defined,no-any-return]

    def mark_sent(self, claim: Claim, slack_channel: str, slack_ts: str, now: datetime) -> bool:
        """Mark the claim's delivery sent; False when this attempt no longer owns it."""
        return self._sent(claim, slack_channel, slack_ts, now, None)

    def mark_sent_privately(
        self, claim: Claim, channel: str, now: datetime, note: str | None = None
    ) -> bool:
        """Mark the claim's delivery sent privately in `channel` (an ephemeral message: no ts
        to keep, nothing to redraw); `note` says when its arrival is not certain. False when
        this attempt no longer owns it."""
        return self._sent(claim, channel, None, now, note)

    def _sent(
        self, claim: Claim, channel: str, ts: str | None, now: datetime, note: str | None
    ) -> bool:
        values = {"slack_channel": channel, "slack_ts": ts, "sent_at": now, "error": note}
        marked = self.session.execute(
            update(Delivery)
            .where(self._owned(claim))
            .values(status=DeliveryStatus.SENT, lease_until=None, in_doubt=False, **values)
        )
        return marked.rowcount == 1  # type: ignore[attr-defined,no-any-return]

    def mark_failed(
        self,
        claim: Claim,
        error: str,
        retry_at: datetime,
        *,
        in_doubt: bool,
        counted: bool = True,
        payload: dict[str, Any] | None = None,
    ) -> None:
        """Record a failed attempt; one that is not `counted` (the platform asked to wait)
        gives its attempt back; `payload`, when given, replaces the kept one."""
        values: dict[str, Any] = {
            "status": DeliveryStatus.FAILED,
            "error": error,
            "next_attempt_at": retry_at,
            "lease_until": None,
            "in_doubt": in_doubt,
            "attempts": claim.attempts if counted else claim.attempts - 1,
        }
        if payload is not None:
            values["payload"] = payload
        self.session.execute(update(Delivery).where(self._owned(claim)).values(values))

    def requeue(
        self,
        claim: Claim,
        reason: str,
        now: datetime,
        *,
        in_doubt: bool,
        payload: dict[str, Any] | None = None,
    ) -> None:
        """Put the claim's delivery back in the queue, its attempt given back: it was not
        refused for what it is, the platform could not take anything (the workspace is
        inactive). `in_doubt`: the next try looks for it before posting; `payload`, when
        given, is what the next try starts from."""
        values: dict[str, Any] = {"payload": payload} if payload is not None else {}
        self.session.execute(
            update(Delivery)
            .where(self._owned(claim))
            .values(
                status=DeliveryStatus.QUEUED,
                error=reason,
                next_attempt_at=now,
                lease_until=None,
                in_doubt=in_doubt,
                attempts=claim.attempts - 1,
                **values,
            )
        )

    def skip(
        self, key: str, *, kind: str, channel: str, due_at: datetime, now: datetime, reason: str
    ) -> bool:
        """Record a message that will not be sent (e.g. too late); False if the key exists."""
        skipped = self._insert_new(
            {
                "key": key,
                "kind": kind,
                "channel": channel,
                "due_at": due_at,
                "status": DeliveryStatus.SKIPPED,
                "attempts": 0,
                "error": reason,
                "payload": {},
                "created_at": now,
            }
        )
        return skipped is not None

    def give_up(self, key: str, reason: str, now: datetime) -> bool:
        """Record that a delivery not yet sent never will be: one queued or failed, or one
        whose sender's lease ran out (a live sender is left alone); False if none was."""
        given_up = self.session.execute(
            update(Delivery)
            .where(Delivery.key == key, _not_being_sent(now))
            .values(status=DeliveryStatus.SKIPPED, error=reason, lease_until=None)
        )
        return given_up.rowcount == 1  # type: ignore[attr-defined,no-any-return]

    def defer(self, key: str, until: datetime, now: datetime) -> bool:
        """Put a delivery not yet sent back in the queue until `until` (its recipient's next
        working moment); one being sent by a live sender is left alone."""
        deferred = self.session.execute(
            update(Delivery)
            .where(Delivery.key == key, _not_being_sent(now))
            .values(status=DeliveryStatus.QUEUED, next_attempt_at=until, lease_until=None)
        )
        return deferred.rowcount == 1  # type: ignore[attr-defined,no-any-return]


def _not_being_sent(now: datetime) -> Any:
    """A delivery nobody is sending: queued, failed, or claimed by a sender whose lease ran
    out (a live sender is left alone)."""
    return or_(
        Delivery.status.in_((DeliveryStatus.QUEUED, DeliveryStatus.FAILED)),
        and_(Delivery.status == DeliveryStatus.CLAIMED, Delivery.lease_until < now),
    )
