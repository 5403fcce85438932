"""`/consortium away` and `/consortium hours` through signed slash commands, as members type
them: the forgiving forms, errors that name the field, merging, the coordinator speaking for
another member, a partner of two countries, and the Home tab's words."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import yaml

from bot.local.workspace import LocalWorkspace
from scheduling.clock import FixedClock
from tests.support import EXAMPLE_FILE, OpenWorkspace

PORTUGUESE = "U0PT"
GREEK = "U0GR"
COORDINATOR = "U0COORD1"
NOW = datetime(2027, 7, 5, 9, 0, tzinfo=UTC)  # Monday 5 July 2027, 10:00 in Lisbon


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(NOW)


def periods(workspace: LocalWorkspace, member: str) -> list[tuple[date, date]]:
    with workspace.database.read() as work:
        return [(p.first_day, p.last_day) for p in work.away.of_member(member, date(2027, 1, 1))]


def away(workspace: LocalWorkspace, line: str, user: str = PORTUGUESE) -> str:
    return workspace.command(user, f"/consortium away {line}".rstrip()).ack_text


@pytest.mark.parametrize(
    ("line", "first", "last"),
    [
        ("2027-08-01 to 2027-08-20", date(2027, 8, 1), date(2027, 8, 20)),
        ("1 Aug to 20 Aug", date(2027, 8, 1), date(2027, 8, 20)),
        ("from 1 Aug until 20 Aug", date(2027, 8, 1), date(2027, 8, 20)),
        ("1 August - 20 August", date(2027, 8, 1), date(2027, 8, 20)),
        ("tomorrow", date(2027, 7, 6), date(2027, 7, 6)),
        ("until Friday", date(2027, 7, 5), date(2027, 7, 9)),
        ("24 Dec", date(2027, 12, 24), date(2027, 12, 24)),
        ("20 Dec to 5 Jan", date(2027, 12, 20), date(2028, 1, 5)),
        ("from 1 Jul to 10 Jul", date(2027, 7, 5), date(2027, 7, 10)),  # begun: from today
    ],
)
def test_days_away_as_people_say_them(
    workspace: LocalWorkspace, line: str, first: date, last: date
) -> None:
    reply = away(workspace, line)
    assert periods(workspace, PORTUGUESE) == [(first, last)], reply
    assert "You are away" in reply
    assert "No nudge, digest or round request reaches you by DM" in reply
    assert "not counted as missing for your absence alone" in reply


def test_the_reply_says_the_period_in_words(workspace: LocalWorkspace) -> None:
    reply = away(workspace, "1 Aug to 20 Aug")
    assert "You are away from Sun 1 Aug 2027 to Fri 20 Aug 2027." in reply
    assert "Fri 24 Dec 2027" in away(workspace, "24 Dec")


@pytest.mark.parametrize(
    ("line", "says"),
    [
        ("20 Aug to 1 Aug", "The last day Sun 1 Aug 2027 is before the first day Fri 20 Aug"),
        (
            "2027-08-20 to 2027-08-01",
            "The last day Sun 1 Aug 2027 is before the first day Fri 20 Aug 2027",
        ),
        ("2027-06-01 to 2027-06-20", "is in the past"),
        ("2027-08-01 to 2028-09-01", "longer than a year"),
        ("1 Agust to 20 Aug", "august"),
        ("from tomorow", "tomorrow"),
        ("cancel", "by its number"),
        ("cancel 99", "no period of days away numbered 99"),
    ],
)
def test_typos_and_impossible_periods_are_refused_with_the_field_named(
    workspace: LocalWorkspace, line: str, says: str
) -> None:
    reply = away(workspace, line)
    assert says.lower() in reply.lower(), reply
    assert periods(workspace, PORTUGUESE) == []


def test_overlapping_periods_are_merged_into_one(workspace: LocalWorkspace) -> None:
    away(workspace, "1 Aug to 10 Aug")
    reply = away(workspace, "8 Aug to 20 Aug")
    assert periods(workspace, PORTUGUESE) == [(date(2027, 8, 1), date(2027, 8, 20))]
    assert "merged with 1 period already set" in reply
    away(workspace, "21 Aug")  # touching: one period
    away(workspace, "1 Sep")  # apart: a second one
    assert periods(workspace, PORTUGUESE) == [
        (date(2027, 8, 1), date(2027, 8, 21)),
        (date(2027, 9, 1), date(2027, 9, 1)),
    ]


def test_listing_cancelling_and_coming_back(workspace: LocalWorkspace) -> None:
    assert "not away on any day to come" in away(workspace, "")
    away(workspace, "1 Aug to 20 Aug")
    away(workspace, "24 Dec")
    listed = away(workspace, "")
    assert "from Sun 1 Aug 2027 to Fri 20 Aug 2027" in listed and "on Fri 24 Dec 2027" in listed
    with workspace.database.read() as work:
        number = work.away.of_member(PORTUGUESE, date(2027, 1, 1))[1].id
    assert "ended" in away(workspace, f"cancel {number}")
    assert periods(workspace, PORTUGUESE) == [(date(2027, 8, 1), date(2027, 8, 20))]
    assert "no longer away" in away(workspace, "back")
    assert periods(workspace, PORTUGUESE) == []


def test_a_member_speaks_only_for_themselves_a_coordinator_for_anyone(
    workspace: LocalWorkspace,
) -> None:
    refused = away(workspace, f"<@{GREEK}> 1 Aug to 20 Aug")
    assert "only set your own days away" in refused
    assert periods(workspace, GREEK) == []
    said = away(workspace, f"<@{GREEK}|greek> 1 Aug to 20 Aug", user=COORDINATOR)
    assert "Greek partner is away" in said and "reaches them" in said
    assert periods(workspace, GREEK) == [(date(2027, 8, 1), date(2027, 8, 20))]


def test_a_date_that_reads_two_ways_is_asked_about_first(workspace: LocalWorkspace) -> None:
    exchange = workspace.command(PORTUGUESE, "/consortium away 03/08/2027")
    assert "can be read two ways" in exchange.ack_text
    assert periods(workspace, PORTUGUESE) == []


def test_working_hours_are_set_shown_reset_and_typos_explained(
    workspace: LocalWorkspace,
) -> None:
    def hours(line: str) -> str:
        return workspace.command(PORTUGUESE, f"/consortium hours {line}".rstrip()).ack_text

    assert "08:00-19:00 (the default) in Europe/Lisbon" in hours("")
    assert "09:00-17:00" in hours("09:00-17:00")
    assert _stored_hours(workspace) == "09:00-17:00"
    assert "08:30-16:00" in hours("8.30 to 16")
    assert "09:00-17:00" in hours("9-17")
    whoami = str(workspace.command(PORTUGUESE, "/consortium whoami").ack)
    assert "Working hours:* 09:00-17:00" in whoami
    typo = hours("9 to five")
    assert "can't read '9 to five' as working hours" in typo and "Nothing changed" in typo
    assert "must end at least an hour after" in hours("17-9")
    assert _stored_hours(workspace) == "09:00-17:00"
    assert "the default, 08:00-19:00" in hours("default")
    assert _stored_hours(workspace) is None


def _stored_hours(workspace: LocalWorkspace) -> str | None:
    with workspace.database.read() as work:
        member = work.directory.member(PORTUGUESE)
        assert member is not None
        return member.working_hours


def two_countries_file(tmp_path: Path) -> Path:
    """The example file with the Portuguese partner also speaking for Greece."""
    data = yaml.safe_load(EXAMPLE_FILE.read_text(encoding="utf-8"))
    for member in data["members"]:
        if member["slack_id"] == PORTUGUESE:
            member.pop("country")
            member["countries"] = ["PT", "GR"]
    path = tmp_path / "two-countries.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def test_a_partner_of_two_countries_keeps_the_first_ones_holidays(
    open_workspace: OpenWorkspace, clock: FixedClock, tmp_path: Path
) -> None:
    with open_workspace(clock, two_countries_file(tmp_path)) as workspace:
        said = workspace.command(PORTUGUESE, "/consortium hours").ack_text
        assert "public holidays of Portugal" in said
        reply = away(workspace, "1 Aug to 20 Aug")
        assert "You are away" in reply
        assert periods(workspace, PORTUGUESE) == [(date(2027, 8, 1), date(2027, 8, 20))]


def test_the_home_tab_says_until_when_and_how_to_end_it(workspace: LocalWorkspace) -> None:
    away(workspace, "until 20 Jul")
    away(workspace, "12 Jul to 16 Jul", user=GREEK)
    away(workspace, "1 Sep", user=COORDINATOR)  # further than two weeks: not listed
    mine = _home_text(workspace, PORTUGUESE)
    assert "You're away until Tue 20 Jul 2027" in mine
    assert "/consortium away clear" in mine
    coordinator = _home_text(workspace, COORDINATOR)
    assert "Away now or soon" in coordinator
    assert "Portuguese partner" in coordinator and "until Tue 20 Jul 2027" in coordinator
    assert (
        "Greek partner" in coordinator and "from Mon 12 Jul 2027 to Fri 16 Jul 2027" in coordinator
    )
    greek = _home_text(workspace, GREEK)
    assert "You'll be away from Mon 12 Jul 2027 to Fri 16 Jul 2027" in greek
    assert "Coordinator (FFG) (" not in coordinator
    assert "Working hours:* 08:00-19:00 (the default) in Europe/Athens" in greek


def _home_text(workspace: LocalWorkspace, user: str) -> str:
    workspace.open_home(user)
    workspace.executor.wait_idle()
    views = [
        c.params
        for c in workspace.emulator.calls("views.publish")
        if c.params.get("user_id") == user
    ]
    assert views
    return str(views[-1]["view"])
