"""Buttons: Edit and Show all on updates, Submit update in round requests, RSVPs."""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from bot import ids
from bot.listeners.actions import rsvp, update_buttons


def register(app: AsyncApp) -> None:
    app.action(ids.UPDATE_EDIT)(update_buttons.edit)
    app.action(ids.UPDATE_SHOW_ALL)(update_buttons.show_all)
    app.action(ids.ROUND_SUBMIT)(update_buttons.submit_for_round)
    for action_id in ids.RSVP_ACTIONS.values():
        app.action(action_id)(rsvp.answer)
