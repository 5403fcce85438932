"""Help built from the command catalogue, and nothing else: the short `/consortium help` (the
few things done most, by role), each topic's full help, and what a mistyped command shows:
the usage of that one command, or its short list of subcommand words and where to read more.
"""

from __future__ import annotations

import functools

from slack_sdk.models.blocks import Block

from bot.core import ids
from bot.core.blocks import Message, as_dicts, context, header, section, section_texts
from bot.core.catalogue import (
    COMMAND_TOPICS,
    COMMANDS,
    CONSORTIUM_COMMAND,
    TOPICS,
    CommandHelp,
    subcommands,
    usage_entry,
)
from bot.core.mrkdwn import escape
from scheduling.language.words import suggest

HELP = f"{CONSORTIUM_COMMAND} help"
# Other words for a topic: the commands' own names, and the singular.
TOPIC_ALIASES = {
    "meeting": "meetings",
    "update": "updates",
    "digest": "updates",
    "round": "rounds",
    "action": "actions",
    "minutes": "actions",
    "setting": "settings",
    "consortium": "settings",
    "me": "settings",
    "coordinator": "admin",
    "coordinators": "admin",
}


def _short_name(entry: CommandHelp) -> str:
    """The usage up to its first value: `/consortium remind me`, `/round open`."""
    words = []
    for word in entry.usage.split():
        if word[:1] in ("<", "[", '"') or "|" in word:
            break
        words.append(word)
    return " ".join(words)


def _topics_for(coordinator: bool, commands: tuple[CommandHelp, ...]) -> list[str]:
    """The topics worth naming to the reader: a topic of coordinators' commands only is not
    named to the others."""
    return [
        topic
        for topic in TOPICS
        if coordinator or any(e.topic == topic and not e.coordinators_only for e in commands)
    ]


@functools.lru_cache(maxsize=16)
def help_message(
    consortium_name: str, *, coordinator: bool, commands: tuple[CommandHelp, ...] = COMMANDS
) -> Message:
    """The short help: one line and an example for each thing done most, everyone's first and
    then (for coordinators) theirs, and the topics that list the rest."""
    order = list(TOPICS)
    shown = sorted((e for e in commands if e.most_used), key=lambda e: order.index(e.topic))
    groups = [("Everyone", [e for e in shown if not e.coordinators_only])]
    if coordinator:
        groups.append(("Coordinators", [e for e in shown if e.coordinators_only]))
    blocks: list[Block] = [header(f"{consortium_name} bot: what you can do")]
    for index, (title, entries) in enumerate(groups):
        lines = [f"• {escape(e.most_used)}: `{escape(e.example)}`" for e in entries]
        blocks.append(section(f"*{title}*\n" + "\n".join(lines), f"{ids.HELP_BLOCK}{index}"))
    topics = _topics_for(coordinator, commands)
    blocks.append(
        context(
            f"More, with examples: `{HELP} {topics[0]}` · "
            + " · ".join(f"`help {topic}`" for topic in topics[1:])
        )
    )
    names = dict.fromkeys(_short_name(e) for _, entries in groups for e in entries)
    text = f"{consortium_name} bot: {', '.join(names)}. For the rest: {HELP} {' | '.join(topics)}."
    return Message(text=escape(text), blocks=as_dicts(blocks))


def find_topic(word: str) -> str | None:
    """The topic a word names (`meetings`, `meeting`, `/round`), if any."""
    word = word.lower().lstrip("/")
    return word if word in TOPICS else TOPIC_ALIASES.get(word)


@functools.lru_cache(maxsize=16)
def topic_help_message(topic: str, commands: tuple[CommandHelp, ...] = COMMANDS) -> Message:
    """Every command of one topic with its usage, what it does and an example."""
    entries = [e for e in commands if e.topic == topic]
    blocks: list[Block] = [header(f"{TOPICS[topic]}: every command")]
    for index, entry in enumerate(entries):
        who = " _(coordinators)_" if entry.coordinators_only else ""
        text = (
            f"`{escape(entry.usage)}`{who}\n{escape(entry.summary)}\ne.g. `{escape(entry.example)}`"
        )
        for part, chunk in enumerate(section_texts(text)):
            blocks.append(section(chunk, f"{ids.HELP_BLOCK}{topic}-{index}-{part}"))
    others = " · ".join(f"`help {other}`" for other in TOPICS if other != topic)
    blocks.append(context(f"The commands used most: `{HELP}`. Other topics: {others}"))
    names = ", ".join(dict.fromkeys(_short_name(e) for e in entries))
    return Message(text=escape(f"{TOPICS[topic]}: {names}"), blocks=as_dicts(blocks))


def unknown_topic_message(word: str) -> Message:
    close = suggest(word, [*TOPICS, *TOPIC_ALIASES], cutoff=0.6)
    hint = f" Did you mean `{HELP} {find_topic(close)}`?" if close else ""
    topics = ", ".join(TOPICS)
    text = f"I have no help on '{word}'.{hint} The topics: {topics}; `{HELP}` alone for the commands used most."
    return Message(text=escape(text), blocks=as_dicts([section(escape(text))]))


def usage_message(reason: str, command: str, subcommand: str) -> Message:
    """An error about `/command subcommand`, with that command's usage and example only; for
    no subcommand the catalogue knows, the command's subcommand words instead."""
    entry = usage_entry(command, subcommand)
    reason = reason.rstrip(".")
    if entry is None:
        return _with_subcommands(f"{reason}.", command)
    text = escape(f"{reason}. Usage: {entry.usage}")
    blocks = [
        section(
            f"{escape(reason)}.\n*Usage:* `{escape(entry.usage)}`\n"
            f"*Example:* `{escape(entry.example)}`"
        )
    ]
    return Message(text=text, blocks=as_dicts(blocks))


def unknown_subcommand_message(command: str, word: str) -> Message:
    """`/meeting shedule`: did you mean, the words the command takes, and its topic's help."""
    first = word.split()[0] if word.split() else word
    close = suggest(first, subcommands(command))
    hint = f" Did you mean `{command} {close}`?" if close else ""
    return _with_subcommands(f"I don't know `{command} {first}`.{hint}", command)


def _with_subcommands(opening: str, command: str) -> Message:
    words = subcommands(command)
    topic = COMMAND_TOPICS[command]
    takes = f"{command} takes: {', '.join(words)}." if words else ""
    parts = (opening, takes, f"Each with an example: {HELP} {topic}.")
    text = " ".join(part for part in parts if part)
    lines = [escape(opening)]
    if words:
        lines.append(f"`{command}` takes: " + " · ".join(f"`{w}`" for w in words))
    lines.append(f"Each with an example: `{HELP} {topic}`")
    return Message(text=escape(text), blocks=as_dicts([section("\n".join(lines))]))
