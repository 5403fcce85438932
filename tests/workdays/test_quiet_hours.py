"""Quiet hours through the real jobs, signed commands and the emulator: a round's requests
wait for each member's next working moment in their own zone (weekends, their country's
public holidays of 2027, days away, their hours), the digest by DM too, and meeting reminders
by DM keep their offsets: one whose moment is not allowed is skipped, its channel copy sent."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import select

from bot.local.workspace import LocalWorkspace
from scheduling.clock import FixedClock
from storage.models import Delivery
from storage.repositories.deliveries import DeliveryStatus
from tests.support import EXAMPLE_FILE, OpenWorkspace

COORDINATOR = "U0COORD1"
PORTUGUESE = "U0PT"
GREEK = "U0GR"
JOURFIXE = "C0JOURFIXE"


def dms_to(workspace: LocalWorkspace, member: str, prefix: str) -> list[dict[str, Any]]:
    """The messages posted (ok) to a member's DM whose delivery key starts with `prefix`."""
    found = []
    for call in workspace.emulator.calls("chat.postMessage"):
        key = str(call.params.get("metadata", {}).get("event_payload", {}).get("key", ""))
        if (
            call.params.get("channel") == member
            and key.startswith(prefix)
            and call.response.get("ok")
        ):
            found.append(call.params)
    return found


def deliveries(workspace: LocalWorkspace, prefix: str) -> list[Delivery]:
    with workspace.database.read() as work:
        rows = work.session.scalars(select(Delivery).where(Delivery.key.startswith(prefix)))
        return list(rows)


def tick(workspace: LocalWorkspace, clock: FixedClock, at: datetime) -> str:
    clock.set(at)
    summary = workspace.jobs.tick()
    workspace.executor.wait_idle()
    return summary


def consortium_file(tmp_path: Path, **members: dict[str, Any]) -> Path:
    """The example file with some members' entries changed (`U0GR={"timezone": …}`)."""
    data = yaml.safe_load(EXAMPLE_FILE.read_text(encoding="utf-8"))
    for member in data["members"]:
        member.update(members.get(member["slack_id"], {}))
    path = tmp_path / "consortium.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


# -- round requests ----------------------------------------------------------------------


def test_round_requests_wait_for_each_members_working_morning(
    open_workspace: OpenWorkspace,
) -> None:
    # Monday 5 July 2027, 06:30 UTC: 07:30 in Lisbon (before hours), 09:30 in Athens.
    clock = FixedClock(datetime(2027, 7, 5, 6, 30, tzinfo=UTC))
    with open_workspace(clock) as workspace:
        reply = workspace.command(
            COORDINATOR, '/round open "Summer call" due 30 Jul 2027 for PT GR'
        )
        workspace.executor.wait_idle()
        assert (
            "It waits for a working day and hours where they are: Portuguese partner at"
            " Mon 5 Jul 2027 08:00 their time." in reply.ack_text
        )
        assert len(dms_to(workspace, GREEK, "round:")) == 1
        assert dms_to(workspace, PORTUGUESE, "round:") == []
        tick(workspace, clock, datetime(2027, 7, 5, 6, 59, tzinfo=UTC))
        assert dms_to(workspace, PORTUGUESE, "round:") == []
        tick(workspace, clock, datetime(2027, 7, 5, 7, 0, tzinfo=UTC))  # 08:00 in Lisbon
        assert len(dms_to(workspace, PORTUGUESE, "round:")) == 1


def test_a_request_on_portugal_day_waits_for_the_next_working_day_in_portugal(
    open_workspace: OpenWorkspace,
) -> None:
    # Thursday 10 June 2027 is Portugal Day; in Greece it is a working day.
    clock = FixedClock(datetime(2027, 6, 10, 9, 0, tzinfo=UTC))
    with open_workspace(clock) as workspace:
        reply = workspace.command(COORDINATOR, '/round open "June call" due 30 Jun 2027 for PT GR')
        workspace.executor.wait_idle()
        assert "Portuguese partner at Fri 11 Jun 2027 08:00 their time." in reply.ack_text
        assert len(dms_to(workspace, GREEK, "round:")) == 1
        tick(workspace, clock, datetime(2027, 6, 10, 17, 0, tzinfo=UTC))
        assert dms_to(workspace, PORTUGUESE, "round:") == []
        tick(workspace, clock, datetime(2027, 6, 11, 7, 0, tzinfo=UTC))  # Fri 08:00 Lisbon
        assert len(dms_to(workspace, PORTUGUESE, "round:")) == 1


def test_a_request_queued_before_its_member_goes_away_waits_until_they_are_back(
    open_workspace: OpenWorkspace,
) -> None:
    clock = FixedClock(datetime(2027, 7, 5, 6, 30, tzinfo=UTC))  # 07:30 in Lisbon
    with open_workspace(clock) as workspace:
        workspace.command(COORDINATOR, '/round open "Summer call" due 30 Jul 2027 for PT')
        workspace.executor.wait_idle()
        said = workspace.command(PORTUGUESE, "/consortium away today to Wednesday").ack_text
        assert "You are away" in said
        for day in (5, 6, 7):
            tick(workspace, clock, datetime(2027, 7, day, 10, 0, tzinfo=UTC))
            assert dms_to(workspace, PORTUGUESE, "round:") == [], day
        tick(workspace, clock, datetime(2027, 7, 8, 7, 0, tzinfo=UTC))  # Thu 08:00 Lisbon
        assert len(dms_to(workspace, PORTUGUESE, "round:")) == 1


def test_a_greek_partner_in_new_york_keeps_greek_holidays_and_new_york_hours(
    open_workspace: OpenWorkspace, tmp_path: Path
) -> None:
    path = consortium_file(tmp_path, U0GR={"timezone": "America/New_York"})
    # Monday 3 May 2027, Orthodox Easter Monday in Greece; 10:00 in New York.
    clock = FixedClock(datetime(2027, 5, 3, 14, 0, tzinfo=UTC))
    with open_workspace(clock, path) as workspace:
        workspace.command(COORDINATOR, '/round open "May call" due 28 May 2027 for GR')
        workspace.executor.wait_idle()
        assert dms_to(workspace, GREEK, "round:") == []
        # Tuesday 4 May is Labour Day (observed) in Greece: still a holiday for them.
        tick(workspace, clock, datetime(2027, 5, 4, 14, 0, tzinfo=UTC))
        assert dms_to(workspace, GREEK, "round:") == []
        # Wednesday 11:00 UTC: 14:00 in Athens, but 07:00 in New York.
        tick(workspace, clock, datetime(2027, 5, 5, 11, 0, tzinfo=UTC))
        assert dms_to(workspace, GREEK, "round:") == []
        tick(workspace, clock, datetime(2027, 5, 5, 12, 0, tzinfo=UTC))  # 08:00 in New York
        assert len(dms_to(workspace, GREEK, "round:")) == 1


# -- the digest by DM ----------------------------------------------------------------------


def test_the_digest_by_dm_on_a_holiday_of_the_readers_country_waits(
    open_workspace: OpenWorkspace,
) -> None:
    # Monday 3 May 2027: Orthodox Easter Monday in Greece and Romania, not in Portugal.
    clock = FixedClock(datetime(2027, 5, 1, 9, 0, tzinfo=UTC))
    with open_workspace(clock) as workspace:
        for member in (GREEK, PORTUGUESE):
            workspace.command(member, "/consortium digest dm")
        tick(workspace, clock, datetime(2027, 5, 3, 7, 0, tzinfo=UTC))  # 09:00 in Vienna
        assert len(dms_to(workspace, PORTUGUESE, "digest:")) >= 1
        assert dms_to(workspace, GREEK, "digest:") == []
        tick(workspace, clock, datetime(2027, 5, 3, 20, 0, tzinfo=UTC))
        assert dms_to(workspace, GREEK, "digest:") == []
        # Tuesday 4 May is Labour Day (observed) in Greece; Wednesday 08:00 in Athens it goes.
        tick(workspace, clock, datetime(2027, 5, 4, 10, 0, tzinfo=UTC))
        assert dms_to(workspace, GREEK, "digest:") == []
        tick(workspace, clock, datetime(2027, 5, 5, 5, 0, tzinfo=UTC))
        got = dms_to(workspace, GREEK, "digest:")
        assert got and all("digest:dm:U0GR:2027-W18" in str(m["metadata"]) for m in got)


def test_a_digest_by_dm_that_waited_a_week_is_given_up(open_workspace: OpenWorkspace) -> None:
    clock = FixedClock(datetime(2027, 5, 1, 9, 0, tzinfo=UTC))
    with open_workspace(clock) as workspace:
        workspace.command(GREEK, "/consortium digest dm")
        workspace.command(GREEK, "/consortium away 3 May to 16 May")
        tick(workspace, clock, datetime(2027, 5, 3, 7, 0, tzinfo=UTC))
        tick(workspace, clock, datetime(2027, 5, 17, 5, 0, tzinfo=UTC))  # back, two weeks on
        assert dms_to(workspace, GREEK, "digest:dm:U0GR:2027-W18") == []
        (row,) = deliveries(workspace, "digest:dm:U0GR:2027-W18")
        assert row.status == DeliveryStatus.SKIPPED and row.error == "too late to send"


# -- meeting reminders by DM ----------------------------------------------------------------


def test_reminder_dms_keep_their_offsets_and_are_skipped_outside_hours(
    open_workspace: OpenWorkspace,
) -> None:
    # The jour fixe: first Thursday, 10:00 Vienna, reminders 1d and 1h. Thu 1 July 2027.
    clock = FixedClock(datetime(2027, 6, 28, 9, 0, tzinfo=UTC))
    with open_workspace(clock) as workspace:
        workspace.command(PORTUGUESE, "/consortium remind me dm")
        workspace.command(PORTUGUESE, "/consortium hours 9-17")
        one_day = datetime(2027, 6, 30, 8, 0, tzinfo=UTC)  # 09:00 in Lisbon: allowed
        one_hour = datetime(2027, 7, 1, 7, 0, tzinfo=UTC)  # 08:00 in Lisbon: before hours
        tick(workspace, clock, one_day - timedelta(minutes=1))
        assert dms_to(workspace, PORTUGUESE, "reminder:") == []
        tick(workspace, clock, one_day)
        assert len(dms_to(workspace, PORTUGUESE, "reminder:")) == 1
        channel_before = len(
            [
                c
                for c in workspace.emulator.calls("chat.postMessage")
                if c.params.get("channel") == JOURFIXE
            ]
        )
        tick(workspace, clock, one_hour)
        assert len(dms_to(workspace, PORTUGUESE, "reminder:")) == 1  # the 1h one not by DM
        channel_after = len(
            [
                c
                for c in workspace.emulator.calls("chat.postMessage")
                if c.params.get("channel") == JOURFIXE
            ]
        )
        assert channel_after == channel_before + 1  # the channel copy went, on time
        skipped = [d for d in deliveries(workspace, "reminder:") if d.channel == PORTUGUESE]
        assert any("outside working hours 09:00-17:00" in (d.error or "") for d in skipped), [
            (d.key, d.status, d.error) for d in skipped
        ]
