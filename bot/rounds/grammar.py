"""The `/round` command language, read into plain values."""

from __future__ import annotations

import shlex
from dataclasses import dataclass
from datetime import date

from bot.core.mrkdwn import unescape
from scheduling.updates.documents import FORMATS

USAGE = (
    '/round open "<title>" due YYYY-MM-DD [for core|supporting|all|<country codes>] · '
    "/round status [id] · /round remind [id] · /round close [id] · /round export [id] [md|docx|csv|json]"
)
EXAMPLE = '/round open "Annual Action Plan update 2025" due 2025-11-10 for core'


class RoundGrammarError(ValueError):
    pass


@dataclass(frozen=True)
class RoundCommand:
    action: str
    reference: str | None = None
    title: str = ""
    due: date | None = None
    audience: tuple[str, ...] = ()
    format_name: str = "md"


def parse_round_command(text: str) -> RoundCommand:
    cleaned = unescape(text).translate({ord(q): '"' for q in "“”„«»"})
    try:
        words = shlex.split(cleaned)
    except ValueError:
        raise RoundGrammarError("a closing quote is missing around the title") from None
    if not words or words[0].lower() == "help":
        return RoundCommand("help")
    action, rest = words[0].lower(), words[1:]
    if action == "open":
        if len(rest) < 3 or rest[1].lower() != "due":
            raise RoundGrammarError('say `open "<title>" due YYYY-MM-DD`')
        try:
            due = date.fromisoformat(rest[2])
        except ValueError:
            raise RoundGrammarError(f"cannot read {rest[2]!r} as a date (YYYY-MM-DD)") from None
        audience = rest[3:]
        if audience and audience[0].lower() != "for":
            raise RoundGrammarError(f"cannot read {audience[0]!r}: say `for core`, `for AT FI`, …")
        return RoundCommand("open", title=rest[0], due=due, audience=tuple(audience[1:]))
    if action in ("status", "remind", "close"):
        if len(rest) > 1:
            return RoundCommand(action, reference=" ".join(rest))
        return RoundCommand(action, reference=rest[0] if rest else None)
    if action == "export":
        format_name = "md"
        if rest and rest[-1].lower() in FORMATS:
            format_name = rest.pop().lower()
        return RoundCommand("export", reference=" ".join(rest) or None, format_name=format_name)
    raise RoundGrammarError(f"I don't know {words[0]!r}: say open, status, remind, close or export")
