"""Block Kit builders for `/consortium subscribe`: a member's own feed links, the questions
asked before links are reset (and their answers), the DM a member gets when a coordinator
resets their links, and the feed links' line of `/consortium status`."""

from __future__ import annotations

import json
from collections.abc import Sequence

from slack_sdk.models.blocks import ActionsBlock, Block, ButtonElement

from bot.core import ids
from bot.core.blocks import Message, as_dicts, context, section
from bot.core.mrkdwn import escape
from scheduling.calendars.feeds import FeedCensus, FeedLink, FeedReset

CALENDAR_HOW_TO = (
    "*Google Calendar:* Other calendars → + → From URL, paste the link.\n"
    "*Outlook:* Add calendar → Subscribe from web, paste the link.\n"
    "*Apple Calendar:* File → New Calendar Subscription, paste the link."
)
KEEP_SECRET = (
    "These links are yours alone: anyone with one can read that calendar. If one got out, "
    "`/consortium subscribe reset` gives you new links and stops these."
)
NOT_REACHABLE = (
    "The calendar feeds are not reachable yet: whoever runs the bot has to set PUBLIC_URL "
    "to the address where it serves HTTP."
)
SUBSCRIBE_USAGE = (
    "Say `/consortium subscribe` for your calendar feed links, or `/consortium subscribe reset`"
    " for new ones (the old ones stop working)."
)
# What a reset question's button carries: whose links (`me`, `shared`, or a Slack ID).
OWN, SHARED = "me", "shared"


def feed_url(public_url: str, link: FeedLink) -> str:
    return f"{public_url}/calendar/{link.token}.ics"


def _link_blocks(links: Sequence[FeedLink], public_url: str) -> list[Block]:
    lines = [f"*{escape(link.label)}*\n`{feed_url(public_url, link)}`" for link in links]
    return [section("\n\n".join(lines)), section(CALENDAR_HOW_TO)]


def _links_text(links: Sequence[FeedLink], public_url: str) -> str:
    return ", ".join(f"{escape(link.label)}: {feed_url(public_url, link)}" for link in links)


def not_reachable_message() -> Message:
    return Message(text=NOT_REACHABLE, blocks=as_dicts([section(NOT_REACHABLE)]))


def subscribe_message(
    links: Sequence[FeedLink], public_url: str | None, consortium_name: str
) -> Message:
    """The caller's own feed URLs and how to add them; the links are secret."""
    if public_url is None:
        return not_reachable_message()
    name = escape(consortium_name)
    blocks = [
        section(f"Subscribe to these {name} calendars; they update themselves:"),
        *_link_blocks(links, public_url),
        context(KEEP_SECRET),
    ]
    text = f"Your {name} calendar feeds: {_links_text(links, public_url)}"
    return Message(text=text, blocks=as_dicts(blocks))


def _question(question: str, detail: str, confirm: str, action_id: str, whose: str) -> Message:
    value = json.dumps({"w": whose})
    blocks: list[Block] = [
        section(f"*{escape(question)}* {escape(detail)}"),
        ActionsBlock(
            block_id="feed-reset-confirm",
            elements=[
                ButtonElement(text=confirm, action_id=action_id, value=value, style="danger"),
                ButtonElement(text="Keep them", action_id=ids.FEED_RESET_KEEP, value=value),
            ],
        ),
        context("Nothing happens until you press a button; a reset cannot be undone."),
    ]
    return Message(text=escape(f"{question} {detail}"), blocks=as_dicts(blocks))


def own_reset_question() -> Message:
    """Asked before a member's own links are replaced: it breaks their subscriptions."""
    return _question(
        "Reset your calendar feed links?",
        "Your current links stop working at once: every calendar subscribed with them stops "
        "updating until you subscribe again with the new links I give you.",
        "Reset my links",
        ids.FEED_RESET_CONFIRM,
        OWN,
    )


def member_reset_question(member_id: str, member_name: str) -> Message:
    """Asked before a coordinator replaces another member's links (one leaked)."""
    return _question(
        f"Reset the calendar feed links of {member_name}?",
        "Their current links stop working at once, for whoever holds them; I send them their "
        "new links by DM (you will not see those), and their calendars need the new links.",
        "Reset their links",
        ids.FEED_RESET_OTHERS_CONFIRM,
        member_id,
    )


def shared_reset_question(count: int) -> Message:
    """Asked before the audience-wide links from before personal links are stopped; or, with
    none left, said so (nothing to press)."""
    if count == 0:
        text = (
            "No shared feed links from before are left: every link that works is a member's "
            "own. To stop one member's links, say `/consortium subscribe reset @member`."
        )
        return Message(text=escape(text), blocks=as_dicts([section(escape(text))]))
    links = "1 shared feed link" if count == 1 else f"{count} shared feed links"
    return _question(
        f"Stop the {links} from before links were personal?",
        "Whoever still subscribes with one (a calendar set up before personal links, or anyone "
        "it was passed to) stops getting updates; members get their own links from "
        "`/consortium subscribe`.",
        "Stop the shared links",
        ids.FEED_RESET_OTHERS_CONFIRM,
        SHARED,
    )


def _stopped(revoked: int) -> str:
    if revoked == 0:
        return "You had no links yet, so nothing stopped working."
    old = "Your old link" if revoked == 1 else f"Your {revoked} old links"
    return (
        f"{old} stopped working: a calendar subscribed with one no longer updates; remove it "
        "and subscribe again with a new link below."
    )


def own_reset_message(reset: FeedReset, public_url: str) -> Message:
    """A member's links replaced at their request: the new links, and what stopped."""
    stopped = _stopped(reset.revoked)
    blocks = [
        section(f"*New calendar feed links.* {escape(stopped)}"),
        *_link_blocks(reset.links, public_url),
        context(KEEP_SECRET),
    ]
    text = f"New calendar feed links. {escape(stopped)} {_links_text(reset.links, public_url)}"
    return Message(text=text, blocks=as_dicts(blocks))


def member_reset_dm(reset: FeedReset, coordinator_name: str, public_url: str) -> Message:
    """The DM a member gets when a coordinator replaced their links."""
    said = (
        f"{coordinator_name} reset your calendar feed links (one may have been seen by someone "
        f"else). {_stopped(reset.revoked)}"
    )
    blocks = [
        section(f"*New calendar feed links.* {escape(said)}"),
        *_link_blocks(reset.links, public_url),
        context(KEEP_SECRET),
    ]
    text = f"New calendar feed links. {escape(said)} {_links_text(reset.links, public_url)}"
    return Message(text=text, blocks=as_dicts(blocks))


def member_reset_done(reset: FeedReset) -> Message:
    """The coordinator's answer: what stopped, and that the member hears by DM (no links)."""
    old = "link" if reset.revoked == 1 else "links"
    text = (
        f"Reset the calendar feed links of {reset.member.name}: {reset.revoked} old {old} "
        "stopped working. I am sending them their new links by DM."
    )
    return Message(text=escape(text), blocks=as_dicts([section(escape(text))]))


def member_not_told(member_name: str, reason: str) -> Message:
    text = (
        f"I could not send {member_name} their new feed links by DM ({reason}): their old "
        "links are stopped all the same; ask them to say `/consortium subscribe`."
    )
    return Message(text=escape(text), blocks=as_dicts([section(escape(text))]))


def shared_reset_done(count: int) -> Message:
    links = "1 shared feed link" if count == 1 else f"{count} shared feed links"
    text = (
        f"Stopped {links} from before links were personal. Anyone subscribed with one needs "
        "their own link from `/consortium subscribe`."
    )
    return Message(text=escape(text), blocks=as_dicts([section(escape(text))]))


def kept_message(whose: str, member_name: str | None = None) -> Message:
    if whose == OWN:
        text = "Nothing changed: your calendar feed links still work."
    elif whose == SHARED:
        text = "Nothing changed: the shared feed links from before still work."
    else:
        text = f"Nothing changed: the feed links of {member_name or 'that member'} still work."
    return Message(text=escape(text), blocks=as_dicts([section(escape(text))]))


def census_line(census: FeedCensus) -> str:
    """The feed links' line of the coordinators' status (mrkdwn)."""
    held = "member" if census.members == 1 else "members"
    personal = f"{census.personal} personal, held by {census.members} {held}"
    if census.shared == 0:
        return f"*Calendar feed links:* {personal}; no shared link from before is left"
    shared = "1 shared link" if census.shared == 1 else f"{census.shared} shared links"
    return (
        f"*Calendar feed links:* {personal}; {shared} from before personal links still work "
        "(`/consortium subscribe reset shared` stops them)"
    )


def with_census(message: Message, census: FeedCensus) -> Message:
    """`/consortium status` with the feed links' line after its other facts."""
    line = census_line(census)
    blocks = [*message.blocks[:2], as_dicts([section(line)])[0], *message.blocks[2:]]
    plain = line.replace("*", "").replace("`", "")
    return Message(text=f"{message.text}; {plain}", blocks=blocks)


def subscribe_usage(hint: str | None) -> Message:
    text = f"{hint} {SUBSCRIBE_USAGE}" if hint else SUBSCRIBE_USAGE
    return Message(text=escape(text), blocks=as_dicts([section(escape(text))]))
