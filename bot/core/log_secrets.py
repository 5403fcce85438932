"""Feed tokens never reach a log. A feed URL is its own key (whoever has it reads the
calendar), and it passes through many loggers: uvicorn's access log (the path), Bolt's DEBUG
line of each ack's body (a `subscribe` answer holds the links), slack_sdk's DEBUG lines of
request and response bodies (chat.postMessage, views.publish: the Home tab and the welcome
hold the links), and a traceback that quotes one.

A filter on a logger sees only what is logged to that logger itself, not what its children
pass up, and handlers are the operator's to set; so the links are hidden where every record
is made: a log record factory that puts `/calendar/…` in place of the token in the message,
in each argument and in the text of an exception. It matches the path however a body spells
it: plain, with JSON-escaped slashes (`\\/calendar\\/`) or URL-encoded (`%2Fcalendar%2F`).
Records are only made for levels a logger lets through, so this costs nothing otherwise.

SQLAlchemy's own logging (statements, parameters, rows) stays off unless an operator turns it
on (`sqlalchemy` is at WARNING by SQLAlchemy's own default): turned on at DEBUG it shows every
row it reads, tokens and every other personal datum included, which is what it is for.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Mapping
from typing import Any

_SLASH = r"(?:\\*/|%2[Ff])"
_FEED_PATH = re.compile(_SLASH + r"calendar" + _SLASH + r"[A-Za-z0-9_.%-]+")
_MARK = "calendar"


def hide_feed_tokens(text: str) -> str:
    """`text` with every feed path's token replaced by `…` (`/calendar/…`)."""
    if _MARK not in text:
        return text
    return _FEED_PATH.sub(_hidden_path, text)


def _hidden_path(found: re.Match[str]) -> str:
    slash = re.match(_SLASH, found[0])
    mark = slash[0] if slash else "/"
    return f"{mark}calendar{mark}…"


class _Hidden:
    """An argument whose text held a feed path: formats (`%s`, `%r`) with it hidden."""

    def __init__(self, value: object) -> None:
        self.text = hide_feed_tokens(str(value))
        self.representation = hide_feed_tokens(repr(value))

    def __str__(self) -> str:
        return self.text

    def __repr__(self) -> str:
        return self.representation


def _hidden_argument(value: object) -> object:
    if value is None or isinstance(value, int | float):
        return value  # `%d` and `%f` still work, and numbers hold no paths
    if isinstance(value, str):
        return hide_feed_tokens(value)
    if _MARK in str(value) or _MARK in repr(value):
        return _Hidden(value)
    return value


def hide_in_record(record: logging.LogRecord) -> None:
    """Hide feed tokens in a record's message, arguments and exception text, in place."""
    if isinstance(record.msg, str):
        record.msg = hide_feed_tokens(record.msg)
    elif _MARK in str(record.msg):
        record.msg = hide_feed_tokens(str(record.msg))
    if isinstance(record.args, tuple):
        record.args = tuple(_hidden_argument(value) for value in record.args)
    elif isinstance(record.args, Mapping):
        record.args = {key: _hidden_argument(value) for key, value in record.args.items()}
    if record.exc_info and record.exc_info[1] is not None and not record.exc_text:
        # Formatted once here, hidden, and kept: handlers print `exc_text` when it is set.
        text = logging.Formatter().formatException(record.exc_info)
        if _MARK in text:
            record.exc_text = hide_feed_tokens(text)


def install() -> None:
    """Make every log record of this process with feed tokens hidden (once, however often
    it is called; the factory in place before is kept and runs first)."""
    previous = logging.getLogRecordFactory()
    if getattr(previous, "hides_feed_tokens", False):
        return

    def make_record(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        hide_in_record(record)
        return record

    hiding: Callable[..., logging.LogRecord] = make_record
    hiding.hides_feed_tokens = True  # type: ignore[attr-defined]
    logging.setLogRecordFactory(hiding)
