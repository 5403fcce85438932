"""A message the outbox delivers, as Slack takes it (`scheduling.ports.Outgoing`): parts posted
one by one, the first on its own and the rest in its thread, each findable again by its
delivery key after a try whose outcome is unknown.

Every message part carries its key in message metadata (the first part the delivery's key,
part n its key and `#n`); a file part is known by its file name in the first part's thread.
`find` reads the conversation's history (the first part) or the thread (the others); Slack
errors become `DeliveryError`s that say whether the call may have taken effect all the same.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from http.client import HTTPException
from typing import Any, TypeVar

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.connect.privately import DM_REFUSED, post_privately
from bot.core import ids
from bot.core.blocks import Message
from bot.core.web_api.retries import ambiguous, retry_after_seconds
from scheduling.ports import DeliveryError, DirectMessageRefusedError, Posted

logger = logging.getLogger("consortium_bot.delivery")

# How far back `find` looks: a part in doubt is minutes old, well within the latest 1,000
# (pages of 200: some apps get fewer a page from Slack than they ask for).
HISTORY_LIMIT = 200
HISTORY_PAGES = 5
# History that cannot be read for these reasons never will be: post rather than wait forever.
UNREADABLE = (
    frozenset({"missing_scope", "not_in_channel", "channel_not_found", "not_allowed_token_type"})
    | DM_REFUSED
)

# Slack's answers when the bot's token no longer works (the app uninstalled, the token
# revoked or deleted): no call will succeed until the app is installed again.
TOKEN_GONE = frozenset({"invalid_auth", "account_inactive", "token_revoked", "not_authed"})

T = TypeVar("T")


@dataclass(frozen=True)
class FilePart:
    """A file shared in the first part's thread (a calendar file under its card)."""

    content: str | bytes
    filename: str
    title: str


Part = Message | FilePart


def part_key(key: str, part: int) -> str:
    return key if part == 0 else f"{key}#{part + 1}"


def failure(error: BaseException) -> DeliveryError:
    """A failed call as the outbox records it: Slack's error code (or the HTTP status, or the
    exception's name), how long Slack asked to wait, and whether it may have taken effect."""
    if isinstance(error, SlackApiError):
        response = error.response
        retry_after = None
        if response.status_code == 429:
            retry_after = retry_after_seconds(response.headers or {}, default=60.0)
            code = "ratelimited"
        elif response.status_code != 200:
            code = f"http_{response.status_code}"
        else:
            found = response.get("error") if isinstance(response.data, dict) else None
            code = str(found or "unknown_error")
        return DeliveryError(
            code, retry_after, ambiguous=ambiguous(error), revoked=code in TOKEN_GONE
        )
    return DeliveryError(type(error).__name__, ambiguous=True)


def calling(call: Callable[[], T]) -> T:
    """Run a Web API call; its failures as `DeliveryError`s."""
    try:
        return call()
    except (SlackApiError, OSError, HTTPException) as error:
        raise failure(error) from None


class SlackOutgoing:
    def __init__(self, client: WebClient, channel: str, key: str, parts: Sequence[Part]) -> None:
        self.client = client
        self.channel = channel
        self.key = key
        self._parts = list(parts)

    @property
    def parts(self) -> int:
        return len(self._parts)

    def send(self, part: int, thread: Posted | None) -> Posted:
        content = self._parts[part]
        channel = thread.channel if thread is not None else self.channel
        thread_ts = thread.ts if thread is not None else None
        if isinstance(content, FilePart):
            assert thread is not None, "a file goes in its card's thread"
            calling(
                lambda: self.client.files_upload_v2(
                    channel=channel,
                    thread_ts=thread_ts,
                    content=content.content,
                    filename=content.filename,
                    title=content.title,
                )
            )
            return thread
        metadata = {
            "event_type": ids.DELIVERY_EVENT_TYPE,
            "event_payload": {"key": part_key(self.key, part)},
        }
        try:
            posted = calling(
                lambda: self.client.chat_postMessage(
                    channel=channel,
                    thread_ts=thread_ts,
                    text=content.text,
                    blocks=content.blocks,
                    metadata=metadata,
                    unfurl_links=False,
                )
            )
        except DeliveryError as error:
            if thread is None and _is_member(channel) and error.code in DM_REFUSED:
                raise DirectMessageRefusedError(error.code) from None
            raise
        return Posted(str(posted["channel"]), str(posted["ts"]))

    def privately(self, channel: str) -> Posted:
        """Every part, as ephemeral messages only the recipient (this DM's member) sees in
        `channel`, the first saying why it comes there (`ports.PrivateDelivery`)."""
        messages = [part for part in self._parts if isinstance(part, Message)]
        for number, message in enumerate(messages):
            try:
                calling(
                    partial(
                        post_privately, self.client, channel, self.channel, message, number == 0
                    )
                )
            except DeliveryError as error:
                if number == 0:
                    raise
                # Parts were shown and cannot be looked up: posting again would repeat them,
                # so the rest is settled as of unknown outcome (at most once).
                raise DeliveryError(
                    error.code, error.retry_after, ambiguous=True, revoked=error.revoked
                ) from error
        return Posted(channel, "")

    def frozen(self) -> dict[str, Any]:
        return {"parts": [_frozen_part(part) for part in self._parts]}

    @classmethod
    def thawed(
        cls, client: WebClient, channel: str, key: str, frozen: dict[str, Any]
    ) -> SlackOutgoing:
        parts: list[Part] = []
        for part in frozen.get("parts") or []:
            if "filename" in part:
                parts.append(FilePart(part["content"], part["filename"], part["title"]))
            else:
                parts.append(Message(part["text"], part.get("blocks") or []))
        return cls(client, channel, key, parts)

    def find(self, part: int, thread: Posted | None) -> Posted | None:
        """Where the part is, if Slack has it. A transient failure to read raises (the outbox
        tries again later); history that can never be read is logged and answered None, so
        the part is posted (and may then appear twice)."""
        try:
            if thread is None:
                return self._find_in_history(part_key(self.key, part))
            return self._find_in_thread(part, thread)
        except SlackApiError as error:
            code = error.response.get("error") if isinstance(error.response.data, dict) else None
            if code not in UNREADABLE:
                raise failure(error) from None
            logger.warning("cannot check whether %s was sent (%s); sending it", self.key, code)
            return None
        except (OSError, HTTPException) as error:
            raise failure(error) from None

    def _find_in_history(self, key: str) -> Posted | None:
        target = self.channel
        if _is_member(target):
            target = self.client.conversations_open(users=target)["channel"]["id"]
        cursor = None
        for _ in range(HISTORY_PAGES):
            history = self.client.conversations_history(
                channel=target, include_all_metadata=True, limit=HISTORY_LIMIT, cursor=cursor
            )
            for message in history.get("messages") or []:
                if _key_of(message) == key:
                    return Posted(target, str(message["ts"]))
            cursor = (history.get("response_metadata") or {}).get("next_cursor")
            if not cursor:
                break
        return None

    def _find_in_thread(self, part: int, thread: Posted) -> Posted | None:
        content = self._parts[part]
        replies = self.client.conversations_replies(
            channel=thread.channel, ts=thread.ts, include_all_metadata=True
        )
        for message in (replies.get("messages") or [])[1:]:
            if isinstance(content, FilePart):
                names = [f.get("name") for f in message.get("files") or []]
                if content.filename in names:
                    return thread
            elif _key_of(message) == part_key(self.key, part):
                return Posted(thread.channel, str(message["ts"]))
        return None


def _is_member(channel: str) -> bool:
    """A post addressed to a member's user ID (Slack puts it in their DM with the bot)."""
    return channel.startswith(("U", "W"))


def _frozen_part(part: Part) -> dict[str, Any]:
    if isinstance(part, FilePart):
        content = part.content.decode() if isinstance(part.content, bytes) else part.content
        return {"content": content, "filename": part.filename, "title": part.title}
    return {"text": part.text, "blocks": part.blocks}


def _key_of(message: dict[str, Any]) -> str | None:
    metadata = message.get("metadata") or {}
    if metadata.get("event_type") != ids.DELIVERY_EVENT_TYPE:
        return None
    key = (metadata.get("event_payload") or {}).get("key")
    return str(key) if key is not None else None
