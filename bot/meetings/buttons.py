"""The buttons of a cancellation: choose the meeting, confirm or keep it, and undo it.

Each acks at once and answers by response_url, in place of the message that carried the
button (the question becomes the outcome, the Undo button goes once used). Only Confirm and
Undo change anything, and the service checks the presser's role again for both.
"""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncRespond

from bot.core import ids
from bot.core.blocks import plain_message
from bot.core.buttons import answer_in_place, answered_call, carried_number, pressed_object
from bot.core.web_api.background import Background
from bot.meetings.announcer import MeetingAnnouncer
from bot.meetings.blocks import cancel_confirmation, cancelled_message
from scheduling.consortium.directory import MemberProfile
from scheduling.errors import FieldError
from scheduling.language.dates import short_date
from scheduling.meetings.cancels import CancelTicket
from scheduling.meetings.service import MeetingChange, MeetingService

GONE = "That button no longer works; type `/meeting cancel <id>` again."


def _instant(value: object) -> datetime | None:
    if value is None:
        return None
    try:
        found = datetime.fromisoformat(str(value))
    except ValueError:
        raise ValueError(value) from None
    if found.tzinfo is not None:
        raise ValueError(value)
    return found


def _ticket(value: dict[str, Any]) -> CancelTicket | None:
    meeting_id, sequence = (
        ids.record_id(carried_number(value.get("m"))),
        carried_number(value.get("s")),
    )
    if meeting_id is None or sequence is None:
        return None
    try:
        return CancelTicket(
            meeting_id, sequence, _instant(value.get("o")), _instant(value.get("w"))
        )
    except ValueError:
        return None


async def pick(
    ack: AsyncAck,
    body: dict[str, Any],
    caller: MemberProfile,
    meetings: MeetingService,
    respond: AsyncRespond,
) -> None:
    """A meeting chosen from the list: what cancelling it would do, to confirm."""
    await ack()
    meeting_id = ids.record_id(carried_number(pressed_object(body).get("m")))
    if meeting_id is None:
        await answer_in_place(respond, plain_message(GONE), replace=False)
        return
    preview = await answered_call(respond, meetings.cancel_preview, caller, meeting_id)
    if preview is None:
        return
    await answer_in_place(respond, cancel_confirmation(preview), replace=True)


async def confirm(
    ack: AsyncAck,
    body: dict[str, Any],
    caller: MemberProfile,
    meetings: MeetingService,
    announcer: MeetingAnnouncer,
    background: Background,
    respond: AsyncRespond,
) -> None:
    """Cancel what the confirmation showed (refused if it changed since), then announce it."""
    await ack()
    value = pressed_object(body)
    meeting_id, seen = ids.record_id(carried_number(value.get("m"))), carried_number(value.get("s"))
    if meeting_id is None or seen is None:
        await answer_in_place(respond, plain_message(GONE), replace=False)
        return
    change = await answered_call(respond, meetings.cancel, caller, meeting_id, None, seen)
    if change is None:
        return
    series = change.series
    whole = "the whole series " if series.rrule else ""
    told = "telling its channel and every calendar" if change.channel else "telling every calendar"
    reply = f"Cancelled {whole}#{series.id} {series.title}; {told}."
    message = cancelled_message(reply, change.undo, change.as_of, caller.timezone)
    await answer_in_place(respond, message, replace=True)
    background.messages.run(announcer.announce, change, caller.slack_id)


async def keep(
    ack: AsyncAck, body: dict[str, Any], meetings: MeetingService, respond: AsyncRespond
) -> None:
    """Nothing happens; the question is answered so."""
    await ack()
    meeting_id = ids.record_id(carried_number(pressed_object(body).get("m")))
    name = "it"
    if meeting_id is not None:
        try:
            series = await asyncio.to_thread(meetings.get, meeting_id)
            name = f"#{series.id} {series.title}"
        except FieldError:
            name = f"#{meeting_id}"
    await answer_in_place(respond, plain_message(f"Kept {name} unchanged."), replace=True)


async def undo(
    ack: AsyncAck,
    body: dict[str, Any],
    caller: MemberProfile,
    meetings: MeetingService,
    announcer: MeetingAnnouncer,
    background: Background,
    respond: AsyncRespond,
) -> None:
    """Bring back what the cancellation took away, and announce it again."""
    await ack()
    ticket = _ticket(pressed_object(body))
    if ticket is None:
        await answer_in_place(respond, plain_message(GONE), replace=False)
        return
    change = await answered_call(respond, meetings.restore, caller, ticket)
    if change is None:
        return
    await answer_in_place(respond, plain_message(_restored(change, ticket)), replace=True)
    background.messages.run(announcer.announce, change, caller.slack_id)


def _restored(change: MeetingChange, ticket: CancelTicket) -> str:
    series = change.series
    day = ticket.moved_to or ticket.original_local
    what = f"The {short_date(day.date())} meeting of #{series.id} {series.title}" if day else None
    what = what or f"#{series.id} {series.title}"
    where = "its channel and every calendar" if change.channel else "every calendar"
    return f"{what} is back on; telling {where} again."
