"""`/round`: open, status, remind, close, export. Everyone may see the status; the rest is
for coordinators."""

from __future__ import annotations

import asyncio

from slack_bolt.async_app import AsyncAck

from bot.core.background import Background
from bot.core.blocks import Message
from bot.meetings.blocks import usage_message
from bot.rounds.grammar import EXAMPLE, USAGE, RoundCommand, RoundGrammarError, parse_round_command
from bot.updates.blocks import plain_message, round_status_message
from bot.updates.publisher import RoundRequests, UpdateNotifier
from scheduling.consortium.directory import DirectoryService, MemberProfile
from scheduling.updates.rounds import RoundError, RoundService

COORDINATOR_ACTIONS = ("open", "remind", "close", "export")


async def handle(
    ack: AsyncAck,
    command: dict[str, str],
    caller: MemberProfile,
    rounds: RoundService,
    update_notifier: UpdateNotifier,
    directory: DirectoryService,
    background: Background,
) -> None:
    try:
        parsed = parse_round_command(command.get("text", ""))
    except RoundGrammarError as error:
        await ack(**usage_message(str(error), USAGE, EXAMPLE).as_ephemeral())
        return
    if parsed.action == "help":
        await ack(**plain_message(USAGE).as_ephemeral())
        return
    if parsed.action in COORDINATOR_ACTIONS and not caller.is_coordinator:
        who = ", ".join(p.name for p in directory.directory().coordinators) or "a coordinator"
        await ack(
            **plain_message(
                f"Only coordinators can {parsed.action} rounds. Ask {who}."
            ).as_ephemeral()
        )
        return
    try:
        reply, after = await asyncio.to_thread(_run, parsed, rounds, caller)
    except RoundError as error:
        await ack(**plain_message(str(error)).as_ephemeral())
        return
    await ack(**reply.as_ephemeral())
    if isinstance(after, RoundRequests):
        background.run(update_notifier.ask, after)
    elif after is not None:
        round_id, format_name = after
        background.run(update_notifier.send_export, caller.slack_id, round_id, format_name)


Followup = RoundRequests | tuple[int, str] | None


def _run(
    parsed: RoundCommand, rounds: RoundService, caller: MemberProfile
) -> tuple[Message, Followup]:
    """The database part of a /round action and the reply; plus what to do after the ack."""
    if parsed.action == "open":
        assert parsed.due is not None
        opened = rounds.open(parsed.title, parsed.due, list(parsed.audience), caller.slack_id)
        codes = tuple(rounds.countries_of(opened.id))
        text = (
            f"Opened round #{opened.id} “{opened.title}”, due {opened.due_on:%Y-%m-%d}; "
            f"asking {len(codes)} countries by DM."
        )
        return plain_message(text), RoundRequests(
            opened.id, codes, reminder=False, requested_by=caller.slack_id
        )
    round_ = rounds.resolve(parsed.reference)
    if parsed.action == "status":
        return round_status_message(rounds.status(round_.id), rounds.today()), None
    if parsed.action == "remind" and round_.closed:
        raise RoundError(f"The round “{round_.title}” is closed; there is nobody to remind.")
    if parsed.action == "remind":
        if round_.closed:
            raise RoundError(f"The round “{round_.title}” is closed; there is nobody to remind.")
        missing = tuple(row.country.code for row in rounds.status(round_.id).missing)
        if not missing:
            return plain_message(
                f"Every country has answered “{round_.title}”; nobody to remind."
            ), None
        countries = "country" if len(missing) == 1 else "countries"
        text = f"Reminding {len(missing)} {countries} of “{round_.title}”: {', '.join(missing)}."
        return plain_message(text), RoundRequests(
            round_.id, missing, reminder=True, requested_by=caller.slack_id
        )
    if parsed.action == "close":
        closed = rounds.close(round_.id)
        return plain_message(f"Closed round #{closed.id} “{closed.title}”."), None
    text = f"Preparing the {parsed.format_name} export of “{round_.title}”; it arrives in your DM with me."
    return plain_message(text), (round_.id, parsed.format_name)
