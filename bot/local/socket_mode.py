"""A local Socket Mode server for tests: Slack's side of ``consortium-bot socket``.

Socket Mode works in two steps. The app calls the Web API method ``apps.connections.open`` with
its app-level token (``xapp-…``) and gets back a one-off WebSocket URL; it connects there, Slack
greets it with ``{"type": "hello", ...}`` and then sends envelopes::

    {"envelope_id": "...", "type": "slash_commands", "accepts_response_payload": true,
     "payload": {...the fields of an HTTP slash command...}}

which the app acknowledges with ``{"envelope_id": "...", "payload": {...the ack body...}}``.

``SocketModeServer`` serves the WebSocket side from an aiohttp app on a free port of 127.0.0.1,
running its own event loop in a daemon thread. Its ``apps_connections_open`` is the handler for
the Web API method; register it on the emulator the bot's ``SLACK_API_URL`` points at::

    with SlackEmulator() as emulator, SocketModeServer() as server:
        emulator.add_method("apps.connections.open", server.apps_connections_open)
        ...  # start the bot, then:
        server.wait_connected(timeout=30)
        envelope_id = server.send_envelope("slash_commands", {...})
        ack = server.wait_for_ack(envelope_id, timeout=30)

Each URL carries a ticket that admits one connection, as Slack's do; a connection without a
valid ticket is refused with HTTP 401. WebSocket pings (the SDK sends them to check the
connection is alive) are answered with pongs carrying the same data.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import logging
import secrets
import socket
import threading
from collections.abc import Coroutine
from typing import Any, TypeVar

from aiohttp import WSCloseCode, WSMsgType, web

from bot.local.loopback import LIFECYCLE_TIMEOUT, LoopbackServer

__all__ = ["SocketModeServer"]

_log = logging.getLogger(__name__)
_T = TypeVar("_T")
_PATH = "/link/"


class SocketModeServer(LoopbackServer):
    """Slack's Socket Mode WebSocket endpoint on a free local port; thread-safe.

    ``app_id`` is reported in the hello message. Acknowledgements (and any other JSON text the
    client sends) are kept for ``wait_for_ack`` and ``received``.
    """

    def __init__(self, *, app_id: str = "A0LOCAL") -> None:
        self.app_id = app_id
        self._changed = threading.Condition()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._runner: web.AppRunner | None = None
        self._tickets: set[str] = set()
        self._sockets: list[web.WebSocketResponse] = []
        self._connections_total = 0
        self._received: list[dict[str, Any]] = []
        self._acks: dict[str, dict[str, Any]] = {}
        self._ids = itertools.count(1)

    # lifecycle

    def _launch(self) -> tuple[int, threading.Thread]:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
        loop = asyncio.new_event_loop()
        ready = threading.Event()
        failure: list[BaseException] = []
        thread = threading.Thread(
            target=self._serve,
            args=(loop, sock, ready, failure),
            name=f"socket-mode-{port}",
            daemon=True,
        )
        self._loop = loop
        thread.start()
        if not ready.wait(LIFECYCLE_TIMEOUT) or failure:
            loop.call_soon_threadsafe(loop.stop)
            thread.join(LIFECYCLE_TIMEOUT)
            self._loop = None
            raise RuntimeError(f"the Socket Mode server did not start: {failure or 'timeout'}")
        return port, thread

    def _shutdown(self) -> None:
        loop, self._loop = self._loop, None
        if loop is None or loop.is_closed():
            return
        if self._thread is not None and self._thread.is_alive():
            try:
                asyncio.run_coroutine_threadsafe(self._close_all(), loop).result(LIFECYCLE_TIMEOUT)
            except Exception:
                _log.exception("Socket Mode server: closing the connections failed")
            loop.call_soon_threadsafe(loop.stop)

    @property
    def url(self) -> str:
        """``ws://127.0.0.1:<port>/link/`` of the running server, without a ticket."""
        return f"ws://127.0.0.1:{self.port}{_PATH}"

    # the Web API side

    def apps_connections_open(self, params: dict[str, Any]) -> dict[str, Any]:
        """Handler for ``apps.connections.open``: a fresh one-connection URL."""
        ticket = secrets.token_hex(8)
        with self._changed:
            self._tickets.add(ticket)
        return {"url": f"{self.url}?ticket={ticket}&app_id={self.app_id}"}

    # driving the client

    @property
    def connection_count(self) -> int:
        """How many WebSocket connections are open now."""
        with self._changed:
            return len(self._sockets)

    @property
    def connections_total(self) -> int:
        """How many WebSocket connections were accepted since start()."""
        with self._changed:
            return self._connections_total

    def wait_connected(self, timeout: float = 10.0) -> None:
        """Waits until a client has connected and been sent hello; TimeoutError otherwise."""
        with self._changed:
            if not self._changed.wait_for(lambda: bool(self._sockets), timeout):
                raise TimeoutError(f"no Socket Mode client connected within {timeout} s")

    def send_envelope(
        self, type_: str, payload: dict[str, Any], *, accepts_response_payload: bool = True
    ) -> str:
        """Sends an envelope on the newest connection and returns its envelope_id."""
        envelope_id = f"{next(self._ids)}-{secrets.token_hex(8)}"
        envelope: dict[str, Any] = {
            "envelope_id": envelope_id,
            "type": type_,
            "accepts_response_payload": accepts_response_payload,
            "payload": payload,
            "retry_attempt": 0,
            "retry_reason": "",
        }
        self._send(envelope)
        return envelope_id

    def send_disconnect(self, reason: str = "refresh_requested") -> None:
        """Asks the client to reconnect, as Slack does every few hours."""
        self._send({"type": "disconnect", "reason": reason, "debug_info": {"host": "local"}})

    def wait_for_ack(self, envelope_id: str, timeout: float = 10.0) -> dict[str, Any]:
        """The client's acknowledgement of ``envelope_id``: ``{"envelope_id", "payload"?}``."""
        with self._changed:
            if not self._changed.wait_for(lambda: envelope_id in self._acks, timeout):
                raise TimeoutError(f"envelope {envelope_id} was not acknowledged in {timeout} s")
            return self._acks[envelope_id]

    def received(self) -> list[dict[str, Any]]:
        """Every JSON message clients sent, oldest first."""
        with self._changed:
            return list(self._received)

    # the server's own thread

    def _serve(
        self,
        loop: asyncio.AbstractEventLoop,
        sock: socket.socket,
        ready: threading.Event,
        failure: list[BaseException],
    ) -> None:
        asyncio.set_event_loop(loop)
        try:
            try:
                loop.run_until_complete(self._open(sock))
            except BaseException as error:
                failure.append(error)
                sock.close()
                return
            finally:
                ready.set()
            loop.run_forever()
            if self._runner is not None:
                loop.run_until_complete(self._runner.cleanup())
        finally:
            loop.close()

    async def _open(self, sock: socket.socket) -> None:
        app = web.Application()
        app.router.add_get(_PATH, self._websocket)
        runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await runner.setup()
        self._runner = runner
        await web.SockSite(runner, sock).start()

    async def _close_all(self) -> None:
        with self._changed:
            sockets = list(self._sockets)
        for ws in sockets:
            await ws.close(code=WSCloseCode.GOING_AWAY, message=b"server stopping")

    async def _websocket(self, request: web.Request) -> web.StreamResponse:
        ticket = request.query.get("ticket", "")
        with self._changed:
            admitted = ticket in self._tickets
            self._tickets.discard(ticket)
        if not admitted:
            raise web.HTTPUnauthorized(text="unknown or used ticket")
        # autoping: pings are answered with pongs echoing their data, which the SDK relies on.
        ws = web.WebSocketResponse(autoping=True)
        await ws.prepare(request)
        await ws.send_json(
            {
                "type": "hello",
                "num_connections": self.connection_count + 1,
                "debug_info": {"host": "local", "approximate_connection_time": 18060},
                "connection_info": {"app_id": self.app_id},
            }
        )
        with self._changed:
            self._sockets.append(ws)
            self._connections_total += 1
            self._changed.notify_all()
        try:
            async for message in ws:
                if message.type == WSMsgType.TEXT:
                    self._take(message.data)
        finally:
            with self._changed:
                self._sockets.remove(ws)
                self._changed.notify_all()
        return ws

    def _take(self, text: str) -> None:
        try:
            message = json.loads(text)
        except ValueError:
            _log.warning("Socket Mode server: a client sent non-JSON text: %r", text[:200])
            return
        if not isinstance(message, dict):
            return
        with self._changed:
            self._received.append(message)
            envelope_id = message.get("envelope_id")
            if isinstance(envelope_id, str):
                self._acks[envelope_id] = message
            self._changed.notify_all()

    def _send(self, message: dict[str, Any]) -> None:
        with self._changed:
            if not self._sockets:
                raise RuntimeError("no Socket Mode client is connected")
            ws = self._sockets[-1]
        self._call(ws.send_json(message))

    def _call(self, coroutine: Coroutine[Any, Any, _T]) -> _T:
        loop = self._loop
        if loop is None:
            coroutine.close()
            raise RuntimeError("the Socket Mode server is not running; call start() first")
        return asyncio.run_coroutine_threadsafe(coroutine, loop).result(LIFECYCLE_TIMEOUT)
