"""A database that holds a lock or never answers: a write that cannot be made in time is
answered "try again" (nothing saved, nothing lost silently), and `serve`, `tick` and the
health check give up within DATABASE_TIMEOUT with one clear line."""

from __future__ import annotations

import json
import socket
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.core import ids
from bot.core.errors import BUSY_TEXT
from bot.local.workspace import LocalWorkspace
from scheduling.clock import FixedClock
from storage.db import Database
from tests.support import run_cli, web_client


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(datetime(2026, 12, 1, 9, 0, tzinfo=UTC))


@pytest.fixture
def silent_server() -> Iterator[int]:
    """A TCP port that accepts connections and never says a word (a hung database host)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                accepted.append(listener.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield listener.getsockname()[1]
    stop.set()
    thread.join()
    for connection in accepted:
        connection.close()
    listener.close()


@contextmanager
def write_lock_held(path: str | Path) -> Iterator[None]:
    """SQLite's write lock on `path`, held by another connection (another process's long
    write) until the block ends."""
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        yield
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def _file_of(workspace: LocalWorkspace) -> str:
    path = workspace.database.engine.url.database
    assert path is not None
    return path


def test_a_note_while_another_process_holds_the_write_lock_is_answered_try_again(
    workspace: LocalWorkspace,
) -> None:
    with write_lock_held(_file_of(workspace)):
        exchange = workspace.command("U0PT", "/update Platform live in Lisbon")
    assert exchange.status == 200
    assert exchange.ack_text == BUSY_TEXT
    assert workspace.app_services_updates().recent(limit=5) == []
    again = workspace.command("U0PT", "/update Platform live in Lisbon")
    assert again.ack_text.startswith("Your note for Portugal is posted (#1).")  # the first was not


def test_an_rsvp_while_the_lock_is_held_says_try_again_and_counts_nothing(
    workspace: LocalWorkspace,
) -> None:
    value = json.dumps({"m": 1, "o": "2026-12-03T10:00:00"})  # December's jour fixe
    with write_lock_held(_file_of(workspace)):
        workspace.click("U0PT", ids.RSVP_ACTIONS["going"], value, channel_id="C0JOURFIXE")
        workspace.executor.wait_idle()
    (told,) = workspace.emulator.calls("chat.postEphemeral")
    assert told.params["user"] == "U0PT" and told.params["text"] == BUSY_TEXT
    assert not workspace.emulator.calls("chat.update")
    assert workspace.services.rsvps.summary(1, datetime(2026, 12, 3, 10, 0)).answers == {}


@pytest.mark.slow
@pytest.mark.parametrize("command", [["tick"], ["serve", "--port", "0", "--no-scheduler"]])
def test_serve_and_tick_give_up_on_a_database_that_never_answers(
    silent_server: int, tmp_path: Path, command: list[str]
) -> None:
    result = run_cli(
        *command,
        cwd=tmp_path,
        env={
            "DATABASE_URL": f"postgresql://postgres@127.0.0.1:{silent_server}/test",
            "DATABASE_TIMEOUT": "1",
            "SLACK_BOT_TOKEN": "xoxb-time-bounds",
            "SLACK_SIGNING_SECRET": "time-bounds-secret",
        },
    )
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        f"consortium-bot: cannot use the database at postgresql+psycopg://postgres@127.0.0.1:"
        f"{silent_server}/test (waited at most 1 s, DATABASE_TIMEOUT): connection timeout expired"
    ]


def test_health_is_503_when_the_database_does_not_answer_in_time(
    workspace: LocalWorkspace, silent_server: int
) -> None:
    hung = Database.connect(f"postgresql://postgres@127.0.0.1:{silent_server}/test", 1)
    with web_client(workspace, hung) as client:
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "unhealthy", "database": "unreachable"}


@pytest.mark.slow
def test_tick_on_a_locked_database_says_busy_in_one_line(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'busy.db'}"
    env = {"DATABASE_URL": url, "SLACK_BOT_TOKEN": "xoxb-time-bounds"}
    assert run_cli("db", "upgrade", cwd=tmp_path, env=env).returncode == 0
    with write_lock_held(tmp_path / "busy.db"):
        result = run_cli("tick", cwd=tmp_path, env=env)
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        f"consortium-bot: the database at {url} is busy (database is locked); nothing was "
        "changed, try again"
    ]
