"""The agenda also as the channel's canvas, where the workspace allows canvases: written once
per channel, then replaced by each agenda published there. A workspace that allows none (a
plan without channel canvases, a missing scope) still gets the agenda as a message."""

from __future__ import annotations

import logging
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

logger = logging.getLogger("consortium_bot.agenda")

# The canvas is gone (deleted in Slack): a new one is made.
GONE = frozenset({"canvas_not_found", "canvas_deleted", "canvas_disabled"})


def canvas_markdown(title: str, text: str) -> str:
    """The canvas: the agenda's title as its heading, then the agenda as the coordinator wrote
    it (canvases read markdown, not Slack's mrkdwn, so the text goes in as typed)."""
    return f"# {title}\n\n{text}\n"


def put_canvas(
    web: WebClient, channel: str, canvas_id: str | None, title: str, text: str
) -> str | None:
    """Write the agenda to the channel's canvas; its ID, or None where there is none."""
    content: dict[str, Any] = {"type": "markdown", "markdown": canvas_markdown(title, text)}
    if canvas_id is not None:
        try:
            web.canvases_edit(
                canvas_id=canvas_id, changes=[{"operation": "replace", "document_content": content}]
            )
            return canvas_id
        except SlackApiError as failure:
            if failure.response.get("error") not in GONE:
                logger.info("agenda canvas not updated: %s", failure.response.get("error"))
                return canvas_id
    try:
        made = web.conversations_canvases_create(
            channel_id=channel, title=title, document_content=content
        )
    except SlackApiError as failure:
        # Not allowed here, or a canvas someone made by hand: the message is the agenda.
        logger.info("no agenda canvas in %s: %s", channel, failure.response.get("error"))
        return None
    return str(made["canvas_id"])
