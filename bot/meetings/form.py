"""The `/meeting` form: the same fields as the command, with pickers, and the place, join
link, audience and reminders; its submission is checked in the ack (each error shown under
its own field), stored, and the invite posted after.

Left empty, the channel, audience and reminders are the kind's. A past date is refused for a
one-off meeting; for a repeating one it is the series' start (the command's `from`).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import date, time
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from slack_bolt.async_app import AsyncAck
from slack_sdk import WebClient
from slack_sdk.models.blocks import DividerBlock

from bot.checks.forms import (
    as_state,
    carried,
    carried_values,
    meeting_warning_error,
    meeting_warning_view,
    problem_view,
)
from bot.core import ids
from bot.core.access import tell_presser
from bot.core.blocks import context, done_view, input_block, option, plain_message, section
from bot.core.forms import field_errors, state_value
from bot.core.mrkdwn import escape
from bot.core.web_api.background import Background
from bot.meetings.announcer import MeetingAnnouncer
from bot.meetings.blocks import series_details
from scheduling.consortium.directory import MemberProfile
from scheduling.durations import format_duration
from scheduling.errors import FieldError
from scheduling.meetings.edits import (
    check_link,
    check_location,
    check_title,
    parse_meeting_duration,
    parse_reminders,
)
from scheduling.meetings.occurrences import Occurrence, Series
from scheduling.meetings.service import MeetingService, ScheduleRequest, check_zone
from scheduling.vocabulary import FEED_AUDIENCES, Audience, MeetingKind, VocabularyError, Weekday
from scheduling.workdays.checking import CalendarChecks

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
    "location": ids.MEETING_LOCATION,
    "link": ids.MEETING_LINK,
    "audience": ids.MEETING_AUDIENCE,
    "reminders": ids.MEETING_REMINDERS,
    "reminder": ids.MEETING_REMINDERS,
}
PAST_DATE = "That date has passed; pick a date from today on."


def _kinds_hint(what: str, of: Callable[[MeetingKind], str]) -> str:
    """A hint naming what each kind gets when the field is left empty: `Empty: the kind's
    <what>: jour fixe 1d 1h, …; the others 1w 1d 1h.`"""
    usual = of(MeetingKind.CONSORTIUM)
    special = [f"{kind.label.lower()} {of(kind)}" for kind in MeetingKind if of(kind) != usual]
    return f"Empty: the kind's {what}: {', '.join(special)}; the others {usual}."


def _hint(text: str) -> dict[str, Any]:
    return {"type": "plain_text", "text": text}


def schedule_modal(default_zone: str, first_day: date) -> dict[str, Any]:
    """The `/meeting` form: the same fields as the command, with pickers; the first date
    proposed is the next working day."""
    kinds = [option(kind.label, str(kind)) for kind in MeetingKind]
    repeats = [
        option("Once", "once"),
        option("Every week, same weekday", "weekly"),
        option("Every month, same weekday (e.g. first Thursday)", "monthly"),
        option("Every quarter, same weekday", "quarterly"),
    ]
    audiences = [option(audience.label, audience.stored()) for audience in FEED_AUDIENCES]
    channel_element: dict[str, Any] = {
        "type": "conversations_select",
        "action_id": ids.MEETING_CHANNEL,
        "filter": {"include": ["public", "private"], "exclude_bot_users": True},
    }
    reminders = _kinds_hint(
        "reminders, before each meeting",
        lambda kind: " ".join(format_duration(m) for m in kind.default_reminders),
    )
    channel = input_block(
        ids.MEETING_CHANNEL, "Channel for the invite and reminders", channel_element, True
    ) | {
        "hint": _hint(
            "Empty: the consortium file's channel for the kind (jour-fixe, core-team), "
            "else its announcements channel."
        )
    }
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
            {"type": "datepicker", "initial_date": first_day.isoformat()},
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
        channel,
        input_block(
            ids.MEETING_LOCATION,
            "Location",
            {
                "type": "plain_text_input",
                "max_length": 500,
                "placeholder": _hint("e.g. FFG, Vienna"),
            },
            optional=True,
        ),
        input_block(
            ids.MEETING_LINK,
            "Join link",
            {
                "type": "plain_text_input",
                "max_length": 2000,
                "placeholder": _hint("https://zoom.example/j/123"),
            },
            optional=True,
        ),
        input_block(
            ids.MEETING_AUDIENCE, "For", {"type": "static_select", "options": audiences}, True
        )
        | {"hint": _hint(_kinds_hint("audience", lambda kind: kind.default_audience.words))},
        input_block(
            ids.MEETING_REMINDERS,
            "Reminders (e.g. 1d 1h, or none)",
            {"type": "plain_text_input", "max_length": 100},
            optional=True,
        )
        | {"hint": _hint(reminders)},
    ]
    return {
        "type": "modal",
        "callback_id": ids.MEETING_MODAL,
        "title": {"type": "plain_text", "text": "Schedule a meeting"},
        "submit": {"type": "plain_text", "text": "Schedule"},
        "close": {"type": "plain_text", "text": "Cancel"},
        "blocks": blocks,
    }


def scheduled_view(
    series: Series, occurrence: Occurrence | None, began: date | None = None
) -> dict[str, Any]:
    """What the modal turns into once the meeting is scheduled (`began`: the past date a
    series was recorded from)."""
    note = "The invite is being posted to the meeting's channel."
    if began is not None:
        note += f" The series began on {began:%a} {began.day} {began:%b %Y}, before today."
    return done_view(
        "Meeting scheduled",
        [
            section(f"*#{series.id} {escape(series.title)}* is scheduled."),
            section(series_details(series, occurrence)),
            DividerBlock(),
            context(note),
        ],
    )


def open_form(client: WebClient, trigger_id: str, meetings: MeetingService) -> None:
    """Open the form at once: the trigger_id dies 3 s after the command."""
    zone, first_day = meetings.form_defaults()
    client.views_open(trigger_id=trigger_id, view=schedule_modal(zone, first_day))


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


# Optional text inputs, each checked as the service will, so every error shows at once.
_TEXT_CHECKS: tuple[tuple[str, Callable[[str], object]], ...] = (
    (ids.MEETING_LOCATION, check_location),
    (ids.MEETING_LINK, check_link),
    (ids.MEETING_REMINDERS, parse_reminders),
)


def _text(state: dict[str, Any], block: str) -> str | None:
    return (state_value(state, block) or "").strip() or None


def _today_in(meetings: MeetingService, zone: str | None) -> date | None:
    """Today in the meeting's zone, on the bot's clock; None when the zone is not one (the
    service then says so under the zone)."""
    try:
        name = check_zone(zone or "")
    except FieldError:
        return None
    return meetings.clock.now().astimezone(ZoneInfo(name)).date()


async def submit(
    ack: AsyncAck,
    view: dict[str, Any],
    caller: MemberProfile,
    meetings: MeetingService,
    announcer: MeetingAnnouncer,
    background: Background,
    checks: CalendarChecks,
) -> None:
    """Schedule the meeting; first, when its (first) occurrence falls on an audience country's
    holiday or out of an audience member's hours, push the warning over the form."""
    state = view.get("state", {}).get("values", {})
    request, errors, past = _read(state, meetings)
    if errors or request is None:
        await ack(response_action="errors", errors=errors)
        return
    preview = await asyncio.to_thread(checks.meeting_schedule, caller, request)
    if preview is not None:
        # A join link alone may be 2,000 characters: when what the form said does not fit in
        # the pushed view, the warning goes under the date and the form keeps what was typed.
        metadata = carried({block: state_value(state, block) for block in FIELD_BLOCKS.values()})
        if metadata is None:
            error = meeting_warning_error(preview)
            await ack(response_action="errors", errors={ids.MEETING_DATE: error})
        else:
            await ack(response_action="push", view=meeting_warning_view(preview, metadata))
        return
    await _schedule(ack, request, past, caller, meetings, announcer, background, state)


async def submit_checked(
    ack: AsyncAck,
    view: dict[str, Any],
    caller: MemberProfile,
    meetings: MeetingService,
    announcer: MeetingAnnouncer,
    background: Background,
    web: WebClient,
) -> None:
    """The warning pushed over the form, submitted ("Schedule anyway"): schedule what the
    form said, as the form would, close both views and say so in the coordinator's DM."""
    request, errors, past = _read(as_state(carried_values(view)), meetings)
    if errors or request is None:
        said = " ".join(errors.values()) or "The form could not be read."
        await ack(response_action="update", view=problem_view("Not scheduled", said))
        return
    await _schedule(ack, request, past, caller, meetings, announcer, background, None, web)


async def _schedule(
    ack: AsyncAck,
    request: ScheduleRequest,
    past: bool,
    caller: MemberProfile,
    meetings: MeetingService,
    announcer: MeetingAnnouncer,
    background: Background,
    state: dict[str, Any] | None,
    web: WebClient | None = None,
) -> None:
    """Schedule and announce; `state`: the form's (None: from the warning, which says what
    went wrong in its place, Back to the form, and closes with the form once done)."""
    try:
        change = await asyncio.to_thread(meetings.schedule, caller, request)
    except FieldError as error:
        if state is None:
            await ack(response_action="update", view=problem_view("Not scheduled", str(error)))
        else:
            await ack(**field_errors(error, FIELD_BLOCKS, state, ids.MEETING_DATE))
        return
    if state is None:
        await ack(response_action="clear")
        if web is not None:
            said = plain_message(f"Scheduled #{change.series.id} {escape(change.series.title)}.")
            background.messages.run(tell_presser, web, caller.slack_id, said, None)
    else:
        began = request.first_date if past else None
        await ack(response_action="update", view=scheduled_view(change.series, change.shown, began))
    background.messages.run(announcer.announce, change, caller.slack_id)


def _read(
    state: dict[str, Any], meetings: MeetingService
) -> tuple[ScheduleRequest | None, dict[str, str], bool]:
    """The request the form says, the errors under its fields, and whether its date has
    passed (a series' start)."""
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
    title = state_value(state, ids.MEETING_TITLE) or ""
    for block, check in ((ids.MEETING_TITLE, check_title), *_TEXT_CHECKS):
        text = title if block == ids.MEETING_TITLE else _text(state, block)
        if text is None:
            continue
        try:
            check(text)
        except FieldError as error:
            errors[block] = str(error)
    audience = None
    chosen = state_value(state, ids.MEETING_AUDIENCE)
    try:
        audience = Audience.parse([chosen], ()) if chosen else None
    except VocabularyError as error:
        errors[ids.MEETING_AUDIENCE] = str(error)
    zone = _text(state, ids.MEETING_ZONE)
    repeat = state_value(state, ids.MEETING_REPEAT) or "once"
    today = _today_in(meetings, zone)
    # A past date starts a repeating series (as the command's `from` does); once, it is a slip.
    past = day is not None and today is not None and day < today
    if past and repeat == "once":
        errors[ids.MEETING_DATE] = PAST_DATE
    if errors or day is None or kind is None:
        return None, errors, past
    request = ScheduleRequest(
        kind=kind,
        title=title,
        rrule=repeat_rule(repeat, day),
        first_date=day,
        explicit_from=past,
        at=at,
        duration_minutes=duration,
        timezone=zone,
        channel=state_value(state, ids.MEETING_CHANNEL),
        audience=audience,
        reminders=_text(state, ids.MEETING_REMINDERS),
        location=_text(state, ids.MEETING_LOCATION),
        join_url=_text(state, ids.MEETING_LINK),
    )
    return request, errors, past
