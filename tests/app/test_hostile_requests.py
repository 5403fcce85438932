"""Requests no Slack would send, over HTTP: unsigned, stale, forged, oversize and malformed
bodies. Each is refused with 401, 413 or 400 and one log line, never a 5xx or a traceback,
and nothing reaches Slack or the database."""

from __future__ import annotations

import hashlib
import hmac
import logging
from collections.abc import Iterator
from datetime import UTC, datetime
from urllib.parse import urlencode

import pytest
from starlette.testclient import TestClient

from bot.local.workspace import LocalWorkspace
from bot.server import MAX_SLACK_BODY_BYTES
from scheduling.clock import FixedClock, SystemClock
from tests.support import web_client

FORM = "application/x-www-form-urlencoded"
COMMAND = urlencode(
    {"command": "/update", "text": "PT: forged", "user_id": "U0PT", "team_id": "T0LOCAL"}
)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(datetime(2024, 1, 8, 8, 0, tzinfo=UTC))


@pytest.fixture
def http(workspace: LocalWorkspace) -> Iterator[TestClient]:
    # A server exception must show as the 500 a client would get, not fail the test early.
    with web_client(workspace, raise_server_exceptions=False) as client:
        yield client


def _slack_now() -> int:
    """Slack stamps requests with the real time, and Bolt checks them against it."""
    return int(SystemClock().now().timestamp())


def _signed(workspace: LocalWorkspace, body: bytes, timestamp: int | None = None) -> dict[str, str]:
    """Slack's signature over the raw bytes (as Slack computes it, whatever they hold)."""
    stamp = str(_slack_now() if timestamp is None else timestamp)
    base = b"v0:" + stamp.encode() + b":" + body
    digest = hmac.new(workspace.signing_secret.encode(), base, hashlib.sha256).hexdigest()
    return {"x-slack-request-timestamp": stamp, "x-slack-signature": f"v0={digest}"}


UNSIGNED = [
    ("broken JSON", b"{x", "application/json"),
    ("broken payload", b"payload={bad", FORM),
    ("null payload", b"payload=null", FORM),
    ("raw bytes", bytes(range(256)), "application/octet-stream"),
    ("a real-looking command", COMMAND.encode(), FORM),
]


@pytest.mark.parametrize(("name", "body", "content_type"), UNSIGNED)
def test_unsigned_bodies_are_401_whatever_they_hold(
    http: TestClient,
    workspace: LocalWorkspace,
    caplog: pytest.LogCaptureFixture,
    name: str,
    body: bytes,
    content_type: str,
) -> None:
    before = len(workspace.emulator.calls())
    response = http.post("/slack/events", content=body, headers={"content-type": content_type})
    assert response.status_code == 401, name
    assert not [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]
    assert len(workspace.emulator.calls()) == before


@pytest.mark.parametrize(
    "headers",
    [
        {"x-slack-request-timestamp": b"abc", "x-slack-signature": b"v0=00"},
        # str.isdigit() says yes to superscripts; int() would then raise
        {"x-slack-request-timestamp": "¹²³".encode(), "x-slack-signature": b"v0=00"},
        {"x-slack-request-timestamp": b"-1", "x-slack-signature": b"v0=00"},
        {"x-slack-request-timestamp": b"9" * 400, "x-slack-signature": b"v0=00"},
        {"x-slack-request-timestamp": b"1700000000", "x-slack-signature": b""},
        {"x-slack-signature": b"v0=00"},
    ],
)
def test_bad_timestamps_and_signatures_are_401(http: TestClient, headers: dict[str, bytes]) -> None:
    response = http.post(
        "/slack/events", content=COMMAND, headers={"content-type": FORM.encode(), **headers}
    )
    assert response.status_code == 401


def test_a_stale_or_forged_signature_is_401(http: TestClient, workspace: LocalWorkspace) -> None:
    before = len(workspace.emulator.calls())
    body = COMMAND.encode()
    stale = _signed(workspace, body, _slack_now() - 10 * 60)
    assert (
        http.post(
            "/slack/events", content=body, headers={"content-type": FORM, **stale}
        ).status_code
        == 401
    )
    forged = _signed(workspace, body) | {"x-slack-signature": "v0=" + "0" * 64}
    assert (
        http.post(
            "/slack/events", content=body, headers={"content-type": FORM, **forged}
        ).status_code
        == 401
    )
    assert len(workspace.emulator.calls()) == before
    assert workspace.services.updates.recent(limit=5) == []


def test_an_oversize_body_is_413_before_it_is_read_whole(http: TestClient) -> None:
    big = b"x" * (MAX_SLACK_BODY_BYTES + 1)
    response = http.post("/slack/events", content=big, headers={"content-type": FORM})
    assert response.status_code == 413


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b"{x", "application/json"),
        (b"[1, 2]", "application/json"),
        (b"payload={bad", FORM),
        (b"payload=null", FORM),
        (b"\xff\xfe\x00", FORM),
    ],
)
def test_a_signed_body_that_is_no_slack_payload_is_400(
    http: TestClient,
    workspace: LocalWorkspace,
    caplog: pytest.LogCaptureFixture,
    body: bytes,
    content_type: str,
) -> None:
    headers = _signed(workspace, body) | {"content-type": content_type}
    response = http.post("/slack/events", content=body, headers=headers)
    assert response.status_code == 400
    assert not [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]


def test_a_flood_of_refusals_logs_one_line(
    http: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="consortium_bot.server"):
        for _ in range(50):
            http.post("/slack/events", content=b"{x", headers={"content-type": "application/json"})
    refusals = [r for r in caplog.records if r.name == "consortium_bot.server"]
    assert len(refusals) == 1


def test_a_signed_command_still_goes_through(http: TestClient, workspace: LocalWorkspace) -> None:
    body = urlencode(
        {
            "command": "/consortium",
            "text": "whoami",
            "user_id": "U0PT",
            "team_id": "T0LOCAL",
            "channel_id": "C0ANNOUNCE",
            "response_url": workspace.emulator.new_response_url(),
            "trigger_id": workspace.emulator.issue_trigger_id(),
        }
    ).encode()
    response = http.post(
        "/slack/events", content=body, headers=_signed(workspace, body) | {"content-type": FORM}
    )
    assert response.status_code == 200
    assert "Portuguese partner" in response.text
