"""Block Kit builders for collection rounds: the request in a DM, the round's status, the
confirmation and Undo of closing one, and the choice among open rounds when none was named."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date

from slack_sdk.models.blocks import ActionsBlock, Block, ButtonElement, SectionBlock

from bot.core import ids
from bot.core.blocks import (
    MAX_OPTION_TEXT,
    Message,
    as_dicts,
    context,
    header,
    plain_message,
    section,
    section_texts,
)
from bot.core.mrkdwn import date_token, escape, truncate
from scheduling.consortium.directory import CountryRef
from scheduling.delivery.notices import NudgeFacts
from scheduling.language.dates import short_date
from scheduling.nudges.rules import NUDGE_TIME, NudgeRule
from scheduling.nudges.service import NudgeSettings
from scheduling.undo import UNDO_WINDOW, undo_until
from scheduling.updates.rounds import RoundRequests
from scheduling.updates.views import CountryStatus, RoundStatus, RoundView
from scheduling.workdays.hours import zone_of

MAX_CODES_SHOWN = 8  # missing countries named in a confirmation before "…"
MAX_CHOICES = 10
MAX_AWAY_SHOWN = 3  # members away named on a country's line
# What a choice among open rounds does, by the action the command asked for.
CHOICE_VERBS = {"close": "Close", "remind": "Remind", "export": "Export"}


def round_request(
    round_: RoundView, country: CountryRef, reminder: bool, nudge: NudgeFacts | None = None
) -> Message:
    """The DM asking a country's partners for their update, with a button to the form; a
    nudge says how far the due date is in the country's own working days."""
    lead = "Reminder: " if reminder else ""
    text = escape(
        nudge_text(round_, country, nudge)
        if nudge is not None
        else f"{lead}{round_.title}: please post the update for {country.name} by "
        f"{short_date(round_.due_on)}."
    )
    blocks: list[Block] = [
        section(text),
        ActionsBlock(
            elements=[
                ButtonElement(
                    text="Submit update",
                    action_id=ids.ROUND_SUBMIT,
                    value=json.dumps({"round": round_.id, "country": country.code}),
                    style="primary",
                )
            ]
        ),
        context(
            "Or type `/update` any time. Sections: achievements, challenges, planned objectives and actions, needs, events."
        ),
    ]
    return Message(text=text, blocks=as_dicts(blocks))


def nudge_text(round_: RoundView, country: CountryRef, nudge: NudgeFacts) -> str:
    """`A reminder: Portugal's update for “Q2” is due Fri 7 May 2027 — 3 working days left
    in Portugal.` (or `is due today`, or `was due …, 2 days ago`); unescaped."""
    due, today = round_.due_on, nudge.today
    lead = f"A reminder: {country.name}'s update for “{round_.title}”"
    if today > due:
        ago = (today - due).days
        return f"{lead} was due {short_date(due)}, {ago} day{'s' if ago != 1 else ''} ago."
    if today == due:
        return f"{lead} is due today, {short_date(due)}."
    left = nudge.working_days_left
    days = "no working day" if left == 0 else f"{left} working day{'s' if left != 1 else ''}"
    return f"{lead} is due {short_date(due)} — {days} left in {country.name}."


def unlisted_note(codes: Sequence[str], lead: str = "") -> str:
    """`; no member listed for CZ, FR in the consortium file`, or nothing when there are none."""
    if not codes:
        return ""
    return f"{lead}no member listed for {', '.join(codes)} in the consortium file"


def round_status_message(status: RoundStatus, today: date) -> Message:
    """One line a country (submitted, late or missing), under how far the round has got."""
    round_ = status.round
    away = {row.country.code for row in status.away}
    lines = []
    for row in status.countries:
        when = f" {row.submitted_on:%Y-%m-%d}" if row.submitted_on else ""
        extra = f" ({row.updates} updates)" if row.updates > 1 else ""
        if row.submitted_at is None and not row.listed:
            extra = " · no member listed"
        state = "away" if row.country.code in away else row.state
        extra += calendar_note(status, row, today)
        lines.append(f"{row.country.flag} {escape(row.country.name)}: *{state}*{when}{extra}")
    state = "closed" if round_.closed else ("overdue" if today > round_.due_on else "open")
    submitted = sum(1 for r in status.countries if r.submitted_at)
    heading = (
        f"#{round_.id} {escape(round_.title)} · due {round_.due_on:%Y-%m-%d} · {state} · "
        f"{submitted} of {len(status.countries)} countries submitted"
        f"{f' · {len(away)} away' if away else ''}"
    )
    blocks: list[Block] = [header(f"Round: {round_.title}"), section(heading)]
    if status.calendar is not None and not round_.closed:
        calendar = status.calendar
        blocks.append(context(escape(nudge_rules_words(calendar.rules, calendar.own_rules))))
        blocks.append(context(escape(next_nudge_words(calendar.paused, calendar.next_day))))
    blocks += [section(chunk) for chunk in section_texts("\n".join(lines))] if lines else []
    codes = [r.country.code for r in status.unlisted]
    if codes:
        note = unlisted_note(codes)
        blocks.append(context(f"{note[:1].upper()}{note[1:]}, so nobody there can be asked."))
    missing = ", ".join(r.country.name for r in status.missing) or "none"
    gone = ", ".join(r.country.name for r in status.away)
    text = escape(
        f"{round_.title}: {submitted} of {len(status.countries)} submitted; missing: {missing}"
        f"{f'; away: {gone}' if gone else ''}{unlisted_note(codes, '; ')}"
    )
    return Message(text=text, blocks=as_dicts(blocks))


def calendar_note(status: RoundStatus, row: CountryStatus, today: date) -> str:
    """` · 3 working days left · Greek partner away until Fri 20 Aug` for a country that has
    not answered an open round (its own working days, its asked members away, its members
    all deactivated in Slack)."""
    country = status.calendar.countries.get(row.country.code) if status.calendar else None
    if country is None or row.submitted_at is not None or status.round.closed:
        return ""
    note = ""
    if today <= status.round.due_on:
        left = country.days_left
        note = f" · {left} working day{'' if left == 1 else 's'} left"
    for member in country.away[:MAX_AWAY_SHOWN]:
        until = f"{member.last:%a} {member.last.day} {member.last:%b}"
        since = f"{member.first:%a} {member.first.day} {member.first:%b}"
        when = f"until {until}" if member.first <= today else f"from {since} to {until}"
        note += f" · {escape(member.name)} away {when}"
    if country.deactivated:
        who = escape(", ".join(country.deactivated))
        only = "its only member" if len(country.deactivated) == 1 else "all its members"
        note += f" · {only}, {who}, deactivated in Slack: nobody there gets a DM"
    return note


def nudge_rules_words(rules: Sequence[NudgeRule], own: bool) -> str:
    """`Nudges: 5 working days before, 1 day after (the consortium's default)`."""
    if not rules:
        return "Nudges: off."
    whose = "" if own else " (the consortium's default)"
    return f"Nudges: {', '.join(str(rule) for rule in rules)}{whose}."


def next_nudge_words(paused: bool, day: date | None) -> str:
    """`Next nudge: Mon 26 Apr 2027, 09:30 in each member's own zone`, or why there is none."""
    if paused:
        return "Nudges are paused."
    if day is None:
        return "No nudges left."
    return f"Next nudge: {short_date(day)}, {NUDGE_TIME:%H:%M} in each member's own zone."


def nudges_message(settings: NudgeSettings) -> Message:
    """The answer to `/round nudges`: what changed, the rules and when the next nudge is."""
    name = _round_name(settings.round)
    did = {
        "pause": f"Paused the nudges of {name}.",
        "resume": f"Resumed the nudges of {name}.",
        "off": f"Turned off the nudges of {name}.",
        "set": f"Set the nudges of {name}.",
    }.get(settings.changed, f"The nudges of {name}.")
    rules = nudge_rules_words(settings.rules, settings.own_rules)
    after = next_nudge_words(settings.paused, settings.next_day)
    if settings.paused:
        after += f" `/round nudges {settings.round.id} resume` starts them again."
    return plain_message(f"{did[:1].upper()}{did[1:]} {rules} {after}")


def _round_name(round_: RoundView) -> str:
    return f"round #{round_.id} “{round_.title}”"


def close_confirmation(status: RoundStatus) -> Message:
    """Asked before a round is closed: who has not answered (and no longer can), with Close
    and Keep buttons. Only Close acts."""
    round_ = status.round
    missing = [row.country.code for row in status.missing]
    total = len(status.countries)
    codes = ", ".join(missing[:MAX_CODES_SHOWN]) + (", …" if len(missing) > MAX_CODES_SHOWN else "")
    if missing:
        answered = (
            f"{len(missing)} of {total} countries have not answered ({codes}); "
            "they can no longer submit."
        )
    else:
        answered = f"All {total} countries have answered."
    question = f"Close {_round_name(round_)}?"
    minutes = int(UNDO_WINDOW.total_seconds() // 60)
    blocks: list[Block] = [
        section(f"*{escape(question)}* {escape(answered)}"),
        ActionsBlock(
            block_id="round-close-confirm",
            elements=[
                ButtonElement(
                    text="Close the round",
                    action_id=ids.ROUND_CLOSE_CONFIRM,
                    value=json.dumps({"r": round_.id}),
                    style="danger",
                ),
                ButtonElement(
                    text="Keep it open",
                    action_id=ids.ROUND_CLOSE_KEEP,
                    value=json.dumps({"r": round_.id}),
                ),
            ],
        ),
        context(
            f"Nothing happens until you press a button; after it, Undo works for {minutes} minutes."
        ),
    ]
    return Message(text=escape(f"{question} {answered}"), blocks=as_dicts(blocks))


def round_closed_message(round_: RoundView, zone: str) -> Message:
    """A round closed, with an Undo button for as long as it may be reopened."""
    text = escape(f"Closed {_round_name(round_)}.")
    blocks: list[Block] = [section(text)]
    if round_.closed_at is not None:
        value = json.dumps({"r": round_.id, "v": round_.version})
        until = date_token(undo_until(round_.closed_at), zone, "{time}")
        blocks.append(
            ActionsBlock(
                block_id="round-close-undo",
                elements=[ButtonElement(text="Undo", action_id=ids.ROUND_CLOSE_UNDO, value=value)],
            )
        )
        blocks.append(context(f"Undo reopens it, with its answers, until {until}."))
    return Message(text=text, blocks=as_dicts(blocks))


def round_choices(action: str, rounds: Sequence[RoundView], format_name: str = "md") -> Message:
    """`/round close|remind|export` without a round while several are open: each open round
    with a button that goes on with it (closing still asks first)."""
    verb = CHOICE_VERBS.get(action, action.capitalize())
    question = f"{len(rounds)} rounds are open: which one do you want to {verb.lower()}?"
    blocks: list[Block] = [section(f"*{escape(question)}*")]
    for round_ in rounds[:MAX_CHOICES]:
        value = json.dumps({"r": round_.id, "a": action, "f": format_name})
        blocks.append(
            SectionBlock(
                text=truncate(
                    f"*#{round_.id}* {escape(round_.title)} · due {round_.due_on:%Y-%m-%d}", 3000
                ),
                accessory=ButtonElement(
                    text=truncate(f"{verb} #{round_.id} {round_.title}", MAX_OPTION_TEXT),
                    action_id=ids.ROUND_PICK,
                    value=value,
                ),
            )
        )
    blocks.append(context(f"Or type the number: `/round {escape(action)} &lt;id&gt;`."))
    text = question + " " + "; ".join(f"#{r.id} {r.title}" for r in rounds[:MAX_CHOICES])
    return Message(text=escape(truncate(text, 3000)), blocks=as_dicts(blocks))


def reminded_message(requests: RoundRequests) -> Message:
    """The answer to a reminder (`/round remind`, the Home tab's Remind): whom it asks."""
    title = requests.round.title
    if not requests.countries:
        return plain_message(f"Every country has answered “{title}”; nobody to remind.")
    if not requests.asked:
        return plain_message(
            f"Nobody to remind for “{title}”{unlisted_note(requests.unlisted, ': ')}."
        )
    codes = [request.country.code for request in requests.asked]
    countries = "country" if len(codes) == 1 else "countries"
    return plain_message(
        f"Reminding {len(codes)} {countries} of “{title}”: {', '.join(codes)}"
        f"{unlisted_note(requests.unlisted, '; ')}.{waiting_note(requests)}"
    )


MAX_WAITING_NAMED = 3


def waiting_note(requests: RoundRequests) -> str:
    """` Turkish partner gets it Tue 8 Dec 08:00 their time …`: the DMs that wait for their
    member's working day and hours (quiet hours), the first few by name."""
    waiting = requests.waiting
    if not waiting:
        return ""
    named = [
        f"{escape(w.name)} at {short_date(local.date())} {local:%H:%M} their time"
        for w in waiting[:MAX_WAITING_NAMED]
        if (local := w.until.astimezone(zone_of(w.zone)))
    ]
    more = len(waiting) - len(named)
    also = f" and {more} more at their next working morning" if more else ""
    who = "It waits" if len(waiting) == 1 else "Some wait"
    return f" {who} for a working day and hours where they are: {', '.join(named)}{also}."
