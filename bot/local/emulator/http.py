"""The HTTP front: `/api/<method>`, upload URLs and response_urls, from server threads."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Mapping
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

from bot.local.emulator.limits import (
    MAX_RESPONSE_URL_USES,
    RESPONSE_URL_METHOD,
    UPLOAD_URL_METHOD,
)
from bot.local.emulator.methods import ApiMethods
from bot.local.emulator.params import (
    _API_PREFIX,
    _RESPONSE_PREFIX,
    _UPLOAD_PREFIX,
    _ApiError,
    _bearer_token,
    _flag_param,
    _parse_params,
    _RateLimitedError,
    _Reply,
    _text_param,
)
from bot.local.emulator.state import PostedMessage, _TransportFault

_log = logging.getLogger("bot.local.emulator")


class HttpFront(ApiMethods):
    # HTTP entry points, called from server threads

    def _handle_http(
        self, path: str, query: str, headers: Mapping[str, str], body: bytes
    ) -> _Reply:
        method = _method_of(path)
        before = self._take_transport_fault(method, processed=False)
        if before is not None and (before.action == "drop" or not _wait(before)):
            with self._lock:
                self._record(method, {}, 0, {"ok": False, "error": "connection_dropped"})
            return _Reply(0, b"", before_answer=lambda: False)
        reply = self._handle_processed(path, query, headers, body)
        after = self._take_transport_fault(method, processed=True)
        if after is not None:
            reply.before_answer = lambda: after.action != "drop" and _wait(after)
        return reply

    def _handle_processed(
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
                after = self._take_fault(method, params, processed=True)
                if after is not None:
                    return after
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


def _method_of(path: str) -> str:
    """The method name a path is recorded under (and its faults injected for)."""
    if path.startswith(_API_PREFIX):
        return path.removeprefix(_API_PREFIX)
    if path.startswith(_UPLOAD_PREFIX):
        return UPLOAD_URL_METHOD
    if path.startswith(_RESPONSE_PREFIX):
        return RESPONSE_URL_METHOD
    return path


def _wait(fault: _TransportFault) -> bool:
    """Wait as a delay or hold asks (a server thread, outside the lock); True to go on,
    False to drop the connection."""
    if fault.hold is not None:
        return fault.hold._hold()
    time.sleep(fault.seconds)
    return True


class _EmulatorServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, emulator: HttpFront) -> None:
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
        if reply.before_answer is not None and not reply.before_answer():
            self.close_connection = True  # the client reads the end of the stream, no answer
            return
        try:
            self._answer(reply)
        except OSError:
            _log.debug("slack emulator: the client left before the answer")

    def _answer(self, reply: _Reply) -> None:
        self.send_response(reply.status)
        self.send_header("Content-Type", reply.content_type)
        self.send_header("Content-Length", str(len(reply.body)))
        for name, value in reply.headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(reply.body)
