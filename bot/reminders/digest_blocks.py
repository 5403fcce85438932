"""The weekly digest for its reader: a one-line summary (also the notification text), then the
meetings of the next 14 days with their answers, the open rounds with who is missing, the
country updates and what is new in the schedule; each section only when it has something.

The line builders (`summary_line`, `meeting_line`, `round_line`, `change_line`) take plain
values, so the Home tab says the same things the same way."""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from datetime import date, timedelta

from slack_sdk.models.blocks import Block, DividerBlock

from bot.core.blocks import Message, as_dicts, header, pages, section, section_texts
from bot.core.mrkdwn import escape, truncate
from bot.meetings.blocks import when_mrkdwn
from bot.reminders.blocks import totals_words
from scheduling.actions.minutes import LinkLine
from scheduling.consortium.directory import CountryRef
from scheduling.delivery.digest import UPCOMING_DAYS
from scheduling.delivery.notices import ChangeKind, Digest, OpenRound, ScheduleChange
from scheduling.language.dates import day_of_year, due_words, short_date
from scheduling.meetings.occurrences import Occurrence
from scheduling.meetings.rsvp import RsvpTotals
from scheduling.updates.views import RoundView

MAX_NAMES = 20  # countries named in one round's line; the rest are counted
QUIET = "A quiet week: no meetings, rounds or updates to report."


def _count(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


def _day_words(day: date, today: date) -> str:
    """`today`, `tomorrow` or the weekday's name, for a day within the next week."""
    days = (day - today).days
    if days == 0:
        return "today"
    if days == 1:
        return "tomorrow"
    return calendar.day_name[day.weekday()]


def summary_line(digest: Digest) -> str:
    """`2 meetings this week, 1 round due Friday, 4 new updates`: what the digest holds in
    one line (zero parts left out), or that the week is quiet."""
    today = digest.today
    sunday = today + timedelta(days=6 - today.weekday())
    parts = []
    this_week = [u for u in digest.upcoming if u.occurrence.local_date <= sunday]
    if this_week:
        parts.append(_count(len(this_week), "meeting") + " this week")
    elif digest.upcoming:
        parts.append(_count(len(digest.upcoming), "meeting") + f" in the next {UPCOMING_DAYS} days")
    parts += _round_parts(digest.rounds, today)
    updates = sum(len(lines) for _, lines in digest.updates)
    if updates:
        parts.append(_count(updates, "new update"))
    if digest.changes:
        parts.append(_count(len(digest.changes), "change") + " to the schedule")
    if digest.minutes:
        parts.append(_count(len(digest.minutes), "minutes link", "minutes links"))
    return ", ".join(parts) if parts else QUIET


def _round_parts(rounds: Sequence[OpenRound], today: date) -> list[str]:
    """`1 round overdue`, `2 rounds due by Friday`, `1 other round open`."""
    waiting = [r for r in rounds if r.missing]
    overdue = [r for r in waiting if r.round.due_on < today]
    soon = [r for r in waiting if 0 <= (r.round.due_on - today).days <= 6]
    parts = []
    if overdue:
        parts.append(_count(len(overdue), "round") + " overdue")
    if soon:
        last = max(r.round.due_on for r in soon)
        same_day = all(r.round.due_on == last for r in soon)
        due = "due" if same_day else "due by"
        parts.append(f"{_count(len(soon), 'round')} {due} {_day_words(last, today)}")
    rest = len(rounds) - len(overdue) - len(soon)
    if rest:
        parts.append(_count(rest, "other round" if parts else "round") + " open")
    return parts


def meeting_line(occurrence: Occurrence, totals: RsvpTotals) -> str:
    """When (date tokens), what, and every answer counted against whom it is for."""
    series = occurrence.series
    moved = " _(moved)_" if occurrence.moved else ""
    return (
        f"{when_mrkdwn(occurrence)} · *{escape(series.title)}* (#{series.id}){moved} · "
        f"{totals_words(totals)}"
    )


def country_names(countries: Sequence[CountryRef], shown: int = MAX_NAMES) -> str:
    """`Austria, Finland and 3 more`: the names escaped, the rest counted."""
    names = [escape(country.name) for country in countries[:shown]]
    more = len(countries) - len(names)
    return ", ".join(names) + (f" and {more} more" if more else "")


def round_line(
    round_: RoundView,
    missing: Sequence[CountryRef],
    unlisted: Sequence[CountryRef],
    today: date,
    yours: Sequence[str] = (),
) -> str:
    """`*Title* · overdue by 59 days (due Fri 10 Nov 2023) · missing Austria, …; no member
    listed for France in the consortium file`; `yours` (country codes) names the reader's
    own country when it has not answered."""
    line = f"*{escape(round_.title)}* · {due_words(round_.due_on, today)} · "
    if not missing:
        return line + "every country has answered"
    line += f"missing {country_names(missing)}"
    if unlisted:
        line += f"; no member listed for {country_names(unlisted)} in the consortium file"
    owing = [c for c in missing if c.code in yours]
    if owing:
        line += f" · *{country_names(owing)} still to answer:* `/update`"
    return line


def change_line(change: ScheduleChange, today: date) -> str:
    """`New: *Workshop* (#7), Tue 12 Mar`, `Moved: *Jour fixe* (#1), Thu 7 Mar → Fri 8 Mar
    11:00`, `Cancelled: … the whole series`."""
    what = f"*{escape(change.title)}* (#{change.meeting_id})"
    if change.what == ChangeKind.NEW:
        day = day_of_year(change.on, today) if change.on else ""
        when = f"{escape(change.rule)}, next {day}" if change.rule else day
        return f"New: {what}, {when}"
    if change.what == ChangeKind.MOVED and change.on and change.moved_to:
        moved = change.moved_to
        to = f"{day_of_year(moved.date(), today)} {moved:%H:%M}"
        return f"Moved: {what}, {day_of_year(change.on, today)} → {to}"
    if change.on is None:
        return f"Cancelled: {what}, the whole series"
    return f"Cancelled: {what}, the meeting of {day_of_year(change.on, today)}"


def archive_link(channel: str | None, ts: str | None, label: str) -> str:
    if not channel or not ts:
        return escape(label)
    return f"<https://slack.com/archives/{channel}/p{ts.replace('.', '')}|{escape(label)}>"


def _titled(title: str, lines: Sequence[str]) -> list[Block]:
    return [section(chunk) for chunk in section_texts(f"*{title}*\n" + "\n".join(lines))]


def _meeting_blocks(digest: Digest) -> list[Block]:
    lines = [meeting_line(u.occurrence, u.totals) for u in digest.upcoming]
    if digest.reader is None:
        return _titled(f"The next {UPCOMING_DAYS} days", lines)
    mine, others = lines[: digest.readers_meetings], lines[digest.readers_meetings :]
    heading = f"Your meetings in the next {UPCOMING_DAYS} days"
    blocks: list[Block] = _titled(heading, mine) if mine else [section(f"*{heading}:* none")]
    if others:
        blocks += _titled("Other meetings of the consortium", others)
    return blocks


def _update_blocks(digest: Digest) -> list[Block]:
    blocks: list[Block] = [section("*Country updates since the last digest*")]
    for country, updates in digest.updates:
        lines = [
            "• "
            + archive_link(
                u.posted_channel, u.posted_ts, truncate(u.first_line, 200) or f"update #{u.id}"
            )
            for u in updates
        ]
        body = f"{country.flag} *{escape(country.name)}*\n" + "\n".join(lines)
        blocks += [section(chunk) for chunk in section_texts(body)]
    return blocks


def _link_line(link: LinkLine) -> str:
    """`• Minutes: Jour fixe (#1), Thu 4 Jan 2024`, the kind linked to the sharing space."""
    label = link.kind.capitalize()
    url = escape(link.url).replace("|", "%7C")
    return (
        f"• <{url}|{escape(label)}>: {escape(truncate(link.meeting_title, 150))} "
        f"(#{link.meeting_id}), {short_date(link.occurrence_day)}"
    )


def digest_messages(digest: Digest) -> list[Message]:
    """The digest as one or more messages (each within Slack's limits): the first goes to the
    channel (or the reader's DM), the others into its thread. Every part's notification text
    is the summary line."""
    summary = summary_line(digest)
    title = "your weekly digest" if digest.reader else "weekly digest"
    if digest.empty:
        return [Message(text=escape(summary), blocks=as_dicts([section(escape(summary))]))]
    today = digest.today
    yours = digest.reader.country_codes if digest.reader else ()
    sections: list[list[Block]] = []
    if digest.upcoming:
        sections.append(_meeting_blocks(digest))
    if digest.rounds:
        lines = [round_line(r.round, r.missing, r.unlisted, today, yours) for r in digest.rounds]
        sections.append(_titled("Open rounds", lines))
    if digest.updates:
        sections.append(_update_blocks(digest))
    if digest.changes:
        sections.append(
            _titled("New in the schedule", [change_line(c, today) for c in digest.changes])
        )
    if digest.minutes:
        sections.append(_titled("Minutes and recordings", [_link_line(m) for m in digest.minutes]))
    blocks: list[Block] = [header(f"{digest.consortium}: {title}"), section(escape(summary))]
    for number, part in enumerate(sections):
        if number:
            blocks.append(DividerBlock())
        blocks += part
    parts = pages(blocks)
    messages = []
    for number, page in enumerate(parts, start=1):
        text = summary if number == 1 else f"{summary} (part {number} of {len(parts)})"
        messages.append(Message(text=escape(text), blocks=as_dicts(page)))
    return messages
