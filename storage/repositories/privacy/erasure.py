"""Erasing a member (GDPR art. 17): what the database holds of them, counted, and removed in
the caller's transaction.

Rows that are theirs alone (profile, settings, RSVPs, attendance, deliveries to them, feed
links, days away) are deleted; every column of `people.MEMBER_ID_COLUMNS` that keeps who
acted (authors, editors, proposers, assignees …) gets the domain's non-personal mark; then
every other text and JSON column of every table is searched for their ID, name or e-mail and
rewritten by the domain's `scrub`, so nothing names them whatever the column.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    JSON,
    ColumnElement,
    String,
    Table,
    Text,
    and_,
    cast,
    delete,
    func,
    or_,
    select,
)
from sqlalchemy import update as update_rows
from sqlalchemy.orm import Session

from storage.meeting_records import ActionItem, Attendance
from storage.models import (
    AwayPeriod,
    Base,
    CountryUpdate,
    Delivery,
    Erasure,
    FeedToken,
    Member,
    MemberCountry,
    MemberRoleGrant,
    Rsvp,
    UpdateRevision,
)
from storage.repositories.privacy.people import (
    MEMBER_ID_COLUMNS,
    MEMBER_NAME_COLUMNS,
    addressed_to,
    attended_by,
)

# The tables whose rows naming the member are deleted outright (theirs alone), so the marks
# and the search leave them be.
_DELETED_TABLES = frozenset(
    model.__tablename__
    for model in (Member, MemberCountry, MemberRoleGrant, AwayPeriod, FeedToken, Rsvp)
)
# Where the search for their name must not look: a column holding a whole name (another
# member's "Ana Lima" is not the erased "Ana"), compared whole instead.
_WHOLE_NAME_COLUMNS = frozenset((c.expression.table.name, c.key) for c in MEMBER_NAME_COLUMNS)


@dataclass(frozen=True)
class ErasedPerson:
    """The member as the database knows them, read before anything is removed."""

    slack_id: str
    name: str
    email: str | None
    country_codes: tuple[str, ...]


@dataclass(frozen=True)
class Footprint:
    """How many records of each kind name the member."""

    rsvps: int = 0
    attendance: int = 0
    updates: int = 0
    revisions: int = 0
    actions: int = 0
    deliveries: int = 0
    feed_links: int = 0
    days_away: int = 0
    other: int = 0  # topics, supports, agendas, links, meetings, rounds they set up or marked


class ErasureRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def person(self, slack_id: str) -> ErasedPerson | None:
        member = self.session.get(Member, slack_id)
        if member is None:
            return None
        return ErasedPerson(member.slack_id, member.name, member.email, tuple(member.country_codes))

    def footprint(self, person: ErasedPerson) -> Footprint:
        """What erasing `person` would remove or rewrite, counted."""
        member_id = person.slack_id
        marked = _marked_columns()
        other = sum(
            self._count(column.table, column == member_id)
            for column in marked
            if column.table.name
            not in (CountryUpdate.__tablename__, UpdateRevision.__tablename__, "action_items")
        )
        return Footprint(
            rsvps=self._count(Rsvp.__table__, Rsvp.member_id == member_id),
            attendance=self._count(Attendance.__table__, _their_attendance(person)),
            updates=self._count(CountryUpdate.__table__, CountryUpdate.author_id == member_id),
            revisions=self._count(UpdateRevision.__table__, UpdateRevision.editor_id == member_id),
            actions=self._count(
                ActionItem.__table__,
                or_(
                    ActionItem.member_id == member_id,
                    ActionItem.created_by == member_id,
                    ActionItem.done_by == member_id,
                ),
            ),
            deliveries=self._count(Delivery.__table__, self._their_deliveries(person)),
            feed_links=self._count(FeedToken.__table__, FeedToken.member_id == member_id),
            days_away=self._count(AwayPeriod.__table__, AwayPeriod.member_id == member_id),
            other=other,
        )

    def remove_member(self, slack_id: str) -> bool:
        """Delete the member's row (their countries, roles, days away and feed links go with
        it, by cascade): False when it was gone already, e.g. erased a moment ago by a
        second press (on PostgreSQL the second waits for the first to commit, then finds
        nothing)."""
        for model in (MemberCountry, MemberRoleGrant, AwayPeriod, FeedToken):
            self.session.execute(delete(model).where(model.member_id == slack_id))
        removed = self.session.execute(delete(Member).where(Member.slack_id == slack_id))
        return bool(getattr(removed, "rowcount", 0))

    def erase(self, person: ErasedPerson, marker: str, scrub: Callable[[str], str]) -> list[int]:
        """Everything else of `person` (after `remove_member`): their own rows deleted, who
        acted marked with `marker`, any other mention rewritten by `scrub`. Returns the
        updates they wrote, whose posted cards are to be redrawn."""
        member_id = person.slack_id
        self.session.execute(delete(Rsvp).where(Rsvp.member_id == member_id))
        self.session.execute(delete(Attendance).where(_their_attendance(person)))
        self.session.execute(delete(Delivery).where(self._their_deliveries(person)))
        written = list(
            self.session.scalars(
                select(CountryUpdate.id).where(CountryUpdate.author_id == member_id)
            )
        )
        if person.country_codes:  # an item assigned to them stays assigned to their country
            self.session.execute(
                update_rows(ActionItem)
                .where(ActionItem.member_id == member_id, ActionItem.country_code.is_(None))
                .values(country_code=person.country_codes[0])
            )
        for column in _marked_columns():
            self.session.execute(
                update_rows(column.table).where(column == member_id).values({column.key: marker})
            )
        for table in Base.metadata.sorted_tables:
            if table.name not in _DELETED_TABLES:
                self._scrub_table(table, person, scrub)
        return written

    def record(self, erasure: Erasure) -> None:
        self.session.add(erasure)
        self.session.flush()

    def _their_deliveries(self, person: ErasedPerson) -> ColumnElement[bool]:
        """Messages addressed to the member: to their ID or e-mail address, or in their DM
        channel (a `D…` channel Slack gave a message sent to their ID)."""
        member_id = person.slack_id
        direct = select(Delivery.slack_channel).where(
            Delivery.channel == member_id,
            Delivery.slack_channel.is_not(None),
            Delivery.slack_channel.like("D%"),
        )
        channels = [c for c in self.session.scalars(direct) if c]
        found = addressed_to(member_id, person.email)
        return or_(found, Delivery.slack_channel.in_(channels)) if channels else found

    def _count(self, table: Any, condition: ColumnElement[bool]) -> int:
        query = select(func.count()).select_from(table).where(condition)
        return int(self.session.scalar(query) or 0)

    def _scrub_table(self, table: Table, person: ErasedPerson, scrub: Callable[[str], str]) -> None:
        keys = list(table.primary_key.columns)
        for column in table.columns:
            if column.primary_key or not isinstance(column.type, (String, Text, JSON)):
                continue
            whole_name = (table.name, column.key) in _WHOLE_NAME_COLUMNS
            found = _mentions(column, person, whole_name)
            if found is None:
                continue
            for row in self.session.execute(select(*keys, column).where(found)).all():
                *key, value = row
                changed = _scrubbed(value, scrub)
                if (
                    isinstance(column.type, String)
                    and column.type.length
                    and isinstance(changed, str)
                ):
                    changed = changed[: column.type.length]
                if changed != value:
                    where = [k == v for k, v in zip(keys, key, strict=True)]
                    self.session.execute(
                        update_rows(table).where(*where).values({column.key: changed})
                    )


def _marked_columns() -> list[Any]:
    """The listed member-ID columns whose rows stay, the member's ID in them to be marked:
    not the tables deleted, nor a delivery's channel or an attendance row's own member (those
    rows are deleted)."""
    gone = {("deliveries", "channel"), ("attendance", "member_id"), ("attendance", "person_key")}
    found = []
    for attribute in MEMBER_ID_COLUMNS:
        column = attribute.expression
        table = column.table.name
        if table not in _DELETED_TABLES and (table, attribute.key) not in gone:
            found.append(column)
    return found


def _their_attendance(person: ErasedPerson) -> ColumnElement[bool]:
    """Their attendance rows: by their ID or e-mail, and a guest row an imported report kept
    under exactly their name (never a row of another member who shares it)."""
    guest = and_(Attendance.member_id.is_(None), func.lower(Attendance.name) == person.name.lower())
    return or_(attended_by(person.slack_id, person.email), guest)


def _needles(person: ErasedPerson, whole_name: bool) -> list[str]:
    needles = [person.slack_id, *([person.email] if person.email else [])]
    if not whole_name and person.name.strip():
        needles.append(person.name)
    # JSON text holds non-ASCII letters as \u escapes (json.dumps' default).
    needles += [json.dumps(n.lower())[1:-1] for n in needles if not n.isascii()]
    return needles


def _mentions(column: Any, person: ErasedPerson, whole_name: bool) -> ColumnElement[bool] | None:
    text = func.lower(cast(column, Text)) if isinstance(column.type, JSON) else func.lower(column)
    needles = _needles(person, whole_name)
    return or_(*(text.contains(n.lower(), autoescape=True) for n in needles)) if needles else None


def _scrubbed(value: Any, scrub: Callable[[str], str]) -> Any:
    """`value` (text, or JSON of lists, objects and text) with every string scrubbed."""
    if isinstance(value, str):
        return scrub(value)
    if isinstance(value, list):
        return [_scrubbed(v, scrub) for v in value]
    if isinstance(value, dict):
        return {scrub(str(k)): _scrubbed(v, scrub) for k, v in value.items()}
    return value
