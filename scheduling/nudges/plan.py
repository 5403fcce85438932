"""When a round's next nudges are queued (`Round.next_nudge_at`, the sweep's index), kept right
on every change of the round: opened, closed, reopened, paused, resumed, rules changed,
imported. Computed in the consortium's calendar, from the consortium's today on."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from scheduling.errors import FieldError
from scheduling.nudges.rules import (
    DEFAULT_RULES,
    NudgeRule,
    next_nominal_day,
    parse_rules,
    trigger_at,
)
from scheduling.workdays.days import WorkingDays
from scheduling.workdays.service import consortium_days
from storage.models import Round
from storage.repositories import UnitOfWork


def stored_rules(stored: Sequence[object] | None) -> tuple[NudgeRule, ...] | None:
    """Rules as stored (a list of their words); None when none are stored or they no longer
    read (then the next default applies)."""
    if stored is None:
        return None
    try:
        return parse_rules(str(text) for text in stored)
    except FieldError:
        return None


def rules_of(round_: Round, consortium_rules: Sequence[object] | None) -> tuple[NudgeRule, ...]:
    """A round's rules: its own, else the consortium file's `nudges:`, else DEFAULT_RULES."""
    for stored in (round_.nudges, consortium_rules):
        rules = stored_rules(stored)
        if rules is not None:
            return rules
    return parse_rules(DEFAULT_RULES)


def consortium_rules(work: UnitOfWork) -> Sequence[object] | None:
    consortium = work.directory.consortium()
    return consortium.nudges if consortium is not None else None


def next_day(
    round_: Round, rules: Sequence[NudgeRule], calendar: WorkingDays, today: date
) -> date | None:
    """The round's next nominal day from `today` on (today included: a day whose nudges were
    queued already is queued again under the same keys, which changes nothing); None when
    the round is closed or paused, or no nudge is left."""
    if round_.closed_at is not None or round_.nudges_paused or not rules:
        return None
    return next_nominal_day(
        rules, round_.opens_on, round_.due_on, calendar, today - timedelta(days=1)
    )


def plan_nudges(work: UnitOfWork, round_: Round, today: date) -> date | None:
    """Set the round's `next_nudge_at` from `today` (the consortium's) on, in the caller's
    transaction; returns the next nominal day (None: no nudge is left or they are off)."""
    rules = rules_of(round_, consortium_rules(work))
    day = next_day(round_, rules, consortium_days(work), today)
    round_.next_nudge_at = trigger_at(day) if day is not None else None
    return day
