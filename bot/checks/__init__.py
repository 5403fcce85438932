"""Warnings about dates before anything is set: holidays, weekends and hours out of the
working day. The questions are asked by `/round open`, `/meeting schedule` and `move`, where
Keep, Move and Confirm run the command again (`bot/core/readings.py`) and Change or Cancel is
answered here; and by the round and meeting forms, as a view pushed over the form
(`forms.py`), submitted to `bot/rounds/form.py` and `bot/meetings/form.py`."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any, TypeVar

from slack_bolt.async_app import AsyncAck, AsyncRespond

from bot.checks.blocks import change_answer
from bot.core import ids
from bot.core.blocks import Message, plain_message
from bot.core.buttons import pressed_text
from bot.core.mrkdwn import escape
from bot.core.readings import Reply
from bot.door import Registrar
from scheduling.errors import FieldError

T = TypeVar("T")


async def checked_first(ack: Reply, check: Callable[[], tuple[T, Message | None]]) -> T | None:
    """Run a command's calendar check off the event loop: what the command goes on with, or
    None once the ack has answered (an error in words, or the warning to confirm first)."""
    try:
        goes_on, warning = await asyncio.to_thread(check)
    except FieldError as error:
        await ack(**plain_message(str(error)).as_ephemeral())
        return None
    if warning is not None:
        await ack(**warning.as_ephemeral())
        return None
    return goes_on


async def change(ack: AsyncAck, body: dict[str, Any], respond: AsyncRespond) -> None:
    """Change or Cancel: nothing is done; the answer says how to go on."""
    await ack()
    await respond(replace_original=True, text=escape(change_answer(pressed_text(body))))


def register(app: Registrar) -> None:
    app.action(ids.CHECK_CHANGE)(change)
