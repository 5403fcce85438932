"""`/meeting`: schedule, list, next, who, cancel, move, edit, invite; no text opens the form.

Answers go in the ack; invites and the form (Web API calls) run in the background after it.
Who may change meetings is checked at the door (`core/access.py`) and again by the service.
"""

from __future__ import annotations

import asyncio

from slack_bolt.async_app import AsyncAck
from slack_sdk import WebClient

from bot.core.background import Background
from bot.core.blocks import Message, plain_message
from bot.meetings import grammar
from bot.meetings.announcer import MeetingAnnouncer
from bot.meetings.blocks import (
    cancel_choices,
    cancel_confirmation,
    cancelled_message,
    meeting_list,
    upcoming_list,
    usage_message,
    who_message,
)
from bot.meetings.form import open_form
from scheduling.consortium.directory import MemberProfile
from scheduling.errors import FieldError
from scheduling.meetings.rsvp import RsvpService
from scheduling.meetings.service import MeetingChange, MeetingService


async def handle(
    ack: AsyncAck,
    command: dict[str, str],
    caller: MemberProfile,
    meetings: MeetingService,
    announcer: MeetingAnnouncer,
    background: Background,
    web: WebClient,
    rsvps: RsvpService,
) -> None:
    try:
        parsed = grammar.parse_meeting_command(command.get("text", ""))
    except grammar.GrammarError as error:
        await ack(**usage_message(error.reason, error.usage, error.example).as_ephemeral())
        return
    if isinstance(parsed, grammar.Help):
        lines = "\n".join(
            f"{usage}\n   e.g. {example}" for usage, example in grammar.USAGES.values()
        )
        await ack(**plain_message(lines).as_ephemeral())
        return
    if isinstance(parsed, grammar.OpenForm):
        # The trigger_id dies 3 s after the command: ack, then open the form straight away.
        await ack()
        background.forms.run(
            open_form, web, command["trigger_id"], meetings, command.get("channel_id")
        )
        return
    try:
        message, change = await asyncio.to_thread(_answer, parsed, meetings, rsvps, caller)
    except FieldError as error:
        await ack(**plain_message(str(error)).as_ephemeral())
        return
    await ack(**message.as_ephemeral())
    if change is not None:
        background.messages.run(announcer.announce, change, caller.slack_id)


def _answer(
    parsed: grammar.MeetingCommand,
    meetings: MeetingService,
    rsvps: RsvpService,
    caller: MemberProfile,
) -> tuple[Message, MeetingChange | None]:
    """The database work of a subcommand (run in a worker thread) and the reply it makes."""
    if isinstance(parsed, grammar.ListMeetings):
        return meeting_list(meetings.listing()), None
    if isinstance(parsed, grammar.NextMeetings):
        kind = parsed.kind.label if parsed.kind else None
        return upcoming_list(meetings.upcoming(parsed.kind), kind), None
    if isinstance(parsed, grammar.Who):
        return who_message(rsvps.who(parsed.meeting_id, parsed.on)), None
    if isinstance(parsed, grammar.Schedule):
        change = meetings.schedule(caller, parsed.request)
        series = change.series
        reply = (
            f"Scheduled #{series.id} {series.title} ({series.rule_in_words}); posting the invite."
        )
    elif isinstance(parsed, grammar.Cancel):
        # A whole series (or a named none) asks first; one occurrence goes at once, with Undo.
        if parsed.meeting_id is None:
            return cancel_choices(meetings.listing()), None
        if parsed.on is None:
            return cancel_confirmation(meetings.cancel_preview(caller, parsed.meeting_id)), None
        change = meetings.cancel(caller, parsed.meeting_id, parsed.on)
        what = f"the {parsed.on:%Y-%m-%d} occurrence of" if change.occurrence_local else ""
        reply = f"Cancelled {what} #{parsed.meeting_id}".replace("  ", " ") + "."
        return cancelled_message(reply, change.undo, change.as_of, caller.timezone), change
    elif isinstance(parsed, grammar.Move):
        change = meetings.move(caller, parsed.meeting_id, parsed.on, parsed.to_day, parsed.at)
        assert change.new_local is not None
        reply = f"Moved #{parsed.meeting_id} from {parsed.on:%Y-%m-%d} to {change.new_local:%Y-%m-%d %H:%M}."
    elif isinstance(parsed, grammar.Edit):
        change = meetings.edit(caller, parsed.meeting_id, parsed.field, parsed.value)
        reply = f"Changed the {parsed.field} of #{parsed.meeting_id}."
    else:
        assert isinstance(parsed, grammar.Invite)
        change = meetings.invite(caller, parsed.meeting_id)
        reply = f"Posting the invite for #{change.series.id} again."
    return plain_message(reply), change
