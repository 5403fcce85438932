"""Slash commands: `/consortium` (help, whoami)."""

from __future__ import annotations

from slack_bolt import App

from bot.catalogue import CONSORTIUM_COMMAND
from bot.listeners.commands import consortium
from bot.listeners.members_only import members_only


def register(app: App) -> None:
    app.command(CONSORTIUM_COMMAND, middleware=[members_only])(consortium.handle)
