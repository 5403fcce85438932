"""Faults, rate limits, files, response_urls and the emulator's own lifecycle."""

from __future__ import annotations

import threading
from collections.abc import Iterator

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
    MAX_RESPONSE_URL_USES,
    EmulatedChannel,
    SlackEmulator,
)
from tests.local.emulator_support import (
    ALICE,
    GENERAL,
    FakeClock,
    error_of,
    post,
)


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
