"""Block Kit builders for reminders (with RSVP buttons), the weekly digest and job status."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import datetime

from slack_sdk.models.blocks import ActionsBlock, Block, ButtonElement, DividerBlock

from bot.core import ids
from bot.core.blocks import (
    MAX_MESSAGE_BLOCKS,
    MAX_SECTION_TEXT,
    Message,
    as_dicts,
    context,
    header,
    section,
)
from bot.core.mrkdwn import escape, truncate
from bot.meetings.blocks import KIND_LABELS, link, when_mrkdwn, when_plain
from scheduling.delivery.digest import Digest
from scheduling.delivery.jobs import JobStatus, ReminderNotice
from scheduling.durations import format_duration
from scheduling.meetings.occurrences import Occurrence
from scheduling.meetings.rsvp import ANSWER_LABELS, ANSWERS, RsvpSummary


def rsvp_value(meeting_id: int, occurrence_local: datetime, offset: int) -> str:
    return json.dumps({"m": meeting_id, "o": occurrence_local.isoformat(), "r": offset})


def counts_line(summary: RsvpSummary, country_names: Mapping[str, str]) -> str:
    if not summary.answers:
        return "No answers yet."
    totals = " · ".join(f"{ANSWER_LABELS[a]}: {summary.total(a)}" for a in ANSWERS)
    per_country = "; ".join(
        f"{escape(country_names.get(code, code))} "
        + "/".join(str(counts.get(a, 0)) for a in ANSWERS)
        for code, counts in sorted(summary.by_country.items())
    )
    return f"{totals}\nBy country (going/not going/maybe): {per_country}"


def reminder_message(notice: ReminderNotice, country_names: Mapping[str, str]) -> Message:
    """The reminder: when (date tokens), how long, where or how to join, and RSVP buttons."""
    occurrence = notice.reminder.occurrence
    series = occurrence.series
    kind = KIND_LABELS.get(series.kind, series.kind)
    before = format_duration(notice.reminder.offset_minutes)
    lines = [f"*When:* {when_mrkdwn(occurrence)}"]
    if not series.all_day:
        lines.append(f"*Duration:* {format_duration(int(series.duration.total_seconds() // 60))}")
    if series.join_url:
        lines.append(f"*Join:* {link(series.join_url, 'join link')}")
    if series.location:
        lines.append(f"*Where:* {escape(series.location)}")
    value = rsvp_value(series.id, occurrence.original_local, notice.reminder.offset_minutes)
    buttons = [
        ButtonElement(
            text=ANSWER_LABELS[answer],
            action_id=ids.RSVP_ACTIONS[answer],
            value=value,
            style="primary" if answer == "going" else None,
            accessibility_label=f"{ANSWER_LABELS[answer]} to {truncate(series.title, 50)}",
        )
        for answer in ANSWERS
    ]
    blocks: list[Block] = [
        header(f"Reminder: {series.title}"),
        section("\n".join(lines)),
        ActionsBlock(block_id=f"rsvp-{series.id}", elements=buttons),
        context(counts_line(notice.rsvp, country_names)),
        context(
            f"{kind} #{series.id} · reminder {before} before · `/meeting who {series.id}` lists answers"
        ),
    ]
    text = escape(f"Reminder ({before} before): {series.title}, {when_plain(occurrence)}")
    return Message(text=text, blocks=as_dicts(blocks))


def _pages(blocks: Sequence[Block], limit: int = MAX_MESSAGE_BLOCKS) -> list[list[Block]]:
    pages: list[list[Block]] = [[]]
    for block in blocks:
        if len(pages[-1]) >= limit:
            pages.append([])
        pages[-1].append(block)
    return pages


def archive_link(channel: str | None, ts: str | None, label: str) -> str:
    if not channel or not ts:
        return escape(label)
    return f"<https://slack.com/archives/{channel}/p{ts.replace('.', '')}|{escape(label)}>"


def digest_messages(digest: Digest, country_names: Mapping[str, str]) -> list[Message]:
    """The digest as one or more messages (each within Slack's limits): the first goes to the
    channel, the others into its thread."""
    if digest.empty:
        text = f"{digest.consortium} weekly digest: a quiet week, nothing to report."
        return [Message(text=escape(text), blocks=as_dicts([section(escape(text))]))]
    blocks: list[Block] = [header(f"{digest.consortium}: weekly digest")]
    if digest.updates:
        blocks.append(section("*Country updates since the last digest*"))
        for country, updates in digest.updates:
            lines = [
                "• "
                + archive_link(
                    u.posted_channel, u.posted_ts, truncate(u.first_line, 200) or f"update #{u.id}"
                )
                for u in updates
            ]
            body = f"{country.flag} *{escape(country.name)}*\n" + "\n".join(lines)
            for chunk in _split_lines(body):
                blocks.append(section(chunk))
    if digest.upcoming:
        if len(blocks) > 1:
            blocks.append(DividerBlock())
        blocks.append(section("*The next 14 days*"))
        lines = []
        for occurrence, answers in digest.upcoming:
            lines.append(_upcoming_line(occurrence, answers))
        for chunk in _split_lines("\n".join(lines)):
            blocks.append(section(chunk))
    if digest.rounds:
        if len(blocks) > 1:
            blocks.append(DividerBlock())
        lines = [
            f"*{escape(r.title)}* (due {r.due_on:%a} {r.due_on.day} {r.due_on:%b}): "
            + (f"missing {escape(', '.join(missing))}" if missing else "every country has answered")
            for r, missing in digest.rounds
        ]
        for chunk in _split_lines("*Open rounds*\n" + "\n".join(lines)):
            blocks.append(section(chunk))
    if digest.changes:
        if len(blocks) > 1:
            blocks.append(DividerBlock())
        lines = [
            f"{c.what.capitalize()}: *{escape(c.title)}* (#{c.meeting_id}), {escape(c.detail)}"
            for c in digest.changes
        ]
        for chunk in _split_lines("*Changes to the schedule*\n" + "\n".join(lines)):
            blocks.append(section(chunk))
    pages = _pages(blocks)
    summary = (
        f"{digest.consortium} weekly digest: {sum(len(u) for _, u in digest.updates)} updates from "
        f"{len(digest.updates)} countries, {len(digest.upcoming)} meetings in the next 14 days, "
        f"{len(digest.rounds)} open rounds, {len(digest.changes)} schedule changes"
    )
    messages = []
    for number, page in enumerate(pages, start=1):
        text = summary if number == 1 else f"{summary} (part {number} of {len(pages)})"
        messages.append(Message(text=escape(text), blocks=as_dicts(page)))
    return messages


def _upcoming_line(occurrence: Occurrence, summary: RsvpSummary) -> str:
    going = summary.total("going")
    answers = f" · {going} going" if summary.answers else ""
    moved = " _(moved)_" if occurrence.moved else ""
    return f"{when_mrkdwn(occurrence)} · *{escape(occurrence.series.title)}*{moved}{answers}"


def _split_lines(text: str) -> list[str]:
    """Cut already-escaped mrkdwn into section-sized pieces at line breaks."""
    chunks: list[str] = []
    current = ""
    for line in text.split("\n"):
        pieces = (
            [line]
            if len(line) <= MAX_SECTION_TEXT
            else [line[i : i + MAX_SECTION_TEXT] for i in range(0, len(line), MAX_SECTION_TEXT)]
        )
        for piece in pieces:
            if current and len(current) + 1 + len(piece) > MAX_SECTION_TEXT:
                chunks.append(current)
                current = piece
            else:
                current = f"{current}\n{piece}" if current else piece
    if current:
        chunks.append(current)
    return chunks


def who_message(title: str, when: str, table: Mapping[str, Mapping[str, list[str]]]) -> Message:
    lines = []
    for country, answers in table.items():
        parts = []
        for answer in (*ANSWERS, "none"):
            names = answers.get(answer)
            if names:
                label = "No answer" if answer == "none" else ANSWER_LABELS[answer]
                parts.append(f"{label}: {escape(', '.join(names))}")
        lines.append(f"*{escape(country)}* — " + "; ".join(parts))
    blocks: list[Block] = [header(f"Who is coming: {title}"), section(escape(when))]
    blocks += [section(chunk) for chunk in _split_lines("\n".join(lines) or "Nobody is invited.")][
        :45
    ]
    return Message(text=escape(f"Answers for {title}, {when}"), blocks=as_dicts(blocks))


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
            for chunk in _split_lines("*Pending or failed*\n" + "\n".join(problem_lines))
        ]
    text = f"Scheduler {scheduler}; messages: {counts}; {len(status.problems)} pending or failed"
    return Message(text=escape(text), blocks=as_dicts(blocks))
