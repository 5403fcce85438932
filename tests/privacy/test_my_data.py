"""`/consortium my-data` through signed requests: a member's JSON file and summary in their
DM hold their RSVP, attendance, updates with their history, actions and the DMs sent to
them; nothing of another member; every row any column of `people.MEMBER_ID_COLUMNS` names
the member by is in the file; a failed upload is told and can be asked again; the
data-protection officer's command line writes the same file."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from bot.core import ids
from bot.local.render import render_message
from bot.local.workspace import Exchange, LocalWorkspace
from scheduling.clock import FixedClock
from storage.meeting_records import (
    ActionItem,
    Agenda,
    Attendance,
    OccurrenceLink,
    Topic,
    TopicSupport,
)
from storage.models import (
    AwayPeriod,
    CountryUpdate,
    Delivery,
    Erasure,
    FeedToken,
    Meeting,
    Round,
    Rsvp,
    UpdateRevision,
)
from storage.repositories.people import MEMBER_ID_COLUMNS
from tests.support import run_cli

PORTUGUESE = "U0PT"
GREEK = "U0GR"
COORDINATOR = "U0COORD1"
JOUR_FIXE_CHANNEL = "C0JOURFIXE"
NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
ISO_UTC = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(NOW)


def ask(workspace: LocalWorkspace, user: str, line: str = "my-data") -> Exchange:
    return workspace.command(user, f"/consortium {line}")


def exported(workspace: LocalWorkspace, user: str) -> tuple[dict[str, Any], bytes]:
    """The newest file the emulator holds in `user`'s DM with the bot, read as JSON."""
    dm = workspace.emulator.messages(user)[0].channel
    files = [f for f in workspace.emulator.files() if f.channel_id == dm]
    assert files, f"no file in the DM of {user}"
    content = files[-1].content
    return json.loads(content.decode("utf-8")), content


def summary_of(workspace: LocalWorkspace, user: str) -> dict[str, Any]:
    """The last summary posted to `user`'s DM, as Slack accepted it."""
    posts = [
        c
        for c in workspace.emulator.calls("chat.postMessage")
        if c.params.get("channel", "").startswith("D") and "Your data held" in c.params["text"]
    ]
    assert posts and posts[-1].response["ok"], posts[-1].response if posts else "no summary"
    return posts[-1].params


def instants(node: Any, key: str = "") -> list[tuple[str, str]]:
    """Every (key, value) of the file whose key names an instant."""
    found: list[tuple[str, str]] = []
    if isinstance(node, dict):
        for name, value in node.items():
            found += instants(value, name)
    elif isinstance(node, list):
        for value in node:
            found += instants(value, key)
    elif isinstance(node, str) and (key.endswith(("_at", "_since")) or key == "utc"):
        found.append((key, node))
    return found


def _rsvp_value(post: dict[str, Any]) -> str:
    return next(e["value"] for b in post["blocks"] if b["type"] == "actions" for e in b["elements"])


def _edit(workspace: LocalWorkspace, user: str, update_id: int, texts: dict[str, str]) -> None:
    opened = workspace.click(user, ids.UPDATE_EDIT, str(update_id))
    (call,) = [c for c in opened.calls if c.method == "views.open"]
    view = call.response["view"]
    values = LocalWorkspace.fill(view, {f"update_{k}": v for k, v in texts.items()}, None)
    saved = workspace.submit_view(user, view, values)
    assert not (isinstance(saved.ack, dict) and saved.ack.get("response_action") == "errors")


def a_season_of_work(workspace: LocalWorkspace, clock: FixedClock) -> None:
    """The Portuguese partner takes reminders by DM, gets one, answers it, is marked present,
    writes an update and edits it (and a coordinator edits it too), and is given an action;
    the Greek partner does the same things for Greece."""
    for member in (PORTUGUESE, GREEK):
        assert "direct messages" in workspace.command(member, "/consortium remind me dm").ack_text
    clock.set(datetime(2026, 3, 4, 9, 0, tzinfo=UTC))
    workspace.jobs.sweep()
    workspace.executor.wait_idle()
    reminder = next(
        c.params
        for c in workspace.emulator.calls("chat.postMessage")
        if c.params.get("channel") == JOUR_FIXE_CHANNEL and c.response.get("ok")
    )
    value = _rsvp_value(reminder)
    workspace.click(PORTUGUESE, ids.RSVP_ACTIONS["going"], value, channel_id=JOUR_FIXE_CHANNEL)
    workspace.click(GREEK, ids.RSVP_ACTIONS["not_going"], value, channel_id=JOUR_FIXE_CHANNEL)
    clock.set(datetime(2026, 3, 5, 12, 0, tzinfo=UTC))
    marked = workspace.command(COORDINATOR, "/meeting attended 1 on 5 Mar PT GR")
    assert "Marked present" in marked.ack_text, marked.ack_text
    workspace.command(PORTUGUESE, "/update Lisbon's platform went live")
    workspace.command(GREEK, "/update Athens signed the city contract")
    updates = workspace.app_services_updates().recent(limit=5)
    portuguese = next(u for u in updates if u.country.code == "PT")
    _edit(workspace, PORTUGUESE, portuguese.id, {"note": "Lisbon's platform went live in May"})
    _edit(workspace, COORDINATOR, portuguese.id, {"challenges": "Procurement rules"})
    added = workspace.command(PORTUGUESE, '/action add PT "Send the Lisbon roadmap draft"')
    assert "Send the Lisbon roadmap draft" in added.ack_text, added.ack_text
    workspace.command(GREEK, '/action add GR "Translate the Athens contract"')


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


# -- every row that names the member ----------------------------------------------------------

OCCURRENCE = datetime(2026, 3, 5, 10, 0)
SECRET_TOKEN = "feed-token-that-must-never-be-exported"


def every_kind_of_row(workspace: LocalWorkspace, member: str) -> None:
    """One row of each table that names `member`, written as the features would."""
    at = NOW
    with workspace.database.write() as work:
        profile = work.directory.member(member)
        assert profile is not None
        profile.email = "pt.partner@example.org"
        meeting = Meeting(
            uid="mine@example.org", kind="workshop", title="Portuguese workshop",
            starts_local=datetime(2026, 4, 1, 14, 0), timezone="Europe/Lisbon",
            created_at=at, updated_at=at, created_by=member, reminder_minutes=[],
        )  # fmt: skip
        round_ = Round(
            title="Spring round", opens_on=date(2026, 3, 1), due_on=date(2026, 3, 20),
            created_at=at, created_by=member,
        )  # fmt: skip
        update = CountryUpdate(country_code="PT", author_id=member, created_at=at, updated_at=at)
        topic = Topic(
            meeting_id=1, occurrence_local=OCCURRENCE, title="Roadmaps", proposed_by=member,
            country_code="PT", created_at=at,
        )  # fmt: skip
        for row in (meeting, round_, update, topic):
            work.add(row)
        work.flush()
        rows = [
            AwayPeriod(member_id=member, first_day=date(2026, 8, 1), last_day=date(2026, 8, 9),
                       created_at=at),
            FeedToken(token=SECRET_TOKEN, audience="PT", member_id=member, created_at=at),
            UpdateRevision(update_id=update.id, editor_id=member, edited_at=at,
                           changes={"note": ["a", "b"]}),
            Rsvp(meeting_id=1, occurrence_local=OCCURRENCE, member_id=member, answer="maybe",
                 answered_at=at),
            Delivery(key=f"reminder:x:{member}", kind="reminder", channel=member, due_at=at,
                     status="sent", created_at=at, payload={"meeting": 1}),
            Delivery(key=f"mail:x:{member}", kind="mail", channel="PT.Partner@example.org",
                     due_at=at, status="pending", created_at=at,
                     payload={"member": member, "requested_by": COORDINATOR}),
            TopicSupport(topic_id=topic.id, country_code="PT", member_id=member, created_at=at),
            Agenda(meeting_id=1, occurrence_local=OCCURRENCE, published_by=member,
                   published_at=at, updated_at=at, text="1. Roadmaps"),
            Attendance(meeting_id=1, occurrence_local=OCCURRENCE, person_key=member,
                       member_id=member, name="Portuguese partner", source="button",
                       created_at=at),
            Attendance(meeting_id=1, occurrence_local=OCCURRENCE, person_key="guest:ana",
                       name="Ana Guest", source="marked", guest=True, recorded_by=member,
                       created_at=at),
            Attendance(meeting_id=2, occurrence_local=datetime(2026, 3, 10, 9, 30),
                       person_key="guest:pt.partner@example.org", name="PT Partner (Zoom)",
                       email="pt.partner@example.org", source="import", guest=True,
                       created_at=at),
            OccurrenceLink(meeting_id=1, occurrence_local=OCCURRENCE, kind="minutes",
                           url="https://docs.example.org/minutes", added_by=member,
                           created_at=at),
            ActionItem(text="Mine", member_id=member, created_by=COORDINATOR, created_at=at),
            ActionItem(text="Made", country_code="GR", created_by=member, created_at=at),
            ActionItem(text="Closed", country_code="AT", created_by=COORDINATOR,
                       status="done", done_by=member, done_at=at, created_at=at),
            Erasure(erased_at=at, country_codes="GR", requested_by=member),
        ]  # fmt: skip
        for row in rows:
            work.add(row)


def _ids(data: dict[str, Any], *parts: str) -> set[int]:
    return {record["id"] for part in parts for record in data[part]}


# Where each table's rows that name the member are in the file.
IN_THE_FILE = {
    "members": lambda row, data: data["profile"]["slack_id"] == row.slack_id,
    "member_countries": lambda row, data: (
        row.country_code in [c["code"] for c in data["profile"]["countries"]]
    ),
    "member_roles": lambda row, data: row.role in data["profile"]["roles"],
    "feed_tokens": lambda row, data: row.audience in [f["audience"] for f in data["feed_links"]],
    "away_periods": lambda row, data: row.id in _ids(data, "days_away"),
    "meetings": lambda row, data: row.id in _ids(data, "meetings_created"),
    "rounds": lambda row, data: row.id in _ids(data, "rounds_created"),
    "updates": lambda row, data: row.id in _ids(data, "updates_written"),
    "update_revisions": lambda row, data: row.id in _ids(data, "update_edits"),
    "rsvps": lambda row, data: row.id in _ids(data, "rsvps"),
    "deliveries": lambda row, data: row.id in _ids(data, "deliveries"),
    "meeting_topics": lambda row, data: row.id in _ids(data, "topics_proposed"),
    "topic_supports": lambda row, data: row.id in _ids(data, "topics_supported"),
    "agendas": lambda row, data: row.id in _ids(data, "agendas_published"),
    "attendance": lambda row, data: row.id in _ids(data, "attendance", "attendance_recorded"),
    "occurrence_links": lambda row, data: row.id in _ids(data, "links_added"),
    "action_items": lambda row, data: row.id in _ids(data, "action_items"),
    "erasures": lambda row, data: row.id in _ids(data, "erasures_requested"),
}


def test_every_row_any_column_names_the_member_by_is_in_the_file(
    workspace: LocalWorkspace,
) -> None:
    every_kind_of_row(workspace, PORTUGUESE)
    ask(workspace, PORTUGUESE)
    data, content = exported(workspace, PORTUGUESE)
    with workspace.database.read() as work:
        for column in MEMBER_ID_COLUMNS:
            model = column.class_
            table = model.__tablename__
            assert table in IN_THE_FILE, f"{table} names members: say where it is in the file"
            rows = list(work.session.scalars(select(model).where(column == PORTUGUESE)))
            assert rows, f"no {table} row names the member by {column.key}: add one above"
            for row in rows:
                assert IN_THE_FILE[table](row, data), f"{table} row by {column.key} missing"
        mailed = work.session.scalars(select(Delivery).where(Delivery.kind == "mail")).one()
    assert mailed.id in _ids(data, "deliveries")  # addressed by e-mail, any letter case
    imported = [a for a in data["attendance"] if a["source"] == "import"]
    assert [a["email"] for a in imported] == ["pt.partner@example.org"]
    guest = next(a for a in data["attendance_recorded"] if a["attendee"] != "you")
    assert guest["attendee"] == "a guest" and guest["name"] is None
    text = content.decode("utf-8")
    assert SECRET_TOKEN not in text and "Ana Guest" not in text and COORDINATOR not in text
    summary = summary_of(workspace, PORTUGUESE)
    assert len(summary["blocks"]) <= 50


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
