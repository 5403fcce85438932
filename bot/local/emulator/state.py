"""What the emulated workspace holds (users, channels, messages, files, views, calls) and
the machinery every method shares. Callers hold the lock."""

from __future__ import annotations

import copy
import itertools
import mimetypes
import threading
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from bot.local.emulator.blockkit import _check_blocks, _Problems
from bot.local.emulator.limits import (
    MAX_MESSAGE_BLOCKS,
    MAX_MESSAGE_TEXT_CHARS,
)
from bot.local.emulator.params import _ApiError, _missing, _text_param

_TOKEN_PREFIXES = ("xoxb-", "xoxp-")
_APP_TOKEN_METHODS = frozenset({"apps.connections.open"})  # these take the app-level xapp- token

MessageKind = Literal["message", "ephemeral", "response_url"]


@dataclass(frozen=True)
class EmulatedUser:
    """A person in the workspace, or (`team_id` another workspace's) a partner from another
    workspace met in a Slack Connect channel; the app may DM such a partner only when their
    organisation lets apps of other workspaces do so (`external_dms`)."""

    id: str
    name: str
    tz: str = "Europe/Vienna"
    team_id: str | None = None  # None: the emulated workspace's own team
    external_dms: bool = False


@dataclass(frozen=True)
class EmulatedChannel:
    """A channel the bot is in. `shared_with` names the other workspaces of a Slack Connect
    channel (their users are in it); `members`, when given, is everyone in it (else all the
    workspace's own users and those of `shared_with`)."""

    id: str
    name: str
    shared_with: tuple[str, ...] = ()
    members: tuple[str, ...] | None = None


@dataclass(frozen=True)
class RecordedCall:
    """One request as the emulator saw it; JSON-encoded fields in ``params`` are decoded."""

    method: str
    params: dict[str, Any]
    status: int
    response: dict[str, Any]
    at: float


@dataclass
class PostedMessage:
    channel: str
    ts: str
    text: str
    blocks: list[dict[str, Any]] = field(default_factory=list)
    thread_ts: str | None = None
    user: str | None = None
    kind: MessageKind = "message"
    updated: bool = False
    deleted: bool = False
    attachments: list[dict[str, Any]] = field(default_factory=list)
    file_ids: list[str] = field(default_factory=list)
    response_type: str | None = None
    replace_original: bool = False
    delete_original: bool = False
    reply_broadcast: bool = False
    metadata: dict[str, Any] | None = None


@dataclass
class UploadedFile:
    id: str
    filename: str
    title: str
    content: bytes
    channel_id: str | None = None
    initial_comment: str | None = None
    thread_ts: str | None = None


@dataclass
class _Trigger:
    issued_at: float
    used: bool = False


@dataclass
class _ResponseUrl:
    channel: str | None
    user: str | None
    uses: int = 0


@dataclass
class _PendingUpload:
    filename: str
    length: int
    content: bytes | None = None


@dataclass
class _Fault:
    status: int
    retry_after: int | None
    error: str | None
    remaining: int
    processed: bool = False
    skip: int = 0  # calls to let through before this fault applies


class HeldCalls:
    """Calls of one method held by the emulator (before or after it processed them) until
    released: a test sees the bot blocked at that step of a send, and may kill it there."""

    def __init__(self, times: int) -> None:
        self.times = times
        self._released = threading.Event()
        self._arrived = threading.Condition()
        self._held = 0
        self._drop = False

    @property
    def held(self) -> int:
        with self._arrived:
            return self._held

    def wait_until_held(self, count: int = 1, timeout: float = 10.0) -> None:
        """Block until ``count`` calls are being held; AssertionError otherwise."""
        with self._arrived:
            if not self._arrived.wait_for(lambda: self._held >= count, timeout=timeout):
                raise AssertionError(f"{self._held} call(s) held after {timeout}s, not {count}")

    def release(self, *, drop: bool = False) -> None:
        """Let every held call (and any later one this hold takes) go on; with ``drop``, end
        each one's connection instead, as when the caller died: a call held before it was
        processed is then never processed, one held after it is never answered."""
        self._drop = drop
        self._released.set()

    def _hold(self) -> bool:
        """Wait until released; True to go on, False to drop the connection."""
        with self._arrived:
            self._held += 1
            self._arrived.notify_all()
        self._released.wait()
        return not self._drop


@dataclass
class _TransportFault:
    """What happens to the connection of a call: dropped without an answer, answered after
    ``seconds``, or held; before the emulator processed the call, or after."""

    action: Literal["drop", "delay", "hold"]
    processed: bool
    remaining: int
    seconds: float = 0.0
    hold: HeldCalls | None = None
    skip: int = 0  # calls to let through before this fault applies


@dataclass
class _Bucket:
    tokens: float
    refilled_at: float


class EmulatorState:
    """The workspace's state and the helpers every API method uses."""

    def __init__(
        self,
        *,
        team_id: str,
        bot_user_id: str,
        bot_id: str,
        trigger_ttl: float,
        clock: Callable[[], float],
        wall_clock: Callable[[], float],
    ) -> None:
        self.team_id = team_id
        self.bot_user_id = bot_user_id
        self.bot_id = bot_id
        self.trigger_ttl = trigger_ttl
        self._clock = clock
        # Slack's own wall clock (message ts, file creation): a server's time, not the bot's.
        self._wall_clock = wall_clock
        self._lock = threading.RLock()
        self._changed = threading.Condition(self._lock)
        self._users: dict[str, EmulatedUser] = {}
        self._channels: dict[str, EmulatedChannel] = {}
        self._dm_members: dict[str, tuple[str, ...]] = {}
        self._ids = itertools.count(1)
        self._last_ts_micros = 0
        self._calls: list[RecordedCall] = []
        self._messages: list[PostedMessage] = []
        self._pending_uploads: dict[str, _PendingUpload] = {}
        self._files: dict[str, UploadedFile] = {}
        self._views: dict[str, dict[str, Any]] = {}
        self._view_users: dict[str, str] = {}
        self._triggers: dict[str, _Trigger] = {}
        self._response_urls: dict[str, _ResponseUrl] = {}
        self._faults: dict[str, deque[_Fault]] = {}
        self._transport_faults: dict[str, deque[_TransportFault]] = {}
        self._holds: list[HeldCalls] = []
        self._post_rate_limit: tuple[float, int] | None = None
        self._post_buckets: dict[str, _Bucket] = {}
        self._methods: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {}

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:<port>`` of the running server."""
        raise NotImplementedError

    # shared machinery; callers hold the lock

    def _record(
        self, method: str, params: dict[str, Any], status: int, response: dict[str, Any]
    ) -> None:
        call = RecordedCall(
            method=method,
            params=copy.deepcopy(params),
            status=status,
            response=copy.deepcopy(response),
            at=self._wall_clock(),
        )
        self._calls.append(call)
        self._changed.notify_all()

    def _check_token(self, token: str | None, method: str = "") -> None:
        if not token:
            raise _ApiError("not_authed", "[ERROR] no token: send Authorization: Bearer xoxb-...")
        if method in _APP_TOKEN_METHODS:
            if not token.startswith("xapp-"):
                raise _ApiError("invalid_auth", f"[ERROR] {method} takes an app token (xapp-...)")
        elif not token.startswith(_TOKEN_PREFIXES):
            raise _ApiError("invalid_auth", "[ERROR] token must start with xoxb- or xoxp-")

    def _new_id(self, prefix: str) -> str:
        return f"{prefix}{next(self._ids):08X}"

    def _next_ts(self) -> str:
        # Slack timestamps double as message ids, so they must never repeat.
        micros = max(int(self._wall_clock() * 1_000_000), self._last_ts_micros + 1)
        self._last_ts_micros = micros
        return f"{micros // 1_000_000}.{micros % 1_000_000:06d}"

    def _dm_for(self, user_id: str) -> str:
        # Derived from the user id so a member's DM has the same id in every run and transcript.
        dm_id = f"D{user_id}"
        self._dm_members.setdefault(dm_id, (user_id,))
        return dm_id

    def _lookup_channel(self, channel: str) -> str | None:
        if channel in self._channels or channel in self._dm_members:
            return channel
        if channel in self._users or channel == self.bot_user_id:
            dm_id = f"D{channel}"
            return dm_id if dm_id in self._dm_members else None
        name = channel.removeprefix("#")
        return next((c.id for c in self._channels.values() if c.name == name), None)

    def _team_of(self, user_id: str) -> str:
        user = self._users.get(user_id)
        return (user.team_id if user is not None else None) or self.team_id

    def _dm_refused(self, user_id: str) -> bool:
        """Whether the app may not DM this user: one of another workspace whose organisation
        keeps apps of other workspaces out of its members' DMs."""
        user = self._users.get(user_id)
        return user is not None and self._team_of(user_id) != self.team_id and not user.external_dms

    def _in_channel(self, user_id: str, channel_id: str) -> bool:
        channel = self._channels.get(channel_id)
        if channel is None:
            return True  # a DM: whoever it is with
        if channel.members is not None:
            return user_id in channel.members
        team = self._team_of(user_id)
        return team == self.team_id or team in channel.shared_with

    def _resolve_channel(self, params: Mapping[str, Any], name: str = "channel") -> str:
        channel = _text_param(params, name)
        if not channel:
            raise _ApiError("channel_not_found", _missing(name))
        if channel in self._users and self._dm_refused(channel):
            # Slack has no DM of this app with them, so a post addressed to them finds none.
            raise _ApiError(
                "channel_not_found", f"[ERROR] no DM with {channel}, a user of another workspace"
            )
        if channel in self._users:
            # Slack delivers a message addressed to a user id to the app's DM with them.
            return self._dm_for(channel)
        resolved = self._lookup_channel(channel)
        if resolved is None:
            raise _ApiError("channel_not_found", f"[ERROR] unknown channel: {channel}")
        return resolved

    def _known_user(self, user_id: str) -> None:
        if user_id not in self._users and user_id != self.bot_user_id:
            raise _ApiError("user_not_found", f"[ERROR] unknown user: {user_id}")

    def _message_content(
        self, params: Mapping[str, Any]
    ) -> tuple[str, list[dict[str, Any]], list[dict[str, Any]]]:
        text = _text_param(params, "text") or _text_param(params, "markdown_text") or ""
        blocks = params.get("blocks")
        attachments = params.get("attachments")
        if blocks is not None and not isinstance(blocks, list):
            raise _ApiError("invalid_blocks_format", "[ERROR] blocks must be a JSON array")
        if attachments is not None and not isinstance(attachments, list):
            raise _ApiError("invalid_attachments", "[ERROR] attachments must be a JSON array")
        if not text and not blocks and not attachments:
            raise _ApiError("no_text", "[ERROR] provide text, blocks or attachments")
        if len(text) > MAX_MESSAGE_TEXT_CHARS:
            raise _ApiError(
                "msg_too_long",
                f"[ERROR] must be less than {MAX_MESSAGE_TEXT_CHARS + 1} characters "
                "[json-pointer:/text]",
            )
        problems = _Problems()
        if blocks is not None:
            _check_blocks(blocks, "/blocks", MAX_MESSAGE_BLOCKS, problems)
        if problems:
            raise _ApiError("invalid_blocks", *problems.messages)
        return text, list(blocks or []), list(attachments or [])

    def _message_payload(self, message: PostedMessage, *, metadata: bool = True) -> dict[str, Any]:
        payload: dict[str, Any] = {
            "type": "message",
            "text": message.text,
            "user": self.bot_user_id,
            "bot_id": self.bot_id,
            "team": self.team_id,
            "ts": message.ts,
        }
        if message.blocks:
            payload["blocks"] = message.blocks
        if message.attachments:
            payload["attachments"] = message.attachments
        if message.thread_ts:
            payload["thread_ts"] = message.thread_ts
            if message.reply_broadcast:
                payload["subtype"] = "thread_broadcast"
        if message.file_ids:
            payload["files"] = [self._file_payload(self._files[i]) for i in message.file_ids]
        if metadata and message.metadata:
            payload["metadata"] = copy.deepcopy(message.metadata)
        return payload

    def _find_message(self, channel: str, ts: str | None) -> PostedMessage:
        for message in self._messages:
            if (
                message.kind == "message"
                and not message.deleted
                and message.channel == channel
                and message.ts == ts
            ):
                return message
        raise _ApiError("message_not_found", f"[ERROR] no message {ts} in {channel}")

    def _file_payload(self, uploaded: UploadedFile) -> dict[str, Any]:
        mimetype = mimetypes.guess_type(uploaded.filename)[0] or "application/octet-stream"
        extension = uploaded.filename.rpartition(".")[2].lower() if "." in uploaded.filename else ""
        return {
            "id": uploaded.id,
            "created": int(self._wall_clock()),
            "name": uploaded.filename,
            "title": uploaded.title,
            "mimetype": mimetype,
            "filetype": extension or "binary",
            "size": len(uploaded.content),
            "user": self.bot_user_id,
            "channels": [uploaded.channel_id] if uploaded.channel_id else [],
        }
