"""Block Kit builders for collection rounds: the request in a DM, and the round's status."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date

from slack_sdk.models.blocks import ActionsBlock, Block, ButtonElement

from bot.core import ids
from bot.core.blocks import Message, as_dicts, context, header, section, section_texts
from bot.core.mrkdwn import escape
from scheduling.consortium.directory import CountryRef
from scheduling.updates.views import RoundStatus, RoundView


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
