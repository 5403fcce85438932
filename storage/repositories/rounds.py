"""Collection rounds."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from storage.models import Round


class RoundRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, round_id: int) -> Round | None:
        return self.session.get(Round, round_id)

    def get_to_change(self, round_id: int) -> Round | None:
        """The round as stored now, locked until the transaction ends (PostgreSQL's FOR
        UPDATE; SQLite's writers already take turns): two closings or reopenings at once are
        made one after the other, each raising its version."""
        return self.session.scalars(
            select(Round)
            .where(Round.id == round_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        ).first()

    def by_title(self, title: str) -> Round | None:
        return self.session.scalars(select(Round).where(Round.title == title)).first()

    def find(self, reference: str) -> Round | None:
        """A round by number (`3`, `#3`), title, or the start of one title only (`winter`),
        in any case."""
        text = reference.strip().lstrip("#")
        if text.isdecimal() and text.isascii():
            # A number no INTEGER column holds names no round (and must not reach the driver).
            return self.get(int(text)) if len(text) <= 10 and int(text) < 2**31 else None
        exact = self.by_title(reference.strip())
        if exact is not None or not text:
            return exact
        lowered = reference.strip().casefold()
        rounds = self.all()
        titled = [r for r in rounds if r.title.casefold() == lowered]
        starting = [r for r in rounds if r.title.casefold().startswith(lowered)]
        found = titled or starting
        return found[0] if len(found) == 1 else None

    def all(self) -> Sequence[Round]:
        return self.session.scalars(select(Round).order_by(Round.id)).all()

    def open_rounds(self, limit: int | None = None) -> Sequence[Round]:
        """Rounds not closed, the one opened last first (the first `limit` of them)."""
        return self.session.scalars(
            select(Round)
            .where(Round.closed_at.is_(None))
            .order_by(Round.opens_on.desc(), Round.id.desc())
            .limit(limit)
        ).all()

    def nudges_due(self, now: datetime) -> list[int]:
        """The open, unpaused rounds whose next nudges are due by `now`, earliest first: read
        through the index on `next_nudge_at` (an idle sweep touches no other row)."""
        return list(
            self.session.scalars(
                select(Round.id)
                .where(
                    Round.next_nudge_at <= now,
                    Round.closed_at.is_(None),
                    Round.nudges_paused.is_(False),
                )
                .order_by(Round.next_nudge_at, Round.id)
            )
        )

    def add(self, round_: Round) -> None:
        self.session.add(round_)
        self.session.flush()

    def first_nudge_at(self) -> datetime | None:
        """The earliest instant a nudge of an open, unpaused round is to be queued."""
        return self.session.scalar(
            select(func.min(Round.next_nudge_at)).where(
                Round.closed_at.is_(None), Round.nudges_paused.is_(False)
            )
        )
