"""The agenda's modal, submitted: the text is stored, then posted to the meeting's channel
(the first time) or updated there in place (chat.update), written to the channel's canvas
where the workspace allows it, and where it is is recorded."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from slack_bolt.async_app import AsyncAck
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.agenda.blocks import published_agenda
from bot.agenda.buttons import occurrence_pressed
from bot.agenda.canvas import put_canvas
from bot.core import ids
from bot.core.forms import state_value
from bot.core.mrkdwn import unescape
from bot.core.web_api.background import Background
from scheduling.agenda.service import AgendaService, ToPublish
from scheduling.consortium.directory import MemberProfile
from scheduling.errors import FieldError

logger = logging.getLogger("consortium_bot.agenda")

STALE = "This agenda can no longer be published; press Edit and publish again."


async def submit(
    ack: AsyncAck,
    view: dict[str, Any],
    caller: MemberProfile,
    agendas: AgendaService,
    background: Background,
    web: WebClient,
) -> None:
    state = view.get("state", {}).get("values", {})
    named = occurrence_pressed(view.get("private_metadata") or "")
    if named is None:
        await ack(response_action="errors", errors={ids.AGENDA_TEXT: STALE})
        return
    text = state_value(state, ids.AGENDA_TEXT) or ""
    try:
        target = await asyncio.to_thread(agendas.prepare, caller, *named, text)
    except FieldError as error:
        await ack(response_action="errors", errors={ids.AGENDA_TEXT: str(error)})
        return
    await ack()
    background.messages.run(publish, web, agendas, caller, target)


def publish(
    web: WebClient, agendas: AgendaService, caller: MemberProfile, target: ToPublish
) -> None:
    """Post the agenda, or update the message it already is; then record where it is."""
    message = published_agenda(target.series, target.occurrence, target.text)
    ts = None
    if target.ts is not None:
        try:
            web.chat_update(
                channel=target.channel, ts=target.ts, text=message.text, blocks=message.blocks
            )
            ts = target.ts
        except SlackApiError as failure:
            # Deleted meanwhile: post it again rather than lose the coordinator's edit.
            logger.info("agenda not updated in place: %s", failure.response.get("error"))
    if ts is None:
        posted = web.chat_postMessage(
            channel=target.channel, text=message.text, blocks=message.blocks
        )
        ts = str(posted["ts"])
    title = message.text  # the header's words, as plain text
    canvas = put_canvas(web, target.channel, target.canvas_id, unescape(title), target.text)
    agendas.published(
        caller, target.series.id, target.occurrence.original_local, target.channel, ts, canvas
    )
