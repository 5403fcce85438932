"""The `/meeting` form: the same fields as the command, with pickers; its submission is
checked in the ack (errors shown under their fields), stored, and the invite posted after."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import date, time
from typing import Any, TypeVar

from slack_bolt.async_app import AsyncAck
from slack_sdk import WebClient
from slack_sdk.models.blocks import DividerBlock

from bot.core import ids
from bot.core.background import Background
from bot.core.blocks import context, input_block, option, section
from bot.core.forms import field_errors, state_value
from bot.core.mrkdwn import escape
from bot.meetings.announcer import MeetingAnnouncer
from bot.meetings.blocks import series_details
from scheduling.consortium.directory import MemberProfile
from scheduling.errors import FieldError
from scheduling.meetings.edits import parse_meeting_duration
from scheduling.meetings.occurrences import Occurrence, Series
from scheduling.meetings.service import MeetingService, ScheduleRequest
from scheduling.vocabulary import MeetingKind, VocabularyError, Weekday

# Which input shows an error about which field of the request.
FIELD_BLOCKS = {
    "kind": ids.MEETING_KIND,
    "title": ids.MEETING_TITLE,
    "date": ids.MEETING_DATE,
    "time": ids.MEETING_TIME,
    "duration": ids.MEETING_DURATION,
    "repeat": ids.MEETING_REPEAT,
    "timezone": ids.MEETING_ZONE,
    "channel": ids.MEETING_CHANNEL,
}


def schedule_modal(default_zone: str, today: date, channel_id: str | None) -> dict[str, Any]:
    """The `/meeting` form: the same fields as the command, with pickers."""
    kinds = [option(kind.label, str(kind)) for kind in MeetingKind]
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


def open_form(
    client: WebClient, trigger_id: str, meetings: MeetingService, channel_id: str | None
) -> None:
    """Open the form at once: the trigger_id dies 3 s after the command."""
    zone, today = meetings.form_defaults()
    client.views_open(trigger_id=trigger_id, view=schedule_modal(zone, today, channel_id))


def repeat_rule(choice: str, day: date) -> str | None:
    """The RRULE for 'same weekday' choices, read off the chosen first date."""
    if choice == "once":
        return None
    weekday = Weekday.of(day).code
    if choice == "weekly":
        return f"FREQ=WEEKLY;BYDAY={weekday}"
    nth = (day.day - 1) // 7 + 1
    ordinal = nth if nth <= 4 else -1
    interval = ";INTERVAL=3" if choice == "quarterly" else ""
    return f"FREQ=MONTHLY{interval};BYDAY={ordinal}{weekday}"


T = TypeVar("T")


def _picked(parse: Callable[[str], T], text: str | None) -> T | None:
    """A date or time picker's value; None when there is none (or none a picker sends)."""
    try:
        return parse(text) if text else None
    except ValueError:
        return None


async def submit(
    ack: AsyncAck,
    view: dict[str, Any],
    caller: MemberProfile,
    meetings: MeetingService,
    announcer: MeetingAnnouncer,
    background: Background,
) -> None:
    state = view.get("state", {}).get("values", {})
    errors: dict[str, str] = {}
    day = _picked(date.fromisoformat, state_value(state, ids.MEETING_DATE))
    if day is None:
        errors[ids.MEETING_DATE] = "Pick the date of the (first) meeting."
    at = _picked(time.fromisoformat, state_value(state, ids.MEETING_TIME))
    kind: MeetingKind | None = None
    try:
        kind = MeetingKind.parse(state_value(state, ids.MEETING_KIND) or "")
    except VocabularyError as error:
        errors[ids.MEETING_KIND] = str(error)
    if at is None and kind is not None and kind != MeetingKind.PHYSICAL:
        errors[ids.MEETING_TIME] = "Pick a start time; only physical meetings are all-day."
    duration = None
    try:
        duration = parse_meeting_duration(state_value(state, ids.MEETING_DURATION) or "1h")
    except VocabularyError as error:
        errors[ids.MEETING_DURATION] = str(error)
    if errors or day is None or kind is None:
        await ack(response_action="errors", errors=errors)
        return
    request = ScheduleRequest(
        kind=kind,
        title=state_value(state, ids.MEETING_TITLE) or "",
        rrule=repeat_rule(state_value(state, ids.MEETING_REPEAT) or "once", day),
        first_date=day,
        explicit_from=False,
        at=at,
        duration_minutes=duration,
        timezone=(state_value(state, ids.MEETING_ZONE) or "").strip() or None,
        channel=state_value(state, ids.MEETING_CHANNEL),
    )
    try:
        change = await asyncio.to_thread(meetings.schedule, caller, request)
    except FieldError as error:
        await ack(**field_errors(error, FIELD_BLOCKS, state, ids.MEETING_DATE))
        return
    await ack(response_action="update", view=scheduled_view(change.series, change.shown))
    background.messages.run(announcer.announce, change, caller.slack_id)
