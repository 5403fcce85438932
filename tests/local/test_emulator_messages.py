"""The emulator's messages: post, update, delete, ephemeral, DMs, metadata, history."""

from __future__ import annotations

import json
from typing import Any

import pytest
from slack_sdk import WebClient
from slack_sdk.webhook import WebhookClient

from bot.local.emulator import (
    DEFAULT_HISTORY_LIMIT,
    SlackEmulator,
)
from tests.local.emulator_support import (
    error_of,
    history,
    post,
    section,
)


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
