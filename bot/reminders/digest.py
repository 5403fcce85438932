"""`/digest preview` (anyone, only you see it) and `/digest now` (coordinators: post it)."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from functools import partial

from slack_bolt.async_app import AsyncAck

from bot.answers.kept import KeptAnswers
from bot.core.blocks import Message, plain_message
from bot.core.catalogue import DIGEST_COMMAND
from bot.core.help import topic_help_message, unknown_subcommand_message
from bot.core.web_api.background import Background
from bot.reminders.digest_blocks import digest_messages
from scheduling.consortium.directory import DirectoryService, MemberProfile
from scheduling.delivery.jobs import Jobs


def _preview(jobs: Jobs) -> Message:
    """The digest's first part, its text saying how many parts there are."""
    pages = digest_messages(jobs.preview())
    first = pages[0]
    if len(pages) > 1:
        first = replace(first, text=f"{first.text} (showing part 1 of {len(pages)})")
    return first


async def handle(
    ack: AsyncAck,
    command: dict[str, str],
    caller: MemberProfile,
    jobs: Jobs,
    directory: DirectoryService,
    background: Background,
    answers: KeptAnswers,
) -> None:
    word = (command.get("text") or "preview").strip().lower()
    if word == "preview":
        # Everyone's preview is the same; kept while nothing changed (`bot/answers`).
        first = await answers.answer((DIGEST_COMMAND, word), partial(_preview, jobs))
        await ack(**first.as_ephemeral())
        return
    if word == "now":
        setting = await asyncio.to_thread(jobs.digest_setting)
        if setting.channel is None:
            await ack(
                **plain_message(
                    "No digest channel is set up in the consortium file."
                ).as_ephemeral()
            )
            return
        await ack(**plain_message("Posting the digest now.").as_ephemeral())
        background.messages.run(jobs.digest_now, caller)
        return
    if word == "help":
        await ack(**topic_help_message("updates").as_ephemeral())
        return
    await ack(**unknown_subcommand_message(DIGEST_COMMAND, word).as_ephemeral())
