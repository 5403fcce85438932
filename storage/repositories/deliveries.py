"""The delivery table as an outbox: claim a key, then mark it sent, failed or skipped.

A claim is an `INSERT … ON CONFLICT DO NOTHING` on the key's unique constraint (one statement,
no savepoint), or a compare-and-set UPDATE that takes over a failed delivery due for retry or
a claim whose lease ran out. Two workers can never both own a key.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from storage.models import Delivery


class DeliveryStatus(enum.StrEnum):
    CLAIMED = "sending"
    SENT = "sent"
    FAILED = "failed"
    SKIPPED = "skipped"


@dataclass(frozen=True)
class Claim:
    id: int
    key: str
    channel: str
    attempts: int
    previous_status: DeliveryStatus | None
    payload: dict[str, Any]


@dataclass(frozen=True)
class SentDelivery:
    """A message that went out: where Slack put it, and what it was."""

    key: str
    channel: str
    slack_channel: str
    slack_ts: str
    due_at: datetime
    payload: dict[str, Any]


class DeliveryRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

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
            return self._take_over(key, now, lease)
        return Claim(claim_id, key, channel, 1, None, payload)

    def _take_over(self, key: str, now: datetime, lease: timedelta) -> Claim | None:
        existing = self.session.scalars(select(Delivery).where(Delivery.key == key)).one()
        if existing.status == DeliveryStatus.FAILED and (existing.next_attempt_at or now) <= now:
            expected = DeliveryStatus.FAILED
        elif (
            existing.status == DeliveryStatus.CLAIMED
            and existing.lease_until is not None
            and existing.lease_until < now
        ):
            expected = DeliveryStatus.CLAIMED
        else:
            return None
        taken = self.session.execute(
            update(Delivery)
            .where(
                Delivery.id == existing.id,
                Delivery.status == expected,
                Delivery.attempts == existing.attempts,
            )
            .values(
                status=DeliveryStatus.CLAIMED,
                attempts=existing.attempts + 1,
                lease_until=now + lease,
            )
        )
        if taken.rowcount != 1:  # type: ignore[attr-defined]
            return None
        return Claim(
            existing.id,
            key,
            existing.channel,
            existing.attempts + 1,
            expected,
            dict(existing.payload),
        )

    def mark_sent(self, claim_id: int, slack_channel: str, slack_ts: str, now: datetime) -> None:
        self.session.execute(
            update(Delivery)
            .where(Delivery.id == claim_id)
            .values(
                status=DeliveryStatus.SENT,
                slack_channel=slack_channel,
                slack_ts=slack_ts,
                sent_at=now,
                error=None,
                lease_until=None,
            )
        )

    def mark_failed(self, claim_id: int, error: str, retry_at: datetime) -> None:
        self.session.execute(
            update(Delivery)
            .where(Delivery.id == claim_id)
            .values(
                status=DeliveryStatus.FAILED,
                error=error,
                next_attempt_at=retry_at,
                lease_until=None,
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

    def give_up(self, key: str, reason: str) -> None:
        """Record that a delivery not yet sent never will be."""
        self.session.execute(
            update(Delivery)
            .where(Delivery.key == key, Delivery.status != DeliveryStatus.SENT)
            .values(status=DeliveryStatus.SKIPPED, error=reason, lease_until=None)
        )

    def retryable(self, now: datetime, limit: int = 100) -> Sequence[Delivery]:
        """Failed deliveries due for another try, and claims whose lease ran out."""
        return self.session.scalars(
            select(Delivery)
            .where(
                or_(
                    and_(Delivery.status == DeliveryStatus.FAILED, Delivery.next_attempt_at <= now),
                    and_(Delivery.status == DeliveryStatus.CLAIMED, Delivery.lease_until < now),
                )
            )
            .order_by(Delivery.due_at)
            .limit(limit)
        ).all()

    def sent_with_prefix(self, prefix: str) -> list[SentDelivery]:
        """Sent deliveries whose key starts with `prefix` (keys are hierarchical)."""
        pattern = prefix.replace("!", "!!").replace("%", "!%").replace("_", "!_") + "%"
        query = select(Delivery).where(
            Delivery.key.like(pattern, escape="!"), Delivery.status == DeliveryStatus.SENT
        )
        return [
            SentDelivery(
                d.key,
                d.channel,
                d.slack_channel or d.channel,
                d.slack_ts or "",
                d.due_at,
                dict(d.payload),
            )
            for d in self.session.scalars(query.order_by(Delivery.sent_at))
        ]

    def counts(self) -> dict[str, int]:
        rows = self.session.execute(select(Delivery.status, func.count()).group_by(Delivery.status))
        return {status: count for status, count in rows}

    def problems(self, limit: int = 10) -> Sequence[Delivery]:
        return self.session.scalars(
            select(Delivery)
            .where(Delivery.status.in_((DeliveryStatus.FAILED, DeliveryStatus.CLAIMED)))
            .order_by(Delivery.due_at.desc())
            .limit(limit)
        ).all()

    def last_sent(self, kind: str, channel: str) -> Delivery | None:
        return self.session.scalars(
            select(Delivery)
            .where(
                Delivery.kind == kind,
                Delivery.channel == channel,
                Delivery.status == DeliveryStatus.SENT,
            )
            .order_by(Delivery.due_at.desc())
            .limit(1)
        ).first()
