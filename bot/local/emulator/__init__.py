"""A local emulator of the Slack Web API, served over HTTP.

It is the bot's test double and the workspace behind ``consortium-bot demo`` and ``shell``: point
``slack_sdk.WebClient(base_url=emulator.api_url, token="xoxb-...")`` at a started emulator.

Slack's limits and error codes are enforced so that a payload the emulator accepts is one Slack
would accept too. Problems in message blocks answer ``invalid_blocks``; any problem in a view
(modal or home tab), its blocks included, answers ``invalid_arguments``, as Slack does for views.
Every error carries ``response_metadata.messages`` naming what was wrong by JSON pointer.

Besides ``/api/<method>`` the server answers two kinds of one-off URLs, recorded as calls under
the pseudo-methods ``upload_url`` (file bodies posted by ``files_upload_v2``) and ``response_url``.

Message metadata (``{"event_type": ..., "event_payload": {...}}``) is accepted by
``chat.postMessage`` and ``chat.update``, kept on ``PostedMessage.metadata`` and returned by
``conversations.history`` only when asked with ``include_all_metadata``. A malformed object
answers ``invalid_metadata_format``; an ``event_type`` with characters other than letters, digits,
``_`` and ``-`` is dropped with the warning ``invalid_metadata_schema``, as on Slack.

``conversations.history`` lists a conversation's top-level messages and thread broadcasts, newest
first, in pages linked by ``response_metadata.next_cursor``. Thread replies, deleted messages,
ephemeral messages and response_url replies are not part of a conversation's history;
``conversations.replies`` lists a thread, its parent first and then the replies oldest first.

Faults are injected per method: an HTTP status or ``ok: false`` (``inject_fault``), and faults of
the connection itself, each before the emulator processed the call or after it (the message is
then stored, but the client never hears so): ``drop_connection`` closes it without an answer,
``delay_answer`` answers after some seconds (past a client's timeout), ``hold_calls`` holds the
call until the test releases it (and may kill the bot meanwhile).

Slack allows about one ``chat.postMessage`` per second per channel, with short bursts. The
emulator enforces that only when asked: ``SlackEmulator(post_rate_limit=(rate, burst))`` or
``set_post_rate_limit(rate, burst)`` gives each channel a token bucket holding up to ``burst``
posts and refilled at ``rate`` posts per second of the emulator's ``clock``. Every
``chat.postMessage`` to a known channel takes a token, valid or not; with none left it answers
HTTP 429 ``{"ok": false, "error": "ratelimited"}`` with ``Retry-After`` set to the whole seconds
(at least 1) until the next token, stores nothing and is recorded with status 429.

A second workspace (Slack Connect): a user whose ``team_id`` is another team's is a partner
from that workspace, in the channels ``shared_with`` it. Unless their organisation lets apps
of other workspaces DM them (``external_dms``, ``allow_external_dms``), ``conversations.open``
with them answers ``user_not_visible`` (``invalid_user_combination`` when they share no channel
with the app) and ``chat.postMessage`` addressed to their user ID ``channel_not_found``;
``chat.postEphemeral`` to them in a channel they are in works (``user_not_in_channel`` in one
they are not in), and ``users.info`` gives their own ``team_id``.
"""

from __future__ import annotations

import copy
import secrets
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import replace
from typing import Any
from zoneinfo import ZoneInfo

from bot.local.emulator.http import HttpFront, _EmulatorServer
from bot.local.emulator.limits import (
    DEFAULT_HISTORY_LIMIT,
    DEFAULT_TRIGGER_TTL,
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
    RESPONSE_URL_METHOD,
    UPLOAD_URL_METHOD,
)
from bot.local.emulator.params import _API_PREFIX, _RESPONSE_PREFIX
from bot.local.emulator.state import (
    EmulatedChannel,
    EmulatedUser,
    HeldCalls,
    PostedMessage,
    RecordedCall,
    UploadedFile,
    _ResponseUrl,
    _Trigger,
)
from bot.local.loopback import LoopbackServer

__all__ = [
    "DEFAULT_HISTORY_LIMIT",
    "MAX_ACTIONS_ELEMENTS",
    "MAX_BUTTON_TEXT_CHARS",
    "MAX_HEADER_TEXT_CHARS",
    "MAX_ID_CHARS",
    "MAX_MESSAGE_BLOCKS",
    "MAX_MESSAGE_TEXT_CHARS",
    "MAX_PRIVATE_METADATA_CHARS",
    "MAX_RESPONSE_URL_USES",
    "MAX_SECTION_FIELDS",
    "MAX_SECTION_FIELD_CHARS",
    "MAX_SECTION_TEXT_CHARS",
    "MAX_VIEW_BLOCKS",
    "MAX_VIEW_TITLE_CHARS",
    "RESPONSE_URL_METHOD",
    "UPLOAD_URL_METHOD",
    "EmulatedChannel",
    "EmulatedUser",
    "HeldCalls",
    "PostedMessage",
    "RecordedCall",
    "SlackEmulator",
    "UploadedFile",
]


class SlackEmulator(HttpFront, LoopbackServer):
    """An in-process Slack workspace answering the Web API on a free local port.

    ``clock`` (monotonic seconds) decides when trigger_ids expire and how fast rate-limit buckets
    refill, so tests can move time on. ``post_rate_limit=(rate, burst)`` limits chat.postMessage
    to ``rate`` posts per second per channel with bursts of ``burst`` (see the module docstring).
    """

    def __init__(
        self,
        *,
        users: Iterable[EmulatedUser] = (),
        channels: Iterable[EmulatedChannel] = (),
        team_id: str = "T0LOCAL",
        bot_user_id: str = "U0BOT",
        bot_id: str = "B0BOT",
        trigger_ttl: float = DEFAULT_TRIGGER_TTL,
        clock: Callable[[], float] = time.monotonic,
        post_rate_limit: tuple[float, int] | None = None,
        wall_clock: Callable[[], float] = time.time,
    ) -> None:
        super().__init__(
            team_id=team_id,
            bot_user_id=bot_user_id,
            bot_id=bot_id,
            trigger_ttl=trigger_ttl,
            clock=clock,
            wall_clock=wall_clock,
        )
        self._server: _EmulatorServer | None = None
        self._methods.update(
            {
                "auth.test": self._auth_test,
                "chat.postMessage": self._chat_post_message,
                "chat.postEphemeral": self._chat_post_ephemeral,
                "chat.update": self._chat_update,
                "chat.delete": self._chat_delete,
                "views.open": self._views_open,
                "views.push": self._views_open,
                "views.update": self._views_update,
                "views.publish": self._views_publish,
                "conversations.history": self._conversations_history,
                "conversations.replies": self._conversations_replies,
                "conversations.open": self._conversations_open,
                "conversations.info": self._conversations_info,
                "users.info": self._users_info,
                "files.getUploadURLExternal": self._files_get_upload_url,
                "files.completeUploadExternal": self._files_complete_upload,
                "files.info": self._files_info,
                "conversations.canvases.create": self._conversations_canvases_create,
                "canvases.edit": self._canvases_edit,
            }
        )
        if post_rate_limit is not None:
            self.set_post_rate_limit(*post_rate_limit)
        for user in users:
            self.add_user(user)
        for channel in channels:
            self.add_channel(channel)

    # lifecycle

    def _launch(self) -> tuple[int, threading.Thread]:
        server = _EmulatorServer(self)
        port = server.server_address[1]
        thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"slack-emulator-{port}",
            daemon=True,
        )
        self._server = server
        thread.start()
        return port, thread

    def _shutdown(self) -> None:
        self.release_holds()
        server, self._server = self._server, None
        if server is not None:
            server.shutdown()
            server.server_close()

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:<port>`` of the running server."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def api_url(self) -> str:
        """The ``base_url`` to give ``slack_sdk.WebClient``; ends with a slash as it requires."""
        return f"{self.base_url}{_API_PREFIX}"

    # workspace set-up

    def add_user(self, user: EmulatedUser) -> None:
        """Registers a user; an unknown time zone raises ``ZoneInfoNotFoundError`` here."""
        ZoneInfo(user.tz)
        with self._lock:
            self._users[user.id] = user

    def team_of(self, user_id: str) -> str:
        """The workspace a user belongs to: the emulated one's, or another's (Slack Connect)."""
        with self._lock:
            return self._team_of(user_id)

    def allow_external_dms(self, user_id: str, allowed: bool = True) -> None:
        """Let the app DM a user of another workspace (their organisation changed its mind),
        or stop it again."""
        with self._lock:
            self._users[user_id] = replace(self._users[user_id], external_dms=allowed)

    def share_channels_with(self, team_id: str) -> None:
        """Make every channel a Slack Connect channel shared with another workspace too."""
        with self._lock:
            for channel_id, channel in list(self._channels.items()):
                if team_id not in channel.shared_with:
                    shared = (*channel.shared_with, team_id)
                    self._channels[channel_id] = replace(channel, shared_with=shared)

    def add_channel(self, channel: EmulatedChannel) -> None:
        """Registers a public channel the bot is a member of."""
        with self._lock:
            self._channels[channel.id] = channel

    def add_method(self, name: str, handler: Callable[[dict[str, Any]], dict[str, Any]]) -> None:
        """Serves one more Web API method: ``handler(params)`` returns the fields besides ok."""
        with self._lock:
            self._methods[name] = handler

    def issue_trigger_id(self) -> str:
        """Returns a trigger_id that views.open/push accept once, within ``trigger_ttl`` seconds."""
        with self._lock:
            trigger_id = f"{next(self._ids)}.{int(self._wall_clock())}.{secrets.token_hex(8)}"
            self._triggers[trigger_id] = _Trigger(issued_at=self._clock())
            return trigger_id

    def new_response_url(self, *, channel: str | None = None, user: str | None = None) -> str:
        """Returns a response_url on this server, usable ``MAX_RESPONSE_URL_USES`` times."""
        base_url = self.base_url
        with self._lock:
            token = secrets.token_hex(12)
            self._response_urls[token] = _ResponseUrl(channel=channel, user=user)
            return f"{base_url}{_RESPONSE_PREFIX}{token}"

    def reset(self) -> None:
        """Forgets calls, messages, files, views, triggers, faults and the state of rate-limit
        buckets; keeps users, channels and the configured rate limit."""
        with self._lock:
            self._post_buckets.clear()
            self._calls.clear()
            self._messages.clear()
            self._pending_uploads.clear()
            self._files.clear()
            self._views.clear()
            self._view_users.clear()
            self._triggers.clear()
            self._response_urls.clear()
            self._faults.clear()
            self._transport_faults.clear()

    # inspection

    def calls(self, method: str | None = None) -> list[RecordedCall]:
        """Returns the calls recorded so far, in order, optionally only those of ``method``."""
        with self._lock:
            return [call for call in self._calls if method is None or call.method == method]

    def wait_for_calls(self, method: str, count: int, timeout: float = 5.0) -> list[RecordedCall]:
        """Blocks until ``count`` calls of ``method`` arrived and returns all of them."""
        with self._changed:
            arrived = self._changed.wait_for(
                lambda: len(self.calls(method)) >= count, timeout=timeout
            )
            if not arrived:
                seen = [f"{call.method} -> {call.status}" for call in self._calls]
                raise AssertionError(
                    f"expected {count} {method} call(s) within {timeout}s, "
                    f"got {len(self.calls(method))}; all calls so far: {seen}"
                )
            return self.calls(method)

    def messages(
        self, channel: str | None = None, *, include_deleted: bool = False
    ) -> list[PostedMessage]:
        """Returns copies of posted messages; ``channel`` may be an id, a name or a DM's user id."""
        with self._lock:
            wanted = None if channel is None else self._lookup_channel(channel) or channel
            return [
                copy.deepcopy(message)
                for message in self._messages
                if (wanted is None or message.channel == wanted)
                and (include_deleted or not message.deleted)
            ]

    def files(self) -> list[UploadedFile]:
        """Returns copies of the files whose upload was completed, in order."""
        with self._lock:
            return [copy.deepcopy(uploaded) for uploaded in self._files.values()]

    def views(self) -> dict[str, dict[str, Any]]:
        """Maps view ids to the latest view; home tabs carry the owner's id under ``user``."""
        with self._lock:
            result = copy.deepcopy(self._views)
            for view_id, user_id in self._view_users.items():
                result[view_id]["user"] = user_id
            return result
