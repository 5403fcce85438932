"""The Home tab, opened by a core-country partner, a supporting-country partner, a WP lead and
a coordinator of the example consortium (as of Tue 2 Jan 2024): each sees what is theirs and
nothing that is not; its buttons work from the tab and the tab redraws, once per member per
change."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest

from bot.core import ids
from bot.local.render import render_view
from bot.local.workspace import Exchange, LocalWorkspace
from tests.support import buttons_in

COORDINATOR = "U0COORD1"
PORTUGUESE = "U0PT"
BULGARIAN = "U0BG"
WP_LEAD = "U0VC"
STRANGER = "U9STRANGER"

JOUR_FIXE = "Jour fixe of the core countries"
CONSORTIUM_MEETING = "Online consortium meeting"
CORE_TEAM = "Core team meeting (WP and task leaders)"
ROUND = "Annual Action Plan update 2024"


def published(exchange: Exchange, user: str | None = None) -> list[dict[str, Any]]:
    """The views an exchange published (of `user` only, when given)."""
    return [
        c.params
        for c in exchange.calls
        if c.method == "views.publish" and (user is None or c.params["user_id"] == user)
    ]


def home(workspace: LocalWorkspace, user: str) -> tuple[str, dict[str, Any]]:
    """Open the member's Home tab: what it reads as, and the view."""
    (params,) = published(workspace.open_home(user))
    assert params["user_id"] == user
    view = params["view"]
    return render_view(view, tz="Europe/Vienna"), view


def tab_buttons(view: dict[str, Any]) -> list[tuple[str, str]]:
    return buttons_in(view["blocks"])


def test_a_core_country_partner_sees_their_meetings_and_what_their_country_owes(
    workspace: LocalWorkspace,
) -> None:
    text, view = home(workspace, PORTUGUESE)
    assert "Portuguese partner" in text and "Portugal" in text
    assert JOUR_FIXE in text and CONSORTIUM_MEETING in text
    assert CORE_TEAM not in text  # WP and task leaders only
    assert "Your answer: not answered yet" in text
    assert "What Portugal owes" in text
    assert f"*{ROUND}* (#1) · 🇵🇹 Portugal  [Submit]" in text
    # Overdue in words, with the year since it is not this year's.
    assert "Not submitted, overdue by 53 days (due Fri 10 Nov 2023)" in text
    assert (ids.ROUND_SUBMIT, json.dumps({"round": 1, "country": "PT"})) in tab_buttons(view)
    assert "zoom.example/j/jourfixe" in json.dumps(view)  # the join link
    assert "For coordinators" not in text
    assert all(a not in (ids.HOME_ROUND_REMIND, ids.HOME_OPEN_ROUND) for a, _ in tab_buttons(view))
    assert "*Weekly digest by DM:* off" in text
    assert "/calendar/" in text  # their feeds


def test_a_supporting_country_partner_is_asked_for_nothing_a_core_round_asks(
    workspace: LocalWorkspace,
) -> None:
    text, view = home(workspace, BULGARIAN)
    assert "What Bulgaria owes" in text
    assert "Nothing: no open round is waiting for your country." in text
    assert ROUND not in text
    assert CONSORTIUM_MEETING in text
    assert JOUR_FIXE not in text and CORE_TEAM not in text  # core countries / WP leads
    assert all(a != ids.ROUND_SUBMIT for a, _ in tab_buttons(view))


def test_a_wp_lead_sees_the_core_team_meetings_and_no_coordinator_section(
    workspace: LocalWorkspace,
) -> None:
    text, _ = home(workspace, WP_LEAD)
    assert CORE_TEAM in text and JOUR_FIXE in text
    assert text.count(CORE_TEAM) == 2  # Tue 9 and Tue 16 Jan
    assert "What Sweden owes" in text
    assert "For coordinators" not in text


def test_a_coordinator_sees_the_whole_consortium(workspace: LocalWorkspace) -> None:
    text, view = home(workspace, COORDINATOR)
    assert "For coordinators: the whole consortium" in text
    assert "0 of 13 countries answered (5 of them with no member listed)" in text
    assert "overdue by 53 days (due Fri 10 Nov 2023)" in text
    assert "Missing: Austria, Finland, Greece, Poland, Portugal, Romania, Sweden, Türkiye" in text
    assert (
        "No member listed for Czech Republic, France, Hungary, Italy, Netherlands in the "
        "consortium file" in text
    )
    # Every occurrence with its totals against its audience (10 members are invited to all).
    assert (
        "*Online consortium meeting* (#2) · 0 going · 0 not going · 0 maybe · 10 no answer" in text
    )
    actions = [a for a, _ in tab_buttons(view)]
    assert ids.HOME_ROUND_REMIND in actions
    assert ids.HOME_SCHEDULE_MEETING in actions and ids.HOME_OPEN_ROUND in actions
    assert "Messages the bot sent or is sending" in text


def test_a_stranger_is_told_whom_to_ask(workspace: LocalWorkspace) -> None:
    text, _ = home(workspace, STRANGER)
    assert "Ask a coordinator to add you" in text
    assert "owes" not in text


@pytest.fixture
def watched(workspace: LocalWorkspace) -> Iterator[LocalWorkspace]:
    """The Portuguese partner and a coordinator have opened their Home tabs."""
    home(workspace, PORTUGUESE)
    home(workspace, COORDINATOR)
    yield workspace


def test_going_from_the_home_tab_redraws_the_tab_with_the_answer_once(
    watched: LocalWorkspace,
) -> None:
    _, view = home(watched, PORTUGUESE)
    going = next(v for a, v in tab_buttons(view) if a == ids.RSVP_ACTIONS["going"])
    pressed = watched.click_on_home(PORTUGUESE, ids.RSVP_ACTIONS["going"], going)
    (mine,) = published(pressed, PORTUGUESE)
    (theirs,) = published(pressed, COORDINATOR)
    assert len(published(pressed)) == 2  # nobody else has a tab to redraw
    text = render_view(mine["view"])
    assert "Your answer: going" in text
    assert "✓ Going" in text
    assert "1 going · 0 not going · 0 maybe" in render_view(theirs["view"])


def test_submit_from_the_home_tab_opens_the_form_and_the_answer_redraws_every_tab(
    watched: LocalWorkspace,
) -> None:
    value = json.dumps({"round": 1, "country": "PT"})
    pressed = watched.click_on_home(PORTUGUESE, ids.ROUND_SUBMIT, value)
    (opened,) = [c.params for c in pressed.calls if c.method == "views.open"]
    form = opened["view"]
    values = {
        ids.UPDATE_ROUND: {
            ids.UPDATE_ROUND: {"type": "static_select", "selected_option": {"value": "1"}}
        },
        ids.update_field_block("achievements"): {
            ids.update_field_block("achievements"): {
                "type": "plain_text_input",
                "value": "Mission platform live",
            }
        },
    }
    submitted = watched.submit_view(PORTUGUESE, form, values)
    assert len(published(submitted, PORTUGUESE)) == 1
    assert len(published(submitted, COORDINATOR)) == 1
    text = render_view(published(submitted, PORTUGUESE)[0]["view"])
    assert "✅ Submitted" in text
    assert "Mission platform live" in text  # among the recent updates
    edit = [
        v
        for a, v in tab_buttons(published(submitted, PORTUGUESE)[0]["view"])
        if a == ids.UPDATE_EDIT
    ]
    assert edit == ["1"]
    coordinator = render_view(published(submitted, COORDINATOR)[0]["view"])
    assert "1 of 13 countries answered" in coordinator


def test_remind_from_the_home_tab_dms_the_missing_and_answers_the_coordinator_by_dm(
    watched: LocalWorkspace,
) -> None:
    pressed = watched.click_on_home(COORDINATOR, ids.HOME_ROUND_REMIND, "1")
    posts = [c.params for c in pressed.calls if c.method == "chat.postMessage"]
    assert posts[0] == {
        "channel": COORDINATOR,
        # The same answer as `/round remind` gives: the 8 countries, by code.
        "text": "Reminding 8 countries of “Annual Action Plan update 2024”: AT, FI, GR, PL, PT, "
        "RO, SE, TR; no member listed for CZ, FR, HU, IT, NL in the consortium file."
        # 2 January is a public holiday in Romania: its DM waits (quiet hours).
        " It waits for a working day and hours where they are: Coordinator (UEFISCDI) at"
        " Wed 3 Jan 2024 08:00 their time.",
        "blocks": posts[0]["blocks"],
    }
    reminded = [p["channel"] for p in posts[1:]]
    assert sorted(reminded) == sorted(
        ["U0AT", "U0FI", "U0GR", "U0PL", "U0PT", "U0VC", "U0TR"]  # U0COORD2's DM waits
    )
    assert all(p["text"].startswith("Reminder: Annual Action Plan update 2024") for p in posts[1:])


def test_a_partner_cannot_remind_even_with_a_forged_button(watched: LocalWorkspace) -> None:
    pressed = watched.click_on_home(PORTUGUESE, ids.HOME_ROUND_REMIND, "1")
    posts = [c.params for c in pressed.calls if c.method == "chat.postMessage"]
    assert [p["channel"] for p in posts] == [PORTUGUESE]
    assert "Only coordinators can remind rounds" in posts[0]["text"]


def test_open_a_round_from_the_home_tab(watched: LocalWorkspace) -> None:
    pressed = watched.click_on_home(COORDINATOR, ids.HOME_OPEN_ROUND)
    (opened,) = [c.params for c in pressed.calls if c.method == "views.open"]
    form = opened["view"]
    assert form["callback_id"] == ids.ROUND_FORM

    def values(title: str, due: str, who: str) -> dict[str, Any]:
        return {
            ids.ROUND_TITLE: {ids.ROUND_TITLE: {"type": "plain_text_input", "value": title}},
            ids.ROUND_DUE: {ids.ROUND_DUE: {"type": "datepicker", "selected_date": due}},
            ids.ROUND_AUDIENCE: {ids.ROUND_AUDIENCE: {"type": "plain_text_input", "value": who}},
        }

    refused = watched.submit_view(COORDINATOR, form, values("Spring call", "2023-12-01", ""))
    assert isinstance(refused.ack, dict)
    assert refused.ack["response_action"] == "errors"
    assert "in the past" in refused.ack["errors"][ids.ROUND_DUE]

    typo = watched.submit_view(COORDINATOR, form, values("Spring call", "2024-02-01", "Portgal"))
    assert isinstance(typo.ack, dict)
    assert ids.ROUND_AUDIENCE in typo.ack["errors"]

    done = watched.submit_view(COORDINATOR, form, values("Spring call", "2024-02-01", "PT FI"))
    assert isinstance(done.ack, dict) and done.ack["response_action"] == "update"
    assert "Spring call" in json.dumps(done.ack["view"])
    dms = {c.params["channel"] for c in done.calls if c.method == "chat.postMessage"}
    assert dms == {"U0PT", "U0FI"}
    (portuguese,) = published(done, PORTUGUESE)
    assert "Spring call" in render_view(portuguese["view"])


def test_a_partner_cannot_submit_the_round_form(watched: LocalWorkspace) -> None:
    from datetime import date

    from bot.rounds.form import round_form

    form = round_form(date(2024, 1, 2))
    values = {
        ids.ROUND_TITLE: {ids.ROUND_TITLE: {"type": "plain_text_input", "value": "Mine"}},
        ids.ROUND_DUE: {ids.ROUND_DUE: {"type": "datepicker", "selected_date": "2024-02-01"}},
    }
    refused = watched.submit_view(PORTUGUESE, form, values)
    assert isinstance(refused.ack, dict)
    assert "Only coordinators can open rounds" in json.dumps(refused.ack)


def test_schedule_a_meeting_from_the_home_tab_opens_the_meeting_form(
    watched: LocalWorkspace,
) -> None:
    pressed = watched.click_on_home(COORDINATOR, ids.HOME_SCHEDULE_MEETING)
    (opened,) = [c.params for c in pressed.calls if c.method == "views.open"]
    assert opened["view"]["callback_id"] == ids.MEETING_MODAL


def test_a_meeting_change_redraws_each_open_tab_once(watched: LocalWorkspace) -> None:
    moved = watched.command(COORDINATOR, "/meeting move 1 4 Jan to 5 Jan")
    assert len(published(moved, PORTUGUESE)) == 1
    assert len(published(moved, COORDINATOR)) == 1
    assert {c.params["user_id"] for c in moved.calls if c.method == "views.publish"} == {
        PORTUGUESE,
        COORDINATOR,
    }
    assert "Fri 5 Jan" in render_view(published(moved, PORTUGUESE)[0]["view"], tz="Europe/Lisbon")


def test_members_who_never_opened_the_tab_get_no_publish(workspace: LocalWorkspace) -> None:
    moved = workspace.command(COORDINATOR, "/meeting move 1 4 Jan to 5 Jan")
    assert published(moved) == []


def test_buttons_of_the_tab_answer_by_dm_when_they_fail(watched: LocalWorkspace) -> None:
    pressed = watched.click_on_home(PORTUGUESE, ids.UPDATE_EDIT, "99999")
    posts = [c.params for c in pressed.calls if c.method == "chat.postMessage"]
    assert [p["channel"] for p in posts] == [PORTUGUESE]
    assert "update #99999" in posts[0]["text"] or "no longer works" in posts[0]["text"]


def test_a_settings_change_redraws_only_the_members_own_tab(watched: LocalWorkspace) -> None:
    changed = watched.command(PORTUGUESE, "/consortium digest dm")
    (mine,) = published(changed)
    assert mine["user_id"] == PORTUGUESE
    assert "*Weekly digest by DM:* on" in render_view(mine["view"])
    reminders = watched.command(PORTUGUESE, "/consortium remind me dm")
    assert "*Meeting reminders:* as direct messages" in render_view(
        published(reminders, PORTUGUESE)[0]["view"]
    )
    typo = watched.command(PORTUGUESE, "/consortium digest dn")
    assert "Did you mean `/consortium digest dm`?" in typo.ack_text


def test_long_titles_and_markup_in_titles_never_break_the_tab(watched: LocalWorkspace) -> None:
    title = "<!channel> Annual Action Plan update 2025 & mid-term review of everything"
    opened = watched.command(COORDINATOR, f'/round open "{title}" due 1 Feb for core countries')
    assert opened.ack_text.startswith("Opened round #2")
    for user in (COORDINATOR, PORTUGUESE):
        calls = [c for c in opened.calls if c.method == "views.publish"]
        (call,) = [c for c in calls if c.params["user_id"] == user]
        assert call.response.get("ok"), call.response
        view = call.params["view"]
        for block in view["blocks"]:
            for element in [block.get("accessory") or {}, *block.get("elements", [])]:
                assert len(element.get("accessibility_label", "")) <= 75
    coordinator = published(opened, COORDINATOR)[0]["view"]
    (remind,) = [
        block["accessory"]
        for block in coordinator["blocks"]
        if (block.get("accessory") or {}).get("action_id") == ids.HOME_ROUND_REMIND
        and "2025" in block["text"]["text"]
    ]
    assert remind["confirm"]["text"]["type"] == "plain_text"  # a title is never mrkdwn there
    assert "&lt;!channel&gt;" in json.dumps(coordinator)  # escaped wherever it is mrkdwn


def test_the_round_form_reads_country_names_of_several_words(watched: LocalWorkspace) -> None:
    from bot.rounds.form import round_form

    values = {
        ids.ROUND_TITLE: {ids.ROUND_TITLE: {"type": "plain_text_input", "value": "Names"}},
        ids.ROUND_DUE: {ids.ROUND_DUE: {"type": "datepicker", "selected_date": "2024-02-01"}},
        ids.ROUND_AUDIENCE: {
            ids.ROUND_AUDIENCE: {"type": "plain_text_input", "value": "Czech Republic and Portugal"}
        },
    }
    done = watched.submit_view(COORDINATOR, round_form(date(2024, 1, 2)), values)
    assert isinstance(done.ack, dict) and done.ack["response_action"] == "update", done.ack
    status = watched.command(COORDINATOR, "/round status 2")
    assert "Portugal" in status.ack_text and "Czech Republic" in status.ack_text


def test_a_rate_limited_publish_is_tried_again_after_retry_after(workspace: LocalWorkspace) -> None:
    workspace.emulator.inject_fault("views.publish", status=429, retry_after=3, times=2)
    opened = workspace.open_home(PORTUGUESE)
    calls = [c for c in opened.calls if c.method == "views.publish"]
    assert [c.status for c in calls] == [429, 429, 200]
    assert "What Portugal owes" in render_view(calls[-1].params["view"])


@pytest.mark.parametrize("said", ["by dm", "as DMs please", "DM", "via direct message"])
def test_the_digest_by_dm_as_people_ask_for_it(workspace: LocalWorkspace, said: str) -> None:
    answered = workspace.command(PORTUGUESE, f"/consortium digest {said}")
    assert answered.ack_text.startswith("The weekly digest now comes to you by DM too")
    stopped = workspace.command(PORTUGUESE, "/consortium digest stop")
    assert stopped.ack_text.startswith("The weekly digest by DM is off")
