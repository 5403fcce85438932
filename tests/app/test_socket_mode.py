"""`consortium-bot socket` as a real process: it opens a Socket Mode connection through the
emulator's apps.connections.open, answers slash command envelopes, and stops on SIGINT."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.local.emulator import SlackEmulator
from bot.local.socket_mode import SocketModeServer
from tests.support import EXAMPLE_FILE, ROOT

pytestmark = pytest.mark.slow

BOT_TOKEN = "xoxb-socket-test-SECRET"
APP_TOKEN = "xapp-1-socket-test-SECRET"
TIMEOUT = 30.0


@pytest.fixture
def emulator() -> Iterator[SlackEmulator]:
    with SlackEmulator() as emulator:
        yield emulator


@pytest.fixture
def server(emulator: SlackEmulator) -> Iterator[SocketModeServer]:
    with SocketModeServer() as server:
        emulator.add_method("apps.connections.open", server.apps_connections_open)
        yield server


def _env(emulator: SlackEmulator, tmp_path: Path) -> dict[str, str]:
    keep = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("SLACK_", "DATABASE_URL", "PORT", "PUBLIC_URL"))
    }
    return {
        **keep,
        "PYTHONPATH": str(ROOT),
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_APP_TOKEN": APP_TOKEN,
        "SLACK_API_URL": emulator.api_url,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'socket.db'}",
    }


def _slash_command(emulator: SlackEmulator, user_id: str, text: str) -> dict[str, Any]:
    return {
        "token": "unused-in-socket-mode",
        "team_id": emulator.team_id,
        "team_domain": "local-workspace",
        "channel_id": "C0ANNOUNCE",
        "channel_name": "announce",
        "user_id": user_id,
        "user_name": user_id.lower(),
        "command": "/consortium",
        "text": text,
        "api_app_id": "A0LOCAL",
        "is_enterprise_install": "false",
        "response_url": emulator.new_response_url(channel="C0ANNOUNCE", user=user_id),
        "trigger_id": emulator.issue_trigger_id(),
    }


def _wait_connected(server: SocketModeServer, process: subprocess.Popen[str], log: Path) -> None:
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"socket exited early ({process.returncode}):\n{log.read_text()}")
        try:
            server.wait_connected(timeout=0.2)
            return
        except TimeoutError:
            continue
    raise AssertionError(f"socket did not connect in {TIMEOUT} s:\n{log.read_text()}")


def _stop(process: subprocess.Popen[str]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=15)


def _ack_text(server: SocketModeServer, envelope_id: str) -> str:
    ack = server.wait_for_ack(envelope_id, timeout=TIMEOUT)
    assert ack["envelope_id"] == envelope_id
    return json.dumps(ack.get("payload"), ensure_ascii=False)


def test_regression_socket_mode_answers_slash_commands_and_stops_on_sigint(
    emulator: SlackEmulator, server: SocketModeServer, tmp_path: Path
) -> None:
    env = _env(emulator, tmp_path)
    imported = subprocess.run(
        [sys.executable, "-m", "bot", "import", str(EXAMPLE_FILE)],
        env=env, cwd=tmp_path, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert imported.returncode == 0, imported.stderr
    log = tmp_path / "socket.log"
    with log.open("w") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "bot", "socket", "--no-scheduler"],
            env=env, cwd=tmp_path, stdout=output, stderr=subprocess.STDOUT, text=True,
        )  # fmt: skip
    try:
        _wait_connected(server, process, log)
        opened = emulator.calls("apps.connections.open")
        assert len(opened) == 1 and opened[0].status == 200
        assert [c.method for c in emulator.calls("auth.test")] == ["auth.test"]

        member = server.send_envelope("slash_commands", _slash_command(emulator, "U0PT", "whoami"))
        text = _ack_text(server, member)
        assert "Portuguese partner" in text
        assert "Portugal" in text

        stranger = server.send_envelope(
            "slash_commands", _slash_command(emulator, "U0STRANGER", "whoami")
        )
        assert "You are not in the CapaCITIES member list yet" in _ack_text(server, stranger)
        assert server.connections_total == 1
    finally:
        _stop(process)
    assert process.returncode == 130, "socket did not stop cleanly on SIGINT"
    deadline = time.monotonic() + TIMEOUT
    while server.connection_count and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.connection_count == 0
    output_text = log.read_text()
    assert "Traceback" not in output_text, output_text
    assert BOT_TOKEN not in output_text
    assert APP_TOKEN not in output_text


def test_the_server_admits_each_url_once_and_only_app_tokens_open_one(
    emulator: SlackEmulator, server: SocketModeServer
) -> None:
    refused = WebClient(base_url=emulator.api_url, token=BOT_TOKEN)
    with pytest.raises(SlackApiError) as caught:
        refused.apps_connections_open(app_token=BOT_TOKEN)
    assert caught.value.response["error"] == "invalid_auth"
    url = WebClient(base_url=emulator.api_url).apps_connections_open(app_token=APP_TOKEN)["url"]
    assert url.startswith(server.url + "?ticket=")

    async def connect_twice() -> tuple[dict[str, Any], int]:
        timeout = aiohttp.ClientWSTimeout(ws_close=5)
        async with (
            aiohttp.ClientSession() as session,
            session.ws_connect(url, timeout=timeout) as ws,
        ):
            hello = await ws.receive_json(timeout=5)
            server.wait_connected(timeout=5)
            try:
                await session.ws_connect(url, timeout=timeout)
            except aiohttp.WSServerHandshakeError as error:
                return hello, error.status
        raise AssertionError("a used URL was admitted again")

    hello, second = asyncio.run(connect_twice())
    assert hello["type"] == "hello"
    assert hello["connection_info"] == {"app_id": "A0LOCAL"}
    assert second == 401
