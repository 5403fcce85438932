"""The one error handler: the user gets a short apology with a reference; the log gets the trace."""

from __future__ import annotations

import logging
import secrets
from typing import Any

from slack_bolt import App, BoltResponse
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.blocks import error_message

logger = logging.getLogger("consortium_bot.errors")


def install(app: App) -> None:
    @app.error
    def apologise(error: Exception, body: dict[str, Any], client: WebClient) -> BoltResponse:
        reference = secrets.token_hex(4)
        logger.error("listener failed (reference %s)", reference, exc_info=error)
        message = error_message(reference)
        # A slash command's HTTP response is still open here: answer in it.
        if body.get("command"):
            return BoltResponse(status=200, body=message.as_ephemeral())
        user = body.get("user_id") or (body.get("user") or {}).get("id")
        channel = body.get("channel_id") or (body.get("channel") or {}).get("id")
        if user and channel:
            try:
                client.chat_postEphemeral(
                    channel=channel, user=user, text=message.text, blocks=message.blocks
                )
            except SlackApiError as failure:
                # The apology is a courtesy; the trace is already logged with the reference.
                logger.warning("could not deliver the apology: %s", failure.response.get("error"))
        return BoltResponse(status=200, body="")
