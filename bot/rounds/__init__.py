"""`/round`: open, status, remind, close, export; and the buttons that choose a round, and
confirm, keep or undo closing one; the form that opens a round from the Home tab."""

from __future__ import annotations

from bot.core import ids
from bot.core.catalogue import ROUND_COMMAND
from bot.core.readings import reading_for
from bot.door import Registrar
from bot.rounds import buttons, commands, form


def register(app: Registrar) -> None:
    app.command(ROUND_COMMAND)(commands.handle)
    app.view(ids.ROUND_FORM)(form.submit)
    app.view(ids.ROUND_CHECK_FORM)(form.submit_checked)
    for action_id in ids.READING_ACTIONS:
        app.action(action_id, matchers=[reading_for(ROUND_COMMAND)])(commands.reading_chosen)
    app.action(ids.ROUND_PICK)(buttons.pick)
    app.action(ids.ROUND_CLOSE_CONFIRM)(buttons.confirm)
    app.action(ids.ROUND_CLOSE_KEEP)(buttons.keep)
    app.action(ids.ROUND_CLOSE_UNDO)(buttons.undo)
