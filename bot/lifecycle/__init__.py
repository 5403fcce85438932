"""The workspace's lifecycle as Slack reports it: the app uninstalled or its tokens revoked,
a member's account deactivated; and Slack's retries of an event already handled."""

from __future__ import annotations

from bot.door import Registrar
from bot.lifecycle import listeners
from bot.lifecycle.retries import install

__all__ = ["install", "register"]


def register(app: Registrar) -> None:
    """The event listeners of this feature."""
    app.event("app_uninstalled")(listeners.app_uninstalled)
    app.event("tokens_revoked")(listeners.tokens_revoked)
    app.event("user_change")(listeners.user_change)
