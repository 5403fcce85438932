"""Assertions about what Slack would do with a message the bot sent."""

from __future__ import annotations

from typing import Any

MENTIONS = ("<!channel>", "<!here>", "<!everyone>", "<!subteam", "<@", "<http")


def parsed_texts(message: dict[str, Any]) -> list[str]:
    """Every string Slack parses for mentions and links: top-level text and mrkdwn objects.

    plain_text objects are shown as typed and never notify anyone, so they are left out.
    """
    found = [message.get("text") or ""]

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("type") == "mrkdwn" and isinstance(node.get("text"), str):
                found.append(node["text"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(message.get("blocks") or [])
    return found


def assert_pings_nobody(message: dict[str, Any], *allowed: str) -> None:
    for text in parsed_texts(message):
        cleaned = text
        for ok in allowed:
            cleaned = cleaned.replace(ok, "")
        for mention in MENTIONS:
            assert mention not in cleaned, f"{mention!r} would be parsed in: {text!r}"
