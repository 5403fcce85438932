"""Partners from other workspaces (Slack Connect): a member of Greece sits in workspace T0EXT
and reaches the consortium through its shared channels. Everything goes through the doors
Slack uses (signed requests with the other workspace's team fields) and the emulator's
second workspace (DMs to the partner refused with Slack's errors)."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.connect.privately import WHY_HERE
from bot.core import ids
from bot.local.emulator import PostedMessage
from bot.local.render import render_message
from bot.local.workspace import LocalWorkspace
from scheduling.clock import FixedClock
from scheduling.consortium.file import parse_consortium_text
from scheduling.consortium.spec import ConsortiumFileError
from storage.models import Delivery, Member
from tests.support import EXAMPLE_FILE, OpenWorkspace

GREEK = "U0GR"  # in workspace T0EXT, says the consortium file
PARTNER_TEAM = "T0EXT"
COORDINATOR = "U0COORD1"
ANNOUNCEMENTS = "C0ANNOUNCE"
JOUR_FIXE = "C0JOURFIXE"
REMINDER_DUE = datetime(2026, 3, 4, 9, 0, tzinfo=UTC)  # a day before the jour fixe of 5 March


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))


def connected_file(folder: Path, greek_team: str = PARTNER_TEAM) -> Path:
    """The example consortium with the bot's own workspace named and the Greek partner in
    another one."""
    text = EXAMPLE_FILE.read_text(encoding="utf-8")
    text = text.replace("  name: CapaCITIES\n", "  name: CapaCITIES\n  team_id: T0LOCAL\n", 1)
    greek = "{slack_id: U0GR, name: Greek partner, country: GR,"
    assert greek in text
    text = text.replace(
        greek, f"{{slack_id: U0GR, team_id: {greek_team}, name: Greek partner, country: GR,"
    )
    path = folder / "connected.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def workspace(
    open_workspace: OpenWorkspace, clock: FixedClock, tmp_path: Path
) -> Iterator[LocalWorkspace]:
    with open_workspace(clock, connected_file(tmp_path)) as workspace:
        yield workspace


def ephemerals(workspace: LocalWorkspace, user: str) -> list[PostedMessage]:
    return [m for m in workspace.emulator.messages() if m.kind == "ephemeral" and m.user == user]


def sweep_at(workspace: LocalWorkspace, clock: FixedClock, instant: datetime) -> None:
    clock.set(instant)
    workspace.jobs.sweep()
    workspace.executor.wait_idle()


def member(workspace: LocalWorkspace, slack_id: str) -> Member:
    with workspace.database.read() as work:
        found = work.directory.member(slack_id)
        assert found is not None
        return found


def test_the_file_names_the_workspaces_and_the_import_keeps_them(
    workspace: LocalWorkspace,
) -> None:
    assert workspace.emulator.team_of(GREEK) == PARTNER_TEAM
    assert member(workspace, GREEK).team_id == PARTNER_TEAM
    assert member(workspace, "U0PT").team_id is None
    with workspace.database.read() as work:
        consortium = work.directory.consortium()
        assert consortium is not None and consortium.team_id == "T0LOCAL"


def test_a_partner_submits_an_update_through_the_command_and_the_form(
    workspace: LocalWorkspace,
) -> None:
    opened = workspace.command(GREEK, "/update", channel_id=ANNOUNCEMENTS)
    (call,) = [c for c in opened.calls if c.method == "views.open"]
    view = call.response["view"]
    values = LocalWorkspace.fill(view, {"update_achievements": "Athens joined the mission"})
    # Slack sends the other workspace's team for a form submitted there; ours is only in
    # view.app_installed_team_id, and `authorize` answers with our installation all the same.
    submitted = workspace.submit_view(GREEK, view, values)
    assert submitted.status == 200
    assert isinstance(submitted.ack, dict) and submitted.ack["response_action"] == "update"
    (card,) = [c.params for c in submitted.calls if c.method == "chat.postMessage"]
    assert card["channel"] == ANNOUNCEMENTS
    assert "Greece" in render_message(card["text"], card["blocks"])
    (stored,) = workspace.app_services_updates().recent(limit=5)
    assert (stored.country.code, stored.author_id) == ("GR", GREEK)
    assert stored.fields["achievements"] == "Athens joined the mission"


def test_a_partner_presses_an_rsvp_button_in_a_shared_channel(
    workspace: LocalWorkspace, clock: FixedClock
) -> None:
    sweep_at(workspace, clock, REMINDER_DUE)
    (reminder,) = [
        c.params
        for c in workspace.emulator.calls("chat.postMessage")
        if c.params.get("channel") == JOUR_FIXE
    ]
    value = next(
        e["value"] for b in reminder["blocks"] if b["type"] == "actions" for e in b["elements"]
    )
    pressed = workspace.click(GREEK, ids.RSVP_ACTIONS["going"], value, channel_id=JOUR_FIXE)
    assert pressed.status == 200
    (redraw,) = [c.params for c in pressed.calls if c.method == "chat.update"]
    assert "Greece 1/0/0" in render_message(redraw["text"], redraw["blocks"])
    who = workspace.command(COORDINATOR, "/meeting who 1 on 2026-03-05")
    assert "*Greece* — Going: Greek partner" in render_message(who.ack_text, who.ack["blocks"])  # type: ignore[index]


def test_a_reminder_by_dm_reaches_the_partner_privately_and_status_says_so(
    workspace: LocalWorkspace, clock: FixedClock
) -> None:
    answer = workspace.command(GREEK, "/consortium remind me dm", channel_id=ANNOUNCEMENTS)
    assert answer.ack_text == "From now on your meeting reminders come as direct messages."
    sweep_at(workspace, clock, REMINDER_DUE)
    refused = [
        c for c in workspace.emulator.calls("chat.postMessage") if c.params["channel"] == GREEK
    ]
    assert [c.response["error"] for c in refused] == ["channel_not_found"]
    (private,) = ephemerals(workspace, GREEK)
    assert private.channel == ANNOUNCEMENTS
    assert private.text.startswith(WHY_HERE)
    assert "Jour fixe" in render_message(private.text, private.blocks)
    assert member(workspace, GREEK).dm_unreachable_since == REMINDER_DUE
    with workspace.database.read() as work:
        (delivery,) = work.session.scalars(
            select(Delivery).where(Delivery.channel == GREEK, Delivery.kind == "reminder")
        ).all()
        assert (delivery.status, delivery.slack_channel, delivery.slack_ts) == (
            "sent",
            ANNOUNCEMENTS,
            None,
        )
    status = workspace.command(COORDINATOR, "/consortium status")
    shown = render_message(status.ack_text, status.ack["blocks"])  # type: ignore[index]
    assert "No DM reaches them" in shown
    assert "@U0GR (Greek partner) since 2026-03-04 09:00 UTC" in shown
    # Their organisation lets the bot in: the next reminder goes by DM, and the note goes.
    workspace.emulator.allow_external_dms(GREEK)
    sweep_at(workspace, clock, datetime(2026, 4, 1, 8, 0, tzinfo=UTC))
    assert len(ephemerals(workspace, GREEK)) == 1
    assert len(workspace.emulator.messages(channel=GREEK)) == 1
    assert member(workspace, GREEK).dm_unreachable_since is None
    status = workspace.command(COORDINATOR, "/consortium status")
    assert "No DM reaches them" not in render_message(status.ack_text, status.ack["blocks"])  # type: ignore[index]


@pytest.mark.parametrize("processed", [True, False], ids=["after Slack showed it", "before"])
def test_a_dropped_connection_never_shows_the_private_reminder_twice(
    workspace: LocalWorkspace, clock: FixedClock, processed: bool
) -> None:
    """An ephemeral cannot be looked for: at most once. Dropped after Slack showed it, it is
    shown once; dropped before, it is lost, and the delivery says its outcome is unknown."""
    workspace.command(GREEK, "/consortium remind me dm", channel_id=ANNOUNCEMENTS)
    workspace.emulator.drop_connection("chat.postEphemeral", processed=processed)
    sweep_at(workspace, clock, REMINDER_DUE)
    for minutes in (5, 30, 90):
        sweep_at(workspace, clock, REMINDER_DUE + timedelta(minutes=minutes))
    assert len(ephemerals(workspace, GREEK)) == (1 if processed else 0)
    with workspace.database.read() as work:
        (delivery,) = work.session.scalars(
            select(Delivery).where(Delivery.channel == GREEK, Delivery.kind == "reminder")
        ).all()
        assert delivery.status == "sent"
        assert delivery.error is not None and "outcome unknown" in delivery.error


def test_a_refused_ephemeral_is_tried_again(workspace: LocalWorkspace, clock: FixedClock) -> None:
    workspace.command(GREEK, "/consortium remind me dm", channel_id=ANNOUNCEMENTS)
    workspace.emulator.inject_fault("chat.postEphemeral", status=200, error="user_not_in_channel")
    sweep_at(workspace, clock, REMINDER_DUE)
    assert ephemerals(workspace, GREEK) == []
    sweep_at(workspace, clock, REMINDER_DUE + timedelta(minutes=5))
    assert len(ephemerals(workspace, GREEK)) == 1


def test_a_stranger_from_the_other_workspace_gets_the_strangers_answer(
    workspace: LocalWorkspace, clock: FixedClock
) -> None:
    stranger = workspace.partner_from(PARTNER_TEAM, "U0EXTNEW", "Someone at a partner")
    said = workspace.command(stranger, "/update Athens news", channel_id=ANNOUNCEMENTS)
    assert said.ack_text.startswith("You are not in the CapaCITIES member list yet")
    assert "Ask a coordinator to add you" in said.ack_text
    assert [c.method for c in said.calls] == []
    sweep_at(workspace, clock, REMINDER_DUE)
    pressed = workspace.click(stranger, ids.RSVP_ACTIONS["going"], "1:x", channel_id=JOUR_FIXE)
    (answer,) = [c.params for c in pressed.calls if c.method == "chat.postEphemeral"]
    assert answer["user"] == stranger
    assert "so I cannot record your answer" in answer["text"]


def test_a_member_acting_from_another_workspace_than_the_file_says_is_accepted_and_logged(
    open_workspace: OpenWorkspace,
    clock: FixedClock,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The Slack ID names the member; a team_id in the file that disagrees is a mistake in
    the file (or an Enterprise Grid user acting from another workspace of their org), so the
    door logs it for the coordinators and lets the member in."""
    with open_workspace(clock, connected_file(tmp_path, greek_team="T0ELSEWHERE")) as workspace:
        workspace.partner_from(PARTNER_TEAM, GREEK, "Greek partner")
        with caplog.at_level(logging.WARNING, logger="consortium_bot.access"):
            said = workspace.command(GREEK, "/update Athens news", channel_id=ANNOUNCEMENTS)
            workspace.command(GREEK, "/consortium whoami", channel_id=ANNOUNCEMENTS)
        assert said.ack_text.startswith("Your note for Greece is posted")
        warnings = [
            r.getMessage() for r in caplog.records if "acts from workspace" in r.getMessage()
        ]
        assert warnings == [
            "U0GR (Greek partner) acts from workspace T0EXT, but the consortium file gives"
            " T0ELSEWHERE: accepted by their Slack ID; correct the file's team_id"
        ]


@pytest.mark.parametrize(
    ("original", "changed"),
    [
        ("  name: CapaCITIES\n", "  name: CapaCITIES\n  team_id: t0local\n"),
        ("{slack_id: U0GR,", "{slack_id: U0GR, team_id: EXT-TEAM,"),
    ],
    ids=["the bot's own workspace", "a member's"],
)
def test_a_file_with_a_bad_team_id_is_rejected_with_its_line(original: str, changed: str) -> None:
    text = EXAMPLE_FILE.read_text(encoding="utf-8").replace(original, changed, 1)
    bad_value = "t0local" if "t0local" in changed else "EXT-TEAM"
    bad_line = next(n for n, row in enumerate(text.splitlines(), 1) if bad_value in row)
    with pytest.raises(ConsortiumFileError) as rejected:
        parse_consortium_text(text, "consortium.yaml")
    (problem,) = rejected.value.problems
    assert problem.line == bad_line
    assert f"{bad_value!r} is not a Slack workspace ID" in problem.reason


def test_a_private_reminder_met_by_a_revoked_token_goes_out_after_the_reinstall(
    workspace: LocalWorkspace, clock: FixedClock
) -> None:
    """The token dies while the reminder goes privately: nothing was shown, so after the
    reinstall it is shown once, not marked sent as 'outcome unknown'."""
    from bot.lifecycle.startup import resume

    workspace.command(GREEK, "/consortium remind me dm", channel_id=ANNOUNCEMENTS)
    workspace.emulator.inject_fault("chat.postEphemeral", status=200, error="invalid_auth")
    sweep_at(workspace, clock, REMINDER_DUE)
    assert ephemerals(workspace, GREEK) == []
    with workspace.database.read() as work:
        (kept,) = work.session.scalars(select(Delivery).where(Delivery.channel == GREEK)).all()
        assert kept.status == "queued" and "privately" not in kept.payload
    resume(workspace.services.lifecycle, "T0LOCAL")  # a start-up whose new token works
    sweep_at(workspace, clock, REMINDER_DUE + timedelta(minutes=5))
    sweep_at(workspace, clock, REMINDER_DUE + timedelta(minutes=10))
    assert len(ephemerals(workspace, GREEK)) == 1


def test_a_partner_no_dm_reaches_is_told_how_to_get_their_data(
    workspace: LocalWorkspace,
) -> None:
    """A file cannot go privately into a shared channel: the partner hears why, and that a
    coordinator can send it (`consortium-bot my-data`); nothing is uploaded anywhere."""
    workspace.command(GREEK, "/consortium my-data", channel_id=ANNOUNCEMENTS)
    said = " ".join(
        str(c.params.get("text"))
        for c in workspace.emulator.calls()
        if c.method in ("chat.postEphemeral", "response_url")
    )
    assert "another organisation's workspace" in said
    assert f"consortium-bot my-data {GREEK}" in said
    assert not [
        c for c in workspace.emulator.calls("files.completeUploadExternal") if c.response.get("ok")
    ]


def test_a_message_of_several_parts_refused_halfway_is_never_shown_twice(
    workspace: LocalWorkspace,
) -> None:
    """Parts already shown cannot be looked up: a refusal after the first part settles the
    rest as of unknown outcome (the delivery records it so), rather than showing part one
    again at the next try."""
    from bot.core.blocks import Message
    from bot.reminders.outgoing import SlackOutgoing
    from scheduling.ports import DeliveryError

    parts = [Message("Digest, part one", []), Message("Digest, part two", [])]
    outgoing = SlackOutgoing(workspace.services.web, GREEK, "digest:test", parts)
    workspace.emulator.inject_fault("chat.postEphemeral", status=429, retry_after=1, skip=1)
    with pytest.raises(DeliveryError) as refused:
        outgoing.privately(ANNOUNCEMENTS)
    assert refused.value.ambiguous
    shown = [m.text for m in ephemerals(workspace, GREEK)]
    assert len(shown) == 1 and shown[0].endswith("Digest, part one")
    workspace.emulator.inject_fault("chat.postEphemeral", status=429, retry_after=1)
    with pytest.raises(DeliveryError) as first_refused:
        outgoing.privately(ANNOUNCEMENTS)
    assert not first_refused.value.ambiguous  # nothing shown: the next try may post it all
