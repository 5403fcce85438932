"""Block Kit for `/consortium my-data`: the ack, the readable summary posted next to the
file, and what the member reads when the file could not be sent.

The summary stays within Slack's limits by construction: one section and one context per
part that holds something (a fixed number of parts, so at most 2 x 18 + 4 blocks), each
section naming at most `LATEST_SHOWN` records of one short line each.
"""

from __future__ import annotations

from slack_sdk.models.blocks import Block

from bot.core.blocks import Message, as_dicts, context, header, section
from bot.core.mrkdwn import date_token, escape, truncate
from scheduling.privacy.record import FORMAT_VERSION, Part, PersonalData

COMMAND = "/consortium my-data"
LINE_LENGTH = 150  # one record's line in the summary, before escaping


def on_its_way_message() -> Message:
    text = (
        "Your data is on its way: a JSON file with everything the bot holds about you, and a "
        "summary, will be in your direct messages with me in a moment."
    )
    return Message(text=text, blocks=as_dicts([section(text)]))


def summary_message(data: PersonalData, timezone: str) -> Message:
    """What the member reads beside their file: counts per part, the latest few records of
    each, and why each is held."""
    name = escape(data.consortium or "the consortium")
    generated = data.generated_at
    blocks: list[Block] = [
        header(f"Your data held by the {data.consortium or 'consortium'} bot"),
        section(
            f"As of {date_token(generated, timezone)}. The file above "
            f"(`{escape(data.filename)}`, JSON, format version {FORMAT_VERSION}) holds all of "
            "it; here are the counts and the latest of each kind, and why the bot holds it."
        ),
    ]
    empty: list[str] = []
    for part in data.all_parts:
        if not part.records:
            empty.append(part.title)
            continue
        blocks.append(section(_part_text(part)))
        blocks.append(context(f"_Why:_ {escape(part.purpose)}"))
    if empty:
        blocks.append(context(escape("Nothing held: " + ", ".join(empty) + ".")))
    blocks.append(
        context(
            f"You can ask again at any time with `{COMMAND}`. To have something corrected or "
            f"erased, ask a coordinator of {name}."
        )
    )
    return Message(text=escape(_summary_text(data)), blocks=as_dicts(blocks))


def _part_text(part: Part) -> str:
    count = len(part.records)
    title = f"*{escape(part.title)}*" + (f" ({count})" if part.key not in _SINGLE else "")
    lines = [f"• {escape(truncate(record.line, LINE_LENGTH))}" for record in part.latest()]
    more = count - len(lines)
    if more > 0:
        lines.append(f"_…and {more} more in the file_")
    return "\n".join([title, *lines])


# The parts that are one record, not a list: no count is shown for them.
_SINGLE = frozenset({"profile", "settings"})


def _summary_text(data: PersonalData) -> str:
    counts = [f"{part.title}: {len(part.records)}" for part in data.parts if part.records]
    held = "; ".join(counts) if counts else "your profile and settings only"
    return (
        f"Your data held by the {data.consortium or 'consortium'} bot, as of "
        f"{data.generated_at:%Y-%m-%d %H:%M} UTC. {held}. The JSON file holds all of it."
    )


def not_sent_message(reason: str) -> Message:
    """The file could not be sent: nothing was changed, and asking again is safe."""
    return Message(
        text=escape(
            f"Your data could not be sent to you: {reason}. Nothing was changed; "
            f"ask again with {COMMAND} in a while."
        ),
        blocks=as_dicts(
            [
                section(
                    f"Your data could not be sent to you: {escape(reason)}.\nNothing was "
                    f"changed; ask again with `{COMMAND}` in a while."
                )
            ]
        ),
    )
