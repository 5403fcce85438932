"""Members' days away (`/consortium away`)."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from storage.models import AwayPeriod


class AwayRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, member_id: str, first: date, last: date, now: datetime) -> AwayPeriod:
        period = AwayPeriod(member_id=member_id, first_day=first, last_day=last, created_at=now)
        self.session.add(period)
        self.session.flush()
        return period

    def of_member(self, member_id: str, since: date) -> list[AwayPeriod]:
        """The member's periods that end on or after `since`, earliest first."""
        return list(
            self.session.scalars(
                select(AwayPeriod)
                .where(AwayPeriod.member_id == member_id, AwayPeriod.last_day >= since)
                .order_by(AwayPeriod.first_day, AwayPeriod.id)
            )
        )

    def of_members(
        self, member_ids: Collection[str] | None, since: date
    ) -> dict[str, list[tuple[date, date]]]:
        """Every period ending on or after `since` (of `member_ids`, when given), by member:
        one query for a whole sweep."""
        query = select(AwayPeriod.member_id, AwayPeriod.first_day, AwayPeriod.last_day).where(
            AwayPeriod.last_day >= since
        )
        if member_ids is not None:
            query = query.where(AwayPeriod.member_id.in_(list(member_ids)))
        found: dict[str, list[tuple[date, date]]] = {}
        for member_id, first, last in self.session.execute(query.order_by(AwayPeriod.first_day)):
            found.setdefault(member_id, []).append((first, last))
        return found

    def remove(self, member_id: str, period_id: int | None = None) -> int:
        """Drop one period of the member's (or, without an id, all of them); how many."""
        statement = delete(AwayPeriod).where(AwayPeriod.member_id == member_id)
        if period_id is not None:
            statement = statement.where(AwayPeriod.id == period_id)
        return self.session.execute(statement).rowcount or 0  # type: ignore[attr-defined]
