"""The lifecycle's events: the app uninstalled, tokens revoked, a user's account changed.

Each is acknowledged at once; what it changes is one transaction in a worker thread. From
`user_change` only the user's ID and `deleted` are read: nothing of the profile Slack sends
is kept, and nothing at all of users the consortium does not know.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Any

from slack_bolt.async_app import AsyncAck

from bot.core.web_api.background import Background
from bot.lifecycle.blocks import why_inactive
from scheduling.consortium.directory import DirectoryService
from scheduling.lifecycle.service import LifecycleService
from scheduling.lifecycle.workspace import APP_UNINSTALLED, WorkspaceInactive

if TYPE_CHECKING:  # the Home tab's feature imports /consortium's, which shows the status
    from bot.home.tabs import HomeTabs

logger = logging.getLogger("consortium_bot.lifecycle")


def _log_inactive(inactive: WorkspaceInactive | None) -> None:
    if inactive is not None:
        logger.error(
            "the workspace is inactive: %s; nothing is sent until the bot starts again with a "
            "working token (what falls due meanwhile waits in the queue)",
            why_inactive(inactive),
        )


async def app_uninstalled(ack: AsyncAck, lifecycle: LifecycleService) -> None:
    """The app is gone from the workspace (one workspace, one install: it is ours)."""
    await ack()
    _log_inactive(await asyncio.to_thread(lifecycle.deactivate, APP_UNINSTALLED))


async def tokens_revoked(
    ack: AsyncAck,
    event: dict[str, Any],
    lifecycle: LifecycleService,
    own_bot_user: str | None,
) -> None:
    """Only a revocation of this bot's own token makes the workspace inactive."""
    await ack()
    tokens = event.get("tokens")
    bots = tokens.get("bot") if isinstance(tokens, dict) else None
    revoked = [user for user in bots or [] if isinstance(user, str)]
    _log_inactive(await asyncio.to_thread(lifecycle.tokens_revoked, revoked, own_bot_user))


async def user_change(
    ack: AsyncAck,
    event: dict[str, Any],
    lifecycle: LifecycleService,
    directory: DirectoryService,
    homes: HomeTabs,
    background: Background,
) -> None:
    """A member's account deactivated (`deleted: true`) or back: recorded, and the
    coordinators' Home tabs redrawn; anyone else's change is ignored."""
    await ack()
    user = event.get("user")
    slack_id = user.get("id") if isinstance(user, dict) else None
    deleted = user.get("deleted") if isinstance(user, dict) else None
    if not isinstance(slack_id, str) or not isinstance(deleted, bool):
        return
    if await asyncio.to_thread(lifecycle.account_changed, slack_id, deleted):
        logger.info("member %s %s in Slack", slack_id, "deactivated" if deleted else "active again")
        coordinators = [person.slack_id for person in directory.directory().coordinators]
        background.forms.run(homes.changed, coordinators)
