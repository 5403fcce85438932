"""`/consortium my-data`: a member's copy of everything the bot holds about them (GDPR art.
15 and 20). The ack says the file is on its way; after it, on the messages lane, the bot
reads the data in one transaction, uploads it as a JSON file to the member's DM with the bot
and posts a readable summary there. When Slack refuses, the member hears why by the
command's response_url; nothing was changed, so asking again is safe."""

from __future__ import annotations

import logging
import re
import secrets

from slack_bolt.async_app import AsyncAck
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.connect.privately import DM_REFUSED
from bot.core.access import tell_presser
from bot.core.blocks import plain_message
from bot.core.web_api.background import Background
from bot.privacy.my_data_blocks import not_sent_message, on_its_way_message, summary_message
from scheduling.consortium.directory import MemberProfile
from scheduling.errors import NotAllowedError
from scheduling.language.words import suggest
from scheduling.privacy.access import PersonalDataService, only_own

logger = logging.getLogger("consortium_bot.privacy")

SUBCOMMAND = "my-data"
# `my-data`, `mydata`, `my data`, `my_data`, and slips of the keys like `my-dta`, all read
# as one word without its separators; asking for one's own data is harmless, so a close
# slip is taken as meant.
_SEPARATORS = re.compile(r"[-_.]")
_CLOSE_ENOUGH = 0.8
_MENTION = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^>]*)?>")


def asks_for_my_data(words: list[str]) -> bool:
    """Whether the command's words ask for the member's data."""
    if not words:
        return False
    first = words[0].lower()
    if first == "my" and len(words) > 1:
        first += words[1].lower()
    said = _SEPARATORS.sub("", first)
    return said == "mydata" or suggest(said, ["mydata"], cutoff=_CLOSE_ENOUGH) is not None


async def handle_my_data(
    ack: AsyncAck,
    command: dict[str, str],
    caller: MemberProfile,
    personal_data: PersonalDataService,
    web: WebClient,
    background: Background,
) -> None:
    # `/consortium my-data @someone`: their data is theirs to ask for.
    someone = _MENTION.search(command.get("text", ""))
    try:
        only_own(caller, someone.group(1) if someone is not None else None)
    except NotAllowedError as refusal:
        await ack(**plain_message(str(refusal)).as_ephemeral())
        return
    await ack(**on_its_way_message().as_ephemeral())
    response_url = command.get("response_url") or None
    background.messages.run(send_my_data, web, personal_data, caller, response_url)


def send_my_data(
    web: WebClient,
    personal_data: PersonalDataService,
    caller: MemberProfile,
    response_url: str | None,
) -> None:
    """Read, upload and summarise; whatever fails, the member hears of it."""
    try:
        data = personal_data.mine(caller)
    except Exception:
        # Whatever broke, the person waiting must hear of it; the log has the traceback.
        reference = secrets.token_hex(4)
        logger.exception(
            "my-data of %s could not be made (reference %s)", caller.slack_id, reference
        )
        reason = f"it could not be put together (reference {reference} in the bot's log)"
        tell_presser(web, caller.slack_id, not_sent_message(reason), None, response_url)
        return
    uploaded = False
    try:
        opened = web.conversations_open(users=caller.slack_id)
        channel = opened["channel"]["id"]
        web.files_upload_v2(
            channel=channel,
            content=data.to_json(),
            filename=data.filename,
            title=f"Your data held by the {data.consortium or 'consortium'} bot",
            initial_comment="Everything the bot holds about you, as a JSON file.",
        )
        uploaded = True
        summary = summary_message(data, caller.timezone)
        web.chat_postMessage(channel=channel, text=summary.text, blocks=summary.blocks)
    except SlackApiError as failure:
        code = str(failure.response.get("error") or "unknown_error")
        logger.warning("my-data of %s not sent: %s", caller.slack_id, code)
        reason = f"Slack answered `{code}`"
        if code in DM_REFUSED:
            # A partner of another workspace whom no app may DM: a file cannot go privately
            # anywhere else, so the coordinators send it (`consortium-bot my-data`).
            reason = (
                "Slack lets me open no direct message with you (you are in another "
                "organisation's workspace), and a file can only reach you privately there. "
                "Ask a coordinator: they can send you the same file (`consortium-bot my-data "
                f"{caller.slack_id}`)"
            )
        if uploaded:
            reason = f"the file is in your DM with me, but its summary is not ({reason})"
        tell_presser(web, caller.slack_id, not_sent_message(reason), None, response_url)
