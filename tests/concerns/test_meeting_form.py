"""The `/meeting` form end to end: location, join link, audience and reminders (the kind's when
left empty), the kind's channel, the next working day proposed, and each error under its own
field, with a date in the past refused for a one-off and taken as a series' start."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Any

import pytest

from bot.core import ids
from bot.local.render import render_message
from bot.local.workspace import Exchange, LocalWorkspace
from scheduling.clock import FixedClock
from scheduling.vocabulary import Audience
from tests.support import OpenWorkspace, assert_pings_nobody

COORDINATOR = "U0COORD1"
PARTNER = "U0PT"


def opened_form(workspace: LocalWorkspace) -> dict[str, Any]:
    exchange = workspace.command(COORDINATOR, "/meeting")
    (call,) = [c for c in exchange.calls if c.method == "views.open"]
    assert call.response["ok"] is True, call.response
    view: dict[str, Any] = call.response["view"]
    return view


def block(view: dict[str, Any], block_id: str) -> dict[str, Any]:
    return next(b for b in view["blocks"] if b.get("block_id") == block_id)


def filled(
    view: dict[str, Any],
    *,
    kind: str = "webinar",
    title: str = "Alliance webinar",
    day: str | None = None,
    at: str | None = "14:00",
    repeat: str = "once",
    texts: dict[str, str] | None = None,
    audience: str | None = None,
    channel: str | None = None,
) -> dict[str, Any]:
    """The form's state as Slack sends it once a person filled it in."""
    choices = {ids.MEETING_KIND: kind, ids.MEETING_REPEAT: repeat}
    if audience is not None:
        choices[ids.MEETING_AUDIENCE] = audience
    values = LocalWorkspace.fill(view, {ids.MEETING_TITLE: title, **(texts or {})}, choices)
    picked = day or block(view, ids.MEETING_DATE)["element"]["initial_date"]
    values[ids.MEETING_DATE] = {ids.MEETING_DATE: {"type": "datepicker", "selected_date": picked}}
    values[ids.MEETING_TIME] = {ids.MEETING_TIME: {"type": "timepicker", "selected_time": at}}
    values[ids.MEETING_CHANNEL] = {
        ids.MEETING_CHANNEL: {"type": "conversations_select", "selected_conversation": channel}
    }
    return values


def posts(exchange: Exchange) -> list[dict[str, Any]]:
    return [c.params for c in exchange.calls if c.method == "chat.postMessage"]


@pytest.mark.parametrize(
    ("now", "proposed"),
    [
        (datetime(2024, 1, 2, 9, 0, tzinfo=UTC), date(2024, 1, 3)),  # Tuesday: Wednesday
        (datetime(2024, 1, 5, 10, 0, tzinfo=UTC), date(2024, 1, 8)),  # Friday: Monday
        (datetime(2024, 1, 6, 10, 0, tzinfo=UTC), date(2024, 1, 8)),  # Saturday: Monday
        # Thursday 23:30 UTC is already Friday in Vienna, the consortium's zone: Monday.
        (datetime(2024, 1, 4, 23, 30, tzinfo=UTC), date(2024, 1, 8)),
    ],
)
def test_the_form_proposes_the_next_working_day_in_the_consortiums_zone(
    open_workspace: OpenWorkspace, now: datetime, proposed: date
) -> None:
    with open_workspace(FixedClock(now)) as workspace:
        view = opened_form(workspace)
    assert block(view, ids.MEETING_DATE)["element"]["initial_date"] == proposed.isoformat()


def test_the_form_has_the_new_fields_with_the_kinds_defaults_in_words(
    workspace: LocalWorkspace,
) -> None:
    view = opened_form(workspace)
    audience = block(view, ids.MEETING_AUDIENCE)
    assert [o["value"] for o in audience["element"]["options"]] == [
        "all",
        "core",
        "supporting",
        "wp-lead",
    ]
    assert audience["optional"] is True and "initial_option" not in audience["element"]
    assert "jour fixe core countries" in audience["hint"]["text"]
    reminders = block(view, ids.MEETING_REMINDERS)
    assert "jour fixe 1d 1h" in reminders["hint"]["text"]
    assert "the others 1w 1d 1h" in reminders["hint"]["text"]
    channel = block(view, ids.MEETING_CHANNEL)
    assert channel["optional"] is True
    assert "initial_conversation" not in channel["element"]  # the kind decides, not the caller
    for field in (ids.MEETING_LOCATION, ids.MEETING_LINK):
        assert block(view, field)["optional"] is True


def test_location_link_audience_and_reminders_are_stored_and_shown(
    workspace: LocalWorkspace,
) -> None:
    view = opened_form(workspace)
    submitted = workspace.submit_view(
        COORDINATOR,
        view,
        filled(
            view,
            kind="jour-fixe",
            title="Jour fixe, extra",
            texts={
                ids.MEETING_LOCATION: "FFG, Sensengasse 1, Vienna",
                ids.MEETING_LINK: "https://zoom.example/j/extra",
                ids.MEETING_REMINDERS: "2d 1h",
            },
            audience="supporting",
        ),
    )
    assert isinstance(submitted.ack, dict) and submitted.ack["response_action"] == "update"
    (card,) = posts(submitted)
    assert card["channel"] == "C0JOURFIXE"  # no channel picked: the jour fixe's
    text = render_message(card["text"], card["blocks"])
    assert "*Where:* FFG, Sensengasse 1, Vienna" in text
    assert "https://zoom.example/j/extra" in json.dumps(card["blocks"])
    assert "*For:* supporting countries" in text
    series = workspace.services.meetings.get(7)
    assert series.audience == Audience.SUPPORTING
    assert series.reminder_minutes == (2 * 24 * 60, 60)
    assert series.location == "FFG, Sensengasse 1, Vienna"
    assert series.join_url == "https://zoom.example/j/extra"


@pytest.mark.parametrize(
    ("kind", "channel", "audience", "reminders"),
    [
        ("jour-fixe", "C0JOURFIXE", Audience.CORE, (1440, 60)),
        ("core-team", "C0CORETEAM", Audience.WP_LEAD, (15,)),
        ("webinar", "C0ANNOUNCE", Audience.ALL, (10080, 1440, 60)),
    ],
)
def test_fields_left_empty_take_the_kinds_defaults(
    workspace: LocalWorkspace,
    kind: str,
    channel: str,
    audience: Audience,
    reminders: tuple[int, ...],
) -> None:
    view = opened_form(workspace)
    submitted = workspace.submit_view(COORDINATOR, view, filled(view, kind=kind))
    (card,) = posts(submitted)
    assert card["channel"] == channel
    series = workspace.services.meetings.get(7)
    assert (series.audience, series.reminder_minutes) == (audience, reminders)
    assert series.location is None and series.join_url is None


def test_a_channel_picked_wins_and_reminders_none_means_none(workspace: LocalWorkspace) -> None:
    view = opened_form(workspace)
    submitted = workspace.submit_view(
        COORDINATOR,
        view,
        filled(view, kind="jour-fixe", channel="C0ANNOUNCE", texts={ids.MEETING_REMINDERS: "none"}),
    )
    (card,) = posts(submitted)
    assert card["channel"] == "C0ANNOUNCE"
    assert workspace.services.meetings.get(7).reminder_minutes == ()


def test_every_wrong_field_gets_its_own_error_at_once_and_nothing_is_stored(
    workspace: LocalWorkspace,
) -> None:
    view = opened_form(workspace)
    submitted = workspace.submit_view(
        COORDINATOR,
        view,
        filled(
            view,
            day="2023-12-28",
            texts={
                ids.MEETING_LINK: "zoom dot example",
                ids.MEETING_REMINDERS: "1d soon",
                ids.MEETING_LOCATION: "x" * 501,
            },
        ),
    )
    assert isinstance(submitted.ack, dict)
    assert submitted.ack["response_action"] == "errors"
    errors = submitted.ack["errors"]
    assert errors[ids.MEETING_DATE] == "That date has passed; pick a date from today on."
    assert "'zoom dot example' is not an http(s) link" in errors[ids.MEETING_LINK]
    assert "cannot read 'soon' as a reminder" in errors[ids.MEETING_REMINDERS]
    assert "keep it under 500" in errors[ids.MEETING_LOCATION]
    assert set(errors) == {
        ids.MEETING_DATE,
        ids.MEETING_LINK,
        ids.MEETING_REMINDERS,
        ids.MEETING_LOCATION,
    }
    assert submitted.calls == []
    assert len(workspace.services.meetings.all()) == 6
    assert "`from" not in json.dumps(errors)  # nothing the form cannot take


@pytest.mark.parametrize(
    ("texts", "field", "message"),
    [
        ({ids.MEETING_ZONE: "Mars/Olympus"}, ids.MEETING_ZONE, "'Mars/Olympus' is not a time zone"),
        ({ids.MEETING_TITLE: "   "}, ids.MEETING_TITLE, "the meeting needs a title"),
        ({ids.MEETING_DURATION: "5w"}, ids.MEETING_DURATION, "can be 4w at most"),
    ],
)
def test_errors_the_service_finds_land_on_their_field(
    workspace: LocalWorkspace, texts: dict[str, str], field: str, message: str
) -> None:
    view = opened_form(workspace)
    submitted = workspace.submit_view(COORDINATOR, view, filled(view, texts=texts))
    assert isinstance(submitted.ack, dict) and submitted.ack["response_action"] == "errors"
    assert list(submitted.ack["errors"]) == [field]
    assert message in submitted.ack["errors"][field]


def test_a_past_date_starts_a_repeating_series(workspace: LocalWorkspace) -> None:
    view = opened_form(workspace)
    submitted = workspace.submit_view(
        COORDINATOR,
        view,
        filled(view, kind="consortium", title="Monthly call", day="2023-12-07", repeat="monthly"),
    )
    assert isinstance(submitted.ack, dict) and submitted.ack["response_action"] == "update"
    shown = json.dumps(submitted.ack["view"])
    assert "The series began on Thu 7 Dec 2023, before today." in shown
    series = workspace.services.meetings.get(7)
    assert series.starts_local == datetime(2023, 12, 7, 14, 0)
    (card,) = posts(submitted)
    assert_pings_nobody(card)
    # The card shows the next occurrence, the first Thursday of January.
    assert "Thu 4 Jan 2024" in card["text"]


def test_today_is_not_the_past(workspace: LocalWorkspace) -> None:
    view = opened_form(workspace)
    submitted = workspace.submit_view(COORDINATOR, view, filled(view, day="2024-01-02", at="17:00"))
    # Not refused as past: the hours warning is pushed (17:00 Vienna is 18:00 in Athens), and
    # "Schedule anyway" schedules it.
    assert isinstance(submitted.ack, dict) and submitted.ack["response_action"] == "push"
    assert "outside 08:00–18:00" in json.dumps(submitted.ack["view"], ensure_ascii=False)
    scheduled = workspace.submit_view(COORDINATOR, submitted.ack["view"], {})
    assert scheduled.ack == {"response_action": "clear"}


def test_a_partner_cannot_submit_the_form(workspace: LocalWorkspace) -> None:
    view = opened_form(workspace)
    refused = workspace.submit_view(PARTNER, view, filled(view))
    assert isinstance(refused.ack, dict) and refused.ack["response_action"] == "errors"
    assert refused.calls == []
