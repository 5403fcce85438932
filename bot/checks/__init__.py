"""Warnings about dates before anything is set: holidays, weekends and hours out of the
working day. The questions are asked by `/round open`, `/meeting schedule` and `move`, where
Keep, Move and Confirm run the command again (`bot/core/readings.py`) and Change or Cancel is
answered here; and by the round and meeting forms, as a view pushed over the form
(`forms.py`), submitted to `bot/rounds/form.py` and `bot/meetings/form.py`."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond

from bot.checks.blocks import change_answer
from bot.core import ids
from bot.core.buttons import pressed_text
from bot.core.mrkdwn import escape


async def change(ack: AsyncAck, body: dict[str, Any], respond: AsyncRespond) -> None:
    """Change or Cancel: nothing is done; the answer says how to go on."""
    await ack()
    await respond(replace_original=True, text=escape(change_answer(pressed_text(body))))


def register(app: AsyncApp) -> None:
    app.action(ids.CHECK_CHANGE)(change)
