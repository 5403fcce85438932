"""Requests read as Slack reads them, replies as Slack writes them, and its errors."""

from __future__ import annotations

import base64
import binascii
import contextlib
import copy
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import parse_qs

from bot.local.emulator.blockkit import _Problems

# Fields Slack accepts as JSON-encoded strings in form-encoded requests.
_JSON_ENCODED_FIELDS = ("blocks", "attachments", "view", "files", "metadata", "user_auth_blocks")
# Slack's documented alphabet for metadata event types.
_EVENT_TYPE = re.compile(r"[A-Za-z0-9_-]+")
_CURSOR_PREFIX = "next_ts:"
# The paths the emulator serves: the Web API, upload URLs and response_urls.
_API_PREFIX = "/api/"
_UPLOAD_PREFIX = "/upload/v1/"
_RESPONSE_PREFIX = "/response/"


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
class _Reply:
    status: int
    body: bytes
    content_type: str = "application/json; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    # Run by the server thread before answering, outside the lock: False drops the connection.
    before_answer: Callable[[], bool] | None = None

    @classmethod
    def of_json(cls, status: int, payload: Mapping[str, Any]) -> _Reply:
        return cls(status, json.dumps(payload).encode("utf-8"))

    @classmethod
    def of_text(cls, status: int, text: str) -> _Reply:
        return cls(status, text.encode("utf-8"), "text/plain; charset=utf-8")
