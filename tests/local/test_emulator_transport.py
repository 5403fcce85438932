"""Connections dropped, answered late or held, before or after the emulator processed the call;
and threads read back with conversations.replies."""

from __future__ import annotations

import threading
from http.client import RemoteDisconnected
from urllib.error import URLError

import pytest
from slack_sdk import WebClient

from bot.local.emulator import SlackEmulator
from tests.local.emulator_support import error_of


def bare_client(emulator: SlackEmulator, timeout: int = 30) -> WebClient:
    """A client that never retries, so each fault reaches the caller as it happened."""
    return WebClient(
        base_url=emulator.api_url, token="xoxb-test", timeout=timeout, retry_handlers=[]
    )


def test_a_connection_dropped_after_processing_leaves_the_message_stored(
    emulator: SlackEmulator,
) -> None:
    emulator.drop_connection("chat.postMessage", processed=True)
    client = bare_client(emulator)
    with pytest.raises((RemoteDisconnected, URLError, ConnectionError)):
        client.chat_postMessage(channel="C0GENERAL", text="stored, never answered")
    assert [m.text for m in emulator.messages("C0GENERAL")] == ["stored, never answered"]
    # The next call is answered as usual.
    assert client.chat_postMessage(channel="C0GENERAL", text="second")["ok"]


def test_a_connection_dropped_before_processing_stores_nothing(emulator: SlackEmulator) -> None:
    emulator.drop_connection("chat.postMessage", processed=False)
    client = bare_client(emulator)
    with pytest.raises((RemoteDisconnected, URLError, ConnectionError)):
        client.chat_postMessage(channel="C0GENERAL", text="lost on the way")
    assert emulator.messages("C0GENERAL") == []
    assert [(c.status, c.response["error"]) for c in emulator.calls("chat.postMessage")] == [
        (0, "connection_dropped")
    ]


def test_an_answer_after_the_clients_timeout_comes_from_a_call_that_succeeded(
    emulator: SlackEmulator,
) -> None:
    emulator.delay_answer("chat.postMessage", 2.0)
    client = bare_client(emulator, timeout=1)
    with pytest.raises((TimeoutError, URLError)):
        client.chat_postMessage(channel="C0GENERAL", text="slow")
    assert [m.text for m in emulator.messages("C0GENERAL")] == ["slow"]


def test_a_held_call_waits_at_its_step_until_released(emulator: SlackEmulator) -> None:
    before = emulator.hold_calls("chat.postMessage", processed=False)
    client = bare_client(emulator)
    answers: list[bool] = []
    caller = threading.Thread(
        target=lambda: answers.append(client.chat_postMessage(channel="C0GENERAL", text="x")["ok"])
    )
    caller.start()
    before.wait_until_held()
    assert emulator.messages() == [] and answers == []
    before.release()
    caller.join(timeout=5)
    assert answers == [True] and len(emulator.messages()) == 1

    after = emulator.hold_calls("chat.postMessage", processed=True)
    caller = threading.Thread(target=lambda: client.chat_postMessage(channel="C0GENERAL", text="y"))
    caller.start()
    after.wait_until_held()
    assert [m.text for m in emulator.messages()] == ["x", "y"]  # stored, not yet answered
    after.release()
    caller.join(timeout=5)
    assert not caller.is_alive()


def test_fault_arguments_are_checked(emulator: SlackEmulator) -> None:
    with pytest.raises(ValueError, match="times"):
        emulator.drop_connection("chat.postMessage", times=0)
    with pytest.raises(ValueError, match="seconds"):
        emulator.delay_answer("chat.postMessage", float("nan"))


def test_replies_list_the_parent_then_the_thread_with_metadata_when_asked(
    client: WebClient, emulator: SlackEmulator
) -> None:
    parent = client.chat_postMessage(channel="C0GENERAL", text="parent")["ts"]
    metadata = {"event_type": "delivery", "event_payload": {"key": "k#2"}}
    client.chat_postMessage(channel="C0GENERAL", thread_ts=parent, text="one", metadata=metadata)
    client.chat_postMessage(channel="C0GENERAL", thread_ts=parent, text="two")
    client.chat_postMessage(channel="C0GENERAL", text="elsewhere")

    thread = client.conversations_replies(channel="C0GENERAL", ts=parent, include_all_metadata=True)
    assert [m["text"] for m in thread["messages"]] == ["parent", "one", "two"]
    assert thread["messages"][0]["reply_count"] == 2
    assert thread["messages"][1]["metadata"] == metadata
    plain = client.conversations_replies(channel="C0GENERAL", ts=parent)
    assert "metadata" not in plain["messages"][1]

    paged = client.conversations_replies(channel="C0GENERAL", ts=parent, limit=2)
    assert paged["has_more"]
    rest = client.conversations_replies(
        channel="C0GENERAL", ts=parent, cursor=paged["response_metadata"]["next_cursor"]
    )
    assert [m["text"] for m in rest["messages"]] == ["two"]

    unknown = error_of(lambda: client.conversations_replies(channel="C0GENERAL", ts="1.000001"))
    assert unknown.response["error"] == "thread_not_found"


def test_a_500_after_processing_leaves_the_message_stored(emulator: SlackEmulator) -> None:
    emulator.inject_fault("chat.postMessage", status=500, retry_after=None, processed=True)
    client = bare_client(emulator)
    error = error_of(lambda: client.chat_postMessage(channel="C0GENERAL", text="stored anyway"))
    assert error.response.status_code == 500
    assert [m.text for m in emulator.messages("C0GENERAL")] == ["stored anyway"]
    assert [c.status for c in emulator.calls("chat.postMessage")] == [500]


def test_a_fault_may_let_calls_through_first(emulator: SlackEmulator) -> None:
    emulator.drop_connection("chat.postMessage", processed=False, skip=1)
    client = bare_client(emulator)
    assert client.chat_postMessage(channel="C0GENERAL", text="first")["ok"]
    with pytest.raises((RemoteDisconnected, URLError, ConnectionError)):
        client.chat_postMessage(channel="C0GENERAL", text="second")
    assert [m.text for m in emulator.messages()] == ["first"]


def test_a_hold_released_as_dropped_ends_the_call_as_a_crash_would(
    emulator: SlackEmulator,
) -> None:
    hold = emulator.hold_calls("chat.postMessage", processed=False)
    client = bare_client(emulator)
    failures: list[BaseException] = []

    def call() -> None:
        try:
            client.chat_postMessage(channel="C0GENERAL", text="never processed")
        except Exception as error:
            failures.append(error)

    caller = threading.Thread(target=call)
    caller.start()
    hold.wait_until_held()
    hold.release(drop=True)
    caller.join(timeout=5)
    assert len(failures) == 1 and emulator.messages() == []
