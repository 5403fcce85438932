"""An occurrence's record and a period's register as documents: Markdown, Word and CSV, with
the round export's safeguards (partner text forges no Markdown, runs as no spreadsheet
formula, and holds no character Word cannot)."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from scheduling.attendance.record import OccurrenceRecord, Register, period_words
from scheduling.updates.documents import _cell, _md, _xml_safe
from scheduling.updates.exports import ExportError

FORMATS = ("md", "docx", "csv")
EVIDENCE_COLUMNS = ("Date", "Event", "Country", "Organisation", "Attendees")
REGISTER_COLUMNS = ("Date", "Kind", "Title", "Attendees", "Countries")


def _evidence(record: OccurrenceRecord) -> list[list[str]]:
    return [
        [f"{r.day:%Y-%m-%d}", r.event, r.country, r.organisation, str(r.attendees)]
        for r in record.evidence
    ]


def _register(register: Register) -> list[list[str]]:
    return [
        [f"{r.day:%Y-%m-%d}", r.kind, r.title, str(r.attendees), ", ".join(r.countries)]
        for r in register.rows
    ]


def _md_table(columns: Sequence[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    lines += [
        "| " + " | ".join(_md(cell).replace("\n", " ") for cell in row) + " |" for row in rows
    ]
    return lines


def _title(record: OccurrenceRecord) -> str:
    occurrence = record.occurrence
    return f"{record.series.title} — {occurrence.local_date:%Y-%m-%d}"


def record_markdown(record: OccurrenceRecord) -> str:
    occurrence = record.occurrence
    lines = [
        f"# {_md(_title(record))}",
        "",
        f"{_md(record.consortium)} · {record.series.kind.label} #{record.series.id} · "
        f"{occurrence.start_local:%Y-%m-%d %H:%M} ({record.series.timezone})",
        "",
        "## Agenda",
        "",
        _md(record.agenda.strip()) if record.agenda.strip() else "No agenda recorded.",
        "",
        "## Attendance",
        "",
    ]
    if record.evidence:
        lines += _md_table(EVIDENCE_COLUMNS, _evidence(record))
        lines += ["", f"{record.attendees} attendees in all."]
    else:
        lines.append("No attendance recorded.")
    lines += ["", "## Minutes, notes, recordings and slides", ""]
    lines += [f"- {kind}: <{url}>" for kind, url in record.links] or ["None linked."]
    lines += ["", "## Action items", ""]
    lines += [
        f"- {_md(a.text)} ({_md(a.owner) or 'unassigned'}"
        + (f", due {a.due:%Y-%m-%d}" if a.due else "")
        + f", {a.status})"
        for a in record.actions
    ] or ["None."]
    return "\n".join(lines) + "\n"


def register_markdown(register: Register) -> str:
    lines = [
        f"# Meetings, webinars and workshops: {period_words(register)}",
        "",
        f"{_md(register.consortium)} · {len(register.rows)} held",
        "",
    ]
    lines += _md_table(REGISTER_COLUMNS, _register(register)) if register.rows else ["None held."]
    return "\n".join(lines) + "\n"


def _csv(columns: Sequence[str], rows: list[list[str]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow(_cell(value) for value in row)
    return buffer.getvalue()


def _docx_table(document: object, columns: Sequence[str], rows: list[list[str]]) -> None:
    table = document.add_table(rows=1, cols=len(columns))  # type: ignore[attr-defined]
    table.style = "Light Grid Accent 1"
    for cell, text in zip(table.rows[0].cells, columns, strict=True):
        cell.text = text
    for row in rows:
        for cell, text in zip(table.add_row().cells, row, strict=True):
            cell.text = _xml_safe(text)


def record_docx(record: OccurrenceRecord) -> bytes:
    from docx import Document

    document = Document()
    document.add_heading(_xml_safe(_title(record)), level=0)
    document.add_paragraph(
        _xml_safe(f"{record.consortium} · {record.series.kind.label} #{record.series.id}")
    )
    document.add_heading("Agenda", level=1)
    for line in (record.agenda.strip() or "No agenda recorded.").split("\n"):
        document.add_paragraph(_xml_safe(line))
    document.add_heading("Attendance", level=1)
    if record.evidence:
        _docx_table(document, EVIDENCE_COLUMNS, _evidence(record))
    else:
        document.add_paragraph("No attendance recorded.")
    document.add_heading("Minutes, notes, recordings and slides", level=1)
    for kind, url in record.links or [("", "None linked.")]:
        document.add_paragraph(_xml_safe(f"{kind}: {url}" if kind else url))
    document.add_heading("Action items", level=1)
    for action in record.actions:
        due = f", due {action.due:%Y-%m-%d}" if action.due else ""
        owner = action.owner or "unassigned"
        document.add_paragraph(_xml_safe(f"{action.text} ({owner}{due}, {action.status})"))
    if not record.actions:
        document.add_paragraph("None.")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def register_docx(register: Register) -> bytes:
    from docx import Document

    document = Document()
    document.add_heading(f"Meetings, webinars and workshops: {period_words(register)}", level=0)
    document.add_paragraph(_xml_safe(f"{register.consortium} · {len(register.rows)} held"))
    _docx_table(document, REGISTER_COLUMNS, _register(register))
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def render_record(record: OccurrenceRecord, format_name: str) -> bytes:
    """The occurrence's record; CSV holds its evidence table (the rest is prose)."""
    if format_name == "md":
        return record_markdown(record).encode()
    if format_name == "docx":
        return record_docx(record)
    if format_name == "csv":
        return _csv(EVIDENCE_COLUMNS, _evidence(record)).encode()
    raise ExportError(f"a meeting's record is written as {', '.join(FORMATS)}", "format")


def render_register(register: Register, format_name: str) -> bytes:
    if format_name == "md":
        return register_markdown(register).encode()
    if format_name == "docx":
        return register_docx(register)
    if format_name == "csv":
        return _csv(REGISTER_COLUMNS, _register(register)).encode()
    raise ExportError(f"a register is written as {', '.join(FORMATS)}", "format")
