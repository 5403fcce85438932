"""Whatever is typed after any of the bot's commands, by the coordinator or a partner, the
answer is a reply, never "something went wrong" and never a logged traceback."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.local.workspace import LocalWorkspace
from scheduling.clock import FixedClock
from tests.support import logged_errors

COMMANDS = ["/consortium", "/meeting", "/update", "/round", "/digest"]
WORDS = [
    # subcommands and keywords of every grammar
    "help", "whoami", "status", "subscribe", "remind", "me", "dm", "channel",
    "schedule", "list", "next", "who", "cancel", "move", "edit", "invite", "to", "on", "at",
    "for", "tz", "in", "from", "once", "weekly", "monthly", "quarterly", "rrule", "the",
    "first", "fifth", "last", "monday", "jour-fixe", "webinar", "physical", "title", "time",
    "duration", "link", "location", "reminders", "none", "open", "close", "due", "report",
    "core", "supporting", "all", "AT", "PT", "now", "new", "show",
    # values, good and bad
    "1", "#7", "0", "-1", "²", "99999999999999999999999", "2027-01-07", "9999-12-31",
    "2024-02-30", "10:00", "25:00", "1h", "99999999999999w", "Europe/Vienna", "Mars/Base",
    "FREQ=DAILY;BYSETPOS=2", "FREQ=MONTHLY;BYDAY=5MO", '"Jour fixe"', '"', "“Quoted”",
    "<@U0PT>", "<!channel>", "&amp;", "<#C0ANNOUNCE|announcements>", "https://example.org",
    # as people write them
    "tomorrow", "next", "thursday", "03/04/2027", "19/12", "19", "Dec", "2027", "in", "3",
    "weeks", "10am", "2:30", "pm", "10.00", "1h30", "90", "min", "every", "other", "until",
    "occurrences", "Turkey", "Czechia", "countries", "tuesdy", "shedule", "all", "“in person”",
    "’", "Vienna",
]  # fmt: skip
TEXTS = st.one_of(
    st.lists(st.sampled_from(WORDS), max_size=8).map(" ".join),
    st.text(max_size=60),
)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(datetime(2026, 12, 1, 9, 0, tzinfo=UTC))


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    user=st.sampled_from(["U0COORD1", "U0PT", "U0BG"]),
    command=st.sampled_from(COMMANDS),
    text=TEXTS,
)
def test_any_text_after_any_command_gets_a_reply(
    workspace: LocalWorkspace, user: str, command: str, text: str
) -> None:
    with logged_errors() as errors:
        exchange = workspace.command(user, f"{command} {text}")
        workspace.executor.wait_idle()
    assert exchange.status == 200
    assert "something went wrong" not in exchange.ack_text.lower()
    assert [r.getMessage() for r in errors] == []
