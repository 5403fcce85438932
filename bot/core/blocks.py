"""Block Kit builders. Each returns a `Message` (top-level text plus blocks) or a view dict.

Blocks are built from slack_sdk's models, whose validators enforce Slack's limits when
`to_dict()` runs; user text is escaped before it reaches mrkdwn and trimmed to fit.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from slack_sdk.models.blocks import (
    Block,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    PlainTextObject,
    SectionBlock,
)

from bot.core import ids
from bot.core.catalogue import CommandHelp
from bot.core.mrkdwn import escape, mention, truncate
from scheduling.consortium.directory import Directory, MemberProfile
from scheduling.meetings.feeds import FeedLink

MAX_MESSAGE_BLOCKS = 50
MAX_VIEW_BLOCKS = 100
MAX_SECTION_TEXT = 3000
MAX_HEADER_TEXT = 150
MAX_CONTEXT_ELEMENTS = 10

ROLE_LABELS = {
    "coordinator": "coordinator",
    "wp-lead": "work-package lead",
    "partner": "country partner",
    "ambassador": "national ambassador",
}


@dataclass(frozen=True)
class Message:
    """A message ready to send: the `text` notifications and screen readers read, and blocks."""

    text: str
    blocks: list[dict[str, Any]] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not self.text.strip():
            raise ValueError("every message needs a meaningful top-level text")
        if len(self.blocks) > MAX_MESSAGE_BLOCKS:
            raise ValueError(f"{len(self.blocks)} blocks exceed Slack's {MAX_MESSAGE_BLOCKS}")

    def as_ephemeral(self) -> dict[str, Any]:
        """The body of an ack or response_url reply only the caller sees."""
        return {"response_type": "ephemeral", "text": self.text, "blocks": self.blocks}


def as_dicts(blocks: Sequence[Block]) -> list[dict[str, Any]]:
    return [block.to_dict() for block in blocks]


def header(text: str) -> HeaderBlock:
    return HeaderBlock(text=PlainTextObject(text=truncate(text, MAX_HEADER_TEXT), emoji=True))


def section(mrkdwn: str, block_id: str | None = None) -> SectionBlock:
    return SectionBlock(
        text=MarkdownTextObject(text=truncate(mrkdwn, MAX_SECTION_TEXT)), block_id=block_id
    )


def context(*mrkdwn: str) -> ContextBlock:
    return ContextBlock(
        elements=[MarkdownTextObject(text=truncate(t, MAX_SECTION_TEXT)) for t in mrkdwn][
            :MAX_CONTEXT_ELEMENTS
        ]
    )


def input_block(
    block_id: str, label: str, element: dict[str, Any], optional: bool = False
) -> dict[str, Any]:
    """A form input whose action ID is its block ID, so state values are easy to read back."""
    return {
        "type": "input",
        "block_id": block_id,
        "optional": optional,
        "label": {"type": "plain_text", "text": label},
        "element": {"action_id": block_id, **element},
    }


def option(text: str, value: str) -> dict[str, Any]:
    """A select option within Slack's 75-character text limit."""
    return {"text": {"type": "plain_text", "text": truncate(text, 75)}, "value": value}


@functools.lru_cache(maxsize=8)
def help_message(commands: tuple[CommandHelp, ...], consortium_name: str) -> Message:
    """The help card; the same for everyone, so built once per consortium name."""
    lines = []
    for entry in commands:
        who = " _(coordinators)_" if entry.coordinators_only else ""
        lines.append(
            f"`{escape(entry.usage)}`{who}\n{escape(entry.summary)} e.g. `{escape(entry.example)}`"
        )
    blocks: list[Block] = [header(f"{consortium_name} bot: commands")]
    # One section per few commands keeps every section far below 3,000 characters.
    for start in range(0, len(lines), 5):
        blocks.append(
            section("\n\n".join(lines[start : start + 5]), block_id=f"{ids.HELP_BLOCK}{start}")
        )
    text = escape(
        f"{consortium_name} bot commands: " + ", ".join(entry.usage for entry in commands)
    )
    return Message(text=text, blocks=as_dicts(blocks))


def describe_roles(roles: Sequence[str]) -> str:
    return ", ".join(ROLE_LABELS.get(role, role) for role in roles) or "no role yet"


def whoami_message(profile: MemberProfile, consortium_name: str) -> Message:
    countries = ", ".join(
        f"{c.flag} {escape(c.name)} ({c.code}, {c.role} country)" for c in profile.countries
    )
    roles = describe_roles(profile.roles)
    lines = [
        f"*Country:* {countries or 'none'}",
        f"*Roles:* {roles}",
        f"*Time zone:* {escape(profile.timezone)}",
    ]
    text = escape(
        f"You are {profile.name} in {consortium_name}: "
        f"{', '.join(c.name for c in profile.countries) or 'no country'}; {roles}."
    )
    blocks = [
        section(f"You are *{escape(profile.name)}* in {escape(consortium_name)}."),
        section("\n".join(lines)),
        context("Something wrong? Ask a coordinator to correct the consortium file."),
    ]
    return Message(text=text, blocks=as_dicts(blocks))


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


CALENDAR_HOW_TO = (
    "*Google Calendar:* Other calendars → + → From URL, paste the link.\n"
    "*Outlook:* Add calendar → Subscribe from web, paste the link.\n"
    "*Apple Calendar:* File → New Calendar Subscription, paste the link."
)


def subscribe_message(
    links: Sequence[FeedLink], public_url: str | None, consortium_name: str
) -> Message:
    """The feed URLs that concern the caller and how to add them; links are secret."""
    if public_url is None:
        text = (
            "The calendar feeds are not reachable yet: whoever runs the bot has to set PUBLIC_URL "
            "to the address where it serves HTTP."
        )
        return Message(text=text, blocks=as_dicts([section(text)]))
    lines = [f"*{escape(link.label)}*\n`{public_url}/calendar/{link.token}.ics`" for link in links]
    text = f"Your {consortium_name} calendar feeds: " + ", ".join(
        f"{link.label}: {public_url}/calendar/{link.token}.ics" for link in links
    )
    blocks = [
        section(f"Subscribe to these {escape(consortium_name)} calendars; they update themselves:"),
        section("\n\n".join(lines)),
        section(CALENDAR_HOW_TO),
        context("Keep these links to yourself: anyone with a link can read that calendar."),
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


def error_message(reference: str) -> Message:
    text = f"Sorry, something went wrong on my side. Reference: {reference}"
    blocks = [
        section(
            "Sorry, something went wrong on my side and I could not finish that.\n"
            f"If it happens again, tell a coordinator the reference `{reference}`."
        )
    ]
    return Message(text=text, blocks=as_dicts(blocks))


def unknown_subcommand_message(command: str, word: str, commands: Sequence[CommandHelp]) -> Message:
    known = ", ".join(f"`{c.usage}`" for c in commands if c.command == command)
    text = escape(f"I don't know '{command} {word}'. Try {command} help.")
    blocks = [section(f"I don't know `{escape(command)} {escape(word)}`. Try one of: {known}.")]
    return Message(text=text, blocks=as_dicts(blocks))


def home_view(
    profile: MemberProfile | None, directory: Directory, commands: tuple[CommandHelp, ...]
) -> dict[str, Any]:
    """The App Home tab: who you are to the bot, and what you can ask it."""
    about = (
        whoami_message(profile, directory.consortium_name)
        if profile
        else stranger_message(directory)
    )
    blocks: list[dict[str, Any]] = [header(f"{directory.consortium_name} coordination").to_dict()]
    blocks += about.blocks
    blocks.append(DividerBlock().to_dict())
    blocks += help_message(commands, directory.consortium_name).blocks
    blocks.append(
        context(
            "This bot stores your Slack ID, name, country, roles and time zone for the "
            "consortium's coordination. Ask a coordinator to see or remove your data."
        ).to_dict()
    )
    return {
        "type": "home",
        "callback_id": ids.HOME_VIEW_CALLBACK,
        "blocks": blocks[:MAX_VIEW_BLOCKS],
    }
