"""What an occurrence's agenda is made of, as plain values: the topics by support, the needs
and challenges of the countries' updates since the last occurrence, and the open action items
due by its date. Rendering them into words is the bot's business."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from scheduling.meetings.occurrences import Occurrence, Series

DEFAULT_AGENDA_DAYS = 7
MAX_AGENDA_DAYS = 60
MAX_AGENDA_TEXT = 3000


@dataclass(frozen=True)
class TopicLine:
    """A proposed topic as listed: `number` is its place in the list (1 first)."""

    id: int
    number: int
    title: str
    country_code: str | None
    proposed_by: str
    supporters: tuple[str, ...]


@dataclass(frozen=True)
class NeedLine:
    """A need from the consortium or a challenge, from one country's update and its card."""

    kind: str  # "need" or "challenge"
    country_code: str
    country_name: str
    text: str
    channel: str | None
    ts: str | None


@dataclass(frozen=True)
class ActionLine:
    text: str
    country_code: str | None
    member_id: str | None
    due_on: date | None


@dataclass(frozen=True)
class AgendaFacts:
    series: Series
    occurrence: Occurrence
    topics: tuple[TopicLine, ...]
    needs: tuple[NeedLine, ...]
    actions: tuple[ActionLine, ...]
    published_text: str | None = None
    published_channel: str | None = None
    published_ts: str | None = None

    @property
    def occurrence_local(self) -> datetime:
        return self.occurrence.original_local


@dataclass(frozen=True)
class AgendaDraftNotice:
    """The draft agenda of one occurrence, for one coordinator's DM."""

    facts: AgendaFacts
    coordinator: str
    key: str
