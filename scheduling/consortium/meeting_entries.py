"""The `meetings:` entries of the consortium file, and the audiences meetings and rounds
name: read into values, with every problem noted at its line."""

from __future__ import annotations

from datetime import datetime

from scheduling.consortium.reader import FieldReader, Mapping, channel_purposes
from scheduling.consortium.spec import MeetingSpec
from scheduling.language.repeats import RepeatError
from scheduling.meetings.edits import (
    MAX_LOCATION_LENGTH,
    MAX_REMINDERS,
    MAX_TITLE_LENGTH,
    parse_agenda_days,
    parse_meeting_duration,
    parse_reminder,
)
from scheduling.meetings.recurrence import (
    FIRST_OCCURRENCE_YEARS,
    WallClockError,
    check_series_wall_clock,
    first_occurrence,
    normalise_until,
    parse_repeat,
)
from scheduling.vocabulary import Audience, CountryRole, MeetingKind, VocabularyError

_MEETING_KEYS = (
    "id", "kind", "title", "repeat", "start", "duration", "end", "timezone",
    "location", "join_url", "channel", "audience", "reminders", "agenda",
)  # fmt: skip
MAX_KEY_LENGTH = 255
MAX_RULE_LENGTH = 1000


class MeetingEntries(FieldReader):
    """Reads meetings (and audiences) for the whole file's validator."""

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
            title = self.text(entry, "title", where, longest=MAX_TITLE_LENGTH) or ""
            repeat_text = (
                self.text(entry, "repeat", where, required=False, longest=MAX_RULE_LENGTH) or "once"
            )
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
                    self.line_of(entry, "duration"), parse_meeting_duration, duration_text
                )
            ends_local = self.end(entry, where, starts_local, all_day)
            unsaid = duration_text is None and ends_local is None  # a wrong one is noted already
            if starts_local and not all_day and unsaid:
                self.problem(entry.line, f"{where} needs 'duration' (e.g. 60m) or 'end'")
            if starts_local and rrule is not None:
                rrule = normalise_until(rrule, zone)
                assert rrule is not None
                self.check_rule(entry, rrule, starts_local, all_day, zone)
            channel = self.text(entry, "channel", where, required=False)
            if channel is not None and channel not in channels:
                self.problem(
                    self.line_of(entry, "channel"),
                    f"channel {channel!r} is not one of the channels: {channel_purposes(channels)}",
                )
            audience = self.audience(entry, country_roles, where)
            reminders_line = self.line_of(entry, "reminders")
            reminders = [
                minutes
                for offset in self.string_list(entry, "reminders", where) or []
                if (minutes := self.parsed(reminders_line, parse_reminder, offset))
            ]
            if len(set(reminders)) > MAX_REMINDERS:
                self.problem(
                    reminders_line, f"a meeting can have {MAX_REMINDERS} reminders at most"
                )
            agenda_text = self.text(entry, "agenda", where, required=False)
            agenda_days = (
                self.parsed(self.line_of(entry, "agenda"), parse_agenda_days, agenda_text)
                if agenda_text is not None
                else None
            )
            key = (
                self.text(entry, "id", where, required=False, longest=MAX_KEY_LENGTH)
                or f"{kind_text.lower()}:{title}"
            )
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
                    timezone=zone, location=self.text(
                        entry, "location", where, required=False, longest=MAX_LOCATION_LENGTH
                    ),
                    join_url=self.url(entry, "join_url"), channel_purpose=channel,
                    audience=audience, reminder_minutes=tuple(sorted(set(reminders), reverse=True)),
                    agenda_days=agenda_days,
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
