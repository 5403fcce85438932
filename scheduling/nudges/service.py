"""A round's nudges as coordinators set them (`/round nudges`): pause, resume, off, or rules
of their own; each change moves the round's `next_nudge_at` in the same transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from scheduling.clock import Clock
from scheduling.consortium.directory import MemberProfile
from scheduling.errors import FieldError, NotAllowedError
from scheduling.language.words import suggest
from scheduling.nudges.plan import consortium_rules, next_day, plan_nudges, rules_of
from scheduling.nudges.rules import NudgeRule, parse_rules
from scheduling.updates.rounds import RoundError, _find
from scheduling.updates.views import RoundView, consortium_today
from scheduling.workdays.service import consortium_days
from storage.db import Database

PAUSE, RESUME, OFF = "pause", "resume", "off"
# The words rules are made of, for a did-you-mean on a slip of the keys.
RULE_WORDS = (
    "working", "business", "day", "days", "week", "weeks", "before", "after", "every",
    "month", "months", "weekly", "monthly", "on", "the", "due", "date",
)  # fmt: skip


@dataclass(frozen=True)
class NudgeSettings:
    """A round's nudges after a change (`changed`: what it did, "" when only shown)."""

    round: RoundView
    rules: tuple[NudgeRule, ...]
    own_rules: bool
    paused: bool
    next_day: date | None
    changed: str = ""


def read_rules(text: str) -> tuple[NudgeRule, ...]:
    """Rules from a coordinator's words; an unreadable one names the field and, when a slip
    of the keys explains it, what was meant."""
    try:
        return parse_rules([text])
    except FieldError as error:
        fixed = " ".join(
            word if word.isdigit() else (suggest(word, RULE_WORDS, cutoff=0.75) or word)
            for word in text.lower().split()
        )
        try:
            parse_rules([fixed])
        except FieldError:
            raise error from None
        raise FieldError(f"{error} Did you mean '{fixed}'?", "nudges") from None


class NudgeService:
    def __init__(self, database: Database, clock: Clock) -> None:
        self.database = database
        self.clock = clock

    def change(self, actor: MemberProfile, reference: str | None, setting: str) -> NudgeSettings:
        """`setting`: pause, resume, off, rules in words, or "" to show them."""
        if not actor.is_coordinator:
            raise NotAllowedError("Only coordinators can set the nudges of rounds.")
        said = setting.strip()
        rules = read_rules(said) if said.lower() not in ("", PAUSE, RESUME, OFF) else None
        with self.database.write() as work:
            named = _find(work, reference, newest=True)
            round_ = work.rounds.get_to_change(named.id) or named
            if round_.closed_at is not None and said:
                raise RoundError(
                    f"The round “{round_.title}” is closed; it nudges nobody.", "round"
                )
            changed = said.lower()
            if changed == PAUSE:
                round_.nudges_paused = True
            elif changed == RESUME:
                round_.nudges_paused = False
            elif changed == OFF:
                round_.nudges, round_.nudges_paused = [], False
            elif rules is not None:
                round_.nudges, changed = [str(rule) for rule in rules], "set"
            today = consortium_today(work, self.clock)[1]
            day = plan_nudges(work, round_, today) if said else None
            own = round_.nudges is not None
            shown = rules_of(round_, consortium_rules(work))
            if not said:
                day = next_day(round_, shown, consortium_days(work), today)
            return NudgeSettings(
                RoundView.of(round_), shown, own, round_.nudges_paused, day, changed
            )
