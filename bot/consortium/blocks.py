"""Block Kit builders for `/consortium` and the App Home tab: help, whoami, feeds, status."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from datetime import datetime

from slack_sdk.models.blocks import Block

from bot.core import ids
from bot.core.blocks import (
    Message,
    as_dicts,
    context,
    header,
    section,
    section_texts,
)
from bot.core.catalogue import CommandHelp
from bot.core.mrkdwn import escape
from scheduling.calendars.feeds import FeedLink
from scheduling.consortium.directory import MemberProfile
from scheduling.delivery.jobs import JobStatus
from scheduling.language.words import suggest
from scheduling.vocabulary import MemberRole


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


def describe_roles(roles: Sequence[MemberRole]) -> str:
    return ", ".join(MemberRole(role).label for role in roles) or "no role yet"


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


def unknown_subcommand_message(command: str, word: str, commands: Sequence[CommandHelp]) -> Message:
    own = [c for c in commands if c.command == command]
    known = ", ".join(f"`{c.usage}`" for c in own)
    first_words = {c.usage.split()[1] for c in own if len(c.usage.split()) > 1}
    close = suggest(word.split()[0] if word.split() else word, first_words)
    hint = f" Did you mean `{command} {close}`?" if close else f" Try {command} help."
    text = escape(f"I don't know '{command} {word}'.{hint}")
    blocks = [
        section(
            f"I don't know `{escape(command)} {escape(word)}`.{escape(hint)} Try one of: {known}."
        )
    ]
    return Message(text=text, blocks=as_dicts(blocks))


def status_message(status: JobStatus, scheduler_running: bool | None) -> Message:
    def run(entry: tuple[datetime, str] | None) -> str:
        return f"{entry[0]:%Y-%m-%d %H:%M} UTC ({escape(entry[1])})" if entry else "never"

    if scheduler_running is None:
        scheduler = (
            "not started in this process (`--no-scheduler`, or `consortium-bot tick` from cron)"
        )
    else:
        scheduler = "running" if scheduler_running else "stopped"
    counts = ", ".join(f"{n} {s}" for s, n in sorted(status.counts.items())) or "none yet"
    lines = [
        f"*Scheduler:* {scheduler}",
        f"*Last reminder sweep:* {run(status.last_sweep)}",
        f"*Last digest:* {run(status.last_digest)}",
        f"*Next digest:* {status.next_digest:%a %Y-%m-%d %H:%M %Z}",
        f"*Messages:* {counts}",
    ]
    blocks: list[Block] = [header("Bot status"), section("\n".join(lines))]
    if status.problems:
        problem_lines = [
            f"`{escape(k)}` {s}, {a} attempts: {escape(e)}" for k, s, e, a in status.problems
        ]
        blocks += [
            section(chunk)
            for chunk in section_texts("*Pending or failed*\n" + "\n".join(problem_lines))
        ]
    text = f"Scheduler {scheduler}; messages: {counts}; {len(status.problems)} pending or failed"
    return Message(text=escape(text), blocks=as_dicts(blocks))
