"""Calendar feed tokens: one per member and audience, and the audience-wide ones (no member)
handed out before links were personal, which stay valid until a coordinator revokes them."""

from __future__ import annotations

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from storage.models import FeedToken


class FeedTokenRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def by_token(self, token: str) -> FeedToken | None:
        return self.session.get(FeedToken, token)

    def of_member(self, member_id: str) -> dict[str, FeedToken]:
        """A member's own tokens by audience."""
        found = self.session.scalars(select(FeedToken).where(FeedToken.member_id == member_id))
        return {token.audience: token for token in found}

    def add_unless_taken(self, token: FeedToken) -> bool:
        """Store a member's token for an audience unless they already have one (two first
        uses at once: the unique constraint keeps the first); True when this stored it."""
        try:
            with self.session.begin_nested():
                self.session.add(token)
        except IntegrityError:
            return False
        return True

    def revoke_member(self, member_id: str) -> int:
        """Delete every token of one member; how many there were."""
        statement = delete(FeedToken).where(FeedToken.member_id == member_id)
        return int(self.session.execute(statement).rowcount or 0)  # type: ignore[attr-defined]

    def revoke_shared(self) -> int:
        """Delete every audience-wide token (from before personal links); how many."""
        statement = delete(FeedToken).where(FeedToken.member_id.is_(None))
        return int(self.session.execute(statement).rowcount or 0)  # type: ignore[attr-defined]

    def shared_count(self) -> int:
        """How many audience-wide tokens (from before personal links) still work."""
        count = self.session.scalar(
            select(func.count()).select_from(FeedToken).where(FeedToken.member_id.is_(None))
        )
        return int(count or 0)

    def personal_counts(self) -> tuple[int, int]:
        """How many personal tokens exist, and how many members hold them."""
        row = self.session.execute(
            select(func.count(), func.count(func.distinct(FeedToken.member_id))).where(
                FeedToken.member_id.is_not(None)
            )
        ).one()
        return int(row[0]), int(row[1])
