"""What `consortium-bot shell` runs on and reads off the bot's replies: its database and clock;
the buttons a member can press, the modals the bot opened, the files it shared; the words of
`:tick` and of the shell's own commands.
"""

from __future__ import annotations

import itertools
import json
import re
import tempfile
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, TextIO
from zoneinfo import ZoneInfo

from bot.core.catalogue import slash_commands
from bot.local.emulator import UploadedFile
from bot.local.render import render_mrkdwn
from bot.local.shell_forms import MATCH_TIERS, ShellInputError, matches, normalised
from bot.local.workspace import Exchange, LocalWorkspace
from scheduling.clock import FixedClock, SystemClock
from scheduling.consortium.file import load_consortium_file
from scheduling.consortium.importer import ImportReport, import_consortium
from scheduling.language.words import suggest
from storage.db import Database
from storage.migrate import upgrade

_MESSAGE_METHODS = ("chat.postMessage", "chat.update", "chat.postEphemeral", "response_url")
_MODAL_METHODS = ("views.open", "views.push", "views.update")


class ShellClock(FixedClock):
    """Real time from the start, moved on by `:tick`: the clock the bot runs on in the shell."""

    def __init__(self, start: datetime | None = None, running: bool = True) -> None:
        super().__init__(start or SystemClock().now())
        self._running = running
        self._since = time.monotonic()

    def now(self) -> datetime:
        if not self._running:
            return self.instant
        return self.instant + timedelta(seconds=time.monotonic() - self._since)

    def advance(self, delta: timedelta) -> None:
        self.set(self.now() + delta)

    def set(self, instant: datetime) -> None:
        super().set(instant)
        self._since = time.monotonic()


@contextmanager
def open_workspace(
    database_url: str | None, consortium_file: Path, clock: FixedClock, out: TextIO
) -> Iterator[LocalWorkspace]:
    """The workspace on DATABASE_URL (imported only when it holds no consortium yet), or on a
    temporary database; says which."""
    if database_url is None:
        with tempfile.TemporaryDirectory(prefix="consortium-shell-") as folder:
            url = f"sqlite:///{Path(folder) / 'shell.db'}"
            with LocalWorkspace.open(url, consortium_file, clock) as workspace:
                print("Using a temporary database; everything is lost on :quit.", file=out)
                yield workspace
        return
    spec = load_consortium_file(consortium_file)
    database = Database.connect(database_url)
    try:
        upgrade(database.engine)
        with database.read() as work:
            known = work.directory.consortium()
        report = ImportReport() if known else import_consortium(database, spec, clock)
    except BaseException:
        database.dispose()
        raise
    with LocalWorkspace.on(database, spec, clock, report) as workspace:
        print(f"Using DATABASE_URL {database.url} — changes are kept.", file=out)
        if known:
            print(
                f"  It already holds {known.name}; {consortium_file.name} was not imported "
                "(`consortium-bot import FILE` updates it).",
                file=out,
            )
        else:
            print(f"  It was empty: imported {consortium_file.name}.", file=out)
        yield workspace


@dataclass(frozen=True)
class Button:
    """A button of a message or view the bot showed; `viewer` alone sees it (None: everyone
    in the channel); `channel` is where a press comes from."""

    text: str
    action_id: str
    value: str
    where: str
    about: str
    viewer: str | None
    channel: str | None
    message: int = 0  # the later the message showed, the higher

    def label(self) -> str:
        return f"“{self.text}” ({self.where}: {self.about})"


def dm_member(channel: str) -> str | None:
    """The member whose DM with the bot `channel` is (a user ID or the emulator's D-ID)."""
    if channel.startswith("U"):
        return channel
    if channel.startswith("DU"):
        return channel[1:]
    return None


def place(
    channel: str, channel_names: Mapping[str, str], names: Mapping[str, str], me: str | None
) -> str:
    """`#announcements`, `your DM with the bot`, or `DM with Portuguese partner`."""
    if channel in channel_names:
        return f"#{channel_names[channel]}"
    member = dm_member(channel)
    if member is not None:
        return "your DM with the bot" if member == me else f"DM with {names.get(member, member)}"
    return channel or "a reply"


def _json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


def _buttons_in(blocks: Any) -> Iterable[dict[str, Any]]:
    for block in blocks if isinstance(blocks, list) else []:
        if block.get("type") == "actions":
            yield from (e for e in block.get("elements") or [] if e.get("type") == "button")
        accessory = block.get("accessory")
        if isinstance(accessory, dict) and accessory.get("type") == "button":
            yield accessory


def _about(text: str, blocks: Any) -> str:
    """The first words of a message, to tell its buttons from another's."""
    first = text
    for block in blocks if isinstance(blocks, list) else []:
        inner = block.get("text")
        if isinstance(inner, dict) and inner.get("text"):
            first = str(inner["text"])
            break
    line = render_mrkdwn(first).replace("*", "").strip().splitlines()
    words = line[0] if line else ""
    return words if len(words) <= 50 else words[:49] + "…"


def shown_views(exchange: Exchange) -> list[tuple[str, dict[str, Any], str | None]]:
    """The views an exchange showed, in order: (how, view, owner of a Home tab), `how` one of
    views.open, views.push, views.update, views.publish, or ack:update / ack:push for the view
    of a response_action."""
    found: list[tuple[str, dict[str, Any], str | None]] = []
    for call in exchange.calls:
        if call.method in (*_MODAL_METHODS, "views.publish") and call.response.get("ok"):
            view = call.response.get("view") or _json(call.params.get("view")) or {}
            found.append((call.method, view, call.params.get("user_id")))
    ack = exchange.ack
    if isinstance(ack, dict) and ack.get("response_action") in ("update", "push"):
        found.append((f"ack:{ack['response_action']}", ack.get("view") or {}, None))
    return found


def buttons_of(
    exchange: Exchange,
    actor: str | None,
    channel_names: Mapping[str, str],
    names: Mapping[str, str],
) -> list[Button]:
    """Every button an exchange showed, newest message last; `actor` is who made it."""
    found: list[Button] = []

    def add(blocks: Any, text: str, where: str, viewer: str | None, channel: str | None) -> None:
        about, message = _about(text, blocks), next(_MESSAGES)
        for element in _buttons_in(blocks):
            label = str((element.get("text") or {}).get("text", ""))
            found.append(
                Button(
                    label,
                    str(element.get("action_id", "")),
                    str(element.get("value", "")),
                    where,
                    about,
                    viewer,
                    channel,
                    message,
                )
            )

    ack = exchange.ack
    if isinstance(ack, dict) and ack.get("blocks") and not ack.get("response_action"):
        add(ack["blocks"], str(ack.get("text", "")), "reply to you", actor, None)
    for call in exchange.calls:
        params = call.params
        if call.method in _MESSAGE_METHODS and call.response.get("ok", call.status == 200):
            channel = str(params.get("channel", ""))
            viewer = (
                str(params.get("user"))
                if call.method == "chat.postEphemeral"
                else actor
                if call.method == "response_url"
                else dm_member(channel)
            )
            where = (
                "reply to you"
                if call.method == "response_url"
                else place(channel, channel_names, names, viewer)
            )
            add(_json(params.get("blocks")), str(params.get("text", "")), where, viewer, channel)
    for how, view, owner in shown_views(exchange):
        home = how == "views.publish"
        title = "App Home" if home else f"modal “{(view.get('title') or {}).get('text', '')}”"
        add(view.get("blocks"), "", title, owner if home else actor, None)
    return found


_MESSAGES = itertools.count()
MAX_LISTED = 12


def _listing(buttons: Sequence[Button], shown: Sequence[Button]) -> str:
    """The `shown` buttons, numbered by their place in `buttons`; the newest few of them."""
    numbered = [(buttons.index(b) + 1, b) for b in shown]
    earlier = len(numbered) - MAX_LISTED
    lines = [f"  {n}. {b.label()}" for n, b in numbered[-MAX_LISTED:]]
    return "\n".join(([f"  ({earlier} earlier ones left out)"] if earlier > 0 else []) + lines)


def choose_button(wanted: str, buttons: Sequence[Button]) -> Button:
    """The button `wanted` names: its number in the list, or its text (case-insensitive, the
    start of it, or a word of it), on the newest message that has one; several such buttons
    on that message are named back, unless they do the same thing."""
    if not buttons:
        raise ShellInputError("The last reply has no buttons you can see.")
    if not wanted.strip():
        raise ShellInputError(
            f"Say which button, e.g. :click {buttons[-1].text}:\n{_listing(buttons, buttons)}"
        )
    if wanted.strip().isdecimal():
        number = int(wanted)
        if 1 <= number <= len(buttons):
            return buttons[number - 1]
        raise ShellInputError(
            f"There is no button {number}; the buttons are:\n{_listing(buttons, buttons)}"
        )
    key = normalised(wanted)
    for tier in range(MATCH_TIERS):
        matching = [b for b in buttons if matches(b.text, key, tier)]
        newest = [b for b in matching if b.message == max(m.message for m in matching)]
        if len({(b.action_id, b.value, b.channel) for b in newest}) == 1:
            return newest[-1]
        if newest:
            raise ShellInputError(
                f"{wanted!r} names {len(newest)} buttons; say which by number "
                f"(e.g. :click {buttons.index(newest[0]) + 1}):\n{_listing(buttons, newest)}"
            )
    raise ShellInputError(
        f"No button reads {wanted!r}; the buttons are:\n{_listing(buttons, buttons)}"
    )


def jobs_summary(summary: str) -> str:
    """`reminders: 1 sent, 0 skipped, 0 failed; digest: 0 sent, ...` without the zeros."""
    parts = []
    for part in summary.split("; "):
        name, _, counts = part.partition(": ")
        kept = [c for c in counts.split(", ") if not c.startswith("0 ")]
        if kept:
            parts.append(f"{name}: {', '.join(kept)}")
    return "; ".join(parts) or "nothing due"


def describe_files(
    files: Sequence[UploadedFile],
    channel_names: Mapping[str, str],
    names: Mapping[str, str],
    me: str,
) -> str:
    if not files:
        return "  The bot has not shared any file yet."
    lines = []
    for number, shared in enumerate(files, start=1):
        where = place(shared.channel_id or "", channel_names, names, me)
        thread = " (in a thread)" if shared.thread_ts else ""
        size = f"{len(shared.content):,} bytes"
        lines.append(f"  {number}. {shared.filename}  {size}  in {where}{thread}")
    return "\n".join(lines) + "\n  :save N PATH writes file N to PATH."


def chosen_file(number: str, files: Sequence[UploadedFile]) -> UploadedFile:
    if not number.isdecimal() or not 1 <= int(number) <= len(files):
        count = (
            f"the bot has shared {len(files)} file{'s' if len(files) != 1 else ''} "
            f"(:files lists them)"
            if files
            else "the bot has not shared any file yet"
        )
        raise ShellInputError(
            f"There is no file {number or '?'}: {count}. Example: :save 1 invite.ics"
        )
    return files[int(number) - 1]


_STEP = re.compile(r"(\d+)\s*(w|d|h|m)", re.IGNORECASE)
_UNITS = {"w": "weeks", "d": "days", "h": "hours", "m": "minutes"}
TICK_EXAMPLE = "+1d, +2h, +30m, +1d2h or an ISO time such as 2025-03-12T09:00"


def tick_target(text: str, now: datetime, zone: str) -> datetime:
    """When `:tick` moves the clock to: `+1d`, `+2h`, `+30m`, `+1w`, `+1d2h` from `now`, or an
    ISO time (a time without a zone is in `zone`, the member's)."""
    word = text.strip()
    if not word:
        return now
    if word.startswith("+"):
        rest = word[1:].replace(" ", "")
        steps = _STEP.findall(rest)
        if steps and "".join(n + u for n, u in steps).lower() == rest.lower():
            delta = timedelta()
            for amount, unit in steps:
                delta += timedelta(**{_UNITS[unit.lower()]: int(amount)})
            return now + delta
    else:
        try:
            moment = datetime.fromisoformat(word)
        except ValueError:
            moment = None
        if moment is not None:
            if moment.tzinfo is None:
                moment = moment.replace(tzinfo=ZoneInfo(zone))
            if moment < now:
                raise ShellInputError(
                    f"{word!r} is in the past; the clock only moves forward "
                    f"(it is {format_now(now, zone)}). Example: :tick +1d"
                )
            return moment
    raise ShellInputError(
        f"I could not read {word!r} as a time: expected {TICK_EXAMPLE}. Example: :tick +1d"
    )


def format_now(moment: datetime, zone: str) -> str:
    local = moment.astimezone(ZoneInfo(zone))
    return f"{local:%a} {local.day} {local:%b %Y %H:%M} {local.tzname()} ({zone})"


def did_you_mean(word: str, commands: Sequence[str]) -> str:
    close = suggest(word, commands, cutoff=0.5)
    if close:
        return f"  There is no {word}. Did you mean {close}? (:help lists them all)"
    return f"  There is no {word}; :help lists the shell's commands."


def check_slash_command(line: str) -> None:
    """Slack itself answers a command no app declares (the bot never sees it): so does the
    shell, with the closest one."""
    typed = line.split()[0].lower()
    if typed not in slash_commands():
        close = suggest(typed, slash_commands())
        hint = f" Did you mean {close}?" if close else ""
        raise ShellInputError(f"Slack: {typed} is not a valid command.{hint}")
