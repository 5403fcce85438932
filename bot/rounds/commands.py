"""`/round`: open, status, remind, close, export, nudges. Everyone may see the status; the rest is
for coordinators (checked at the door, `core/access.py`, and again by the service). Closing
asks first (`buttons.py`); without a round named while several are open, remind, close and
export ask which."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from functools import partial
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncRespond

from bot.answers.kept import KeptAnswers
from bot.checks import checked_first
from bot.checks.blocks import due_question
from bot.core.blocks import Message, plain_message
from bot.core.catalogue import ROUND_COMMAND
from bot.core.help import topic_help_message, unknown_subcommand_message, usage_message
from bot.core.readings import Reply, rerun_chosen, two_way_question
from bot.core.web_api.background import Background
from bot.rounds.blocks import (
    close_confirmation,
    nudges_message,
    reminded_message,
    round_choices,
    round_status_message,
    unlisted_note,
    waiting_note,
)
from bot.rounds.grammar import RoundCommand, RoundGrammarError, parse_round_command
from bot.rounds.messenger import RoundMessenger
from scheduling.clock import today_in
from scheduling.consortium.directory import MemberProfile
from scheduling.errors import FieldError
from scheduling.language.dates import short_date
from scheduling.nudges.service import NudgeService
from scheduling.updates.exports import RoundReport
from scheduling.updates.rounds import RoundChoiceError, RoundRequests, RoundService
from scheduling.workdays.checking import CalendarChecks


async def handle(
    ack: Reply,
    command: dict[str, str],
    caller: MemberProfile,
    rounds: RoundService,
    nudges: NudgeService,
    messenger: RoundMessenger,
    background: Background,
    checks: CalendarChecks,
    answers: KeptAnswers,
) -> None:
    try:
        parsed = parse_round_command(
            command.get("text", ""), today_in(rounds.clock, caller.timezone)
        )
    except RoundGrammarError as error:
        if error.unknown is not None:
            reply = unknown_subcommand_message(ROUND_COMMAND, error.unknown)
        else:
            reply = usage_message(str(error), ROUND_COMMAND, error.subcommand)
        await ack(**reply.as_ephemeral())
        return
    if parsed.action == "help":
        await ack(**topic_help_message("rounds").as_ephemeral())
        return
    if parsed.action == "open":
        doing = f"Open the round “{parsed.title}”"
        question = two_way_question(ROUND_COMMAND, parsed.dates, doing)
        if question is not None:
            await ack(**question.as_ephemeral())
            return
        due_read = await checked_first(ack, partial(_checked_due, parsed, checks, caller, command))
        if due_read is None:
            return
        parsed = due_read
    try:
        if parsed.action == "status":
            # Reading only: the same answer while nothing changed (`bot/answers`).
            draw = partial(_status, parsed, rounds, caller, nudges)
            reply, after = (
                await answers.answer((ROUND_COMMAND, parsed, caller.slack_id), draw),
                None,
            )
        else:
            reply, after = await asyncio.to_thread(run, parsed, rounds, caller, nudges)
    except RoundChoiceError as choice:
        # No round named and several open: ask which rather than take the newest.
        await ack(**round_choices(parsed.action, choice.rounds, parsed.format_name).as_ephemeral())
        return
    except FieldError as error:
        await ack(**plain_message(str(error)).as_ephemeral())
        return
    await ack(**reply.as_ephemeral())
    follow_up(after, parsed, caller, messenger, background)


def _status(
    parsed: RoundCommand, rounds: RoundService, caller: MemberProfile, nudges: NudgeService
) -> Message:
    reply, _ = run(parsed, rounds, caller, nudges)
    return reply


def follow_up(
    after: RoundRequests | RoundReport | None,
    parsed: RoundCommand,
    caller: MemberProfile,
    messenger: RoundMessenger,
    background: Background,
) -> None:
    """After the ack: send the requests or the export a /round action made."""
    if isinstance(after, RoundRequests):
        background.messages.run(messenger.ask, after)
    elif isinstance(after, RoundReport):
        background.messages.run(messenger.send_export, caller.slack_id, after, parsed.format_name)


async def reading_chosen(
    ack: AsyncAck,
    body: dict[str, Any],
    respond: AsyncRespond,
    caller: MemberProfile,
    rounds: RoundService,
    nudges: NudgeService,
    messenger: RoundMessenger,
    background: Background,
    checks: CalendarChecks,
    answers: KeptAnswers,
) -> None:
    """A button of a two-way due-date question, or Keep or Move of a due-date warning: open
    the round with the chosen date."""

    async def run(answer: Reply, command: dict[str, str]) -> None:
        await handle(
            answer, command, caller, rounds, nudges, messenger, background, checks, answers
        )

    await rerun_chosen(ack, body, respond, run)


def _checked_due(
    parsed: RoundCommand, checks: CalendarChecks, caller: MemberProfile, command: dict[str, str]
) -> tuple[RoundCommand, Message | None]:
    """The due date as it will be stored (`in 10 working days` counted), and the question to
    ask first when it is a weekend or an asked country's holiday (not once answered)."""
    preview = checks.round_due(caller, parsed.due, parsed.working_days, parsed.audience)
    parsed = replace(parsed, due=preview.due, working_days=None)
    if preview.check is None or command.get("checked"):
        return parsed, None
    keep = parsed.with_due(preview.due)
    move = parsed.with_due(preview.check.suggestion)
    return parsed, due_question(ROUND_COMMAND, preview, keep, move)


def run(
    parsed: RoundCommand,
    rounds: RoundService,
    caller: MemberProfile,
    nudges: NudgeService | None = None,
) -> tuple[Message, RoundRequests | RoundReport | None]:
    """The database part of a /round action and the reply; plus what to do after the ack.
    Closing only asks here: the Close button of its confirmation closes."""
    if parsed.action == "open":
        assert parsed.due is not None
        requests = rounds.open(caller, parsed.title, parsed.due, parsed.audience)
        opened = requests.round
        asked = len(requests.asked)
        text = (
            f"Opened round #{opened.id} “{opened.title}”, due {short_date(opened.due_on)}; "
            f"asking {asked} {'country' if asked == 1 else 'countries'} by DM"
            f"{unlisted_note(requests.unlisted, '; ')}.{waiting_note(requests)}"
        )
        return plain_message(text), requests
    if parsed.action == "status":
        status, today = rounds.status(parsed.reference)
        return round_status_message(status, today), None
    if parsed.action == "remind":
        requests = rounds.remind(caller, parsed.reference)
        return reminded_message(requests), requests if requests.asked else None
    if parsed.action == "nudges":
        assert nudges is not None, "the command passes the nudge service"
        return nudges_message(nudges.change(caller, parsed.reference, parsed.setting)), None
    if parsed.action == "close":
        return close_confirmation(rounds.close_preview(caller, parsed.reference)), None
    report = rounds.report(caller, parsed.reference)
    text = f"Preparing the {parsed.format_name} export of “{report.title}”; it arrives in your DM with me."
    return plain_message(text), report
