"""What a member's copy of their data is made of: parts of records, each record a plain JSON
value with its instant and a line for people; and how values become JSON (instants as
ISO 8601 UTC, occurrences with their wall-clock time, zone and instant)."""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

# The version of the file's layout: raised when a part is renamed or its fields change
# meaning, so a program reading old copies can tell them apart.
FORMAT_VERSION = 1
FORMAT_NAME = "consortium-bot personal data"

# How many records of each part the readable summary names (the file has them all).
LATEST_SHOWN = 3


@dataclass(frozen=True)
class Record:
    """One record about the member: `data` as it goes in the file, `when` it happened (for
    the summary's latest ones) and `line`, a short plain-text description of it."""

    data: Mapping[str, Any]
    when: datetime | None
    line: str


@dataclass(frozen=True)
class Part:
    """One kind of record: its key in the file, a title, why the bot holds it, and the
    records, oldest first."""

    key: str
    title: str
    purpose: str
    records: tuple[Record, ...]

    def latest(self, count: int = LATEST_SHOWN) -> list[Record]:
        """The newest `count` records, newest first."""
        return list(reversed(self.records[-count:])) if count > 0 else []


@dataclass(frozen=True)
class PersonalData:
    """Everything the bot holds about one member, as of `generated_at`."""

    consortium: str
    member_id: str
    member_name: str
    generated_at: datetime
    profile: Part
    settings: Part
    parts: tuple[Part, ...]

    @property
    def all_parts(self) -> tuple[Part, ...]:
        return (self.profile, self.settings, *self.parts)

    def counts(self) -> dict[str, int]:
        return {part.key: len(part.records) for part in self.parts}

    def document(self) -> dict[str, Any]:
        """The file's content as JSON values: a stamp, a glossary, then every part."""
        single = {
            self.profile.key: dict(self.profile.records[0].data) if self.profile.records else {},
            self.settings.key: dict(self.settings.records[0].data) if self.settings.records else {},
        }
        return {
            "format": FORMAT_NAME,
            "format_version": FORMAT_VERSION,
            "consortium": self.consortium,
            "member": self.member_id,
            "generated_at": instant(self.generated_at),
            "about": {
                part.key: {"title": part.title, "why_we_hold_it": part.purpose}
                for part in self.all_parts
            },
            **single,
            **{part.key: [dict(r.data) for r in part.records] for part in self.parts},
        }

    def to_json(self) -> bytes:
        """The file: UTF-8 JSON, indented for people, non-ASCII letters kept as they are."""
        text = json.dumps(self.document(), ensure_ascii=False, indent=2, default=_refuse)
        return (text + "\n").encode("utf-8")

    @property
    def filename(self) -> str:
        return f"my-data-{self.member_id}-{self.generated_at:%Y%m%dT%H%M%SZ}.json"


def instant(value: datetime | None) -> str | None:
    """An instant as ISO 8601 in UTC with a `Z`: `2027-07-05T09:00:00Z`."""
    if value is None:
        return None
    return value.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="seconds") + "Z"


def day(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def occurrence(local: datetime | None, zone: str, all_day: bool = False) -> dict[str, Any] | None:
    """An occurrence as stored (the wall-clock start in its series' zone) and as an instant."""
    if local is None:
        return None
    if all_day:
        return {"date": local.date().isoformat(), "timezone": zone}
    return {
        "local": local.isoformat(timespec="minutes"),
        "timezone": zone,
        "utc": instant(local.replace(tzinfo=ZoneInfo(zone))),
    }


def plain(values: Any, others: Collection[str] = ()) -> Any:
    """A stored JSON value (a delivery's payload, an update's changes) as plain JSON values:
    instants and dates within it as text, and another member's Slack ID (one of `others`)
    as "another member"."""
    if isinstance(values, Mapping):
        return {str(key): plain(value, others) for key, value in values.items()}
    if isinstance(values, list | tuple):
        return [plain(value, others) for value in values]
    if isinstance(values, datetime):
        return instant(values) if values.tzinfo else values.isoformat()
    if isinstance(values, date):
        return values.isoformat()
    if isinstance(values, str) and values in others:
        return "another member"
    return values


def _refuse(value: object) -> Any:
    raise TypeError(f"{type(value).__name__} is no JSON value: convert it with plain()")
