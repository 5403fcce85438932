"""Quick notes that count for rounds.

A note posted while an open round asks the note's country, and the country has not answered
it, is offered to be counted: it becomes the country's answer, or, when the country answered
in the meantime, it is added to that answer's note (as an edit, with its revision).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from scheduling.updates.views import RoundRef, RoundView
from scheduling.vocabulary import Audience
from storage.models import CountryUpdate, UpdateRevision
from storage.repositories import UnitOfWork

__all__ = ["Counted", "add_to_answer", "awaiting_round", "first_answer"]


@dataclass(frozen=True)
class Counted:
    """A note counted for a round: the round, and whether it was added to an earlier answer
    (`answer_id`) rather than becoming the answer itself."""

    round: RoundRef
    note_id: int
    answer_id: int | None = None


def awaiting_round(work: UnitOfWork, country_code: str) -> RoundView | None:
    """The open round asking the country that it has not answered (the one opened last)."""
    roles = {c.code: c.role for c in work.directory.countries()}
    asking = [
        r
        for r in work.rounds.open_rounds()
        if country_code in Audience.from_stored(r.audience).countries(roles)
    ]
    answered = {
        s.round_id
        for s in work.updates.submissions([r.id for r in asking])
        if s.country_code == country_code
    }
    return next((RoundView.of(r) for r in asking if r.id not in answered), None)


def first_answer(work: UnitOfWork, round_id: int, country_code: str) -> CountryUpdate | None:
    """The country's first update answering the round, if it has one."""
    found = work.updates.in_rounds([round_id])
    return next((u for u in found if u.country_code == country_code), None)


def add_to_answer(
    answer: CountryUpdate, text: str, editor_id: str, now: datetime, limit: int
) -> bool:
    """Add `text` as a paragraph of the answer's note, kept as a revision; False (nothing
    changed) when the note would hold more than `limit` characters."""
    before = answer.note or ""
    after = f"{before.rstrip()}\n\n{text}" if before.strip() else text
    if len(after) > limit:
        return False
    answer.note = after
    answer.updated_at = now
    answer.version += 1
    answer.revisions.append(
        UpdateRevision(editor_id=editor_id, edited_at=now, changes={"note": [before, after]})
    )
    return True
