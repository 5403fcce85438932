"""A catalogue entry: one slash command usage, its example, its topic and who may use it."""

from __future__ import annotations

import re
from dataclasses import dataclass

CONSORTIUM_COMMAND = "/consortium"
MEETING_COMMAND = "/meeting"
UPDATE_COMMAND = "/update"
ROUND_COMMAND = "/round"
DIGEST_COMMAND = "/digest"
ACTION_COMMAND = "/action"

# In a catalogue phrase (`subscribe reset @`), the place of a member: a mention, `@name` or
# a Slack user ID (`U0PT`, `W012AB3CD`: U or W, then capitals and at least one digit).
MEMBER_WORD = "@"
SLACK_USER_ID = re.compile(r"[UW](?=[A-Z]*[0-9])[A-Z0-9]{2,}")

# The topics of `/consortium help <topic>`, in the order help names them, with their titles.
TOPICS = {
    "meetings": "Meetings",
    "updates": "Country updates and the digest",
    "rounds": "Collection rounds",
    "actions": "Minutes and action items",
    "settings": "You and your settings",
    "admin": "Running the bot",
}
# The topic an entry goes under unless it names another: its command's.
COMMAND_TOPICS = {
    CONSORTIUM_COMMAND: "settings",
    MEETING_COMMAND: "meetings",
    UPDATE_COMMAND: "updates",
    ROUND_COMMAND: "rounds",
    DIGEST_COMMAND: "updates",
    ACTION_COMMAND: "actions",
}


@dataclass(frozen=True)
class CommandHelp:
    command: str
    usage: str
    summary: str
    example: str
    coordinators_only: bool = False
    # The first words of the command's text that select this entry ("" for no text at all; a
    # phrase of several words, `@` for a member, selects by its words), and what the door
    # tells others: "Only coordinators can <refusal>."
    words: tuple[str, ...] = ()
    refusal: str = ""
    # The `/consortium help <topic>` that lists it ("": its command's, `COMMAND_TOPICS`).
    topic: str = ""
    # Its line in the short `/consortium help`, for the few things done most ("": not there).
    most_used: str = ""

    def __post_init__(self) -> None:
        if not self.topic:
            object.__setattr__(self, "topic", COMMAND_TOPICS[self.command])
        if self.topic not in TOPICS:
            raise ValueError(f"{self.usage}: no help topic {self.topic!r}")

    @property
    def subcommand(self) -> str:
        """The word after the command that names this entry (`move`), or "" when the usage
        goes on with a value or nothing (`/update`, `/update <text>`)."""
        after = self.usage.split()[1:2]
        word = after[0] if after else ""
        return "" if word[:1] in ("<", "[", '"') else word
