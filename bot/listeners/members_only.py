"""Middleware: only consortium members get past; everyone else learns whom to ask.

It runs for every slash command and interaction (not for events, which Slack sends on its
own), puts the caller's profile in `context["caller"]`, and answers a stranger directly with
an ephemeral reply, so no listener ever runs for someone the consortium does not know.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_bolt import App, BoltContext, BoltResponse

from bot.blocks import stranger_message, stranger_view
from scheduling.directory import DirectoryService

_ACTING_PAYLOADS = ("block_actions", "view_submission", "shortcut", "message_action")


def install(app: App) -> None:
    @app.middleware
    def members_only(
        body: dict[str, Any],
        context: BoltContext,
        directory: DirectoryService,
        next: Callable[[], BoltResponse],
    ) -> BoltResponse | None:
        if not _is_user_action(body):
            return next()
        profile = directory.profile(context.user_id) if context.user_id else None
        if profile is None:
            known = directory.directory()
            if body.get("type") == "view_submission":
                update = {"response_action": "update", "view": stranger_view(known)}
                return BoltResponse(status=200, body=update)
            return BoltResponse(status=200, body=stranger_message(known).as_ephemeral())
        context["caller"] = profile
        return next()


def _is_user_action(body: dict[str, Any]) -> bool:
    return bool(body.get("command")) or body.get("type") in _ACTING_PAYLOADS
