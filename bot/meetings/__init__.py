"""`/meeting` and its form: schedule, list, next, who, cancel, move, edit, invite; and the
buttons that confirm, keep or undo a cancellation."""

from __future__ import annotations

from bot.core import ids
from bot.core.catalogue import MEETING_COMMAND
from bot.core.readings import reading_for
from bot.door import Registrar
from bot.meetings import buttons, commands, form


def register(app: Registrar) -> None:
    app.command(MEETING_COMMAND)(commands.handle)
    app.view(ids.MEETING_MODAL)(form.submit)
    app.view(ids.MEETING_CHECK_FORM)(form.submit_checked)
    for action_id in ids.COMMAND_BUTTONS:
        app.action(action_id, matchers=[reading_for(MEETING_COMMAND)])(commands.reading_chosen)
    app.action(ids.MEETING_CANCEL_PICK)(buttons.pick)
    app.action(ids.MEETING_CANCEL_CONFIRM)(buttons.confirm)
    app.action(ids.MEETING_CANCEL_KEEP)(buttons.keep)
    app.action(ids.MEETING_CANCEL_UNDO)(buttons.undo)
