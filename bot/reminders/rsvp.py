"""RSVP buttons on reminders: one answer per member per occurrence, and every reminder
message of that occurrence updated in place with the new counts."""

from __future__ import annotations

import asyncio
import json
from datetime import datetime
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncRespond

from bot.core import ids
from bot.core.background import Background
from scheduling.consortium.directory import MemberProfile
from scheduling.delivery.jobs import Jobs

ANSWER_BY_ACTION = {action: answer for answer, action in ids.RSVP_ACTIONS.items()}


async def answer(
    ack: AsyncAck,
    body: dict[str, Any],
    caller: MemberProfile,
    jobs: Jobs,
    background: Background,
    respond: AsyncRespond,
) -> None:
    await ack()
    action = (body.get("actions") or [{}])[0]
    choice = ANSWER_BY_ACTION.get(action.get("action_id", ""))
    try:
        value = json.loads(action.get("value") or "{}")
        meeting_id, occurrence = int(value["m"]), datetime.fromisoformat(value["o"])
    except (KeyError, TypeError, ValueError):
        choice = None
    if choice is None:
        await respond(
            text="That button no longer works; use `/meeting next`.",
            response_type="ephemeral",
            replace_original=False,
        )
        return
    await asyncio.to_thread(jobs.rsvps.record, meeting_id, occurrence, caller.slack_id, choice)
    background.run(jobs.refresh_reminders, meeting_id, occurrence)
