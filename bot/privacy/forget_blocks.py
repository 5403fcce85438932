"""Block Kit builders of erasing a member: the confirmation that says exactly what goes, the
answer once it is done, and the choice when a name fits several members."""

from __future__ import annotations

import json

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ConfirmObject,
    PlainTextObject,
    SectionBlock,
)

from bot.core import ids
from bot.core.blocks import MAX_OPTION_TEXT, Message, as_dicts, context, section
from bot.core.mrkdwn import escape, truncate
from scheduling.consortium.directory import MemberProfile
from scheduling.privacy.erasure import ErasureDone, ErasurePlan

MAX_CANDIDATES = 10
FILE_NOTE = (
    "Also remove them from the consortium file: the next import would add them back as a new"
    " member, with none of the old data."
)


def _plural(count: int, one: str, many: str | None = None) -> str:
    return f"{count} {one if count == 1 else (many or one + 's')}"


def removed_lines(plan: ErasurePlan) -> list[str]:
    """What erasing removes or rewrites, a line a kind (plain text, escaped by the caller)."""
    found = plan.footprint
    former = plan.former
    lines = ["their profile, settings, e-mail address, countries and roles"]
    kinds = (
        (found.rsvps, "RSVP", None, "deleted"),
        (found.attendance, "attendance row", None, "deleted"),
        (
            found.deliveries,
            "record of a message sent to them",
            "records of messages sent to them",
            "deleted",
        ),
        (found.feed_links, "personal calendar feed link", None, "revoked"),
        (found.days_away, "period of days away", "periods of days away", "deleted"),
        (found.updates, "update they wrote", "updates they wrote", f"kept, by “{former}”"),
        (found.revisions, "revision they made", "revisions they made", f"kept, by “{former}”"),
        (
            found.actions,
            "action item of theirs",
            "action items of theirs",
            f"kept, as “{former}”'s",
        ),
        (
            found.other,
            "other record that names them (topic, support, agenda, link, meeting or round)",
            "other records that name them (topics, supports, agendas, links, meetings, rounds)",
            f"kept, naming “{former}”",
        ),
    )
    lines += [f"{_plural(n, one, many)}: {what}" for n, one, many, what in kinds if n]
    return lines


def forget_confirmation(plan: ErasurePlan) -> Message:
    """Asked before a member is erased: what goes, that it cannot be undone, and the
    consortium file; Erase (with Slack's own confirmation dialog) and Cancel."""
    who = f"{plan.name} ({', '.join(plan.country_codes) or 'no country'})"
    question = f"Erase the personal data of {who}?"
    lines = "\n".join(f"• {escape(line)}" for line in removed_lines(plan))
    value = json.dumps({"m": plan.slack_id})
    blocks: list[Block] = [
        section(f"*{escape(question)}* This cannot be undone. What goes:\n{lines}"),
        section(
            escape(
                f"Their country's record stays: updates keep their text and country. {FILE_NOTE}"
            )
        ),
        ActionsBlock(
            block_id="forget-confirm",
            elements=[
                ButtonElement(
                    text=truncate(f"Erase {plan.name}", MAX_OPTION_TEXT),
                    action_id=ids.FORGET_ERASE,
                    value=value,
                    style="danger",
                    confirm=ConfirmObject(
                        title="Erase for good?",
                        text=PlainTextObject(
                            text=truncate(
                                f"Everything the bot holds about {plan.name} is removed now, "
                                "in one go. This cannot be undone.",
                                300,
                            )
                        ),
                        confirm="Erase",
                        deny="Keep",
                        style="danger",
                    ),
                ),
                ButtonElement(text="Cancel", action_id=ids.FORGET_CANCEL, value=value),
            ],
        ),
        context("Nothing happens until you press Erase and confirm."),
    ]
    text = escape(f"{question} This cannot be undone. {FILE_NOTE}")
    return Message(text=text, blocks=as_dicts(blocks))


def erased_message(done: ErasureDone) -> Message:
    """The answer once the member is erased: what was done, and what is left to do."""
    plan = done.plan
    lines = "\n".join(f"• {escape(line)}" for line in removed_lines(plan))
    said = (
        f"Erased {plan.name}'s personal data (erasure #{done.erasure_id}, recorded with their "
        f"countries only). Their records now name “{plan.former}”."
    )
    blocks: list[Block] = [section(f"*{escape(said)}*\n{lines}"), section(escape(FILE_NOTE))]
    if done.updates_written:
        blocks.append(context("The cards of their updates in Slack are being redrawn to say so."))
    return Message(text=escape(f"{said} {FILE_NOTE}"), blocks=as_dicts(blocks))


def kept_message() -> Message:
    text = "Cancelled: nothing was erased."
    return Message(text=text, blocks=as_dicts([section(text)]))


def choose_member(question: str, candidates: tuple[MemberProfile, ...]) -> Message:
    """A name that fits several members: each with a button that asks to confirm."""
    blocks: list[Block] = [section(f"*{escape(question)}*")]
    for profile in candidates[:MAX_CANDIDATES]:
        countries = ", ".join(c.code for c in profile.countries) or "no country"
        blocks.append(
            SectionBlock(
                text=f"{escape(profile.name)} · {escape(countries)}",
                accessory=ButtonElement(
                    text=truncate(f"Choose {profile.name}", MAX_OPTION_TEXT),
                    action_id=ids.FORGET_PICK,
                    value=json.dumps({"m": profile.slack_id}),
                ),
            )
        )
    blocks.append(context("Choosing only shows what would be erased; nothing happens yet."))
    return Message(text=escape(question), blocks=as_dicts(blocks))
