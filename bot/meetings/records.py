"""The `/meeting` subcommands about one occurrence's records (topics, agenda, attendance,
minutes), each answered by its own feature; `commands.py` hands them over by their word,
with the words after it as the command's text."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from slack_bolt.async_app import AsyncBoltContext

from bot.actions import minutes
from bot.attendance import commands as attendance
from bot.core.readings import Reply

# A handler takes the ack, the command with the words after the subcommand as its text, and
# Bolt's context (the caller and the services by name).
Handler = Callable[[Reply, dict[str, str], AsyncBoltContext], Awaitable[None]]

SUBCOMMANDS: dict[str, Handler] = {"attended": attendance.attended, "minutes": minutes.handle}
