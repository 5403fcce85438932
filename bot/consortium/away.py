"""`/consortium away` and `/consortium hours`: a member's days away and working hours.

`away 2027-08-01 to 2027-08-20`, `away 1 Aug to 20 Aug`, `away from 1 Aug until 20 Aug`,
`away tomorrow`, `away until Friday`, `away 24 Dec` (one day); `away` alone lists the
periods, `away clear` (or `back`) ends them, `away cancel N` one of them; a coordinator may
put `@member` first to speak for another member. A date that reads two ways is asked about
first (`core/readings.py`). `hours 09:00-17:00`, `hours 9-17`, `hours default`; `hours`
alone shows them with the member's zone.
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncRespond

from bot.core.blocks import Message, as_dicts, context, plain_message, section
from bot.core.catalogue import CONSORTIUM_COMMAND
from bot.core.mrkdwn import escape, unescape
from bot.core.readings import Reply, rerun_chosen, two_way_question
from scheduling.consortium.directory import DirectoryService, MemberProfile
from scheduling.errors import FieldError
from scheduling.language.dates import already_past, read_date
from scheduling.language.phrases import DatesRead, Part, cut
from scheduling.language.words import Word, split_words
from scheduling.workdays.away import AwayPeriodView, AwayService, AwaySet
from scheduling.workdays.hours import WorkingHours
from scheduling.workdays.service import hours_of

ENDING = frozenset({"clear", "back", "end", "off", "none", "stop"})
_STARTS = frozenset({"from", "on", "starting"})
_ENDS = frozenset({"to", "until", "till", "til", "through", "thru", "-", "–", "—"})
_MENTION = re.compile(r"^<@([A-Z0-9]+)(?:\|[^>]*)?>$")
# A first day without a year that was a few days ago is that day, not next year's.
RECENT_FIRST_DAY = timedelta(days=31)
AWAY_USAGE = (
    "Say e.g. `/consortium away 2027-08-01 to 2027-08-20`, `/consortium away 1 Aug to 20 Aug`,"
    " `/consortium away tomorrow` or `/consortium away until Friday`; `/consortium away` lists"
    " your days away, `/consortium away clear` ends them."
)
QUIET_NOTE = (
    "No nudge, digest or round request reaches you by DM then (they wait until you are back),"
    " and your country is not counted as missing for your absence alone."
)


@dataclass(frozen=True)
class AwayAsk:
    """What an `away` line asks: list, clear (one `number` or all), or set `first`-`last`;
    for `member` (None: the caller), with the dates as read."""

    action: str  # "list", "clear", "set"
    member: str | None = None
    first: date | None = None
    last: date | None = None
    number: int | None = None
    dates: DatesRead = field(default_factory=DatesRead)


def read_away(text: str, today: date) -> AwayAsk:
    """The words after `/consortium` (starting with `away`), read with `today` the member's."""
    words = split_words(text)
    rest = list(words[1:])
    member = None
    if rest and (found := _MENTION.match(rest[0])):
        member = found[1]
        rest = rest[1:]
    lead = [words[0], *([Word(f"<@{member}>")] if member else [])]
    if not rest:
        return AwayAsk("list", member)
    first_word = rest[0].lower()
    if first_word in ENDING and len(rest) == 1:
        return AwayAsk("clear", member)
    if first_word == "cancel":
        if len(rest) != 2 or not rest[1].lstrip("#").isdecimal():
            raise FieldError(
                "Say which period to cancel by its number, e.g. `/consortium away cancel 2`;"
                " `/consortium away` lists them.",
                "number",
            )
        return AwayAsk("clear", member, number=int(rest[1].lstrip("#")))
    if first_word not in _STARTS | _ENDS:
        rest = [Word("from"), *rest]
    said = (*lead, *rest)
    parts = cut(rest, _STARTS | _ENDS, offset=len(lead))
    read = DatesRead(said)
    starts = [p for p in parts if p.keyword in _STARTS]
    ends = [p for p in parts if p.keyword in _ENDS]
    if len(starts) > 1 or len(ends) > 1 or any(not p.words for p in parts):
        raise FieldError(
            f"I can't read {' '.join(words[1:])!r} as days away. {AWAY_USAGE}", "first"
        )
    first, read = (
        _day(starts[0], today, read, "first day", recent=True) if starts else (today, read)
    )
    last, read = _day(ends[0], today, read, "last day") if ends else (first, read)
    return AwayAsk("set", member, first, last, dates=read)


def _day(
    part: Part, today: date, read: DatesRead, field: str, recent: bool = False
) -> tuple[date, DatesRead]:
    reading = read_date(part.text, today, field)
    day = reading.day
    if recent and reading.other is None:
        back = already_past(day, part.text, today)
        if back != day and today - back <= RECENT_FIRST_DAY:
            day = back  # `from 1 Aug` said on 5 Aug: away since 1 Aug, that is from today
    return day, read.add(reading, part.start, part.end)


async def handle_away(
    ack: Reply,
    command: dict[str, str],
    caller: MemberProfile,
    directory: DirectoryService,
    away: AwayService,
) -> str | None:
    """Answer an `away` line; the member whose days away it changed, if any (their Home
    tab and the coordinators' are redrawn)."""
    text = unescape(command.get("text", ""))
    try:
        ask = read_away(text, away.today_of(caller))
        member = _member(ask.member, caller, directory)
        if ask.action == "set":
            question = two_way_question(CONSORTIUM_COMMAND, ask.dates, "Set your days away")
            if question is not None:
                await ack(**question.as_ephemeral())
                return None
            assert ask.first is not None and ask.last is not None
            done = await asyncio.to_thread(away.set_away, caller, member, ask.first, ask.last)
            message = away_set_message(done, caller)
        elif ask.action == "clear":
            ended = await asyncio.to_thread(away.clear, caller, member, ask.number)
            message = away_cleared_message(ended, member, caller, away.today_of(member))
        else:
            periods, today = await asyncio.to_thread(away.periods, member)
            message = away_list_message(periods, member, caller, today)
    except FieldError as error:
        await ack(**plain_message(str(error)).as_ephemeral())
        return None
    await ack(**message.as_ephemeral())
    return member.slack_id if ask.action != "list" else None


def _member(said: str | None, caller: MemberProfile, directory: DirectoryService) -> MemberProfile:
    if said is None or said == caller.slack_id:
        return caller
    if not caller.is_coordinator:
        raise FieldError(
            "You can only set your own days away; a coordinator can set another member's.",
            "member",
        )
    found = directory.profile(said)
    if found is None:
        raise FieldError("That person is not in the consortium file.", "member")
    return found


async def reading_chosen(
    ack: AsyncAck,
    body: dict[str, Any],
    respond: AsyncRespond,
    caller: MemberProfile,
    directory: DirectoryService,
    away: AwayService,
) -> None:
    """A button of a two-way date question about days away: set them with the chosen date."""

    async def run(answer: Reply, command: dict[str, str]) -> None:
        await handle_away(answer, command, caller, directory, away)

    await rerun_chosen(ack, body, respond, run)


def _whose(member: MemberProfile, caller: MemberProfile) -> tuple[str, str]:
    """(`You are`, `you`) or (`Name is`, `they`), escaped."""
    if member.slack_id == caller.slack_id:
        return "You are", "you"
    return f"{escape(member.name)} is", "they"


def away_set_message(done: AwaySet, caller: MemberProfile) -> Message:
    who, _ = _whose(done.member, caller)
    merged = (
        f" (merged with {done.merged} period{'s' if done.merged > 1 else ''} already set)"
        if done.merged
        else ""
    )
    text = f"{who} away {done.period.words(done.today)}{merged}. {QUIET_NOTE}"
    if done.member.slack_id != caller.slack_id:
        text = text.replace("reaches you", "reaches them").replace("you are back", "they are back")
        text = text.replace("your country", "their country").replace(
            "your absence", "their absence"
        )
    blocks = [
        section(text),
        context(
            f"`/consortium away cancel {done.period.id}` takes it back; "
            "`/consortium away` lists your days away."
        ),
    ]
    return Message(text=text, blocks=as_dicts(blocks))


def away_cleared_message(
    ended: list[AwayPeriodView], member: MemberProfile, caller: MemberProfile, today: date
) -> Message:
    who, _ = _whose(member, caller)
    if not ended:
        return plain_message(f"{_plain(who)} not away: there were no days away to end.")
    said = "; ".join(p.words(today) for p in ended)
    return plain_message(
        f"Welcome back: {_plain(who).lower() if who == 'You are' else _plain(who)} no longer "
        f"away ({said} ended). DMs reach {'you' if who == 'You are' else 'them'} again in "
        "working hours."
    )


def _plain(escaped: str) -> str:
    return unescape(escaped)


def away_list_message(
    periods: list[AwayPeriodView], member: MemberProfile, caller: MemberProfile, today: date
) -> Message:
    who, _ = _whose(member, caller)
    if not periods:
        text = f"{_plain(who)} not away on any day to come. {AWAY_USAGE}"
        return Message(text=escape(text), blocks=as_dicts([section(escape(text))]))
    lines = [f"*{p.id}.* away {p.words(today)}" for p in periods]
    text = f"{who} away: " + "; ".join(f"{p.id}. {p.words(today)}" for p in periods)
    blocks = [
        section(f"*{who} away:*\n" + "\n".join(lines)),
        context(
            "`/consortium away cancel N` ends one, `/consortium away clear` all of them. "
            + QUIET_NOTE
        ),
    ]
    return Message(text=text, blocks=as_dicts(blocks))


def handle_hours(words: list[str], caller: MemberProfile, away: AwayService) -> Message:
    """`hours 09:00-17:00` sets them, `hours default` resets them, `hours` shows them."""
    said = " ".join(words)
    if not said.strip():
        return plain_message(hours_words(caller) + " `/consortium hours 09:00-17:00` changes them.")
    try:
        hours = away.set_hours(caller, said)
    except FieldError as error:
        return plain_message(f"{error} Nothing changed; `/consortium hours default` resets them.")
    now = str(hours) if hours is not None else f"the default, {WorkingHours()}"
    return plain_message(
        f"Your working hours are now {now} ({caller.timezone}), on your working days. Round "
        "requests, nudges and the digest by DM reach you only then; meeting reminders keep their "
        "time, and one by DM outside these hours is not sent (the meeting's channel has it)."
    )


def hours_words(profile: MemberProfile) -> str:
    """`Your working hours: 08:00-19:00 (the default) in Europe/Lisbon, Monday to Friday but
    the public holidays of Portugal.`"""
    hours = hours_of(profile)
    default = " (the default)" if profile.working_hours is None else ""
    country = profile.countries[0].name if profile.countries else "your country"
    return (
        f"Your working hours: {hours}{default} in {profile.timezone}, Monday to Friday but the "
        f"public holidays of {country}."
    )
