"""Block Kit builders for reminders (with RSVP buttons) and the weekly digest."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime

from slack_sdk.models.blocks import ActionsBlock, Block, ButtonElement, DividerBlock

from bot.core import ids
from bot.core.blocks import Message, as_dicts, context, header, pages, section, section_texts
from bot.core.mrkdwn import escape, truncate
from bot.meetings.blocks import duration_text, link, when_mrkdwn, when_plain
from scheduling.delivery.notices import Digest, ReminderNotice
from scheduling.durations import format_duration
from scheduling.meetings.occurrences import Occurrence
from scheduling.meetings.rsvp import RsvpSummary, RsvpTotals
from scheduling.vocabulary import RsvpAnswer


def rsvp_value(meeting_id: int, occurrence_local: datetime, offset: int) -> str:
    return json.dumps({"m": meeting_id, "o": occurrence_local.isoformat(), "r": offset})


def counts_line(summary: RsvpSummary, country_names: Mapping[str, str]) -> str:
    if not summary.answers:
        return "No answers yet."
    totals = " · ".join(f"{a.label}: {summary.total(a)}" for a in RsvpAnswer)
    per_country = "; ".join(
        f"{escape(country_names.get(code, code))} "
        + "/".join(str(counts.get(a, 0)) for a in RsvpAnswer)
        for code, counts in sorted(summary.by_country.items())
    )
    return f"{totals}\nBy country (going/not going/maybe): {per_country}"


def totals_words(totals: RsvpTotals) -> str:
    """`3 going · 1 not going · 0 maybe · 7 no answer`: every count named, none left to colour."""
    return (
        f"{totals.going} going · {totals.not_going} not going · {totals.maybe} maybe · "
        f"{totals.no_answer} no answer"
    )


def reminder_message(notice: ReminderNotice, country_names: Mapping[str, str]) -> Message:
    """The reminder: when (date tokens), how long, where or how to join, and RSVP buttons."""
    occurrence = notice.reminder.occurrence
    series = occurrence.series
    kind = series.kind.label
    before = format_duration(notice.reminder.offset_minutes)
    lines = [f"*When:* {when_mrkdwn(occurrence)}"]
    if not series.all_day:
        lines.append(f"*Duration:* {duration_text(series)}")
    if series.join_url:
        lines.append(f"*Join:* {link(series.join_url, 'join link')}")
    if series.location:
        lines.append(f"*Where:* {escape(series.location)}")
    value = rsvp_value(series.id, occurrence.original_local, notice.reminder.offset_minutes)
    buttons = [
        ButtonElement(
            text=answer.label,
            action_id=ids.RSVP_ACTIONS[answer],
            value=value,
            style="primary" if answer == RsvpAnswer.GOING else None,
            accessibility_label=f"{answer.label} to {truncate(series.title, 50)}",
        )
        for answer in RsvpAnswer
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
            for chunk in section_texts(body):
                blocks.append(section(chunk))
    if digest.upcoming:
        if len(blocks) > 1:
            blocks.append(DividerBlock())
        blocks.append(section("*The next 14 days*"))
        lines = []
        for occurrence, answers in digest.upcoming:
            lines.append(_upcoming_line(occurrence, answers))
        for chunk in section_texts("\n".join(lines)):
            blocks.append(section(chunk))
    if digest.rounds:
        if len(blocks) > 1:
            blocks.append(DividerBlock())
        lines = [
            f"*{escape(r.title)}* (due {r.due_on:%a} {r.due_on.day} {r.due_on:%b}): "
            + (f"missing {escape(', '.join(missing))}" if missing else "every country has answered")
            for r, missing in digest.rounds
        ]
        for chunk in section_texts("*Open rounds*\n" + "\n".join(lines)):
            blocks.append(section(chunk))
    if digest.changes:
        if len(blocks) > 1:
            blocks.append(DividerBlock())
        lines = [
            f"{c.what.capitalize()}: *{escape(c.title)}* (#{c.meeting_id}), {escape(c.detail)}"
            for c in digest.changes
        ]
        for chunk in section_texts("*Changes to the schedule*\n" + "\n".join(lines)):
            blocks.append(section(chunk))
    parts = pages(blocks)
    summary = (
        f"{digest.consortium} weekly digest: {sum(len(u) for _, u in digest.updates)} updates from "
        f"{len(digest.updates)} countries, {len(digest.upcoming)} meetings in the next 14 days, "
        f"{len(digest.rounds)} open rounds, {len(digest.changes)} schedule changes"
    )
    messages = []
    for number, page in enumerate(parts, start=1):
        text = summary if number == 1 else f"{summary} (part {number} of {len(parts)})"
        messages.append(Message(text=escape(text), blocks=as_dicts(page)))
    return messages


def _upcoming_line(occurrence: Occurrence, summary: RsvpSummary) -> str:
    going = summary.total(RsvpAnswer.GOING)
    answers = f" · {going} going" if summary.answers else ""
    moved = " _(moved)_" if occurrence.moved else ""
    return f"{when_mrkdwn(occurrence)} · *{escape(occurrence.series.title)}*{moved}{answers}"
