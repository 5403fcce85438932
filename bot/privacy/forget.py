"""`/consortium forget @member` (coordinators): the confirmation, then Erase or Cancel.

The door lets only coordinators run the command and press Erase (the catalogue and
`COORDINATOR_ACTIONS`); the service checks again, refuses a coordinator erasing themselves,
and erases in one transaction. After it, the cards of the member's updates are redrawn in
Slack (they now read "a former member of …") and the coordinators' Home tabs.
"""

from __future__ import annotations

import asyncio
import re
from typing import TYPE_CHECKING, Any

from slack_bolt.async_app import AsyncAck, AsyncRespond

from bot.core.blocks import Message, plain_message
from bot.core.buttons import answer_in_place, pressed_object
from bot.core.mrkdwn import unescape
from bot.core.web_api.background import Background
from bot.privacy.forget_blocks import (
    choose_member,
    erased_message,
    forget_confirmation,
    kept_message,
)
from bot.updates.publisher import UpdatePublisher
from scheduling.consortium.directory import DirectoryService, MemberProfile
from scheduling.errors import FieldError
from scheduling.privacy.erasure import (
    AlreadyErasedError,
    AmbiguousMemberError,
    ErasureService,
)
from scheduling.updates.service import UpdateService

if TYPE_CHECKING:  # the Home tab's module draws on the features' blocks
    from bot.home.tabs import HomeTabs

GONE = "That button no longer works; type `/consortium forget @member` again."
_CARRIED_ID = re.compile(r"[UW][A-Z0-9]{2,31}")


async def handle_forget(
    ack: AsyncAck, command: dict[str, str], caller: MemberProfile, erasure: ErasureService
) -> None:
    """`/consortium forget <@U…|name>`, `forget U…` or `forget Ana Ferreira`: what would go,
    with Erase and Cancel; nothing changes yet."""
    said = unescape(command.get("text", "")).strip().split(None, 1)[1:]
    member = said[0].strip().strip("\"'“”") if said else ""
    await ack(**(await _asked(caller, erasure, member)).as_ephemeral())


async def _asked(caller: MemberProfile, erasure: ErasureService, member: str) -> Message:
    try:
        profile = await asyncio.to_thread(erasure.find, member)
        plan = await asyncio.to_thread(erasure.plan, caller, profile.slack_id)
    except AmbiguousMemberError as error:
        return choose_member(str(error), error.candidates)
    except FieldError as error:
        return plain_message(str(error))
    return forget_confirmation(plan)


def _carried(body: dict[str, Any]) -> str | None:
    found = pressed_object(body).get("m")
    return found if isinstance(found, str) and _CARRIED_ID.fullmatch(found) else None


async def pick(
    ack: AsyncAck,
    body: dict[str, Any],
    caller: MemberProfile,
    erasure: ErasureService,
    respond: AsyncRespond,
) -> None:
    """One of the members a name fits, chosen: the confirmation for them."""
    await ack()
    slack_id = _carried(body)
    if slack_id is None:
        await answer_in_place(respond, plain_message(GONE), replace=False)
        return
    await answer_in_place(respond, await _asked(caller, erasure, slack_id), replace=True)


async def erase(
    ack: AsyncAck,
    body: dict[str, Any],
    caller: MemberProfile,
    erasure: ErasureService,
    updates: UpdateService,
    publisher: UpdatePublisher,
    directory: DirectoryService,
    homes: HomeTabs,
    background: Background,
    respond: AsyncRespond,
) -> None:
    """Erase the member the confirmation named (the service checks the presser again); a
    second press finds them gone, and says so."""
    await ack()
    slack_id = _carried(body)
    if slack_id is None:
        await answer_in_place(respond, plain_message(GONE), replace=False)
        return
    try:
        done = await asyncio.to_thread(erasure.erase, caller, slack_id)
    except AlreadyErasedError as error:
        await answer_in_place(respond, plain_message(str(error)), replace=True)
        return
    except FieldError as error:
        await answer_in_place(respond, plain_message(str(error)), replace=False)
        return
    await answer_in_place(respond, erased_message(done), replace=True)
    if done.updates_written:
        background.messages.run(_redraw_cards, updates, publisher, done.updates_written)
    coordinators = [p.slack_id for p in directory.directory().coordinators]
    background.forms.run(homes.changed, coordinators)
    homes.forgotten(slack_id)


def _redraw_cards(
    updates: UpdateService, publisher: UpdatePublisher, update_ids: tuple[int, ...]
) -> None:
    publisher.redraw([updates.get(update_id) for update_id in update_ids])


async def cancel(ack: AsyncAck, respond: AsyncRespond) -> None:
    """Nothing happens; the question is answered so."""
    await ack()
    await answer_in_place(respond, kept_message(), replace=True)
