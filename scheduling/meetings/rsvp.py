"""RSVPs: one answer per member per occurrence; the latest answer replaces the earlier one."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select

from scheduling.clock import Clock
from scheduling.consortium.audience import audience_members
from scheduling.consortium.directory import DirectoryService
from storage.db import Database
from storage.models import Rsvp

ANSWERS = ("going", "not_going", "maybe")
ANSWER_LABELS = {"going": "Going", "not_going": "Not going", "maybe": "Maybe"}


@dataclass(frozen=True)
class RsvpSummary:
    """Answers by country code, and who in the audience has not answered."""

    by_country: dict[str, dict[str, int]] = field(default_factory=dict)
    answers: dict[str, str] = field(default_factory=dict)

    def total(self, answer: str) -> int:
        return sum(counts.get(answer, 0) for counts in self.by_country.values())


class RsvpService:
    def __init__(self, database: Database, clock: Clock, directory: DirectoryService) -> None:
        self.database = database
        self.clock = clock
        self.directory = directory

    def __deepcopy__(self, memo: dict[int, object]) -> RsvpService:
        return self  # shared by all requests, like the engine it holds

    def record(
        self, meeting_id: int, occurrence_local: datetime, member_id: str, answer: str
    ) -> None:
        if answer not in ANSWERS:
            raise ValueError(f"unknown answer {answer!r}")
        now = self.clock.now()
        with self.database.write() as session:
            existing = session.scalars(
                select(Rsvp).where(
                    Rsvp.meeting_id == meeting_id,
                    Rsvp.occurrence_local == occurrence_local,
                    Rsvp.member_id == member_id,
                )
            ).first()
            if existing is None:
                session.add(
                    Rsvp(
                        meeting_id=meeting_id,
                        occurrence_local=occurrence_local,
                        member_id=member_id,
                        answer=answer,
                        answered_at=now,
                    )
                )
            else:
                existing.answer, existing.answered_at = answer, now

    def summary(self, meeting_id: int, occurrence_local: datetime) -> RsvpSummary:
        with self.database.read() as session:
            rows = session.scalars(
                select(Rsvp).where(
                    Rsvp.meeting_id == meeting_id, Rsvp.occurrence_local == occurrence_local
                )
            ).all()
            answers = {row.member_id: row.answer for row in rows}
        profiles = self.directory.snapshot().profiles
        by_country: dict[str, dict[str, int]] = {}
        for member_id, answer in answers.items():
            profile = profiles.get(member_id)
            country = profile.countries[0].code if profile and profile.countries else "—"
            by_country.setdefault(country, {}).setdefault(answer, 0)
            by_country[country][answer] += 1
        return RsvpSummary(by_country, answers)

    def who(
        self, meeting_id: int, occurrence_local: datetime, audience: str
    ) -> dict[str, dict[str, list[str]]]:
        """By country name: answer -> member names, with "none" for those yet to answer."""
        answers = self.summary(meeting_id, occurrence_local).answers
        table: dict[str, dict[str, list[str]]] = {}
        for profile in audience_members(self.directory.snapshot().profiles.values(), audience):
            country = profile.countries[0].name if profile.countries else "—"
            answer = answers.get(profile.slack_id, "none")
            table.setdefault(country, {}).setdefault(answer, []).append(profile.name)
        return dict(sorted(table.items()))
