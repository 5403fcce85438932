"""The lifecycle the local test servers share: a free port on 127.0.0.1, served from a daemon
thread, started and stopped once each (or by `with`), never a fixed port."""

from __future__ import annotations

import threading
from abc import ABC, abstractmethod
from types import TracebackType
from typing import Self

LIFECYCLE_TIMEOUT = 10.0


class LoopbackServer(ABC):
    """Subclasses say how to serve (`_launch`) and how to stop (`_shutdown`)."""

    _port: int | None = None
    _thread: threading.Thread | None = None

    @property
    def _name(self) -> str:
        return type(self).__name__

    def start(self) -> Self:
        """Binds a free port on 127.0.0.1 and serves from a daemon thread."""
        if self._thread is not None:
            raise RuntimeError(f"the {self._name} is already running")
        self._port, self._thread = self._launch()
        return self

    def stop(self) -> None:
        """Stops serving and releases the port; safe to call twice."""
        thread = self._thread
        if thread is None:
            return
        try:
            self._shutdown()
        finally:
            thread.join(timeout=LIFECYCLE_TIMEOUT)
            self._port, self._thread = None, None

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
    def port(self) -> int:
        if self._port is None or self._thread is None:
            raise RuntimeError(f"the {self._name} is not running; call start() first")
        return self._port

    @abstractmethod
    def _launch(self) -> tuple[int, threading.Thread]:
        """Bind a free port, start serving from a started daemon thread; return both."""

    @abstractmethod
    def _shutdown(self) -> None:
        """Stop serving (the thread is joined afterwards)."""
