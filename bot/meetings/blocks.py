"""Block Kit builders for meetings: lists, upcoming occurrences, invite cards, who is coming,
and the confirmation, Undo and choice of a cancellation."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from slack_sdk.models.blocks import ActionsBlock, Block, ButtonElement, SectionBlock

from bot.core import ids
from bot.core.blocks import (
    MAX_MESSAGE_BLOCKS,
    MAX_OPTION_TEXT,
    Message,
    as_dicts,
    context,
    header,
    section,
    section_texts,
)
from bot.core.mrkdwn import channel_link, date_token, escape, truncate
from bot.core.paging import Paging, entry_sections, nothing_more, page_footer
from scheduling.durations import format_duration
from scheduling.language.dates import short_date
from scheduling.meetings.cancels import CancelPreview, CancelTicket
from scheduling.meetings.defaults import Upcoming
from scheduling.meetings.occurrences import Occurrence, Series
from scheduling.meetings.rsvp import WhoAnswered
from scheduling.paging import Page
from scheduling.undo import UNDO_WINDOW, undo_until
from scheduling.vocabulary import Audience, MeetingKind, RsvpAnswer

MAX_CHOICES = 10  # meetings offered when `/meeting cancel` names none


def when_mrkdwn(occurrence: Occurrence) -> str:
    """Date tokens for timed meetings (each reader sees local time); plain dates for all-day ones."""
    series = occurrence.series
    if series.all_day:
        last = occurrence.start_local.date() + series.duration - timedelta(days=1)
        days = short_date(occurrence.start_local.date())
        if last != occurrence.start_local.date():
            days += f" – {short_date(last)}"
        return f"{days} (all day, {escape(series.timezone)})"
    start = date_token(occurrence.start, series.timezone)
    end = date_token(occurrence.end, series.timezone, "{time}")
    return f"{start} – {end}"


def when_plain(occurrence: Occurrence) -> str:
    """The same moment in words, in the meeting's own zone, for notifications' `text`."""
    series = occurrence.series
    local = occurrence.start.astimezone(ZoneInfo(series.timezone))
    if series.all_day:
        return f"{short_date(occurrence.start_local.date())} (all day)"
    return f"{short_date(local.date())} {local:%H:%M} {local.tzname()}"


def link(url: str, label: str) -> str:
    """A link the bot builds from a URL it validated; `|` would end the URL early."""
    return f"<{escape(url).replace('|', '%7C')}|{escape(label)}>"


def duration_text(series: Series) -> str:
    return format_duration(int(series.duration.total_seconds() // 60))


def series_details(series: Series, occurrence: Occurrence | None) -> str:
    lines = []
    if occurrence is not None:
        lines.append(f"*When:* {when_mrkdwn(occurrence)}")
    lines.append(f"*Repeats:* {escape(series.rule_in_words)}")
    if not series.all_day:
        lines.append(f"*Duration:* {duration_text(series)}")
    if series.location:
        lines.append(f"*Where:* {escape(series.location)}")
    if series.join_url:
        lines.append(f"*Join:* {link(series.join_url, 'join link')}")
    lines.append(f"*For:* {escape(series.audience.words)}")
    return "\n".join(lines)


def meeting_card(
    series: Series, occurrence: Occurrence | None, headline: str, note: str | None = None
) -> Message:
    """The message posted to a meeting's channel with its invite file in the thread."""
    kind = series.kind.label
    when = when_plain(occurrence) if occurrence else "no upcoming date"
    text = escape(f"{headline}: {series.title} ({kind}), {when}")
    blocks: list[Block] = [header(f"{kind}: {series.title}"), section(f"*{escape(headline)}*")]
    if note:
        blocks.append(section(note))
    blocks.append(section(series_details(series, occurrence)))
    blocks.append(
        context(
            f"Meeting #{series.id}. The calendar file is in this message's thread; "
            "`/consortium subscribe` gives a feed that stays up to date."
        )
    )
    return Message(text=text, blocks=as_dicts(blocks))


def cancellation_note(occurrence_local: datetime | None, series: Series) -> str:
    if occurrence_local is None and series.rrule is None:
        when = short_date(series.starts_local.date())
        at = "" if series.all_day else f" at {series.starts_local:%H:%M} ({series.timezone})"
        return f"This meeting, on {when}{at}, is cancelled."
    if occurrence_local is None:
        return "The whole series is cancelled."
    return f"Only the occurrence of {short_date(occurrence_local.date())} is cancelled."


def _listing(title: str, lines: Sequence[str], empty: str, text: str) -> Message:
    blocks: list[Block] = [header(title)]
    if not lines:
        blocks.append(section(empty))
        return Message(text=empty, blocks=as_dicts(blocks))
    chunks = section_texts("\n".join(lines))
    room = MAX_MESSAGE_BLOCKS - 2
    for chunk in chunks[:room]:
        blocks.append(section(chunk))
    if len(chunks) > room:
        blocks.append(
            context("More than fit in one message: narrow it down, e.g. `/meeting next webinar`.")
        )
    return Message(text=text, blocks=as_dicts(blocks))


def meeting_list(page: Page[tuple[Series, Occurrence | None]], paging: Paging) -> Message:
    """`/meeting list`: a page of the series and events by number, each with its next date."""
    if not page.items and page.before:
        return nothing_more(page.total)
    entries = []
    for series, upcoming in page.items:
        nxt = when_mrkdwn(upcoming) if upcoming else "no upcoming date"
        entries.append(
            f"*#{series.id}* {escape(series.title)} · {series.kind.label} · "
            f"{escape(series.rule_in_words)}\n      next: {nxt}"
        )
    if not entries:
        empty = "No meetings are scheduled yet. `/meeting schedule` adds one."
        return Message(
            text="No meetings are scheduled.", blocks=as_dicts([header("Meetings"), section(empty)])
        )
    blocks = [*as_dicts([header("Meetings"), *entry_sections(entries)]), *page_footer(paging, page)]
    return Message(text=f"{page.total} meetings scheduled", blocks=blocks)


def holiday_note(codes: Sequence[str]) -> str:
    """` · Holiday in PT`, ` · Holiday in GR, RO`, ` · Holiday in 9 countries`; empty for none."""
    if not codes:
        return ""
    named = ", ".join(codes) if len(codes) <= 3 else f"{len(codes)} countries"
    return f" · Holiday in {named}"


def upcoming_list(upcoming: Upcoming, kind: MeetingKind | None) -> Message:
    """`/meeting next`: the caller's next meetings (or everyone's), and a hint at the others."""
    found = upcoming.occurrences
    title = "All upcoming meetings" if upcoming.everyone else "Your next meetings"
    title += f" · {kind.label}" if kind else ""
    lines = []
    for index, occurrence in enumerate(found):
        series = occurrence.series
        moved = " _(moved)_" if occurrence.moved else ""
        holiday = holiday_note(upcoming.holiday_codes(index))
        lines.append(
            f"{when_mrkdwn(occurrence)} · *{escape(series.title)}* (#{series.id}){moved}{holiday}"
        )
    empty = "No upcoming meetings" + ("" if upcoming.everyone else " for you") + "."
    text = (
        f"{title}: " + "; ".join(f"{o.series.title} {when_plain(o)}" for o in found[:3])
        if found
        else empty
    )
    message = _listing(title, lines, empty, escape(text))
    if not upcoming.hidden:
        return message
    more = f"`/meeting next all{f' {kind}' if kind else ''}`"
    hint = f"{upcoming.hidden} more for other audiences: {more}"
    blocks = [*message.blocks[: MAX_MESSAGE_BLOCKS - 1], context(hint).to_dict()]
    return Message(text=f"{message.text} ({escape(hint)})", blocks=blocks)


def quiet_edit_reply(series: Series, field: str = "reminders") -> str:
    """The answer to a reminders-only (or agenda lead) edit: what the reminders are now, and
    that nothing is posted again."""
    if field == "agenda":
        return (
            f"#{series.id} {series.title}: its draft agenda now goes to the coordinators that "
            "many days before each occurrence. Nothing is posted again."
        )
    offsets = ", ".join(format_duration(m) for m in series.reminder_minutes)
    now = f"reminders {offsets} before each meeting" if offsets else "no reminders"
    return (
        f"#{series.id} {series.title} now has {now}. Nothing is posted again: "
        "the invite and the calendar files stay as they are."
    )


def who_message(who: WhoAnswered) -> Message:
    title, when = who.series.title, when_plain(who.occurrence)
    rows: dict[str, str] = {country: "no contact listed" for country in who.unlisted}
    for country, answers in who.table.items():
        parts = []
        for answer in (*RsvpAnswer, "none"):
            names = answers.get(answer)
            if names:
                label = "No answer" if answer == "none" else RsvpAnswer(answer).label
                parts.append(f"{label}: {escape(', '.join(names))}")
        rows[country] = "; ".join(parts)
    for country, present in who.attended.items():
        here = f"*Attended:* {escape(', '.join(present))}"
        rows[country] = f"{rows[country]} · {here}" if rows.get(country) else here
    lines = [f"*{escape(country)}* — {rows[country]}" for country in sorted(rows)]
    if who.attended or who.guests:
        people = sum(len(present) for present in who.attended.values())
        lines.append(f"*Attended in all:* {people} members, {who.guests} guests")
    # The section shows date tokens (each reader's own time); the text names the zone.
    blocks: list[Block] = [header(f"Who is coming: {title}"), section(when_mrkdwn(who.occurrence))]
    chunks = section_texts("\n".join(lines) or "Nobody is invited.")
    blocks += [section(chunk) for chunk in chunks][: MAX_MESSAGE_BLOCKS - 5]
    heading = "Answers and attendance" if who.attended or who.guests else "Answers"
    return Message(text=escape(f"{heading} for {title}, {when}"), blocks=as_dicts(blocks))


# -- cancelling: ask first, undo after -----------------------------------------------------------


def audience_phrase(audience: Audience) -> str:
    """Whom a meeting is for, as the subject of a sentence: `Everyone in core countries`."""
    if audience.group == "all":
        return "Everyone"
    if audience.group == "wp-lead":
        return "The work-package and task leaders"
    return f"Everyone in {audience.words}"


def _what_is_left(preview: CancelPreview) -> str:
    series, last = preview.series, preview.last
    if series.rrule is None:
        day = short_date(series.starts_local.date())
        return f"once, on {day}" if preview.left else f"once, on {day}, already past"
    rule = series.rule_in_words
    if preview.left is None:
        upcoming = preview.upcoming
        nxt = f"next on {short_date(upcoming.local_date)}, " if upcoming else ""
        return f"{rule}, {nxt}no end date"
    if not preview.left or last is None:
        return f"{rule}, no occurrences left"
    if preview.left == 1:
        return f"{rule}, 1 occurrence left, on {short_date(last.local_date)}"
    return f"{rule}, {preview.left} occurrences left until {short_date(last.local_date)}"


def cancel_confirmation(preview: CancelPreview) -> Message:
    """Asked before a series (or a one-off event) is cancelled: what it takes away, whom it
    tells and where, with Confirm and Keep buttons. Only Confirm acts."""
    series = preview.series
    whole = "the whole series " if series.rrule else ""
    question = f"Cancel {whole}#{series.id} {series.title} ({_what_is_left(preview)})?"
    members = f"{preview.members} member{'' if preview.members == 1 else 's'}"
    who = f"{audience_phrase(series.audience)} ({members})"
    mailed = f", {preview.mailed} of them by e-mail" if preview.mailed else ""
    if preview.channel:
        whom = who[:1].lower() + who[1:]
        told = f"Told: {whom}, in {channel_link(preview.channel)}; every calendar gets a cancellation{mailed}."
        told_plain = (
            f"Told: {whom}, in the meeting's channel; every calendar gets a cancellation{mailed}."
        )
    else:
        told = told_plain = (
            f"It has no channel, so nobody is told in Slack; the calendar feeds of {who.lower()} "
            f"drop it{mailed}."
        )
    value = json.dumps({"m": series.id, "s": series.sequence})
    buttons = ActionsBlock(
        block_id="cancel-confirm",
        elements=[
            ButtonElement(
                text="Cancel it" if not whole else "Cancel the series",
                action_id=ids.MEETING_CANCEL_CONFIRM,
                value=value,
                style="danger",
            ),
            ButtonElement(
                text="Keep it",
                action_id=ids.MEETING_CANCEL_KEEP,
                value=json.dumps({"m": series.id}),
            ),
        ],
    )
    minutes = int(UNDO_WINDOW.total_seconds() // 60)
    blocks: list[Block] = [
        section(f"*{escape(question)}*\n{told}"),
        buttons,
        context(
            f"Nothing happens until you press a button; after it, Undo works for {minutes} minutes."
        ),
    ]
    return Message(text=escape(f"{question} {told_plain}"), blocks=as_dicts(blocks))


def undo_value(ticket: CancelTicket) -> str:
    day, moved = ticket.original_local, ticket.moved_to
    return json.dumps(
        {
            "m": ticket.meeting_id,
            "s": ticket.sequence,
            "o": day.isoformat() if day else None,
            "w": moved.isoformat() if moved else None,
        }
    )


def cancelled_message(
    reply: str, ticket: CancelTicket | None, done_at: datetime | None, zone: str
) -> Message:
    """What a cancellation did, with an Undo button for as long as it may be undone."""
    blocks: list[Block] = [section(escape(reply))]
    if ticket is not None and done_at is not None:
        until = date_token(undo_until(done_at), zone, "{time}")
        blocks.append(
            ActionsBlock(
                block_id="cancel-undo",
                elements=[
                    ButtonElement(
                        text="Undo", action_id=ids.MEETING_CANCEL_UNDO, value=undo_value(ticket)
                    )
                ],
            )
        )
        blocks.append(context(f"Undo works until {until}."))
    return Message(text=escape(reply), blocks=as_dicts(blocks))


def cancel_choices(entries: Sequence[tuple[Series, Occurrence | None]], total: int) -> Message:
    """`/meeting cancel` without a number: the meetings to choose from (the next first, of
    `total` live ones), each with a button that shows what cancelling it would do."""
    if not entries:
        return Message(
            text="No meetings are scheduled, so there is nothing to cancel.",
            blocks=as_dicts([section("No meetings are scheduled, so there is nothing to cancel.")]),
        )
    far = datetime.max.replace(tzinfo=ZoneInfo("UTC"))
    ordered = sorted(entries, key=lambda e: (e[1].start if e[1] else far, e[0].id))
    blocks: list[Block] = [section("*Which meeting do you want to cancel?*")]
    for series, upcoming in ordered[:MAX_CHOICES]:
        nxt = when_mrkdwn(upcoming) if upcoming else "no upcoming date"
        label = truncate(f"Cancel #{series.id} {series.title}", MAX_OPTION_TEXT)
        blocks.append(
            SectionBlock(
                text=truncate(
                    f"*#{series.id}* {escape(series.title)} · {escape(series.rule_in_words)}\n"
                    f"      next: {nxt}",
                    3000,
                ),
                accessory=ButtonElement(
                    text=label,
                    action_id=ids.MEETING_CANCEL_PICK,
                    value=json.dumps({"m": series.id}),
                ),
            )
        )
    shown = min(len(ordered), MAX_CHOICES)
    more = f"Showing {shown} of {total}. " if total > shown else ""
    blocks.append(
        context(
            f"{more}Or type the number: `/meeting cancel &lt;id&gt;` (a series) or "
            "`/meeting cancel &lt;id&gt; on DATE` (one meeting); `/meeting list` shows them all."
        )
    )
    text = "Which meeting do you want to cancel? " + "; ".join(
        f"#{s.id} {s.title}" for s, _ in ordered[:MAX_CHOICES]
    )
    return Message(text=escape(truncate(text, 3000)), blocks=as_dicts(blocks))
