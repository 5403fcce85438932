"""The `/meeting` subcommands about one occurrence's records (topics, agenda, attendance,
minutes), each answered by its own feature; `commands.py` hands them over by their word,
with the words after it as the command's text."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from slack_bolt.async_app import AsyncBoltContext

from bot.actions import minutes
from bot.agenda import commands as agenda
from bot.attendance import commands as attendance
from bot.core.readings import Reply
from scheduling.consortium.directory import MemberProfile
from scheduling.meetings.service import MeetingChange

# A handler takes the ack, the command with the words after the subcommand as its text, and
# Bolt's context (the caller and the services by name).
Handler = Callable[[Reply, dict[str, str], AsyncBoltContext], Awaitable[None]]

SUBCOMMANDS: dict[str, Handler] = {
    "propose": agenda.propose,
    "agenda": agenda.agenda,
    "topics": agenda.topics,
    "attended": attendance.attended,
    "minutes": minutes.handle,
}


async def after_cancel(
    change: MeetingChange, command: dict[str, str], caller: MemberProfile, context: AsyncBoltContext
) -> None:
    """What the records of a cancelled occurrence offer (its topics carried to the next)."""
    if change.occurrence_local is not None and not change.series.cancelled:
        await agenda.offer_carry(
            change.series.id, change.occurrence_local, command, caller, context
        )
