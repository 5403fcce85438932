"""The consortium file (YAML): read, validate completely, and report every problem by line.

The file is checked as a whole before anything is stored, so a file with one error changes
nothing. Values are read as plain strings (no YAML 1.1 guessing: Norway's `NO` stays a code,
`2024-01-04` stays a date we parse ourselves).
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml

from scheduling.consortium.countries import EU_ALIASES, ISO_3166_ALPHA2
from scheduling.durations import parse_duration_minutes
from scheduling.meetings.recurrence import (
    RepeatError,
    WallClockError,
    check_series_wall_clock,
    normalise_until,
    parse_repeat,
    starts_on_rule,
)

MEETING_KINDS = ("jour-fixe", "consortium", "core-team", "physical", "webinar", "workshop")
MEMBER_ROLES = ("coordinator", "wp-lead", "partner", "ambassador")
COUNTRY_ROLES = ("core", "supporting")
AUDIENCE_GROUPS = ("all", "core", "supporting", "wp-lead")
UPDATE_SECTIONS = ("achievements", "challenges", "objectives", "needs", "events")
WEEKDAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
DEFAULT_DIGEST_EVERY = "monday 09:00"

_SLACK_USER_ID = re.compile(r"[UW][A-Z0-9]{2,}")
_SLACK_CHANNEL_ID = re.compile(r"[CGD][A-Z0-9]{2,}")


@dataclass(frozen=True)
class Problem:
    file: str
    line: int
    reason: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.reason}"


class ConsortiumFileError(Exception):
    """The file was rejected; `problems` lists every reason, each with its line."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


@dataclass(frozen=True)
class CountrySpec:
    code: str
    name: str
    role: str


@dataclass(frozen=True)
class MemberSpec:
    slack_id: str
    name: str
    countries: tuple[str, ...]
    roles: tuple[str, ...]
    timezone: str


@dataclass(frozen=True)
class MeetingSpec:
    key: str
    kind: str
    title: str
    rrule: str | None
    starts_local: datetime
    all_day: bool
    duration_minutes: int | None
    ends_local: datetime | None
    timezone: str
    location: str | None
    join_url: str | None
    channel_purpose: str | None
    audience: str
    reminder_minutes: tuple[int, ...]


@dataclass(frozen=True)
class RoundSpec:
    title: str
    opens_on: date
    due_on: date
    audience: str
    sections: tuple[str, ...]


@dataclass(frozen=True)
class ConsortiumSpec:
    name: str
    timezone: str
    channels: dict[str, str]
    digest_channel: str | None
    digest_every: str
    countries: tuple[CountrySpec, ...] = ()
    members: tuple[MemberSpec, ...] = ()
    meetings: tuple[MeetingSpec, ...] = ()
    rounds: tuple[RoundSpec, ...] = ()


class _Mapping(dict[str, Any]):
    """A YAML mapping that remembers the line of itself and of each key."""

    line: int = 0
    key_lines: dict[str, int]


class _LineLoader(yaml.BaseLoader):
    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> _Mapping:  # type: ignore[override]
        mapping = _Mapping()
        mapping.line = node.start_mark.line + 1
        mapping.key_lines = {}
        for key_node, value_node in node.value:
            key = self.construct_object(key_node, deep=True)
            if not isinstance(key, str):
                raise yaml.constructor.ConstructorError(
                    None, None, "keys must be plain words", key_node.start_mark
                )
            if key in mapping:
                raise yaml.constructor.ConstructorError(
                    None, None, f"key {key!r} appears twice", key_node.start_mark
                )
            mapping[key] = self.construct_object(value_node, deep=True)
            mapping.key_lines[key] = key_node.start_mark.line + 1
        return mapping


_LineLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG,
    _LineLoader.construct_mapping,
)


def load_consortium_file(path: Path) -> ConsortiumSpec:
    """Read and validate `path`; raise ConsortiumFileError listing every problem."""
    name = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConsortiumFileError([Problem(name, 0, "no such file")]) from None
    except (OSError, UnicodeDecodeError) as error:
        raise ConsortiumFileError([Problem(name, 0, f"cannot read the file: {error}")]) from None
    return parse_consortium_text(text, name)


def parse_consortium_text(text: str, file_name: str = "<consortium file>") -> ConsortiumSpec:
    """Validate the YAML text of a consortium file."""
    try:
        document = yaml.load(text, Loader=_LineLoader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else 0
        raise ConsortiumFileError(
            [Problem(file_name, line, f"not valid YAML: {error.problem or error}")]
        ) from None
    except yaml.YAMLError as error:
        raise ConsortiumFileError([Problem(file_name, 0, f"not valid YAML: {error}")]) from None
    return _Validator(file_name).validate(document)


class _Validator:
    def __init__(self, file_name: str) -> None:
        self.file = file_name
        self.problems: list[Problem] = []

    def problem(self, line: int, reason: str) -> None:
        self.problems.append(Problem(self.file, line, reason))

    # -- generic field readers -------------------------------------------------------------

    def known_keys(self, mapping: _Mapping, allowed: tuple[str, ...], where: str) -> None:
        for key in mapping:
            if key not in allowed:
                hint = difflib.get_close_matches(key, allowed, n=1)
                suggestion = f" (did you mean {hint[0]!r}?)" if hint else ""
                self.problem(mapping.key_lines[key], f"unknown key {key!r} in {where}{suggestion}")

    def text(self, mapping: _Mapping, key: str, where: str, *, required: bool = True) -> str | None:
        value = mapping.get(key)
        line = mapping.key_lines.get(key, mapping.line)
        if value is None or value == "":
            if required:
                self.problem(line, f"{where} needs {key!r}")
            return None
        if not isinstance(value, str):
            self.problem(line, f"{key!r} in {where} must be a single value")
            return None
        return value.strip()

    def string_list(self, mapping: _Mapping, key: str, where: str) -> list[str] | None:
        value = mapping.get(key)
        if value is None:
            return None
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        if isinstance(value, list) and all(isinstance(item, str) for item in value):
            return [item.strip() for item in value]
        self.problem(mapping.key_lines[key], f"{key!r} in {where} must be a list of words")
        return None

    def line_of(self, mapping: _Mapping, key: str) -> int:
        return mapping.key_lines.get(key, mapping.line)

    def zone(self, mapping: _Mapping, key: str, where: str, default: str) -> str:
        name = self.text(mapping, key, where, required=False)
        if name is None:
            return default
        try:
            ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            self.problem(
                self.line_of(mapping, key),
                f"{name!r} is not a time zone (use an IANA name such as Europe/Vienna)",
            )
            return default
        return name

    def entries(self, document: _Mapping, key: str) -> list[_Mapping]:
        value = document.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            self.problem(self.line_of(document, key), f"{key!r} must be a list")
            return []
        good = []
        for item in value:
            if isinstance(item, _Mapping):
                good.append(item)
            else:
                self.problem(
                    self.line_of(document, key), f"each entry of {key!r} must be a mapping"
                )
        return good

    # -- sections --------------------------------------------------------------------------

    def validate(self, document: Any) -> ConsortiumSpec:
        if not isinstance(document, _Mapping):
            self.problem(1, "the file must be a mapping with a 'consortium' section")
            raise ConsortiumFileError(self.problems)
        self.known_keys(
            document, ("consortium", "countries", "members", "meetings", "rounds"), "the file"
        )
        header = document.get("consortium")
        if not isinstance(header, _Mapping):
            self.problem(
                self.line_of(document, "consortium"), "the file needs a 'consortium' section"
            )
            raise ConsortiumFileError(self.problems)
        name, zone, channels, digest_channel, digest_every = self.header(header)
        countries = self.countries(self.entries(document, "countries"))
        country_roles = {c.code: c.role for c in countries}
        members = self.members(self.entries(document, "members"), country_roles, zone)
        meetings = self.meetings(self.entries(document, "meetings"), zone, channels, country_roles)
        rounds = self.rounds(self.entries(document, "rounds"), country_roles)
        if self.problems:
            raise ConsortiumFileError(self.problems)
        return ConsortiumSpec(
            name=name or "",
            timezone=zone,
            channels=channels,
            digest_channel=digest_channel,
            digest_every=digest_every,
            countries=tuple(countries),
            members=tuple(members),
            meetings=tuple(meetings),
            rounds=tuple(rounds),
        )

    def header(self, header: _Mapping) -> tuple[str | None, str, dict[str, str], str | None, str]:
        where = "the consortium section"
        self.known_keys(header, ("name", "timezone", "channels", "digest"), where)
        name = self.text(header, "name", where)
        zone = self.zone(header, "timezone", where, "Europe/Brussels")
        channels: dict[str, str] = {}
        raw_channels = header.get("channels")
        if raw_channels is not None and not isinstance(raw_channels, _Mapping):
            self.problem(
                self.line_of(header, "channels"), "'channels' must map purposes to channel IDs"
            )
        elif isinstance(raw_channels, _Mapping):
            for purpose, channel_id in raw_channels.items():
                line = raw_channels.key_lines[purpose]
                if not isinstance(channel_id, str) or not _SLACK_CHANNEL_ID.fullmatch(channel_id):
                    self.problem(
                        line, f"channel {purpose!r} needs a Slack channel ID such as C0123ABCD"
                    )
                else:
                    channels[purpose] = channel_id
        digest_channel: str | None = None
        digest_every = DEFAULT_DIGEST_EVERY
        digest = header.get("digest")
        if isinstance(digest, _Mapping):
            self.known_keys(digest, ("channel", "every"), "the digest section")
            digest_channel = self.text(digest, "channel", "the digest section", required=False)
            if digest_channel is not None and digest_channel not in channels:
                self.problem(
                    self.line_of(digest, "channel"),
                    f"digest channel {digest_channel!r} is not one of the channels: {_list(channels)}",
                )
            every = self.text(digest, "every", "the digest section", required=False)
            if every is not None:
                if _parse_weekly_time(every) is None:
                    self.problem(
                        self.line_of(digest, "every"),
                        f"cannot read {every!r}: say a weekday and a time, e.g. 'monday 09:00'",
                    )
                else:
                    digest_every = every.lower()
        elif digest is not None:
            self.problem(self.line_of(header, "digest"), "'digest' must have 'channel' and 'every'")
        return name, zone, channels, digest_channel, digest_every

    def countries(self, entries: list[_Mapping]) -> list[CountrySpec]:
        found: dict[str, CountrySpec] = {}
        first_line: dict[str, int] = {}
        for entry in entries:
            where = f"the country on line {entry.line}"
            self.known_keys(entry, ("code", "name", "role"), where)
            code = (self.text(entry, "code", where) or "").upper()
            name = self.text(entry, "name", where)
            role = (self.text(entry, "role", where) or "").lower()
            if code and code not in ISO_3166_ALPHA2:
                alias = EU_ALIASES.get(code)
                hint = f" (ISO uses {alias})" if alias else ""
                self.problem(
                    self.line_of(entry, "code"), f"{code!r} is not an ISO 3166-1 country code{hint}"
                )
                continue
            if role and role not in COUNTRY_ROLES:
                self.problem(
                    self.line_of(entry, "role"), f"country role {role!r} must be core or supporting"
                )
            if code in found:
                self.problem(
                    entry.line, f"country {code} is listed twice (first on line {first_line[code]})"
                )
                continue
            if code and name and role in COUNTRY_ROLES:
                found[code] = CountrySpec(code, name, role)
                first_line[code] = entry.line
        return list(found.values())

    def members(
        self, entries: list[_Mapping], country_roles: dict[str, str], default_zone: str
    ) -> list[MemberSpec]:
        found: dict[str, MemberSpec] = {}
        first_line: dict[str, int] = {}
        for entry in entries:
            where = f"the member on line {entry.line}"
            self.known_keys(
                entry, ("slack_id", "name", "country", "countries", "roles", "timezone"), where
            )
            slack_id = self.text(entry, "slack_id", where) or ""
            name = self.text(entry, "name", where)
            if slack_id and not _SLACK_USER_ID.fullmatch(slack_id):
                self.problem(
                    self.line_of(entry, "slack_id"), f"{slack_id!r} is not a Slack user ID (U…)"
                )
            if slack_id in found:
                self.problem(
                    entry.line,
                    f"member {slack_id} is listed twice (first on line {first_line[slack_id]})",
                )
                continue
            codes = self.string_list(entry, "countries", where) or []
            single = self.text(entry, "country", where, required=False)
            if single:
                codes.insert(0, single)
            if not codes:
                self.problem(entry.line, f"{where} needs 'country'")
            codes = [code.upper() for code in codes]
            for code in codes:
                if code not in country_roles:
                    line = self.line_of(entry, "country" if "country" in entry else "countries")
                    self.problem(line, f"unknown country code {code!r}: it is not in 'countries'")
            roles = [
                role.lower() for role in (self.string_list(entry, "roles", where) or ["partner"])
            ]
            for role in roles:
                if role not in MEMBER_ROLES:
                    self.problem(
                        self.line_of(entry, "roles"),
                        f"role {role!r} must be one of {', '.join(MEMBER_ROLES)}",
                    )
            zone = self.zone(entry, "timezone", where, default_zone)
            if slack_id and name:
                found[slack_id] = MemberSpec(
                    slack_id, name, tuple(dict.fromkeys(codes)), tuple(dict.fromkeys(roles)), zone
                )
                first_line[slack_id] = entry.line
        return list(found.values())

    def audience(self, mapping: _Mapping, country_roles: dict[str, str], where: str) -> str:
        words = self.string_list(mapping, "audience", where)
        if not words:
            return "all"
        if len(words) == 1 and words[0].lower() in AUDIENCE_GROUPS:
            return words[0].lower()
        codes = [word.upper() for word in words]
        unknown = [code for code in codes if code not in country_roles]
        if unknown:
            self.problem(
                self.line_of(mapping, "audience"),
                f"audience must be all, core, supporting, wp-lead or country codes; "
                f"unknown: {', '.join(unknown)}",
            )
        return "countries:" + ",".join(codes)

    def meetings(
        self,
        entries: list[_Mapping],
        default_zone: str,
        channels: dict[str, str],
        country_roles: dict[str, str],
    ) -> list[MeetingSpec]:
        found: dict[str, MeetingSpec] = {}
        allowed = (
            "id", "kind", "title", "repeat", "start", "duration", "end", "timezone",
            "location", "join_url", "channel", "audience", "reminders",
        )  # fmt: skip
        for entry in entries:
            where = f"the meeting on line {entry.line}"
            before = len(self.problems)
            self.known_keys(entry, allowed, where)
            kind = (self.text(entry, "kind", where) or "").lower()
            if kind and kind not in MEETING_KINDS:
                self.problem(
                    self.line_of(entry, "kind"),
                    f"meeting kind {kind!r} must be one of {', '.join(MEETING_KINDS)}",
                )
            title = self.text(entry, "title", where) or ""
            repeat_text = self.text(entry, "repeat", where, required=False) or "once"
            rrule: str | None = None
            try:
                rrule = parse_repeat(repeat_text).rrule
            except RepeatError as error:
                self.problem(self.line_of(entry, "repeat"), str(error))
            zone = self.zone(entry, "timezone", where, default_zone)
            start_text = self.text(entry, "start", where) or ""
            starts_local, all_day = self.local_time(start_text, self.line_of(entry, "start"))
            duration = None
            duration_text = self.text(entry, "duration", where, required=False)
            if duration_text is not None:
                try:
                    duration = parse_duration_minutes(duration_text)
                except ValueError as error:
                    self.problem(self.line_of(entry, "duration"), str(error))
            ends_local = None
            end_text = self.text(entry, "end", where, required=False)
            if end_text is not None:
                ends_local, end_all_day = self.local_time(end_text, self.line_of(entry, "end"))
                if (
                    ends_local
                    and starts_local
                    and (end_all_day != all_day or ends_local < starts_local)
                ):
                    self.problem(
                        self.line_of(entry, "end"),
                        "'end' must be of the same form as 'start' and not before it",
                    )
            if starts_local and not all_day and duration is None and ends_local is None:
                self.problem(entry.line, f"{where} needs 'duration' (e.g. 60m) or 'end'")
            if starts_local and rrule is not None:
                rrule = normalise_until(rrule, zone)
                assert rrule is not None
                self.check_rule(entry, rrule, starts_local, all_day, zone)
            channel = self.text(entry, "channel", where, required=False)
            if channel is not None and channel not in channels:
                self.problem(
                    self.line_of(entry, "channel"),
                    f"channel {channel!r} is not one of the channels: {_list(channels)}",
                )
            audience = self.audience(entry, country_roles, where)
            reminders = []
            for offset in self.string_list(entry, "reminders", where) or []:
                try:
                    reminders.append(parse_duration_minutes(offset))
                except ValueError as error:
                    self.problem(self.line_of(entry, "reminders"), str(error))
            key = self.text(entry, "id", where, required=False) or f"{kind}:{title}"
            if key in found:
                self.problem(
                    entry.line,
                    f"meeting {title!r} of kind {kind} is listed twice; give one an 'id'",
                )
                continue
            if len(self.problems) == before and starts_local is not None:
                found[key] = MeetingSpec(
                    key=key, kind=kind, title=title, rrule=rrule, starts_local=starts_local,
                    all_day=all_day, duration_minutes=duration, ends_local=ends_local,
                    timezone=zone, location=self.text(entry, "location", where, required=False),
                    join_url=self.url(entry, "join_url"), channel_purpose=channel,
                    audience=audience, reminder_minutes=tuple(sorted(set(reminders), reverse=True)),
                )  # fmt: skip
        return list(found.values())

    def check_rule(
        self, entry: _Mapping, rrule: str, start: datetime, all_day: bool, zone: str
    ) -> None:
        line = self.line_of(entry, "start")
        if not starts_on_rule(rrule, start, zone):
            self.problem(
                line, f"start {start:%Y-%m-%d} is not itself an occurrence of the repeat rule"
            )
            return
        if all_day:
            return
        try:
            check_series_wall_clock(rrule, start, zone)
        except WallClockError as error:
            self.problem(line, str(error))

    def local_time(self, text: str, line: int) -> tuple[datetime | None, bool]:
        if not text:
            return None, False
        for pattern, all_day in (
            ("%Y-%m-%d %H:%M", False),
            ("%Y-%m-%dT%H:%M", False),
            ("%Y-%m-%d", True),
        ):
            try:
                return datetime.strptime(text, pattern), all_day
            except ValueError:
                continue
        self.problem(line, f"cannot read {text!r} as a date: use YYYY-MM-DD or YYYY-MM-DD HH:MM")
        return None, False

    def url(self, entry: _Mapping, key: str) -> str | None:
        value = self.text(entry, key, "the meeting", required=False)
        if value is not None and not re.match(r"https?://\S+$", value):
            self.problem(self.line_of(entry, key), f"{key} {value!r} is not an http(s) link")
            return None
        return value

    def rounds(self, entries: list[_Mapping], country_roles: dict[str, str]) -> list[RoundSpec]:
        found: dict[str, RoundSpec] = {}
        for entry in entries:
            where = f"the round on line {entry.line}"
            before = len(self.problems)
            self.known_keys(entry, ("title", "opens", "due", "audience", "sections"), where)
            title = self.text(entry, "title", where) or ""
            opens = self.date(entry, "opens", where)
            due = self.date(entry, "due", where)
            if opens and due and due < opens:
                self.problem(self.line_of(entry, "due"), "'due' is before 'opens'")
            audience = self.audience(entry, country_roles, where)
            sections = [
                s.lower() for s in self.string_list(entry, "sections", where) or UPDATE_SECTIONS
            ]
            for section in sections:
                if section not in UPDATE_SECTIONS:
                    self.problem(
                        self.line_of(entry, "sections"),
                        f"section {section!r} must be one of {', '.join(UPDATE_SECTIONS)}",
                    )
            if title in found:
                self.problem(entry.line, f"round {title!r} is listed twice")
                continue
            if len(self.problems) == before and opens and due:
                found[title] = RoundSpec(title, opens, due, audience, tuple(sections))
        return list(found.values())

    def date(self, entry: _Mapping, key: str, where: str) -> date | None:
        text = self.text(entry, key, where)
        if text is None:
            return None
        try:
            return date.fromisoformat(text)
        except ValueError:
            self.problem(self.line_of(entry, key), f"cannot read {text!r} as a date (YYYY-MM-DD)")
            return None


def _parse_weekly_time(text: str) -> tuple[str, int, int] | None:
    match = re.fullmatch(r"\s*([a-z]+)\s+(\d{1,2}):(\d{2})\s*", text.lower())
    if not match or match[1] not in WEEKDAY_NAMES:
        return None
    hour, minute = int(match[2]), int(match[3])
    if hour > 23 or minute > 59:
        return None
    return match[1], hour, minute


def _list(channels: dict[str, str]) -> str:
    return ", ".join(channels) or "(none declared)"


__all__ = [
    "ConsortiumFileError",
    "ConsortiumSpec",
    "CountrySpec",
    "MeetingSpec",
    "MemberSpec",
    "Problem",
    "RoundSpec",
    "load_consortium_file",
    "parse_consortium_text",
]
