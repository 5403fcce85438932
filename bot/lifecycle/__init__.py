"""The workspace's lifecycle as Slack reports it: the app uninstalled or its tokens revoked,
a member's account deactivated; and Slack's retries of an event already handled."""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp


def register(app: AsyncApp) -> None:
    """The event listeners of this feature."""
