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
ephemeral messages and response_url replies are not part of a conversation's history.

Slack allows about one ``chat.postMessage`` per second per channel, with short bursts. The
emulator enforces that only when asked: ``SlackEmulator(post_rate_limit=(rate, burst))`` or
``set_post_rate_limit(rate, burst)`` gives each channel a token bucket holding up to ``burst``
posts and refilled at ``rate`` posts per second of the emulator's ``clock``. Every
``chat.postMessage`` to a known channel takes a token, valid or not; with none left it answers
HTTP 429 ``{"ok": false, "error": "ratelimited"}`` with ``Retry-After`` set to the whole seconds
(at least 1) until the next token, stores nothing and is recorded with status 429.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import copy
import itertools
import json
import logging
import math
import mimetypes
import re
import secrets
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, Literal, Self
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

_log = logging.getLogger(__name__)

# Slack's documented limits.
MAX_MESSAGE_TEXT_CHARS = 40_000
MAX_MESSAGE_BLOCKS = 50
MAX_VIEW_BLOCKS = 100
MAX_SECTION_TEXT_CHARS = 3000
MAX_SECTION_FIELDS = 10
MAX_SECTION_FIELD_CHARS = 2000
MAX_HEADER_TEXT_CHARS = 150
MAX_ACTIONS_ELEMENTS = 25
MAX_CONTEXT_ELEMENTS = 10
MAX_ID_CHARS = 255
MAX_BUTTON_TEXT_CHARS = 75
MAX_BUTTON_VALUE_CHARS = 2000
MAX_BUTTON_URL_CHARS = 3000
MAX_INPUT_LABEL_CHARS = 2000
MAX_VIEW_TITLE_CHARS = 24
MAX_PRIVATE_METADATA_CHARS = 3000
MAX_RESPONSE_URL_USES = 5
DEFAULT_TRIGGER_TTL = 3.0
DEFAULT_HISTORY_LIMIT = 100
MAX_HISTORY_LIMIT = 999

UPLOAD_URL_METHOD = "upload_url"
RESPONSE_URL_METHOD = "response_url"

KNOWN_BLOCK_TYPES = frozenset(
    {
        "actions",
        "call",
        "context",
        "context_actions",
        "divider",
        "file",
        "header",
        "image",
        "input",
        "markdown",
        "rich_text",
        "section",
        "table",
        "video",
    }
)

_API_PREFIX = "/api/"
_UPLOAD_PREFIX = "/upload/v1/"
_RESPONSE_PREFIX = "/response/"
# Fields Slack accepts as JSON-encoded strings in form-encoded requests.
_JSON_ENCODED_FIELDS = ("blocks", "attachments", "view", "files", "metadata", "user_auth_blocks")
_TOKEN_PREFIXES = ("xoxb-", "xoxp-")
_APP_TOKEN_METHODS = frozenset({"apps.connections.open"})  # these take the app-level xapp- token
# Slack's documented alphabet for metadata event types.
_EVENT_TYPE = re.compile(r"[A-Za-z0-9_-]+")
_CURSOR_PREFIX = "next_ts:"
# Slack's rate limiter works in whole requests; this absorbs float error in refilled tokens.
_TOKEN_EPSILON = 1e-9

MessageKind = Literal["message", "ephemeral", "response_url"]


@dataclass(frozen=True)
class EmulatedUser:
    id: str
    name: str
    tz: str = "Europe/Vienna"


@dataclass(frozen=True)
class EmulatedChannel:
    id: str
    name: str


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


class _ApiError(Exception):
    def __init__(self, code: str, *messages: str) -> None:
        super().__init__(code)
        self.code = code
        self.messages = list(messages) or [f"[ERROR] {code}"]

    def response(self) -> dict[str, Any]:
        return {"ok": False, "error": self.code, "response_metadata": {"messages": self.messages}}


class _RateLimitedError(Exception):
    """Ends a call with HTTP 429, as Slack's rate limiter does, instead of an ok:false body."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"ratelimited; retry after {retry_after}s")
        self.retry_after = retry_after


def _missing(name: str) -> str:
    return f"[ERROR] missing required field: {name}"


class _Problems:
    """Collects Slack-style validation messages while walking a payload."""

    def __init__(self) -> None:
        self.messages: list[str] = []

    def __bool__(self) -> bool:
        return bool(self.messages)

    def add(self, pointer: str, what: str) -> None:
        self.messages.append(f"[ERROR] {what} [json-pointer:{pointer}]")

    def check_length(self, value: Any, limit: int, pointer: str) -> None:
        if isinstance(value, str) and len(value) > limit:
            self.add(pointer, f"must be less than {limit + 1} characters")

    def check_count(self, items: Any, limit: int, pointer: str) -> list[Any]:
        if not isinstance(items, list):
            self.add(pointer, "must be an array")
            return []
        if len(items) > limit:
            self.add(pointer, f"must be less than {limit + 1} items")
        return items


def _check_text_object(
    text: Any, pointer: str, limit: int, problems: _Problems, *, plain_only: bool = False
) -> None:
    if not isinstance(text, dict):
        problems.add(pointer, "must be a text object")
        return
    allowed = ("plain_text",) if plain_only else ("plain_text", "mrkdwn")
    if text.get("type") not in allowed:
        problems.add(f"{pointer}/type", f"must be one of {', '.join(allowed)}")
    value = text.get("text")
    if not isinstance(value, str) or not value:
        problems.add(f"{pointer}/text", "must be more than 0 characters")
        return
    problems.check_length(value, limit, f"{pointer}/text")


def _check_element(element: Any, pointer: str, problems: _Problems) -> None:
    if not isinstance(element, dict):
        problems.add(pointer, "must be an element object")
        return
    if not isinstance(element.get("type"), str):
        problems.add(f"{pointer}/type", "missing required field: type")
        return
    problems.check_length(element.get("action_id"), MAX_ID_CHARS, f"{pointer}/action_id")
    if element["type"] == "button":
        _check_text_object(
            element.get("text"), f"{pointer}/text", MAX_BUTTON_TEXT_CHARS, problems, plain_only=True
        )
        problems.check_length(element.get("value"), MAX_BUTTON_VALUE_CHARS, f"{pointer}/value")
        problems.check_length(element.get("url"), MAX_BUTTON_URL_CHARS, f"{pointer}/url")


def _check_section(block: dict[str, Any], pointer: str, problems: _Problems) -> None:
    text, fields = block.get("text"), block.get("fields")
    if text is None and not fields:
        problems.add(pointer, "must provide either text or fields")
    if text is not None:
        _check_text_object(text, f"{pointer}/text", MAX_SECTION_TEXT_CHARS, problems)
    if fields is not None:
        checked = problems.check_count(fields, MAX_SECTION_FIELDS, f"{pointer}/fields")
        for index, item in enumerate(checked):
            _check_text_object(item, f"{pointer}/fields/{index}", MAX_SECTION_FIELD_CHARS, problems)
    if block.get("accessory") is not None:
        _check_element(block["accessory"], f"{pointer}/accessory", problems)


def _check_header(block: dict[str, Any], pointer: str, problems: _Problems) -> None:
    _check_text_object(
        block.get("text"), f"{pointer}/text", MAX_HEADER_TEXT_CHARS, problems, plain_only=True
    )


def _check_actions(block: dict[str, Any], pointer: str, problems: _Problems) -> None:
    elements = problems.check_count(
        block.get("elements"), MAX_ACTIONS_ELEMENTS, f"{pointer}/elements"
    )
    for index, element in enumerate(elements):
        _check_element(element, f"{pointer}/elements/{index}", problems)


def _check_context(block: dict[str, Any], pointer: str, problems: _Problems) -> None:
    problems.check_count(block.get("elements"), MAX_CONTEXT_ELEMENTS, f"{pointer}/elements")


def _check_input(block: dict[str, Any], pointer: str, problems: _Problems) -> None:
    _check_text_object(
        block.get("label"), f"{pointer}/label", MAX_INPUT_LABEL_CHARS, problems, plain_only=True
    )
    _check_element(block.get("element"), f"{pointer}/element", problems)


def _check_image(block: dict[str, Any], pointer: str, problems: _Problems) -> None:
    if not block.get("alt_text"):
        problems.add(f"{pointer}/alt_text", "must be more than 0 characters")
    if not block.get("image_url") and not block.get("slack_file"):
        problems.add(pointer, "must provide either image_url or slack_file")


_BLOCK_CHECKS: dict[str, Callable[[dict[str, Any], str, _Problems], None]] = {
    "actions": _check_actions,
    "context": _check_context,
    "header": _check_header,
    "image": _check_image,
    "input": _check_input,
    "section": _check_section,
}


def _check_blocks(blocks: Any, pointer: str, max_blocks: int, problems: _Problems) -> None:
    seen_block_ids: set[str] = set()
    for index, block in enumerate(problems.check_count(blocks, max_blocks, pointer)):
        here = f"{pointer}/{index}"
        if not isinstance(block, dict):
            problems.add(here, "must be an object")
            continue
        block_type = block.get("type")
        if not isinstance(block_type, str):
            problems.add(f"{here}/type", "missing required field: type")
            continue
        if block_type not in KNOWN_BLOCK_TYPES:
            problems.add(f"{here}/type", f"unsupported block type: {block_type}")
            continue
        block_id = block.get("block_id")
        if isinstance(block_id, str):
            problems.check_length(block_id, MAX_ID_CHARS, f"{here}/block_id")
            if block_id in seen_block_ids:
                problems.add(f"{here}/block_id", f"duplicate block_id: {block_id}")
            seen_block_ids.add(block_id)
        check = _BLOCK_CHECKS.get(block_type)
        if check is not None:
            check(block, here, problems)


def _view_problems(view: Any, allowed_types: tuple[str, ...]) -> list[str]:
    problems = _Problems()
    if not isinstance(view, dict):
        problems.add("/view", "must be a view object")
        return problems.messages
    view_type = view.get("type")
    if view_type not in allowed_types:
        problems.add("/view/type", f"must be one of {', '.join(allowed_types)}")
        return problems.messages
    if view_type == "modal":
        _check_text_object(
            view.get("title"), "/view/title", MAX_VIEW_TITLE_CHARS, problems, plain_only=True
        )
        for button in ("submit", "close"):
            if view.get(button) is not None:
                _check_text_object(
                    view[button], f"/view/{button}", MAX_VIEW_TITLE_CHARS, problems, plain_only=True
                )
        blocks = view.get("blocks")
        has_inputs = isinstance(blocks, list) and any(
            isinstance(block, dict) and block.get("type") == "input" for block in blocks
        )
        if has_inputs and view.get("submit") is None:
            problems.add("/view/submit", "must provide a submit property when using input blocks")
    problems.check_length(
        view.get("private_metadata"), MAX_PRIVATE_METADATA_CHARS, "/view/private_metadata"
    )
    problems.check_length(view.get("callback_id"), MAX_ID_CHARS, "/view/callback_id")
    problems.check_length(view.get("external_id"), MAX_ID_CHARS, "/view/external_id")
    _check_blocks(view.get("blocks", []), "/view/blocks", MAX_VIEW_BLOCKS, problems)
    return problems.messages


def _text_param(params: Mapping[str, Any], name: str) -> str | None:
    value = params.get(name)
    if value is None or isinstance(value, str):
        return value
    return json.dumps(value) if isinstance(value, dict | list | bool) else str(value)


def _required_param(params: Mapping[str, Any], name: str) -> str:
    value = _text_param(params, name)
    if not value:
        raise _ApiError("invalid_arguments", _missing(name))
    return value


def _flag_param(params: Mapping[str, Any], name: str) -> bool:
    value = params.get(name)
    if isinstance(value, str):
        return value.lower() in ("1", "true")
    return bool(value)


def _ts_micros(value: str) -> int | None:
    """Microseconds since the epoch of a Slack timestamp such as ``1712345678.000100``."""
    try:
        seconds = Decimal(value.strip())
    except InvalidOperation:
        return None
    if not seconds.is_finite() or seconds < 0:
        return None
    return int(seconds * 1_000_000)


def _ts_param(params: Mapping[str, Any], name: str, error: str) -> int | None:
    value = _text_param(params, name)
    if not value:
        return None
    micros = _ts_micros(value)
    if micros is None:
        raise _ApiError(error, f"[ERROR] {name} must be a timestamp such as 1712345678.000100")
    return micros


def _limit_param(params: Mapping[str, Any], default: int, maximum: int) -> int:
    value = _text_param(params, "limit")
    if not value:
        return default
    try:
        limit = int(value)
    except ValueError:
        limit = 0
    if limit < 1:
        raise _ApiError(
            "invalid_arguments", "[ERROR] must be a positive integer [json-pointer:/limit]"
        )
    # Slack documents the maximum and answers fewer messages rather than failing.
    return min(limit, maximum)


def _encode_cursor(ts: str) -> str:
    # Slack's history cursors are base64 of "next_ts:" and the first timestamp of the next page.
    micros = _ts_micros(ts) or 0
    return base64.b64encode(f"{_CURSOR_PREFIX}{micros}".encode("ascii")).decode("ascii")


def _decode_cursor(cursor: str) -> int:
    try:
        decoded = base64.b64decode(cursor, validate=True).decode("ascii")
    except (binascii.Error, UnicodeDecodeError):
        decoded = ""
    digits = decoded.removeprefix(_CURSOR_PREFIX)
    if not decoded.startswith(_CURSOR_PREFIX) or not digits.isdigit():
        raise _ApiError("invalid_cursor", f"[ERROR] not a cursor this method returned: {cursor}")
    return int(digits)


def _metadata_param(
    params: Mapping[str, Any], *, allow_empty: bool = False
) -> tuple[dict[str, Any] | None, bool]:
    """Returns the message metadata to store, if any, and whether Slack would ignore it.

    Metadata whose ``event_type`` strays from Slack's alphabet is ignored with a warning rather
    than refused. ``allow_empty`` accepts ``{}``, chat.update's way to remove the metadata.
    """
    metadata = params.get("metadata")
    if metadata is None or metadata == "":
        return None, False
    if allow_empty and metadata == {}:
        return {}, False
    if not isinstance(metadata, dict):
        raise _ApiError("invalid_metadata_format", "[ERROR] metadata must be a JSON object")
    event_type, event_payload = metadata.get("event_type"), metadata.get("event_payload")
    problems = _Problems()
    if not isinstance(event_type, str) or not event_type:
        problems.add("/metadata/event_type", "missing required field: event_type")
    if not isinstance(event_payload, dict):
        problems.add("/metadata/event_payload", "must be a JSON object")
    if problems:
        raise _ApiError("invalid_metadata_format", *problems.messages)
    if _EVENT_TYPE.fullmatch(str(event_type)) is None:
        return None, True
    return {"event_type": event_type, "event_payload": copy.deepcopy(event_payload)}, False


def _with_warning(response: dict[str, Any], ignored_metadata: bool) -> dict[str, Any]:
    if ignored_metadata:
        # Slack's shape for warnings on a successful call.
        response["warning"] = "invalid_metadata_schema"
        response["response_metadata"] = {"warnings": ["invalid_metadata_schema"]}
    return response


def _parse_params(content_type: str, body: bytes, query: str) -> dict[str, Any]:
    """Decodes form, JSON and query parameters the way Slack does."""
    params: dict[str, Any] = {k: v[-1] for k, v in parse_qs(query, keep_blank_values=True).items()}
    media_type = content_type.split(";", 1)[0].strip().lower()
    if body:
        if media_type == "application/json":
            try:
                decoded = json.loads(body.decode("utf-8"))
            except (UnicodeDecodeError, json.JSONDecodeError) as error:
                raise _ApiError(
                    "invalid_json", f"[ERROR] body is not valid JSON: {error}"
                ) from None
            if not isinstance(decoded, dict):
                raise _ApiError("invalid_json", "[ERROR] JSON body must be an object")
            params.update(decoded)
        elif media_type in ("application/x-www-form-urlencoded", ""):
            form = parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True)
            params.update({k: v[-1] for k, v in form.items()})
        else:
            raise _ApiError("invalid_form_data", f"[ERROR] unsupported content type: {media_type}")
    for name in _JSON_ENCODED_FIELDS:
        value = params.get(name)
        if isinstance(value, str) and value:
            # Undecodable values stay strings so each method reports them in its own terms.
            with contextlib.suppress(json.JSONDecodeError):
                params[name] = json.loads(value)
    return params


def _bearer_token(header: str | None) -> str | None:
    if not header:
        return None
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" else None


@dataclass
class _Fault:
    status: int
    retry_after: int | None
    error: str | None
    remaining: int


@dataclass
class _Bucket:
    tokens: float
    refilled_at: float


def _checked_rate_limit(rate: float, burst: int) -> tuple[float, int]:
    if not (math.isfinite(rate) and rate > 0):
        raise ValueError(f"rate must be a positive number of posts per second, not {rate}")
    if isinstance(burst, bool) or not isinstance(burst, int) or burst < 1:
        raise ValueError(f"burst must be a whole number of at least 1, not {burst}")
    return float(rate), burst


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
class _Reply:
    status: int
    body: bytes
    content_type: str = "application/json; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of_json(cls, status: int, payload: Mapping[str, Any]) -> _Reply:
        return cls(status, json.dumps(payload).encode("utf-8"))

    @classmethod
    def of_text(cls, status: int, text: str) -> _Reply:
        return cls(status, text.encode("utf-8"), "text/plain; charset=utf-8")


class SlackEmulator:
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
        self.team_id = team_id
        self.bot_user_id = bot_user_id
        self.bot_id = bot_id
        self.trigger_ttl = trigger_ttl
        self._clock = clock
        # Slack's own wall clock (message ts, file creation): a server's time, not the bot's.
        self._wall_clock = wall_clock
        self._lock = threading.RLock()
        self._changed = threading.Condition(self._lock)
        self._server: _EmulatorServer | None = None
        self._thread: threading.Thread | None = None
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
        self._post_rate_limit = (
            None if post_rate_limit is None else _checked_rate_limit(*post_rate_limit)
        )
        self._post_buckets: dict[str, _Bucket] = {}
        self._methods: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
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
            "conversations.open": self._conversations_open,
            "conversations.info": self._conversations_info,
            "users.info": self._users_info,
            "files.getUploadURLExternal": self._files_get_upload_url,
            "files.completeUploadExternal": self._files_complete_upload,
            "files.info": self._files_info,
        }
        for user in users:
            self.add_user(user)
        for channel in channels:
            self.add_channel(channel)

    # lifecycle

    def start(self) -> Self:
        """Binds a free port on 127.0.0.1 and serves requests from a daemon thread."""
        if self._server is not None:
            raise RuntimeError("the emulator is already running")
        server = _EmulatorServer(self)
        thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"slack-emulator-{server.server_address[1]}",
            daemon=True,
        )
        self._server, self._thread = server, thread
        thread.start()
        return self

    def stop(self) -> None:
        """Stops serving and releases the port; safe to call twice."""
        server, thread = self._server, self._thread
        self._server, self._thread = None, None
        if server is None:
            return
        server.shutdown()
        server.server_close()
        if thread is not None:
            thread.join(timeout=5)

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:<port>`` of the running server."""
        if self._server is None:
            raise RuntimeError("the emulator is not running; call start() first")
        return f"http://127.0.0.1:{self._server.server_address[1]}"

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

    def inject_fault(
        self,
        method: str,
        *,
        status: int = 429,
        retry_after: int | None = 1,
        error: str | None = None,
        times: int = 1,
    ) -> None:
        """Fails the next ``times`` calls of ``method`` with HTTP ``status`` (at 200: ok:false)."""
        if times < 1:
            raise ValueError("times must be at least 1")
        if status == 200 and not error:
            raise ValueError("a fault with status 200 needs an error code")
        if status != 200 and not 400 <= status <= 599:
            raise ValueError(f"status must be 200 or an HTTP error status, not {status}")
        with self._lock:
            fault = _Fault(status=status, retry_after=retry_after, error=error, remaining=times)
            self._faults.setdefault(method, deque()).append(fault)

    def set_post_rate_limit(self, rate: float | None, burst: int = 1) -> None:
        """Limits chat.postMessage to ``rate`` posts per second per channel, in bursts of
        ``burst``; ``None`` lifts the limit. Every channel's bucket starts full again."""
        limit = None if rate is None else _checked_rate_limit(rate, burst)
        with self._lock:
            self._post_rate_limit = limit
            self._post_buckets.clear()

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

    # HTTP entry points, called from server threads

    def _handle_http(
        self, path: str, query: str, headers: Mapping[str, str], body: bytes
    ) -> _Reply:
        try:
            if path.startswith(_API_PREFIX):
                return self._handle_api(path.removeprefix(_API_PREFIX), query, headers, body)
            if path.startswith(_UPLOAD_PREFIX):
                return self._handle_upload(path.removeprefix(_UPLOAD_PREFIX), body)
            if path.startswith(_RESPONSE_PREFIX):
                return self._handle_response_url(path.removeprefix(_RESPONSE_PREFIX), body)
            return _Reply.of_text(HTTPStatus.NOT_FOUND, "not found")
        except Exception as error:
            # An emulator bug must surface in the test that hit it, not as a hung client.
            _log.exception("Slack emulator failed on %s", path)
            with self._lock:
                self._record(path, {}, 500, {"ok": False, "error": f"emulator_error: {error!r}"})
            return _Reply.of_text(HTTPStatus.INTERNAL_SERVER_ERROR, f"emulator error: {error!r}")

    def _handle_api(
        self, method: str, query: str, headers: Mapping[str, str], body: bytes
    ) -> _Reply:
        parse_error: _ApiError | None = None
        try:
            params = _parse_params(headers.get("Content-Type", ""), body, query)
        except _ApiError as error:
            params, parse_error = {}, error
        token = _bearer_token(headers.get("Authorization")) or _text_param(params, "token")
        params.pop("token", None)
        with self._lock:
            fault_reply = self._take_fault(method, params)
            if fault_reply is not None:
                return fault_reply
            try:
                if parse_error is not None:
                    raise parse_error
                handler = self._methods.get(method)
                if handler is None:
                    raise _ApiError("unknown_method", f"[ERROR] unknown method: {method}")
                self._check_token(token, method)
                response = {"ok": True, **handler(params)}
            except _RateLimitedError as limited:
                response = {"ok": False, "error": "ratelimited"}
                self._record(method, params, 429, response)
                reply = _Reply.of_json(429, response)
                reply.headers["Retry-After"] = str(limited.retry_after)
                return reply
            except _ApiError as error:
                response = error.response()
                if error.code == "unknown_method":
                    response["req_method"] = method
            self._record(method, params, 200, response)
            return _Reply.of_json(200, response)

    def _handle_upload(self, file_id: str, body: bytes) -> _Reply:
        params: dict[str, Any] = {"file_id": file_id, "length": len(body)}
        with self._lock:
            fault_reply = self._take_fault(UPLOAD_URL_METHOD, params)
            if fault_reply is not None:
                return fault_reply
            pending = self._pending_uploads.get(file_id)
            if pending is None:
                self._record(UPLOAD_URL_METHOD, params, 404, {"ok": False, "error": "not_found"})
                return _Reply.of_text(HTTPStatus.NOT_FOUND, "not_found")
            pending.content = body
            self._record(UPLOAD_URL_METHOD, params, 200, {"ok": True})
            return _Reply.of_text(HTTPStatus.OK, f"OK - {len(body)}")

    def _handle_response_url(self, token: str, body: bytes) -> _Reply:
        try:
            payload = json.loads(body.decode("utf-8")) if body else {}
        except (UnicodeDecodeError, json.JSONDecodeError):
            payload = None
        params = payload if isinstance(payload, dict) else {}
        with self._lock:
            fault_reply = self._take_fault(RESPONSE_URL_METHOD, params)
            if fault_reply is not None:
                return fault_reply
            status, response = self._respond_to_url(token, payload, params)
            self._record(RESPONSE_URL_METHOD, params, status, response)
            return _Reply.of_json(status, response)

    def _respond_to_url(
        self, token: str, payload: Any, params: dict[str, Any]
    ) -> tuple[int, dict[str, Any]]:
        entry = self._response_urls.get(token)
        if entry is None:
            return 404, _ApiError("no_service", "[ERROR] unknown response_url").response()
        if entry.uses >= MAX_RESPONSE_URL_USES:
            used = f"[ERROR] a response_url accepts at most {MAX_RESPONSE_URL_USES} messages"
            return 404, _ApiError("used_url", used).response()
        if not isinstance(payload, dict):
            not_json = "[ERROR] body must be a JSON object"
            return 400, _ApiError("invalid_payload", not_json).response()
        delete_original = _flag_param(params, "delete_original")
        try:
            if delete_original:
                text = _text_param(params, "text") or ""
                blocks: list[dict[str, Any]] = []
                attachments: list[dict[str, Any]] = []
            else:
                text, blocks, attachments = self._message_content(params)
        except _ApiError as error:
            return 400, error.response()
        entry.uses += 1
        self._messages.append(
            PostedMessage(
                channel=entry.channel or "",
                ts=self._next_ts(),
                text=text,
                blocks=blocks,
                thread_ts=_text_param(params, "thread_ts"),
                user=entry.user,
                kind="response_url",
                attachments=attachments,
                response_type=_text_param(params, "response_type") or "ephemeral",
                replace_original=_flag_param(params, "replace_original"),
                delete_original=delete_original,
            )
        )
        return 200, {"ok": True}

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

    def _take_fault(self, method: str, params: dict[str, Any]) -> _Reply | None:
        queue = self._faults.get(method)
        if not queue:
            return None
        fault = queue[0]
        fault.remaining -= 1
        if fault.remaining == 0:
            queue.popleft()
        if fault.status in (HTTPStatus.OK, HTTPStatus.TOO_MANY_REQUESTS):
            response = {"ok": False, "error": fault.error or "ratelimited"}
            reply = _Reply.of_json(fault.status, response)
            if fault.status == HTTPStatus.TOO_MANY_REQUESTS and fault.retry_after is not None:
                reply.headers["Retry-After"] = str(fault.retry_after)
        else:
            text = fault.error or HTTPStatus(fault.status).phrase
            response = {"ok": False, "error": text}
            reply = _Reply.of_text(fault.status, text)
        self._record(method, params, fault.status, response)
        return reply

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

    def _resolve_channel(self, params: Mapping[str, Any], name: str = "channel") -> str:
        channel = _text_param(params, name)
        if not channel:
            raise _ApiError("channel_not_found", _missing(name))
        if channel in self._users:
            # Slack delivers a message addressed to a user id to the app's DM with them.
            return self._dm_for(channel)
        resolved = self._lookup_channel(channel)
        if resolved is None:
            raise _ApiError("channel_not_found", f"[ERROR] unknown channel: {channel}")
        return resolved

    def _take_post_token(self, channel: str) -> None:
        """Takes a token from ``channel``'s chat.postMessage bucket, if one is configured."""
        if self._post_rate_limit is None:
            return
        rate, burst = self._post_rate_limit
        now = self._clock()
        bucket = self._post_buckets.setdefault(channel, _Bucket(float(burst), now))
        if now > bucket.refilled_at:
            bucket.tokens = min(float(burst), bucket.tokens + (now - bucket.refilled_at) * rate)
            bucket.refilled_at = now
        if bucket.tokens + _TOKEN_EPSILON >= 1:
            bucket.tokens = max(0.0, bucket.tokens - 1)
            return
        wait = (1 - bucket.tokens) / rate
        raise _RateLimitedError(max(1, math.ceil(wait - _TOKEN_EPSILON)))

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

    # API methods; each runs under the lock and returns the response without "ok"

    def _auth_test(self, params: dict[str, Any]) -> dict[str, Any]:
        return {
            "url": "https://local-workspace.slack.com/",
            "team": "Local workspace",
            "user": "consortium-bot",
            "team_id": self.team_id,
            "user_id": self.bot_user_id,
            "bot_id": self.bot_id,
            "is_enterprise_install": False,
        }

    def _chat_post_message(self, params: dict[str, Any]) -> dict[str, Any]:
        channel = self._resolve_channel(params)
        self._take_post_token(channel)
        text, blocks, attachments = self._message_content(params)
        metadata, ignored_metadata = _metadata_param(params)
        thread_ts = _text_param(params, "thread_ts")
        message = PostedMessage(
            channel=channel,
            ts=self._next_ts(),
            text=text,
            blocks=blocks,
            thread_ts=thread_ts,
            attachments=attachments,
            reply_broadcast=bool(thread_ts) and _flag_param(params, "reply_broadcast"),
            metadata=metadata,
        )
        self._messages.append(message)
        response = {"channel": channel, "ts": message.ts, "message": self._message_payload(message)}
        return _with_warning(response, ignored_metadata)

    def _chat_post_ephemeral(self, params: dict[str, Any]) -> dict[str, Any]:
        channel = self._resolve_channel(params)
        user = _text_param(params, "user")
        if not user:
            raise _ApiError("user_not_found", _missing("user"))
        self._known_user(user)
        text, blocks, attachments = self._message_content(params)
        message = PostedMessage(
            channel=channel,
            ts=self._next_ts(),
            text=text,
            blocks=blocks,
            thread_ts=_text_param(params, "thread_ts"),
            user=user,
            kind="ephemeral",
            attachments=attachments,
        )
        self._messages.append(message)
        return {"message_ts": message.ts}

    def _chat_update(self, params: dict[str, Any]) -> dict[str, Any]:
        channel = self._resolve_channel(params)
        message = self._find_message(channel, _text_param(params, "ts"))
        text, blocks, attachments = self._message_content(params)
        metadata, ignored_metadata = _metadata_param(params, allow_empty=True)
        # As on Slack, fields left out of chat.update keep their previous value; metadata is
        # removed with an empty object.
        if "text" in params or "markdown_text" in params:
            message.text = text
        if "blocks" in params:
            message.blocks = blocks
        if "attachments" in params:
            message.attachments = attachments
        if metadata is not None:
            message.metadata = metadata or None
        message.updated = True
        response = {
            "channel": channel,
            "ts": message.ts,
            "text": message.text,
            "message": self._message_payload(message),
        }
        return _with_warning(response, ignored_metadata)

    def _chat_delete(self, params: dict[str, Any]) -> dict[str, Any]:
        channel = self._resolve_channel(params)
        message = self._find_message(channel, _text_param(params, "ts"))
        message.deleted = True
        return {"channel": channel, "ts": message.ts}

    def _exchange_trigger(self, params: Mapping[str, Any]) -> None:
        trigger_id = _text_param(params, "trigger_id") or _text_param(
            params, "interactivity_pointer"
        )
        if not trigger_id:
            raise _ApiError("invalid_arguments", _missing("trigger_id"))
        trigger = self._triggers.get(trigger_id)
        if trigger is None:
            raise _ApiError("invalid_trigger_id", f"[ERROR] unknown trigger_id: {trigger_id}")
        if trigger.used:
            raise _ApiError("exchanged_trigger_id", "[ERROR] trigger_id was already used")
        if self._clock() - trigger.issued_at > self.trigger_ttl:
            raise _ApiError(
                "expired_trigger_id", f"[ERROR] trigger_id is older than {self.trigger_ttl}s"
            )
        trigger.used = True

    def _validated_view(self, params: Mapping[str, Any], *types: str) -> dict[str, Any]:
        view = params.get("view")
        if view is None:
            raise _ApiError("invalid_arguments", _missing("view"))
        messages = _view_problems(view, types)
        if messages or not isinstance(view, dict):
            raise _ApiError("invalid_arguments", *messages)
        return view

    def _store_view(
        self, view: dict[str, Any], view_id: str, previous: dict[str, Any] | None
    ) -> dict[str, Any]:
        # An update that leaves external_id out keeps addressing the same view by it.
        external_id = view.get("external_id") or (previous or {}).get("external_id", "")
        if external_id and any(
            other.get("external_id") == external_id and other_id != view_id
            for other_id, other in self._views.items()
        ):
            raise _ApiError("duplicate_external_id", f"[ERROR] external_id in use: {external_id}")
        stored = {
            "id": view_id,
            "team_id": self.team_id,
            "type": view["type"],
            "title": view.get("title"),
            "submit": view.get("submit"),
            "close": view.get("close"),
            "blocks": view.get("blocks", []),
            "private_metadata": view.get("private_metadata", ""),
            "callback_id": view.get("callback_id", ""),
            "external_id": external_id,
            "state": {"values": {}},
            "hash": f"{int(self._wall_clock())}.{secrets.token_hex(4)}",
            "clear_on_close": bool(view.get("clear_on_close", False)),
            "notify_on_close": bool(view.get("notify_on_close", False)),
            "root_view_id": previous["root_view_id"] if previous else view_id,
            "previous_view_id": previous["previous_view_id"] if previous else None,
            "app_id": "A0LOCAL",
            "bot_id": self.bot_id,
            "app_installed_team_id": self.team_id,
        }
        self._views[view_id] = stored
        return copy.deepcopy(stored)

    def _views_open(self, params: dict[str, Any]) -> dict[str, Any]:
        # The view is checked before the trigger, so a rejected view leaves the trigger usable.
        view = self._validated_view(params, "modal")
        self._exchange_trigger(params)
        return {"view": self._store_view(view, self._new_id("V"), None)}

    def _views_update(self, params: dict[str, Any]) -> dict[str, Any]:
        view_id = _text_param(params, "view_id")
        external_id = _text_param(params, "external_id")
        if not view_id and not external_id:
            raise _ApiError("invalid_arguments", _missing("view_id or external_id"))
        if not view_id:
            view_id = next(
                (i for i, v in self._views.items() if v["external_id"] == external_id), None
            )
        previous = self._views.get(view_id or "")
        if view_id is None or previous is None:
            raise _ApiError("not_found", f"[ERROR] unknown view: {view_id or external_id}")
        view = self._validated_view(params, previous["type"])
        expected_hash = _text_param(params, "hash")
        if expected_hash and expected_hash != previous["hash"]:
            raise _ApiError("hash_conflict", "[ERROR] the view changed since that hash")
        return {"view": self._store_view(view, view_id, previous)}

    def _views_publish(self, params: dict[str, Any]) -> dict[str, Any]:
        user_id = _required_param(params, "user_id")
        self._known_user(user_id)
        view = self._validated_view(params, "home")
        view_id = next((i for i, u in self._view_users.items() if u == user_id), None)
        previous = self._views.get(view_id or "")
        expected_hash = _text_param(params, "hash")
        if previous is not None and expected_hash and expected_hash != previous["hash"]:
            raise _ApiError("hash_conflict", "[ERROR] the home tab changed since that hash")
        view_id = view_id or self._new_id("V")
        self._view_users[view_id] = user_id
        return {"view": self._store_view(view, view_id, None)}

    def _conversations_history(self, params: dict[str, Any]) -> dict[str, Any]:
        channel = _text_param(params, "channel")
        resolved = self._lookup_channel(channel) if channel else None
        if resolved is None:
            raise _ApiError(
                "channel_not_found",
                f"[ERROR] unknown channel: {channel}" if channel else _missing("channel"),
            )
        oldest = _ts_param(params, "oldest", "invalid_ts_oldest")
        latest = _ts_param(params, "latest", "invalid_ts_latest")
        inclusive = _flag_param(params, "inclusive")
        limit = _limit_param(params, DEFAULT_HISTORY_LIMIT, MAX_HISTORY_LIMIT)
        cursor = _text_param(params, "cursor")
        page_start = _decode_cursor(cursor) if cursor else None
        with_metadata = _flag_param(params, "include_all_metadata")

        replies: dict[str, list[PostedMessage]] = {}
        listed: list[tuple[int, PostedMessage]] = []
        for message in self._messages:
            if message.channel != resolved or message.kind != "message" or message.deleted:
                continue
            is_reply = message.thread_ts is not None and message.thread_ts != message.ts
            if is_reply:
                replies.setdefault(message.thread_ts or "", []).append(message)
            if is_reply and not message.reply_broadcast:
                continue
            ts = _ts_micros(message.ts) or 0
            if oldest is not None and (ts < oldest or (ts == oldest and not inclusive)):
                continue
            if latest is not None and (ts > latest or (ts == latest and not inclusive)):
                continue
            if page_start is not None and ts > page_start:
                continue
            listed.append((ts, message))
        listed.sort(key=lambda entry: entry[0], reverse=True)
        page, rest = listed[:limit], listed[limit:]

        messages = []
        for _, message in page:
            payload = self._message_payload(message, metadata=with_metadata)
            payload.setdefault("blocks", [])
            thread = replies.get(message.ts) if message.thread_ts in (None, message.ts) else None
            if thread:
                # Every message the emulator lists was posted by the bot.
                reply_users = [self.bot_user_id]
                payload.update(
                    thread_ts=message.ts,
                    reply_count=len(thread),
                    reply_users_count=len(reply_users),
                    latest_reply=max(thread, key=lambda r: _ts_micros(r.ts) or 0).ts,
                    reply_users=reply_users,
                )
            messages.append(payload)
        return {
            "messages": messages,
            "has_more": bool(rest),
            "pin_count": 0,
            "response_metadata": {"next_cursor": _encode_cursor(rest[0][1].ts) if rest else ""},
        }

    def _conversations_open(self, params: dict[str, Any]) -> dict[str, Any]:
        users = [u.strip() for u in (_text_param(params, "users") or "").split(",") if u.strip()]
        channel = _text_param(params, "channel")
        if not users:
            if not channel:
                raise _ApiError("users_list_not_supplied", _missing("users or channel"))
            if channel not in self._dm_members:
                raise _ApiError("channel_not_found", f"[ERROR] unknown DM: {channel}")
            return {"no_op": True, "already_open": True, "channel": {"id": channel}}
        for user_id in users:
            self._known_user(user_id)
        members = tuple(sorted(set(users)))
        existing = next((i for i, m in self._dm_members.items() if m == members), None)
        if existing is not None:
            return {"no_op": True, "already_open": True, "channel": {"id": existing}}
        if len(members) == 1:
            return {"channel": {"id": self._dm_for(members[0])}}
        group_id = self._new_id("G")
        self._dm_members[group_id] = members
        return {"channel": {"id": group_id}}

    def _conversations_info(self, params: dict[str, Any]) -> dict[str, Any]:
        channel = _text_param(params, "channel") or ""
        resolved = self._lookup_channel(channel)
        if resolved is None:
            raise _ApiError("channel_not_found", f"[ERROR] unknown channel: {channel}")
        info: dict[str, Any] = {
            "id": resolved,
            "created": 0,
            "is_archived": False,
            "is_member": True,
            "is_private": resolved in self._dm_members,
            "is_channel": resolved in self._channels,
            "is_im": False,
            "is_mpim": False,
        }
        if resolved in self._channels:
            name = self._channels[resolved].name
            info.update(name=name, name_normalized=name)
        elif len(self._dm_members[resolved]) == 1:
            info.update(is_im=True, user=self._dm_members[resolved][0])
        else:
            info.update(is_mpim=True, name="mpdm-" + "--".join(self._dm_members[resolved]))
        return {"channel": info}

    def _users_info(self, params: dict[str, Any]) -> dict[str, Any]:
        user_id = _text_param(params, "user") or ""
        self._known_user(user_id)
        user = self._users.get(user_id) or EmulatedUser(user_id, "consortium-bot", "UTC")
        now = datetime.fromtimestamp(self._wall_clock(), ZoneInfo(user.tz))
        offset = now.utcoffset()
        return {
            "user": {
                "id": user.id,
                "team_id": self.team_id,
                "name": user.name,
                "real_name": user.name,
                "deleted": False,
                "tz": user.tz,
                "tz_label": now.tzname(),
                "tz_offset": int(offset.total_seconds()) if offset is not None else 0,
                "is_bot": user_id == self.bot_user_id,
                "is_app_user": False,
                "profile": {"real_name": user.name, "display_name": user.name},
            }
        }

    def _files_get_upload_url(self, params: dict[str, Any]) -> dict[str, Any]:
        filename = _required_param(params, "filename")
        length = _required_param(params, "length")
        if not length.isdigit():
            raise _ApiError("invalid_arguments", "[ERROR] length must be a whole number of bytes")
        file_id = self._new_id("F")
        self._pending_uploads[file_id] = _PendingUpload(filename=filename, length=int(length))
        return {"upload_url": f"{self.base_url}{_UPLOAD_PREFIX}{file_id}", "file_id": file_id}

    def _files_complete_upload(self, params: dict[str, Any]) -> dict[str, Any]:
        entries = params.get("files")
        if not isinstance(entries, list) or not entries:
            raise _ApiError("invalid_arguments", _missing("files"))
        channels = [_text_param(params, "channel_id") or ""]
        channels += (_text_param(params, "channels") or "").split(",")
        channel_ids = [self._resolve_channel({"channel": c}) for c in channels if c.strip()]
        uploads: list[tuple[str, str, _PendingUpload]] = []
        for entry in entries:
            file_id = entry.get("id") if isinstance(entry, dict) else None
            pending = self._pending_uploads.get(str(file_id))
            if pending is None or pending.content is None:
                raise _ApiError("file_not_found", f"[ERROR] {file_id} was not uploaded")
            uploads.append((str(file_id), str(entry.get("title") or pending.filename), pending))
        initial_comment = _text_param(params, "initial_comment")
        thread_ts = _text_param(params, "thread_ts")
        channel_id = channel_ids[0] if channel_ids else None
        for file_id, title, pending in uploads:
            del self._pending_uploads[file_id]
            self._files[file_id] = UploadedFile(
                id=file_id,
                filename=pending.filename,
                title=title,
                content=pending.content or b"",
                channel_id=channel_id,
                initial_comment=initial_comment,
                thread_ts=thread_ts,
            )
        file_ids = [file_id for file_id, _, _ in uploads]
        for shared_in in channel_ids:
            self._messages.append(
                PostedMessage(
                    channel=shared_in,
                    ts=self._next_ts(),
                    text=initial_comment or "",
                    thread_ts=thread_ts,
                    file_ids=file_ids,
                )
            )
        return {"files": [self._file_payload(self._files[file_id]) for file_id in file_ids]}

    def _files_info(self, params: dict[str, Any]) -> dict[str, Any]:
        file_id = _text_param(params, "file") or ""
        uploaded = self._files.get(file_id)
        if uploaded is None:
            raise _ApiError("file_not_found", f"[ERROR] unknown file: {file_id}")
        return {
            "file": self._file_payload(uploaded),
            "comments": [],
            "response_metadata": {"next_cursor": ""},
        }

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


class _EmulatorServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, emulator: SlackEmulator) -> None:
        super().__init__(("127.0.0.1", 0), _RequestHandler)
        self.emulator = emulator


class _RequestHandler(BaseHTTPRequestHandler):
    server: _EmulatorServer

    def do_POST(self) -> None:
        self._serve()

    def do_GET(self) -> None:
        self._serve()

    def log_message(self, format: str, *args: Any) -> None:
        _log.debug("slack emulator: " + format, *args)

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        url = urlsplit(self.path)
        # Header names are case-insensitive; the emulator looks them up in title case.
        canonical = {name.title(): value for name, value in self.headers.items()}
        reply = self.server.emulator._handle_http(url.path, url.query, canonical, body)
        self.send_response(reply.status)
        self.send_header("Content-Type", reply.content_type)
        self.send_header("Content-Length", str(len(reply.body)))
        for name, value in reply.headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(reply.body)
