"""The door: only consortium members get past, and coordinators' commands only coordinators.

One middleware runs for every slash command and interaction (not for events, which Slack
sends on its own). It puts the caller's profile in `context["caller"]`, answers a stranger
with whom to ask, and refuses a coordinators' command or form (as the command catalogue
marks them) to anyone else, so no listener runs for them. The services check roles again,
so no door can skip the check. The lookup is in memory; the database is read only when the
directory snapshot is stale.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.async_app import AsyncApp, AsyncBoltContext
from slack_bolt.response import BoltResponse

from bot.core import ids
from bot.core.blocks import Message, as_dicts, plain_message, section
from bot.core.catalogue import COORDINATOR_VIEWS, entry_for
from bot.core.mrkdwn import escape, mention, unescape
from bot.core.readings import chosen_command
from scheduling.consortium.directory import Directory, DirectoryService, MemberProfile

_ACTING_PAYLOADS = ("block_actions", "view_submission", "shortcut", "message_action")


async def find_member(directory: DirectoryService, user_id: str | None) -> MemberProfile | None:
    if not user_id:
        return None
    snapshot = directory.cached()
    if snapshot is not None and user_id in snapshot.profiles:
        return snapshot.profiles[user_id]
    # Stale, or someone new: ask the database in a worker thread, never on the event loop.
    return await asyncio.to_thread(directory.profile, user_id)


def stranger_message(directory: Directory) -> Message:
    """The reply to anyone the consortium does not know, naming whom to ask."""
    name = escape(directory.consortium_name)
    if directory.coordinators:
        whom = ", ".join(
            f"{mention(p.slack_id)} ({escape(p.name)})" for p in directory.coordinators
        )
        ask = f"Ask a coordinator to add you: {whom}."
        ask_plain = (
            "Ask a coordinator to add you: "
            + ", ".join(p.name for p in directory.coordinators)
            + "."
        )
    else:
        ask = "No coordinator is set up yet: ask whoever installed the bot to import the consortium file."
        ask_plain = ask
    text = escape(f"You are not in the {directory.consortium_name} member list yet. {ask_plain}")
    blocks = [
        section(f"You are not in the {name} member list yet, so I can't do that for you.\n{ask}")
    ]
    return Message(text=text, blocks=as_dicts(blocks))


def stranger_view(directory: Directory) -> dict[str, Any]:
    """A modal in place of a form a stranger tried to submit."""
    return {
        "type": "modal",
        "title": {"type": "plain_text", "text": "Not a member yet"},
        "close": {"type": "plain_text", "text": "Close"},
        "blocks": stranger_message(directory).blocks,
    }


def coordinators_only(what: str, directory: DirectoryService) -> str:
    return f"Only coordinators can {what}. Ask {directory.coordinator_names()}."


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
        refusal = None if profile.is_coordinator else _coordinators_only(body)
        if refusal is not None:
            return _refuse(body, coordinators_only(refusal, directory))
        context["caller"] = profile
        return await next()


def _coordinators_only(body: dict[str, Any]) -> str | None:
    """What the request would do, if only coordinators may do it (from the catalogue)."""
    if body.get("command"):
        entry = entry_for(body["command"], unescape(body.get("text") or ""))
        return entry.refusal if entry is not None and entry.coordinators_only else None
    if body.get("type") == "block_actions":
        # A reading button runs its command again: the command's own rule applies.
        action = (body.get("actions") or [{}])[0]
        reading = action.get("action_id") in ids.READING_ACTIONS
        chosen = chosen_command(action.get("value")) if reading else None
        if chosen is not None:
            entry = entry_for(*chosen)
            return entry.refusal if entry is not None and entry.coordinators_only else None
    if body.get("type") == "view_submission":
        return COORDINATOR_VIEWS.get((body.get("view") or {}).get("callback_id", ""))
    return None


def _refuse(body: dict[str, Any], text: str) -> BoltResponse:
    if body.get("type") == "view_submission":
        inputs = [b for b in body.get("view", {}).get("blocks", []) if b.get("type") == "input"]
        if inputs:
            errors = {inputs[0]["block_id"]: text}
            return BoltResponse(status=200, body={"response_action": "errors", "errors": errors})
    return BoltResponse(status=200, body=plain_message(text).as_ephemeral())


def _is_user_action(body: dict[str, Any]) -> bool:
    return bool(body.get("command")) or body.get("type") in _ACTING_PAYLOADS
