"""The consortium file (YAML): read, validate completely, and report every problem by line.

The file is checked as a whole before anything is stored, so a file with one error changes
nothing. Words of the vocabulary (kinds, roles, audiences, sections, the digest's schedule)
are parsed here, once, into values.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from scheduling.addresses import MAX_ADDRESS_LENGTH, address_problem, bare_address
from scheduling.consortium.countries import EU_ALIASES, ISO_3166_ALPHA2
from scheduling.consortium.meeting_entries import MeetingEntries
from scheduling.consortium.reader import Mapping, channel_purposes, load_yaml
from scheduling.consortium.setting_entries import MAX_SLACK_ID_LENGTH, SettingEntries
from scheduling.consortium.spec import (
    ConsortiumFileError,
    ConsortiumSpec,
    CountrySpec,
    MeetingSpec,
    MemberSpec,
    Problem,
    RoundSpec,
)
from scheduling.updates.rounds import MAX_TITLE_LENGTH as MAX_ROUND_TITLE_LENGTH
from scheduling.vocabulary import (
    SECTIONS,
    CountryRole,
    DigestSchedule,
    MemberRole,
    UpdateField,
)
from scheduling.workdays.hours import WorkingHours

_SLACK_USER_ID = re.compile(r"[UW][A-Z0-9]{2,}")
_SLACK_CHANNEL_ID = re.compile(r"[CGD][A-Z0-9]{2,}")

MAX_COUNTRY_NAME_LENGTH = 100

# The CapaCITIES file is 6 KB; a thousand members would be 150 KB.
MAX_FILE_BYTES = 1024 * 1024


def load_consortium_file(path: Path) -> ConsortiumSpec:
    """Read and validate `path`; raise ConsortiumFileError listing every problem."""
    name = str(path)
    try:
        with path.open("rb") as file:
            # Read no more than the limit: `path` may be /dev/zero or a pipe that never ends.
            content = file.read(MAX_FILE_BYTES + 1)
        if len(content) > MAX_FILE_BYTES:
            raise ConsortiumFileError(
                [
                    Problem(
                        name, 0, f"larger than {MAX_FILE_BYTES // 1024} KiB; is it the right file?"
                    )
                ]
            )
        text = content.decode("utf-8")
    except FileNotFoundError:
        raise ConsortiumFileError([Problem(name, 0, "no such file")]) from None
    except (OSError, UnicodeDecodeError) as error:
        raise ConsortiumFileError([Problem(name, 0, f"cannot read the file: {error}")]) from None
    return parse_consortium_text(text, name)


def parse_consortium_text(text: str, file_name: str = "<consortium file>") -> ConsortiumSpec:
    """Validate the YAML text of a consortium file."""
    return _Validator(file_name).validate(load_yaml(text, file_name))


class _Validator(MeetingEntries, SettingEntries):
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
        team_id = self.team_id(header, "the consortium section")
        holidays, nudges = self.calendar(header)
        retention = self.retention(header)
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
            holidays=holidays,
            nudges=nudges,
            retention=retention,
            team_id=team_id,
        )

    def header(
        self, header: Mapping
    ) -> tuple[str | None, str, dict[str, str], str | None, DigestSchedule]:
        where = "the consortium section"
        self.known_keys(
            header,
            (
                "name",
                "timezone",
                "channels",
                "digest",
                "holidays",
                "nudges",
                "retention",
                "team_id",
            ),
            where,
        )
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
                    f"digest channel {digest_channel!r} is not one of the channels: {channel_purposes(channels)}",
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
            name = self.text(entry, "name", where, longest=MAX_COUNTRY_NAME_LENGTH)
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
                entry,
                (
                    "slack_id",
                    "name",
                    "country",
                    "countries",
                    "roles",
                    "timezone",
                    "email",
                    "hours",
                    "team_id",
                ),
                where,
            )
            slack_id = self.text(entry, "slack_id", where, longest=MAX_SLACK_ID_LENGTH) or ""
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
            email = self.text(entry, "email", where, required=False, longest=MAX_ADDRESS_LENGTH)
            if email is not None and (problem := address_problem(email)) is not None:
                self.problem(self.line_of(entry, "email"), f"{problem} (the email of {where})")
                email = None
            hours = self.text(entry, "hours", where, required=False)
            if (
                hours is not None
                and self.parsed(self.line_of(entry, "hours"), WorkingHours.parse, hours) is None
            ):
                hours = None
            team_id = self.team_id(entry, where)
            if slack_id and name:
                found[slack_id] = MemberSpec(
                    slack_id,
                    name,
                    tuple(dict.fromkeys(codes)),
                    tuple(dict.fromkeys(roles)),
                    zone,
                    bare_address(email) if email else None,
                    str(WorkingHours.parse(hours)) if hours else None,
                    team_id,
                )
                first_line[slack_id] = entry.line
        return list(found.values())

    def rounds(
        self, entries: list[Mapping], country_roles: dict[str, CountryRole]
    ) -> list[RoundSpec]:
        found: dict[str, RoundSpec] = {}
        for entry in entries:
            where = f"the round on line {entry.line}"
            before = len(self.problems)
            self.known_keys(entry, ("title", "opens", "due", "audience", "sections"), where)
            title = self.text(entry, "title", where, longest=MAX_ROUND_TITLE_LENGTH) or ""
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
