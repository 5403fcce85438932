"""`/meeting`: schedule, list, next, who, cancel, move, edit, invite; no text opens the form.

Answers go in the ack; invites and the form (Web API calls) run in the background after it.
Who may change meetings is checked at the door (`core/access.py`) and again by the service.
"""

from __future__ import annotations

import asyncio
from datetime import datetime
from functools import partial
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncBoltContext, AsyncRespond
from slack_sdk import WebClient

from bot.answers.kept import KeptAnswers
from bot.checks import checked_first
from bot.checks.blocks import meeting_question
from bot.core.blocks import Message, plain_message
from bot.core.catalogue import MEETING_COMMAND
from bot.core.help import topic_help_message, unknown_subcommand_message, usage_message
from bot.core.paging import Paging, rerun_carried
from bot.core.readings import Reply, two_way_question
from bot.core.web_api.background import Background
from bot.meetings import grammar, records
from bot.meetings.announcer import MeetingAnnouncer
from bot.meetings.blocks import (
    MAX_CHOICES,
    cancel_choices,
    cancel_confirmation,
    cancelled_message,
    meeting_list,
    quiet_edit_reply,
    upcoming_list,
    who_message,
)
from bot.meetings.form import open_form
from bot.meetings.records import SUBCOMMANDS
from scheduling.clock import today_in
from scheduling.consortium.directory import MemberProfile
from scheduling.errors import FieldError
from scheduling.language.dates import short_date
from scheduling.language.places import find_zone
from scheduling.meetings.occurrences import Series
from scheduling.meetings.rsvp import RsvpService
from scheduling.meetings.service import MeetingChange, MeetingService
from scheduling.workdays.checking import CalendarChecks


async def handle(
    ack: Reply,
    command: dict[str, str],
    caller: MemberProfile,
    meetings: MeetingService,
    announcer: MeetingAnnouncer,
    background: Background,
    web: WebClient,
    rsvps: RsvpService,
    context: AsyncBoltContext,
    checks: CalendarChecks,
    answers: KeptAnswers,
) -> None:
    word, _, rest = command.get("text", "").strip().partition(" ")
    if word.lower() in SUBCOMMANDS:
        await SUBCOMMANDS[word.lower()](ack, {**command, "text": rest}, context)
        return
    try:
        today = today_in(meetings.clock, caller.timezone)
        parsed = grammar.parse_meeting_command(command.get("text", ""), today)
    except grammar.UnknownSubcommandError as unknown:
        await ack(**unknown_subcommand_message(MEETING_COMMAND, unknown.word).as_ephemeral())
        return
    except grammar.GrammarError as error:
        reply = usage_message(error.reason, MEETING_COMMAND, error.subcommand)
        await ack(**reply.as_ephemeral())
        return
    if isinstance(parsed, grammar.Help):
        await ack(**topic_help_message("meetings").as_ephemeral())
        return
    if isinstance(parsed, grammar.OpenForm):
        # The trigger_id dies 3 s after the command: ack, then open the form straight away.
        await ack()
        background.forms.run(open_form, web, command["trigger_id"], meetings)
        return
    if isinstance(parsed, grammar.ListMeetings | grammar.NextMeetings):
        # Reading only: the same answer while nothing changed (`bot/answers`).
        paging = Paging.of(MEETING_COMMAND, command)
        draw = partial(_reading, parsed, meetings, caller, paging)
        try:
            key = (MEETING_COMMAND, parsed, paging, caller.slack_id)
            reading = await answers.answer(key, draw)
        except FieldError as error:
            reading = plain_message(str(error))
        await ack(**reading.as_ephemeral())
        return
    question = _question(parsed)
    if question is not None:
        await ack(**question.as_ephemeral())
        return
    if isinstance(parsed, grammar.Schedule | grammar.Move):  # what the calendar checks
        check = partial(_warning, parsed, checks, caller)
        if not command.get("checked") and await checked_first(ack, check) is None:
            return
    try:
        message, change = await asyncio.to_thread(_answer, parsed, meetings, rsvps, caller)
    except FieldError as error:
        await ack(**plain_message(str(error)).as_ephemeral())
        return
    await ack(**message.as_ephemeral())
    if change is not None and not change.quiet:
        background.messages.run(announcer.announce, change, caller.slack_id)
    if isinstance(parsed, grammar.Cancel) and change is not None:
        await records.after_cancel(change, command, caller, context)


async def reading_chosen(
    ack: AsyncAck,
    body: dict[str, Any],
    respond: AsyncRespond,
    caller: MemberProfile,
    meetings: MeetingService,
    announcer: MeetingAnnouncer,
    background: Background,
    web: WebClient,
    rsvps: RsvpService,
    context: AsyncBoltContext,
    checks: CalendarChecks,
    answers: KeptAnswers,
) -> None:
    """A button of a two-way date question (the command again, with the date chosen),
    Confirm of a holiday or hours warning (the command again, checked), or More under a
    page of `/meeting list` or `topics` (the command again, for the next page)."""

    async def run(answer: Reply, command: dict[str, str]) -> None:
        await handle(
            answer,
            command,
            caller,
            meetings,
            announcer,
            background,
            web,
            rsvps,
            context,
            checks,
            answers,
        )

    await rerun_carried(ack, body, respond, run)


def _local(moment: datetime, series: Series) -> str:
    """A wall-clock start in the series' own zone, in words: `Tue 12 Mar 2024 14:00
    (Europe/Bucharest)`; a date alone for an all-day meeting."""
    if series.all_day:
        return short_date(moment.date())
    return f"{short_date(moment.date())} {moment:%H:%M} ({series.timezone})"


def _question(parsed: grammar.MeetingCommand) -> Message | None:
    """Ask first when a date of a change reads two ways."""
    if isinstance(parsed, grammar.Schedule):
        request = parsed.request
        at = f" at {request.at:%H:%M}" if request.at else ""
        zone = f" ({_zone_named(request.timezone)})" if request.timezone else ""
        doing = f"Schedule {request.kind.label} “{request.title}”{at}{zone}"
        return two_way_question(MEETING_COMMAND, parsed.dates, doing)
    if isinstance(parsed, grammar.Move):
        doing = f"Move an occurrence of #{parsed.meeting_id}"
        return two_way_question(MEETING_COMMAND, parsed.dates, doing)
    if isinstance(parsed, grammar.Cancel):
        doing = f"Cancel one occurrence of #{parsed.meeting_id}"
        return two_way_question(MEETING_COMMAND, parsed.dates, doing)
    return None


def _warning(
    parsed: grammar.MeetingCommand, checks: CalendarChecks, caller: MemberProfile
) -> tuple[grammar.MeetingCommand, Message | None]:
    """The command, and the question to ask first when a meeting would be scheduled or moved
    onto an audience country's holiday or outside an audience member's working day (None
    when nothing is wrong)."""
    return parsed, _question_of(parsed, checks, caller)


def _question_of(
    parsed: grammar.MeetingCommand, checks: CalendarChecks, caller: MemberProfile
) -> Message | None:
    if isinstance(parsed, grammar.Schedule):
        preview = checks.meeting_schedule(caller, parsed.request)
        doing = "Schedule it"
    elif isinstance(parsed, grammar.Move):
        on, to_day, at = parsed.on, parsed.to_day, parsed.at
        preview = checks.meeting_move(caller, parsed.meeting_id, on, to_day, at)
        doing = "Move it"
    else:
        return None
    if preview is None:
        return None
    return meeting_question(MEETING_COMMAND, preview, parsed.dates.fixed(), doing)


def _answer(
    parsed: grammar.MeetingCommand,
    meetings: MeetingService,
    rsvps: RsvpService,
    caller: MemberProfile,
) -> tuple[Message, MeetingChange | None]:
    """The database work of a subcommand (run in a worker thread) and the reply it makes."""
    if isinstance(parsed, grammar.Who):
        return who_message(rsvps.who(parsed.meeting_id, parsed.on)), None
    if isinstance(parsed, grammar.Schedule):
        change = meetings.schedule(caller, parsed.request)
        series = change.series
        first = change.shown
        when = _local(first.start_local, series) if first else "no date to come"
        what = f"({series.rule_in_words}), first on {when}" if series.rrule else f"on {when}"
        reply = f"Scheduled #{series.id} {series.title} {what}; posting the invite."
    elif isinstance(parsed, grammar.Cancel):
        # A whole series (or a named none) asks first; one occurrence goes at once, with Undo.
        if parsed.meeting_id is None:
            return cancel_choices(*meetings.cancel_choices(MAX_CHOICES)), None
        if parsed.on is None:
            return cancel_confirmation(meetings.cancel_preview(caller, parsed.meeting_id)), None
        change = meetings.cancel(caller, parsed.meeting_id, parsed.on)
        what = f"the {short_date(parsed.on)} occurrence of" if change.occurrence_local else ""
        reply = f"Cancelled {what} #{parsed.meeting_id}".replace("  ", " ") + "."
        return cancelled_message(reply, change.undo, change.as_of, caller.timezone), change
    elif isinstance(parsed, grammar.Move):
        change = meetings.move(caller, parsed.meeting_id, parsed.on, parsed.to_day, parsed.at)
        assert change.new_local is not None
        reply = (
            f"Moved #{parsed.meeting_id} from {short_date(parsed.on)} "
            f"to {_local(change.new_local, change.series)}."
        )
    elif isinstance(parsed, grammar.Edit):
        change = meetings.edit(caller, parsed.meeting_id, parsed.field, parsed.value)
        reply = f"Changed the {parsed.field} of #{parsed.meeting_id}."
        if change.quiet:
            reply = quiet_edit_reply(change.series, parsed.field)
    else:
        assert isinstance(parsed, grammar.Invite)
        change = meetings.invite(caller, parsed.meeting_id)
        reply = f"Posting the invite for #{change.series.id} again."
    return plain_message(reply), change


def _reading(
    parsed: grammar.ListMeetings | grammar.NextMeetings,
    meetings: MeetingService,
    caller: MemberProfile,
    paging: Paging,
) -> Message:
    if isinstance(parsed, grammar.ListMeetings):
        return meeting_list(meetings.listing_page(paging.after), paging)
    found = meetings.upcoming_for(caller, parsed.kind, everyone=parsed.everyone)
    return upcoming_list(found, parsed.kind)


def _zone_named(typed: str) -> str:
    """The zone a question names: the IANA name a city stands for (`Bucharest`)."""
    try:
        return find_zone(typed)
    except FieldError:
        return typed
