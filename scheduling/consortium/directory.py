"""Who is who in the consortium: the caller's countries and roles, and whom to ask."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from scheduling.consortium.countries import flag_emoji
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
    reminder_delivery: str = "channel"

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


@dataclass(frozen=True)
class DirectorySnapshot:
    """Everyone the consortium knows, read in one go and kept in memory."""

    directory: Directory
    profiles: dict[str, MemberProfile]
    loaded_at: float
    countries: dict[str, CountryRef]


class DirectoryService:
    """Who is who, answered from an in-memory snapshot so acks need no database round trip.

    The snapshot is reloaded when older than `max_age` seconds, so members imported by another
    process are recognised within that time; an unknown user triggers an earlier reload (at
    most every `min_reload` seconds) in case they were just added.
    """

    def __init__(
        self,
        database: Database,
        *,
        max_age: float = 30.0,
        min_reload: float = 2.0,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.database = database
        self.max_age = max_age
        self.min_reload = min_reload
        self.monotonic = monotonic
        self._snapshot: DirectorySnapshot | None = None
        self._lock = threading.Lock()

    def __deepcopy__(self, memo: dict[int, object]) -> DirectoryService:
        # One service is shared by all requests and threads; a copy would copy the engine.
        return self

    def cached(self) -> DirectorySnapshot | None:
        """The snapshot if it is fresh enough, without touching the database."""
        snapshot = self._snapshot
        if snapshot is None or self.monotonic() - snapshot.loaded_at > self.max_age:
            return None
        return snapshot

    def load(self) -> DirectorySnapshot:
        """Read everyone from the database and keep the result."""
        with self._lock, self.database.read() as session:
            repository = DirectoryRepository(session)
            consortium = repository.consortium()
            countries = {c.code: CountryRef(c.code, c.name, c.role) for c in repository.countries()}
            profiles = {}
            coordinators = []
            for member in repository.members():
                profile = MemberProfile(
                    slack_id=member.slack_id,
                    name=member.name,
                    timezone=member.timezone,
                    countries=tuple(
                        countries[code] for code in member.country_codes if code in countries
                    ),
                    roles=tuple(member.role_names),
                    reminder_delivery=member.reminder_delivery or "channel",
                )
                profiles[member.slack_id] = profile
                if profile.is_coordinator:
                    coordinators.append(PersonRef(member.slack_id, member.name))
            directory = Directory(
                consortium_name=consortium.name if consortium else "the consortium",
                coordinators=tuple(sorted(coordinators, key=lambda p: p.slack_id)),
            )
            self._snapshot = DirectorySnapshot(directory, profiles, self.monotonic(), countries)
            return self._snapshot

    def invalidate(self) -> None:
        self._snapshot = None

    def set_reminder_delivery(self, slack_id: str, where: str) -> None:
        """Reminders by `dm` or in the meeting's `channel`, for one member."""
        if where not in ("dm", "channel"):
            raise ValueError(f"reminders go by dm or channel, not {where!r}")
        with self.database.write() as session:
            member = DirectoryRepository(session).member(slack_id)
            if member is None:
                raise ValueError(f"{slack_id} is not a member")
            member.reminder_delivery = where
        self.invalidate()

    def snapshot(self) -> DirectorySnapshot:
        return self.cached() or self.load()

    def profile(self, slack_id: str) -> MemberProfile | None:
        """The member behind a Slack user ID, or None for someone the consortium does not know."""
        snapshot = self.snapshot()
        profile = snapshot.profiles.get(slack_id)
        if profile is None and self.monotonic() - snapshot.loaded_at > self.min_reload:
            profile = self.load().profiles.get(slack_id)
        return profile

    def directory(self) -> Directory:
        return self.snapshot().directory

    def country_names(self) -> dict[str, str]:
        """Every consortium country's name by code (not only those with members)."""
        return {code: country.name for code, country in self.snapshot().countries.items()}

    def names(self) -> dict[str, str]:
        """Display names by Slack ID, for cards that name authors without mentioning them."""
        return {p.slack_id: p.name for p in self.snapshot().profiles.values()}
