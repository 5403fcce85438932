"""Work after the ack, and whether this process runs the scheduler."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable
from concurrent.futures import Executor, Future
from typing import Any

logger = logging.getLogger("consortium_bot.background")


class Background:
    """Work that must not delay an ack (Web API calls, uploads), run on the listener pool."""

    def __init__(self, executor: Executor) -> None:
        self.executor = executor

    def run(self, work: Callable[..., Any], *args: Any) -> None:
        future = self.executor.submit(work, *args)
        future.add_done_callback(_log_failure)


def _log_failure(future: Future[Any]) -> None:
    """Nothing run after an ack may fail silently: log it with a reference."""
    error = future.exception()
    if error is not None:
        reference = secrets.token_hex(4)
        logger.error("background work failed (reference %s)", reference, exc_info=error)


class SchedulerState:
    """Whether this process runs the scheduler: None when it does not (`--no-scheduler`)."""

    def __init__(self) -> None:
        self.running: Callable[[], bool] | None = None
