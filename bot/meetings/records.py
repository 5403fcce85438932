"""The `/meeting` subcommands about one occurrence's records (topics, agenda, attendance,
minutes), each answered by its own feature; `commands.py` hands them over by their word.

A handler takes the ack, the command, the caller and Bolt's context (for its services)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.async_app import AsyncBoltContext

from bot.agenda import commands as agenda
from bot.core.readings import Reply
from scheduling.consortium.directory import MemberProfile
from scheduling.meetings.service import MeetingChange

Handler = Callable[[Reply, dict[str, str], MemberProfile, AsyncBoltContext], Awaitable[Any]]

SUBCOMMANDS: dict[str, Handler] = {
    "propose": agenda.propose,
    "agenda": agenda.agenda,
    "topics": agenda.topics,
}


def handler_for(text: str) -> Handler | None:
    """The handler of a `/meeting` line whose first word names a record's subcommand."""
    words = text.split(maxsplit=1)
    return SUBCOMMANDS.get(words[0].lower()) if words else None


async def after_cancel(
    change: MeetingChange, command: dict[str, str], caller: MemberProfile, context: AsyncBoltContext
) -> None:
    """What the records of a cancelled occurrence offer (its topics carried to the next)."""
    if change.occurrence_local is not None and not change.series.cancelled:
        await agenda.offer_carry(
            change.series.id, change.occurrence_local, command, caller, context
        )
