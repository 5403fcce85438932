"""Block Kit builders for reminders (with RSVP buttons) and RSVP counts in words (the weekly
digest is `digest_blocks.py`)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime

from slack_sdk.models.blocks import ActionsBlock, Block, ButtonElement

from bot.agenda.proposing import propose_button
from bot.core import ids
from bot.core.blocks import Message, as_dicts, context, header, section
from bot.core.mrkdwn import escape, truncate
from bot.meetings.blocks import duration_text, link, when_mrkdwn, when_plain
from scheduling.delivery.notices import ReminderNotice
from scheduling.durations import format_duration
from scheduling.meetings.rsvp import RsvpSummary, RsvpTotals
from scheduling.vocabulary import RsvpAnswer


def rsvp_value(meeting_id: int, occurrence_local: datetime, offset: int) -> str:
    return json.dumps({"m": meeting_id, "o": occurrence_local.isoformat(), "r": offset})


def counts_line(summary: RsvpSummary, country_names: Mapping[str, str]) -> str:
    if not summary.answers:
        return "No answers yet."
    totals = " · ".join(f"{a.label}: {summary.total(a)}" for a in RsvpAnswer)
    per_country = "; ".join(
        f"{escape(country_names.get(code, code))} "
        + "/".join(str(counts.get(a, 0)) for a in RsvpAnswer)
        for code, counts in sorted(summary.by_country.items())
    )
    return f"{totals}\nBy country (going/not going/maybe): {per_country}"


def totals_words(totals: RsvpTotals) -> str:
    """`3 going · 1 not going · 0 maybe · 7 no answer`: every count named, none left to colour."""
    return (
        f"{totals.going} going · {totals.not_going} not going · {totals.maybe} maybe · "
        f"{totals.no_answer} no answer"
    )


def reminder_message(notice: ReminderNotice, country_names: Mapping[str, str]) -> Message:
    """The reminder: when (date tokens), how long, where or how to join, and RSVP buttons."""
    occurrence = notice.reminder.occurrence
    series = occurrence.series
    kind = series.kind.label
    before = format_duration(notice.reminder.offset_minutes)
    lines = [f"*When:* {when_mrkdwn(occurrence)}"]
    if not series.all_day:
        lines.append(f"*Duration:* {duration_text(series)}")
    if series.join_url:
        lines.append(f"*Join:* {link(series.join_url, 'join link')}")
    if series.location:
        lines.append(f"*Where:* {escape(series.location)}")
    value = rsvp_value(series.id, occurrence.original_local, notice.reminder.offset_minutes)
    buttons = [
        ButtonElement(
            text=answer.label,
            action_id=ids.RSVP_ACTIONS[answer],
            value=value,
            style="primary" if answer == RsvpAnswer.GOING else None,
            accessibility_label=f"{answer.label} to {truncate(series.title, 50)}",
        )
        for answer in RsvpAnswer
    ]
    propose = propose_button(occurrence)
    if propose is not None:  # a meeting whose agenda comes from the countries' topics
        buttons.append(propose)
    blocks: list[Block] = [
        header(f"Reminder: {series.title}"),
        section("\n".join(lines)),
        ActionsBlock(block_id=f"rsvp-{series.id}", elements=buttons),
        context(counts_line(notice.rsvp, country_names)),
        context(
            f"{kind} #{series.id} · reminder {before} before · `/meeting who {series.id}` lists answers"
        ),
    ]
    text = escape(f"Reminder ({before} before): {series.title}, {when_plain(occurrence)}")
    return Message(text=text, blocks=as_dicts(blocks))
