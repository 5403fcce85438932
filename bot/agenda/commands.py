"""`/meeting propose`, `/meeting agenda` and `/meeting topics`, handed over by
`bot/meetings/commands.py` (through `bot/meetings/records.py`). Each answers in the ack; the
database work runs in a worker thread. `topics` is for coordinators: the door refuses it to
others (the catalogue marks it), and the service checks again."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from slack_bolt.async_app import AsyncBoltContext

from bot.agenda import grammar
from bot.agenda.blocks import agenda_message, carry_offer, proposed_message, topics_message
from bot.core.access import tell_presser
from bot.core.blocks import Message, plain_message
from bot.core.catalogue import MEETING_COMMAND
from bot.core.help import usage_message
from bot.core.paging import Paging
from bot.core.readings import Reply
from bot.core.web_api.background import Background
from bot.meetings.schedule_grammar import GrammarError
from scheduling.agenda.service import AgendaService
from scheduling.agenda.topics import TopicService
from scheduling.clock import today_in
from scheduling.consortium.directory import DirectoryService, MemberProfile
from scheduling.errors import FieldError


async def _answer(
    ack: Reply,
    command: dict[str, str],
    caller: MemberProfile,
    context: AsyncBoltContext,
    parse: Callable[[str, date], Any],
    work: Callable[[Any], Message],
) -> None:
    topics: TopicService = context["topics"]
    try:
        parsed = parse(command.get("text", ""), today_in(topics.clock, caller.timezone))
    except GrammarError as error:
        await ack(**usage_message(error.reason, MEETING_COMMAND, error.subcommand).as_ephemeral())
        return
    try:
        message = await asyncio.to_thread(work, parsed)
    except FieldError as error:
        message = plain_message(str(error))
    await ack(**message.as_ephemeral())


def _names(context: AsyncBoltContext) -> dict[str, str]:
    directory: DirectoryService = context["directory"]
    return directory.country_names()


async def propose(ack: Reply, command: dict[str, str], context: AsyncBoltContext) -> None:
    """`/meeting propose …`: the command's text is what follows `propose`."""
    topics: TopicService = context["topics"]
    caller: MemberProfile = context["caller"]

    def work(parsed: grammar.Propose) -> Message:
        return proposed_message(topics.propose(caller, parsed.meeting_id, parsed.title, parsed.on))

    await _answer(ack, command, caller, context, grammar.parse_propose, work)


async def agenda(ack: Reply, command: dict[str, str], context: AsyncBoltContext) -> None:
    """`/meeting agenda …`: the command's text is what follows `agenda`."""
    agendas: AgendaService = context["agendas"]
    caller: MemberProfile = context["caller"]

    def work(parsed: grammar.ShowAgenda) -> Message:
        facts = agendas.show(caller, parsed.meeting_id, parsed.on)
        return agenda_message(facts, _names(context), caller.is_coordinator)

    await _answer(ack, command, caller, context, grammar.parse_agenda, work)


async def topics(ack: Reply, command: dict[str, str], context: AsyncBoltContext) -> None:
    """`/meeting topics …`: the command's text is what follows `topics`."""
    service: TopicService = context["topics"]
    caller: MemberProfile = context["caller"]

    def work(parsed: grammar.Topics) -> Message:
        if parsed.drop is not None:
            (topic_id,) = service.by_number(caller, parsed.meeting_id, parsed.on, [parsed.drop])
            listed = service.drop(caller, topic_id)
        elif parsed.merge is not None:
            topic_id, into = service.by_number(
                caller, parsed.meeting_id, parsed.on, list(parsed.merge)
            )
            listed = service.merge(caller, topic_id, into)
        else:
            listed = service.listing(caller, parsed.meeting_id, parsed.on)
        after = Paging.of(MEETING_COMMAND, command).after
        return topics_message(listed, _names(context), caller.is_coordinator, after)

    await _answer(ack, command, caller, context, grammar.parse_topics, work)


async def offer_carry(
    meeting_id: int,
    original_local: datetime,
    command: dict[str, str],
    caller: MemberProfile,
    context: AsyncBoltContext,
) -> None:
    """After one occurrence is cancelled: if it had topics or open actions, a follow-up only
    the canceller sees offers to carry them to the next occurrence."""
    service: TopicService = context["topics"]
    had, following = await asyncio.to_thread(service.carry_offer, meeting_id, original_local)
    if not had or following is None:
        return
    background: Background = context["background"]
    message = carry_offer(meeting_id, original_local, had, following)
    background.messages.run(
        tell_presser,
        context["web"],
        caller.slack_id,
        message,
        command.get("channel_id"),
        command.get("response_url"),
    )
