"""Queries over the consortium's tables. Repositories take a Session and never commit."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from storage.models import (
    Channel,
    Consortium,
    Country,
    CountryUpdate,
    FeedToken,
    Meeting,
    Member,
    Round,
)


class DirectoryRepository:
    """Countries, members, channels and the consortium row."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def consortium(self) -> Consortium | None:
        return self.session.get(Consortium, 1)

    def member(self, slack_id: str) -> Member | None:
        return self.session.scalars(
            select(Member)
            .where(Member.slack_id == slack_id)
            .options(selectinload(Member.countries), selectinload(Member.roles))
        ).first()

    def members(self) -> Sequence[Member]:
        return self.session.scalars(
            select(Member)
            .order_by(Member.name)
            .options(selectinload(Member.countries), selectinload(Member.roles))
        ).all()

    def country(self, code: str) -> Country | None:
        return self.session.get(Country, code)

    def countries(self) -> Sequence[Country]:
        return self.session.scalars(select(Country).order_by(Country.code)).all()

    def channels(self) -> Sequence[Channel]:
        return self.session.scalars(select(Channel).order_by(Channel.purpose)).all()

    def channel(self, purpose: str) -> Channel | None:
        return self.session.get(Channel, purpose)


class MeetingRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def by_import_key(self, key: str) -> Meeting | None:
        return self.session.scalars(select(Meeting).where(Meeting.import_key == key)).first()

    def get(self, meeting_id: int) -> Meeting | None:
        return self.session.scalars(
            select(Meeting)
            .where(Meeting.id == meeting_id)
            .options(selectinload(Meeting.exceptions))
        ).first()

    def all(self, *, include_cancelled: bool = False) -> Sequence[Meeting]:
        query = select(Meeting).options(selectinload(Meeting.exceptions)).order_by(Meeting.id)
        if not include_cancelled:
            query = query.where(Meeting.cancelled_at.is_(None))
        return self.session.scalars(query).all()


class RoundRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def by_title(self, title: str) -> Round | None:
        return self.session.scalars(select(Round).where(Round.title == title)).first()

    def get(self, round_id: int) -> Round | None:
        return self.session.get(Round, round_id)

    def all(self) -> Sequence[Round]:
        return self.session.scalars(select(Round).order_by(Round.id)).all()

    def open_rounds(self) -> Sequence[Round]:
        return self.session.scalars(
            select(Round)
            .where(Round.closed_at.is_(None))
            .order_by(Round.opens_on.desc(), Round.id.desc())
        ).all()


class FeedTokenRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def by_token(self, token: str) -> FeedToken | None:
        return self.session.get(FeedToken, token)

    def by_audience(self, audience: str) -> FeedToken | None:
        return self.session.scalars(select(FeedToken).where(FeedToken.audience == audience)).first()


class UpdateRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, update_id: int) -> CountryUpdate | None:
        return self.session.scalars(
            select(CountryUpdate)
            .where(CountryUpdate.id == update_id)
            .options(selectinload(CountryUpdate.revisions))
        ).first()

    def recent(
        self,
        *,
        limit: int,
        country_code: str | None = None,
        round_id: int | None = None,
        author_id: str | None = None,
    ) -> Sequence[CountryUpdate]:
        query = select(CountryUpdate).options(selectinload(CountryUpdate.revisions))
        if country_code is not None:
            query = query.where(CountryUpdate.country_code == country_code)
        if round_id is not None:
            query = query.where(CountryUpdate.round_id == round_id)
        if author_id is not None:
            query = query.where(CountryUpdate.author_id == author_id)
        query = query.order_by(CountryUpdate.created_at.desc(), CountryUpdate.id.desc()).limit(
            limit
        )
        return self.session.scalars(query).all()

    def in_round(self, round_id: int) -> Sequence[CountryUpdate]:
        return self.session.scalars(
            select(CountryUpdate)
            .where(CountryUpdate.round_id == round_id)
            .options(selectinload(CountryUpdate.revisions))
            .order_by(CountryUpdate.created_at, CountryUpdate.id)
        ).all()
