"""The `/meeting` form's submission: checked in the ack (errors shown by the fields),
stored, and the invite posted in the background."""

from __future__ import annotations

import asyncio
from datetime import date, time
from typing import Any

from slack_bolt.async_app import AsyncAck

from bot.core import ids
from bot.core.background import Background
from bot.meetings.announcer import Announcement, SlackNotifier
from bot.meetings.blocks import scheduled_view
from scheduling.consortium.directory import MemberProfile
from scheduling.durations import parse_duration_minutes
from scheduling.meetings.recurrence import WEEKDAYS
from scheduling.meetings.service import MeetingChange, MeetingError, MeetingService, ScheduleRequest


def _value(state: dict[str, Any], block_id: str) -> Any:
    element = state.get(block_id, {}).get(block_id, {})
    kind = element.get("type")
    if kind == "static_select":
        return (element.get("selected_option") or {}).get("value")
    if kind == "datepicker":
        return element.get("selected_date")
    if kind == "timepicker":
        return element.get("selected_time")
    if kind == "conversations_select":
        return element.get("selected_conversation")
    return element.get("value")


def repeat_rule(choice: str, day: date) -> str | None:
    """The RRULE for 'same weekday' choices, read off the chosen first date."""
    if choice == "once":
        return None
    weekday = list(WEEKDAYS.values())[day.weekday()]
    if choice == "weekly":
        return f"FREQ=WEEKLY;BYDAY={weekday}"
    nth = (day.day - 1) // 7 + 1
    ordinal = nth if nth <= 4 else -1
    interval = ";INTERVAL=3" if choice == "quarterly" else ""
    return f"FREQ=MONTHLY{interval};BYDAY={ordinal}{weekday}"


def _field_for(message: str) -> str:
    lowered = message.lower()
    for needle, block in (
        ("time zone", ids.MEETING_ZONE),
        ("channel", ids.MEETING_CHANNEL),
        ("title", ids.MEETING_TITLE),
        ("exist", ids.MEETING_TIME),
        ("twice", ids.MEETING_TIME),
        ("kind", ids.MEETING_KIND),
    ):
        if needle in lowered:
            return block
    return ids.MEETING_DATE


async def submit(
    ack: AsyncAck,
    view: dict[str, Any],
    caller: MemberProfile,
    meetings: MeetingService,
    notifier: SlackNotifier,
    background: Background,
) -> None:
    state = view.get("state", {}).get("values", {})
    errors: dict[str, str] = {}
    day_text = _value(state, ids.MEETING_DATE)
    day = date.fromisoformat(day_text) if day_text else None
    if day is None:
        errors[ids.MEETING_DATE] = "Pick the date of the (first) meeting."
    time_text = _value(state, ids.MEETING_TIME)
    at = time.fromisoformat(time_text) if time_text else None
    kind = _value(state, ids.MEETING_KIND) or ""
    if at is None and kind != "physical":
        errors[ids.MEETING_TIME] = "Pick a start time; only physical meetings are all-day."
    duration = None
    try:
        duration = parse_duration_minutes(_value(state, ids.MEETING_DURATION) or "1h")
    except ValueError as error:
        errors[ids.MEETING_DURATION] = str(error)
    if not caller.is_coordinator:
        errors[ids.MEETING_TITLE] = "Only coordinators can schedule meetings."
    if errors or day is None:
        await ack(response_action="errors", errors=errors)
        return
    request = ScheduleRequest(
        kind=kind,
        title=_value(state, ids.MEETING_TITLE) or "",
        rrule=repeat_rule(_value(state, ids.MEETING_REPEAT) or "once", day),
        first_date=day,
        explicit_from=False,
        at=at,
        duration_minutes=duration,
        timezone=(_value(state, ids.MEETING_ZONE) or "").strip() or None,
        channel=_value(state, ids.MEETING_CHANNEL),
    )
    try:
        series = await asyncio.to_thread(meetings.schedule, request, caller.slack_id)
    except MeetingError as error:
        await ack(response_action="errors", errors={_field_for(str(error)): str(error)})
        return
    upcoming = await asyncio.to_thread(meetings.next_of, series)
    await ack(response_action="update", view=scheduled_view(series, upcoming))
    background.run(
        notifier.announce, Announcement(MeetingChange(series), "New meeting", caller.slack_id)
    )
