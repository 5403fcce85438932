"""Country updates with their country, round and revisions, loaded in one go."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import NamedTuple, TypeVar

from sqlalchemy import ColumnElement, Select, func, select, update
from sqlalchemy.orm import Session, selectinload

from storage.models import CountryUpdate

T = TypeVar("T")


def _with_everything() -> Select[CountryUpdate]:
    return select(CountryUpdate).options(
        selectinload(CountryUpdate.revisions),
        selectinload(CountryUpdate.country),
        selectinload(CountryUpdate.round),
    )


# An update's first line comes from its note, else its first filled section (empty or
# blank-only fields are skipped in SQL, so a listing reads one text column, not six).
_FIRST_TEXT = func.coalesce(
    *(
        func.nullif(func.trim(column), "")
        for column in (
            CountryUpdate.note,
            CountryUpdate.achievements,
            CountryUpdate.challenges,
            CountryUpdate.objectives,
            CountryUpdate.needs,
            CountryUpdate.events,
        )
    ),
    "",
)


def _matching(
    query: Select[T],
    country_code: str | None,
    round_id: int | None,
    author_id: str | None,
    country_codes: Sequence[str] | None,
) -> Select[T]:
    if country_code is not None:
        query = query.where(CountryUpdate.country_code == country_code)
    if country_codes is not None:
        query = query.where(CountryUpdate.country_code.in_(country_codes))
    if round_id is not None:
        query = query.where(CountryUpdate.round_id == round_id)
    if author_id is not None:
        query = query.where(CountryUpdate.author_id == author_id)
    return query


def _older_than(after: tuple[datetime, int]) -> ColumnElement[bool]:
    """After `after` in the order of the latest first (created_at, then id, descending)."""
    created_at, update_id = after
    return (CountryUpdate.created_at < created_at) | (
        (CountryUpdate.created_at == created_at) & (CountryUpdate.id < update_id)
    )


class UpdateLineRow(NamedTuple):
    id: int
    country_code: str
    text: str
    posted_channel: str | None
    posted_ts: str | None


class Submission(NamedTuple):
    """When a country answered a round: all a round's status needs of an update."""

    round_id: int
    country_code: str
    created_at: datetime


class UpdateRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, update_id: int) -> CountryUpdate | None:
        return self.session.scalars(_with_everything().where(CountryUpdate.id == update_id)).first()

    def get_to_change(self, update_id: int) -> CountryUpdate | None:
        """The update, locked until the transaction ends (PostgreSQL's FOR UPDATE; SQLite's
        writers already take turns), so two edits at once are made one after the other."""
        locked = _with_everything().where(CountryUpdate.id == update_id).with_for_update()
        return self.session.scalars(locked).first()

    def recent(
        self,
        *,
        limit: int,
        after: tuple[datetime, int] | None = None,
        country_code: str | None = None,
        round_id: int | None = None,
        author_id: str | None = None,
        country_codes: Sequence[str] | None = None,
    ) -> Sequence[CountryUpdate]:
        """The latest updates first (those of a country, a round, an author or some countries
        when given), from just after `after` (the created_at and id where a page ended)."""
        query = _matching(_with_everything(), country_code, round_id, author_id, country_codes)
        if after is not None:
            query = query.where(_older_than(after))
        query = query.order_by(CountryUpdate.created_at.desc(), CountryUpdate.id.desc())
        return self.session.scalars(query.limit(limit)).all()

    def count_recent(
        self,
        *,
        after: tuple[datetime, int] | None = None,
        country_code: str | None = None,
        round_id: int | None = None,
        author_id: str | None = None,
        country_codes: Sequence[str] | None = None,
    ) -> int:
        """How many updates `recent` lists with the same filters (after `after` when given),
        counted in the database."""
        query = select(func.count()).select_from(CountryUpdate)
        query = _matching(query, country_code, round_id, author_id, country_codes)
        if after is not None:
            query = query.where(_older_than(after))
        return self.session.scalar(query) or 0

    def in_rounds(self, round_ids: Sequence[int]) -> Sequence[CountryUpdate]:
        """The updates answering any of these rounds, oldest first."""
        if not round_ids:
            return []
        return self.session.scalars(
            _with_everything()
            .where(CountryUpdate.round_id.in_(round_ids))
            .order_by(CountryUpdate.created_at, CountryUpdate.id)
        ).all()

    def submissions(self, round_ids: Sequence[int]) -> list[Submission]:
        """Who answered these rounds and when, without the updates' text."""
        if not round_ids:
            return []
        rows = self.session.connection().execute(
            select(CountryUpdate.round_id, CountryUpdate.country_code, CountryUpdate.created_at)
            .where(CountryUpdate.round_id.in_(round_ids))
            .order_by(CountryUpdate.created_at, CountryUpdate.id)
        )
        return [Submission(r, c, at) for r, c, at in rows if r is not None]

    def latest_answers(self, round_ids: Sequence[int]) -> dict[tuple[int, str], int]:
        """Each (round, country)'s latest answering update id: what an Edit button opens."""
        if not round_ids:
            return {}
        rows = self.session.connection().execute(
            select(CountryUpdate.round_id, CountryUpdate.country_code, func.max(CountryUpdate.id))
            .where(CountryUpdate.round_id.in_(round_ids))
            .group_by(CountryUpdate.round_id, CountryUpdate.country_code)
        )
        return {(r, c): update_id for r, c, update_id in rows if r is not None}

    def lines_between(self, since: datetime, until: datetime) -> list[UpdateLineRow]:
        """Updates created in (since, until], by country, oldest first, with what a list of
        them shows: id, country, the text their first line comes from, where the card is.
        One light query, however many there are."""
        rows = self.session.connection().execute(
            select(
                CountryUpdate.id,
                CountryUpdate.country_code,
                _FIRST_TEXT,
                CountryUpdate.posted_channel,
                CountryUpdate.posted_ts,
            )
            .where(CountryUpdate.created_at > since, CountryUpdate.created_at <= until)
            .order_by(CountryUpdate.country_code, CountryUpdate.created_at)
        )
        return [UpdateLineRow._make(row) for row in rows.all()]

    def set_posted(self, update_id: int, channel: str, ts: str) -> None:
        """Where the update's card was posted."""
        self.session.execute(
            update(CountryUpdate)
            .where(CountryUpdate.id == update_id)
            .values(posted_channel=channel, posted_ts=ts)
        )

    def add(self, update: CountryUpdate) -> None:
        self.session.add(update)
        self.session.flush()
