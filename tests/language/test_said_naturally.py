"""Commands typed as people type them, end to end: signed slash commands into the Bolt app,
buttons pressed back, Web API calls answered by the emulator. The clock stands on Monday
7 December 2026, 10:00 in Vienna (the coordinator's zone)."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from typing import Any

import icalendar
import pytest
from slack_sdk.models.blocks import Block

from bot.core import ids
from bot.local.workspace import Exchange, LocalWorkspace
from scheduling.clock import FixedClock
from tests.support import confirmed, press

COORDINATOR = "U0COORD1"
PARTNER = "U0PT"


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(datetime(2026, 12, 7, 9, 0, tzinfo=UTC))


def _starts(workspace: LocalWorkspace) -> list[datetime]:
    """DTSTART of the last calendar file the bot shared, in its own zone."""
    uploaded = workspace.emulator.files()[-1]
    return [e["DTSTART"].dt for e in icalendar.Calendar.from_ical(uploaded.content).walk("VEVENT")]


def _rule(workspace: LocalWorkspace) -> str:
    uploaded = workspace.emulator.files()[-1]
    (event,) = icalendar.Calendar.from_ical(uploaded.content).walk("VEVENT")
    return event["RRULE"].to_ical().decode()


@pytest.mark.parametrize(
    ("when", "day", "at"),
    [
        ("once on 19/12/2027 at 10:00", "2027-12-19", "10:00"),
        ("once on 19 Dec 2027 at 10am", "2027-12-19", "10:00"),
        ("on Dec 19 at 10.00", "2026-12-19", "10:00"),
        ("tomorrow at 2:30 pm", "2026-12-08", "14:30"),
        ("19 December at 14", "2026-12-19", "14:00"),
        ("in 3 weeks at 10h30", "2026-12-28", "10:30"),
        ("thursday at noon", "2026-12-10", "12:00"),
    ],
)
def test_a_one_off_meeting_on_any_date_and_time_people_write(
    workspace: LocalWorkspace, when: str, day: str, at: str
) -> None:
    exchange = confirmed(
        workspace, COORDINATOR, f'/meeting schedule webinar "Demo" {when} for 90 min'
    )
    assert exchange.ack_text.startswith("Scheduled #"), exchange.ack_text
    (start,) = _starts(workspace)
    assert (start.date().isoformat(), f"{start:%H:%M}") == (day, at)
    assert str(start.tzinfo) == "Europe/Vienna"


@pytest.mark.parametrize(
    ("repeat", "rule"),
    [
        ("every tuesday", "FREQ=WEEKLY;BYDAY=TU"),
        ("every other tuesday", "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU"),
        ("weekly on tuesday until 2027-10-31", "FREQ=WEEKLY;UNTIL=20271031T225959Z;BYDAY=TU"),
        ("every tuesday for 6 occurrences", "FREQ=WEEKLY;COUNT=6;BYDAY=TU"),
        ("every month on the first thursday", "FREQ=MONTHLY;BYDAY=1TH"),
    ],
)
def test_series_with_every_until_and_a_count(
    workspace: LocalWorkspace, repeat: str, rule: str
) -> None:
    exchange = confirmed(
        workspace, COORDINATOR, f'/meeting schedule core-team "Core" {repeat} at 9:30 for 1h30'
    )
    assert exchange.ack_text.startswith("Scheduled #"), exchange.ack_text
    assert _rule(workspace) == rule


def test_an_unquoted_title_and_typographic_quotes(workspace: LocalWorkspace) -> None:
    unquoted = confirmed(
        workspace,
        COORDINATOR,
        "/meeting schedule jour-fixe Jour fixe monthly on the first thursday at 10:00 for 1h",
    )
    assert unquoted.ack_text.startswith("Scheduled #7 Jour fixe (monthly on the first thursday)")
    curly = confirmed(
        workspace,
        COORDINATOR,
        "/meeting schedule workshop “Cities in person” on 19/12/2027 at 10:00",
    )
    assert "Scheduled #8" in curly.ack_text
    repeated = confirmed(
        workspace,
        COORDINATOR,
        "/meeting schedule webinar Monthly review monthly on the first friday at 10:00",
    )
    assert repeated.ack_text.startswith("Scheduled #9 Monthly review (monthly on the first friday)")
    keywords = confirmed(
        workspace,
        COORDINATOR,
        "/meeting schedule workshop Cities in person, on governance on 19 Dec at 2pm",
    )
    assert keywords.ack_text.startswith("Scheduled #10 Cities in person, on governance on Sat 19")
    unreadable = confirmed(
        workspace, COORDINATOR, "/meeting schedule webinar Team sync weekly on tuesdy at 10:00"
    )
    assert "did you mean 'tuesday'" in unreadable.ack_text
    assert "if “Team sync” is not the whole title, put the title in quotes" in unreadable.ack_text


@pytest.mark.parametrize(
    ("line", "words"),
    [
        ("/meeting shedule", ["`/meeting shedule`", "did you mean `/meeting schedule`"]),
        ('/meeting schedule webnar "W" tomorrow at 10:00', ["did you mean 'webinar'"]),
        ('/meeting schedule webinar "W" weekly on tuesdy at 10:00', ["did you mean 'tuesday'"]),
        ('/meeting schedule webinar "W" tomorow at 10:00', ["'tomorow'", "did you mean"]),
        ('/meeting schedule webinar "W" tomorrow at 10:00 tz Europe/Viena', ["Europe/Vienna"]),
        ('/meeting schedule webinar "W" tomorrow at 10:00 in #jour-fix', ["#jour-fixe"]),
        ('/meeting schedule webinar "W" tomorrow at 3', ["3am, 3pm or 15:00"]),
        ("/meeting nxt", ["did you mean `/meeting next`"]),
        ("/round opne", ["did you mean `/round open`"]),
        ('/round open "Q" due tomorrow for cor countries', ["did you mean 'core countries'"]),
        ('/round open "Q" due tomorrow for Portgual', ["did you mean Portugal (PT)"]),
        ("/update list Portgual", ["did you mean Portugal (PT)"]),
        ("/consortium hlep", ["did you mean `/consortium help`"]),
        ("/digest previw", ["did you mean `/digest preview`"]),
        ("/update lst", ["Did you mean `/update list`", "Nothing was posted"]),
        (
            "/update lst Finland",
            ["Did you mean `/update list Finland`", "`/update AT: lst Finland`"],
        ),
        ("/meeting next al", ["did you mean 'all'"]),
        ("/meeting edit 1 tiem 11am", ["did you mean 'time'"]),
        ("/round export 1 docs", ["did you mean 'docx'"]),
        ("/consortium remind me dn", ["did you mean `/consortium remind me dm`"]),
        ("/consortium invites emial", ["did you mean `/consortium invites email`"]),
        (
            "/meeting who 1 on next friday",
            ["no occurrence on Fri 11 Dec 2026", "the next is on Thu"],
        ),
    ],
)
def test_did_you_mean_for_every_closed_vocabulary(
    workspace: LocalWorkspace, line: str, words: list[str]
) -> None:
    exchange = confirmed(workspace, COORDINATOR, line)
    shown = exchange.ack_text.replace("&lt;", "<").replace("&gt;", ">")
    for word in words:
        assert word.lower() in shown.lower(), shown
    assert not [c for c in exchange.calls if c.method == "chat.postMessage"]


def test_countries_by_their_other_names(workspace: LocalWorkspace) -> None:
    workspace.command("U0TR", "/update Turkish mission platform launched")
    assert "Turkish mission" in workspace.command(PARTNER, "/update list Turkey").ack_text
    assert workspace.command(PARTNER, "/update list Czechia").ack_text.startswith(
        "Updates from Czech Republic"
    )
    core = workspace.command(PARTNER, "/update list core countries").ack_text
    assert core.startswith("Updates from core countries") and "Turkish mission" in core
    opened = confirmed(
        workspace,
        COORDINATOR,
        "/round open Spring check due in 3 weeks for Türkiye, EL and Czechia",
    )
    assert opened.ack_text.startswith("Opened round #2 “Spring check”, due Mon 28 Dec 2026")
    assert "asking 2 countries by DM; no member listed for CZ" in opened.ack_text


def _buttons(exchange: Exchange) -> dict[str, dict[str, Any]]:
    assert isinstance(exchange.ack, dict)
    return {
        element["action_id"]: element
        for block in exchange.ack["blocks"]
        if block["type"] == "actions"
        for element in block["elements"]
    }


def test_a_date_that_reads_two_ways_is_asked_about_first(workspace: LocalWorkspace) -> None:
    asked = workspace.command(COORDINATOR, '/meeting schedule webinar "Spring" 03/04/2027 at 10am')
    assert "Saturday 3 April 2027 (as I read it) or Thursday 4 March 2027" in asked.ack_text
    assert "Schedule Webinar “Spring” at 10:00" in asked.ack_text
    assert not workspace.emulator.files()  # nothing happened yet
    buttons = _buttons(asked)
    assert [b["text"]["text"] for b in buttons.values()] == [
        "Saturday 3 April 2027",
        "Thursday 4 March 2027",
        "Neither",
    ]
    # A partner cannot press the coordinator's button into a meeting.
    forged = workspace.click(PARTNER, ids.READING_OTHER, buttons[ids.READING_OTHER]["value"])
    assert not workspace.emulator.files()
    assert "Only coordinators" in json.dumps(forged.ack) + json.dumps(
        [c.params for c in forged.calls]
    )
    chosen = workspace.click(COORDINATOR, ids.READING_OTHER, buttons[ids.READING_OTHER]["value"])
    (answer,) = [c.params for c in chosen.calls if c.method == "response_url"]
    assert answer["replace_original"] is True
    assert answer["text"].startswith("Scheduled #7 Spring")
    (start,) = _starts(workspace)
    assert start.date().isoformat() == "2027-03-04"


def test_next_thursday_early_in_a_week_is_asked_about(workspace: LocalWorkspace) -> None:
    asked = workspace.command(COORDINATOR, '/meeting schedule webinar "W" next thursday at 10am')
    assert asked.ack_text.startswith(
        "“next thursday” can be read two ways: Thursday 10 December 2026 (as I read it) or "
        "Thursday 17 December 2026."
    )
    chosen = press(workspace, COORDINATOR, asked, ids.READING_OTHER)
    assert "Scheduled #7 W on Thu 17 Dec 2026 10:00 (Europe/Vienna)" in json.dumps(
        [c.params for c in chosen.calls]
    )


def test_neither_does_nothing_and_says_how_to_be_clear(workspace: LocalWorkspace) -> None:
    asked = workspace.command(COORDINATOR, '/round open "Q1" due 03/02/2027')
    buttons = _buttons(asked)
    neither = workspace.click(
        COORDINATOR, ids.READING_NEITHER, buttons[ids.READING_NEITHER]["value"]
    )
    (answer,) = [c.params for c in neither.calls if c.method == "response_url"]
    assert answer["text"].startswith("Nothing done")
    assert workspace.command(COORDINATOR, "/round status Q1").ack_text.startswith(
        "There is no round 'Q1'"
    )
    as_read = workspace.click(
        COORDINATOR, ids.READING_AS_READ, buttons[ids.READING_AS_READ]["value"]
    )
    (opened,) = [c.params for c in as_read.calls if c.method == "response_url"]
    assert re.match(r"Opened round #\d+ “Q1”, due Wed 3 Feb 2027", opened["text"])


def test_moving_with_words(workspace: LocalWorkspace) -> None:
    workspace.command(COORDINATOR, '/meeting schedule webinar "W" every thursday at 10:00')
    moved = workspace.command(COORDINATOR, "/meeting move 7 thursday to friday at 11am")
    assert (
        moved.ack_text == "Moved #7 from Thu 10 Dec 2026 to Fri 11 Dec 2026 11:00 (Europe/Vienna)."
    )


def test_the_question_is_block_kit_slack_accepts_even_for_a_long_title(
    workspace: LocalWorkspace,
) -> None:
    title = "Cities & towns " * 13  # near the longest title, escaped on the way
    asked = workspace.command(
        COORDINATOR, f'/meeting schedule webinar "{title.strip()}" 03/04/2027 at 10am'
    )
    assert isinstance(asked.ack, dict)
    for block in asked.ack["blocks"]:
        # slack_sdk's own models check every limit when they build the same block.
        parsed = Block.parse(block)
        assert parsed is not None and parsed.to_dict() == block


def test_a_command_too_long_for_a_button_is_not_acted_on(workspace: LocalWorkspace) -> None:
    channel = "c" * 1990
    asked = workspace.command(
        COORDINATOR, f'/meeting schedule webinar "W" 03/04/2027 at 10am in #{channel}'
    )
    assert asked.ack_text.startswith("“03/04/2027” can be read two ways")
    assert "Nothing done. Type the command again with the date written out" in asked.ack_text
    assert isinstance(asked.ack, dict)
    assert not [b for b in asked.ack["blocks"] if b["type"] == "actions"]
    assert not workspace.emulator.files()
