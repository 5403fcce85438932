"""Updates and rounds as plain values, and how far a round has got, from stored rows."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Protocol
from zoneinfo import ZoneInfo

from scheduling.clock import Clock
from scheduling.consortium.directory import CountryRef
from scheduling.errors import FieldError
from scheduling.vocabulary import FIELDS, SECTIONS, Audience, MemberRole, UpdateField
from storage.models import CountryUpdate, Member, Round
from storage.repositories import UnitOfWork
from storage.repositories.directory import MemberRow

if TYPE_CHECKING:
    from scheduling.nudges.status import RoundCalendar


class UpdateError(FieldError):
    """A refused update; the message says why, for the person who tried."""


@dataclass(frozen=True)
class RoundRef:
    id: int
    title: str


@dataclass(frozen=True)
class UpdateView:
    id: int
    country: CountryRef
    round: RoundRef | None
    author_id: str
    fields: dict[UpdateField, str]
    created_at: datetime
    updated_at: datetime
    posted_channel: str | None = None
    posted_ts: str | None = None
    revisions: int = 0
    version: int = 1

    @property
    def filled(self) -> list[UpdateField]:
        return [name for name in FIELDS if self.fields.get(name, "").strip()]

    @property
    def first_line(self) -> str:
        return first_line(self.fields)


def first_line(fields: Mapping[UpdateField, str]) -> str:
    """What sums an update up in a list: the first line of its note, else of its first
    filled section."""
    for name in (UpdateField.NOTE, *SECTIONS):
        text = fields.get(name, "").strip()
        if text:
            return text.splitlines()[0]
    return ""


@dataclass(frozen=True)
class UpdateLine:
    """An update as the digest lists it: its first line, linked to its card."""

    id: int
    country: CountryRef
    first_line: str
    posted_channel: str | None
    posted_ts: str | None


@dataclass(frozen=True)
class UpdateDraft:
    country_code: str
    round_id: int | None
    fields: dict[UpdateField, str] = field(default_factory=dict)
    # The country's open actions answered done in the form: item id -> note.
    done_actions: dict[int, str] = field(default_factory=dict)


def to_view(update: CountryUpdate) -> UpdateView:
    """The update as plain values (its country, round and revisions are loaded with it)."""
    round_ = update.round
    return UpdateView(
        id=update.id,
        country=CountryRef.of(update.country),
        round=RoundRef(round_.id, round_.title) if round_ is not None else None,
        author_id=update.author_id,
        fields={name: getattr(update, name) or "" for name in FIELDS},
        created_at=update.created_at,
        updated_at=update.updated_at,
        posted_channel=update.posted_channel,
        posted_ts=update.posted_ts,
        revisions=len(update.revisions),
        version=update.version,
    )


@dataclass(frozen=True)
class RoundView:
    id: int
    title: str
    opens_on: date
    due_on: date
    audience: Audience
    sections: tuple[UpdateField, ...]
    closed: bool
    closed_at: datetime | None = None
    version: int = 0  # raised by each closing and reopening

    @classmethod
    def of(cls, round_: Round) -> RoundView:
        return cls(
            id=round_.id,
            title=round_.title,
            opens_on=round_.opens_on,
            due_on=round_.due_on,
            audience=Audience.from_stored(round_.audience),
            sections=tuple(UpdateField(s) for s in round_.sections or SECTIONS),
            closed=round_.closed_at is not None,
            closed_at=round_.closed_at,
            version=round_.version or 0,
        )


@dataclass(frozen=True)
class CountryStatus:
    country: CountryRef
    submitted_at: datetime | None
    submitted_on: date | None  # in the consortium's zone, as people count days
    updates: int
    late: bool
    overdue: bool
    listed: bool = True  # False: nobody in the consortium file speaks for the country

    @property
    def state(self) -> str:
        if self.submitted_at is None:
            return "missing, overdue" if self.overdue else "missing"
        return "late" if self.late else "submitted"


@dataclass(frozen=True)
class RoundStatus:
    round: RoundView
    countries: tuple[CountryStatus, ...]
    # Nudges, working days left and who is away (`/round status`; None elsewhere).
    calendar: RoundCalendar | None = None

    @property
    def missing(self) -> list[CountryStatus]:
        """Countries that have not answered, but those whose every asked member is away on
        the due date (`away`)."""
        return [c for c in self.countries if c.submitted_at is None and not self._away(c)]

    @property
    def away(self) -> list[CountryStatus]:
        """Countries that have not answered and whose every asked member is away then."""
        return [c for c in self.countries if c.submitted_at is None and self._away(c)]

    def _away(self, row: CountryStatus) -> bool:
        if self.calendar is None:
            return False
        country = self.calendar.countries.get(row.country.code)
        return country is not None and country.all_away

    @property
    def unlisted(self) -> list[CountryStatus]:
        """Countries still missing that have no member listed, so nobody can be asked."""
        return [c for c in self.missing if not c.listed]


class Submitted(Protocol):
    """What a round's status needs of an update: which round, which country, when."""

    @property
    def round_id(self) -> int | None: ...

    @property
    def country_code(self) -> str: ...

    @property
    def created_at(self) -> datetime: ...


def round_status(
    round_: RoundView,
    updates: Sequence[Submitted],
    countries: Mapping[str, CountryRef],
    zone: str,
    today: date,
    listed: Collection[str] | None = None,
) -> RoundStatus:
    """Each asked country's state: submitted (first update when), late, or missing; and
    whether anyone is listed for it (`listed`: the codes with members; None: all are)."""
    tz = ZoneInfo(zone)
    roles = {code: country.role for code, country in countries.items()}
    rows = []
    for code in round_.audience.countries(roles):
        country = countries.get(code)
        if country is None:
            continue
        mine = [u for u in updates if u.country_code == code and u.round_id == round_.id]
        first = min((u.created_at for u in mine), default=None)
        rows.append(
            CountryStatus(
                country=country,
                submitted_at=first,
                submitted_on=first.astimezone(tz).date() if first else None,
                updates=len(mine),
                late=first is not None and first.astimezone(tz).date() > round_.due_on,
                overdue=today > round_.due_on,
                listed=listed is None or code in listed,
            )
        )
    return RoundStatus(round_, tuple(sorted(rows, key=lambda r: r.country.name)))


def consortium_today(work: UnitOfWork, clock: Clock) -> tuple[str, date]:
    """The consortium's zone and today's date there, as people count days."""
    consortium = work.directory.consortium()
    zone = consortium.timezone if consortium else "UTC"
    return zone, clock.now().astimezone(ZoneInfo(zone)).date()


def statuses(work: UnitOfWork, clock: Clock, rounds: Sequence[Round]) -> list[RoundStatus]:
    """The status of each round, read with one query for all their updates."""
    zone, today = consortium_today(work, clock)
    countries = {c.code: CountryRef.of(c) for c in work.directory.countries()}
    updates = work.updates.submissions([r.id for r in rounds])
    listed = work.directory.countries_with_members()
    return [round_status(RoundView.of(r), updates, countries, zone, today, listed) for r in rounds]


def asked_members(
    members: Iterable[Member | MemberRow], codes: Collection[str]
) -> dict[str, tuple[str, ...]]:
    """Whom a round asks for each of `codes`: the country's partners and ambassadors, else
    any member of it (requests, reminders and nudges all ask them)."""
    chosen: dict[str, list[str]] = {code: [] for code in codes}
    fallback: dict[str, list[str]] = {code: [] for code in codes}
    for member in members:
        for code in member.country_codes:
            if code not in chosen:
                continue
            fallback[code].append(member.slack_id)
            if {MemberRole.PARTNER, MemberRole.AMBASSADOR} & set(member.role_names):
                chosen[code].append(member.slack_id)
    return {code: tuple(chosen[code] or fallback[code]) for code in codes}
