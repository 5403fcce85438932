"""`/meeting attended`: a coordinator marks members of the first jour fixe (Thu 4 Jan 2024)
present, by country code and by mention; a partner is refused at the door; a name the
consortium does not know is refused with a close match."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.local.workspace import LocalWorkspace
from scheduling.clock import FixedClock

COORDINATOR = "U0COORD1"
OCCURRENCE = datetime(2024, 1, 4, 10, 0)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(datetime(2024, 1, 5, 9, 0, tzinfo=UTC))  # the day after


def test_a_coordinator_marks_a_country_and_a_member_present(workspace: LocalWorkspace) -> None:
    reply = workspace.command(COORDINATOR, "/meeting attended 1 on 4 Jan PT <@U0FI|finnish>")
    assert reply.ack_text.startswith(
        "Marked present at Jour fixe of the core countries on Thu 4 Jan 2024"
    )
    assert "Portuguese partner" in reply.ack_text and "Finnish partner" in reply.ack_text
    counts = workspace.services.attendance.counts(1, OCCURRENCE)
    assert counts.by_country == {"FI": 1, "PT": 1}
    again = workspace.command(COORDINATOR, "/meeting attended 1 on 2024-01-04 PT")
    assert "Already counted: Portuguese partner" in again.ack_text
    assert workspace.services.attendance.counts(1, OCCURRENCE).members == 2


def test_a_partner_cannot_mark_attendance(workspace: LocalWorkspace) -> None:
    reply = workspace.command("U0PT", "/meeting attended 1 on 4 Jan PT")
    assert "Only coordinators can mark attendance" in reply.ack_text
    assert workspace.services.attendance.counts(1, OCCURRENCE).members == 0


def test_an_unknown_name_is_refused_with_a_close_match(workspace: LocalWorkspace) -> None:
    reply = workspace.command(COORDINATOR, "/meeting attended 1 on 4 Jan PT @U0FX")
    assert "I don't know '@U0FX'" in reply.ack_text
    assert workspace.services.attendance.counts(1, OCCURRENCE).members == 0
    no_meeting = workspace.command(COORDINATOR, "/meeting attended 1 on 5 Jan PT")
    assert "#1 has no occurrence on" in no_meeting.ack_text


def test_who_during_a_meeting_is_about_that_meeting(
    workspace: LocalWorkspace, clock: FixedClock
) -> None:
    # The core-team meeting of Tue 9 Jan 2024 runs 08:30–09:15 UTC.
    clock.set(datetime(2024, 1, 9, 8, 40, tzinfo=UTC))
    during = workspace.command("U0COORD1", "/meeting who 3")
    assert "Tue 9 Jan 2024" in str(during.ack)
    clock.set(datetime(2024, 1, 9, 9, 20, tzinfo=UTC))
    after = workspace.command("U0COORD1", "/meeting who 3")
    assert "Tue 16 Jan 2024" in str(after.ack)
