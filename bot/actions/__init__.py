"""`/action`, its Done button and "Add an action item" on any message; `/meeting minutes` is
handed over by `meetings/records.py`."""

from __future__ import annotations

from bot.actions import commands, shortcut
from bot.core import ids
from bot.core.catalogue import ACTION_COMMAND
from bot.door import Registrar


def register(app: Registrar) -> None:
    app.command(ACTION_COMMAND)(commands.handle)
    app.action(ids.ACTION_DONE)(commands.done_pressed)
    app.shortcut(ids.ACTION_SHORTCUT)(shortcut.from_message)
    app.view(ids.ACTION_MODAL)(shortcut.submit)
