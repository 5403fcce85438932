"""The `/meeting` subcommands about one occurrence's records (topics, agenda, attendance,
minutes), each answered by its own feature; `commands.py` hands them over by their word."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from bot.attendance import commands as attendance

# A handler takes the ack, the command, the caller and Bolt's context (the services by name).
Handler = Callable[..., Awaitable[Any]]

SUBCOMMANDS: dict[str, Handler] = {"attended": attendance.attended}
