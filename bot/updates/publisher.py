"""After the ack: an update's card in the updates channel, or refreshed in place after an edit
(its thread stays). Works from what the service returned; a failure is logged with Slack's
error and told to the author."""

from __future__ import annotations

import logging

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.updates.blocks import update_card
from scheduling.consortium.directory import DirectoryService
from scheduling.updates.service import Published, UpdateService

logger = logging.getLogger("consortium_bot.updates")


class UpdatePublisher:
    def __init__(
        self, client: WebClient, directory: DirectoryService, updates: UpdateService
    ) -> None:
        self.client = client
        self.directory = directory
        self.updates = updates

    def publish(self, published: Published, author_id: str) -> None:
        """Post the update's card, or refresh it in place after an edit."""
        update = published.update
        card = update_card(update, self.directory.names())
        try:
            if update.posted_channel and update.posted_ts:
                self.client.chat_update(
                    channel=update.posted_channel,
                    ts=update.posted_ts,
                    text=card.text,
                    blocks=card.blocks,
                )
                return
            if published.channel is None:
                tell(
                    self.client,
                    author_id,
                    "Your update is saved, but no updates channel is set up to post it in.",
                )
                return
            posted = self.client.chat_postMessage(
                channel=published.channel, text=card.text, blocks=card.blocks, unfurl_links=False
            )
            self.updates.record_post(update.id, posted["channel"], posted["ts"])
        except SlackApiError as error:
            code = error.response.get("error", "unknown_error")
            logger.warning("update %s not posted: %s", update.id, code)
            tell(
                self.client,
                author_id,
                f"Your update #{update.id} is saved but could not be posted: {code}.",
            )


def tell(client: WebClient, user_id: str, text: str) -> None:
    """A DM to someone waiting for work done after the ack; a failure is only logged."""
    try:
        client.chat_postMessage(channel=user_id, text=text)
    except SlackApiError as error:
        logger.warning("could not tell %s: %s", user_id, error.response.get("error"))
