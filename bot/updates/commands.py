"""`/update`: no text opens the form; `list`, `mine`, `help`; anything else is a quick note."""

from __future__ import annotations

import asyncio
from functools import partial
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncRespond
from slack_sdk import WebClient

from bot.answers.kept import KeptAnswers
from bot.core.blocks import Message, plain_message
from bot.core.catalogue import UPDATE_COMMAND
from bot.core.help import topic_help_message, usage_message
from bot.core.mrkdwn import unescape
from bot.core.paging import Paging, rerun_page
from bot.core.readings import Reply
from bot.core.web_api.background import Background
from bot.updates.blocks import note_posted_message, update_list
from bot.updates.form import open_form
from bot.updates.publisher import UpdatePublisher
from scheduling.consortium.directory import DirectoryService, MemberProfile
from scheduling.errors import FieldError
from scheduling.language.words import suggest
from scheduling.updates.service import Listing, UpdateService

SUBCOMMANDS = ("list", "mine", "help")


async def handle(
    ack: Reply,
    command: dict[str, str],
    caller: MemberProfile,
    updates: UpdateService,
    publisher: UpdatePublisher,
    directory: DirectoryService,
    background: Background,
    web: WebClient,
    answers: KeptAnswers,
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
        background.forms.run(open_form, web, command["trigger_id"], updates, caller, None)
        return
    if word == "help":
        await ack(**topic_help_message("updates").as_ephemeral())
        return
    if word in ("list", "mine"):
        argument = text.split(maxsplit=1)[1] if " " in text else None
        # Reading only: the same answer while nothing changed (`bot/answers`).
        paging = Paging.of(UPDATE_COMMAND, command)
        key = (UPDATE_COMMAND, word, argument, paging, caller.slack_id)
        draw = partial(_browse, updates, directory, caller, word, argument, paging)
        try:
            message = await answers.answer(key, draw)
        except FieldError as error:
            await ack(**plain_message(str(error)).as_ephemeral())
            return
        await ack(**message.as_ephemeral())
        return
    slip = _slip(text, caller)
    if slip is not None:
        await ack(**plain_message(slip).as_ephemeral())
        return
    try:
        published = await asyncio.to_thread(updates.note, caller, text)
    except FieldError as error:
        await ack(**usage_message(str(error), UPDATE_COMMAND, "<text>").as_ephemeral())
        return
    await ack(**note_posted_message(published.update, published.awaiting).as_ephemeral())
    background.messages.run(publisher.publish, published, caller.slack_id)


def _slip(text: str, caller: MemberProfile) -> str | None:
    """A short note that starts with a misspelt subcommand (`/update lst Finland`) is not
    posted for the whole consortium to read: the reply asks instead."""
    words = text.split()
    if len(words) > 3:
        return None
    close = suggest(words[0], SUBCOMMANDS, cutoff=0.6 if len(words) == 1 else 0.75)
    if close is None:
        return None
    meant = " ".join([close, *words[1:]])
    code = caller.countries[0].code if caller.countries else "PT"
    return (
        f"Did you mean `/update {meant}`? Nothing was posted. To post it as a note, "
        f"start with your country code, e.g. `/update {code}: {text}`."
    )


async def more_pressed(
    ack: AsyncAck,
    body: dict[str, Any],
    respond: AsyncRespond,
    caller: MemberProfile,
    updates: UpdateService,
    publisher: UpdatePublisher,
    directory: DirectoryService,
    background: Background,
    web: WebClient,
    answers: KeptAnswers,
) -> None:
    """More under a page of `/update list` or `mine`: the command again, for the next page."""

    async def run(answer: Reply, command: dict[str, str]) -> None:
        await handle(
            answer, command, caller, updates, publisher, directory, background, web, answers
        )

    await rerun_page(ack, body, respond, run)


def _browse(
    updates: UpdateService,
    directory: DirectoryService,
    caller: MemberProfile,
    word: str,
    argument: str | None,
    paging: Paging,
) -> Message:
    listing = updates.browse(caller, word, argument, paging.after)
    return _listing(listing, directory.names(), paging)


def _listing(listing: Listing, names: dict[str, str], paging: Paging) -> Message:
    title = {
        "mine": "Your updates",
        "recent": "Recent updates",
        "country": f"Updates from {listing.name}",
        "round": f"Updates for {listing.name}",
    }[listing.kind]
    return update_list(title, listing.page, names, listing.kind == "mine", paging)
