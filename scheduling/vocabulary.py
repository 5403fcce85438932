"""The consortium's words, each defined once: kinds of meeting, update fields, roles, weekdays,
answers, audiences and the digest's schedule.

Each is parsed once, at the edge (the consortium file or a command), with one error for a bad
value; inside the bot they travel as these values, never as strings to be read again.
"""

from __future__ import annotations

import enum
import functools
import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import ClassVar, Protocol
from zoneinfo import ZoneInfo

from scheduling.errors import FieldError


class VocabularyError(FieldError):
    """A word that is not in the consortium's vocabulary; the message lists what is."""


def _one_of(members: Sequence[enum.StrEnum]) -> str:
    return ", ".join(str(m) for m in members)


class MeetingKind(enum.StrEnum):
    JOUR_FIXE = "jour-fixe"
    CONSORTIUM = "consortium"
    CORE_TEAM = "core-team"
    PHYSICAL = "physical"
    WEBINAR = "webinar"
    WORKSHOP = "workshop"

    @classmethod
    def parse(cls, text: str) -> MeetingKind:
        try:
            return cls(text.strip().lower())
        except ValueError:
            raise VocabularyError(
                f"{text!r} is not a kind of meeting: {_one_of(list(cls))}", "kind"
            ) from None

    @property
    def label(self) -> str:
        return _KIND_LABELS[self]

    @property
    def default_audience(self) -> Audience:
        return {
            MeetingKind.JOUR_FIXE: Audience.CORE,
            MeetingKind.CORE_TEAM: Audience.WP_LEAD,
        }.get(self, Audience.ALL)

    @property
    def default_reminders(self) -> tuple[int, ...]:
        """Minutes before each occurrence, longest first."""
        day, hour = 24 * 60, 60
        return {
            MeetingKind.CORE_TEAM: (15,),
            MeetingKind.JOUR_FIXE: (day, hour),
            MeetingKind.PHYSICAL: (14 * day, day),
            MeetingKind.WORKSHOP: (day,),
        }.get(self, (7 * day, day, hour))


_KIND_LABELS = {
    MeetingKind.JOUR_FIXE: "Jour fixe",
    MeetingKind.CONSORTIUM: "Consortium meeting",
    MeetingKind.CORE_TEAM: "Core-team meeting",
    MeetingKind.PHYSICAL: "Physical meeting",
    MeetingKind.WEBINAR: "Webinar",
    MeetingKind.WORKSHOP: "Workshop",
}


class UpdateField(enum.StrEnum):
    """What a country update holds: the five sections a round asks for, links and a note."""

    ACHIEVEMENTS = "achievements"
    CHALLENGES = "challenges"
    OBJECTIVES = "objectives"
    NEEDS = "needs"
    EVENTS = "events"
    LINKS = "links"
    NOTE = "note"

    @classmethod
    def parse_section(cls, text: str) -> UpdateField:
        found = cls.__members__.get(text.strip().upper())
        if found is None or found not in SECTIONS:
            raise VocabularyError(
                f"section {text!r} must be one of {_one_of(SECTIONS)}", "sections"
            ) from None
        return found

    @property
    def label(self) -> str:
        return _FIELD_LABELS[self]


SECTIONS: tuple[UpdateField, ...] = (
    UpdateField.ACHIEVEMENTS,
    UpdateField.CHALLENGES,
    UpdateField.OBJECTIVES,
    UpdateField.NEEDS,
    UpdateField.EVENTS,
)
FIELDS: tuple[UpdateField, ...] = tuple(UpdateField)
_FIELD_LABELS = {
    UpdateField.ACHIEVEMENTS: "Achievements",
    UpdateField.CHALLENGES: "Challenges",
    UpdateField.OBJECTIVES: "Planned objectives and actions",
    UpdateField.NEEDS: "Needs from the consortium",
    UpdateField.EVENTS: "Upcoming national events",
    UpdateField.LINKS: "Links",
    UpdateField.NOTE: "Note",
}


class MemberRole(enum.StrEnum):
    COORDINATOR = "coordinator"
    WP_LEAD = "wp-lead"
    PARTNER = "partner"
    AMBASSADOR = "ambassador"

    @classmethod
    def parse(cls, text: str) -> MemberRole:
        try:
            return cls(text.strip().lower())
        except ValueError:
            raise VocabularyError(
                f"role {text!r} must be one of {_one_of(list(cls))}", "roles"
            ) from None

    @property
    def label(self) -> str:
        return _ROLE_LABELS[self]


_ROLE_LABELS = {
    MemberRole.COORDINATOR: "coordinator",
    MemberRole.WP_LEAD: "work-package lead",
    MemberRole.PARTNER: "country partner",
    MemberRole.AMBASSADOR: "national ambassador",
}


class CountryRole(enum.StrEnum):
    CORE = "core"
    SUPPORTING = "supporting"

    @classmethod
    def parse(cls, text: str) -> CountryRole:
        try:
            return cls(text.strip().lower())
        except ValueError:
            raise VocabularyError(
                f"country role {text!r} must be core or supporting", "role"
            ) from None


class Weekday(enum.StrEnum):
    MONDAY = "monday"
    TUESDAY = "tuesday"
    WEDNESDAY = "wednesday"
    THURSDAY = "thursday"
    FRIDAY = "friday"
    SATURDAY = "saturday"
    SUNDAY = "sunday"

    @classmethod
    def parse(cls, word: str) -> Weekday:
        """`tuesday` or `tuesdays`, in any case."""
        try:
            return cls(word.strip().lower().rstrip("s"))
        except ValueError:
            raise VocabularyError(
                f"cannot read {word!r} as a weekday (monday … sunday)", "weekday"
            ) from None

    @classmethod
    def of(cls, day: date) -> Weekday:
        """The weekday of a date."""
        return list(cls)[day.weekday()]

    @classmethod
    def from_code(cls, code: str) -> Weekday:
        return list(cls)[_WEEKDAY_CODES.index(code)]

    @property
    def number(self) -> int:
        """Monday is 0, as `date.weekday()` counts."""
        return list(Weekday).index(self)

    @property
    def code(self) -> str:
        """The RFC 5545 two-letter code (MO … SU)."""
        return _WEEKDAY_CODES[self.number]


_WEEKDAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


class RsvpAnswer(enum.StrEnum):
    GOING = "going"
    NOT_GOING = "not_going"
    MAYBE = "maybe"

    @property
    def label(self) -> str:
        return {"going": "Going", "not_going": "Not going", "maybe": "Maybe"}[self.value]


class AudienceMember(Protocol):
    """What an audience needs to know of a member: their roles and countries."""

    @property
    def roles(self) -> Sequence[str]: ...

    @property
    def countries(self) -> Sequence[AudienceCountry]: ...


class AudienceCountry(Protocol):
    @property
    def code(self) -> str: ...

    @property
    def role(self) -> str: ...


_COUNTRIES_PREFIX = "countries:"


@dataclass(frozen=True)
class Audience:
    """Whom a meeting, a round or a feed is for: everyone, core or supporting countries,
    work-package leads, or a list of countries. Stored as `all` … or `countries:AT,FI`."""

    group: str | None
    codes: tuple[str, ...] = ()

    ALL: ClassVar[Audience]  # the four groups are set below the class
    CORE: ClassVar[Audience]
    SUPPORTING: ClassVar[Audience]
    WP_LEAD: ClassVar[Audience]

    @classmethod
    def of_countries(cls, codes: Sequence[str]) -> Audience:
        return cls(None, tuple(dict.fromkeys(code.upper() for code in codes)))

    @classmethod
    def parse(
        cls, words: Sequence[str], known_codes: Collection[str], *, countries_only: bool = False
    ) -> Audience:
        """`all`, `core`, `supporting`, `wp-lead` (not for rounds, which ask countries), or
        country codes (`AT FI` or `AT,FI`); nothing means everyone."""
        groups = _COUNTRY_GROUPS if countries_only else _GROUPS
        if not words:
            return cls.ALL
        if len(words) == 1 and words[0].strip().lower() in groups:
            return cls(words[0].strip().lower())
        codes = [c.strip().upper() for word in words for c in word.split(",") if c.strip()]
        unknown = [code for code in codes if code not in known_codes]
        if unknown:
            raise VocabularyError(
                f"{', '.join(unknown)} is not a consortium country; "
                f"say {', '.join(groups)} or country codes",
                "audience",
            )
        return cls.of_countries(codes)

    @classmethod
    def from_stored(cls, text: str) -> Audience:
        return _stored_audience(text)

    def stored(self) -> str:
        return self.group if self.group is not None else _COUNTRIES_PREFIX + ",".join(self.codes)

    def __str__(self) -> str:
        return self.stored()

    def includes(self, member: AudienceMember) -> bool:
        """Whether a member is in this audience."""
        if self.group == "all":
            return True
        if self.group in (CountryRole.CORE, CountryRole.SUPPORTING):
            return any(country.role == self.group for country in member.countries)
        if self.group == "wp-lead":
            # Coordinators lead the core team's work too, and get the wp-lead feed for it.
            return MemberRole.WP_LEAD in member.roles or MemberRole.COORDINATOR in member.roles
        return any(country.code in self.codes for country in member.countries)

    def countries(self, country_roles: Mapping[str, str]) -> list[str]:
        """The country codes this audience asks, given every country's role by code."""
        if self.group is None:
            return list(self.codes)
        if self.group in (CountryRole.CORE, CountryRole.SUPPORTING):
            return [code for code, role in country_roles.items() if role == self.group]
        return list(country_roles)

    def belongs_in_feed(self, feed: Audience, country_roles: Mapping[str, str]) -> bool:
        """Whether something for this audience is listed in `feed`; the `all` feed has all."""
        if feed.group == "all" or self.group == "all" or self == feed:
            return True
        if self.group is None:
            return any(country_roles.get(code) == feed.group for code in self.codes)
        return False

    @property
    def words(self) -> str:
        """For people: `core countries`, `AT, FI`."""
        if self.group is None:
            return ", ".join(self.codes)
        return _GROUP_WORDS.get(self.group, self.group)

    @property
    def label(self) -> str:
        """A feed's title for this audience: `Core countries`."""
        return _GROUP_LABELS.get(self.group or "", self.words)


@functools.lru_cache(maxsize=1024)
def _stored_audience(text: str) -> Audience:
    # Read for every series and round loaded: the few distinct audiences are parsed once.
    if text.startswith(_COUNTRIES_PREFIX):
        return Audience.of_countries(
            [c for c in text.removeprefix(_COUNTRIES_PREFIX).split(",") if c]
        )
    return Audience(text)


_GROUPS = ("all", "core", "supporting", "wp-lead")
_COUNTRY_GROUPS = ("all", "core", "supporting")
_GROUP_WORDS = {
    "all": "everyone",
    "core": "core countries",
    "supporting": "supporting countries",
    "wp-lead": "work-package and task leaders",
}
_GROUP_LABELS = {
    "all": "Whole consortium",
    "core": "Core countries",
    "supporting": "Supporting countries",
    "wp-lead": "Work-package and task leaders",
}
Audience.ALL = Audience("all")
Audience.CORE = Audience("core")
Audience.SUPPORTING = Audience("supporting")
Audience.WP_LEAD = Audience("wp-lead")
FEED_AUDIENCES = (Audience.ALL, Audience.CORE, Audience.SUPPORTING, Audience.WP_LEAD)

_WEEKLY_TIME = re.compile(r"\s*([a-z]+)\s+(\d{1,2}):(\d{2})\s*")


@dataclass(frozen=True)
class DigestSchedule:
    """When the weekly digest goes out, in the consortium's zone: `monday 09:00`."""

    weekday: Weekday
    hour: int
    minute: int

    DEFAULT: ClassVar[DigestSchedule]  # monday 09:00, set below the class

    @classmethod
    def parse(cls, text: str) -> DigestSchedule:
        match = _WEEKLY_TIME.fullmatch(text.lower())
        if (
            match is None
            or match[1] not in Weekday.__members__.values()
            or int(match[2]) > 23
            or int(match[3]) > 59
        ):
            raise VocabularyError(
                f"cannot read {text!r}: say a weekday and a time, e.g. 'monday 09:00'", "every"
            )
        return cls(Weekday(match[1]), int(match[2]), int(match[3]))

    def __str__(self) -> str:
        return f"{self.weekday} {self.hour:02d}:{self.minute:02d}"

    def this_week(self, now: datetime, zone: str) -> datetime:
        """The digest instant of the week (Monday to Sunday, in `zone`) that holds `now`."""
        tz = ZoneInfo(zone)
        today = now.astimezone(tz).date()
        day = today - timedelta(days=today.weekday()) + timedelta(days=self.weekday.number)
        return datetime(day.year, day.month, day.day, self.hour, self.minute, tzinfo=tz)

    def next_after(self, now: datetime, zone: str) -> datetime:
        """The first digest instant after `now`."""
        this_week = self.this_week(now, zone)
        return this_week if this_week > now else self.this_week(now + timedelta(days=7), zone)


DigestSchedule.DEFAULT = DigestSchedule(Weekday.MONDAY, 9, 0)
