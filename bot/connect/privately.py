"""What reaches a member privately in a shared channel when no DM reaches them: ephemeral
messages (`chat.postEphemeral`), the first saying why they come there."""

from __future__ import annotations

from slack_sdk import WebClient

from bot.core.blocks import MAX_MESSAGE_BLOCKS, Message, context
from bot.core.mrkdwn import mention

# What Slack answers when the bot may not DM a user of another workspace: conversations.open
# documents the first two, a post addressed to their user ID finds no DM (package notes).
DM_REFUSED = frozenset({"user_not_visible", "invalid_user_combination", "channel_not_found"})

WHY_HERE = "I could not open a DM with you, so this comes here, only you can see it."


def post_privately(
    client: WebClient, channel: str, user: str, message: Message, first: bool
) -> None:
    """Post `message` to `user` as an ephemeral in `channel` (the `first` of its parts says
    why it comes there); raises SlackApiError."""
    text, blocks = message.text, list(message.blocks)
    if first:
        text = f"{WHY_HERE} {text}"
        if blocks and len(blocks) < MAX_MESSAGE_BLOCKS:
            blocks = [context(f"{mention(user)} {WHY_HERE}").to_dict(), *blocks]
    client.chat_postEphemeral(channel=channel, user=user, text=text, blocks=blocks or None)
