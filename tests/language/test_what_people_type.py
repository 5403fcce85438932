"""What two reviewers and a newcomer typed that the first reader got wrong, end to end (or at
the reader where no Slack is involved), each with what it does now. The clock stands on
Monday 7 December 2026, 10:00 in Vienna."""

from __future__ import annotations

import io
import json
from datetime import UTC, date, datetime

import icalendar
import pytest

from bot.core import ids
from bot.local.shell import run_shell
from bot.local.workspace import LocalWorkspace
from scheduling.clock import FixedClock
from scheduling.language.dates import read_date
from scheduling.language.repeats import read_repeat
from scheduling.language.times import read_time
from scheduling.meetings.recurrence import describe_rrule, normalise_until
from scheduling.vocabulary import VocabularyError
from tests.support import confirmed, press

COORDINATOR = "U0COORD1"
PARTNER = "U0PT"
MONDAY = date(2026, 12, 7)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(datetime(2026, 12, 7, 9, 0, tzinfo=UTC))


def _said(workspace: LocalWorkspace, user: str, line: str) -> str:
    # A holiday (8 December 2026 is one in AT, IT, PT) asks first: Confirm is pressed.
    exchange = confirmed(workspace, user, line)
    return exchange.ack_text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def test_repeats_that_used_to_read_as_something_else() -> None:
    with pytest.raises(VocabularyError, match="not one day of the week"):
        read_repeat("monthly on the first weekday")
    assert (
        read_repeat("every other month on the last friday") == "FREQ=MONTHLY;INTERVAL=2;BYDAY=-1FR"
    )
    assert (
        read_repeat("every other quarter on the first monday")
        == "FREQ=MONTHLY;INTERVAL=6;BYDAY=1MO"
    )
    assert read_repeat("every 1st thu") == "FREQ=MONTHLY;BYDAY=1TH"
    assert read_repeat("every other tue") == "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU"
    with pytest.raises(VocabularyError, match="'monthly on the first thursday'"):
        read_repeat("every month on the 1st")
    assert describe_rrule("FREQ=MONTHLY;INTERVAL=2;BYDAY=-1FR") == (
        "every other month on the last friday"
    )
    new_york = normalise_until("FREQ=WEEKLY;BYDAY=TU;UNTIL=20271031", "America/New_York")
    assert describe_rrule(new_york, "America/New_York") == "weekly on tuesday, until 31 Oct 2027"


def test_dates_with_their_weekday_and_times_that_need_am_or_pm() -> None:
    assert read_date("Thu 10 Dec 2026", MONDAY).day == date(2026, 12, 10)
    assert read_date("Saturday 3 April 2027", MONDAY).day == date(2027, 4, 3)
    thursday = read_date("Thu 03/04/2027", MONDAY)  # the weekday settles which reading
    assert (thursday.day, thursday.other) == (date(2027, 3, 4), None)
    with pytest.raises(VocabularyError, match="is a Saturday, not a Tuesday"):
        read_date("Tuesday, 19 December", MONDAY)
    with pytest.raises(VocabularyError, match="2:30am, 2:30pm or 14:30"):
        read_time("2:30")
    assert read_time("07:30").hour == 7


@pytest.mark.parametrize(
    ("line", "words"),
    [
        ('/meeting schedule webinar "X" every monday at 10:00 for 3 weeks', ["`until DATE`"]),
        (
            "/meeting schedule physical Retreat from 19 Dec until 21 Dec",
            ["put the title in quotes"],
        ),
        (
            '/meeting schedule webinar "X" every tuesday until yesterday at 10:00',
            ["would end before it begins"],
        ),
        (
            '/meeting schedule webinar "X" every tuesday for 6 occurrences for 7 times at 10:00',
            ["given twice"],
        ),
        ('/meeting schedule webinar "X" 29 March 2027 at 2:30', ["2:30am, 2:30pm or 14:30"]),
        ("/round status wintr check", ["There is no round"]),
        ("/update list cor countries", ["did you mean 'core countries'"]),
        ("/round export 1 docs", ["did you mean 'docx'"]),
    ],
)
def test_refused_with_the_reason(workspace: LocalWorkspace, line: str, words: list[str]) -> None:
    said = _said(workspace, COORDINATOR, line)
    for word in words:
        assert word in said, said
    assert not workspace.emulator.files()


@pytest.mark.parametrize(
    ("line", "start", "title"),
    [
        ("/meeting schedule webinar Wave 3 June 27 at 10:00", "2027-06-27 10:00", "Wave 3"),
        (
            "/meeting schedule webinar Policy webinar wed 16 dec 2pm",
            "2026-12-16 14:00",
            "Policy webinar",
        ),
        ("/meeting schedule jourfixe JF every 1st thu at 10:00", "2027-01-07 10:00", "JF"),
        ('/meeting schedule webinars "W" in a week at 10:00', "2026-12-14 10:00", "W"),
        ('/meeting schedule webinar "W" tomorrow 10:00', "2026-12-08 10:00", "W"),
    ],
)
def test_understood_now(workspace: LocalWorkspace, line: str, start: str, title: str) -> None:
    said = _said(workspace, COORDINATOR, line)
    assert said.startswith(f"Scheduled #7 {title} "), said
    (event,) = icalendar.Calendar.from_ical(workspace.emulator.files()[-1].content).walk("VEVENT")
    assert f"{event['DTSTART'].dt:%Y-%m-%d %H:%M}" == start


def test_a_reading_button_pressed_twice_schedules_once(workspace: LocalWorkspace) -> None:
    asked = workspace.command(COORDINATOR, '/meeting schedule webinar "Q&amp;A" 03/04/2027 at 10am')
    first = press(workspace, COORDINATOR, asked, ids.READING_AS_READ)
    again = press(workspace, COORDINATOR, asked, ids.READING_AS_READ)
    replies = [c.params["text"] for c in (*first.calls, *again.calls) if c.method == "response_url"]
    assert replies[0].startswith("Scheduled #7 Q&amp;A on Sat 3 Apr 2027")  # as typed: Q&A
    assert "already scheduled at that time as #7" in replies[1]
    assert len(workspace.emulator.files()) == 1


def test_the_door_reads_quoted_subcommands_as_the_grammar_does(workspace: LocalWorkspace) -> None:
    for line in ("/meeting ‟cancel‟ 1", '/meeting "cancel"1', "/meeting ＂schedule＂ webinar W"):
        assert _said(workspace, PARTNER, line).startswith("Only coordinators can change meetings")


def test_rounds_by_the_start_of_their_title_and_titles_holding_due(
    workspace: LocalWorkspace,
) -> None:
    opened = _said(workspace, COORDINATOR, "/round open Report on due diligence due 10 Nov")
    assert opened.startswith("Opened round #2 “Report on due diligence”, due Wed 10 Nov 2027")
    status = _said(workspace, PARTNER, "/round status report")
    assert status.startswith("Report on due diligence: 0 of 14 submitted"), status
    exported = _said(workspace, COORDINATOR, "/round export report word")
    assert exported.startswith("Preparing the docx export of “Report on due diligence”")


def test_moves_edits_and_kinds_said_loosely(workspace: LocalWorkspace) -> None:
    workspace.command(COORDINATOR, '/meeting schedule webinar "W" every thursday at 10:00')
    moved = _said(workspace, COORDINATOR, "/meeting move 7 10 dec to 11 dec 11am")
    assert moved == "Moved #7 from Thu 10 Dec 2026 to Fri 11 Dec 2026 11:00 (Europe/Vienna)."
    edited = _said(workspace, COORDINATOR, "/meeting edit 7 reminders 1 day, 2 hours")
    assert "1d" in edited and "2h" in edited, edited
    assert "Jour fixe" in _said(workspace, PARTNER, "/meeting next jour fixe")


def test_a_cancelled_one_off_says_which_meeting(workspace: LocalWorkspace) -> None:
    workspace.command(COORDINATOR, '/meeting schedule webinar "W" on 16 Dec at 2pm')
    asked = workspace.command(COORDINATOR, "/meeting cancel 7")
    done = press(workspace, COORDINATOR, asked, ids.MEETING_CANCEL_CONFIRM)
    (card,) = [c.params for c in done.calls if c.method == "chat.postMessage"]
    assert "This meeting, on Wed 16 Dec 2026 at 14:00 (Europe/Vienna), is cancelled." in (
        json.dumps(card["blocks"], ensure_ascii=False)
    )


def test_the_shell_answers_a_command_slack_does_not_know_as_slack_would() -> None:
    out = io.StringIO()
    run_shell(None, "U0PT", io.StringIO("/meetng next\n"), out)
    assert "Slack: /meetng is not a valid command. Did you mean /meeting?" in out.getvalue()
