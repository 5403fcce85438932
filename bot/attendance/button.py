"""The *I'm here* button: the presser counted once for the occurrence, and the message
redrawn in place with the count by country."""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncRespond

from bot.attendance.blocks import pressed_reply
from bot.core import ids
from bot.core.blocks import Message, plain_message
from bot.core.buttons import pressed_object
from bot.core.web_api.background import Background
from scheduling.attendance.service import AttendanceService
from scheduling.consortium.directory import MemberProfile
from scheduling.delivery.jobs import Jobs
from scheduling.errors import FieldError

GONE = "That button no longer works; ask a coordinator to mark you present."


async def _tell(respond: AsyncRespond, reply: Message) -> None:
    await respond(
        text=reply.text, blocks=reply.blocks, response_type="ephemeral", replace_original=False
    )


async def here(
    ack: AsyncAck,
    body: dict[str, Any],
    caller: MemberProfile,
    attendance: AttendanceService,
    outbox: Jobs,
    background: Background,
    respond: AsyncRespond,
) -> None:
    await ack()
    value = pressed_object(body)
    try:
        meeting_id, occurrence = ids.record_id(value["m"]), datetime.fromisoformat(value["o"])
    except (KeyError, TypeError, ValueError):
        meeting_id = None
    if meeting_id is None:
        await _tell(respond, plain_message(GONE))
        return
    try:
        pressed = await asyncio.to_thread(attendance.press, meeting_id, occurrence, caller)
    except FieldError as error:
        await _tell(respond, plain_message(str(error)))
        return
    await _tell(respond, pressed_reply(pressed))
    if pressed.added:
        key = ("attendance", meeting_id, occurrence)
        background.redraws.request(key, lambda: outbox.attendance.redraw(meeting_id, occurrence))
