"""Block Kit builders for meetings: lists, upcoming occurrences, invite cards, the modal."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from slack_sdk.models.blocks import Block, DividerBlock

from bot.core import ids
from bot.core.blocks import (
    MAX_MESSAGE_BLOCKS,
    MAX_SECTION_TEXT,
    Message,
    as_dicts,
    context,
    header,
    input_block,
    option,
    section,
)
from bot.core.mrkdwn import date_token, escape
from scheduling.consortium.file import MEETING_KINDS
from scheduling.durations import format_duration
from scheduling.meetings.occurrences import Occurrence, Series

KIND_LABELS = {
    "jour-fixe": "Jour fixe",
    "consortium": "Consortium meeting",
    "core-team": "Core-team meeting",
    "physical": "Physical meeting",
    "webinar": "Webinar",
    "workshop": "Workshop",
}
AUDIENCE_WORDS = {
    "all": "everyone",
    "core": "core countries",
    "supporting": "supporting countries",
    "wp-lead": "work-package and task leaders",
}


def audience_words(audience: str) -> str:
    if audience.startswith("countries:"):
        return audience.removeprefix("countries:").replace(",", ", ")
    return AUDIENCE_WORDS.get(audience, audience)


def _day_text(day: date) -> str:
    return f"{day:%a} {day.day} {day:%b %Y}"


def when_mrkdwn(occurrence: Occurrence) -> str:
    """Date tokens for timed meetings (each reader sees local time); plain dates for all-day ones."""
    series = occurrence.series
    if series.all_day:
        last = occurrence.start_local.date() + series.duration - timedelta(days=1)
        days = _day_text(occurrence.start_local.date())
        if last != occurrence.start_local.date():
            days += f" – {_day_text(last)}"
        return f"{days} (all day, {escape(series.timezone)})"
    start = date_token(occurrence.start, series.timezone)
    end = date_token(occurrence.end, series.timezone, "{time}")
    return f"{start} – {end}"


def when_plain(occurrence: Occurrence) -> str:
    """The same moment in words, in the meeting's own zone, for notifications' `text`."""
    series = occurrence.series
    local = occurrence.start.astimezone(ZoneInfo(series.timezone))
    if series.all_day:
        return f"{_day_text(occurrence.start_local.date())} (all day)"
    return f"{_day_text(local.date())} {local:%H:%M} {local.tzname()}"


def link(url: str, label: str) -> str:
    """A link the bot builds from a URL it validated; `|` would end the URL early."""
    return f"<{escape(url).replace('|', '%7C')}|{escape(label)}>"


def series_details(series: Series, occurrence: Occurrence | None) -> str:
    lines = []
    if occurrence is not None:
        lines.append(f"*When:* {when_mrkdwn(occurrence)}")
    lines.append(f"*Repeats:* {escape(series.rule_in_words)}")
    if not series.all_day:
        lines.append(f"*Duration:* {format_duration(int(series.duration.total_seconds() // 60))}")
    if series.location:
        lines.append(f"*Where:* {escape(series.location)}")
    if series.join_url:
        lines.append(f"*Join:* {link(series.join_url, 'join link')}")
    lines.append(f"*For:* {escape(audience_words(series.audience))}")
    return "\n".join(lines)


def meeting_card(
    series: Series, occurrence: Occurrence | None, headline: str, note: str | None = None
) -> Message:
    """The message posted to a meeting's channel with its invite file in the thread."""
    kind = KIND_LABELS.get(series.kind, series.kind)
    when = when_plain(occurrence) if occurrence else "no upcoming date"
    text = escape(f"{headline}: {series.title} ({kind}), {when}")
    blocks: list[Block] = [header(f"{kind}: {series.title}"), section(f"*{escape(headline)}*")]
    if note:
        blocks.append(section(note))
    blocks.append(section(series_details(series, occurrence)))
    blocks.append(
        context(
            f"Meeting #{series.id}. The calendar file is in this message's thread; "
            "`/consortium subscribe` gives a feed that stays up to date."
        )
    )
    return Message(text=text, blocks=as_dicts(blocks))


def cancellation_note(series: Series, occurrence_local: datetime | None) -> str:
    if occurrence_local is None:
        return "The whole series is cancelled."
    return f"Only the occurrence of {_day_text(occurrence_local.date())} is cancelled."


def _chunks(lines: Sequence[str], limit: int = MAX_SECTION_TEXT) -> list[str]:
    chunks: list[str] = []
    current = ""
    for line in lines:
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > limit and current:
            chunks.append(current)
            current = line
        else:
            current = candidate
    if current:
        chunks.append(current)
    return chunks


def _listing(title: str, lines: Sequence[str], empty: str, text: str) -> Message:
    blocks: list[Block] = [header(title)]
    if not lines:
        blocks.append(section(empty))
        return Message(text=empty, blocks=as_dicts(blocks))
    chunks = _chunks(lines)
    room = MAX_MESSAGE_BLOCKS - 2
    for chunk in chunks[:room]:
        blocks.append(section(chunk))
    if len(chunks) > room:
        blocks.append(
            context("More than fit in one message: narrow it down, e.g. `/meeting next webinar`.")
        )
    return Message(text=text, blocks=as_dicts(blocks))


def meeting_list(entries: Sequence[tuple[Series, Occurrence | None]]) -> Message:
    lines = []
    for series, upcoming in entries:
        kind = KIND_LABELS.get(series.kind, series.kind)
        nxt = when_mrkdwn(upcoming) if upcoming else "no upcoming date"
        lines.append(
            f"*#{series.id}* {escape(series.title)} · {kind} · {escape(series.rule_in_words)}\n"
            f"      next: {nxt}"
        )
    text = f"{len(entries)} meetings scheduled" if entries else "No meetings are scheduled."
    return _listing(
        "Meetings", lines, "No meetings are scheduled yet. `/meeting schedule` adds one.", text
    )


def upcoming_list(found: Sequence[Occurrence], kind: str | None) -> Message:
    what = KIND_LABELS.get(kind, "meetings") if kind else "meetings"
    lines = []
    for occurrence in found:
        series = occurrence.series
        moved = " _(moved)_" if occurrence.moved else ""
        lines.append(f"{when_mrkdwn(occurrence)} · *{escape(series.title)}* (#{series.id}){moved}")
    text = escape(
        f"Next {what}: " + "; ".join(f"{o.series.title} {when_plain(o)}" for o in found[:3])
        if found
        else f"No upcoming {what}."
    )
    return _listing(
        f"Next {what}" if kind else "Next meetings", lines, f"No upcoming {what}.", text
    )


def usage_message(reason: str, usage: str, example: str) -> Message:
    text = escape(f"{reason}. Usage: {usage}")
    blocks = [
        section(f"{escape(reason)}.\n*Usage:* `{escape(usage)}`\n*Example:* `{escape(example)}`")
    ]
    return Message(text=text, blocks=as_dicts(blocks))


def refusal_message(reason: str) -> Message:
    return Message(text=escape(reason), blocks=as_dicts([section(escape(reason))]))


def coordinators_only_message(names: Sequence[str]) -> Message:
    who = ", ".join(names) or "a coordinator"
    text = escape(f"Only coordinators can change meetings. Ask {who}.")
    return Message(text=text, blocks=as_dicts([section(text)]))


def confirmation_message(text: str) -> Message:
    return Message(text=escape(text), blocks=as_dicts([section(escape(text))]))


def schedule_modal(default_zone: str, today: date, channel_id: str | None) -> dict[str, Any]:
    """The `/meeting` form: the same fields as the command, with pickers."""
    kinds = [option(KIND_LABELS[k], k) for k in MEETING_KINDS]
    repeats = [
        option("Once", "once"),
        option("Every week, same weekday", "weekly"),
        option("Every month, same weekday (e.g. first Thursday)", "monthly"),
        option("Every quarter, same weekday", "quarterly"),
    ]
    channel_element: dict[str, Any] = {
        "type": "conversations_select",
        "action_id": ids.MEETING_CHANNEL,
        "filter": {"include": ["public", "private"], "exclude_bot_users": True},
    }
    if channel_id:
        channel_element["initial_conversation"] = channel_id
    blocks: list[dict[str, Any]] = [
        input_block(
            ids.MEETING_KIND,
            "Kind",
            {"type": "static_select", "options": kinds, "initial_option": kinds[0]},
        ),
        input_block(ids.MEETING_TITLE, "Title", {"type": "plain_text_input", "max_length": 250}),
        input_block(
            ids.MEETING_DATE,
            "Date (the first one)",
            {"type": "datepicker", "initial_date": today.isoformat()},
        ),
        input_block(
            ids.MEETING_TIME,
            "Start time (leave empty for an all-day physical meeting)",
            {"type": "timepicker", "initial_time": "10:00"},
            optional=True,
        ),
        input_block(
            ids.MEETING_DURATION,
            "Duration (e.g. 90m, 2h; days for all-day meetings, e.g. 2d)",
            {"type": "plain_text_input", "initial_value": "1h", "max_length": 20},
        ),
        input_block(
            ids.MEETING_REPEAT,
            "Repeats",
            {"type": "static_select", "options": repeats, "initial_option": repeats[0]},
        ),
        input_block(
            ids.MEETING_ZONE,
            "Time zone of the meeting (IANA name)",
            {"type": "plain_text_input", "initial_value": default_zone, "max_length": 64},
        ),
        input_block(ids.MEETING_CHANNEL, "Channel for the invite and reminders", channel_element),
    ]
    return {
        "type": "modal",
        "callback_id": ids.MEETING_MODAL,
        "title": {"type": "plain_text", "text": "Schedule a meeting"},
        "submit": {"type": "plain_text", "text": "Schedule"},
        "close": {"type": "plain_text", "text": "Cancel"},
        "blocks": blocks,
    }


def scheduled_view(series: Series, occurrence: Occurrence | None) -> dict[str, Any]:
    """What the modal turns into once the meeting is scheduled."""
    return {
        "type": "modal",
        "title": {"type": "plain_text", "text": "Meeting scheduled"},
        "close": {"type": "plain_text", "text": "Done"},
        "blocks": [
            section(f"*#{series.id} {escape(series.title)}* is scheduled.").to_dict(),
            section(series_details(series, occurrence)).to_dict(),
            DividerBlock().to_dict(),
            context("The invite is being posted to the meeting's channel.").to_dict(),
        ],
    }
