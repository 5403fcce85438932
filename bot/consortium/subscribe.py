"""`/consortium subscribe`: a member's own calendar feed links; `subscribe reset` (new links,
the old ones stopped at once); for coordinators `subscribe reset @member` (a leaked link: the
member gets new links by DM) and `subscribe reset shared` (the audience-wide links from before
links were personal). Every reset breaks someone's subscriptions, so each asks first; the
buttons answer in place of the question. The door refuses the coordinators' forms to others
(the catalogue), and the service checks the role again when a reset is asked and when it is
confirmed.

Slips are forgiven where the reset still asks first: `subscribe rest`, `subscribe reset
links`, `subscribe reset sharde`.
"""

from __future__ import annotations

import asyncio
import logging
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from slack_bolt.async_app import AsyncAck, AsyncRespond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.consortium.subscribe_blocks import (
    OWN,
    SHARED,
    kept_message,
    member_not_told,
    member_reset_dm,
    member_reset_done,
    member_reset_question,
    not_reachable_message,
    own_reset_message,
    own_reset_question,
    shared_reset_done,
    shared_reset_question,
    subscribe_message,
    subscribe_usage,
)
from bot.core.access import tell_presser
from bot.core.blocks import Message, plain_message
from bot.core.buttons import answer_in_place, answered_call, pressed_object
from bot.core.catalogue.model import SLACK_USER_ID
from bot.core.web_api.background import Background
from bot.settings import Settings
from scheduling.calendars.feeds import FeedReset, FeedService
from scheduling.consortium.directory import DirectoryService, MemberProfile
from scheduling.errors import FieldError
from scheduling.language.words import suggest

if TYPE_CHECKING:  # the Home tab's module draws on the features' blocks
    from bot.home.tabs import HomeTabs

logger = logging.getLogger("consortium_bot.subscribe")

GONE = "That button no longer works; type `/consortium subscribe reset` again."
_MENTION = re.compile(r"^<@([A-Z0-9]+)(?:\|[^>]*)?>$")
# Words people put around `reset` that change nothing: `reset my links please`.
_FILLER = frozenset(
    {"my", "mine", "links", "link", "feeds", "feed", "urls", "url", "calendar", "calendars"}
    | {"please", "the", "all", "them", "me", "now", "own"}
)


@dataclass(frozen=True)
class SubscribeAsk:
    """What a `subscribe` line asks: `links`, `reset` (one's own), `shared`, `member` (the
    Slack ID in `member`, or the name after `@` in `name`), or `unknown` (with a `hint`)."""

    action: str
    member: str | None = None
    name: str | None = None
    hint: str | None = None


def read_subscribe(words: list[str]) -> SubscribeAsk:
    """The words after `/consortium` (starting with `subscribe`)."""
    rest = [word.strip(".,!") for word in words[1:]]
    rest = [word for word in rest if word]
    if not rest or all(word.lower() in _FILLER for word in rest):
        return SubscribeAsk("links")
    first = rest[0].lower()
    if first != "reset" and suggest(first, ("reset",), cutoff=0.6) is None:
        if suggest(first, (SHARED,), cutoff=0.6):
            hint = "Did you mean `/consortium subscribe reset shared`?"
        else:
            hint = f"I don't know `/consortium subscribe {rest[0]}`."
        return SubscribeAsk("unknown", hint=hint)
    said = [word for word in rest[1:] if word.lower() not in _FILLER]
    if not said:
        return SubscribeAsk("reset")
    if len(said) == 1 and (found := _MENTION.match(said[0])):
        return SubscribeAsk("member", member=found[1])
    if len(said) == 1 and SLACK_USER_ID.fullmatch(said[0]):
        return SubscribeAsk("member", member=said[0])
    if said[0].startswith("@") and len(said[0]) > 1:
        return SubscribeAsk("member", name=" ".join(said)[1:])
    if len(said) == 1 and suggest(said[0].lower(), (SHARED, "share"), cutoff=0.6):
        return SubscribeAsk(SHARED)
    return SubscribeAsk(
        "unknown",
        hint=f"I can't tell whose links `{' '.join(said)}` names: say "
        "`/consortium subscribe reset` for yours, or (coordinators) "
        "`/consortium subscribe reset @member` or `/consortium subscribe reset shared`.",
    )


async def handle_subscribe(
    words: list[str],
    caller: MemberProfile,
    directory: DirectoryService,
    feeds: FeedService,
    settings: Settings,
) -> Message:
    """The answer to a `subscribe` line: the links, or the question before a reset."""
    ask = read_subscribe(words)
    name = directory.directory().consortium_name
    if ask.action == "unknown":
        return subscribe_usage(ask.hint)
    if settings.public_url is None:
        return not_reachable_message()
    if ask.action == "links":
        links = await asyncio.to_thread(feeds.links_for, caller)
        return subscribe_message(links, settings.public_url, name)
    if ask.action == "reset":
        return own_reset_question()
    try:
        if ask.action == SHARED:
            count = await asyncio.to_thread(feeds.shared_links, caller)
            return shared_reset_question(count)
        member = await _member(ask, directory)
        if member.slack_id == caller.slack_id:
            return own_reset_question()
        feeds.check_reset(caller, member)
    except FieldError as error:
        return plain_message(str(error))
    return member_reset_question(member.slack_id, member.name)


async def _member(ask: SubscribeAsk, directory: DirectoryService) -> MemberProfile:
    """The member a reset names, by mention or ID, or by (the start of) their name."""
    if ask.member is not None:
        found = await asyncio.to_thread(directory.profile, ask.member)
        if found is None:
            raise FieldError(f"{ask.member} is not in the consortium's member list.", "member")
        return found
    typed = (ask.name or "").lower()
    profiles = list((await asyncio.to_thread(directory.snapshot)).profiles.values())
    exact = [p for p in profiles if p.name.lower() == typed]
    matches = exact or [p for p in profiles if p.name.lower().startswith(typed)]
    if len(matches) == 1:
        return matches[0]
    if not matches:
        raise FieldError(f"No member is called “{ask.name}”: @mention them.", "member")
    names = ", ".join(sorted(p.name for p in matches))
    raise FieldError(f"“{ask.name}” could be {names}: @mention the one you mean.", "member")


async def confirm_own(
    ack: AsyncAck,
    body: dict[str, Any],
    caller: MemberProfile,
    feeds: FeedService,
    settings: Settings,
    respond: AsyncRespond,
    homes: HomeTabs,
    background: Background,
) -> None:
    """Reset the presser's own links: the old ones stop at once, the new ones in the answer."""
    await ack()
    if pressed_object(body).get("w") != OWN:
        await answer_in_place(respond, plain_message(GONE), replace=False)
        return
    if settings.public_url is None:
        await answer_in_place(respond, not_reachable_message(), replace=True)
        return
    reset = await answered_call(respond, feeds.reset, caller, caller)
    if reset is None:
        return
    await answer_in_place(respond, own_reset_message(reset, settings.public_url), replace=True)
    background.messages.run(homes.changed, [caller.slack_id])


async def confirm_others(
    ack: AsyncAck,
    body: dict[str, Any],
    caller: MemberProfile,
    feeds: FeedService,
    directory: DirectoryService,
    settings: Settings,
    respond: AsyncRespond,
    homes: HomeTabs,
    background: Background,
    web: WebClient,
) -> None:
    """A coordinator's reset, confirmed: the shared links stopped, or a member's links
    replaced (the member gets the new ones by DM; the coordinator never sees them)."""
    await ack()
    whose = pressed_object(body).get("w")
    if not isinstance(whose, str) or not (whose == SHARED or SLACK_USER_ID.fullmatch(whose)):
        await answer_in_place(respond, plain_message(GONE), replace=False)
        return
    if whose == SHARED:
        count = await answered_call(respond, feeds.revoke_shared, caller)
        if count is not None:
            await answer_in_place(respond, shared_reset_done(count), replace=True)
        return
    member = await asyncio.to_thread(directory.profile, whose)
    if member is None:
        text = f"{whose} is no longer in the consortium's member list; nothing was changed."
        await answer_in_place(respond, plain_message(text), replace=True)
        return
    if settings.public_url is None:
        await answer_in_place(respond, not_reachable_message(), replace=True)
        return
    reset = await answered_call(respond, feeds.reset, caller, member)
    if reset is None:
        return
    await answer_in_place(respond, member_reset_done(reset), replace=True)
    message = member_reset_dm(reset, caller.name, settings.public_url)
    response_url = body.get("response_url")
    background.messages.run(tell_member, web, reset, message, caller.slack_id, response_url)
    background.messages.run(homes.changed, [member.slack_id])


def tell_member(
    web: WebClient, reset: FeedReset, message: Message, coordinator: str, response_url: str | None
) -> None:
    """DM a member their new links; if that fails, tell the coordinator who reset them."""
    member = reset.member
    try:
        web.chat_postMessage(channel=member.slack_id, text=message.text, blocks=message.blocks)
        return
    except SlackApiError as failure:
        reason = str(failure.response.get("error"))
    logger.warning("could not DM %s their new feed links: %s", member.slack_id, reason)
    tell_presser(web, coordinator, member_not_told(member.name, reason), None, response_url)


async def keep(
    ack: AsyncAck, body: dict[str, Any], directory: DirectoryService, respond: AsyncRespond
) -> None:
    """Nothing happens; the question is answered so."""
    await ack()
    whose = pressed_object(body).get("w")
    whose = whose if isinstance(whose, str) else OWN
    member = None
    if whose not in (OWN, SHARED):
        found = await asyncio.to_thread(directory.profile, whose)
        member = found.name if found else None
    await answer_in_place(respond, kept_message(whose, member), replace=True)
