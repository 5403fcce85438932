"""The Slack emulator, driven only through a real slack_sdk WebClient over HTTP."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry import (
    FixedValueRetryIntervalCalculator,
    RateLimitErrorRetryHandler,
)
from slack_sdk.http_retry.builtin_handlers import ServerErrorRetryHandler
from slack_sdk.webhook import WebhookClient

from bot.local.emulator import (
    DEFAULT_HISTORY_LIMIT,
    MAX_ACTIONS_ELEMENTS,
    MAX_BUTTON_TEXT_CHARS,
    MAX_HEADER_TEXT_CHARS,
    MAX_ID_CHARS,
    MAX_MESSAGE_BLOCKS,
    MAX_MESSAGE_TEXT_CHARS,
    MAX_PRIVATE_METADATA_CHARS,
    MAX_RESPONSE_URL_USES,
    MAX_SECTION_FIELD_CHARS,
    MAX_SECTION_FIELDS,
    MAX_SECTION_TEXT_CHARS,
    MAX_VIEW_BLOCKS,
    MAX_VIEW_TITLE_CHARS,
    EmulatedChannel,
    EmulatedUser,
    SlackEmulator,
)

ALICE = EmulatedUser("U0ALICE", "alice", "Europe/Lisbon")
BOB = EmulatedUser("U0BOB", "bob")
GENERAL = EmulatedChannel("C0GENERAL", "general")
TRIGGER_TTL = 3.0

# slack_sdk warns whenever a message has blocks but no top-level text; some cases need exactly that.
no_text_warning = pytest.mark.filterwarnings("ignore:The top-level `text` argument is missing")


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture(scope="module")
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture(scope="module")
def running_emulator(clock: FakeClock) -> Iterator[SlackEmulator]:
    with SlackEmulator(
        users=[ALICE, BOB], channels=[GENERAL], trigger_ttl=TRIGGER_TTL, clock=clock
    ) as emulator:
        yield emulator


@pytest.fixture
def emulator(running_emulator: SlackEmulator) -> SlackEmulator:
    running_emulator.reset()
    return running_emulator


@pytest.fixture
def client(emulator: SlackEmulator) -> WebClient:
    return WebClient(base_url=emulator.api_url, token="xoxb-test")


def section(text: str, **extra: Any) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}, **extra}


def button(label: str, action_id: str = "press") -> dict[str, Any]:
    return {"type": "button", "text": {"type": "plain_text", "text": label}, "action_id": action_id}


def modal(title: str = "Plan", **extra: Any) -> dict[str, Any]:
    return {
        "type": "modal",
        "title": {"type": "plain_text", "text": title},
        "blocks": [section("hello")],
        **extra,
    }


def error_of(call: Callable[[], object]) -> SlackApiError:
    with pytest.raises(SlackApiError) as caught:
        call()
    return caught.value


# messages


def test_post_update_delete_round_trip(client: WebClient, emulator: SlackEmulator) -> None:
    posted = client.chat_postMessage(channel="C0GENERAL", text="draft", blocks=[section("draft")])
    assert posted["channel"] == "C0GENERAL"
    assert posted["message"]["text"] == "draft"
    ts = posted["ts"]

    updated = client.chat_update(channel="C0GENERAL", ts=ts, text="final", blocks=[section("v2")])
    assert updated["ts"] == ts

    [message] = emulator.messages("C0GENERAL")
    assert (message.text, message.blocks, message.updated) == ("final", [section("v2")], True)

    client.chat_delete(channel="C0GENERAL", ts=ts)
    assert emulator.messages("C0GENERAL") == []
    assert emulator.messages("C0GENERAL", include_deleted=True)[0].deleted


def test_update_keeps_fields_it_does_not_mention(
    client: WebClient, emulator: SlackEmulator
) -> None:
    ts = client.chat_postMessage(channel="C0GENERAL", text="old", blocks=[section("kept")])["ts"]
    client.chat_update(channel="C0GENERAL", ts=ts, text="new")
    [message] = emulator.messages()
    assert (message.text, message.blocks) == ("new", [section("kept")])


def test_timestamps_are_unique_and_increasing(client: WebClient) -> None:
    stamps = [client.chat_postMessage(channel="C0GENERAL", text=str(i))["ts"] for i in range(5)]
    assert stamps == sorted(stamps, key=float)
    assert len(set(stamps)) == 5


def test_ephemeral_message_names_its_reader(client: WebClient, emulator: SlackEmulator) -> None:
    response = client.chat_postEphemeral(channel="C0GENERAL", user="U0ALICE", text="only you")
    [message] = emulator.messages()
    assert (message.kind, message.user, message.ts) == (
        "ephemeral",
        "U0ALICE",
        response["message_ts"],
    )


def test_form_encoded_blocks_are_decoded(client: WebClient, emulator: SlackEmulator) -> None:
    client.api_call(
        "chat.postMessage",
        params={"channel": "C0GENERAL", "text": "hi", "blocks": json.dumps([section("form")])},
    )
    [call] = emulator.calls("chat.postMessage")
    assert call.params["blocks"] == [section("form")]
    assert emulator.messages()[0].blocks == [section("form")]


def test_channel_names_resolve_to_ids(client: WebClient) -> None:
    assert client.chat_postMessage(channel="#general", text="hi")["channel"] == "C0GENERAL"


def test_direct_messages(client: WebClient, emulator: SlackEmulator) -> None:
    opened = client.conversations_open(users="U0ALICE")["channel"]["id"]
    assert opened.startswith("D")
    assert client.conversations_open(users=["U0ALICE"])["channel"]["id"] == opened
    assert client.chat_postMessage(channel="U0ALICE", text="to a user id")["channel"] == opened
    client.chat_postMessage(channel=opened, text="to the DM")
    assert [m.text for m in emulator.messages("U0ALICE")] == ["to a user id", "to the DM"]
    info = client.conversations_info(channel=opened)["channel"]
    assert (info["is_im"], info["user"]) == (True, "U0ALICE")


def test_lookups(client: WebClient) -> None:
    assert client.auth_test()["user_id"] == "U0BOT"
    assert client.conversations_info(channel="C0GENERAL")["channel"]["name"] == "general"
    user = client.users_info(user="U0ALICE")["user"]
    assert (user["name"], user["tz"]) == ("alice", "Europe/Lisbon")


# message metadata

META = {"event_type": "meeting_scheduled", "event_payload": {"meeting_id": 7, "tags": ["wp2"]}}


def history(client: WebClient, channel: str = "C0GENERAL", **params: Any) -> list[dict[str, Any]]:
    messages: list[dict[str, Any]] = client.conversations_history(channel=channel, **params)[
        "messages"
    ]
    return messages


def test_metadata_round_trip(client: WebClient, emulator: SlackEmulator) -> None:
    posted = client.chat_postMessage(channel="C0GENERAL", text="planned", metadata=META)
    assert posted["message"]["metadata"] == META
    assert "warning" not in posted.data
    assert emulator.messages()[0].metadata == META

    [with_metadata] = history(client, include_all_metadata=True)
    assert (with_metadata["ts"], with_metadata["metadata"]) == (posted["ts"], META)
    [without] = history(client)
    assert "metadata" not in without
    [explicitly_without] = history(client, include_all_metadata=False)
    assert "metadata" not in explicitly_without


def test_form_encoded_metadata_is_decoded(client: WebClient, emulator: SlackEmulator) -> None:
    client.api_call(
        "chat.postMessage",
        params={"channel": "C0GENERAL", "text": "hi", "metadata": json.dumps(META)},
    )
    assert emulator.messages()[0].metadata == META


def test_update_replaces_keeps_and_removes_metadata(
    client: WebClient, emulator: SlackEmulator
) -> None:
    ts = client.chat_postMessage(channel="C0GENERAL", text="v1", metadata=META)["ts"]
    changed = {"event_type": "meeting_moved", "event_payload": {"meeting_id": 7}}
    updated = client.chat_update(channel="C0GENERAL", ts=ts, text="v2", metadata=changed)
    assert updated["message"]["metadata"] == changed

    client.chat_update(channel="C0GENERAL", ts=ts, text="v3")
    assert emulator.messages()[0].metadata == changed

    removed = client.chat_update(channel="C0GENERAL", ts=ts, text="v4", metadata={})
    assert "metadata" not in removed["message"]
    assert emulator.messages()[0].metadata is None
    assert "metadata" not in history(client, include_all_metadata=True)[0]
    # Only chat.update gives an empty object that meaning.
    error = error_of(lambda: client.chat_postMessage(channel="C0GENERAL", text="x", metadata={}))
    assert error.response["error"] == "invalid_metadata_format"


INVALID_METADATA = [
    pytest.param("not json", id="not-json"),
    pytest.param([META], id="array"),
    pytest.param({"event_payload": {"a": 1}}, id="no-event-type"),
    pytest.param({"event_type": "", "event_payload": {"a": 1}}, id="empty-event-type"),
    pytest.param({"event_type": 5, "event_payload": {"a": 1}}, id="event-type-not-a-string"),
    pytest.param({"event_type": "moved"}, id="no-event-payload"),
    pytest.param({"event_type": "moved", "event_payload": [1]}, id="event-payload-not-an-object"),
]


@pytest.mark.parametrize("metadata", INVALID_METADATA)
def test_invalid_metadata_is_rejected(
    client: WebClient, emulator: SlackEmulator, metadata: Any
) -> None:
    error = error_of(
        lambda: client.chat_postMessage(channel="C0GENERAL", text="x", metadata=metadata)
    )
    assert error.response["error"] == "invalid_metadata_format"
    assert error.response["response_metadata"]["messages"]
    assert emulator.messages() == []

    ts = client.chat_postMessage(channel="C0GENERAL", text="kept", metadata=META)["ts"]
    error = error_of(
        lambda: client.chat_update(channel="C0GENERAL", ts=ts, text="new", metadata=metadata)
    )
    assert error.response["error"] == "invalid_metadata_format"
    [message] = emulator.messages()
    assert (message.text, message.metadata) == ("kept", META)


def test_metadata_with_an_invalid_event_type_is_ignored_with_a_warning(
    client: WebClient, emulator: SlackEmulator
) -> None:
    odd = {"event_type": "meeting.scheduled", "event_payload": {"meeting_id": 7}}
    posted = client.chat_postMessage(channel="C0GENERAL", text="x", metadata=odd)
    assert posted["warning"] == "invalid_metadata_schema"
    assert posted["response_metadata"]["warnings"] == ["invalid_metadata_schema"]
    assert "metadata" not in posted["message"]
    assert emulator.messages()[0].metadata is None


# conversations.history


def post(client: WebClient, text: str, channel: str = "C0GENERAL", **extra: Any) -> str:
    ts: str = client.chat_postMessage(channel=channel, text=text, **extra)["ts"]
    return ts


def test_history_lists_newest_first_in_slack_shape(
    client: WebClient, emulator: SlackEmulator
) -> None:
    first = post(client, "first", blocks=[section("first")])
    second = post(client, "second")
    response = client.conversations_history(channel="C0GENERAL")
    assert {k: response[k] for k in ("ok", "has_more", "pin_count", "response_metadata")} == {
        "ok": True,
        "has_more": False,
        "pin_count": 0,
        "response_metadata": {"next_cursor": ""},
    }
    newest, oldest = response["messages"]
    assert (newest["ts"], newest["text"], newest["blocks"]) == (second, "second", [])
    assert (oldest["ts"], oldest["blocks"]) == (first, [section("first")])
    assert {"type": "message", "user": "U0BOT", "bot_id": "B0BOT"}.items() <= oldest.items()
    assert "thread_ts" not in oldest
    [call] = emulator.calls("conversations.history")
    assert (call.status, call.params["channel"]) == (200, "C0GENERAL")
    assert history(client, "#general") == response["messages"]


def test_history_keeps_to_its_channel(client: WebClient) -> None:
    post(client, "general")
    opened = client.conversations_open(users="U0ALICE")["channel"]["id"]
    post(client, "dm", channel=opened)
    post(client, "to a user id", channel="U0BOB")
    assert [m["text"] for m in history(client)] == ["general"]
    assert [m["text"] for m in history(client, opened)] == ["dm"]
    bob_dm = client.conversations_open(users="U0BOB")["channel"]["id"]
    assert [m["text"] for m in history(client, bob_dm)] == ["to a user id"]
    assert [m["text"] for m in history(client, "U0BOB")] == ["to a user id"]


def test_history_window_is_exclusive_unless_inclusive(client: WebClient) -> None:
    stamps = [post(client, str(i)) for i in range(5)]

    def texts(**window: Any) -> list[str]:
        return [m["text"] for m in history(client, **window)]

    assert texts(oldest=stamps[1], latest=stamps[3]) == ["2"]
    assert texts(oldest=stamps[1], latest=stamps[3], inclusive=True) == ["3", "2", "1"]
    assert texts(oldest=stamps[2]) == ["4", "3"]
    assert texts(oldest=stamps[2], inclusive=True) == ["4", "3", "2"]
    assert texts(latest=stamps[2]) == ["1", "0"]
    assert texts(latest=stamps[2], inclusive=True) == ["2", "1", "0"]
    assert texts(oldest=stamps[4]) == []
    whole_seconds = str(int(float(stamps[0])))
    assert texts(oldest=whole_seconds, inclusive=True) == ["4", "3", "2", "1", "0"]


def test_history_pages_with_limit_and_cursor(client: WebClient) -> None:
    stamps = [post(client, str(i)) for i in range(5)]
    pages: list[list[str]] = []
    cursor = None
    while True:
        response = client.conversations_history(channel="C0GENERAL", limit=2, cursor=cursor)
        pages.append([m["ts"] for m in response["messages"]])
        cursor = response["response_metadata"]["next_cursor"]
        assert response["has_more"] == bool(cursor)
        if not cursor:
            break
    assert pages == [stamps[4:2:-1], stamps[2:0:-1], stamps[:1]]

    # A cursor stays within the window it was issued for.
    first = client.conversations_history(channel="C0GENERAL", limit=1, oldest=stamps[2])
    assert [m["ts"] for m in first["messages"]] == [stamps[4]]
    cursor = first["response_metadata"]["next_cursor"]
    rest = client.conversations_history(channel="C0GENERAL", oldest=stamps[2], cursor=cursor)
    assert ([m["ts"] for m in rest["messages"]], rest["has_more"]) == ([stamps[3]], False)


def test_history_limit_defaults_to_a_hundred(client: WebClient) -> None:
    for i in range(DEFAULT_HISTORY_LIMIT + 1):
        post(client, str(i))
    response = client.conversations_history(channel="C0GENERAL")
    assert (len(response["messages"]), response["has_more"]) == (DEFAULT_HISTORY_LIMIT, True)
    assert response["messages"][-1]["text"] == "1"
    # Slack answers at most 999 messages a page rather than refusing a larger limit.
    assert len(history(client, limit=5000)) == DEFAULT_HISTORY_LIMIT + 1


def test_history_leaves_out_replies_deleted_and_private_messages(
    client: WebClient, emulator: SlackEmulator
) -> None:
    parent = post(client, "parent")
    post(client, "quiet reply", thread_ts=parent)
    broadcast = post(client, "loud reply", thread_ts=parent, reply_broadcast=True)
    gone = post(client, "deleted")
    client.chat_delete(channel="C0GENERAL", ts=gone)
    deleted_reply = post(client, "deleted reply", thread_ts=parent)
    client.chat_delete(channel="C0GENERAL", ts=deleted_reply)
    client.chat_postEphemeral(channel="C0GENERAL", user="U0ALICE", text="ephemeral")
    WebhookClient(emulator.new_response_url(channel="C0GENERAL")).send(
        text="via response_url", response_type="in_channel"
    )
    assert len(emulator.messages("C0GENERAL")) == 5

    loud, root = history(client)
    assert (loud["ts"], loud["subtype"], loud["thread_ts"]) == (
        broadcast,
        "thread_broadcast",
        parent,
    )
    assert (root["ts"], root["thread_ts"], root["reply_count"]) == (parent, parent, 2)
    assert (root["latest_reply"], root["reply_users"]) == (broadcast, ["U0BOT"])


# Slack's validation


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


def test_trigger_expires(client: WebClient, emulator: SlackEmulator, clock: FakeClock) -> None:
    fresh, stale = emulator.issue_trigger_id(), emulator.issue_trigger_id()
    clock.now += TRIGGER_TTL
    assert client.views_open(trigger_id=fresh, view=modal())["ok"]
    clock.now += 0.01
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


def test_rate_limit_reaches_the_client(client: WebClient, emulator: SlackEmulator) -> None:
    emulator.inject_fault("chat.postMessage", status=429, retry_after=7)
    client.retry_handlers = []
    error = error_of(lambda: client.chat_postMessage(channel="C0GENERAL", text="x"))
    assert error.response.status_code == 429
    assert error.response.headers["Retry-After"] == "7"
    assert error.response["error"] == "ratelimited"
    assert client.chat_postMessage(channel="C0GENERAL", text="x")["ok"]
    assert [c.status for c in emulator.calls("chat.postMessage")] == [429, 200]


def test_rate_limit_retry_handler_recovers(emulator: SlackEmulator) -> None:
    client = WebClient(
        base_url=emulator.api_url,
        token="xoxb-test",
        retry_handlers=[RateLimitErrorRetryHandler(max_retry_count=1)],
    )
    emulator.inject_fault("chat.postMessage", status=429, retry_after=0)
    assert client.chat_postMessage(channel="C0GENERAL", text="x")["ok"]
    calls = emulator.calls("chat.postMessage")
    assert [c.status for c in calls] == [429, 200]
    assert calls[0].params == calls[1].params
    assert len(emulator.messages()) == 1


def test_server_error_retry_handler_recovers(emulator: SlackEmulator) -> None:
    client = WebClient(
        base_url=emulator.api_url,
        token="xoxb-test",
        retry_handlers=[
            ServerErrorRetryHandler(
                max_retry_count=1, interval_calculator=FixedValueRetryIntervalCalculator(0.0)
            )
        ],
    )
    emulator.inject_fault("users.info", status=500)
    assert client.users_info(user="U0BOB")["user"]["name"] == "bob"
    assert [c.status for c in emulator.calls("users.info")] == [500, 200]


def test_server_error_without_retry(client: WebClient, emulator: SlackEmulator) -> None:
    emulator.inject_fault("auth.test", status=503, times=2)
    for _ in range(2):
        assert error_of(client.auth_test).response.status_code == 503
    assert client.auth_test()["ok"]


def test_ok_false_fault(client: WebClient, emulator: SlackEmulator) -> None:
    emulator.inject_fault("chat.postMessage", status=200, error="fatal_error")
    error = error_of(lambda: client.chat_postMessage(channel="C0GENERAL", text="x"))
    assert (error.response.status_code, error.response["error"]) == (200, "fatal_error")
    assert emulator.messages() == []


def test_invalid_fault_arguments(emulator: SlackEmulator) -> None:
    with pytest.raises(ValueError):
        emulator.inject_fault("auth.test", status=200)
    with pytest.raises(ValueError):
        emulator.inject_fault("auth.test", times=0)


# chat.postMessage rate limit


RANDOM = EmulatedChannel("C0RANDOM", "random")


@pytest.fixture
def limited_clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def limited(limited_clock: FakeClock) -> Iterator[SlackEmulator]:
    with SlackEmulator(
        users=[ALICE], channels=[GENERAL, RANDOM], clock=limited_clock, post_rate_limit=(1.0, 3)
    ) as emulator:
        yield emulator


@pytest.fixture
def limited_client(limited: SlackEmulator) -> WebClient:
    # No retry handlers: the test sees every 429 rather than the client sleeping through it.
    return WebClient(base_url=limited.api_url, token="xoxb-test", retry_handlers=[])


def rate_limited(client: WebClient, channel: str = "C0GENERAL") -> SlackApiError:
    error = error_of(lambda: client.chat_postMessage(channel=channel, text="too soon"))
    assert (error.response.status_code, error.response.data) == (
        429,
        {"ok": False, "error": "ratelimited"},
    )
    return error


def test_post_rate_limit_allows_a_burst_then_answers_429(
    limited_client: WebClient, limited: SlackEmulator, limited_clock: FakeClock
) -> None:
    for i in range(3):
        post(limited_client, f"burst {i}")
    error = rate_limited(limited_client)
    assert error.response.headers["Retry-After"] == "1"
    calls = limited.calls("chat.postMessage")
    assert [c.status for c in calls] == [200, 200, 200, 429]
    assert calls[-1].params["text"] == "too soon"
    assert calls[-1].response == {"ok": False, "error": "ratelimited"}
    assert len(limited.messages()) == 3

    limited_clock.now += 1
    post(limited_client, "after a second")
    rate_limited(limited_client)
    assert [m.text for m in limited.messages()][-1] == "after a second"
    assert len(limited.messages()) == 4


def test_post_rate_limit_is_per_channel(limited_client: WebClient, limited: SlackEmulator) -> None:
    for _ in range(3):
        post(limited_client, "general")
    rate_limited(limited_client)
    rate_limited(limited_client, "#general")
    post(limited_client, "random", channel="C0RANDOM")
    post(limited_client, "dm", channel="U0ALICE")
    assert [m.channel for m in limited.messages()][-2:] == ["C0RANDOM", "DU0ALICE"]
    # Other methods are not limited.
    assert limited_client.chat_postEphemeral(channel="C0GENERAL", user="U0ALICE", text="x")["ok"]


def test_post_rate_limit_counts_rejected_posts_but_not_unknown_channels(
    limited_client: WebClient, limited: SlackEmulator
) -> None:
    for _ in range(3):
        error = error_of(lambda: limited_client.chat_postMessage(channel="C0NOPE", text="x"))
        assert error.response["error"] == "channel_not_found"
    bad = [{"type": "nope"}]
    for _ in range(3):
        error = error_of(
            lambda: limited_client.chat_postMessage(channel="C0GENERAL", text="x", blocks=bad)
        )
        assert error.response["error"] == "invalid_blocks"
    rate_limited(limited_client)
    assert limited.messages() == []


def test_retry_after_rounds_up_to_the_next_token(
    limited_client: WebClient, limited: SlackEmulator, limited_clock: FakeClock
) -> None:
    limited.set_post_rate_limit(0.25, burst=1)
    post(limited_client, "one")
    assert rate_limited(limited_client).response.headers["Retry-After"] == "4"
    limited_clock.now += 2.5
    assert rate_limited(limited_client).response.headers["Retry-After"] == "2"
    limited_clock.now += 1.5
    post(limited_client, "two")
    # A long pause refills the bucket only up to the burst.
    limited_clock.now += 60
    post(limited_client, "three")
    rate_limited(limited_client)


def test_set_post_rate_limit_at_run_time(
    limited_client: WebClient, limited: SlackEmulator, limited_clock: FakeClock
) -> None:
    limited.set_post_rate_limit(None)
    for i in range(10):
        post(limited_client, str(i))
    limited.set_post_rate_limit(2.0, burst=2)
    post(limited_client, "a")
    post(limited_client, "b")
    rate_limited(limited_client)
    limited_clock.now += 0.5
    post(limited_client, "c")
    # reset() refills every bucket but keeps the limit.
    limited.reset()
    post(limited_client, "d")
    post(limited_client, "e")
    rate_limited(limited_client)


@pytest.mark.parametrize(("rate", "burst"), [(0.0, 1), (-1.0, 1), (float("inf"), 1), (1.0, 0)])
def test_invalid_rate_limits(rate: float, burst: int) -> None:
    with pytest.raises(ValueError):
        SlackEmulator(post_rate_limit=(rate, burst))
    with pytest.raises(ValueError):
        SlackEmulator().set_post_rate_limit(rate, burst)


# files


def test_files_upload_v2_end_to_end(client: WebClient, emulator: SlackEmulator) -> None:
    content = b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nX-BYTES:\x00\xff\xfe\r\nEND:VCALENDAR\r\n"
    response = client.files_upload_v2(
        channel="C0GENERAL",
        content=content,
        filename="meetings.ics",
        title="Meetings",
        initial_comment="The calendar",
    )
    file_id = response["file"]["id"]
    assert response["file"]["mimetype"] == "text/calendar"

    [uploaded] = emulator.files()
    assert (uploaded.id, uploaded.content, uploaded.channel_id) == (file_id, content, "C0GENERAL")
    assert (uploaded.filename, uploaded.title) == ("meetings.ics", "Meetings")
    [message] = emulator.messages("C0GENERAL")
    assert (message.text, message.file_ids) == ("The calendar", [file_id])
    assert [c.method for c in emulator.calls()] == [
        "files.getUploadURLExternal",
        "upload_url",
        "files.completeUploadExternal",
    ]
    assert client.files_info(file=file_id)["file"]["size"] == len(content)


def test_complete_upload_requires_the_bytes(client: WebClient) -> None:
    file_id = client.files_getUploadURLExternal(filename="a.txt", length=3)["file_id"]
    error = error_of(lambda: client.files_completeUploadExternal(files=[{"id": file_id}]))
    assert error.response["error"] == "file_not_found"


# response_url


def test_response_url_allows_five_uses(emulator: SlackEmulator) -> None:
    webhook = WebhookClient(emulator.new_response_url(channel="C0GENERAL", user="U0BOB"))
    for use in range(MAX_RESPONSE_URL_USES):
        assert webhook.send(text=f"reply {use}", response_type="in_channel").status_code == 200
    assert webhook.send(text="one too many").status_code == 404
    messages = emulator.messages("C0GENERAL")
    assert [m.kind for m in messages] == ["response_url"] * MAX_RESPONSE_URL_USES
    assert messages[0].response_type == "in_channel"
    calls = emulator.calls("response_url")
    assert [c.status for c in calls] == [200] * MAX_RESPONSE_URL_USES + [404]
    assert calls[0].params["text"] == "reply 0"


def test_response_url_validates_and_replaces(emulator: SlackEmulator) -> None:
    webhook = WebhookClient(emulator.new_response_url())
    assert webhook.send(text="x", blocks=[{"type": "bogus"}]).status_code == 400
    assert webhook.send(text="new", replace_original=True).status_code == 200
    assert webhook.send(delete_original=True).status_code == 200
    replaced, deleted = emulator.messages()
    assert (replaced.replace_original, replaced.response_type) == (True, "ephemeral")
    assert deleted.delete_original


# waiting and bookkeeping


def test_wait_for_calls_from_another_thread(client: WebClient, emulator: SlackEmulator) -> None:
    posting = threading.Thread(
        target=lambda: [client.chat_postMessage(channel="C0GENERAL", text=str(i)) for i in (1, 2)]
    )
    posting.start()
    calls = emulator.wait_for_calls("chat.postMessage", 2, timeout=5)
    posting.join()
    assert [c.params["text"] for c in calls] == ["1", "2"]


def test_wait_for_calls_reports_what_arrived(client: WebClient, emulator: SlackEmulator) -> None:
    client.auth_test()
    with pytest.raises(AssertionError, match=r"got 0.*auth\.test -> 200"):
        emulator.wait_for_calls("chat.postMessage", 1, timeout=0.05)


def test_reset_forgets_activity_but_keeps_the_workspace(
    client: WebClient, emulator: SlackEmulator
) -> None:
    client.chat_postMessage(channel="C0GENERAL", text="x")
    emulator.reset()
    assert (emulator.calls(), emulator.messages()) == ([], [])
    assert client.users_info(user="U0ALICE")["ok"]


def test_each_emulator_gets_its_own_port() -> None:
    with SlackEmulator() as first, SlackEmulator() as second:
        assert first.base_url != second.base_url
        assert first.api_url.endswith("/api/")
    with pytest.raises(RuntimeError):
        _ = first.api_url
