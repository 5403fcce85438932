"""The date warnings over the forms, at the door: the round form (from the Home tab) on
Orthodox Easter Monday 2027 pushes `/round open`'s warning with Keep / Move, the meeting form
on Portugal Day pushes the meeting warning with Schedule anyway / Change; what the form said
travels in the pushed view's private_metadata, or, when it would not fit, the warning goes
under the date and the form keeps what was typed."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from bot.core import ids
from bot.local.workspace import Exchange, LocalWorkspace
from scheduling.clock import FixedClock
from tests.support import OpenWorkspace

COORDINATOR = "U0COORD1"
PORTUGUESE = "U0PT"
CALENDARS = Path(__file__).with_name("calendars.yaml")


@pytest.fixture
def workspace(open_workspace: OpenWorkspace) -> Iterator[LocalWorkspace]:
    with open_workspace(FixedClock(datetime(2027, 4, 1, 9, tzinfo=UTC)), CALENDARS) as opened:
        yield opened


def round_form(workspace: LocalWorkspace) -> dict[str, Any]:
    pressed = workspace.click_on_home(COORDINATOR, ids.HOME_OPEN_ROUND)
    (opened,) = [c.params for c in pressed.calls if c.method == "views.open"]
    view: dict[str, Any] = opened["view"]
    assert view["callback_id"] == ids.ROUND_FORM
    return view


def round_values(title: str, due: str, who: str) -> dict[str, Any]:
    return {
        ids.ROUND_TITLE: {ids.ROUND_TITLE: {"type": "plain_text_input", "value": title}},
        ids.ROUND_DUE: {ids.ROUND_DUE: {"type": "datepicker", "selected_date": due}},
        ids.ROUND_AUDIENCE: {ids.ROUND_AUDIENCE: {"type": "plain_text_input", "value": who}},
    }


def chose(view: dict[str, Any], label: str) -> dict[str, Any]:
    """The pushed view's state with the radio button `label` chosen."""
    (block,) = [b for b in view["blocks"] if b.get("block_id") == ids.ROUND_CHECK_CHOICE]
    (picked,) = [o for o in block["element"]["options"] if o["text"]["text"] == label]
    choice = {"type": "radio_buttons", "selected_option": picked}
    return {ids.ROUND_CHECK_CHOICE: {ids.ROUND_CHECK_CHOICE: choice}}


def due_dates(workspace: LocalWorkspace) -> dict[str, date]:
    rounds = workspace.services.rounds.open_rounds()
    return {r.title: r.due_on for r in rounds if not r.title.startswith("Annual Action Plan")}


def pushed(exchange: Exchange) -> dict[str, Any]:
    assert isinstance(exchange.ack, dict) and exchange.ack["response_action"] == "push"
    view: dict[str, Any] = exchange.ack["view"]
    assert len(view["private_metadata"]) <= 3000 and len(view["title"]["text"]) <= 24
    return view


def dms(exchange: Exchange) -> set[str]:
    return {c.params["channel"] for c in exchange.calls if c.method == "chat.postMessage"}


EASTER_MONDAY = ("Easter round", "2027-05-03", "GR RO PL PT")


def test_the_round_form_on_a_holiday_pushes_the_warning_of_round_open(
    workspace: LocalWorkspace,
) -> None:
    form = round_form(workspace)
    asked = workspace.submit_view(COORDINATOR, form, round_values(*EASTER_MONDAY))
    view = pushed(asked)
    assert view["callback_id"] == ids.ROUND_CHECK_FORM
    assert view["submit"]["text"] == "Open round" and view["close"]["text"] == "Back"
    command = workspace.command(COORDINATOR, '/round open "Same" due 3 May 2027 for GR RO PL PT')
    assert view["blocks"][0]["text"]["text"] == command.ack_text  # the same words
    assert command.ack_text.startswith("Monday 3 May 2027 is a public holiday in 3 of the 4")
    (choice,) = [b for b in view["blocks"] if b.get("block_id") == ids.ROUND_CHECK_CHOICE]
    labels = [o["text"]["text"] for o in choice["element"]["options"]]
    assert labels == ["Keep Mon 3 May", "Move to Wed 5 May"]
    assert choice["element"]["initial_option"]["text"]["text"] == "Move to Wed 5 May"
    assert json.loads(view["private_metadata"]) == {
        "title": "Easter round",
        "audience": "GR RO PL PT",
    }
    assert due_dates(workspace) == {} and asked.calls == []  # nothing opened, nobody asked


@pytest.mark.parametrize(
    ("label", "due"),
    [("Keep Mon 3 May", date(2027, 5, 3)), ("Move to Wed 5 May", date(2027, 5, 5))],
)
def test_the_pushed_warning_opens_the_round_once_with_the_date_chosen(
    workspace: LocalWorkspace, label: str, due: date
) -> None:
    view = pushed(
        workspace.submit_view(COORDINATOR, round_form(workspace), round_values(*EASTER_MONDAY))
    )
    opened = workspace.submit_view(COORDINATOR, view, chose(view, label))
    assert opened.ack == {"response_action": "clear"}  # the warning and the form close
    assert due_dates(workspace) == {"Easter round": due}
    assert {"U0GR", "U0COORD2", "U0PL", "U0PT"} <= dms(opened)  # the requests, as the form sends
    # Both views are gone, so what was done is said in the coordinator's DM with the bot.
    told = [c.params["text"] for c in opened.calls if c.params.get("channel") == COORDINATOR]
    assert told == [
        f"Opened round #2 “Easter round”, due {due:%a} {due.day} May 2027; asking 4 countries by DM."
    ]
    again = workspace.submit_view(COORDINATOR, view, chose(view, label))
    assert isinstance(again.ack, dict) and again.ack["response_action"] == "errors"
    assert "already a round called" in again.ack["errors"][ids.ROUND_CHECK_CHOICE]
    assert len(due_dates(workspace)) == 1 and dms(again) == set()


def test_a_working_day_everywhere_opens_at_once(workspace: LocalWorkspace) -> None:
    form = round_form(workspace)
    done = workspace.submit_view(COORDINATOR, form, round_values("Fine", "2027-05-12", "GR PT"))
    assert isinstance(done.ack, dict) and done.ack["response_action"] == "update"
    assert "Fine" in json.dumps(done.ack["view"])
    assert due_dates(workspace) == {"Fine": date(2027, 5, 12)}


def test_a_partners_forged_submission_of_the_warning_is_refused(
    workspace: LocalWorkspace,
) -> None:
    view = pushed(
        workspace.submit_view(COORDINATOR, round_form(workspace), round_values(*EASTER_MONDAY))
    )
    refused = workspace.submit_view(PORTUGUESE, view, chose(view, "Keep Mon 3 May"))
    assert "Only coordinators can open rounds" in json.dumps(refused.ack)
    assert due_dates(workspace) == {} and refused.calls == []


def test_a_title_error_comes_before_the_warning(workspace: LocalWorkspace) -> None:
    form = round_form(workspace)
    refused = workspace.submit_view(COORDINATOR, form, round_values("", "2027-05-03", "GR"))
    assert isinstance(refused.ack, dict) and refused.ack["response_action"] == "errors"
    assert "title of 1 to 200" in refused.ack["errors"][ids.ROUND_TITLE]


def meeting_form(workspace: LocalWorkspace) -> dict[str, Any]:
    exchange = workspace.command(COORDINATOR, "/meeting")
    (call,) = [c for c in exchange.calls if c.method == "views.open"]
    view: dict[str, Any] = call.response["view"]
    return view


def meeting_values(
    view: dict[str, Any], title: str, day: str, at: str, texts: dict[str, str] | None = None
) -> dict[str, Any]:
    values = LocalWorkspace.fill(view, {ids.MEETING_TITLE: title, **(texts or {})})
    values[ids.MEETING_KIND] = {
        ids.MEETING_KIND: {
            "type": "static_select",
            "selected_option": {
                "text": {"type": "plain_text", "text": "Webinar"},
                "value": "webinar",
            },
        }
    }
    values[ids.MEETING_DATE] = {ids.MEETING_DATE: {"type": "datepicker", "selected_date": day}}
    values[ids.MEETING_TIME] = {ids.MEETING_TIME: {"type": "timepicker", "selected_time": at}}
    return values


def test_the_meeting_form_on_portugal_day_pushes_the_warning_and_schedules_once(
    workspace: LocalWorkspace,
) -> None:
    form = meeting_form(workspace)
    before = len(workspace.services.meetings.all())
    link = {ids.MEETING_LINK: "https://zoom.example/j/portugal"}
    asked = workspace.submit_view(
        COORDINATOR, form, meeting_values(form, "Portugal webinar", "2027-06-10", "10:00", link)
    )
    view = pushed(asked)
    assert view["callback_id"] == ids.MEETING_CHECK_FORM
    assert view["submit"]["text"] == "Schedule anyway" and view["close"]["text"] == "Change"
    said = view["blocks"][0]["text"]["text"]
    assert said.startswith("Thursday 10 June 2027 is Day of Portugal"), said
    assert "a public holiday in PT." in said
    # Greek holidays, New York hours: 10:00 in Vienna is 04:00 there.
    assert "04:00–05:00 for Greek partner in New York (America/New_York)" in said
    assert said.endswith("Schedule it anyway?")
    assert len(workspace.services.meetings.all()) == before and asked.calls == []

    scheduled = workspace.submit_view(COORDINATOR, view, {})
    assert scheduled.ack == {"response_action": "clear"}
    assert len(workspace.services.meetings.all()) == before + 1
    series = workspace.services.meetings.get(7)
    assert series.title == "Portugal webinar" and series.join_url == link[ids.MEETING_LINK]
    assert series.starts_local == datetime(2027, 6, 10, 10, 0)
    assert any(c.method == "chat.postMessage" for c in scheduled.calls)  # the invite
    told = [c.params["text"] for c in scheduled.calls if c.params.get("channel") == COORDINATOR]
    assert told == ["Scheduled #7 Portugal webinar."]

    again = workspace.submit_view(COORDINATOR, view, {})  # submitted twice: once
    assert isinstance(again.ack, dict) and again.ack["response_action"] == "update"
    assert "already scheduled" in json.dumps(again.ack["view"])
    assert len(workspace.services.meetings.all()) == before + 1


def test_a_partners_forged_meeting_warning_is_refused(workspace: LocalWorkspace) -> None:
    form = meeting_form(workspace)
    values = meeting_values(form, "Portugal webinar", "2027-06-10", "10:00")
    view = pushed(workspace.submit_view(COORDINATOR, form, values))
    before = len(workspace.services.meetings.all())
    refused = workspace.submit_view(PORTUGUESE, view, {})
    assert "Only coordinators can schedule meetings" in json.dumps(refused.ack)
    assert len(workspace.services.meetings.all()) == before and refused.calls == []


def test_a_clean_date_schedules_at_once(workspace: LocalWorkspace) -> None:
    form = meeting_form(workspace)
    done = workspace.submit_view(
        COORDINATOR, form, meeting_values(form, "Fine", "2027-06-09", "15:00")
    )
    assert isinstance(done.ack, dict) and done.ack["response_action"] == "update"
    assert "Meeting scheduled" in json.dumps(done.ack["view"])


def test_a_form_too_long_to_carry_gets_the_warning_under_its_date(
    workspace: LocalWorkspace,
) -> None:
    form = meeting_form(workspace)
    link = "https://zoom.example/j/" + "9" * (2000 - len("https://zoom.example/j/"))
    place = ('FFG, "Haus der Forschung", Sensengasse 1, Vienna. ' * 11)[:500]
    texts = {ids.MEETING_LINK: link, ids.MEETING_LOCATION: place, ids.MEETING_REMINDERS: "1w 1d 1h"}
    values = meeting_values(form, "W" * 250, "2027-06-10", "10:00", texts)
    answered = workspace.submit_view(COORDINATOR, form, values)
    assert isinstance(answered.ack, dict) and answered.ack["response_action"] == "errors"
    (error,) = answered.ack["errors"].values()
    assert list(answered.ack["errors"]) == [ids.MEETING_DATE]
    assert error.startswith("Thursday 10 June 2027 is Day of Portugal"), error
    assert "a public holiday in PT; pick another day or time" in error
    assert "/meeting schedule" in error
    assert answered.calls == []
    # The form stays as typed (an errors answer keeps it); with a short link it is pushed.
    texts[ids.MEETING_LINK] = "https://zoom.example/j/1"
    short = meeting_values(form, "W" * 250, "2027-06-10", "10:00", texts)
    view = pushed(workspace.submit_view(COORDINATOR, form, short))
    assert workspace.submit_view(COORDINATOR, view, {}).ack == {"response_action": "clear"}
