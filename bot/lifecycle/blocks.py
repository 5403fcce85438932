"""What the lifecycle shows: why the workspace is inactive (`/consortium status`, the log) and
the members deactivated in Slack (the coordinators' Home tab)."""

from __future__ import annotations

from slack_sdk.models.blocks import Block

from bot.core.blocks import context, section, section_texts
from bot.core.mrkdwn import escape, truncate
from scheduling.home.facts import ConsortiumState
from scheduling.language.dates import short_date
from scheduling.lifecycle.workspace import (
    APP_UNINSTALLED,
    TOKENS_REVOKED,
    DeactivatedMember,
    WorkspaceInactive,
)

NAME_ROOM = 80  # of a member's name in a line of the Home tab


def why_inactive(inactive: WorkspaceInactive) -> str:
    """`the app was uninstalled from the workspace`, in words, from the stored reason."""
    if inactive.reason == APP_UNINSTALLED:
        return "the app was uninstalled from the workspace"
    if inactive.reason == TOKENS_REVOKED:
        return "the bot's token was revoked"
    return f"Slack refused the bot's token ({inactive.reason})"


def workspace_line(inactive: WorkspaceInactive | None) -> str:
    """The status's line on the workspace: active, or since when and why not, and what to do."""
    if inactive is None:
        return "*Workspace:* active"
    return (
        f"*Workspace:* inactive since {inactive.since:%Y-%m-%d %H:%M} UTC: "
        f"{escape(why_inactive(inactive))}. Nothing is sent; what falls due waits in the "
        "queue. Install the app again (a new token goes in SLACK_BOT_TOKEN) and restart the "
        "bot: it goes on where it stopped."
    )


def _flag_line(member: DeactivatedMember) -> str:
    countries = ", ".join(f"{c.flag} {escape(c.name)}" for c in member.countries) or "no country"
    name = escape(truncate(member.name, NAME_ROOM))
    return (
        f"• *{name}* ({countries}): deactivated in Slack since {short_date(member.since.date())}."
        f" Remove them from the consortium file, or `/consortium forget @{name}`."
    )


def deactivated_members(state: ConsortiumState) -> list[Block]:
    """The members Slack reported deactivated, for coordinators: no DM reaches them."""
    flagged = state.deactivated
    if not flagged.shown:
        return []
    lines = "\n".join(_flag_line(member) for member in flagged.shown)
    if flagged.more:
        lines += f"\n…and {flagged.more} more."
    blocks: list[Block] = [section(chunk) for chunk in section_texts(lines)]
    blocks.append(
        context(
            "No DM reaches them (reminders, digests, nudges, round requests); the posts in "
            "channels go on."
        )
    )
    return [section("*Deactivated in Slack*"), *blocks]
