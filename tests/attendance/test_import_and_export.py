"""`consortium-bot attendance import` (a Zoom-like participants report with one guest, then
the same report again) and `consortium-bot export` of the first jour fixe's record (md, csv,
docx, opened with python-docx) and of January 2024's register; and a Teams-like report read."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from docx import Document

from bot.local.workspace import LocalWorkspace
from scheduling.attendance.reports import Participant, read_participants
from scheduling.clock import FixedClock
from tests.support import run_cli

ZOOM_REPORT = (
    "\ufeffName (Original Name),User Email,Join Time,Leave Time,Duration (Minutes),Guest\n"
    "PORTUGUESE partner,,01/04/2024 10:01:02 AM,01/04/2024 11:00:00 AM,59,No\n"
    "Mika (Finnish Partner),mika@uni.example.fi,01/04/2024 10:00:00 AM,01/04/2024 11:00:00 AM,60,No\n"
    "Jana Nováková,jana@city.example.cz,01/04/2024 10:05:00 AM,01/04/2024 10:55:00 AM,50,Yes\n"
    "Portuguese Partner,,01/04/2024 10:30:00 AM,01/04/2024 11:00:00 AM,30,No\n"
)

TEAMS_REPORT = (
    "1. Summary\n"
    "Meeting title;Jour fixe\n"
    "Attended participants;2\n"
    "\n"
    "2. Participants\n"
    "Name;First Join;Last Leave;Email;Role\n"
    "Ana Silva;1/4/24, 10:00:00 AM;1/4/24, 11:00:00 AM;ana@example.pt;Attendee\n"
    "Péter Kovács;1/4/24, 10:00:00 AM;1/4/24, 11:00:00 AM;;Presenter\n"
    "\n"
    "3. In-Meeting activities\n"
)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(datetime(2024, 1, 5, 9, 0, tzinfo=UTC))


def test_a_teams_report_is_read_past_its_summary() -> None:
    assert read_participants(TEAMS_REPORT.encode("utf-8-sig")) == [
        Participant("Ana Silva", "ana@example.pt"),
        Participant("Péter Kovács", None),
    ]


@pytest.mark.slow
def test_import_a_participants_report_then_export_the_record(
    workspace: LocalWorkspace, tmp_path: Path
) -> None:
    env = {"DATABASE_URL": workspace.database.url}
    report = tmp_path / "participants.csv"
    report.write_text(ZOOM_REPORT, encoding="utf-8")
    first = run_cli("attendance", "import", "1", "2024-01-04", str(report), cwd=tmp_path, env=env)
    assert first.returncode == 0, first.stderr
    assert first.stdout.strip() == (
        "2 members matched (by country FI 1, PT 1), 1 guest: Jana Nováková."
    )
    again = run_cli("attendance", "import", "1", "2024-01-04", str(report), cwd=tmp_path, env=env)
    assert again.returncode == 0, again.stderr
    assert again.stdout.strip() == "0 members matched, 0 guests; 3 already recorded."
    counts = workspace.services.attendance.counts(1, datetime(2024, 1, 4, 10, 0))
    assert counts.by_country == {"FI": 1, "PT": 1} and counts.guests == 1

    who = workspace.command("U0COORD1", "/meeting who 1 on 4 Jan 2024")
    assert who.ack_text.startswith("Answers and attendance for Jour fixe of the core countries")
    shown = json.dumps(who.ack, ensure_ascii=False)
    assert (
        "*Portugal* \u2014 No answer: Portuguese partner \u00b7 *Attended:* Portuguese partner"
        in shown
    )
    assert "*Austria* \u2014 No answer: Austrian partner" in shown
    assert "*Attended in all:* 2 members, 1 guests" in shown

    md = run_cli(
        "export", "--meeting", "1", "--on", "2024-01-04", "--format", "md", cwd=tmp_path, env=env
    )
    assert md.returncode == 0, md.stderr
    assert "# Jour fixe of the core countries — 2024-01-04" in md.stdout
    assert "| 2024-01-04 | Jour fixe of the core countries | PT | Portugal | 1 |" in md.stdout
    assert "| 2024-01-04 | Jour fixe of the core countries | — | Guests | 1 |" in md.stdout
    assert "3 attendees in all." in md.stdout

    csv = run_cli(
        "export", "--meeting", "1", "--on", "2024-01-04", "--format", "csv", cwd=tmp_path, env=env
    )
    assert csv.stdout.splitlines() == [
        "Date,Event,Country,Organisation,Attendees",
        "2024-01-04,Jour fixe of the core countries,FI,Finland,1",
        "2024-01-04,Jour fixe of the core countries,PT,Portugal,1",
        "2024-01-04,Jour fixe of the core countries,—,Guests,1",
    ]

    out = tmp_path / "record.docx"
    docx = run_cli(
        "export", "--meeting", "1", "--on", "2024-01-04", "--format", "docx", "--out", str(out),
        cwd=tmp_path, env=env,
    )  # fmt: skip
    assert docx.returncode == 0, docx.stderr
    (table,) = Document(io.BytesIO(out.read_bytes())).tables
    rows = [[cell.text for cell in row.cells] for row in table.rows]
    assert rows[0] == ["Date", "Event", "Country", "Organisation", "Attendees"]
    assert ["2024-01-04", "Jour fixe of the core countries", "PT", "Portugal", "1"] in rows

    register = run_cli(
        "export", "--from", "2024-01-01", "--to", "2024-01-31", "--format", "csv",
        cwd=tmp_path, env=env,
    )  # fmt: skip
    assert register.returncode == 0, register.stderr
    lines = register.stdout.splitlines()
    assert lines[0] == "Date,Kind,Title,Attendees,Countries"
    assert '2024-01-04,Jour fixe,Jour fixe of the core countries,3,"Finland, Portugal"' in lines
    assert any("Online consortium meeting,0," in line for line in lines)
    register_docx = tmp_path / "register.docx"
    run_cli(
        "export", "--from", "2024-01-01", "--to", "2024-01-31", "--format", "docx",
        "--out", str(register_docx), cwd=tmp_path, env=env,
    )  # fmt: skip
    (table,) = Document(io.BytesIO(register_docx.read_bytes())).tables
    assert [c.text for c in table.rows[0].cells] == [
        "Date",
        "Kind",
        "Title",
        "Attendees",
        "Countries",
    ]
    assert len(table.rows) == len(lines)
