"""Nudges through the real jobs, the Bolt app and the emulator: queued as a nominal day
begins, sent at 09:30 in each member's own zone on a working day of their country, never on
its holidays or while they are away, not to countries that answered, not while paused, and
each once under repeated ticks and racing sweeps."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.core import ids
from bot.local.render import render_message
from bot.local.workspace import LocalWorkspace
from scheduling.clock import FixedClock
from tests.support import OpenWorkspace, press, run_at_once

NUDGES_FILE = Path(__file__).with_name("nudges.yaml")
COORDINATOR = "U0COORD1"
OPENED = datetime(2027, 4, 19, 10, 0, tzinfo=UTC)  # Mon 19 Apr 2027, 12:00 in Vienna
STEP = timedelta(minutes=30)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(OPENED)


@pytest.fixture
def workspace(open_workspace: OpenWorkspace, clock: FixedClock) -> Iterator[LocalWorkspace]:
    with open_workspace(clock, NUDGES_FILE) as workspace:
        yield workspace


def open_round(workspace: LocalWorkspace, rules: str = "4 days before, on the due date") -> None:
    """Q2 progress, due Fri 7 May 2027, for PT GR PL RO; nudged on Mon 3 May (Orthodox Easter
    Monday in GR and RO, Constitution Day in PL) and on the due date."""
    opened = workspace.command(
        COORDINATOR, '/round open "Q2 progress" due 2027-05-07 for PT GR PL RO'
    )
    assert opened.ack_text.startswith("Opened round #1 “Q2 progress”"), opened.ack_text
    workspace.executor.wait_idle()
    set_ = workspace.command(COORDINATOR, f"/round nudges {rules}")
    assert set_.ack_text.startswith("Set the nudges of round #1"), set_.ack_text


def nudges_sent(workspace: LocalWorkspace, since: int = 0) -> list[dict[str, Any]]:
    return [
        c.params
        for c in workspace.emulator.calls("chat.postMessage")[since:]
        if c.response.get("ok")
        and str(c.params.get("metadata", {}).get("event_payload", {}).get("key", "")).startswith(
            "nudge:"
        )
    ]


def tick_through(
    workspace: LocalWorkspace, clock: FixedClock, start: datetime, end: datetime, times: int = 1
) -> list[tuple[datetime, str, str]]:
    """Sweep every half hour from `start` to `end` (`times` sweeps at each instant, as cron
    and a resident scheduler would); each nudge DM as (when, to whom, text)."""
    found = []
    at = start
    while at <= end:
        clock.set(at)
        before = len(workspace.emulator.calls("chat.postMessage"))
        for _ in range(times):
            workspace.jobs.sweep()
            workspace.executor.wait_idle()
        found += [(at, post["channel"], post["text"]) for post in nudges_sent(workspace, before)]
        at += STEP
    return found


def answer(workspace: LocalWorkspace, member: str) -> None:
    """The member posts their country's update for the round through the form."""
    (call,) = [c for c in workspace.command(member, "/update").calls if c.method == "views.open"]
    view = call.response["view"]
    values = LocalWorkspace.fill(view, {"update_achievements": "On time"}, {ids.UPDATE_ROUND: "1"})
    workspace.submit_view(member, view, values)


def utc(day: int, hour: int, minute: int = 30) -> datetime:
    return datetime(2027, 5, day, hour, minute, tzinfo=UTC)


def test_each_member_at_0930_in_their_zone_on_a_working_day_of_their_country(
    workspace: LocalWorkspace, clock: FixedClock
) -> None:
    open_round(workspace)
    sent = tick_through(workspace, clock, datetime(2027, 5, 1, 0, 0, tzinfo=UTC), utc(5, 23), 2)
    assert [(when, who) for when, who, _ in sent] == [
        (utc(3, 8), "U0PT"),  # Mon 3 May 09:30 in Lisbon: a working day in Portugal
        (utc(4, 6), "U0RO"),  # Tue 4 May 09:30 in Bucharest: Easter Monday was Romania's
        (utc(4, 7), "U0PL"),  # Tue 4 May 09:30 in Warsaw: the Third of May was Poland's
        (utc(5, 6), "U0GR"),  # Wed 5 May 09:30 in Athens: Easter Monday, then Labour Day
        (utc(5, 13), "U0GRNY"),  # the same day at 09:30 in New York: Greek holidays kept
    ]
    text = dict((who, text) for _, who, text in sent)
    assert text["U0PT"] == (
        "A reminder: Portugal's update for “Q2 progress” is due Fri 7 May 2027 — "
        "4 working days left in Portugal."
    )
    assert text["U0GR"].endswith("is due Fri 7 May 2027 — 2 working days left in Greece.")
    # The due date's nudge: at 09:30 everywhere (a working day of all four).
    due_day = tick_through(workspace, clock, utc(6, 0, 0), utc(7, 23), 2)
    assert sorted(who for _, who, _ in due_day) == ["U0GR", "U0GRNY", "U0PL", "U0PT", "U0RO"]
    assert all("is due today, Fri 7 May 2027." in text for _, _, text in due_day)
    status = workspace.command(COORDINATOR, "/round status")
    assert "No nudges left." in str(status.ack)


def test_a_country_that_answered_and_a_member_away_get_nothing(
    workspace: LocalWorkspace, clock: FixedClock
) -> None:
    open_round(workspace)
    answer(workspace, "U0PT")
    with workspace.database.write() as work:
        work.away.add("U0PL", date(2027, 4, 30), date(2027, 5, 10), clock.now())
    sent = tick_through(workspace, clock, utc(2, 0, 0), utc(7, 23))
    whom = sorted({who for _, who, _ in sent})
    assert whom == ["U0GR", "U0GRNY", "U0RO"]


def test_a_member_away_after_the_nudge_was_queued_gets_it_when_back_or_not_at_all(
    workspace: LocalWorkspace, clock: FixedClock
) -> None:
    open_round(workspace, "4 days before")
    tick_through(workspace, clock, utc(2, 10, 0), utc(2, 10, 0))  # 3 May's nudges queued
    with workspace.database.write() as work:  # away from the day they would have gone
        work.away.add("U0RO", date(2027, 5, 4), date(2027, 5, 5), clock.now())
    sent = tick_through(workspace, clock, utc(2, 10, 30), utc(7, 23))
    assert [(when, who) for when, who, _ in sent if who == "U0RO"] == [(utc(6, 6), "U0RO")]


def test_paused_rounds_nudge_nobody_and_resumed_ones_go_on(
    workspace: LocalWorkspace, clock: FixedClock
) -> None:
    open_round(workspace)
    paused = workspace.command(COORDINATOR, "/round nudges pause")
    assert paused.ack_text.startswith("Paused the nudges of round #1 “Q2 progress”.")
    assert "`/round nudges 1 resume` starts them again." in paused.ack_text
    assert tick_through(workspace, clock, utc(2, 0, 0), utc(5, 23)) == []
    resumed = workspace.command(COORDINATOR, "/round nudges 1 resume")
    assert resumed.ack_text.endswith(
        "Next nudge: Fri 7 May 2027, 09:30 in each member's own zone."
    ), resumed.ack_text
    sent = tick_through(workspace, clock, utc(6, 0, 0), utc(7, 23))
    assert sorted(who for _, who, _ in sent) == ["U0GR", "U0GRNY", "U0PL", "U0PT", "U0RO"]


def test_each_nudge_once_when_two_sweeps_race(workspace: LocalWorkspace, clock: FixedClock) -> None:
    open_round(workspace, "on the due date")
    at = utc(6, 10, 0)  # 7 May's nudges are queued
    while at <= utc(7, 23):
        clock.set(at)
        assert run_at_once(2, lambda _: workspace.jobs.sweep()) == []
        workspace.executor.wait_idle()
        at += STEP
    keys = [p["metadata"]["event_payload"]["key"] for p in nudges_sent(workspace)]
    assert sorted(keys) == sorted(
        f"nudge:1:2027-05-07:{code}:{member}"
        for code, member in [
            ("GR", "U0GR"),
            ("GR", "U0GRNY"),
            ("PL", "U0PL"),
            ("PT", "U0PT"),
            ("RO", "U0RO"),
        ]
    )


def test_closing_stops_the_nudges_and_monthly_ones_repeat_after_the_due_date(
    workspace: LocalWorkspace, clock: FixedClock
) -> None:
    open_round(workspace, "every month")
    sent = tick_through(workspace, clock, datetime(2027, 5, 18, 10, tzinfo=UTC), utc(19, 23))
    # Wed 19 May: a month after the opening, a working day everywhere.
    assert sorted(who for _, who, _ in sent) == ["U0GR", "U0GRNY", "U0PL", "U0PT", "U0RO"]
    assert all("was due Fri 7 May 2027, 12 days ago." in text for _, _, text in sent)
    asked = workspace.command(COORDINATOR, "/round close 1")
    press(workspace, COORDINATOR, asked, ids.ROUND_CLOSE_CONFIRM)
    after = tick_through(workspace, clock, datetime(2027, 6, 18, 10, tzinfo=UTC), utc(19, 23))
    assert after == []  # no "every month" on Sat 19 Jun either way: nothing queued
    with workspace.database.read() as work:
        assert work.rounds.nudges_due(datetime(2028, 1, 1, tzinfo=UTC)) == []


def test_round_status_shows_the_next_nudge_working_days_left_and_who_is_away(
    workspace: LocalWorkspace, clock: FixedClock
) -> None:
    open_round(workspace)
    with workspace.database.write() as work:  # both Greek partners away over the due date
        work.away.add("U0GR", date(2027, 4, 19), date(2027, 5, 14), clock.now())
        work.away.add("U0GRNY", date(2027, 5, 6), date(2027, 5, 20), clock.now())
        work.away.add("U0PL", date(2027, 4, 26), date(2027, 4, 30), clock.now())
    clock.set(datetime(2027, 4, 26, 8, 0, tzinfo=UTC))  # Mon 26 Apr
    status = workspace.command("U0PT", "/round status")
    shown = render_message(status.ack_text, status.ack["blocks"])  # type: ignore[index]
    assert "Nudges: 4 days before, on the due date." in shown
    assert "Next nudge: Mon 3 May 2027, 09:30 in each member's own zone." in shown
    # Portugal: 27–30 Apr, 3–7 May; Poland loses the Third of May; Romania Good Friday and
    # Easter Monday.
    assert "Portugal: *missing* · 9 working days left" in shown
    assert "Poland: *missing* · 8 working days left · Polish partner away until Fri 30 Apr" in shown
    assert "Romania: *missing* · 7 working days left" in shown
    assert "Greece: *away*" in shown
    assert "Greek partner in New York away from Thu 6 May to Thu 20 May" in shown
    assert "0 of 4 countries submitted · 1 away" in shown
    assert "missing: Poland, Portugal, Romania; away: Greece" in status.ack_text
    workspace.command(COORDINATOR, "/round nudges pause")
    paused = workspace.command(COORDINATOR, "/round status")
    assert "Nudges are paused." in str(paused.ack)


@pytest.mark.parametrize(
    ("line", "answer"),
    [
        (
            "/round nudges 5 workng days before",
            "I can't read '5 workng days before' as a nudge; say e.g. 5 working days before, "
            "1 day after or every month. Did you mean '5 working days before'?",
        ),
        ("/round nudges every fortnight", "I can't read 'every fortnight' as a nudge"),
        ("/round nudges 9 pause", "There is no round '9'."),
        (
            "/round nudges",
            "The nudges of round #1 “Q2 progress”. Nudges: 4 days before, on the due date. "
            "Next nudge: Mon 3 May 2027, 09:30 in each member's own zone.",
        ),
        (
            "/round nudges off",
            "Turned off the nudges of round #1 “Q2 progress”. Nudges: off. No nudges left.",
        ),
        (
            '/round nudges "Q2 progress" every 2 weeks',
            "Set the nudges of round #1 “Q2 progress”. Nudges: every 2 weeks. "
            "Next nudge: Mon 3 May 2027, 09:30 in each member's own zone.",
        ),
    ],
)
def test_round_nudges_answers_and_errors(workspace: LocalWorkspace, line: str, answer: str) -> None:
    open_round(workspace)
    assert workspace.command(COORDINATOR, line).ack_text.startswith(answer)


def test_partners_cannot_set_nudges(workspace: LocalWorkspace) -> None:
    open_round(workspace)
    refused = workspace.command("U0PT", "/round nudges pause")
    assert refused.ack_text.startswith("Only coordinators can set the nudges of rounds.")
    shown = workspace.command(COORDINATOR, "/round nudges")
    assert "Next nudge: Mon 3 May 2027" in shown.ack_text
