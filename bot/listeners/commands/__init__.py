"""Slash commands: `/consortium`, `/meeting`, `/update` and `/round`."""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from bot.catalogue import (
    CONSORTIUM_COMMAND,
    DIGEST_COMMAND,
    MEETING_COMMAND,
    ROUND_COMMAND,
    UPDATE_COMMAND,
)
from bot.listeners.commands import consortium, digest, meeting, round, update


def register(app: AsyncApp) -> None:
    app.command(CONSORTIUM_COMMAND)(consortium.handle)
    app.command(MEETING_COMMAND)(meeting.handle)
    app.command(UPDATE_COMMAND)(update.handle)
    app.command(ROUND_COMMAND)(round.handle)
    app.command(DIGEST_COMMAND)(digest.handle)
