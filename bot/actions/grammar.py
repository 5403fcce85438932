"""The `/action` command language and `/meeting minutes`, read into plain values."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from bot.core import ids
from bot.core.mrkdwn import unescape
from scheduling.actions.items import Assignee
from scheduling.actions.minutes import LINK_KINDS
from scheduling.errors import FieldError
from scheduling.language.dates import already_past, read_date
from scheduling.language.phrases import cut
from scheduling.language.words import Word, split_words
from scheduling.vocabulary import VocabularyError

SUBCOMMANDS = ("add", "list", "done", "help")
# `<@U0PT|name>` as Slack escapes a mention, or `<@U0PT>`.
_MENTION = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^>]*)?>")
_URL = re.compile(r"<(https?://[^|>]+)(?:\|[^>]*)?>")


class ActionGrammarError(ValueError):
    """The text could not be read: why, and the subcommand whose usage the reply shows (or
    `unknown`, the first word, when it names none)."""

    def __init__(self, reason: str, subcommand: str = "", unknown: str | None = None) -> None:
        super().__init__(reason)
        self.subcommand = subcommand
        self.unknown = unknown


@dataclass(frozen=True)
class AddAction:
    assignee: Assignee
    text: str
    due: date | None = None
    meeting_id: int | None = None


@dataclass(frozen=True)
class ListActions:
    scope: str = ""


@dataclass(frozen=True)
class DoneAction:
    item_id: int
    note: str = ""


@dataclass(frozen=True)
class ActionHelp:
    pass


ActionCommand = AddAction | ListActions | DoneAction | ActionHelp


@dataclass(frozen=True)
class AddMinutes:
    meeting_id: int
    url: str
    kind: str = "minutes"
    on: date | None = None


def _words(text: str, subcommand: str = "") -> list[Word]:
    # Mentions and links as Slack escapes them are one word each, whatever their label.
    plain = _URL.sub(r"\1", _MENTION.sub(r"@\1", text))
    try:
        return split_words(unescape(plain))
    except FieldError as error:
        raise ActionGrammarError(str(error), subcommand) from None


def parse_action_command(text: str, today: date) -> ActionCommand:
    """Read an `/action` line; relative due dates (`in 3 weeks`) count from `today`."""
    first = text.split()[0].lower() if text.split() else ""
    words = _words(text, first if first in SUBCOMMANDS else "")
    if not words or words[0].lower() == "help":
        return ActionHelp()
    word, rest = words[0].lower(), words[1:]
    if word == "add":
        return _add(rest, today)
    if word == "list":
        return ListActions(" ".join(rest))
    if word == "done":
        item_id = ids.record_id(rest[0]) if rest else None
        if item_id is None:
            raise ActionGrammarError(
                "say the number of the action, e.g. `/action done 3`; `/action list` numbers them",
                "done",
            )
        return DoneAction(item_id, " ".join(rest[1:]))
    # The word as typed: the reply names it and suggests the closest subcommand itself.
    raise ActionGrammarError(f"I don't know {words[0]!r}", unknown=str(words[0]))


def _add(rest: list[Word], today: date) -> AddAction:
    if len(rest) < 2:
        raise ActionGrammarError(
            'say whom and what: `/action add PT "Send the draft" due 19 Jan`', "add"
        )
    who = str(rest[0])
    assignee = (
        Assignee(member_id=who[1:]) if who.startswith("@") and len(who) > 2 else Assignee(who)
    )
    later = [i for i, w in enumerate(rest) if w.lower() in ("due", "for") and not w.quoted]
    start = next((i for i in later if i > 1), len(rest))
    text = " ".join(rest[1:start])
    due = None
    meeting_id = None
    for part in cut(rest[start:], ("due", "for")):
        if part.keyword == "due":
            try:
                due = read_date(part.text, today, "due date").day
            except VocabularyError as error:
                raise ActionGrammarError(str(error), "add") from None
        else:
            words = [w.lower() for w in part.words]
            if words[:1] == ["meeting"]:
                words = words[1:]
            meeting_id = ids.record_id(words[0]) if len(words) == 1 else None
            if meeting_id is None:
                raise ActionGrammarError("say `for meeting <id>`, e.g. for meeting 1", "add")
    return AddAction(assignee, text, due, meeting_id)


def parse_minutes(text: str, today: date) -> AddMinutes:
    """`<id> [on DATE] <url> [minutes|notes|recording|slides]`, the words after `minutes`."""
    words = _words(text, "minutes")
    meeting_id = ids.record_id(words[0]) if words else None
    if meeting_id is None:
        raise ActionGrammarError(
            "say the meeting's number and the link, e.g. "
            "`/meeting minutes 1 https://share.example/minutes`",
            "minutes",
        )
    rest = words[1:]
    url_at = next((i for i, w in enumerate(rest) if "://" in w), None)
    if url_at is None:
        raise ActionGrammarError(
            "say the link to the minutes, e.g. https://share.example/minutes", "minutes"
        )
    on = None
    before = [w for w in rest[:url_at]]
    if before:
        if before[0].lower() != "on" or len(before) < 2:
            raise ActionGrammarError(
                f"cannot read {' '.join(before)!r}: say `on DATE` before the link", "minutes"
            )
        try:
            on = _past_date(" ".join(before[1:]), today)
        except VocabularyError as error:
            raise ActionGrammarError(str(error), "minutes") from None
    after = rest[url_at + 1 :]
    kind = str(after[0]) if after else "minutes"
    if len(after) > 1:
        raise ActionGrammarError(
            f"after the link, say one kind: {', '.join(LINK_KINDS)}", "minutes"
        )
    return AddMinutes(meeting_id, str(rest[url_at]), kind, on)


def _past_date(text: str, today: date) -> date:
    """A date minutes are for: one already past, so `4 Jan` or `thursday` are the last ones,
    not the next (as they would be for a due date)."""
    return already_past(read_date(text, today).day, text, today)
