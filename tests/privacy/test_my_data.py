"""`/consortium my-data` through signed requests: a member's JSON file and summary in their
DM hold their RSVP, attendance, updates with their history, actions and the DMs sent to
them; nothing of another member; a failed upload is told and can be asked again; the
data-protection officer's command line writes the same file."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.local.render import render_message
from bot.local.workspace import LocalWorkspace
from scheduling.clock import FixedClock
from tests.privacy.support import (
    COORDINATOR,
    GREEK,
    ISO_UTC,
    NOW,
    PORTUGUESE,
    a_season_of_work,
    ask,
    exported,
    instants,
    summary_of,
)
from tests.support import run_cli


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(NOW)


def test_a_members_file_holds_their_answers_attendance_updates_actions_and_dms(
    workspace: LocalWorkspace, clock: FixedClock
) -> None:
    a_season_of_work(workspace, clock)
    clock.set(datetime(2026, 3, 6, 8, 30, tzinfo=UTC))
    reply = ask(workspace, PORTUGUESE)
    assert reply.ack["response_type"] == "ephemeral"  # type: ignore[index]
    assert "on its way" in reply.ack_text and "direct messages" in reply.ack_text
    data, content = exported(workspace, PORTUGUESE)

    assert data["format_version"] == 1
    assert data["consortium"] == "CapaCITIES"
    assert data["generated_at"] == "2026-03-06T08:30:00Z"
    assert data["member"] == PORTUGUESE
    assert data["profile"]["name"] == "Portuguese partner"
    assert data["profile"]["countries"] == [{"code": "PT", "name": "Portugal"}]
    assert data["settings"]["reminder_delivery"] == "dm"
    assert {"rsvps", "attendance", "updates_written", "deliveries"} <= set(data["about"])
    assert all(entry["why_we_hold_it"] for entry in data["about"].values())

    (rsvp,) = data["rsvps"]
    assert rsvp["answer"] == "going"
    assert rsvp["meeting"] == "Jour fixe of the core countries"
    assert rsvp["occurrence"]["local"] == "2026-03-05T10:00"
    assert rsvp["occurrence"]["utc"] == "2026-03-05T09:00:00Z"
    (present,) = data["attendance"]
    assert (present["attendee"], present["source"]) == ("you", "marked")
    assert present["recorded_by"] == "another member"
    (written,) = data["updates_written"]
    assert written["note"] == "Lisbon's platform went live in May"
    assert [r["edited_by"] for r in written["revisions"]] == ["you", "another member"]
    assert written["revisions"][0]["changes"]["note"] == {
        "before": "Lisbon's platform went live",
        "after": "Lisbon's platform went live in May",
    }
    (edit,) = data["update_edits"]
    assert edit["update_id"] == written["id"] and set(edit["changes"]) == {"note"}
    (action,) = data["action_items"]
    assert action["text"] == "Send the Lisbon roadmap draft"
    assert action["created_by"] == "you"
    reminders = [d for d in data["deliveries"] if d["kind"] == "reminder"]
    assert reminders and reminders[0]["status"] == "sent"
    assert reminders[0]["payload"]["direct"] is True

    # Nothing of the Greek partner or the coordinator, who edited and marked.
    text = content.decode("utf-8")
    for other in (GREEK, COORDINATOR, "Greek partner", "Coordinator (FFG)", "Athens"):
        assert other not in text
    assert "Lisbon’s" not in text and "Lisbon's platform" in text  # as typed, UTF-8
    for key, value in instants(data):
        assert ISO_UTC.match(value), (key, value)

    summary = summary_of(workspace, PORTUGUESE)
    assert "Meeting answers (RSVPs): 1" in summary["text"]
    assert "Updates you wrote: 1" in summary["text"]
    shown = render_message(summary["text"], summary["blocks"])
    assert "going: Jour fixe of the core countries, 2026-03-05 10:00" in shown
    assert "Why:" in shown and len(summary["blocks"]) <= 50


def test_another_members_file_holds_only_theirs(
    workspace: LocalWorkspace, clock: FixedClock
) -> None:
    a_season_of_work(workspace, clock)
    ask(workspace, GREEK, "my data")
    data, content = exported(workspace, GREEK)
    assert data["member"] == GREEK
    assert [r["answer"] for r in data["rsvps"]] == ["not_going"]
    assert [u["country"] for u in data["updates_written"]] == ["GR"]
    assert data["update_edits"] == []
    text = content.decode("utf-8")
    for other in (PORTUGUESE, "Portuguese partner", "Lisbon", COORDINATOR):
        assert other not in text


@pytest.mark.parametrize("line", ["my-data", "mydata", "my data", "my_data", "my-dta", "MY-DATA"])
def test_the_ways_members_type_it(workspace: LocalWorkspace, line: str) -> None:
    reply = ask(workspace, PORTUGUESE, line)
    assert "on its way" in reply.ack_text
    data, _ = exported(workspace, PORTUGUESE)
    assert data["member"] == PORTUGUESE


def test_no_one_gets_another_members_data(workspace: LocalWorkspace) -> None:
    reply = ask(workspace, COORDINATOR, f"my-data <@{GREEK}|greek>")
    assert "You can only ask for your own data" in reply.ack_text
    assert workspace.emulator.files() == []
    mine = ask(workspace, GREEK, f"my-data <@{GREEK}|greek>")
    assert "on its way" in mine.ack_text


def test_a_far_slip_gets_a_did_you_mean(workspace: LocalWorkspace) -> None:
    reply = ask(workspace, PORTUGUESE, "my-datum")
    assert "Did you mean `/consortium my-data`?" in reply.ack_text
    assert workspace.emulator.files() == []


def test_a_stranger_gets_the_doors_answer(workspace: LocalWorkspace) -> None:
    reply = ask(workspace, "U0STRANGER")
    assert "not in the CapaCITIES member list" in reply.ack_text
    assert workspace.emulator.files() == []


def test_a_failed_upload_is_told_and_asking_again_works(workspace: LocalWorkspace) -> None:
    workspace.emulator.inject_fault(
        "files.completeUploadExternal", status=200, error="not_allowed_token_type"
    )
    reply = ask(workspace, PORTUGUESE)
    assert "on its way" in reply.ack_text
    (told,) = [c.params for c in reply.calls if c.method == "response_url"]
    assert told["response_type"] == "ephemeral"
    assert "could not be sent to you" in told["text"]
    assert "not_allowed_token_type" in told["text"] and "ask again" in told["text"]
    assert workspace.emulator.files() == []
    ask(workspace, PORTUGUESE)
    data, _ = exported(workspace, PORTUGUESE)
    assert data["member"] == PORTUGUESE


# -- the data-protection officer's command line ------------------------------------------------


@pytest.mark.slow
def test_the_command_line_writes_the_same_file(
    workspace: LocalWorkspace, clock: FixedClock, tmp_path: Path
) -> None:
    a_season_of_work(workspace, clock)
    ask(workspace, PORTUGUESE)
    in_slack, _ = exported(workspace, PORTUGUESE)
    env = {"DATABASE_URL": workspace.database.url}
    written = run_cli("my-data", "U0PT", "-o", "pt.json", cwd=tmp_path, env=env)
    assert written.returncode == 0, written.stderr
    assert "Wrote the data of Portuguese partner (U0PT) to pt.json" in written.stderr
    on_file = json.loads((tmp_path / "pt.json").read_text(encoding="utf-8"))
    assert ISO_UTC.match(on_file.pop("generated_at"))
    in_slack.pop("generated_at")
    assert on_file == in_slack
    again = run_cli("my-data", "U0PT", "-o", "pt.json", cwd=tmp_path, env=env)
    assert again.returncode == 1 and "exists already" in again.stderr
    to_stdout = run_cli("my-data", "U0GR", cwd=tmp_path, env=env)
    assert to_stdout.returncode == 0, to_stdout.stderr
    assert json.loads(to_stdout.stdout)["member"] == GREEK
    unknown = run_cli("my-data", "U0NOBODY", cwd=tmp_path, env=env)
    assert unknown.returncode == 1 and "No member U0NOBODY" in unknown.stderr
    assert unknown.stdout == ""
