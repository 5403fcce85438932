"""`consortium-bot preview DIR`: the Home tab, the digest and the help as Slack shows them,
written as HTML pages (and PNG pictures when a headless Chromium is at hand).

The workspace is the demo's: the example consortium on a temporary database, the emulated
Slack, a fixed clock on Monday 8 January 2024 08:00 UTC. Every view is taken from what the
emulator recorded (views.publish, chat.postMessage, the command's reply), never from a builder,
so whatever the bot sends today is what the pages show.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from bot.local.demo import COORDINATOR, DEMO_NOW, PARTNER
from bot.local.preview.pages import home_page, message_page, modal_page
from bot.local.preview.screenshots import find_browser, screenshot
from bot.local.preview.style import STYLESHEET, STYLESHEET_FILE
from bot.local.workspace import EXAMPLE_CONSORTIUM_FILE, Exchange, LocalWorkspace
from scheduling.clock import FixedClock

# Notes two partners post before the Monday digest, so its updates section has something in it.
NOTES = (
    ("U0FI", "/update Cities Mission day in Helsinki on 14 March; 9 cities have signed up"),
    ("U0TR", "/update The ministry signed the national Cities Mission charter with 11 cities"),
)
_REPLIES = ("chat.postEphemeral", "response_url", "chat.postMessage")


class PreviewError(Exception):
    """The bot did not show what a preview page needs (e.g. no digest was posted)."""


@dataclass(frozen=True)
class Page:
    """One preview page: its file name and what it shows, for the report."""

    filename: str
    description: str
    html: str


def _view(exchange: Exchange, method: str, user: str | None = None) -> dict[str, Any]:
    for call in exchange.calls:
        view = call.params.get("view")
        mine = user is None or call.params.get("user_id") == user
        if call.method == method and isinstance(view, dict) and mine:
            return view
    raise PreviewError(f"the bot made no {method} call")


def _reply(exchange: Exchange, user: str) -> tuple[str, list[dict[str, Any]]]:
    """What a slash command showed its caller: the ack, else the first reply sent to them."""
    ack = exchange.ack
    if isinstance(ack, dict) and (ack.get("text") or ack.get("blocks")):
        return str(ack.get("text", "")), list(ack.get("blocks") or [])
    for call in exchange.calls:
        if call.method in _REPLIES and call.params.get("user", user) == user:
            return str(call.params.get("text", "")), list(call.params.get("blocks") or [])
    raise PreviewError("the command showed nothing")


def _digest(exchange: Exchange, channel: str) -> dict[str, Any]:
    posted = [c.params for c in exchange.calls if c.method == "chat.postMessage"]
    for params in posted:
        key = str((params.get("metadata") or {}).get("event_payload", {}).get("key", ""))
        if key.startswith("digest:") and params.get("channel") == channel:
            return params
    for params in posted:
        if params.get("channel") == channel:
            return params
    raise PreviewError(f"no digest was posted to {channel} at {DEMO_NOW:%a %d %b %Y %H:%M} UTC")


class _Examples:
    """The demo workspace driven as members would, each page rendered from what it recorded."""

    def __init__(self, workspace: LocalWorkspace) -> None:
        spec = workspace.spec
        self.workspace = workspace
        self.names = {m.slack_id: m.name for m in spec.members}
        self.names.update({cid: purpose for purpose, cid in spec.channels.items()})
        self.zones = {m.slack_id: m.timezone for m in spec.members}
        self.bot_name = f"{spec.name} bot"

    def channel(self, channel_id: str) -> str:
        return f"#{self.names.get(channel_id, channel_id)}"

    def digest(self) -> str:
        """Two partners post a note; the scheduled jobs run at the digest's time."""
        workspace, spec = self.workspace, self.workspace.spec
        for user, line in NOTES:
            workspace.command(user, line)
        digest_channel = spec.channels.get(spec.digest_channel or "", spec.digest_channel or "")
        before = len(workspace.emulator.calls())
        workspace.jobs.tick()
        workspace.executor.wait_idle()
        digest = _digest(Exchange(200, "", workspace.emulator.calls()[before:]), digest_channel)
        return message_page(
            str(digest.get("text", "")),
            list(digest.get("blocks") or []),
            where=self.channel(digest_channel),
            viewer=self.names[PARTNER],
            bot_name=self.bot_name,
            tz=self.zones[PARTNER],
            names=self.names,
            posted_at=workspace.clock.now(),
        )

    def home(self, user: str) -> str:
        view = _view(self.workspace.open_home(user), "views.publish", user)
        return home_page(
            view,
            bot_name=self.bot_name,
            tz=self.zones[user],
            names=self.names,
            viewer=self.names[user],
        )

    def help(self, user: str) -> str:
        channel = next(iter(self.workspace.spec.channels.values()))
        text, blocks = _reply(self.workspace.command(user, "/consortium help", channel), user)
        return message_page(
            text,
            blocks,
            where=self.channel(channel),
            viewer=self.names[user],
            bot_name=self.bot_name,
            tz=self.zones[user],
            names=self.names,
            posted_at=self.workspace.clock.now(),
            ephemeral=True,
        )

    def form(self, user: str, line: str) -> str:
        view = _view(self.workspace.command(user, line), "views.open")
        return modal_page(view, tz=self.zones[user], names=self.names)


def build_pages(workspace: LocalWorkspace) -> list[Page]:
    """The digest first (so the Home tabs show the notes posted before it), then the Home tab
    of a partner and of a coordinator, the help and the update form."""
    examples = _Examples(workspace)
    partner, coordinator = examples.names[PARTNER], examples.names[COORDINATOR]
    digest = Page("digest.html", "the Monday digest in the digest channel", examples.digest())
    return [
        Page("home-partner.html", f"{partner} opens the Home tab", examples.home(PARTNER)),
        Page(
            "home-coordinator.html",
            f"{coordinator} opens the Home tab",
            examples.home(COORDINATOR),
        ),
        digest,
        Page(
            "help.html", f"/consortium help, as {coordinator} sees it", examples.help(COORDINATOR)
        ),
        Page(
            "form-update.html",
            f"the /update form {partner} opens",
            examples.form(PARTNER, "/update"),
        ),
    ]


def write_pages(
    folder: Path, consortium_file: Path = EXAMPLE_CONSORTIUM_FILE
) -> list[tuple[Path, str]]:
    """Renders the preview pages into `folder`; returns each path with what it shows."""
    with tempfile.TemporaryDirectory(prefix="consortium-preview-") as scratch:
        database_url = f"sqlite:///{Path(scratch) / 'preview.db'}"
        clock = FixedClock(DEMO_NOW)
        with LocalWorkspace.open(database_url, consortium_file, clock) as workspace:
            pages = build_pages(workspace)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / STYLESHEET_FILE).write_text(STYLESHEET, encoding="utf-8")
    written = []
    for page in pages:
        path = folder / page.filename
        path.write_text(page.html, encoding="utf-8")
        written.append((path, page.description))
    return written


def run_preview(
    folder: Path,
    out: TextIO,
    *,
    pictures: bool = True,
    browser_finder: Callable[[], str | None] = find_browser,
    consortium_file: Path = EXAMPLE_CONSORTIUM_FILE,
) -> int:
    """Writes the pages and, when a browser is found, a PNG of each; says what it wrote.
    Exits 1 with one line on stderr when the bot did not show what a page needs."""
    try:
        written = write_pages(folder, consortium_file)
    except PreviewError as error:
        print(f"consortium-bot: preview: {error}", file=sys.stderr)
        return 1
    for path, description in written:
        print(f"wrote {path}: {description}", file=out)
    if pictures:
        take_pictures([path for path, _ in written], out, browser_finder)
    return 0


def take_pictures(
    pages: list[Path], out: TextIO, browser_finder: Callable[[], str | None] = find_browser
) -> None:
    """A PNG next to each page, when a browser is found; otherwise says they were skipped."""
    browser = browser_finder()
    if browser is None:
        print("no Chromium found: PNG pictures skipped (the HTML pages are complete)", file=out)
        return
    for path in pages:
        try:
            picture = screenshot(browser, path)
        except (OSError, subprocess.SubprocessError) as error:
            print(f"could not take a picture of {path.name}: {error}", file=out)
            continue
        print(f"wrote {picture}" if picture else f"no picture of {path.name}", file=out)
