"""Block Kit builders for `/consortium` and the App Home tab: whoami, status (help is
`core/help.py`, built from the catalogue; the feeds' are `subscribe_blocks.py`)."""

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
from bot.core.mrkdwn import escape, mention
from bot.lifecycle.blocks import workspace_line
from scheduling.consortium.directory import MemberProfile
from scheduling.delivery.jobs import JobStatus
from scheduling.privacy.retention import RetainedKind
from scheduling.privacy.retention_job import RetentionStatus
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
    kept, last_run = data_kept(status.retention)
    blocks += [section(chunk) for chunk in section_texts(kept)]
    if status.problems:
        problem_lines = [
            f"`{escape(k)}` {s}, {a} attempts: {escape(e)}" for k, s, e, a in status.problems
        ]
        blocks += [
            section(chunk)
            for chunk in section_texts("*Pending or failed*\n" + "\n".join(problem_lines))
        ]
    inactive = f"{status.inactive.words()}; " if status.inactive else ""
    if status.unreachable_by_dm:
        reached = [
            f"{mention(slack_id)} ({escape(name)}) since {since:%Y-%m-%d %H:%M} UTC"
            for slack_id, name, since in status.unreachable_by_dm
        ]
        blocks += [
            section(chunk)
            for chunk in section_texts(
                "*No DM reaches them (other workspaces), so what would go by DM reaches them"
                " privately (an ephemeral) in the announcements channel*\n" + "\n".join(reached)
            )
        ]
    text = (
        f"{inactive}Scheduler {scheduler}; messages: {counts}; {len(status.problems)} pending or failed; "
        f"last retention run: {last_run}"
    )
    if status.unreachable_by_dm:
        names = ", ".join(name for _, name, _ in status.unreachable_by_dm)
        text += f"; reached by ephemeral, not DM: {names}"
    return Message(text=escape(text), blocks=as_dicts(blocks))


# Why a kind kept for good by default is kept: said beside it, for the privacy notice's reader.
_KEPT_BECAUSE = {
    RetainedKind.ATTENDANCE: "the consortium's record for its reporting to the EU",
    RetainedKind.ERASURES: "the proof that erasures were done",
    RetainedKind.UPDATES: "the countries' record of the project",
}


def data_kept(retention: RetentionStatus) -> tuple[str, str]:
    """The "Data kept" section (each kind and how long, the last daily run and the next)
    and the last run in a few words, for the top-level text."""
    policy = retention.policy
    lines = ["*Data kept* (the consortium file's `retention:`; the default where it says nothing)"]
    for kind in RetainedKind:
        period = policy.period(kind)
        how_long = f"*{period}*" if period is not None else "*kept*"
        if period is None and kind in _KEPT_BECAUSE:
            how_long += f", {_KEPT_BECAUSE[kind]}"
        default = " (default)" if policy.is_default(kind) else ""
        lines.append(f"• {kind.label}: {how_long}{default}")
    updates = policy.period(RetainedKind.UPDATES)
    if updates is not None:
        lines.append(
            f"Round reports of rounds older than {updates} no longer hold those rounds' updates."
        )
    run = retention.last_run
    if run is None:
        last = "never"
    else:
        removed = [kind.counted(n) for kind, n in run.removed.items() if n]
        what = "removed " + ", ".join(removed) if removed else "nothing was old enough"
        if not run.finished:
            what = f"stopped before it finished ({what} by then); the next run carries on"
        last = f"{run.at:%Y-%m-%d %H:%M} UTC: {what}"
    next_run = (
        "due now: the scheduler's next look (every quarter of an hour) or `consortium-bot tick`"
        if retention.due_now
        else f"{retention.next_run:%a %Y-%m-%d %H:%M %Z}"
    )
    lines += [f"*Last retention run:* {last}", f"*Next retention run:* {next_run}"]
    return "\n".join(lines), last
