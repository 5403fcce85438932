"""RSVP buttons on reminders: one answer per member per occurrence, and every reminder
message of that occurrence redrawn in place with the new counts."""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import TYPE_CHECKING, Any

from slack_bolt.async_app import AsyncAck, AsyncRespond

from bot.core import ids
from bot.core.blocks import plain_message
from bot.core.buttons import pressed_object
from bot.core.web_api.background import Background
from scheduling.consortium.directory import MemberProfile
from scheduling.delivery.jobs import Jobs
from scheduling.errors import FieldError
from scheduling.meetings.rsvp import RsvpService
from scheduling.vocabulary import RsvpAnswer

ANSWER_BY_ACTION = {action: RsvpAnswer(answer) for answer, action in ids.RSVP_ACTIONS.items()}
GONE = "That button no longer works; use `/meeting next`."

if TYPE_CHECKING:  # the Home tab's module draws on this feature's blocks
    from bot.home.tabs import HomeTabs


async def answer(
    ack: AsyncAck,
    body: dict[str, Any],
    caller: MemberProfile,
    rsvps: RsvpService,
    outbox: Jobs,
    background: Background,
    respond: AsyncRespond,
    homes: HomeTabs,
) -> None:
    await ack()
    action = (body.get("actions") or [{}])[0]
    choice = ANSWER_BY_ACTION.get(action.get("action_id", ""))
    value = pressed_object(body)
    try:
        meeting_id, occurrence = ids.record_id(value["m"]), datetime.fromisoformat(value["o"])
    except (KeyError, TypeError, ValueError):
        meeting_id = None
    if choice is None or meeting_id is None:
        await respond(text=GONE, response_type="ephemeral", replace_original=False)
        return
    try:
        recorded = await asyncio.to_thread(rsvps.record, meeting_id, occurrence, caller, choice)
    except FieldError as error:
        reply = plain_message(str(error))
        await respond(
            text=reply.text, blocks=reply.blocks, response_type="ephemeral", replace_original=False
        )
        return
    # However many answers come in, one redraw at a time per occurrence's reminders.
    key = (recorded.series.id, recorded.occurrence_local)
    background.redraws.request(key, lambda: outbox.redraw(recorded))
    background.messages.run(homes.answered, caller.slack_id)
