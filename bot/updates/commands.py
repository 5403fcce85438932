"""`/update`: no text opens the form; `list`, `mine`, `help`; anything else is a quick note."""

from __future__ import annotations

import asyncio

from slack_bolt.async_app import AsyncAck
from slack_sdk import WebClient

from bot.core.background import Background
from bot.core.blocks import Message
from bot.core.mrkdwn import unescape
from bot.updates.blocks import note_posted_message, plain_message, update_form, update_list
from bot.updates.publisher import UpdateNotifier
from scheduling.consortium.directory import DirectoryService, MemberProfile
from scheduling.updates.service import UpdateError, UpdateService

USAGE = (
    "`/update` opens the form for your country · `/update <text>` posts a one-line note "
    "(`PT: <text>` to name the country) · `/update list [country | round]` · `/update mine`"
)


async def handle(
    ack: AsyncAck,
    command: dict[str, str],
    caller: MemberProfile,
    updates: UpdateService,
    update_notifier: UpdateNotifier,
    directory: DirectoryService,
    background: Background,
    web: WebClient,
) -> None:
    text = unescape(command.get("text", "")).strip()
    word = text.split(maxsplit=1)[0].lower() if text else ""
    if not text:
        if not caller.countries and not caller.is_coordinator:
            await ack(
                **plain_message(
                    "You have no country to post for; ask a coordinator."
                ).as_ephemeral()
            )
            return
        await ack()
        background.run(open_form, web, command["trigger_id"], updates, caller, None)
        return
    if word == "help":
        await ack(**plain_message(USAGE).as_ephemeral())
        return
    names = directory.names()
    if word in ("list", "mine"):
        argument = text.split(maxsplit=1)[1] if " " in text else None
        try:
            message = await asyncio.to_thread(_listing, word, argument, updates, caller, names)
        except UpdateError as error:
            message = plain_message(str(error))
        await ack(**message.as_ephemeral())
        return
    try:
        update = await asyncio.to_thread(updates.note, caller, text)
    except UpdateError as error:
        await ack(**plain_message(f"{error} ({USAGE})").as_ephemeral())
        return
    await ack(**note_posted_message(update).as_ephemeral())
    background.run(update_notifier.publish, update.id, caller.slack_id)


def _listing(
    word: str,
    argument: str | None,
    updates: UpdateService,
    caller: MemberProfile,
    names: dict[str, str],
) -> Message:
    if word == "mine":
        return update_list(
            "Your updates",
            updates.recent(limit=20, author_id=caller.slack_id),
            names,
            editable=True,
        )
    if argument is None:
        return update_list("Recent updates", updates.recent(limit=10), names, editable=False)
    country = updates.resolve_country(argument)
    if country is not None:
        found = updates.recent(limit=10, country_code=country.code)
        return update_list(f"Updates from {country.name}", found, names, editable=False)
    found_round = updates.find_round(argument)
    if found_round is None:
        raise UpdateError(f"{argument!r} is neither a country (code or name) nor a round.")
    found = updates.recent(limit=20, round_id=found_round.id)
    return update_list(f"Updates for {found_round.title}", found, names, editable=False)


def open_form(
    web: WebClient,
    trigger_id: str,
    updates: UpdateService,
    caller: MemberProfile,
    preset: tuple[int | None, str | None] | None,
) -> None:
    """Open the form at once (the trigger lives 3 s); `preset` is (round, country) from a DM button."""
    countries = updates.countries_for(caller)
    round_id, country = preset or (None, None)
    codes = [c.code for c in countries]
    rounds = updates.open_rounds(codes if not caller.is_coordinator else None)
    chosen = country or (caller.countries[0].code if caller.countries else None)
    view = update_form(countries, rounds, country=chosen, round_id=round_id)
    web.views_open(trigger_id=trigger_id, view=view)
