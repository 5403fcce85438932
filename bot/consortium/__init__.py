"""`/consortium`: help, whoami, subscribe, remind me, invites, status; and the welcome at a
member's first contact (opening the Home tab, or a message to the bot)."""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from bot.consortium import commands, welcome
from bot.core.catalogue import CONSORTIUM_COMMAND


def register(app: AsyncApp) -> None:
    app.command(CONSORTIUM_COMMAND)(commands.handle)
    app.event("message")(welcome.direct_message)
