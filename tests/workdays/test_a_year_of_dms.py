"""Done means: the scheduler run over 2027 sends 0 DMs to a member on a public holiday of
their country, on their weekend, while away, or outside their working hours, and meeting
reminders keep their offsets. A round opens on the first of each month (its due date kept
when it is a holiday somewhere); the jobs are ticked at every instant something is due
(`Jobs.next_due`), as the scheduler would."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from scheduling.clock import FixedClock
from scheduling.workdays.quiet import why_not
from scheduling.workdays.service import availabilities
from storage.models import Delivery
from storage.repositories.deliveries import DeliveryStatus
from tests.support import OpenWorkspace, confirmed

START = datetime(2027, 1, 1, 0, 0, tzinfo=UTC)
END = datetime(2028, 1, 1, 0, 0, tzinfo=UTC)
MEMBERS = ("U0PT", "U0GR", "U0RO", "U0FI", "U0TR", "U0AT", "U0COORD2")


def test_a_year_of_dms_reaches_nobody_off_work_and_reminders_keep_their_offsets(
    open_workspace: OpenWorkspace,
) -> None:
    clock = FixedClock(START)
    with open_workspace(clock) as workspace:
        for member in ("U0PT", "U0GR", "U0FI", "U0TR", "U0AT", "U0COORD2"):
            workspace.command(member, "/consortium remind me dm")
            workspace.command(member, "/consortium digest dm")
        workspace.command("U0FI", "/consortium hours 10-16")
        workspace.command("U0PT", "/consortium away 2027-08-01 to 2027-08-20")
        workspace.command("U0GR", "/consortium away 2027-04-26 to 2027-05-07")
        # A round opened on the first of each month at 06:00 UTC (weekends and holidays too).
        openings = [datetime(2027, month, 1, 6, 0, tzinfo=UTC) for month in range(1, 13)]
        stamped: list[tuple[datetime, dict[str, object]]] = []
        seen = 0
        now = START
        while now < END:
            if openings and openings[0] <= now:
                opened = openings.pop(0)
                title = f"Call {opened:%B}"
                due = (opened + timedelta(days=20)).date()
                line = f'/round open "{title}" due {due} for core countries'
                opened_reply = confirmed(workspace, "U0COORD1", line)  # Keep a holiday's date
                assert "Opened round" in str(opened_reply.ack), opened_reply.ack
            workspace.jobs.tick()
            workspace.executor.wait_idle()
            calls = workspace.emulator.calls("chat.postMessage")
            stamped += [(now, c.params) for c in calls[seen:] if c.response.get("ok")]
            seen = len(calls)
            candidates = [now + timedelta(days=1)]
            for found in (workspace.jobs.next_due(now), openings[0] if openings else None):
                if found is not None and found > now:
                    candidates.append(found)
            now = min(candidates)
            clock.set(now)

        profiles = [p for p in workspace.services.directory.load().profiles.values()]
        with workspace.database.read() as work:
            calendars = availabilities(work, profiles, date(2027, 1, 1))
        dms = [(at, m) for at, m in stamped if str(m.get("channel", "")).startswith("U")]
        kinds = {str(m["metadata"]["event_payload"]["key"]).split(":")[0] for _, m in dms}  # type: ignore[index]
        assert {"round", "digest", "reminder"} <= kinds, kinds
        wrong = []
        for at, message in dms:
            member = str(message["channel"])
            key = str(message["metadata"]["event_payload"]["key"])  # type: ignore[index]
            reason = why_not(calendars[member], at)
            if reason is not None:
                wrong.append((at, member, key, reason))
        assert wrong == []
        # Reminders keep their offsets: each went out at the moment its key names.
        with workspace.database.read() as work:
            sent = work.session.scalars(
                select(Delivery).where(
                    Delivery.key.startswith("reminder:"), Delivery.status == DeliveryStatus.SENT
                )
            ).all()
            for row in sent:
                assert row.sent_at is not None and row.sent_at == row.due_at, row.key
        print(f"{len(dms)} DMs in 2027, none off work")
