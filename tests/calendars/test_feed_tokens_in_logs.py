"""No feed token in any log record, with every logger at DEBUG: Bolt's lines of the acks
(`subscribe` answers with the links), slack_sdk's lines of request and response bodies (the
Home tab, the welcome, a reset's DM), httpx's line of each feed fetched, uvicorn's access
line, and a traceback that quotes a feed URL."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import select
from starlette.testclient import TestClient

from bot.core import ids
from bot.core.log_secrets import hide_feed_tokens
from bot.local.workspace import LocalWorkspace
from bot.server import create_web_app
from scheduling.calendars.feeds import FeedService
from storage.db import Database
from storage.models import FeedToken
from tests.support import feed_paths, press, web_client

PORTUGUESE = "U0PT"
GREEK = "U0GR"
COORDINATOR = "U0COORD1"
# The loggers that see feed links; the root logger too, for any other.
LOGGERS = ("", "slack_sdk", "slack_bolt", "consortium_bot", "uvicorn", "httpx", "bot")


class _Everything(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


@contextmanager
def every_log_line() -> Iterator[list[str]]:
    """Every record any logger makes while the block runs, formatted as a handler would."""
    handler = _Everything()
    loggers = [logging.getLogger(name) for name in LOGGERS]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.DEBUG)
    logging.getLogger().addHandler(handler)
    try:
        yield handler.lines
    finally:
        logging.getLogger().removeHandler(handler)
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)


def every_token(workspace: LocalWorkspace) -> set[str]:
    with workspace.database.read() as work:
        return set(work.session.scalars(select(FeedToken.token)))


def test_no_feed_token_reaches_any_log_line(workspace: LocalWorkspace) -> None:
    seen: set[str] = set()
    with every_log_line() as lines:
        paths = feed_paths(workspace, PORTUGUESE)  # Bolt logs the ack's body
        workspace.open_home(GREEK)  # views.publish and the welcome DM, logged by slack_sdk
        seen |= every_token(workspace)
        asked = workspace.command(PORTUGUESE, "/consortium subscribe reset")
        press(
            workspace, PORTUGUESE, asked, ids.FEED_RESET_CONFIRM
        )  # the new links, by response_url
        asked = workspace.command(COORDINATOR, f"/consortium subscribe reset <@{GREEK}>")
        press(workspace, COORDINATOR, asked, ids.FEED_RESET_OTHERS_CONFIRM)  # the DM
        seen |= every_token(workspace)
        with web_client(workspace) as http:
            for path in [*paths, *feed_paths(workspace, PORTUGUESE)]:
                http.get(path)  # httpx logs each request's URL
        # What uvicorn logs for each request (the serve process is tested in tests/app).
        logging.getLogger("uvicorn.access").info(
            '%s - "%s %s HTTP/%s" %d', "127.0.0.1:5000", "GET", paths[0], "1.1", 404
        )
        try:
            raise RuntimeError(f"could not fetch https://consortium.example.org{paths[0]}")
        except RuntimeError:
            logging.getLogger("consortium_bot.test").exception("a failure quoting a feed URL")
        seen |= every_token(workspace)
    assert len(seen) >= 7  # the Portuguese's old and new, the Greek's old and new, ...
    leaked = [line for line in lines if any(token in line for token in seen)]
    assert leaked == []
    # Not vacuous: the links were in what was logged, hidden.
    hidden = "\n".join(lines)
    assert "views.publish" in hidden and "chat.postMessage" in hidden
    assert hidden.count("/calendar/…") >= 6
    assert '"GET /calendar/… HTTP/1.1" 404' in hidden
    assert "could not fetch https://consortium.example.org/calendar/…" in hidden


def test_feed_paths_are_hidden_however_a_body_spells_them() -> None:
    token = "Zf3LwpD2B33SQ2roP1x-YmzBLP51ehmc"
    for spelled, shown in [
        (f"https://x.org/calendar/{token}.ics", "https://x.org/calendar/…"),
        (f"<https://x.org/calendar/{token}.ics|Whole consortium>", "calendar/…|Whole"),
        (f'"https:\\/\\/x.org\\/calendar\\/{token}.ics"', "\\/calendar\\/…"),
        (f"text=https%3A%2F%2Fx.org%2Fcalendar%2F{token}.ics", "%2Fcalendar%2F…"),
        (f"`https://x.org/calendar/{token}.ics`", "/calendar/…`"),
    ]:
        hidden = hide_feed_tokens(spelled)
        assert token not in hidden and shown in hidden, hidden
    assert hide_feed_tokens("a calendar of meetings") == "a calendar of meetings"


def test_a_feed_asked_for_while_the_database_is_away_is_a_503_logged_without_its_token(
    workspace: LocalWorkspace, tmp_path: Path
) -> None:
    (path, *_) = feed_paths(workspace, PORTUGUESE)
    token = path.removeprefix("/calendar/").removesuffix(".ics")
    away = Database.connect(f"sqlite:///{tmp_path / 'no-such-folder' / 'bot.db'}")
    web_app = create_web_app(
        workspace.app,
        away,
        FeedService(away, workspace.clock),
        signing_secret=workspace.signing_secret,
    )
    with every_log_line() as lines, TestClient(web_app) as http:
        response = http.get(path)
    assert response.status_code == 503
    assert response.headers["retry-after"] == "300"
    said = [line for line in lines if "calendar feed" in line]
    assert said == ["ERROR consortium_bot.server: calendar feed: the database did not answer: "
                    "unable to open database file"]  # fmt: skip
    assert not [line for line in lines if token in line]
    away.dispose()
