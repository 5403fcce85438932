"""Reminders with RSVP buttons, and `/digest`."""

from __future__ import annotations

from bot.core import ids
from bot.core.catalogue import DIGEST_COMMAND
from bot.door import Registrar
from bot.reminders import digest, rsvp


def register(app: Registrar) -> None:
    app.command(DIGEST_COMMAND)(digest.handle)
    for action_id in ids.RSVP_ACTIONS.values():
        app.action(action_id)(rsvp.answer)
