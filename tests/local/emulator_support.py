"""What the emulator's tests share: a workspace's people and channels, a hand-moved clock,
Block Kit snippets and small calls through a real WebClient."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.local.emulator import EmulatedChannel, EmulatedUser

ALICE = EmulatedUser("U0ALICE", "alice", "Europe/Lisbon")
BOB = EmulatedUser("U0BOB", "bob")
GENERAL = EmulatedChannel("C0GENERAL", "general")
TRIGGER_TTL = 3.0

# slack_sdk warns whenever a message has blocks but no top-level text; some cases need exactly that.
no_text_warning = pytest.mark.filterwarnings("ignore:The top-level `text` argument is missing")


class FakeClock:
    """Monotonic seconds the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def section(text: str, **extra: Any) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}, **extra}


def button(label: str, action_id: str = "press") -> dict[str, Any]:
    return {"type": "button", "text": {"type": "plain_text", "text": label}, "action_id": action_id}


def modal(title: str = "Plan", **extra: Any) -> dict[str, Any]:
    return {
        "type": "modal",
        "title": {"type": "plain_text", "text": title},
        "blocks": [section("hello")],
        **extra,
    }


def error_of(call: Callable[[], object]) -> SlackApiError:
    with pytest.raises(SlackApiError) as caught:
        call()
    return caught.value


def post(client: WebClient, text: str, channel: str = "C0GENERAL", **extra: Any) -> str:
    ts: str = client.chat_postMessage(channel=channel, text=text, **extra)["ts"]
    return ts


def history(client: WebClient, channel: str = "C0GENERAL", **params: Any) -> list[dict[str, Any]]:
    messages: list[dict[str, Any]] = client.conversations_history(channel=channel, **params)[
        "messages"
    ]
    return messages
