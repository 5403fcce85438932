"""Reading YAML with line numbers, and the field readers the consortium file's checks share.

Values are read as plain strings (no YAML 1.1 guessing: Norway's `NO` stays a code,
`2024-01-04` stays a date we parse ourselves). Every problem is collected with its line, so
a file is reported whole rather than one error at a time.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from datetime import date, datetime
from typing import Any, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml

from scheduling.consortium.spec import ConsortiumFileError, Problem
from scheduling.durations import check_planning_date
from scheduling.errors import FieldError
from scheduling.meetings.edits import MAX_LINK_LENGTH
from scheduling.vocabulary import VocabularyError

T = TypeVar("T")


class Mapping(dict[str, Any]):
    """A YAML mapping that remembers the line of itself and of each key."""

    line: int = 0
    key_lines: dict[str, int]


class _LineLoader(yaml.BaseLoader):
    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> Mapping:  # type: ignore[override]
        mapping = Mapping()
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


# A consortium file nests five levels deep at most; PyYAML builds nested values by recursion.
MAX_NESTING = 32
# A thousand members and meetings are some 20,000 values; aliases (`*name`, which tools such
# as PyYAML's dumper write for shared lists) may not make a few lines stand for billions.
MAX_VALUES = 200_000


def _check_shape(text: str, file_name: str) -> None:
    """Refuse, before anything is built, nesting deeper than any consortium file needs and
    a document that, with its aliases expanded, holds more values than any could."""
    values = 0  # so far, each alias counted as the values it stands for
    anchored: dict[str, int] = {}
    open_at: list[tuple[str | None, int]] = []  # each open collection's anchor and start count
    for event in yaml.parse(text, Loader=yaml.BaseLoader):
        line = event.start_mark.line + 1 if event.start_mark else 0
        if isinstance(event, yaml.AliasEvent):
            values += anchored.get(event.anchor or "", 1)
        elif isinstance(event, yaml.ScalarEvent):
            values += 1
            if event.anchor:
                anchored[event.anchor] = 1
        elif isinstance(event, yaml.CollectionStartEvent):
            values += 1
            open_at.append((event.anchor, values))
            if len(open_at) > MAX_NESTING:
                raise ConsortiumFileError(
                    [Problem(file_name, line, f"nested more than {MAX_NESTING} levels deep")]
                )
        elif isinstance(event, yaml.CollectionEndEvent):
            anchor, started = open_at.pop()
            if anchor:
                anchored[anchor] = values - started + 1
        if values > MAX_VALUES:
            raise ConsortiumFileError(
                [
                    Problem(
                        file_name, line, f"holds more than {MAX_VALUES:,} values (aliases expanded)"
                    )
                ]
            )


def load_yaml(text: str, file_name: str) -> Any:
    """The document, with line numbers on its mappings; ConsortiumFileError if not YAML."""
    try:
        _check_shape(text, file_name)
        return yaml.load(text, Loader=_LineLoader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else 0
        raise ConsortiumFileError(
            [Problem(file_name, line, f"not valid YAML: {error.problem or error}")]
        ) from None
    except yaml.YAMLError as error:
        raise ConsortiumFileError([Problem(file_name, 0, f"not valid YAML: {error}")]) from None


def channel_purposes(channels: dict[str, str]) -> str:
    """The declared channels' purposes, for a message saying which one was meant."""
    return ", ".join(channels) or "(none declared)"


# Names, kinds, roles: whatever a field has no limit of its own for.
DEFAULT_LONGEST_TEXT = 200


class FieldReader:
    """Reads fields out of mappings, noting each problem with its line instead of stopping."""

    def __init__(self, file_name: str) -> None:
        self.file = file_name
        self.problems: list[Problem] = []

    def problem(self, line: int, reason: str) -> None:
        self.problems.append(Problem(self.file, line, reason))

    def line_of(self, mapping: Mapping, key: str) -> int:
        return mapping.key_lines.get(key, mapping.line)

    def known_keys(self, mapping: Mapping, allowed: tuple[str, ...], where: str) -> None:
        for key in mapping:
            if key not in allowed:
                hint = difflib.get_close_matches(key, allowed, n=1)
                suggestion = f" (did you mean {hint[0]!r}?)" if hint else ""
                self.problem(mapping.key_lines[key], f"unknown key {key!r} in {where}{suggestion}")

    def text(
        self,
        mapping: Mapping,
        key: str,
        where: str,
        *,
        required: bool = True,
        longest: int = DEFAULT_LONGEST_TEXT,
    ) -> str | None:
        value = mapping.get(key)
        line = self.line_of(mapping, key)
        if value is None or value == "":
            if required:
                self.problem(line, f"{where} needs {key!r}")
            return None
        if not isinstance(value, str):
            self.problem(line, f"{key!r} in {where} must be a single value")
            return None
        value = value.strip()
        if len(value) > longest:
            self.problem(line, f"{key!r} in {where} is {len(value)} characters; {longest} at most")
            return None
        if any(ord(c) < 32 or ord(c) == 127 for c in value):
            # Names and titles head messages, calendar entries and e-mail headers: one line.
            self.problem(line, f"{key!r} in {where} must be one line, without control characters")
            return None
        return value

    def string_list(self, mapping: Mapping, key: str, where: str) -> list[str] | None:
        value = mapping.get(key)
        if value is None:
            return None
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        if isinstance(value, list) and all(isinstance(item, str) for item in value):
            return [item.strip() for item in value]
        self.problem(mapping.key_lines[key], f"{key!r} in {where} must be a list of words")
        return None

    def parsed(self, line: int, parse: Callable[[str], T], text: str) -> T | None:
        """`parse(text)`, or None after noting its error (a FieldError) at `line`."""
        try:
            return parse(text)
        except FieldError as error:
            self.problem(line, str(error))
            return None

    def zone(self, mapping: Mapping, key: str, where: str, default: str) -> str:
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

    def entries(self, document: Mapping, key: str) -> list[Mapping]:
        value = document.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            self.problem(self.line_of(document, key), f"{key!r} must be a list")
            return []
        good = []
        for item in value:
            if isinstance(item, Mapping):
                good.append(item)
            else:
                self.problem(
                    self.line_of(document, key), f"each entry of {key!r} must be a mapping"
                )
        return good

    def date(self, entry: Mapping, key: str, where: str) -> date | None:
        text = self.text(entry, key, where)
        if text is None:
            return None
        try:
            return check_planning_date(date.fromisoformat(text), key)
        except VocabularyError as error:
            self.problem(self.line_of(entry, key), str(error))
        except ValueError:
            self.problem(self.line_of(entry, key), f"cannot read {text!r} as a date (YYYY-MM-DD)")
        return None

    def local_time(self, text: str, line: int) -> tuple[datetime | None, bool]:
        """A wall-clock start (`YYYY-MM-DD HH:MM`), or a date alone for an all-day one."""
        if not text:
            return None, False
        for pattern, all_day in (
            ("%Y-%m-%d %H:%M", False),
            ("%Y-%m-%dT%H:%M", False),
            ("%Y-%m-%d", True),
        ):
            try:
                moment = datetime.strptime(text, pattern)
            except ValueError:
                continue
            try:
                check_planning_date(moment.date())
            except VocabularyError as error:
                self.problem(line, str(error))
                return None, False
            return moment, all_day
        self.problem(line, f"cannot read {text!r} as a date: use YYYY-MM-DD or YYYY-MM-DD HH:MM")
        return None, False

    def url(self, entry: Mapping, key: str) -> str | None:
        value = self.text(entry, key, "the meeting", required=False, longest=MAX_LINK_LENGTH)
        if value is not None and not re.match(r"https?://\S+$", value):
            self.problem(self.line_of(entry, key), f"{key} {value!r} is not an http(s) link")
            return None
        return value
