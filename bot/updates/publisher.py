"""After the ack: a new update's card, queued with the update, sent to the updates channel
through the outbox; or the card refreshed in place after an edit (its thread stays). A
failure is logged with Slack's error and told to the author."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.core.web_api.background import Lane, refusals
from bot.updates.blocks import update_card
from scheduling.consortium.directory import DirectoryService
from scheduling.delivery.jobs import Jobs
from scheduling.updates.service import Published
from scheduling.updates.views import UpdateView

logger = logging.getLogger("consortium_bot.updates")


class UpdatePublisher:
    def __init__(
        self,
        client: WebClient,
        directory: DirectoryService,
        outbox: Jobs,
        lane: Lane,
        changed: Callable[[], None] = lambda: None,
    ) -> None:
        self.client = client
        self.directory = directory
        self.outbox = outbox
        self.lane = lane
        self.changed = changed  # redraws what lists updates and rounds (the Home tabs)

    def publish(self, published: Published, author_id: str, tries: int = 1) -> None:
        """Post the new update's card (queued with it), or refresh it in place after an edit;
        then what lists updates is redrawn, linking to the card."""
        try:
            self._publish(published, author_id, tries)
        finally:
            self.changed()  # after a later try too: the card it posted is linked

    def _publish(self, published: Published, author_id: str, tries: int) -> None:
        update = published.update
        if update.posted_channel and update.posted_ts:
            self._refresh(update, author_id)
            return
        if published.card is None:
            if published.channel is None:
                tell(
                    self.client,
                    author_id,
                    "Your update is saved, but no updates channel is set up to post it in.",
                )
            return  # an edit before the card went out: the card, when it goes, shows it
        failures = self.outbox.dispatch([published.card]).failures
        refused = refusals(
            failures, self.lane, tries, lambda again: self.publish(published, author_id, again)
        )
        error = refused.get(published.card)
        if error is None:
            return  # posted, or on its way
        logger.warning("update %s not posted yet: %s", update.id, error.code)
        tell(
            self.client,
            author_id,
            f"Your update #{update.id} is saved but could not be posted yet: {error.code}."
            " I will try again.",
        )

    def redraw(self, updates: Sequence[UpdateView]) -> None:
        """Cards posted earlier drawn again as they read now (an erased author's name "a
        former member of …"); a failure is only logged: nobody waits for it."""
        for update in updates:
            if update.posted_channel and update.posted_ts:
                self._redrawn(update)

    def _redrawn(self, update: UpdateView) -> str | None:
        """The card drawn again in place: None, or Slack's error."""
        card = update_card(update, self.directory.names())
        assert update.posted_channel is not None and update.posted_ts is not None
        try:
            self.client.chat_update(
                channel=update.posted_channel,
                ts=update.posted_ts,
                text=card.text,
                blocks=card.blocks,
            )
        except SlackApiError as error:
            code = str(error.response.get("error", "unknown_error"))
            logger.warning("update %s not refreshed: %s", update.id, code)
            return code
        return None

    def _refresh(self, update: UpdateView, author_id: str) -> None:
        code = self._redrawn(update)
        if code is not None:
            tell(
                self.client,
                author_id,
                f"Your edit of update #{update.id} is saved but its card could not be refreshed:"
                f" {code}.",
            )


def tell(client: WebClient, user_id: str, text: str) -> None:
    """A DM to someone waiting for work done after the ack; a failure is only logged."""
    try:
        client.chat_postMessage(channel=user_id, text=text)
    except SlackApiError as error:
        logger.warning("could not tell %s: %s", user_id, error.response.get("error"))
