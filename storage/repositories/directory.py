"""The consortium row, its countries, members and channels."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import select, update
from sqlalchemy.orm import Session, selectinload

from storage.models import Channel, Consortium, Country, Member, MemberCountry, MemberRoleGrant


class MemberRow(NamedTuple):
    slack_id: str
    name: str
    timezone: str
    country_codes: tuple[str, ...]
    role_names: tuple[str, ...]
    reminder_delivery: str
    email: str | None = None
    invitations: str = "off"
    digest_by_dm: bool = False
    working_hours: str | None = None
    team_id: str | None = None
    dm_unreachable_since: datetime | None = None
    deactivated_at: datetime | None = None


class DirectoryRepository:
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

    def mark_welcomed(self, slack_id: str, at: datetime) -> bool:
        """Record the member's welcome unless one is recorded already: True only for the one
        transaction whose conditional UPDATE took the row (racing first contacts get False)."""
        taken = self.session.connection().execute(
            update(Member)
            .where(Member.slack_id == slack_id, Member.welcomed_at.is_(None))
            .values(welcomed_at=at)
        )
        return taken.rowcount == 1

    def forget_welcome(self, slack_id: str, at: datetime) -> None:
        """Undo the welcome recorded `at` (it could not be sent), so the next contact tries."""
        self.session.connection().execute(
            update(Member)
            .where(Member.slack_id == slack_id, Member.welcomed_at == at)
            .values(welcomed_at=None)
        )

    def dm_unreachable(self, slack_id: str, since: datetime) -> bool:
        """Note that no DM reaches this member (kept from the first time); True when it was
        news (they were reached by DM until now)."""
        noted = self.session.connection().execute(
            update(Member)
            .where(Member.slack_id == slack_id, Member.dm_unreachable_since.is_(None))
            .values(dm_unreachable_since=since)
        )
        return noted.rowcount == 1

    def dm_reached(self, slack_id: str) -> bool:
        """A DM reached `slack_id` (a member, or a channel: then nothing changes): they are
        no longer unreachable by DM. True when they were."""
        cleared = self.session.connection().execute(
            update(Member)
            .where(Member.slack_id == slack_id, Member.dm_unreachable_since.is_not(None))
            .values(dm_unreachable_since=None)
        )
        return cleared.rowcount == 1

    def unreachable_by_dm(self) -> list[tuple[str, str, datetime]]:
        """Members no DM reaches (Slack ID, name, since when), longest first."""
        rows = self.session.connection().execute(
            select(Member.slack_id, Member.name, Member.dm_unreachable_since)
            .where(Member.dm_unreachable_since.is_not(None))
            .order_by(Member.dm_unreachable_since, Member.name)
        )
        return [(slack_id, name, since) for slack_id, name, since in rows if since is not None]

    def members(self, slack_ids: Sequence[str] | None = None) -> Sequence[Member]:
        """Every member by name, or only those of `slack_ids`."""
        query = select(Member).options(selectinload(Member.countries), selectinload(Member.roles))
        if slack_ids is not None:
            query = query.where(Member.slack_id.in_(slack_ids))
        return self.session.scalars(query.order_by(Member.name)).all()

    def member_rows(self) -> list[MemberRow]:
        """Every member as plain values (countries in order, roles), in three light queries:
        what the in-memory directory is loaded from, however many members there are."""
        countries: dict[str, list[str]] = {}
        for member_id, code in self.session.connection().execute(
            select(MemberCountry.member_id, MemberCountry.country_code).order_by(
                MemberCountry.member_id, MemberCountry.position
            )
        ):
            countries.setdefault(member_id, []).append(code)
        roles: dict[str, list[str]] = {}
        for member_id, role in self.session.connection().execute(
            select(MemberRoleGrant.member_id, MemberRoleGrant.role).order_by(
                MemberRoleGrant.member_id, MemberRoleGrant.role
            )
        ):
            roles.setdefault(member_id, []).append(role)
        rows = self.session.connection().execute(
            select(
                Member.slack_id,
                Member.name,
                Member.timezone,
                Member.reminder_delivery,
                Member.email,
                Member.invitations,
                Member.digest_by_dm,
                Member.working_hours,
                Member.team_id,
                Member.dm_unreachable_since,
                Member.deactivated_at,
            ).order_by(Member.name)
        )
        return [
            MemberRow(
                slack_id,
                name,
                zone,
                tuple(countries.get(slack_id, ())),
                tuple(roles.get(slack_id, ())),
                delivery or "channel",
                email,
                invitations or "off",
                bool(digest_by_dm),
                hours,
                team_id,
                unreachable,
                deactivated,
            )
            for (
                slack_id,
                name,
                zone,
                delivery,
                email,
                invitations,
                digest_by_dm,
                hours,
                team_id,
                unreachable,
                deactivated,
            ) in rows
        ]

    def countries_with_members(self) -> set[str]:
        """The codes of the countries at least one member speaks for."""
        found = self.session.scalars(select(MemberCountry.country_code).distinct())
        return set(found.all())

    def country(self, code: str) -> Country | None:
        return self.session.get(Country, code)

    def countries(self) -> Sequence[Country]:
        return self.session.scalars(select(Country).order_by(Country.code)).all()

    def channel(self, purpose: str) -> Channel | None:
        return self.session.get(Channel, purpose)

    def channels(self) -> Sequence[Channel]:
        return self.session.scalars(select(Channel).order_by(Channel.purpose)).all()

    def mark_home_opened(self, slack_id: str, at: datetime) -> None:
        """Record that the member has the Home tab: from now on changes redraw it."""
        self.session.execute(
            update(Member).where(Member.slack_id == slack_id).values(home_opened_at=at)
        )

    def home_viewers(self, slack_ids: Collection[str] | None = None) -> list[str]:
        """The members who have opened the Home tab (of `slack_ids`, when given), but those
        whose Slack account is deactivated."""
        query = select(Member.slack_id).where(
            Member.home_opened_at.is_not(None), Member.deactivated_at.is_(None)
        )
        if slack_ids is not None:
            query = query.where(Member.slack_id.in_(slack_ids))
        return list(self.session.scalars(query.order_by(Member.slack_id)))

    def add(self, row: Consortium | Country | Channel | Member) -> None:
        self.session.add(row)
