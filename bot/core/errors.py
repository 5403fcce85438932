"""The one error handler: the user gets a short apology with a reference; the log gets the trace."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Mapping
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.response import BoltResponse
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.core.blocks import Message, as_dicts, section
from bot.core.web_api.background import Background
from bot.lifecycle.retries import hand_back
from storage.db import DatabaseBusyError

logger = logging.getLogger("consortium_bot.errors")


def error_message(reference: str) -> Message:
    text = f"Sorry, something went wrong on my side. Reference: {reference}"
    blocks = [
        section(
            "Sorry, something went wrong on my side and I could not finish that.\n"
            f"If it happens again, tell a coordinator the reference `{reference}`."
        )
    ]
    return Message(text=text, blocks=as_dicts(blocks))


BUSY_TEXT = (
    "The database is busy and I could not save that in time, so nothing was changed. "
    "Please try again in a minute."
)


def busy_message() -> Message:
    return Message(text=BUSY_TEXT, blocks=as_dicts([section(BUSY_TEXT)]))


def install(app: AsyncApp, services: Mapping[str, Any]) -> None:
    """`services`: by name, as the listeners get them (a failure may come before a listener
    matched, when the context holds none)."""

    @app.error
    async def apologise(
        error: Exception, body: dict[str, Any], context: dict[str, Any]
    ) -> BoltResponse:
        context = {**services, **context}
        reference = secrets.token_hex(4)
        if isinstance(error, DatabaseBusyError):
            # Not a fault of the bot's: one line, and the honest answer, not an apology.
            logger.warning("database busy (reference %s): %s", reference, error)
            message = busy_message()
        else:
            logger.error("listener failed (reference %s)", reference, exc_info=error)
            message = error_message(reference)
        if body.get("type") == "event_callback":
            # Not acknowledged, Slack sends the event again (X-Slack-Retry-Num).
            return await hand_back(body, context)
        # A slash command's HTTP response is still open here: answer in it.
        if body.get("command"):
            return BoltResponse(status=200, body=message.as_ephemeral())
        if body.get("type") == "view_submission":
            # Keep the form open with what was typed, and say so on its first input.
            inputs = [b for b in body.get("view", {}).get("blocks", []) if b.get("type") == "input"]
            if inputs:
                text = (
                    BUSY_TEXT
                    if isinstance(error, DatabaseBusyError)
                    else f"Something went wrong on my side (reference {reference}). "
                    "Your text is still here; try again."
                )
                errors = {inputs[0]["block_id"]: text}
                return BoltResponse(
                    status=200, body={"response_action": "errors", "errors": errors}
                )
        user = body.get("user_id") or (body.get("user") or {}).get("id")
        channel = body.get("channel_id") or (body.get("channel") or {}).get("id")
        background: Background | None = context.get("background")
        web: WebClient | None = context.get("web")
        if user and channel and background is not None and web is not None:
            background.messages.run(
                _apologise_later, web, channel, user, message.text, message.blocks
            )
        return BoltResponse(status=200, body="")


def _apologise_later(
    web: WebClient, channel: str, user: str, text: str, blocks: list[dict[str, Any]]
) -> None:
    try:
        web.chat_postEphemeral(channel=channel, user=user, text=text, blocks=blocks)
    except SlackApiError as failure:
        # The apology is a courtesy; the trace is already logged with the reference.
        logger.warning("could not deliver the apology: %s", failure.response.get("error"))
