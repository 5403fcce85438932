"""The outbox's questions: what is due for a try and when the next falls due, what went out
under a key's prefix, and the counts and problems `/consortium status` shows."""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from storage.models import Delivery


class DeliveryStatus(enum.StrEnum):
    QUEUED = "queued"
    CLAIMED = "sending"
    SENT = "sent"
    FAILED = "failed"
    SKIPPED = "skipped"


@dataclass(frozen=True)
class SentDelivery:
    """A message that went out: where Slack put it, and what it was."""

    key: str
    channel: str
    slack_channel: str
    slack_ts: str
    due_at: datetime
    payload: dict[str, Any]


class DeliveryReads:
    def __init__(self, session: Session) -> None:
        self.session = session

    def next_attempt_after(self, after: datetime) -> datetime | None:
        """The first instant after `after` at which a delivery falls due for a try: one
        waiting for its recipient's hours or for a retry, or a claim whose lease runs out."""
        waiting = select(func.min(Delivery.next_attempt_at)).where(
            Delivery.status.in_((DeliveryStatus.QUEUED, DeliveryStatus.FAILED)),
            Delivery.next_attempt_at > after,
        )
        leased = select(func.min(Delivery.lease_until)).where(
            Delivery.status == DeliveryStatus.CLAIMED, Delivery.lease_until > after
        )
        found = [self.session.scalar(waiting), self.session.scalar(leased)]
        return min((f for f in found if f is not None), default=None)

    def retryable(
        self, now: datetime, limit: int = 100, keys: Sequence[str] | None = None
    ) -> Sequence[Delivery]:
        """Queued deliveries, failed ones due for another try, and claims whose lease ran
        out; only among `keys` when given."""
        query = select(Delivery).where(
            or_(
                and_(
                    Delivery.status.in_((DeliveryStatus.FAILED, DeliveryStatus.QUEUED)),
                    Delivery.next_attempt_at <= now,
                ),
                and_(Delivery.status == DeliveryStatus.CLAIMED, Delivery.lease_until < now),
            )
        )
        if keys is not None:
            query = query.where(Delivery.key.in_(keys))
        return self.session.scalars(query.order_by(Delivery.due_at, Delivery.id).limit(limit)).all()

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
