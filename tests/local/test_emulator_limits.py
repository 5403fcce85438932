"""The emulator refuses what Slack refuses: Block Kit and view limits, tokens, triggers."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from slack_sdk import WebClient

from bot.local.emulator import (
    MAX_ACTIONS_ELEMENTS,
    MAX_BUTTON_TEXT_CHARS,
    MAX_HEADER_TEXT_CHARS,
    MAX_ID_CHARS,
    MAX_MESSAGE_BLOCKS,
    MAX_MESSAGE_TEXT_CHARS,
    MAX_PRIVATE_METADATA_CHARS,
    MAX_SECTION_FIELD_CHARS,
    MAX_SECTION_FIELDS,
    MAX_SECTION_TEXT_CHARS,
    MAX_VIEW_BLOCKS,
    MAX_VIEW_TITLE_CHARS,
    SlackEmulator,
)
from tests.local.emulator_support import (
    TRIGGER_TTL,
    FakeClock,
    button,
    error_of,
    modal,
    no_text_warning,
    section,
)


def _post(blocks: list[dict[str, Any]]) -> Callable[[WebClient], object]:
    return lambda client: client.chat_postMessage(channel="C0GENERAL", text="t", blocks=blocks)


def _actions(elements: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{"type": "actions", "elements": elements}]


def _header(length: int) -> list[dict[str, Any]]:
    return [{"type": "header", "text": {"type": "plain_text", "text": "h" * length}}]


def _fields(count: int, length: int = 5) -> list[dict[str, Any]]:
    field = {"type": "mrkdwn", "text": "f" * length}
    return [{"type": "section", "fields": [field] * count}]


BLOCK_LIMITS = [
    pytest.param(
        lambda n: [section(str(i)) for i in range(n)], MAX_MESSAGE_BLOCKS, "/blocks", id="blocks"
    ),
    pytest.param(
        lambda n: [section("s" * n)], MAX_SECTION_TEXT_CHARS, "/blocks/0/text/text", id="section"
    ),
    pytest.param(_header, MAX_HEADER_TEXT_CHARS, "/blocks/0/text/text", id="header"),
    pytest.param(_fields, MAX_SECTION_FIELDS, "/blocks/0/fields", id="field-count"),
    pytest.param(
        lambda n: _fields(1, n), MAX_SECTION_FIELD_CHARS, "/blocks/0/fields/0/text", id="field"
    ),
    pytest.param(
        lambda n: _actions([button("b", f"a{i}") for i in range(n)]),
        MAX_ACTIONS_ELEMENTS,
        "/blocks/0/elements",
        id="actions",
    ),
    pytest.param(
        lambda n: [section("x", block_id="b" * n)],
        MAX_ID_CHARS,
        "/blocks/0/block_id",
        id="block_id",
    ),
    pytest.param(
        lambda n: _actions([button("b", "a" * n)]),
        MAX_ID_CHARS,
        "/blocks/0/elements/0/action_id",
        id="action_id",
    ),
    pytest.param(
        lambda n: _actions([button("b" * n)]),
        MAX_BUTTON_TEXT_CHARS,
        "/blocks/0/elements/0/text/text",
        id="button",
    ),
]


@pytest.mark.parametrize(("make_blocks", "limit", "pointer"), BLOCK_LIMITS)
def test_message_block_limits(
    client: WebClient,
    make_blocks: Callable[[int], list[dict[str, Any]]],
    limit: int,
    pointer: str,
) -> None:
    assert _post(make_blocks(limit))(client) is not None
    error = error_of(lambda: _post(make_blocks(limit + 1))(client))
    assert error.response["error"] == "invalid_blocks"
    assert any(pointer in m for m in error.response["response_metadata"]["messages"])


@no_text_warning
@pytest.mark.parametrize(
    ("call", "expected"),
    [
        pytest.param(
            lambda c: c.chat_postMessage(channel="C0NOPE", text="x"), "channel_not_found", id="chan"
        ),
        pytest.param(lambda c: c.chat_postMessage(channel="C0GENERAL"), "no_text", id="no_text"),
        pytest.param(
            lambda c: c.chat_postMessage(channel="C0GENERAL", blocks=[]), "no_text", id="empty"
        ),
        pytest.param(
            lambda c: c.chat_postMessage(
                channel="C0GENERAL", text="x" * (MAX_MESSAGE_TEXT_CHARS + 1)
            ),
            "msg_too_long",
            id="long",
        ),
        pytest.param(
            lambda c: c.chat_postMessage(channel="C0GENERAL", text="x", blocks=[{"type": "nope"}]),
            "invalid_blocks",
            id="block-type",
        ),
        pytest.param(
            lambda c: c.chat_postEphemeral(channel="C0GENERAL", user="U0NOPE", text="x"),
            "user_not_found",
            id="ephemeral-user",
        ),
        pytest.param(
            lambda c: c.chat_update(channel="C0GENERAL", ts="1.000001", text="x"),
            "message_not_found",
            id="update",
        ),
        pytest.param(
            lambda c: c.chat_delete(channel="C0GENERAL", ts="1.000001"),
            "message_not_found",
            id="delete",
        ),
        pytest.param(lambda c: c.users_info(user="U0NOPE"), "user_not_found", id="users"),
        pytest.param(lambda c: c.conversations_open(users="U0NOPE"), "user_not_found", id="open"),
        pytest.param(lambda c: c.files_info(file="F0NOPE"), "file_not_found", id="file"),
        pytest.param(lambda c: c.api_call("chat.levitate"), "unknown_method", id="method"),
        pytest.param(
            lambda c: c.conversations_history(channel="C0NOPE"),
            "channel_not_found",
            id="history-channel",
        ),
        pytest.param(
            lambda c: c.api_call("conversations.history", http_verb="GET", params={}),
            "channel_not_found",
            id="history-no-channel",
        ),
        pytest.param(
            lambda c: c.conversations_history(channel="C0GENERAL", oldest="yesterday"),
            "invalid_ts_oldest",
            id="history-oldest",
        ),
        pytest.param(
            lambda c: c.conversations_history(channel="C0GENERAL", latest="1.2.3"),
            "invalid_ts_latest",
            id="history-latest",
        ),
        pytest.param(
            lambda c: c.conversations_history(channel="C0GENERAL", cursor="bm90IGEgY3Vyc29y"),
            "invalid_cursor",
            id="history-cursor",
        ),
        pytest.param(
            lambda c: c.conversations_history(channel="C0GENERAL", limit=0),
            "invalid_arguments",
            id="history-limit",
        ),
    ],
)
def test_rejected_calls(
    client: WebClient, emulator: SlackEmulator, call: Callable[[WebClient], object], expected: str
) -> None:
    error = error_of(lambda: call(client))
    assert error.response.status_code == 200
    assert error.response["error"] == expected
    assert error.response["response_metadata"]["messages"]
    assert emulator.calls()[-1].response["error"] == expected


@pytest.mark.parametrize(
    ("token", "expected"), [(None, "not_authed"), ("not-a-slack-token", "invalid_auth")]
)
def test_tokens_are_checked(emulator: SlackEmulator, token: str | None, expected: str) -> None:
    client = WebClient(base_url=emulator.api_url, token=token)
    assert error_of(client.auth_test).response["error"] == expected


def _modal_with_input() -> dict[str, Any]:
    view = modal()
    view["blocks"] = [
        {
            "type": "input",
            "label": {"type": "plain_text", "text": "Name"},
            "element": {"type": "plain_text_input", "action_id": "name"},
        }
    ]
    return view


VIEW_PROBLEMS = [
    pytest.param(modal("t" * (MAX_VIEW_TITLE_CHARS + 1)), "/view/title/text", id="title"),
    pytest.param(
        modal(submit={"type": "plain_text", "text": "s" * (MAX_VIEW_TITLE_CHARS + 1)}),
        "/view/submit/text",
        id="submit",
    ),
    pytest.param(
        modal(close={"type": "plain_text", "text": "c" * (MAX_VIEW_TITLE_CHARS + 1)}),
        "/view/close/text",
        id="close",
    ),
    pytest.param(
        modal(private_metadata="m" * (MAX_PRIVATE_METADATA_CHARS + 1)),
        "/view/private_metadata",
        id="metadata",
    ),
    pytest.param(
        modal(blocks=[section(str(i)) for i in range(MAX_VIEW_BLOCKS + 1)]),
        "/view/blocks",
        id="blocks",
    ),
    pytest.param(modal(blocks=[section("s" * 3001)]), "/view/blocks/0/text/text", id="section"),
    pytest.param(_modal_with_input(), "/view/submit", id="input-without-submit"),
    pytest.param({"type": "home", "blocks": []}, "/view/type", id="not-a-modal"),
]


@pytest.mark.parametrize(("view", "pointer"), VIEW_PROBLEMS)
def test_invalid_views_are_rejected_and_keep_the_trigger(
    client: WebClient, emulator: SlackEmulator, view: dict[str, Any], pointer: str
) -> None:
    trigger_id = emulator.issue_trigger_id()
    error = error_of(lambda: client.views_open(trigger_id=trigger_id, view=view))
    assert error.response["error"] == "invalid_arguments"
    assert any(pointer in m for m in error.response["response_metadata"]["messages"])
    assert client.views_open(trigger_id=trigger_id, view=modal())["ok"]


def test_view_limits_are_inclusive(client: WebClient, emulator: SlackEmulator) -> None:
    view = modal(
        "t" * MAX_VIEW_TITLE_CHARS,
        private_metadata="m" * MAX_PRIVATE_METADATA_CHARS,
        blocks=[section(str(i)) for i in range(MAX_VIEW_BLOCKS)],
    )
    assert client.views_open(trigger_id=emulator.issue_trigger_id(), view=view)["ok"]


def test_home_tab_rejects_too_many_blocks(client: WebClient) -> None:
    view = {"type": "home", "blocks": [section(str(i)) for i in range(MAX_VIEW_BLOCKS + 1)]}
    error = error_of(lambda: client.views_publish(user_id="U0ALICE", view=view))
    assert error.response["error"] == "invalid_arguments"


# triggers and views


def test_trigger_is_single_use(client: WebClient, emulator: SlackEmulator) -> None:
    trigger_id = emulator.issue_trigger_id()
    opened = client.views_open(trigger_id=trigger_id, view=modal())["view"]
    assert opened["id"].startswith("V") and opened["hash"]
    error = error_of(lambda: client.views_open(trigger_id=trigger_id, view=modal()))
    assert error.response["error"] == "exchanged_trigger_id"


def test_trigger_expires(client: WebClient, emulator: SlackEmulator, monotonic: FakeClock) -> None:
    fresh, stale = emulator.issue_trigger_id(), emulator.issue_trigger_id()
    monotonic.now += TRIGGER_TTL
    assert client.views_open(trigger_id=fresh, view=modal())["ok"]
    monotonic.now += 0.01
    error = error_of(lambda: client.views_open(trigger_id=stale, view=modal()))
    assert error.response["error"] == "expired_trigger_id"


def test_unknown_trigger(client: WebClient) -> None:
    error = error_of(lambda: client.views_open(trigger_id="1.2.3", view=modal()))
    assert error.response["error"] == "invalid_trigger_id"


def test_views_push_needs_a_trigger_too(client: WebClient, emulator: SlackEmulator) -> None:
    assert client.views_push(trigger_id=emulator.issue_trigger_id(), view=modal())["ok"]
    error = error_of(lambda: client.views_push(trigger_id="1.2.3", view=modal()))
    assert error.response["error"] == "invalid_trigger_id"


def test_views_update_checks_the_hash(client: WebClient, emulator: SlackEmulator) -> None:
    view = modal(external_id="plan-1")
    opened = client.views_open(trigger_id=emulator.issue_trigger_id(), view=view)["view"]
    updated = client.views_update(view_id=opened["id"], hash=opened["hash"], view=modal("Step 2"))
    assert updated["view"]["id"] == opened["id"]
    assert updated["view"]["hash"] != opened["hash"]

    stale = error_of(
        lambda: client.views_update(view_id=opened["id"], hash=opened["hash"], view=modal())
    )
    assert stale.response["error"] == "hash_conflict"
    by_external_id = client.views_update(external_id="plan-1", view=modal("Step 3"))
    assert by_external_id["view"]["id"] == opened["id"]
    assert emulator.views()[opened["id"]]["title"]["text"] == "Step 3"
    missing = error_of(lambda: client.views_update(view_id="V0NOPE", view=modal()))
    assert missing.response["error"] == "not_found"


def test_home_tab_is_one_view_per_user(client: WebClient, emulator: SlackEmulator) -> None:
    first = client.views_publish(user_id="U0ALICE", view={"type": "home", "blocks": []})
    second = client.views_publish(
        user_id="U0ALICE", view={"type": "home", "blocks": [section("hi")]}
    )
    assert first["view"]["id"] == second["view"]["id"]
    views = emulator.views()
    assert list(views) == [first["view"]["id"]]
    view = views[first["view"]["id"]]
    assert (view["type"], view["user"], view["blocks"]) == ("home", "U0ALICE", [section("hi")])
    error = error_of(lambda: client.views_publish(user_id="U0NOPE", view={"type": "home"}))
    assert error.response["error"] == "user_not_found"


# faults
