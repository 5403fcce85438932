"""How long each kind of record is kept: the consortium file's `retention:` as a value.

`retention: {deliveries: 90d, revisions: 2y, updates: keep}` names some kinds; every kind it
leaves out keeps its default (`DEFAULTS`), so the key can be absent altogether. Periods are
read as people write them (`90d`, `90 days`, `12w`, `6 months`, `2y`, `2 years`, `keep`,
`forever`) and stored as written; `RetentionPolicy.cutoffs(now)` says, per kind, before
which instant a record goes (None: kept).
"""

from __future__ import annotations

import enum
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from dateutil.relativedelta import relativedelta

from scheduling.errors import FieldError
from scheduling.language.words import did_you_mean
from scheduling.meetings.edits import MAX_AGENDA_DAYS


class RetentionError(FieldError):
    """A kind of record or a period that cannot be read; `field` names the kind."""


class RetainedKind(enum.StrEnum):
    DELIVERIES = "deliveries"
    REVISIONS = "revisions"
    UPDATES = "updates"
    RSVPS = "rsvps"
    ATTENDANCE = "attendance"
    SLACK_EVENTS = "slack_events"
    ERASURES = "erasures"

    @property
    def label(self) -> str:
        """What the records are, for `/consortium status` and the tick's summary."""
        return _LABELS[self]

    def counted(self, number: int) -> str:
        """`1 delivery`, `3 deliveries`, `2 RSVPs`."""
        one, many = _COUNTED_AS[self]
        return f"{number} {one if number == 1 else many}"


_LABELS = {
    RetainedKind.DELIVERIES: "Records of messages sent or given up on (never one still queued)",
    RetainedKind.REVISIONS: "Earlier wordings of country updates, and who edited them",
    RetainedKind.UPDATES: "Country updates",
    RetainedKind.RSVPS: "RSVPs, counted from the end of their occurrence",
    RetainedKind.ATTENDANCE: "Attendance, counted from the end of its occurrence",
    RetainedKind.SLACK_EVENTS: "IDs of Slack events handled (so a retry changes nothing)",
    RetainedKind.ERASURES: "Records that a member's data was erased (no personal data)",
}
_COUNTED_AS = {
    RetainedKind.DELIVERIES: ("delivery", "deliveries"),
    RetainedKind.REVISIONS: ("revision", "revisions"),
    RetainedKind.UPDATES: ("update", "updates"),
    RetainedKind.RSVPS: ("RSVP", "RSVPs"),
    RetainedKind.ATTENDANCE: ("attendance row", "attendance rows"),
    RetainedKind.SLACK_EVENTS: ("Slack event", "Slack events"),
    RetainedKind.ERASURES: ("erasure record", "erasure records"),
}


class Unit(enum.StrEnum):
    DAYS = "d"
    WEEKS = "w"
    MONTHS = "mo"
    YEARS = "y"


# The fewest days a unit can stand for (February; a year without 29 February): a period's
# lower bound, for the shortest periods allowed.
_FEWEST_DAYS = {Unit.DAYS: 1, Unit.WEEKS: 7, Unit.MONTHS: 28, Unit.YEARS: 365}
_UNIT_WORDS = {
    Unit.DAYS: ("d", "day", "days"),
    Unit.WEEKS: ("w", "wk", "wks", "week", "weeks"),
    Unit.MONTHS: ("mo", "mos", "mon", "month", "months"),
    Unit.YEARS: ("y", "yr", "yrs", "year", "years"),
}
_UNITS = {word: unit for unit, words in _UNIT_WORDS.items() for word in words}
_NAMES = {Unit.DAYS: "day", Unit.WEEKS: "week", Unit.MONTHS: "month", Unit.YEARS: "year"}
KEEP_WORDS = ("keep", "forever", "keep forever", "indefinitely", "never delete")
_PERIOD = re.compile(r"(\d+)\s*([a-z]+)\.?")
PERIOD_EXAMPLES = "90d, 90 days, 12w, 6 months, 2y or keep"
LONGEST_YEARS = 100  # anything longer is `keep`; and no date arithmetic overflows


@dataclass(frozen=True)
class Period:
    """A span of calendar time: months and years end on the same day of the month."""

    amount: int
    unit: Unit

    def before(self, now: datetime) -> datetime:
        """The instant this long before `now`."""
        spans = {
            Unit.DAYS: relativedelta(days=self.amount),
            Unit.WEEKS: relativedelta(weeks=self.amount),
            Unit.MONTHS: relativedelta(months=self.amount),
            Unit.YEARS: relativedelta(years=self.amount),
        }
        result: datetime = now - spans[self.unit]
        return result

    @property
    def fewest_days(self) -> int:
        return self.amount * _FEWEST_DAYS[self.unit]

    def __str__(self) -> str:
        name = _NAMES[self.unit]
        return f"{self.amount} {name}{'' if self.amount == 1 else 's'}"


# The defaults when the file says nothing of a kind (None: kept). Attendance is the
# consortium's record for its reporting to the EU, and the erasure records are the proof that
# erasures were done (GDPR art. 5(2)): both kept unless the file says otherwise.
DEFAULTS: dict[RetainedKind, Period | None] = {
    RetainedKind.DELIVERIES: Period(90, Unit.DAYS),
    RetainedKind.REVISIONS: Period(2, Unit.YEARS),
    RetainedKind.UPDATES: None,
    RetainedKind.RSVPS: Period(1, Unit.YEARS),
    RetainedKind.ATTENDANCE: None,
    RetainedKind.SLACK_EVENTS: Period(7, Unit.DAYS),
    RetainedKind.ERASURES: None,
}

# A delivery's record is what stops its message going twice: a draft agenda is owed from up
# to MAX_AGENDA_DAYS before its occurrence until it starts, so its record must outlive that.
SHORTEST_DELIVERIES = Period(10, Unit.WEEKS)
assert SHORTEST_DELIVERIES.fewest_days > MAX_AGENDA_DAYS + 7
# Slack retries an event for about an hour: a day is plenty.
SHORTEST = {RetainedKind.DELIVERIES: SHORTEST_DELIVERIES}
SHORTEST_OTHERWISE = Period(1, Unit.DAYS)


def read_kind(text: str) -> RetainedKind:
    """The kind of record `text` names (`slack events` and `RSVPs` too)."""
    cleaned = re.sub(r"[\s-]+", "_", text.strip().lower())
    try:
        return RetainedKind(cleaned)
    except ValueError:
        kinds = [str(kind) for kind in RetainedKind]
        raise RetentionError(
            f"retention: {text!r} is not a kind of record{did_you_mean(cleaned, kinds, cutoff=0.6)}; "
            f"the kinds are {', '.join(kinds)}",
            "retention",
        ) from None


def read_period(text: str, kind: RetainedKind) -> Period | None:
    """How long `kind` is kept, as written (`90 days`, `2y`, `keep`): a Period, or None for
    kept; RetentionError naming the kind otherwise."""
    cleaned = " ".join(text.strip().lower().split())
    if cleaned in KEEP_WORDS:
        return None
    where = f"retention of {kind}"
    match = _PERIOD.fullmatch(cleaned)
    if match is None:
        hint = " (a number alone: say which unit, e.g. 90 days)" if cleaned.isdigit() else ""
        raise RetentionError(
            f"{where}: cannot read {text.strip()!r} as a period{hint}; say e.g. {PERIOD_EXAMPLES}",
            str(kind),
        )
    number, word = match.groups()
    if word in ("m", "min", "mins", "minute", "minutes"):
        raise RetentionError(
            f"{where}: {text.strip()!r} could be minutes or months; write e.g. "
            f"{int(number)} months",
            str(kind),
        )
    unit = _UNITS.get(word)
    if unit is None:
        hint = did_you_mean(word, ("days", "weeks", "months", "years"), cutoff=0.6)
        raise RetentionError(
            f"{where}: {word!r} is not a unit{hint}; say e.g. {PERIOD_EXAMPLES}", str(kind)
        )
    if len(number.lstrip("0")) > 6:
        raise RetentionError(f"{where}: {text.strip()!r} is too long; say keep", str(kind))
    period = Period(int(number), unit)
    if period.fewest_days > LONGEST_YEARS * 366:
        raise RetentionError(
            f"{where}: {period} is longer than {LONGEST_YEARS} years; say keep", str(kind)
        )
    shortest = SHORTEST.get(kind, SHORTEST_OTHERWISE)
    if period.fewest_days < shortest.fewest_days:
        why = (
            " (a delivery's record is what stops its message going twice)"
            if kind == RetainedKind.DELIVERIES
            else ""
        )
        raise RetentionError(
            f"{where}: {text.strip()!r} is too short; {kind} are kept {shortest} at least{why}",
            str(kind),
        )
    return period


@dataclass(frozen=True)
class RetentionPolicy:
    """How long each kind of record is kept: what the file says (`written`, as written) and
    the defaults for the rest."""

    written: Mapping[RetainedKind, str] = field(default_factory=dict)

    @classmethod
    def parse(cls, written: Mapping[str, str]) -> RetentionPolicy:
        """The policy of a `retention:` mapping; RetentionError on its first problem."""
        kinds: dict[RetainedKind, str] = {}
        for name, text in written.items():
            kind = read_kind(name)
            read_period(text, kind)
            kinds[kind] = " ".join(text.split())
        return cls(kinds)

    @classmethod
    def from_stored(cls, stored: Mapping[str, object] | None) -> RetentionPolicy:
        """The policy as the import stored it (checked then); a value that no longer reads
        (the database edited by hand) falls back to its kind's default."""
        kinds: dict[RetainedKind, str] = {}
        for name, text in (stored or {}).items():
            try:
                kind = read_kind(name)
                read_period(str(text), kind)
            except RetentionError:
                continue
            kinds[kind] = str(text)
        return cls(kinds)

    def stored(self) -> dict[str, str]:
        """What the consortium row keeps: the kinds the file named, as written."""
        return {str(kind): text for kind, text in self.written.items()}

    def period(self, kind: RetainedKind) -> Period | None:
        """How long `kind` is kept (None: kept)."""
        text = self.written.get(kind)
        return read_period(text, kind) if text is not None else DEFAULTS[kind]

    def is_default(self, kind: RetainedKind) -> bool:
        return kind not in self.written

    def cutoffs(self, now: datetime) -> dict[RetainedKind, datetime]:
        """Per kind that is not kept for good, the instant before which its records go."""
        return {
            kind: period.before(now)
            for kind in RetainedKind
            if (period := self.period(kind)) is not None
        }
