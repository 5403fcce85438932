"""The door: only consortium members get past, and coordinators' commands only coordinators.

One middleware runs for every slash command and interaction (not for events, which Slack
sends on its own). It puts the caller's profile in `context["caller"]`, answers a stranger
with whom to ask, and refuses a coordinators' command, form or button (as the command
catalogue marks them) to anyone else, so no listener runs for them. The services check roles
again, so no door can skip the check. The lookup is in memory; the database is read only when
the directory snapshot is stale.

Slack shows the ack's body of a slash command, and a form's `response_action`, but not the
ack's body of a button: the answer to a button goes by chat.postEphemeral after the ack.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Any

from slack_bolt.async_app import AsyncBoltContext
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.connect.teams import acting_team, note_team
from bot.core import ids
from bot.core.blocks import Message, as_dicts, plain_message, section
from bot.core.catalogue import entry_for
from bot.core.mrkdwn import escape, mention, unescape
from bot.core.readings import chosen_command
from bot.core.web_api.background import Background
from bot.core.web_api.clients import make_webhook_client
from scheduling.consortium.directory import Directory, DirectoryService, MemberProfile

if TYPE_CHECKING:  # the app's door registers this middleware
    from bot.door import Next, Registrar

logger = logging.getLogger("consortium_bot.access")

RSVP_ACTION_IDS = frozenset(ids.RSVP_ACTIONS.values())
_ACTING_PAYLOADS = ("block_actions", "view_submission", "shortcut", "message_action")


# Modals whose submission is for coordinators only: callback ID -> what the door says.
COORDINATOR_VIEWS = {
    ids.MEETING_MODAL: "schedule meetings",
    ids.ROUND_FORM: "open rounds",
    ids.ROUND_CHECK_FORM: "open rounds",
    ids.MEETING_CHECK_FORM: "schedule meetings",
    ids.AGENDA_MODAL: "publish agendas",
}

# Buttons for coordinators only (what they do is checked again by the services): action ID
# -> what the door says.
COORDINATOR_ACTIONS = {
    ids.MEETING_CANCEL_PICK: "change meetings",
    ids.MEETING_CANCEL_CONFIRM: "change meetings",
    ids.MEETING_CANCEL_UNDO: "change meetings",
    ids.ROUND_PICK: "close, remind or export rounds",
    ids.ROUND_CLOSE_CONFIRM: "close rounds",
    ids.ROUND_CLOSE_UNDO: "reopen rounds",
    ids.HOME_ROUND_REMIND: "remind rounds",
    ids.HOME_SCHEDULE_MEETING: "schedule meetings",
    ids.HOME_OPEN_ROUND: "open rounds",
    ids.TOPIC_DROP: "order, merge or drop topics",
    ids.TOPIC_UP: "order, merge or drop topics",
    ids.TOPIC_CARRY: "carry topics",
    ids.AGENDA_EDIT: "edit and publish agendas",
    ids.FEED_RESET_OTHERS_CONFIRM: "reset the shared feed links or another member's links",
    ids.FORGET_ERASE: "erase a member's data",
    ids.FORGET_PICK: "erase a member's data",
}


async def find_member(directory: DirectoryService, user_id: str | None) -> MemberProfile | None:
    if not user_id:
        return None
    snapshot = directory.cached()
    if snapshot is not None and user_id in snapshot.profiles:
        return snapshot.profiles[user_id]
    # Stale, or someone new: ask the database in a worker thread, never on the event loop.
    return await asyncio.to_thread(directory.profile, user_id)


def stranger_message(directory: Directory, doing: str | None = None) -> Message:
    """The reply to anyone the consortium does not know, naming whom to ask; `doing` is what
    they asked for, when it is worth saying ("record your answer")."""
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
    so = f", so I cannot {doing}" if doing else ""
    text = escape(
        f"You are not in the {directory.consortium_name} member list yet{so}. {ask_plain}"
    )
    so = escape(so or ", so I can't do that for you")
    blocks = [section(f"You are not in the {name} member list yet{so}.\n{ask}")]
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


def install(
    app: Registrar, directory: DirectoryService, background: Background, web: WebClient
) -> None:
    async def members_only(request: AsyncBoltRequest, next: Next) -> BoltResponse | None:
        body, context = request.body, request.context
        if not _is_user_action(body):
            return await next()
        profile = await find_member(directory, context.user_id)
        if profile is None:
            known = directory.directory()
            if body.get("type") == "view_submission":
                update = {"response_action": "update", "view": stranger_view(known)}
                return BoltResponse(status=200, body=update)
            stranger = stranger_message(known, _stranger_doing(body))
            return _answer(body, context, stranger, background, web)
        # A partner of another workspace (Slack Connect) is known by their Slack ID like
        # anyone; a workspace other than the file's is only logged (bot/connect).
        note_team(profile, acting_team(body))
        refusal = None if profile.is_coordinator else _coordinators_only(body)
        if refusal is not None:
            refused = coordinators_only(refusal, directory)
            return _refuse(body, context, refused, background, web)
        context["caller"] = profile
        return await next()

    app.middleware(members_only)


def _answer(
    body: dict[str, Any],
    context: AsyncBoltContext,
    message: Message,
    background: Background,
    web: WebClient,
) -> BoltResponse:
    """The door's answer: in the ack of a slash command (Slack shows it); to anything else
    (a button), by chat.postEphemeral after the ack, since Slack shows no ack body there."""
    if body.get("command"):
        return BoltResponse(status=200, body=message.as_ephemeral())
    user = context.user_id
    if user:
        channel = _text((body.get("channel") or {}), "id") or _text(
            (body.get("container") or {}), "channel_id"
        )
        response_url = _text(body, "response_url")
        background.messages.run(tell_presser, web, user, message, channel, response_url)
    return BoltResponse(status=200, body="")


def tell_presser(
    web: WebClient,
    user: str,
    message: Message,
    channel: str | None,
    response_url: str | None = None,
) -> None:
    """An answer only `user` sees: ephemeral in the channel of the button, else (no channel,
    or the bot may not post there) by the button's response_url, else in their DM with me."""
    if channel:
        try:
            web.chat_postEphemeral(
                channel=channel, user=user, text=message.text, blocks=message.blocks
            )
            return
        except SlackApiError as failure:
            logger.info("no ephemeral answer in %s: %s", channel, failure.response.get("error"))
    if response_url:
        try:
            sent = make_webhook_client(response_url).send_dict(message.as_ephemeral())
        except (OSError, ValueError) as failure:
            logger.info("no answer by response_url: %s", failure)
        else:
            if sent.status_code == 200:
                return
            logger.info("no answer by response_url: %s %s", sent.status_code, sent.body)
        return
    try:
        web.chat_postMessage(channel=user, text=message.text, blocks=message.blocks)
    except SlackApiError as failure:
        logger.warning("could not answer %s: %s", user, failure.response.get("error"))


def _text(values: object, key: str) -> str | None:
    found = values.get(key) if isinstance(values, dict) else None
    return found if isinstance(found, str) and found else None


def _stranger_doing(body: dict[str, Any]) -> str | None:
    """What a stranger asked for, in the words of the answer."""
    return "record your answer" if _action_id(body) in RSVP_ACTION_IDS else None


def _action_id(body: dict[str, Any]) -> str:
    """The action ID of the button pressed ("" for anything else)."""
    actions = body.get("actions")
    first = actions[0] if isinstance(actions, list) and actions else None
    return str(first.get("action_id", "")) if isinstance(first, dict) else ""


def _coordinators_only(body: dict[str, Any]) -> str | None:
    """What the request would do, if only coordinators may do it (from the catalogue)."""
    if body.get("command"):
        entry = entry_for(body["command"], unescape(body.get("text") or ""))
        return entry.refusal if entry is not None and entry.coordinators_only else None
    if body.get("type") == "block_actions":
        # A reading or More button runs its command again: the command's own rule applies.
        actions = body.get("actions")
        action = actions[0] if isinstance(actions, list) and actions else {}
        action = action if isinstance(action, dict) else {}
        reading = action.get("action_id") in ids.COMMAND_BUTTONS
        chosen = chosen_command(action.get("value")) if reading else None
        if chosen is not None:
            entry = entry_for(*chosen)
            return entry.refusal if entry is not None and entry.coordinators_only else None
    if body.get("type") == "view_submission":
        return COORDINATOR_VIEWS.get((body.get("view") or {}).get("callback_id", ""))
    if body.get("type") == "block_actions":
        return COORDINATOR_ACTIONS.get(_action_id(body))
    return None


def _refuse(
    body: dict[str, Any],
    context: AsyncBoltContext,
    text: str,
    background: Background,
    web: WebClient,
) -> BoltResponse:
    if body.get("type") == "view_submission":
        inputs = [b for b in body.get("view", {}).get("blocks", []) if b.get("type") == "input"]
        if inputs:
            errors = {inputs[0]["block_id"]: text}
            return BoltResponse(status=200, body={"response_action": "errors", "errors": errors})
        view = {
            "type": "modal",
            "title": {"type": "plain_text", "text": "Not for you"},
            "close": {"type": "plain_text", "text": "Close"},
            "blocks": plain_message(text).blocks,
        }
        return BoltResponse(status=200, body={"response_action": "update", "view": view})
    return _answer(body, context, plain_message(text), background, web)


def _is_user_action(body: dict[str, Any]) -> bool:
    return bool(body.get("command")) or body.get("type") in _ACTING_PAYLOADS
