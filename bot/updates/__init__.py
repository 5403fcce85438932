"""`/update`, its form, the Edit and Show all buttons on update cards, the buttons that count
a quick note for a round or open the form for it, and More under a page of updates."""

from __future__ import annotations

from bot.core import ids
from bot.core.catalogue import UPDATE_COMMAND
from bot.core.readings import reading_for
from bot.door import Registrar
from bot.updates import buttons, commands, form


def register(app: Registrar) -> None:
    app.command(UPDATE_COMMAND)(commands.handle)
    app.view(ids.UPDATE_FORM)(form.submit)
    app.action(ids.UPDATE_EDIT)(buttons.edit)
    app.action(ids.UPDATE_SHOW_ALL)(buttons.show_all)
    app.action(ids.ROUND_SUBMIT)(buttons.submit_for_round)
    app.action(ids.NOTE_COUNT)(buttons.count_note)
    app.action(ids.PAGE_MORE, matchers=[reading_for(UPDATE_COMMAND)])(commands.more_pressed)
