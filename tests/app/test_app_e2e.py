"""End to end: signed requests into the real Bolt app (in process and over HTTP), with its
Web API calls answered by the local Slack emulator over HTTP."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from urllib.parse import urlencode

import pytest
from starlette.testclient import TestClient

from bot.core.catalogue import COMMANDS
from bot.local.render import render_message
from bot.local.workspace import LocalWorkspace, sign
from storage.db import Database
from tests.support import web_client

COORDINATOR = "U0COORD1"
TURKISH_PARTNER = "U0TR"
STRANGER = "U0UNKNOWN"


def test_help_shows_the_commands_used_most_and_each_topic_every_command(
    workspace: LocalWorkspace,
) -> None:
    exchange = workspace.command(COORDINATOR, "/consortium help")
    assert exchange.status == 200
    assert isinstance(exchange.ack, dict)
    assert exchange.ack["response_type"] == "ephemeral"
    assert exchange.ack_text.startswith("CapaCITIES bot: /meeting next, /meeting who")
    shown = render_message(exchange.ack["text"], exchange.ack["blocks"])
    for entry in COMMANDS:
        if entry.most_used:
            assert entry.example in shown
    topics = {entry.topic for entry in COMMANDS}
    for topic in topics:
        reply = workspace.command(COORDINATOR, f"/consortium help {topic}")
        assert isinstance(reply.ack, dict)
        assert "<kind>" not in json.dumps(reply.ack["blocks"])  # would be read as a link
        shown = render_message(reply.ack["text"], reply.ack["blocks"])
        for entry in COMMANDS:
            if entry.topic == topic:
                assert entry.usage in shown
                assert entry.example in shown
    assert exchange.calls == []  # answered in the ack: no Web API call at all


def test_whoami_names_country_roles_and_time_zone(workspace: LocalWorkspace) -> None:
    exchange = workspace.command(TURKISH_PARTNER, "/consortium whoami")
    assert exchange.status == 200
    assert exchange.ack_text == (
        "You are Turkish partner in CapaCITIES: Türkiye; national ambassador, country partner."
    )
    shown = json.dumps(exchange.ack, ensure_ascii=False)
    assert "🇹🇷 Türkiye (TR, core country)" in shown
    assert "Europe/Istanbul" in shown


@pytest.mark.parametrize(
    "line", ["/consortium help", "/consortium whoami", "/consortium", "/consortium x"]
)
def test_a_stranger_is_told_whom_to_ask_from_every_command(
    workspace: LocalWorkspace, line: str
) -> None:
    exchange = workspace.command(STRANGER, line)
    assert exchange.status == 200
    assert exchange.ack_text == (
        "You are not in the CapaCITIES member list yet. Ask a coordinator to add you: "
        "Coordinator (FFG), Coordinator (UEFISCDI)."
    )
    assert "<@U0COORD1>" in json.dumps(exchange.ack)


def test_an_unknown_subcommand_is_named_and_help_suggested(workspace: LocalWorkspace) -> None:
    exchange = workspace.command(COORDINATOR, "/consortium <!channel>")
    assert exchange.ack_text == (
        "I don't know `/consortium &lt;!channel&gt;`. /consortium takes: help, whoami, "
        "subscribe, remind, invites, digest, away, hours, my-data, status, forget. Each with an example: "
        "/consortium help settings."
    )
    blocks = json.dumps(exchange.ack["blocks"] if isinstance(exchange.ack, dict) else [])
    assert "<!channel>" not in blocks
    assert "&lt;!channel&gt;" in blocks


def test_the_home_tab_is_published_after_the_ack(workspace: LocalWorkspace) -> None:
    exchange = workspace.open_home(COORDINATOR)
    assert exchange.status == 200
    publishes = [c for c in exchange.calls if c.method == "views.publish"]
    assert len(publishes) == 1
    assert publishes[0].response["ok"] is True
    assert publishes[0].params["user_id"] == COORDINATOR
    view = publishes[0].params["view"]
    assert view["type"] == "home"
    assert "Coordinator (FFG)" in json.dumps(view)


def test_the_messages_tab_publishes_nothing(workspace: LocalWorkspace) -> None:
    exchange = workspace.event({"type": "app_home_opened", "user": COORDINATOR, "tab": "messages"})
    assert exchange.status == 200
    assert exchange.calls == []


def test_a_failing_listener_apologises_with_a_reference(workspace: LocalWorkspace) -> None:
    workspace.database.dispose()
    with workspace.database.engine.begin() as connection:
        connection.exec_driver_sql("DROP TABLE member_roles")
    exchange = workspace.command(COORDINATOR, "/consortium whoami")
    assert exchange.status == 200
    assert exchange.ack_text.startswith("Sorry, something went wrong on my side. Reference: ")


# -- over HTTP, through the ASGI server ---------------------------------------------------------


def _command_body(user_id: str, text: str) -> str:
    return urlencode(
        {
            "team_id": "T0LOCAL",
            "channel_id": "C0ANNOUNCE",
            "user_id": user_id,
            "command": "/consortium",
            "text": text,
            "response_url": "http://127.0.0.1:9/unused",
            "trigger_id": "1.2.3",
        }
    )


@pytest.fixture
def http(workspace: LocalWorkspace) -> Iterator[TestClient]:
    with web_client(workspace) as client:
        yield client


def _post(http: TestClient, body: str, headers: dict[str, str]) -> tuple[int, str]:
    response = http.post(
        "/slack/events",
        content=body,
        headers={"content-type": "application/x-www-form-urlencoded", **headers},
    )
    return response.status_code, response.text


def _signed(workspace: LocalWorkspace, body: str, timestamp: int) -> dict[str, str]:
    return {
        name: values[0] for name, values in sign(body, workspace.signing_secret, timestamp).items()
    }


def test_a_signed_command_over_http_is_answered(
    workspace: LocalWorkspace, http: TestClient
) -> None:
    body = _command_body(COORDINATOR, "whoami")
    status, text = _post(http, body, _signed(workspace, body, int(time.time())))
    assert status == 200
    assert "Coordinator (FFG)" in text


@pytest.mark.parametrize("forgery", ["wrong secret", "no signature", "stale", "body changed"])
def test_forged_stale_and_unsigned_requests_get_401_and_change_nothing(
    workspace: LocalWorkspace, http: TestClient, forgery: str
) -> None:
    body = _command_body(COORDINATOR, "whoami")
    now = int(time.time())
    headers = _signed(workspace, body, now)
    if forgery == "wrong secret":
        headers = {name: values[0] for name, values in sign(body, "not-the-secret", now).items()}
    elif forgery == "no signature":
        headers = {}
    elif forgery == "stale":
        headers = _signed(workspace, body, now - 301)
    elif forgery == "body changed":
        body = _command_body(COORDINATOR, "help")
    calls_before = len(workspace.emulator.calls())
    status, text = _post(http, body, headers)
    assert status == 401
    assert "Coordinator" not in text
    assert len(workspace.emulator.calls()) == calls_before


def test_healthz(http: TestClient) -> None:
    response = http.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_healthz_is_503_when_the_database_takes_no_writes(
    workspace: LocalWorkspace, database: Database
) -> None:
    url = database.engine.url
    if url.get_backend_name() == "sqlite":
        read_only = Database.connect(f"sqlite:///file:{url.database}?mode=ro&uri=true")
    else:
        with database.engine.connect() as connection:
            connection.exec_driver_sql(
                f'ALTER DATABASE "{url.database}" SET default_transaction_read_only = on'
            )
            connection.commit()
        read_only = Database.connect(url.render_as_string(hide_password=False))
    with web_client(workspace, read_only) as client:
        response = client.get("/healthz")
    read_only.dispose()
    assert response.status_code == 503
    assert response.json() == {"status": "unhealthy", "database": "read-only"}
