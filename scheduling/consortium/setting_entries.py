"""The consortium file's settings beyond its people and meetings: the consortium's own days
off and default nudges, how long each kind of record is kept, and Slack workspace IDs."""

from __future__ import annotations

import re
from datetime import date

from scheduling.consortium.reader import FieldReader, Mapping
from scheduling.nudges.rules import parse_rules
from scheduling.privacy.retention import (
    RetainedKind,
    RetentionError,
    RetentionPolicy,
    read_kind,
    read_period,
)
from scheduling.workdays.holidays import ALL, HolidayBook, known_country

_SLACK_TEAM_ID = re.compile(r"T[A-Z0-9]{2,}")
MAX_SLACK_ID_LENGTH = 32


class SettingEntries(FieldReader):
    def calendar(self, header: Mapping) -> tuple[HolidayBook, tuple[str, ...] | None]:
        """The consortium's own days off (`holidays: {PT: [2027-06-13], all: [...]}`) and
        the nudges a round gets by default (`nudges: [5 working days before, ...]`)."""
        extra: dict[str, set[date]] = {}
        raw = header.get("holidays")
        if isinstance(raw, Mapping):
            for code, days in raw.items():
                line = raw.key_lines[code]
                key = str(code) if str(code) == ALL else str(code).upper()
                if key != ALL and not known_country(key):
                    self.problem(line, f"holidays: {code!r} is neither a country code nor 'all'")
                    continue
                listed = days if isinstance(days, list) else [days]
                for day in listed:
                    try:
                        extra.setdefault(key, set()).add(date.fromisoformat(str(day)))
                    except ValueError:
                        self.problem(
                            line, f"holidays of {code}: {day!r} is not a date (2027-06-13)"
                        )
        elif raw is not None:
            self.problem(
                self.line_of(header, "holidays"),
                "'holidays' must map country codes (or 'all') to lists of dates",
            )
        nudges = self.string_list(header, "nudges", "the consortium section")
        if nudges is not None:
            read = lambda text: parse_rules([text])  # noqa: E731 - one line of rules
            self.parsed(self.line_of(header, "nudges"), read, ", ".join(nudges))
        book = HolidayBook({code: frozenset(days) for code, days in extra.items()})
        return book, tuple(nudges) if nudges is not None else None

    def retention(self, header: Mapping) -> RetentionPolicy:
        """How long each kind of record is kept (`retention: {deliveries: 90d, updates:
        keep}`); the kinds it leaves out keep their defaults."""
        raw = header.get("retention")
        if raw is None:
            return RetentionPolicy()
        if not isinstance(raw, Mapping):
            self.problem(
                self.line_of(header, "retention"),
                "'retention' must map kinds of record to how long they are kept, "
                "e.g. {deliveries: 90d, revisions: 2y, updates: keep}",
            )
            return RetentionPolicy()
        written: dict[str, str] = {}
        first_line: dict[RetainedKind, int] = {}
        for name, text in raw.items():
            line = raw.key_lines[name]
            try:
                kind = read_kind(name)
                if not isinstance(text, str):
                    raise RetentionError(f"retention of {kind}: say one period, e.g. 90 days")
                read_period(text, kind)
            except RetentionError as error:
                self.problem(line, str(error))
                continue
            if kind in first_line:
                self.problem(
                    line, f"retention: {kind} is named twice (first on line {first_line[kind]})"
                )
                continue
            first_line[kind] = line
            written[name] = text
        return RetentionPolicy.parse(written)

    def team_id(self, entry: Mapping, where: str) -> str | None:
        """A Slack workspace ID (T…), when given: the bot's own in the consortium section, a
        member's own workspace (Slack Connect) in a member's entry."""
        team_id = self.text(entry, "team_id", where, required=False, longest=MAX_SLACK_ID_LENGTH)
        if team_id is not None and not _SLACK_TEAM_ID.fullmatch(team_id):
            self.problem(
                self.line_of(entry, "team_id"),
                f"{team_id!r} is not a Slack workspace ID (T followed by capital letters and"
                f" digits, such as T0123ABCD; the team_id of {where})",
            )
            return None
        return team_id
