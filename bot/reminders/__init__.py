"""Reminders with RSVP buttons, and `/digest`."""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from bot.core import ids
from bot.core.catalogue import DIGEST_COMMAND
from bot.reminders import digest, rsvp


def register(app: AsyncApp) -> None:
    app.command(DIGEST_COMMAND)(digest.handle)
    for action_id in ids.RSVP_ACTIONS.values():
        app.action(action_id)(rsvp.answer)
