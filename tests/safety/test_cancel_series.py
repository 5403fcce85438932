"""Cancelling a whole series asks first, and a cancellation can be undone for ten minutes:
end to end through signed requests, with what reached the emulator checked at each step."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from typing import Any

import icalendar
import pytest

from bot.core import ids
from bot.local.render import render_message
from bot.local.workspace import Exchange, LocalWorkspace
from scheduling.clock import FixedClock
from scheduling.errors import NotAllowedError
from scheduling.meetings.cancels import CancelTicket
from scheduling.meetings.occurrences import occurrence_on
from tests import support
from tests.support import buttons_of, press

COORDINATOR, OTHER_COORDINATOR, PARTNER = "U0COORD1", "U0COORD2", "U0PT"
JOUR_FIXE = 1  # monthly on the first Thursday, for the core countries, in #jour-fixe
BOUNDED = (
    '/meeting schedule jour-fixe "Jour fixe" rrule FREQ=MONTHLY;BYDAY=1TH;COUNT=9 '
    "from 2024-02-01 at 10:00 tz Europe/Vienna in <#C0JOURFIXE|jour-fixe>"
)
SENT = ("chat.postMessage", "files.completeUploadExternal")


def _sent(exchange: Exchange) -> list[str]:
    return [c.method for c in exchange.calls if c.method in SENT]


def _reply(exchange: Exchange) -> dict[str, Any]:
    (reply,) = [c.params for c in exchange.calls if c.method == "response_url"]
    return reply


def _listed(workspace: LocalWorkspace, meeting_id: int) -> bool:
    listing = workspace.command(PARTNER, "/meeting list")
    return f"*#{meeting_id}*" in render_message(listing.ack_text, listing.ack["blocks"])  # type: ignore[index]


def _calendar(workspace: LocalWorkspace, index: int = -1) -> icalendar.Calendar:
    return icalendar.Calendar.from_ical(workspace.emulator.files()[index].content)


def _asked(workspace: LocalWorkspace) -> Exchange:
    asked = workspace.command(COORDINATOR, f"/meeting cancel {JOUR_FIXE}")
    assert asked.status == 200
    return asked


def test_cancelling_a_series_asks_first_and_nothing_happens_until_confirmed(
    workspace: LocalWorkspace,
) -> None:
    asked = _asked(workspace)
    assert asked.ack_text.startswith(
        "Cancel the whole series #1 Jour fixe of the core countries (monthly on the first "
        "thursday, next on Thu 4 Jan 2024, no end date)? Told: everyone in core countries "
        "(9 members), in the meeting's channel; every calendar gets a cancellation."
    )
    assert "in <#C0JOURFIXE>; every calendar" in json.dumps(asked.ack["blocks"])  # type: ignore[index]
    actions = [a for a, _ in buttons_of(asked)]
    assert actions == [ids.MEETING_CANCEL_CONFIRM, ids.MEETING_CANCEL_KEEP]
    assert asked.calls == []  # nothing posted, no calendar file
    assert workspace.emulator.files() == []
    assert _listed(workspace, JOUR_FIXE)
    assert workspace.services.meetings.get(JOUR_FIXE).sequence == 0


def test_a_bounded_series_says_how_many_occurrences_are_left(workspace: LocalWorkspace) -> None:
    scheduled = workspace.command(COORDINATOR, BOUNDED)
    assert scheduled.ack_text.startswith("Scheduled #7")
    asked = workspace.command(COORDINATOR, "/meeting cancel 7")
    assert ", 9 occurrences left until Thu 3 Oct 2024)?" in asked.ack_text


def test_keep_changes_nothing(workspace: LocalWorkspace) -> None:
    kept = press(workspace, COORDINATOR, _asked(workspace), ids.MEETING_CANCEL_KEEP)
    reply = _reply(kept)
    assert reply["text"] == "Kept #1 Jour fixe of the core countries unchanged."
    assert reply["replace_original"] is True
    assert _sent(kept) == [] and workspace.emulator.files() == []
    assert _listed(workspace, JOUR_FIXE)
    assert workspace.services.meetings.get(JOUR_FIXE).sequence == 0


def test_confirm_cancels_and_the_cancel_file_goes_out_then_undo_restores(
    workspace: LocalWorkspace, clock: FixedClock
) -> None:
    confirmed = press(workspace, COORDINATOR, _asked(workspace), ids.MEETING_CANCEL_CONFIRM)
    reply = _reply(confirmed)
    assert reply["text"] == (
        "Cancelled the whole series #1 Jour fixe of the core countries; telling its channel "
        "and every calendar."
    )
    assert reply["replace_original"] is True
    assert [a for a, _ in buttons_of(confirmed)] == [ids.MEETING_CANCEL_UNDO]
    assert "Undo works until" in render_message(reply["text"], reply["blocks"])
    (card,) = [c.params for c in confirmed.calls if c.method == "chat.postMessage"]
    assert card["channel"] == "C0JOURFIXE" and card["text"].startswith("Cancelled:")
    cancelled = _calendar(workspace)
    assert cancelled["METHOD"] == "CANCEL"
    (event,) = cancelled.walk("VEVENT")
    assert str(event["STATUS"]) == "CANCELLED"
    assert not _listed(workspace, JOUR_FIXE)

    clock.advance(timedelta(minutes=9))
    undone = press(workspace, COORDINATOR, confirmed, ids.MEETING_CANCEL_UNDO)
    assert _reply(undone)["text"] == (
        "#1 Jour fixe of the core countries is back on; telling its channel and every "
        "calendar again."
    )
    assert _listed(workspace, JOUR_FIXE)
    (card,) = [c.params for c in undone.calls if c.method == "chat.postMessage"]
    assert card["text"].startswith("Back on: the cancellation is undone: Jour fixe")
    again = _calendar(workspace)
    assert again["METHOD"] != "CANCEL"
    (restored,) = again.walk("VEVENT")
    assert "STATUS" not in restored or str(restored["STATUS"]) != "CANCELLED"
    assert str(restored["UID"]) == str(event["UID"])
    assert int(restored["SEQUENCE"]) > int(event["SEQUENCE"])

    # The same Undo once more: nothing is cancelled any more.
    twice = press(workspace, COORDINATOR, confirmed, ids.MEETING_CANCEL_UNDO)
    assert "is not cancelled (any more)" in _reply(twice)["text"]
    assert _sent(twice) == []


def test_undo_after_ten_minutes_is_refused_with_what_to_do_instead(
    workspace: LocalWorkspace, clock: FixedClock
) -> None:
    confirmed = press(workspace, COORDINATOR, _asked(workspace), ids.MEETING_CANCEL_CONFIRM)
    clock.advance(timedelta(minutes=10, seconds=1))
    late = press(workspace, COORDINATOR, confirmed, ids.MEETING_CANCEL_UNDO)
    reply = _reply(late)
    assert reply["text"].startswith("It is too late to undo that: #1 Jour fixe of the core")
    assert "more than 10 minutes ago" in reply["text"]
    assert "schedule it anew with `/meeting schedule`" in reply["text"]
    assert _sent(late) == []
    assert not _listed(workspace, JOUR_FIXE)


def test_a_partner_pressing_a_forged_confirm_or_undo_is_refused_by_role(
    workspace: LocalWorkspace,
) -> None:
    for action, value in (
        (ids.MEETING_CANCEL_CONFIRM, {"m": JOUR_FIXE, "s": 0}),
        (ids.MEETING_CANCEL_PICK, {"m": JOUR_FIXE}),
        (ids.MEETING_CANCEL_UNDO, {"m": JOUR_FIXE, "s": 1, "o": None, "w": None}),
    ):
        forged = workspace.click(PARTNER, action, json.dumps(value))
        assert forged.status == 200 and forged.ack == ""
        (told,) = [c.params for c in forged.calls if c.method == "chat.postEphemeral"]
        assert told["user"] == PARTNER
        assert told["text"].startswith("Only coordinators can change meetings.")
        assert _sent(forged) == []
    assert _listed(workspace, JOUR_FIXE)
    # Past the door, the service checks the role again.
    partner = workspace.services.directory.profile(PARTNER)
    assert partner is not None
    with pytest.raises(NotAllowedError):
        workspace.services.meetings.cancel(partner, JOUR_FIXE, None, 0)
    with pytest.raises(NotAllowedError):
        workspace.services.meetings.restore(partner, CancelTicket(JOUR_FIXE, 1))


def test_confirming_after_the_series_changed_since_the_question_is_refused(
    workspace: LocalWorkspace,
) -> None:
    asked = _asked(workspace)
    workspace.command(OTHER_COORDINATOR, f"/meeting edit {JOUR_FIXE} link https://zoom.example/j/2")
    late = press(workspace, COORDINATOR, asked, ids.MEETING_CANCEL_CONFIRM)
    assert "changed after I asked, so I cancelled nothing" in _reply(late)["text"]
    assert _sent(late) == []
    assert _listed(workspace, JOUR_FIXE)


def test_one_occurrence_goes_at_once_and_undo_brings_it_back(
    workspace: LocalWorkspace, clock: FixedClock
) -> None:
    cancelled = workspace.command(COORDINATOR, f"/meeting cancel {JOUR_FIXE} on 2024-02-01")
    assert cancelled.ack_text == "Cancelled the Thu 1 Feb 2024 occurrence of #1."
    assert _calendar(workspace)["METHOD"] == "CANCEL"
    assert occurrence_on(workspace.services.meetings.get(JOUR_FIXE), date(2024, 2, 1)) is None
    undone = press(workspace, COORDINATOR, cancelled, ids.MEETING_CANCEL_UNDO)
    assert _reply(undone)["text"].startswith(
        "The Thu 1 Feb 2024 meeting of #1 Jour fixe of the core countries is back on"
    )
    series = workspace.services.meetings.get(JOUR_FIXE)
    assert occurrence_on(series, date(2024, 2, 1)) is not None
    (card,) = [c.params for c in undone.calls if c.method == "chat.postMessage"]
    assert "Thu 1 Feb 2024" in card["text"]
    restored = _calendar(workspace)
    assert restored["METHOD"] != "CANCEL"
    assert not any("EXDATE" in e for e in restored.walk("VEVENT"))


def test_a_moved_occurrence_cancelled_and_undone_is_back_where_it_was_moved(
    workspace: LocalWorkspace,
) -> None:
    workspace.command(COORDINATOR, f"/meeting move {JOUR_FIXE} 2024-02-01 to 2024-02-02 at 11:00")
    cancelled = workspace.command(COORDINATOR, f"/meeting cancel {JOUR_FIXE} on 2024-02-02")
    series = workspace.services.meetings.get(JOUR_FIXE)
    assert occurrence_on(series, date(2024, 2, 2)) is None
    press(workspace, COORDINATOR, cancelled, ids.MEETING_CANCEL_UNDO)
    series = workspace.services.meetings.get(JOUR_FIXE)
    back = occurrence_on(series, date(2024, 2, 2))
    assert back is not None and back.start_local == datetime(2024, 2, 2, 11, 0)
    assert occurrence_on(series, date(2024, 2, 1)) is None


def test_undo_after_someone_else_changed_the_series_is_refused(
    workspace: LocalWorkspace,
) -> None:
    cancelled = workspace.command(COORDINATOR, f"/meeting cancel {JOUR_FIXE} on 2024-02-01")
    workspace.command(OTHER_COORDINATOR, f"/meeting move {JOUR_FIXE} 2024-03-07 to 2024-03-08")
    refused = press(workspace, COORDINATOR, cancelled, ids.MEETING_CANCEL_UNDO)
    text = _reply(refused)["text"]
    assert "changed after it was cancelled, so I did not undo the cancellation" in text
    assert _sent(refused) == []
    series = workspace.services.meetings.get(JOUR_FIXE)
    assert occurrence_on(series, date(2024, 2, 1)) is None
    assert occurrence_on(series, date(2024, 3, 8)) is not None


def test_cancel_without_a_number_lists_the_meetings_to_choose_from(
    workspace: LocalWorkspace,
) -> None:
    listed = workspace.command(COORDINATOR, "/meeting cancel")
    assert listed.ack_text.startswith("Which meeting do you want to cancel?")
    picks = [v for a, v in buttons_of(listed) if a == ids.MEETING_CANCEL_PICK]
    assert len(picks) == 6 and json.loads(picks[0]) == {"m": 1}  # the next one first
    shown = render_message(listed.ack_text, listed.ack["blocks"])  # type: ignore[index]
    assert "`/meeting cancel <id>`" in shown
    assert listed.calls == []
    picked = press(workspace, COORDINATOR, listed, ids.MEETING_CANCEL_PICK, '"m": 2')
    question = _reply(picked)
    assert question["text"].startswith("Cancel the whole series #2 Online consortium meeting")
    assert question["replace_original"] is True
    assert _sent(picked) == []
    confirmed = press(workspace, COORDINATOR, picked, ids.MEETING_CANCEL_CONFIRM)
    assert _reply(confirmed)["text"].startswith("Cancelled the whole series #2")


def test_more_than_ten_meetings_show_ten_and_say_how_to_name_another(
    workspace: LocalWorkspace,
) -> None:
    for n in range(6):
        support.confirmed(
            workspace,
            COORDINATOR,
            f'/meeting schedule webinar "Webinar {n}" once on 2024-03-0{n + 1} at 14:00',
        )
    listed = workspace.command(COORDINATOR, "/meeting cancel")
    assert len([a for a, _ in buttons_of(listed) if a == ids.MEETING_CANCEL_PICK]) == 10
    shown = render_message(listed.ack_text, listed.ack["blocks"])  # type: ignore[index]
    assert "Showing 10 of 12." in shown


@pytest.mark.parametrize(
    "action",
    [
        ids.MEETING_CANCEL_PICK,
        ids.MEETING_CANCEL_CONFIRM,
        ids.MEETING_CANCEL_KEEP,
        ids.MEETING_CANCEL_UNDO,
    ],
)
@pytest.mark.parametrize(
    "value",
    ["", "x", "[]", "null", '{"m": "1", "s": 0}', '{"m": true, "s": 0}', '{"m": 1}',
     '{"m": 99999999999, "s": 0}', '{"m": 999, "s": 0}', '{"m": 1, "s": 0, "o": "never"}',
     '{"m": 1, "s": 1, "o": "2024-02-01T10:00:00+01:00"}', '{"m": 1, "s": 1, "w": 5}'],
)  # fmt: skip
def test_a_garbled_button_gets_an_answer_and_changes_nothing(
    workspace: LocalWorkspace, action: str, value: str
) -> None:
    pressed = workspace.click(COORDINATOR, action, value)
    assert pressed.status == 200
    replies = [c for c in pressed.calls if c.method in ("response_url", "chat.postEphemeral")]
    assert replies, pressed.calls
    # Only a Confirm naming the series as it was shown (SEQUENCE 0) cancels; other keys are
    # ignored.
    confirms = action == ids.MEETING_CANCEL_CONFIRM and value == '{"m": 1, "s": 0, "o": "never"}'
    series = workspace.services.meetings.get(JOUR_FIXE, include_cancelled=True)
    assert series.cancelled == confirms
    assert bool(_sent(pressed)) == confirms


def test_a_one_off_event_asks_first_too(workspace: LocalWorkspace) -> None:
    asked = workspace.command(COORDINATOR, "/meeting cancel 6")
    assert asked.ack_text.startswith(
        "Cancel #6 Transnational Cities Mission Alliance webinar: good practices on national "
        "governance structures (once, on Thu 15 Feb 2024)? Told: everyone (10 members)"
    )
    assert asked.calls == []
    past = workspace.command(COORDINATOR, "/meeting cancel 4")
    assert "(once, on Mon 18 Dec 2023, already past)?" in past.ack_text
