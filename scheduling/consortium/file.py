"""The consortium file (YAML): read, validate completely, and report every problem by line.

The file is checked as a whole before anything is stored, so a file with one error changes
nothing. Words of the vocabulary (kinds, roles, audiences, sections, the digest's schedule)
are parsed here, once, into values.
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path
from typing import Any

from scheduling.consortium.countries import EU_ALIASES, ISO_3166_ALPHA2
from scheduling.consortium.reader import FieldReader, Mapping, load_yaml
from scheduling.consortium.spec import (
    ConsortiumFileError,
    ConsortiumSpec,
    CountrySpec,
    MeetingSpec,
    MemberSpec,
    Problem,
    RoundSpec,
)
from scheduling.durations import parse_duration_minutes
from scheduling.meetings.recurrence import (
    FIRST_OCCURRENCE_YEARS,
    RepeatError,
    WallClockError,
    check_series_wall_clock,
    first_occurrence,
    normalise_until,
    parse_repeat,
)
from scheduling.vocabulary import (
    SECTIONS,
    Audience,
    CountryRole,
    DigestSchedule,
    MeetingKind,
    MemberRole,
    UpdateField,
    VocabularyError,
)

_SLACK_USER_ID = re.compile(r"[UW][A-Z0-9]{2,}")
_SLACK_CHANNEL_ID = re.compile(r"[CGD][A-Z0-9]{2,}")
_MEETING_KEYS = (
    "id", "kind", "title", "repeat", "start", "duration", "end", "timezone",
    "location", "join_url", "channel", "audience", "reminders",
)  # fmt: skip


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
    return _Validator(file_name).validate(load_yaml(text, file_name))


class _Validator(FieldReader):
    def validate(self, document: Any) -> ConsortiumSpec:
        if not isinstance(document, Mapping):
            self.problem(1, "the file must be a mapping with a 'consortium' section")
            raise ConsortiumFileError(self.problems)
        self.known_keys(
            document, ("consortium", "countries", "members", "meetings", "rounds"), "the file"
        )
        header = document.get("consortium")
        if not isinstance(header, Mapping):
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

    def header(
        self, header: Mapping
    ) -> tuple[str | None, str, dict[str, str], str | None, DigestSchedule]:
        where = "the consortium section"
        self.known_keys(header, ("name", "timezone", "channels", "digest"), where)
        name = self.text(header, "name", where)
        zone = self.zone(header, "timezone", where, "Europe/Brussels")
        channels: dict[str, str] = {}
        raw_channels = header.get("channels")
        if raw_channels is not None and not isinstance(raw_channels, Mapping):
            self.problem(
                self.line_of(header, "channels"), "'channels' must map purposes to channel IDs"
            )
        elif isinstance(raw_channels, Mapping):
            for purpose, channel_id in raw_channels.items():
                line = raw_channels.key_lines[purpose]
                if not isinstance(channel_id, str) or not _SLACK_CHANNEL_ID.fullmatch(channel_id):
                    self.problem(
                        line, f"channel {purpose!r} needs a Slack channel ID such as C0123ABCD"
                    )
                else:
                    channels[purpose] = channel_id
        digest_channel: str | None = None
        digest_every = DigestSchedule.DEFAULT
        digest = header.get("digest")
        if isinstance(digest, Mapping):
            self.known_keys(digest, ("channel", "every"), "the digest section")
            digest_channel = self.text(digest, "channel", "the digest section", required=False)
            if digest_channel is not None and digest_channel not in channels:
                self.problem(
                    self.line_of(digest, "channel"),
                    f"digest channel {digest_channel!r} is not one of the channels: {_list(channels)}",
                )
            every = self.text(digest, "every", "the digest section", required=False)
            if every is not None:
                digest_every = (
                    self.parsed(self.line_of(digest, "every"), DigestSchedule.parse, every)
                    or digest_every
                )
        elif digest is not None:
            self.problem(self.line_of(header, "digest"), "'digest' must have 'channel' and 'every'")
        return name, zone, channels, digest_channel, digest_every

    def countries(self, entries: list[Mapping]) -> list[CountrySpec]:
        found: dict[str, CountrySpec] = {}
        first_line: dict[str, int] = {}
        for entry in entries:
            where = f"the country on line {entry.line}"
            self.known_keys(entry, ("code", "name", "role"), where)
            code = (self.text(entry, "code", where) or "").upper()
            name = self.text(entry, "name", where)
            role_text = self.text(entry, "role", where)
            if code and code not in ISO_3166_ALPHA2:
                alias = EU_ALIASES.get(code)
                hint = f" (ISO uses {alias})" if alias else ""
                self.problem(
                    self.line_of(entry, "code"), f"{code!r} is not an ISO 3166-1 country code{hint}"
                )
                continue
            role = (
                self.parsed(self.line_of(entry, "role"), CountryRole.parse, role_text)
                if role_text
                else None
            )
            if code in found:
                self.problem(
                    entry.line, f"country {code} is listed twice (first on line {first_line[code]})"
                )
                continue
            if code and name and role is not None:
                found[code] = CountrySpec(code, name, role)
                first_line[code] = entry.line
        return list(found.values())

    def members(
        self, entries: list[Mapping], country_roles: dict[str, CountryRole], default_zone: str
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
            roles_line = self.line_of(entry, "roles")
            roles = [
                role
                for text in self.string_list(entry, "roles", where) or ["partner"]
                if (role := self.parsed(roles_line, MemberRole.parse, text)) is not None
            ]
            zone = self.zone(entry, "timezone", where, default_zone)
            if slack_id and name:
                found[slack_id] = MemberSpec(
                    slack_id, name, tuple(dict.fromkeys(codes)), tuple(dict.fromkeys(roles)), zone
                )
                first_line[slack_id] = entry.line
        return list(found.values())

    def audience(
        self,
        mapping: Mapping,
        country_roles: dict[str, CountryRole],
        where: str,
        *,
        countries_only: bool = False,
    ) -> Audience:
        words = self.string_list(mapping, "audience", where) or []
        try:
            return Audience.parse(words, country_roles, countries_only=countries_only)
        except VocabularyError as error:
            self.problem(self.line_of(mapping, "audience"), str(error))
            return Audience.ALL

    def meetings(
        self,
        entries: list[Mapping],
        default_zone: str,
        channels: dict[str, str],
        country_roles: dict[str, CountryRole],
    ) -> list[MeetingSpec]:
        found: dict[str, MeetingSpec] = {}
        for entry in entries:
            where = f"the meeting on line {entry.line}"
            before = len(self.problems)
            self.known_keys(entry, _MEETING_KEYS, where)
            kind_text = self.text(entry, "kind", where) or ""
            kind = self.parsed(self.line_of(entry, "kind"), MeetingKind.parse, kind_text)
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
                duration = self.parsed(
                    self.line_of(entry, "duration"), parse_duration_minutes, duration_text
                )
            ends_local = self.end(entry, where, starts_local, all_day)
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
            reminders_line = self.line_of(entry, "reminders")
            reminders = [
                minutes
                for offset in self.string_list(entry, "reminders", where) or []
                if (minutes := self.parsed(reminders_line, parse_duration_minutes, offset))
            ]
            key = self.text(entry, "id", where, required=False) or f"{kind_text.lower()}:{title}"
            if key in found:
                self.problem(
                    entry.line,
                    f"meeting {title!r} of kind {kind_text} is listed twice; give one an 'id'",
                )
                continue
            if len(self.problems) == before and starts_local is not None and kind is not None:
                found[key] = MeetingSpec(
                    key=key, kind=kind, title=title, rrule=rrule, starts_local=starts_local,
                    all_day=all_day, duration_minutes=duration, ends_local=ends_local,
                    timezone=zone, location=self.text(entry, "location", where, required=False),
                    join_url=self.url(entry, "join_url"), channel_purpose=channel,
                    audience=audience, reminder_minutes=tuple(sorted(set(reminders), reverse=True)),
                )  # fmt: skip
        return list(found.values())

    def end(
        self, entry: Mapping, where: str, starts_local: datetime | None, all_day: bool
    ) -> datetime | None:
        end_text = self.text(entry, "end", where, required=False)
        if end_text is None:
            return None
        ends_local, end_all_day = self.local_time(end_text, self.line_of(entry, "end"))
        if ends_local and starts_local and (end_all_day != all_day or ends_local < starts_local):
            self.problem(
                self.line_of(entry, "end"),
                "'end' must be of the same form as 'start' and not before it",
            )
        return ends_local

    def check_rule(
        self, entry: Mapping, rrule: str, start: datetime, all_day: bool, zone: str
    ) -> None:
        line = self.line_of(entry, "start")
        first = first_occurrence(rrule, start, zone)
        if first is None:
            self.problem(
                line,
                f"the repeat rule has no occurrence in the {FIRST_OCCURRENCE_YEARS} years "
                f"from {start:%Y-%m-%d}",
            )
            return
        if first != start:
            self.problem(
                line,
                f"start {start:%Y-%m-%d} is not itself an occurrence of the repeat rule "
                f"(its first is {first:%Y-%m-%d})",
            )
            return
        if all_day:
            return
        try:
            check_series_wall_clock(rrule, start, zone)
        except WallClockError as error:
            self.problem(line, str(error))

    def rounds(
        self, entries: list[Mapping], country_roles: dict[str, CountryRole]
    ) -> list[RoundSpec]:
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
            audience = self.audience(entry, country_roles, where, countries_only=True)
            sections_line = self.line_of(entry, "sections")
            sections: list[UpdateField] = [
                section
                for text in self.string_list(entry, "sections", where) or list(SECTIONS)
                if (section := self.parsed(sections_line, UpdateField.parse_section, text))
            ]
            if title in found:
                self.problem(entry.line, f"round {title!r} is listed twice")
                continue
            if len(self.problems) == before and opens and due:
                found[title] = RoundSpec(title, opens, due, audience, tuple(sections))
        return list(found.values())


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
