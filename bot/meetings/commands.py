"""`/meeting`: schedule, list, next, cancel, move, edit, invite; no text opens the form.

Answers go in the ack; invites and the form (Web API calls) run in the background after it.
"""

from __future__ import annotations

import asyncio
from typing import Any
from zoneinfo import ZoneInfo

from slack_bolt.async_app import AsyncAck
from slack_sdk import WebClient

from bot.core.background import Background
from bot.core.blocks import Message
from bot.meetings import grammar
from bot.meetings.announcer import Announcement, SlackNotifier
from bot.meetings.blocks import (
    confirmation_message,
    coordinators_only_message,
    meeting_list,
    refusal_message,
    schedule_modal,
    upcoming_list,
    usage_message,
    when_plain,
)
from bot.reminders.blocks import who_message
from scheduling.consortium.directory import DirectoryService, MemberProfile
from scheduling.meetings.rsvp import RsvpService
from scheduling.meetings.service import MeetingChange, MeetingError, MeetingService

_CHANGES = (grammar.Schedule, grammar.Cancel, grammar.Move, grammar.Edit, grammar.Invite)


async def handle(
    ack: AsyncAck,
    command: dict[str, str],
    caller: MemberProfile,
    meetings: MeetingService,
    directory: DirectoryService,
    notifier: SlackNotifier,
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
        await ack(**confirmation_message(lines).as_ephemeral())
        return
    if isinstance(parsed, (grammar.OpenForm, *_CHANGES)) and not caller.is_coordinator:
        names = [p.name for p in directory.directory().coordinators]
        await ack(**coordinators_only_message(names).as_ephemeral())
        return
    if isinstance(parsed, grammar.OpenForm):
        # The trigger_id dies 3 s after the command: ack, then open the form straight away.
        await ack()
        background.run(open_form, web, command["trigger_id"], meetings, command.get("channel_id"))
        return
    if isinstance(parsed, grammar.Who):
        try:
            message = await asyncio.to_thread(_who, parsed, meetings, rsvps)
        except MeetingError as error:
            message = refusal_message(str(error))
        await ack(**message.as_ephemeral())
        return
    try:
        message, announcement = await asyncio.to_thread(_answer, parsed, meetings, caller)
    except MeetingError as error:
        await ack(**refusal_message(str(error)).as_ephemeral())
        return
    await ack(**message.as_ephemeral())
    if announcement is not None:
        background.run(notifier.announce, announcement)


def _who(parsed: grammar.Who, meetings: MeetingService, rsvps: RsvpService) -> Message:
    series = meetings.get(parsed.meeting_id)
    occurrence = (
        meetings.occurrence_on(series, parsed.on) if parsed.on else meetings.next_of(series)
    )
    if occurrence is None:
        raise MeetingError(f"#{series.id} has no upcoming occurrence; say `on YYYY-MM-DD`")
    table = rsvps.who(series.id, occurrence.original_local, series.audience)
    return who_message(series.title, when_plain(occurrence), table)


def _answer(
    parsed: grammar.MeetingCommand, meetings: MeetingService, caller: MemberProfile
) -> tuple[Message, Announcement | None]:
    """The database work of a subcommand (run in a worker thread) and the reply it makes."""
    if isinstance(parsed, grammar.ListMeetings):
        return meeting_list([(s, meetings.next_of(s)) for s in meetings.all()]), None
    if isinstance(parsed, grammar.NextMeetings):
        return upcoming_list(meetings.upcoming(parsed.kind), parsed.kind), None
    change, headline, confirmation = _change(parsed, meetings, caller)
    return confirmation_message(confirmation), Announcement(change, headline, caller.slack_id)


def _change(
    parsed: Any, meetings: MeetingService, caller: MemberProfile
) -> tuple[MeetingChange, str, str]:
    """Apply a coordinator's change; returns it with the card headline and the reply."""
    if isinstance(parsed, grammar.Schedule):
        series = meetings.schedule(parsed.request, caller.slack_id)
        return (
            MeetingChange(series),
            "New meeting",
            f"Scheduled #{series.id} {series.title} ({series.rule_in_words}); posting the invite.",
        )
    if isinstance(parsed, grammar.Cancel):
        change = meetings.cancel(parsed.meeting_id, parsed.on)
        what = f"the {parsed.on:%Y-%m-%d} occurrence of" if change.occurrence_local else ""
        return (
            change,
            "Cancelled",
            f"Cancelled {what} #{parsed.meeting_id}".replace("  ", " ") + ".",
        )
    if isinstance(parsed, grammar.Move):
        change = meetings.move(parsed.meeting_id, parsed.on, parsed.to_day, parsed.at)
        assert change.new_local is not None
        return (
            change,
            f"Moved from {parsed.on:%a} {parsed.on.day} {parsed.on:%b}",
            f"Moved #{parsed.meeting_id} from {parsed.on:%Y-%m-%d} to {change.new_local:%Y-%m-%d %H:%M}.",
        )
    if isinstance(parsed, grammar.Edit):
        change = meetings.edit(parsed.meeting_id, parsed.field, parsed.value)
        return (
            change,
            f"Changed: {parsed.field}",
            f"Changed the {parsed.field} of #{parsed.meeting_id}.",
        )
    assert isinstance(parsed, grammar.Invite)
    series = meetings.get(parsed.meeting_id)
    return MeetingChange(series), "Invitation", f"Posting the invite for #{series.id} again."


def open_form(
    client: WebClient, trigger_id: str, meetings: MeetingService, channel_id: str | None
) -> None:
    zone = meetings.consortium_zone()
    today = meetings.clock.now().astimezone(ZoneInfo(zone)).date()
    client.views_open(trigger_id=trigger_id, view=schedule_modal(zone, today, channel_id))
