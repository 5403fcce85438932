"""`/meeting attended <id> on DATE <country codes or @members>`: a coordinator marks members
present (the door and the service both check the role)."""

from __future__ import annotations

import asyncio
import re
from datetime import date

from slack_bolt.async_app import AsyncBoltContext

from bot.attendance.blocks import marked_reply
from bot.core import ids
from bot.core.blocks import plain_message
from bot.core.catalogue import MEETING_COMMAND
from bot.core.help import usage_message
from bot.core.mrkdwn import unescape
from bot.core.readings import Reply
from scheduling.attendance.service import AttendanceService
from scheduling.clock import today_in
from scheduling.consortium.directory import MemberProfile
from scheduling.errors import FieldError
from scheduling.language.dates import already_past, read_date

WORD = "attended"
# Where the date ends: the first mention, @name or two-letter country code.
_NAME = re.compile(r"<@[UW][A-Z0-9]+(\|[^>]*)?>|@\S+|[A-Za-z]{2},?")


async def attended(ack: Reply, command: dict[str, str], context: AsyncBoltContext) -> None:
    """`/meeting attended …`: the command's text is what follows `attended`."""
    service: AttendanceService = context["attendance"]
    caller: MemberProfile = context["caller"]
    words = unescape(command.get("text", "")).split()
    try:
        meeting_id, day, names = _read(words, today_in(service.clock, caller.timezone))
    except FieldError as error:
        await ack(**usage_message(str(error), MEETING_COMMAND, WORD).as_ephemeral())
        return
    try:
        marked = await asyncio.to_thread(service.mark, caller, meeting_id, day, names)
    except FieldError as error:
        await ack(**plain_message(str(error)).as_ephemeral())
        return
    await ack(**marked_reply(marked).as_ephemeral())


def _read(words: list[str], today: date) -> tuple[int, date, list[str]]:
    if not words or ids.record_id(words[0]) is None:
        raise FieldError("say which meeting: its number, e.g. `1`", "id")
    meeting_id = ids.record_id(words[0])
    assert meeting_id is not None
    if len(words) < 3 or words[1].lower() != "on":
        raise FieldError("say `on DATE` after the meeting's number", "date")
    rest = words[2:]
    cut = next((i for i, word in enumerate(rest) if i and _NAME.fullmatch(word)), len(rest))
    if cut == len(rest):
        raise FieldError("name who attended: country codes or @members", "names")
    reading = read_date(" ".join(rest[:cut]), today, "date")
    if reading.other is not None:
        raise FieldError(
            f"{reading.typed!r} reads two ways: write it as {reading.day:%Y-%m-%d}", "date"
        )
    return meeting_id, already_past(reading.day, reading.typed, today), rest[cut:]
