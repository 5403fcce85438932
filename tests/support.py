"""What tests share besides fixtures: paths, running the CLI as a process, and assertions
about what Slack would do with a message the bot sent. (No test imports another test.)"""

from __future__ import annotations

import logging
import os
import re
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any

from starlette.testclient import TestClient

from bot.local.workspace import Exchange, LocalWorkspace
from bot.server import create_web_app
from storage.db import Database

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE_FILE = ROOT / "examples" / "capacities.yaml"
SHARED_EXAMPLE_FILE = ROOT.parent / "shared" / "examples" / "capacities.yaml"

# What the `open_workspace` fixture hands a test: `open_workspace(clock, consortium_file)`.
OpenWorkspace = Callable[..., AbstractContextManager[LocalWorkspace]]

MENTIONS = ("<!channel>", "<!here>", "<!everyone>", "<!subteam", "<@", "<http")


def run_cli(
    *args: str, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """`consortium-bot ARGS` as a process, with no Slack or database setting inherited."""
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("SLACK_", "DATABASE_URL", "PORT", "PUBLIC_URL"))
    }
    clean.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=cwd,
        env={**clean, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=120,
    )


def parsed_texts(message: dict[str, Any]) -> list[str]:
    """Every string Slack parses for mentions and links: top-level text and mrkdwn objects.

    plain_text objects are shown as typed and never notify anyone, so they are left out.
    """
    found = [message.get("text") or ""]

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("type") == "mrkdwn" and isinstance(node.get("text"), str):
                found.append(node["text"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(message.get("blocks") or [])
    return found


def assert_pings_nobody(message: dict[str, Any], *allowed: str) -> None:
    for text in parsed_texts(message):
        cleaned = text
        for ok in allowed:
            cleaned = cleaned.replace(ok, "")
        for mention in MENTIONS:
            assert mention not in cleaned, f"{mention!r} would be parsed in: {text!r}"


def buttons_of(exchange: Exchange) -> list[tuple[str, str]]:
    """The buttons of the message an exchange answered with (its ack, else its last
    response_url reply), as (action ID, value), in order."""
    replies = [c.params for c in exchange.calls if c.method == "response_url"]
    message = replies[-1] if replies else exchange.ack
    return buttons_in(message.get("blocks") if isinstance(message, dict) else [])


def buttons_in(blocks: Any) -> list[tuple[str, str]]:
    """Every button in blocks (a message's, a view's), as (action ID, value), in order."""
    found: list[tuple[str, str]] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("type") == "button" and "action_id" in node:
                found.append((node["action_id"], node.get("value", "")))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(blocks)
    return found


def press(
    workspace: LocalWorkspace,
    user: str,
    exchange: Exchange,
    action_id: str,
    value_has: str = "",
) -> Exchange:
    """Press the button `action_id` (the first whose value holds `value_has`) of the message
    an exchange answered with, as `user`."""
    buttons = buttons_of(exchange)
    values = [v for a, v in buttons if a == action_id and value_has in v]
    assert values, (action_id, value_has, buttons)
    return workspace.click(user, action_id, values[0])


def run_at_once(count: int, action: Callable[[int], object]) -> list[BaseException]:
    """`action(0)` … `action(count - 1)` on `count` threads released together; what they
    raised (nothing, when all went well)."""
    start = threading.Barrier(count)
    failures: list[BaseException] = []

    def run(n: int) -> None:
        start.wait()
        try:
            action(n)
        except BaseException as error:
            failures.append(error)

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return failures


@contextmanager
def web_client(
    workspace: LocalWorkspace,
    database: Database | None = None,
    *,
    raise_server_exceptions: bool = True,
    **options: Any,
) -> Iterator[TestClient]:
    """The HTTP app `serve` runs, over the workspace (or another `database`), as a client;
    `options` go to `create_web_app` (e.g. `wall_clock`)."""
    web_app = create_web_app(
        workspace.app,
        database or workspace.database,
        workspace.feeds,
        signing_secret=workspace.signing_secret,
        **options,
    )
    with TestClient(web_app, raise_server_exceptions=raise_server_exceptions) as client:
        yield client


def feed_paths(workspace: LocalWorkspace, user_id: str) -> list[str]:
    """The paths of the calendar feeds `/consortium subscribe` hands `user_id`."""
    reply = workspace.command(user_id, "/consortium subscribe").ack_text
    return re.findall(r"https://consortium\.example\.org(/calendar/[\w-]+\.ics)", reply)


class _ErrorRecords(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@contextmanager
def logged_errors() -> Iterator[list[logging.LogRecord]]:
    """The records logged at ERROR or above, by any logger, while the block runs (pytest's
    caplog cannot be used inside hypothesis examples)."""
    handler = _ErrorRecords()
    logging.getLogger().addHandler(handler)
    try:
        yield handler.records
    finally:
        logging.getLogger().removeHandler(handler)


def tick_process(
    api_url: str, database_url: str, at: str, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.Popen[str]:
    """`consortium-bot tick --at AT` as a process on the emulator at `api_url` and the
    database at `database_url` (and `env`), no other Slack or database setting inherited."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DATABASE_URL"))}
    clean.update(
        {
            "PYTHONPATH": str(ROOT),
            "SLACK_BOT_TOKEN": "xoxb-process-test",
            "SLACK_API_URL": api_url,
            "DATABASE_URL": database_url,
            **(env or {}),
        }
    )
    return subprocess.Popen(
        [sys.executable, "-m", "bot", "tick", "--at", at],
        cwd=cwd, env=clean, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


def confirmed(workspace: LocalWorkspace, user: str, line: str) -> Exchange:
    """A slash command that may ask first about a holiday or hours out of the working day
    (`bot/checks/`), with Confirm pressed when it does: the exchange of the command, or of
    the Confirm button with its answer (sent by response_url) as its ack."""
    from bot.core import ids

    asked = workspace.command(user, line)
    confirm = [v for a, v in buttons_of(asked) if a == ids.CHECK_KEEP]
    if not confirm:
        return asked
    pressed = workspace.click(user, ids.CHECK_KEEP, confirm[0])
    replies = [c.params for c in pressed.calls if c.method == "response_url"]
    return Exchange(pressed.status, replies[-1] if replies else pressed.ack, pressed.calls)
