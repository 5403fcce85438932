"""Block Kit builders for `/consortium` and the App Home tab: whoami, feeds, status (help is
`core/help.py`, built from the catalogue)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from slack_sdk.models.blocks import Block

from bot.core.blocks import (
    Message,
    as_dicts,
    context,
    header,
    section,
    section_texts,
)
from bot.core.mrkdwn import escape
from bot.lifecycle.blocks import workspace_line
from scheduling.calendars.feeds import FeedLink
from scheduling.consortium.directory import MemberProfile
from scheduling.delivery.jobs import JobStatus
from scheduling.vocabulary import MemberRole
from scheduling.workdays.service import hours_of


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
        f"*Working hours:* {hours_of(profile)}"
        f"{' (the default)' if profile.working_hours is None else ''} · `/consortium hours`",
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
        workspace_line(status.inactive),
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
    inactive = f"{status.inactive.words()}; " if status.inactive else ""
    text = f"{inactive}Scheduler {scheduler}; messages: {counts}; {len(status.problems)} pending or failed"
    return Message(text=escape(text), blocks=as_dicts(blocks))
