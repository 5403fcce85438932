"""The delivery table as an outbox: claim a key, then mark it sent, failed or skipped.

A claim is an INSERT guarded by the key's unique constraint (inside a SAVEPOINT, so a lost
race rolls back only itself), or a compare-and-set UPDATE that takes over a failed delivery
due for retry or a claim whose lease ran out. Two workers can never both own a key.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from storage.models import Delivery

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
    previous_status: str | None
    payload: dict[str, Any]


class Outbox:
    def __init__(self, session: Session) -> None:
        self.session = session

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
        delivery = Delivery(
            key=key,
            kind=kind,
            channel=channel,
            due_at=due_at,
            status=CLAIMED,
            attempts=1,
            lease_until=now + lease,
            payload=payload or {},
            created_at=now,
        )
        try:
            with self.session.begin_nested():
                self.session.add(delivery)
        except IntegrityError:
            return self._take_over(key, now, lease)
        return Claim(delivery.id, key, channel, 1, None, delivery.payload)

    def _take_over(self, key: str, now: datetime, lease: timedelta) -> Claim | None:
        existing = self.session.scalars(select(Delivery).where(Delivery.key == key)).one()
        if existing.status == FAILED and (existing.next_attempt_at or now) <= now:
            expected = FAILED
        elif (
            existing.status == CLAIMED
            and existing.lease_until is not None
            and existing.lease_until < now
        ):
            expected = CLAIMED
        else:
            return None
        taken = self.session.execute(
            update(Delivery)
            .where(
                Delivery.id == existing.id,
                Delivery.status == expected,
                Delivery.attempts == existing.attempts,
            )
            .values(status=CLAIMED, attempts=existing.attempts + 1, lease_until=now + lease)
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
                status=SENT,
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
            .values(status=FAILED, error=error, next_attempt_at=retry_at, lease_until=None)
        )

    def skip(
        self, key: str, *, kind: str, channel: str, due_at: datetime, now: datetime, reason: str
    ) -> bool:
        """Record a message that will not be sent (e.g. too late); False if the key exists."""
        try:
            with self.session.begin_nested():
                self.session.add(
                    Delivery(
                        key=key,
                        kind=kind,
                        channel=channel,
                        due_at=due_at,
                        status=SKIPPED,
                        attempts=0,
                        error=reason,
                        payload={},
                        created_at=now,
                    )
                )
        except IntegrityError:
            return False
        return True

    def retryable(self, now: datetime, limit: int = 100) -> list[Delivery]:
        """Failed deliveries due for another try, and claims whose lease ran out."""
        return list(
            self.session.scalars(
                select(Delivery)
                .where(
                    or_(
                        and_(Delivery.status == FAILED, Delivery.next_attempt_at <= now),
                        and_(Delivery.status == CLAIMED, Delivery.lease_until < now),
                    )
                )
                .order_by(Delivery.due_at)
                .limit(limit)
            )
        )

    def sent_with_prefix(self, prefix: str) -> list[Delivery]:
        """Sent deliveries whose key starts with `prefix` (keys are hierarchical)."""
        pattern = prefix.replace("!", "!!").replace("%", "!%").replace("_", "!_") + "%"
        query = select(Delivery).where(
            Delivery.key.like(pattern, escape="!"), Delivery.status == SENT
        )
        return list(self.session.scalars(query.order_by(Delivery.sent_at)))

    def counts(self) -> dict[str, int]:
        rows = self.session.execute(select(Delivery.status, func.count()).group_by(Delivery.status))
        return {status: count for status, count in rows}

    def problems(self, limit: int = 10) -> list[Delivery]:
        return list(
            self.session.scalars(
                select(Delivery)
                .where(Delivery.status.in_((FAILED, CLAIMED)))
                .order_by(Delivery.due_at.desc())
                .limit(limit)
            )
        )

    def last_sent(self, kind: str, channel: str) -> Delivery | None:
        return self.session.scalars(
            select(Delivery)
            .where(Delivery.kind == kind, Delivery.channel == channel, Delivery.status == SENT)
            .order_by(Delivery.due_at.desc())
            .limit(1)
        ).first()
