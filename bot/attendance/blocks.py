"""Block Kit builders for attendance: the *I'm here* message (with the count by country) and
the replies to a press and to `/meeting attended`."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime

from slack_sdk.models.blocks import ActionsBlock, Block, ButtonElement

from bot.core import ids
from bot.core.blocks import Message, as_dicts, context, plain_message, section
from bot.core.mrkdwn import escape, truncate
from scheduling.attendance.buttons import AttendanceNotice
from scheduling.attendance.service import Counts, Marked, Pressed
from scheduling.language.dates import short_date

MAX_COUNTRIES_SHOWN = 40  # a consortium has a few dozen at most; the line stays well in limits


def here_value(meeting_id: int, occurrence_local: datetime) -> str:
    return json.dumps({"m": meeting_id, "o": occurrence_local.isoformat()})


def counts_text(counts: Counts, country_names: Mapping[str, str]) -> str:
    """`3 here: Austria 2, Portugal 1 · 1 guest`, or that nobody pressed yet."""
    if not counts.members and not counts.guests:
        return "Nobody has pressed it yet."
    shown = list(counts.by_country.items())[:MAX_COUNTRIES_SHOWN]
    per = ", ".join(f"{escape(country_names.get(code, code))} {n}" for code, n in shown)
    more = ", …" if len(counts.by_country) > MAX_COUNTRIES_SHOWN else ""
    guests = f" · {counts.guests} guest{'s' if counts.guests != 1 else ''}" if counts.guests else ""
    return f"{counts.members} here: {per}{more}{guests}"


def attendance_message(notice: AttendanceNotice, country_names: Mapping[str, str]) -> Message:
    """`<title> has started: press I'm here`, the button, and who is here by country."""
    occurrence = notice.occurrence
    series = occurrence.series
    button = ButtonElement(
        text="I'm here",
        action_id=ids.ATTENDANCE_HERE,
        value=here_value(series.id, occurrence.original_local),
        style="primary",
        accessibility_label=f"I'm at {truncate(series.title, 50)}",
    )
    blocks: list[Block] = [
        section(f"*{escape(series.title)}* has started: press *I'm here*"),
        ActionsBlock(block_id=f"attendance-{series.id}", elements=[button]),
        context(truncate(counts_text(notice.counts, country_names), 2900)),
        context(f"{series.kind.label} #{series.id} · `/meeting who {series.id}` shows who came"),
    ]
    when = f"{short_date(occurrence.local_date)} {occurrence.start_local:%H:%M} {series.timezone}"
    text = escape(f"{series.title} has started: press I'm here ({when})")
    return Message(text=text, blocks=as_dicts(blocks))


def pressed_reply(pressed: Pressed) -> Message:
    title = pressed.series.title
    if pressed.added:
        return plain_message(f"Thanks: you are counted at {title}.")
    return plain_message(f"You are already counted at {title}.")


def marked_reply(marked: Marked) -> Message:
    what = f"{marked.series.title} on {short_date(marked.occurrence.local_date)}"
    parts = []
    if marked.added:
        parts.append(f"Marked present at {what}: {', '.join(marked.added)}.")
    if marked.already:
        parts.append(f"Already counted: {', '.join(marked.already)}.")
    return plain_message(" ".join(parts))
