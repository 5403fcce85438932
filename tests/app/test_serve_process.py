"""`consortium-bot serve` as a real process: it checks the token at the emulator, answers
signed commands over TCP, refuses unsigned ones, and never prints its secrets."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

import pytest

from bot.local.emulator import SlackEmulator
from bot.local.workspace import sign
from tests.support import EXAMPLE_FILE, ROOT

pytestmark = pytest.mark.slow

BOT_TOKEN = "xoxb-serve-test-SECRET"
SIGNING_SECRET = "serve-test-signing-secret"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _env(emulator: SlackEmulator, tmp_path: Path) -> dict[str, str]:
    keep = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DATABASE_URL"))}
    return {
        **keep,
        "PYTHONPATH": str(ROOT),
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": emulator.api_url,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'serve.db'}",
        "PUBLIC_URL": "https://consortium.example.org",
    }


def _cli(*args: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.fixture
def emulator() -> Iterator[SlackEmulator]:
    with SlackEmulator() as emulator:
        yield emulator


def _wait_healthy(url: str, process: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"serve exited early: {process.communicate()}")
        try:
            with urllib.request.urlopen(url + "/healthz", timeout=1) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.1)
    raise AssertionError("serve did not become healthy in 30 s")


def _post(url: str, body: str, headers: dict[str, str]) -> tuple[int, str]:
    request = urllib.request.Request(
        url + "/slack/events",
        data=body.encode(),
        headers={"Content-Type": "application/x-www-form-urlencoded", **headers},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def test_serve_answers_signed_commands_and_refuses_unsigned_ones(
    emulator: SlackEmulator, tmp_path: Path
) -> None:
    env = _env(emulator, tmp_path)
    assert _cli("import", str(EXAMPLE_FILE), env=env, cwd=tmp_path).returncode == 0
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "serve", "--host", "127.0.0.1", "--port", str(port), "--no-scheduler"],
        env=env, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(url, process)
        assert [c.method for c in emulator.calls()] == ["auth.test"]
        body = urlencode({"team_id": "T0LOCAL", "channel_id": "C0ANNOUNCE", "user_id": "U0PT",
                          "command": "/consortium", "text": "whoami", "trigger_id": "1.2"})  # fmt: skip
        signed = {k: str(v[0]) for k, v in sign(body, SIGNING_SECRET, int(time.time())).items()}
        status, text = _post(url, body, signed)
        assert status == 200
        assert "Portuguese partner" in text
        status, _ = _post(url, body, {})
        assert status == 401
        subscribe = body.replace("whoami", "subscribe")
        signed = {
            k: str(v[0]) for k, v in sign(subscribe, SIGNING_SECRET, int(time.time())).items()
        }
        _, text = _post(url, subscribe, signed)
        (token, *_) = re.findall(r"/calendar/([\w-]+)\.ics", text)
        with urllib.request.urlopen(f"{url}/calendar/{token}.ics", timeout=10) as response:
            assert response.status == 200
    finally:
        process.send_signal(signal.SIGINT)
        output, _ = process.communicate(timeout=30)
    assert BOT_TOKEN not in output
    assert SIGNING_SECRET not in output
    assert token not in output  # the feed's URL is its key
    assert '"GET /calendar/… HTTP/1.1" 200' in output


def test_serve_with_a_token_slack_refuses_stops_with_one_line(
    emulator: SlackEmulator, tmp_path: Path
) -> None:
    emulator.inject_fault("auth.test", status=200, error="invalid_auth")
    result = _cli("serve", "--port", str(_free_port()), env=_env(emulator, tmp_path), cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1] == (
        "consortium-bot: Slack refused the bot token: invalid_auth"
    )
    assert "Traceback" not in result.stderr
    assert BOT_TOKEN not in result.stderr + result.stdout
