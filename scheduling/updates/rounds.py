"""Collection rounds: a call for country updates with a due date, and who answered it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from scheduling.clock import Clock
from scheduling.consortium.directory import CountryRef
from scheduling.consortium.file import UPDATE_SECTIONS
from scheduling.updates.service import round_countries
from storage.db import Database
from storage.models import MemberRole, Round
from storage.repositories import DirectoryRepository, RoundRepository, UpdateRepository

AUDIENCE_GROUPS = ("all", "core", "supporting")


class RoundError(ValueError):
    """A refused round operation; the message says why."""


@dataclass(frozen=True)
class RoundView:
    id: int
    title: str
    opens_on: date
    due_on: date
    audience: str
    sections: tuple[str, ...]
    closed: bool


@dataclass(frozen=True)
class CountryStatus:
    country: CountryRef
    submitted_at: datetime | None
    submitted_on: date | None  # in the consortium's zone, as people count days
    updates: int
    late: bool
    overdue: bool

    @property
    def state(self) -> str:
        if self.submitted_at is None:
            return "missing, overdue" if self.overdue else "missing"
        return "late" if self.late else "submitted"


@dataclass(frozen=True)
class RoundStatus:
    round: RoundView
    countries: tuple[CountryStatus, ...]

    @property
    def missing(self) -> list[CountryStatus]:
        return [c for c in self.countries if c.submitted_at is None]


def _view(round_: Round) -> RoundView:
    return RoundView(
        id=round_.id,
        title=round_.title,
        opens_on=round_.opens_on,
        due_on=round_.due_on,
        audience=round_.audience,
        sections=tuple(round_.sections or UPDATE_SECTIONS),
        closed=round_.closed_at is not None,
    )


def parse_audience(words: list[str], known_codes: set[str]) -> str:
    """`core`, `supporting`, `all`, or country codes (`AT FI` or `AT,FI`)."""
    if not words:
        return "all"
    if len(words) == 1 and words[0].lower() in AUDIENCE_GROUPS:
        return words[0].lower()
    codes = [c.upper() for word in words for c in word.split(",") if c]
    unknown = [c for c in codes if c not in known_codes]
    if unknown:
        raise RoundError(
            f"{', '.join(unknown)} is not a consortium country; say core, supporting, all or codes"
        )
    return "countries:" + ",".join(dict.fromkeys(codes))


class RoundService:
    def __init__(self, database: Database, clock: Clock) -> None:
        self.database = database
        self.clock = clock

    def __deepcopy__(self, memo: dict[int, object]) -> RoundService:
        return self  # shared by all requests, like the engine it holds

    def today(self) -> date:
        with self.database.read() as session:
            consortium = DirectoryRepository(session).consortium()
            zone = consortium.timezone if consortium else "UTC"
        return self.clock.now().astimezone(ZoneInfo(zone)).date()

    def open(self, title: str, due: date, audience_words: list[str], created_by: str) -> RoundView:
        title = title.strip()
        if not title or len(title) > 200:
            raise RoundError("A round needs a title of 1 to 200 characters, in quotes.")
        today = self.today()
        if due < today:
            raise RoundError(f"The due date {due:%Y-%m-%d} is in the past.")
        with self.database.write() as session:
            rounds = RoundRepository(session)
            if rounds.by_title(title) is not None:
                raise RoundError(f"There is already a round called “{title}”.")
            codes = {c.code for c in DirectoryRepository(session).countries()}
            round_ = Round(
                title=title,
                opens_on=today,
                due_on=due,
                audience=parse_audience(audience_words, codes),
                sections=list(UPDATE_SECTIONS),
                created_at=self.clock.now(),
                created_by=created_by,
            )
            session.add(round_)
            session.flush()
            return _view(round_)

    def resolve(self, reference: str | None) -> RoundView:
        """A round by number or title; without one, the open round opened last."""
        with self.database.read() as session:
            rounds = RoundRepository(session)
            if reference is None:
                open_rounds = rounds.open_rounds()
                if not open_rounds:
                    raise RoundError("No round is open; name one by its number or title.")
                return _view(open_rounds[0])
            text = reference.strip().lstrip("#")
            found = (
                rounds.get(int(text))
                if text.isdecimal() and text.isascii()
                else rounds.by_title(reference.strip())
            )
            if found is None:
                raise RoundError(
                    f"There is no round {reference!r}; `/round status` shows the open one."
                )
            return _view(found)

    def open_rounds(self) -> list[RoundView]:
        with self.database.read() as session:
            return [_view(r) for r in RoundRepository(session).open_rounds()]

    def close(self, round_id: int) -> RoundView:
        with self.database.write() as session:
            round_ = RoundRepository(session).get(round_id)
            if round_ is None:
                raise RoundError(f"There is no round #{round_id}.")
            if round_.closed_at is not None:
                raise RoundError(f"The round “{round_.title}” is already closed.")
            round_.closed_at = self.clock.now()
            return _view(round_)

    def status(self, round_id: int) -> RoundStatus:
        today = self.today()
        with self.database.read() as session:
            round_ = RoundRepository(session).get(round_id)
            if round_ is None:
                raise RoundError(f"There is no round #{round_id}.")
            directory = DirectoryRepository(session)
            consortium = directory.consortium()
            zone = ZoneInfo(consortium.timezone if consortium else "UTC")
            updates = UpdateRepository(session).in_round(round_id)
            rows = []
            for code in round_countries(session, round_):
                country = directory.country(code)
                if country is None:
                    continue
                mine = [u for u in updates if u.country_code == code]
                first = min((u.created_at for u in mine), default=None)
                rows.append(
                    CountryStatus(
                        country=CountryRef(country.code, country.name, country.role),
                        submitted_at=first,
                        submitted_on=first.astimezone(zone).date() if first else None,
                        updates=len(mine),
                        late=first is not None and first.astimezone(zone).date() > round_.due_on,
                        overdue=today > round_.due_on,
                    )
                )
            return RoundStatus(_view(round_), tuple(sorted(rows, key=lambda r: r.country.name)))

    def partners(self, country_codes: list[str]) -> dict[str, list[str]]:
        """Whom to ask for each country: its partners and ambassadors, else any member of it."""
        with self.database.read() as session:
            found: dict[str, list[str]] = {code: [] for code in country_codes}
            fallback: dict[str, list[str]] = {code: [] for code in country_codes}
            for member in DirectoryRepository(session).members():
                for code in member.country_codes:
                    if code not in found:
                        continue
                    fallback[code].append(member.slack_id)
                    if {MemberRole.PARTNER, MemberRole.AMBASSADOR} & set(member.role_names):
                        found[code].append(member.slack_id)
            return {code: found[code] or fallback[code] for code in country_codes}

    def countries_of(self, round_id: int) -> list[str]:
        with self.database.read() as session:
            round_ = RoundRepository(session).get(round_id)
            if round_ is None:
                raise RoundError(f"There is no round #{round_id}.")
            return round_countries(session, round_)
