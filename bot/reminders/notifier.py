"""The Slack side of scheduled delivery (`ports.DeliveryNotifier`): reminders and digests
posted with their delivery key in the message metadata, so after a crash the bot can ask
Slack whether a message went out."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.core import ids
from bot.core.retries import retry_after_seconds
from bot.reminders.blocks import digest_messages, reminder_message
from scheduling.consortium.directory import DirectoryService
from scheduling.delivery.notices import Digest, ReminderNotice
from scheduling.ports import DeliveryError, Posted

logger = logging.getLogger("consortium_bot.delivery")


def _failure(error: SlackApiError) -> DeliveryError:
    response = error.response
    retry_after = None
    if response.status_code == 429:
        retry_after = retry_after_seconds(response.headers or {}, default=60.0)
    if response.status_code != 200:
        return DeliveryError(f"http_{response.status_code}", retry_after)
    code = response.get("error") if isinstance(response.data, dict) else None
    return DeliveryError(str(code or "unknown_error"), retry_after)


class SlackDeliveryNotifier:
    def __init__(self, client: WebClient, directory: DirectoryService) -> None:
        self.client = client
        self.directory = directory

    def _metadata(self, key: str) -> dict[str, object]:
        return {"event_type": ids.DELIVERY_EVENT_TYPE, "event_payload": {"key": key}}

    def send_reminder(self, notice: ReminderNotice) -> Posted:
        names = self.directory.country_names()
        message = reminder_message(notice, names)
        try:
            posted = self.client.chat_postMessage(
                channel=notice.channel,
                text=message.text,
                blocks=message.blocks,
                metadata=self._metadata(notice.key),
                unfurl_links=False,
            )
        except SlackApiError as error:
            raise _failure(error) from None
        return Posted(str(posted["channel"]), str(posted["ts"]))

    def update_reminder(self, posted: Posted, notice: ReminderNotice) -> None:
        names = self.directory.country_names()
        message = reminder_message(notice, names)
        try:
            self.client.chat_update(
                channel=posted.channel,
                ts=posted.ts,
                text=message.text,
                blocks=message.blocks,
                metadata=self._metadata(notice.key),
            )
        except SlackApiError as error:
            raise _failure(error) from None

    def send_digest(self, channel: str, digest: Digest, key: str) -> Posted:
        names = self.directory.country_names()
        messages = digest_messages(digest, names)
        try:
            first = self.client.chat_postMessage(
                channel=channel,
                text=messages[0].text,
                blocks=messages[0].blocks,
                metadata=self._metadata(key),
                unfurl_links=False,
            )
            for part in messages[1:]:
                self.client.chat_postMessage(
                    channel=channel,
                    thread_ts=first["ts"],
                    text=part.text,
                    blocks=part.blocks,
                    unfurl_links=False,
                )
        except SlackApiError as error:
            raise _failure(error) from None
        return Posted(str(first["channel"]), str(first["ts"]))

    def already_sent(self, channel: str, key: str, since: datetime) -> Posted | None:
        """Look for the key among the channel's latest messages; None when it is not there or
        history cannot be read. `since` is not sent as `oldest`: with `tick --at` the bot's
        clock is not Slack's, and a claim is minutes old, well within the last 200 messages."""
        try:
            target = channel
            if channel.startswith(("U", "W")):
                target = self.client.conversations_open(users=channel)["channel"]["id"]
            history = self.client.conversations_history(
                channel=target,
                include_all_metadata=True,
                limit=200,
            )
        except SlackApiError as error:
            logger.warning(
                "cannot check whether %s was sent (%s); sending again",
                key,
                error.response.get("error"),
            )
            return None
        messages: list[dict[str, Any]] = history.get("messages") or []
        for message in messages:
            metadata = message.get("metadata") or {}
            if (
                metadata.get("event_type") == ids.DELIVERY_EVENT_TYPE
                and (metadata.get("event_payload") or {}).get("key") == key
            ):
                return Posted(target, str(message["ts"]))
        return None
