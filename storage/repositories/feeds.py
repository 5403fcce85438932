"""Calendar feed tokens, one per audience."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import FeedToken


class FeedTokenRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def by_token(self, token: str) -> FeedToken | None:
        return self.session.get(FeedToken, token)

    def for_audiences(self, audiences: Sequence[str]) -> dict[str, FeedToken]:
        found = self.session.scalars(select(FeedToken).where(FeedToken.audience.in_(audiences)))
        return {token.audience: token for token in found}

    def add(self, token: FeedToken) -> None:
        self.session.add(token)
