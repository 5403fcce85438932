"""Who is who in the consortium: the caller's countries and roles, and whom to ask."""

from __future__ import annotations

from dataclasses import dataclass

from scheduling.countries import flag_emoji
from storage.db import Database
from storage.models import MemberRole
from storage.repositories import DirectoryRepository


@dataclass(frozen=True)
class CountryRef:
    code: str
    name: str
    role: str

    @property
    def flag(self) -> str:
        return flag_emoji(self.code)


@dataclass(frozen=True)
class PersonRef:
    slack_id: str
    name: str


@dataclass(frozen=True)
class MemberProfile:
    """A consortium member as the rest of the bot needs them: plain values, no session."""

    slack_id: str
    name: str
    timezone: str
    countries: tuple[CountryRef, ...]
    roles: tuple[str, ...]

    @property
    def is_coordinator(self) -> bool:
        return MemberRole.COORDINATOR in self.roles

    def speaks_for(self, country_code: str) -> bool:
        return any(country.code == country_code for country in self.countries)


@dataclass(frozen=True)
class Directory:
    """The consortium's name and coordinators, for greetings and "whom to ask" replies."""

    consortium_name: str
    coordinators: tuple[PersonRef, ...]


class DirectoryService:
    def __init__(self, database: Database) -> None:
        self.database = database

    def __deepcopy__(self, memo: dict[int, object]) -> DirectoryService:
        # One service is shared by all requests and threads; a copy would copy the engine.
        return self

    def profile(self, slack_id: str) -> MemberProfile | None:
        """The member behind a Slack user ID, or None for someone the consortium does not know."""
        with self.database.read() as session:
            repository = DirectoryRepository(session)
            member = repository.member(slack_id)
            if member is None:
                return None
            countries = []
            for link in member.countries:
                country = repository.country(link.country_code)
                if country is not None:
                    countries.append(CountryRef(country.code, country.name, country.role))
            return MemberProfile(
                slack_id=member.slack_id,
                name=member.name,
                timezone=member.timezone,
                countries=tuple(countries),
                roles=tuple(member.role_names),
            )

    def directory(self) -> Directory:
        with self.database.read() as session:
            repository = DirectoryRepository(session)
            consortium = repository.consortium()
            coordinators = repository.members_with_role(MemberRole.COORDINATOR)
            return Directory(
                consortium_name=consortium.name if consortium else "the consortium",
                coordinators=tuple(PersonRef(m.slack_id, m.name) for m in coordinators),
            )
