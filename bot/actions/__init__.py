"""`/action`, its Done button, More under a page of the list, and "Add an action item" on any
message; `/meeting minutes` is handed over by `meetings/records.py`."""

from __future__ import annotations

from bot.actions import commands, shortcut
from bot.core import ids
from bot.core.catalogue import ACTION_COMMAND
from bot.core.readings import reading_for
from bot.door import Registrar


def register(app: Registrar) -> None:
    app.command(ACTION_COMMAND)(commands.handle)
    app.action(ids.ACTION_DONE)(commands.done_pressed)
    app.action(ids.PAGE_MORE, matchers=[reading_for(ACTION_COMMAND)])(commands.more_pressed)
    app.shortcut(ids.ACTION_SHORTCUT)(shortcut.from_message)
    app.view(ids.ACTION_MODAL)(shortcut.submit)
