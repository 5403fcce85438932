"""Who is who in the consortium: the caller's countries and roles, and whom to ask."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime

from scheduling.consortium.countries import flag_emoji
from scheduling.errors import FieldError
from scheduling.vocabulary import Audience, CountryRole, MemberRole
from storage.db import Database
from storage.models import Country, Member
from storage.repositories.directory import MemberRow


@dataclass(frozen=True)
class CountryRef:
    code: str
    name: str
    role: CountryRole

    @property
    def flag(self) -> str:
        return flag_emoji(self.code)

    @classmethod
    def of(cls, country: Country) -> CountryRef:
        return cls(country.code, country.name, CountryRole(country.role))


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
    roles: tuple[MemberRole, ...]
    reminder_delivery: str = "channel"
    email: str | None = None
    invitations: str = "off"  # "email": calendar invitations by e-mail to `email`
    digest_by_dm: bool = False  # the weekly digest also in a DM (opt-in)
    working_hours: str | None = None  # "09:00-17:00" local (None: the default hours)
    team_id: str | None = None  # their own Slack workspace, when the file names it (T…)
    # Since when no DM reaches them (a partner of another workspace): what would go by DM
    # reaches them privately in a shared channel instead.
    dm_unreachable_since: datetime | None = None

    @property
    def takes_mailed_invitations(self) -> bool:
        return self.invitations == "email" and self.email is not None

    @property
    def home_country(self) -> str | None:
        """The country whose public holidays the member keeps: the first they speak for."""
        return self.countries[0].code if self.countries else None

    @property
    def is_coordinator(self) -> bool:
        return MemberRole.COORDINATOR in self.roles

    def speaks_for(self, country_code: str) -> bool:
        return any(country.code == country_code for country in self.countries)

    @classmethod
    def of(cls, member: Member | MemberRow, countries: dict[str, CountryRef]) -> MemberProfile:
        return cls(
            slack_id=member.slack_id,
            name=member.name,
            timezone=member.timezone,
            countries=tuple(countries[code] for code in member.country_codes if code in countries),
            roles=tuple(MemberRole(role) for role in member.role_names),
            reminder_delivery=member.reminder_delivery or "channel",
            email=member.email,
            invitations=member.invitations or "off",
            digest_by_dm=bool(member.digest_by_dm),
            working_hours=member.working_hours,
            team_id=member.team_id,
            dm_unreachable_since=member.dm_unreachable_since,
        )


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
    # Who each audience includes, worked out once per snapshot (see `invited_ids`).
    _invited: dict[Audience, frozenset[str]] = field(
        default_factory=dict, compare=False, repr=False
    )

    def invited_ids(self, audience: Audience) -> frozenset[str]:
        """The Slack IDs of the members `audience` includes: worked out once per snapshot,
        so a digest or a Home tab counting "no answer" does not go through every member."""
        found = self._invited.get(audience)
        if found is None:
            found = frozenset(p.slack_id for p in self.profiles.values() if audience.includes(p))
            self._invited[audience] = found  # the same value if two threads race here
        return found


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

    def cached(self) -> DirectorySnapshot | None:
        """The snapshot if it is fresh enough, without touching the database."""
        snapshot = self._snapshot
        if snapshot is None or self.monotonic() - snapshot.loaded_at > self.max_age:
            return None
        return snapshot

    def load(self) -> DirectorySnapshot:
        """Read everyone from the database and keep the result."""
        with self._lock, self.database.read() as work:
            consortium = work.directory.consortium()
            countries = {c.code: CountryRef.of(c) for c in work.directory.countries()}
            profiles = {
                member.slack_id: MemberProfile.of(member, countries)
                for member in work.directory.member_rows()
            }
        coordinators = sorted(
            (PersonRef(p.slack_id, p.name) for p in profiles.values() if p.is_coordinator),
            key=lambda p: p.slack_id,
        )
        directory = Directory(
            consortium_name=consortium.name if consortium else "the consortium",
            coordinators=tuple(coordinators),
        )
        self._snapshot = DirectorySnapshot(directory, profiles, self.monotonic(), countries)
        return self._snapshot

    def invalidate(self) -> None:
        self._snapshot = None

    def set_reminder_delivery(self, slack_id: str, where: str) -> None:
        """Reminders by `dm` or in the meeting's `channel`, for one member."""
        if where not in ("dm", "channel"):
            raise FieldError(f"reminders go by dm or channel, not {where!r}", "where")
        with self.database.write() as work:
            member = work.directory.member(slack_id)
            if member is None:
                raise FieldError(f"{slack_id} is not a member", "member")
            member.reminder_delivery = where
        self.invalidate()

    def set_invitations(self, slack_id: str, how: str) -> MemberProfile:
        """Calendar invitations by `email` (to the address the consortium file gives) or
        `off`, for one member; refused with the reason when there is no address."""
        if how not in ("email", "off"):
            raise FieldError(f"invitations go by email or are off, not {how!r}", "how")
        with self.database.write() as work:
            member = work.directory.member(slack_id)
            if member is None:
                raise FieldError(f"{slack_id} is not a member", "member")
            if how == "email" and not member.email:
                raise FieldError(
                    "I have no e-mail address for you: ask a coordinator to add `email:` to your"
                    " entry in the consortium file.",
                    "email",
                )
            member.invitations = how
            countries = {c.code: CountryRef.of(c) for c in work.directory.countries()}
            profile = MemberProfile.of(member, countries)
        self.invalidate()
        return profile

    def first_contact(self, slack_id: str, at: datetime) -> bool:
        """Record `at` as the member's welcome if none is recorded: True for the one contact
        that is the first, however many race (a stranger has no row, so always False)."""
        with self.database.write() as work:
            return work.directory.mark_welcomed(slack_id, at)

    def welcome_not_sent(self, slack_id: str, at: datetime) -> None:
        """The welcome recorded `at` could not be sent: the next contact welcomes again."""
        with self.database.write() as work:
            work.directory.forget_welcome(slack_id, at)

    def set_digest(self, slack_id: str, how: str) -> MemberProfile:
        """The weekly digest also by `dm`, or `off` (the channel's only), for one member."""
        if how not in ("dm", "off"):
            raise FieldError(f"the digest comes by dm or is off, not {how!r}", "how")
        with self.database.write() as work:
            member = work.directory.member(slack_id)
            if member is None:
                raise FieldError(f"{slack_id} is not a member", "member")
            member.digest_by_dm = how == "dm"
            countries = {c.code: CountryRef.of(c) for c in work.directory.countries()}
            profile = MemberProfile.of(member, countries)
        self.invalidate()
        return profile

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

    def coordinator_names(self) -> str:
        """Whom to ask, in words: `Coordinator (FFG), Coordinator (UEFISCDI)`."""
        return ", ".join(p.name for p in self.directory().coordinators) or "a coordinator"

    def country_names(self) -> dict[str, str]:
        """Every consortium country's name by code (not only those with members)."""
        return {code: country.name for code, country in self.snapshot().countries.items()}

    def names(self) -> dict[str, str]:
        """Display names by Slack ID, for cards that name authors without mentioning them."""
        return {p.slack_id: p.name for p in self.snapshot().profiles.values()}


def audience_members(profiles: Iterable[MemberProfile], audience: Audience) -> list[MemberProfile]:
    """The members an audience includes, by name."""
    return sorted((p for p in profiles if audience.includes(p)), key=lambda p: p.name)
