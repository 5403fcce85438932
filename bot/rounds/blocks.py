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
from scheduling.undo import UNDO_WINDOW, undo_until
from scheduling.updates.rounds import RoundRequests
from scheduling.updates.views import RoundStatus, RoundView

MAX_CODES_SHOWN = 8  # missing countries named in a confirmation before "…"
MAX_CHOICES = 10
# What a choice among open rounds does, by the action the command asked for.
CHOICE_VERBS = {"close": "Close", "remind": "Remind", "export": "Export"}


def round_request(round_: RoundView, country: CountryRef, reminder: bool) -> Message:
    """The DM asking a country's partners for their update, with a button to the form."""
    lead = "Reminder: " if reminder else ""
    text = escape(
        f"{lead}{round_.title}: please post the update for {country.name} by {round_.due_on:%a} "
        f"{round_.due_on.day} {round_.due_on:%b %Y}."
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


def unlisted_note(codes: Sequence[str], lead: str = "") -> str:
    """`; no member listed for CZ, FR in the consortium file`, or nothing when there are none."""
    if not codes:
        return ""
    return f"{lead}no member listed for {', '.join(codes)} in the consortium file"


def round_status_message(status: RoundStatus, today: date) -> Message:
    """One line a country (submitted, late or missing), under how far the round has got."""
    round_ = status.round
    lines = []
    for row in status.countries:
        when = f" {row.submitted_on:%Y-%m-%d}" if row.submitted_on else ""
        extra = f" ({row.updates} updates)" if row.updates > 1 else ""
        if row.submitted_at is None and not row.listed:
            extra = " · no member listed"
        lines.append(f"{row.country.flag} {escape(row.country.name)}: *{row.state}*{when}{extra}")
    state = "closed" if round_.closed else ("overdue" if today > round_.due_on else "open")
    submitted = sum(1 for r in status.countries if r.submitted_at)
    heading = (
        f"#{round_.id} {escape(round_.title)} · due {round_.due_on:%Y-%m-%d} · {state} · "
        f"{submitted} of {len(status.countries)} countries submitted"
    )
    blocks: list[Block] = [header(f"Round: {round_.title}"), section(heading)]
    blocks += [section(chunk) for chunk in section_texts("\n".join(lines))] if lines else []
    codes = [r.country.code for r in status.unlisted]
    if codes:
        note = unlisted_note(codes)
        blocks.append(context(f"{note[:1].upper()}{note[1:]}, so nobody there can be asked."))
    missing = ", ".join(r.country.name for r in status.missing) or "none"
    text = escape(
        f"{round_.title}: {submitted} of {len(status.countries)} submitted; missing: {missing}"
        f"{unlisted_note(codes, '; ')}"
    )
    return Message(text=text, blocks=as_dicts(blocks))


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


def waiting_note(requests: RoundRequests) -> str:
    """` 3 members are outside their working hours …`: the DMs that wait (quiet hours)."""
    count = len(requests.waiting)
    if not count:
        return ""
    who = "1 member is" if count == 1 else f"{count} members are"
    return (
        f" {who} outside their working hours (a weekend, a holiday, days away or the night "
        "where they are); they get it at their next working "
        "morning."
    )
