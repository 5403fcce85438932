"""Twenty-one calendars at the door, on real 2027 holidays: `due in N working days`, the
due-date warning of `/round open` (Keep / Move / Cancel), the holiday and hours warning of
`/meeting schedule` and `move` (Confirm / Change, with a Greek partner who lives in New
York), and `/meeting next` marking holidays. Dates checked against `holidays` 0.109."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from bot.core import ids
from bot.local.workspace import Exchange, LocalWorkspace
from scheduling.clock import FixedClock
from tests.support import OpenWorkspace, buttons_of, press

COORDINATOR = "U0COORD1"
CALENDARS = Path(__file__).with_name("calendars.yaml")


@pytest.fixture
def workspace(open_workspace: OpenWorkspace) -> Iterator[LocalWorkspace]:
    # Thursday 1 April 2027; Good Friday is tomorrow, 6 April the consortium's own day off.
    with open_workspace(FixedClock(datetime(2027, 4, 1, 9, tzinfo=UTC)), CALENDARS) as opened:
        yield opened


def answer(exchange: Exchange) -> str:
    replies = [c.params for c in exchange.calls if c.method == "response_url"]
    return str(replies[-1].get("text", "")) if replies else exchange.ack_text


def due_dates(workspace: LocalWorkspace) -> dict[str, date]:
    """The rounds opened here (the consortium file's own round left out)."""
    rounds = workspace.services.rounds.open_rounds()
    return {r.title: r.due_on for r in rounds if not r.title.startswith("Annual Action Plan")}


def test_working_days_skip_the_weekend_and_the_consortiums_day_off(
    workspace: LocalWorkspace,
) -> None:
    # Fri 2 Apr (a working day of the consortium), Mon 5, Tue 6 off for all, Wed 7.
    opened = workspace.command(COORDINATOR, '/round open "Q2" due in 3 working days for PT')
    assert opened.ack_text.startswith("Opened round"), opened.ack_text
    assert due_dates(workspace)["Q2"] == date(2027, 4, 7)
    workspace.command(COORDINATOR, '/round open "Q3" due in 1 business day for PT')
    assert due_dates(workspace)["Q3"] == date(2027, 4, 2)


@pytest.mark.parametrize(
    ("line", "said", "kept", "moved"),
    [
        (
            '/round open "May" due 1 May 2027',
            "Saturday 1 May 2027 is a weekend, and a public holiday in 13 of the 14 asked "
            "countries (AT, BG, CZ, FI, FR, GR, HU, IT and 5 more) — keep it or move to "
            "Wednesday 5 May?",  # 3 May: GR, PL, RO, BG; 4 May: GR, BG (observed)
            date(2027, 5, 1),
            date(2027, 5, 5),
        ),
        (
            '/round open "Easter" due 3 May 2027 for GR RO BG PL AT',
            "Monday 3 May 2027 is a public holiday in 4 of the 5 asked countries "
            "(GR, RO, BG, PL) — keep it or move to Wednesday 5 May?",
            date(2027, 5, 3),
            date(2027, 5, 5),
        ),
        (
            '/round open "August" due 15 Aug 2027',
            "Sunday 15 August 2027 is a weekend, and a public holiday in 7 of the 14 asked "
            "countries",
            date(2027, 8, 15),
            date(2027, 8, 16),
        ),
        (
            '/round open "June" due 10 June 2027 for PT FI',
            "Thursday 10 June 2027 is a public holiday in Portugal (Day of Portugal, Camões, "
            "and the Portuguese Communities) — keep it or move to Friday 11 June?",
            date(2027, 6, 10),
            date(2027, 6, 11),
        ),
    ],
)
@pytest.mark.parametrize("choice", ["keep", "move", "cancel"])
def test_a_due_date_on_a_holiday_asks_first_and_opens_once_with_the_date_chosen(
    workspace: LocalWorkspace, line: str, said: str, kept: date, moved: date, choice: str
) -> None:
    asked = workspace.command(COORDINATOR, line)
    assert said in asked.ack_text
    assert due_dates(workspace) == {}  # nothing opened yet
    title = line.split('"')[1]
    action = {"keep": ids.CHECK_KEEP, "move": ids.CHECK_MOVE, "cancel": ids.CHECK_CHANGE}
    pressed = press(workspace, COORDINATOR, asked, action[choice])
    if choice == "cancel":
        assert "Nothing done" in answer(pressed)
        assert due_dates(workspace) == {}
        return
    assert answer(pressed).startswith("Opened round"), answer(pressed)
    assert due_dates(workspace) == {title: kept if choice == "keep" else moved}
    again = press(workspace, COORDINATOR, asked, action[choice])  # pressed twice: once
    assert "already a round called" in answer(again)
    assert len(due_dates(workspace)) == 1


def test_a_due_date_on_a_working_day_opens_at_once(workspace: LocalWorkspace) -> None:
    opened = workspace.command(COORDINATOR, '/round open "Fine" due 12 May 2027 for PT GR')
    assert opened.ack_text.startswith("Opened round"), opened.ack_text
    assert buttons_of(opened) == []


PORTUGAL_DAY = '/meeting schedule webinar "Early webinar" once on 10 June 2027 at 08:00 tz Vienna'


def test_a_meeting_on_a_holiday_and_out_of_hours_names_countries_and_members(
    workspace: LocalWorkspace,
) -> None:
    asked = workspace.command(COORDINATOR, PORTUGAL_DAY)
    text = asked.ack_text
    assert text.startswith(
        "Thursday 10 June 2027 is Day of Portugal, Camões, and the Portuguese Communities, "
        "a public holiday in PT. 08:00 Vienna is "
    ), text
    assert "07:00–08:00 for Portuguese partner (Europe/Lisbon)" in text
    # Greek holidays, but New York hours: 08:00 in Vienna is 02:00 in New York.
    assert "02:00–03:00 for Greek partner in New York (America/New_York)" in text
    assert text.endswith("Schedule it anyway?")
    assert [a for a, _ in buttons_of(asked)] == [ids.CHECK_KEEP, ids.CHECK_CHANGE]
    before = len(workspace.services.meetings.all())
    changed = press(workspace, COORDINATOR, asked, ids.CHECK_CHANGE)
    assert "Nothing scheduled" in answer(changed)
    assert len(workspace.services.meetings.all()) == before
    confirmed = press(workspace, COORDINATOR, asked, ids.CHECK_KEEP)
    assert answer(confirmed).startswith("Scheduled #7 Early webinar"), answer(confirmed)
    assert len(workspace.services.meetings.all()) == before + 1


def test_a_series_names_its_next_years_holidays(workspace: LocalWorkspace) -> None:
    asked = workspace.command(
        COORDINATOR,
        '/meeting schedule jour-fixe "JF 2027" monthly on the first thursday from 2027-05-06 '
        "at 15:00 tz Vienna",
    )
    # 6 May 2027 is Ascension Day in five core countries; the rest of the year is listed.
    assert asked.ack_text.startswith("Thursday 6 May 2027 is a public holiday in 5 audience")
    assert "of the next" in asked.ack_text and "fall on a holiday" in asked.ack_text


def test_moving_onto_orthodox_easter_monday_warns_and_moves_on_confirm(
    workspace: LocalWorkspace,
) -> None:
    # The jour fixe (core countries) of Thu 6 May 2027, 10:00 Vienna, to Mon 3 May.
    asked = workspace.command(COORDINATOR, "/meeting move 1 6 May 2027 to 3 May 2027")
    text = asked.ack_text
    assert text.startswith(
        "Monday 3 May 2027 is a public holiday in GR (Easter Monday), "
        "PL (National Day of the Third of May), RO (Easter)."
    ), text
    assert "04:00–05:00 for Greek partner in New York (America/New_York)" in text
    assert text.endswith("Move it anyway?")
    moved = press(workspace, COORDINATOR, asked, ids.CHECK_KEEP)
    assert answer(moved).startswith("Moved #1 from Thu 6 May 2027 to Mon 3 May 2027 10:00")


def test_no_warning_schedules_as_before(workspace: LocalWorkspace) -> None:
    said = workspace.command(
        COORDINATOR, '/meeting schedule webinar "Fine" once on 2027-06-09 at 15:00 tz Vienna'
    )
    assert said.ack_text.startswith("Scheduled #7 Fine"), said.ack_text


def test_meeting_next_marks_holidays_of_audience_countries(workspace: LocalWorkspace) -> None:
    asked = workspace.command(COORDINATOR, PORTUGAL_DAY)
    press(workspace, COORDINATOR, asked, ids.CHECK_KEEP)
    webinars = str(workspace.command(COORDINATOR, "/meeting next all webinar").ack)
    assert "Early webinar* (#7) · Holiday in PT" in webinars
    jour_fixe = str(workspace.command(COORDINATOR, "/meeting next all jour-fixe").ack)
    # The jour fixe (core countries) of 6 May: Ascension Day in AT, FI, FR, NL, SE.
    assert "(#1) · Holiday in 5 countries" in jour_fixe
    assert jour_fixe.count("Holiday in") < 10  # only the days that are holidays
