"""Middleware: only consortium members get past; everyone else learns whom to ask.

It runs for every slash command and interaction (not for events, which Slack sends on its
own), puts the caller's profile in `context["caller"]`, and answers a stranger directly with
an ephemeral reply, so no listener ever runs for someone the consortium does not know.
The lookup is in memory; the database is read only when the snapshot is stale.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.async_app import AsyncApp, AsyncBoltContext
from slack_bolt.response import BoltResponse

from bot.core.blocks import stranger_message, stranger_view
from scheduling.consortium.directory import DirectoryService, MemberProfile

_ACTING_PAYLOADS = ("block_actions", "view_submission", "shortcut", "message_action")


async def find_member(directory: DirectoryService, user_id: str | None) -> MemberProfile | None:
    if not user_id:
        return None
    snapshot = directory.cached()
    if snapshot is not None and user_id in snapshot.profiles:
        return snapshot.profiles[user_id]
    # Stale, or someone new: ask the database in a worker thread, never on the event loop.
    return await asyncio.to_thread(directory.profile, user_id)


def install(app: AsyncApp) -> None:
    @app.middleware
    async def members_only(
        body: dict[str, Any],
        context: AsyncBoltContext,
        directory: DirectoryService,
        next: Callable[[], Awaitable[BoltResponse]],
    ) -> BoltResponse | None:
        if not _is_user_action(body):
            return await next()
        profile = await find_member(directory, context.user_id)
        if profile is None:
            known = directory.directory()
            if body.get("type") == "view_submission":
                update = {"response_action": "update", "view": stranger_view(known)}
                return BoltResponse(status=200, body=update)
            return BoltResponse(status=200, body=stranger_message(known).as_ephemeral())
        context["caller"] = profile
        return await next()


def _is_user_action(body: dict[str, Any]) -> bool:
    return bool(body.get("command")) or body.get("type") in _ACTING_PAYLOADS
