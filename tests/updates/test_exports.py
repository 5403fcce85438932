"""Round reports: Markdown and Word for the deliverable, CSV and JSON with every field, and
the JSON export imported back into an empty database without loss."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import docx
import pytest
from markdown_it import MarkdownIt

from scheduling.clock import FixedClock
from scheduling.consortium.directory import DirectoryService
from scheduling.consortium.file import load_consortium_file
from scheduling.consortium.importer import import_consortium
from scheduling.updates.documents import CSV_COLUMNS, render, to_json
from scheduling.updates.exports import ExportError, RoundReport, build_report, import_json
from scheduling.updates.rounds import RoundService
from scheduling.updates.service import UpdateDraft, UpdateService
from storage.db import Database
from storage.migrate import upgrade
from tests.support import EXAMPLE_FILE, run_cli

TRICKY = 'Cluj-Napoca, Türkiye; "quotes", commas\nsecond line & <tags>'


def _seeded(database: Database, clock: FixedClock) -> int:
    import_consortium(database, load_consortium_file(EXAMPLE_FILE), clock)
    directory = DirectoryService(database)
    rounds = RoundService(database, clock)
    updates = UpdateService(database, clock)
    portugal, finland, coordinator = (directory.profile(u) for u in ("U0PT", "U0FI", "U0COORD1"))
    assert portugal and finland and coordinator
    opened = rounds.open(coordinator, "Action Plan 2026", date(2024, 1, 20), ["PT", "FI", "TR"])
    first = updates.submit(
        portugal,
        UpdateDraft("PT", opened.round.id, {"achievements": TRICKY, "needs": "Templates"}),
    ).update
    clock.advance(timedelta(days=30))
    updates.submit(
        finland,
        UpdateDraft(
            "FI", opened.round.id, {"challenges": "Staffing", "links": "https://x.example"}
        ),
    )
    updates.edit(coordinator, first.id, {"achievements": TRICKY + " (edited)"})
    return opened.round.id


def test_markdown_is_grouped_by_section_and_country(
    sqlite_database: Database, clock: FixedClock
) -> None:
    round_id = _seeded(sqlite_database, clock)
    report = render(build_report(sqlite_database, clock, round_id), "md").decode()
    assert report.splitlines()[0] == "# Action Plan 2026"
    assert "| Country | Status | Submitted | Updates |" in report
    assert "| Finland (FI) | late | 2024-02-01 | 1 |" in report
    assert "| Portugal (PT) | submitted | 2024-01-02 | 1 |" in report
    assert "| Türkiye (TR) | missing, overdue | — | 0 |" in report
    shown = _markdown_html(report)
    assert "<h2>Achievements</h2>\n<h3>Portugal</h3>" in shown
    assert (
        "<p>Cluj-Napoca, Türkiye; &quot;quotes&quot;, commas<br />\n"
        "second line &amp; &lt;tags&gt; (edited)</p>"
    ) in shown
    assert (
        report.index("## Achievements") < report.index("## Challenges") < report.index("## Needs")
    )


def _report_with(database: Database, clock: FixedClock, fields: dict[str, str]) -> RoundReport:
    """The seeded round's report once Portugal has also posted an update with `fields`."""
    round_id = _seeded(database, clock)
    portugal = DirectoryService(database).profile("U0PT")
    assert portugal is not None
    UpdateService(database, clock).submit(portugal, UpdateDraft("PT", round_id, fields))
    return build_report(database, clock, round_id)


def _markdown_html(text: str) -> str:
    """The report as GitHub-flavoured CommonMark renders it (markdown-it, not our code)."""
    return MarkdownIt("commonmark").enable("table").enable("strikethrough").render(text)


def test_partner_text_forges_no_section_link_or_html_in_markdown(
    sqlite_database: Database, clock: FixedClock
) -> None:
    forged = (
        "### Finland\nAll fine here.\n<script>alert(1)</script>\n"
        "[minutes](javascript:alert(1)) <https://evil.example>\nFake\n===\n```\n"
        "- a real list item\n- # not a heading"
    )
    report = _report_with(sqlite_database, clock, {"challenges": forged})
    shown = _markdown_html(render(report, "md").decode())
    challenges = shown[shown.index("<h2>Challenges</h2>") : shown.index("<h2>Needs")]
    assert re.findall(r"<h\d>(.*?)</h\d>", challenges) == ["Challenges", "Finland", "Portugal"]
    assert "<script" not in shown and "<a " not in shown and "<pre" not in shown
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in challenges
    assert "<li>a real list item</li>" in challenges
    assert "<li># not a heading</li>" in challenges


def test_word_report_has_the_same_content(sqlite_database: Database, clock: FixedClock) -> None:
    round_id = _seeded(sqlite_database, clock)
    document = docx.Document(
        io.BytesIO(render(build_report(sqlite_database, clock, round_id), "docx"))
    )
    paragraphs = [p.text for p in document.paragraphs]
    assert paragraphs[0] == "Action Plan 2026"
    assert "Achievements" in paragraphs and "Portugal" in paragraphs
    assert "second line & <tags> (edited)" in paragraphs
    table = document.tables[0]
    assert [c.text for c in table.rows[0].cells] == ["Country", "Status", "Submitted", "Updates"]
    assert len(table.rows) == 4


def test_csv_carries_every_field(sqlite_database: Database, clock: FixedClock) -> None:
    round_id = _seeded(sqlite_database, clock)
    rows = list(
        csv.DictReader(
            io.StringIO(render(build_report(sqlite_database, clock, round_id), "csv").decode())
        )
    )
    assert list(rows[0]) == list(CSV_COLUMNS)
    portugal = next(r for r in rows if r["country_code"] == "PT")
    assert portugal["achievements"] == TRICKY + " (edited)"
    assert portugal["revisions"] == "1"
    assert portugal["author_name"] == "Portuguese partner"


def _without_ids(text: str) -> dict[str, object]:
    document = json.loads(text)
    document["round"].pop("id")
    for update in document["updates"]:
        update.pop("id")
    return document


def test_the_json_export_imports_into_an_empty_database_without_loss(
    tmp_path: Path, database: Database, clock: FixedClock
) -> None:
    source = Database.connect(f"sqlite:///{tmp_path / 'source.db'}")
    upgrade(source.engine)
    round_id = _seeded(source, clock)
    exported = to_json(build_report(source, clock, round_id))
    assert import_json(database, clock, exported) == "round “Action Plan 2026” with 2 updates"
    imported_round = RoundService(database, clock).resolve("Action Plan 2026")
    again = to_json(build_report(database, clock, imported_round.id))
    assert _without_ids(again) == _without_ids(exported)
    with pytest.raises(ExportError, match="already exists"):
        import_json(database, clock, exported)
    source.dispose()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{", "not JSON"),
        ('{"format": "other"}', "not a round export"),
        ('{"format": "consortium-bot/round-export", "version": 1}', "incomplete"),
    ],
)
def test_a_bad_json_file_is_refused_clearly(
    sqlite_database: Database, clock: FixedClock, text: str, message: str
) -> None:
    with pytest.raises(ExportError, match=message):
        import_json(sqlite_database, clock, text)


@pytest.mark.slow
def test_cli_export_and_import_json(tmp_path: Path, clock: FixedClock) -> None:

    database = Database.connect(f"sqlite:///{tmp_path / 'a.db'}")
    upgrade(database.engine)
    clock.set(datetime.now(UTC) - timedelta(days=1))
    round_id = _seeded(database, FixedClock(datetime(2024, 1, 2, tzinfo=UTC)))
    database.dispose()
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'a.db'}"}
    markdown = run_cli("export", "--round", str(round_id), "--format", "md", cwd=tmp_path, env=env)
    assert markdown.returncode == 0, markdown.stderr
    assert markdown.stdout.startswith("# Action Plan 2026")
    written = run_cli(
        "export",
        "--round",
        "Action Plan 2026",
        "--format",
        "json",
        "-o",
        "r.json",
        cwd=tmp_path,
        env=env,
    )
    assert written.returncode == 0, written.stderr
    into = {"DATABASE_URL": f"sqlite:///{tmp_path / 'b.db'}"}
    loaded = run_cli("import", "r.json", cwd=tmp_path, env=into)
    assert loaded.returncode == 0, loaded.stderr
    assert "round “Action Plan 2026” with 2 updates" in loaded.stdout
    word = run_cli(
        "export", "--round", "Action Plan 2026", "--format", "docx", cwd=tmp_path, env=into
    )
    assert word.returncode == 0, word.stderr
    assert (tmp_path / "action-plan-2026.docx").exists()
    missing = run_cli("export", "--round", "Nope", cwd=tmp_path, env=into)
    assert missing.returncode == 1
    assert "There is no round 'Nope'" in missing.stderr


def test_regression_csv_cells_are_never_formulas_and_word_survives_control_characters(
    sqlite_database: Database, clock: FixedClock
) -> None:
    report = _report_with(
        sqlite_database, clock, {"challenges": '=HYPERLINK("https://evil")\x0bsoft break'}
    )
    rows = list(csv.DictReader(io.StringIO(render(report, "csv").decode(), newline="")))
    assert any(r["challenges"].startswith("'=HYPERLINK") for r in rows)
    document = docx.Document(io.BytesIO(render(report, "docx")))
    assert any("soft break" in p.text for p in document.paragraphs)


def test_a_bare_carriage_return_starts_no_row_and_no_formula(
    sqlite_database: Database, clock: FixedClock
) -> None:
    report = _report_with(sqlite_database, clock, {"needs": "budget\r=1+1\r@SUM(A1)"})
    text = render(report, "csv").decode()
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert len(rows) == 1 + 3  # the header and three updates
    assert all(len(row) == len(CSV_COLUMNS) for row in rows)
    assert '"budget\r=1+1\r@SUM(A1)"' in text  # quoted: one cell in any spreadsheet


def test_control_characters_in_a_round_title_still_make_a_word_file(
    sqlite_database: Database, clock: FixedClock
) -> None:
    import_consortium(sqlite_database, load_consortium_file(EXAMPLE_FILE), clock)
    coordinator = DirectoryService(sqlite_database).profile("U0COORD1")
    assert coordinator is not None
    opened = RoundService(sqlite_database, clock).open(
        coordinator, "Plan\x01 2026\x1b", date(2024, 1, 20), ["PT"]
    )
    report = build_report(sqlite_database, clock, opened.round.id)
    document = docx.Document(io.BytesIO(render(report, "docx")))
    assert document.paragraphs[0].text == "Plan  2026 "
