"""A round's report as documents for the deliverable: Markdown and Word grouped by section
and country, CSV and JSON with every field.

Partner text is data in every format: Markdown cannot gain headings, links or HTML from it,
a spreadsheet runs none of it as a formula, and Word gets no character it cannot hold.
"""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date

from scheduling.consortium.directory import CountryRef
from scheduling.updates.exports import EXPORT_FORMAT, EXPORT_VERSION, ExportError, RoundReport
from scheduling.updates.views import UpdateView
from scheduling.vocabulary import FIELDS, SECTIONS, UpdateField

FORMATS = ("md", "docx", "csv", "json")


def _by_country(report: RoundReport) -> list[tuple[CountryRef, list[UpdateView]]]:
    grouped: dict[str, list[UpdateView]] = {}
    for update in report.updates:
        grouped.setdefault(update.country.code, []).append(update)
    return [
        (row.country, grouped[row.country.code])
        for row in report.status.countries
        if row.country.code in grouped
    ]


# The report's sections, in the order the deliverable lists them.
_REPORTED = (*SECTIONS, UpdateField.NOTE, UpdateField.LINKS)


def _submitted(value: date | None) -> str:
    return f"{value:%Y-%m-%d}" if value else "—"


# What makes markup anywhere in a line: emphasis, code, links and images, raw HTML and
# autolinks (which open with `<`), tables, strikethrough, and `&` where it starts an entity.
_MD_INLINE = re.compile(r"([\\`*_\[\]<|~]|&(?=#?\w+;))")
# What makes a block of a line's start: headings, quotes, setext underlines.
_MD_BLOCK_START = re.compile(r"^(\s*)([#>=])")
# A partner's list item (`- `, `* `, `1. `) stays one: lists restructure nothing.
_MD_LIST_ITEM = re.compile(r"^(\s*(?:[-+*]|\d{1,9}[.)])\s+)(.*)$")
# A line of only `-`, `*`, `_` or `=` would be a rule, or turn the line above into a heading.
_MD_RULE = re.compile(r"^\s*([-*_=])[\s\-*_=]*$")


def _md_line(line: str) -> str:
    if _MD_RULE.match(line):
        return _MD_INLINE.sub(r"\\\1", line).replace("-", "\\-").replace("=", "\\=")
    item = _MD_LIST_ITEM.match(line)
    marker, rest = (item[1], item[2]) if item else ("", line)
    escaped = _MD_INLINE.sub(r"\\\1", rest)
    return marker + _MD_BLOCK_START.sub(r"\1\\\2", escaped, count=1)


def _md(text: str) -> str:
    """Partner text shown as itself in Markdown (CommonMark and GitHub's): its lines and
    list items kept, and every character that would make other markup escaped, so it forges
    no section, link or HTML."""
    lines = text.split("\n")
    shown = []
    for index, line in enumerate(lines):
        escaped = _md_line(line)
        following = lines[index + 1] if index + 1 < len(lines) else ""
        # A backslash at the end of a line keeps the partner's line break (not at a block end).
        if line.strip() and following.strip() and not _MD_LIST_ITEM.match(following):
            escaped += "\\"
        shown.append(escaped)
    return "\n".join(shown)


def to_markdown(report: RoundReport) -> str:
    round_ = report.status.round
    lines = [
        f"# {_md(round_.title)}",
        "",
        f"{_md(report.consortium)} · opened {round_.opens_on:%Y-%m-%d} · due {round_.due_on:%Y-%m-%d}"
        + (" · closed" if round_.closed else ""),
        "",
        "## Summary",
        "",
        "| Country | Status | Submitted | Updates |",
        "|---|---|---|---|",
    ]
    for row in report.status.countries:
        lines.append(
            f"| {_md(row.country.name)} ({row.country.code}) | {row.state} | "
            f"{_submitted(row.submitted_on)} | {row.updates} |"
        )
    grouped = _by_country(report)
    for section in _REPORTED:
        entries = [
            (country, [u for u in updates if u.fields.get(section, "").strip()])
            for country, updates in grouped
        ]
        entries = [(c, u) for c, u in entries if u]
        if not entries:
            continue
        lines += ["", f"## {section.label}"]
        for country, updates in entries:
            lines += ["", f"### {_md(country.name)}", ""]
            for update in updates:
                lines.append(_md(update.fields[section].strip()))
                lines.append("")
            lines.pop()
    return "\n".join(lines) + "\n"


def to_docx(report: RoundReport) -> bytes:
    from docx import Document

    round_ = report.status.round
    document = Document()
    document.add_heading(_xml_safe(round_.title), level=0)
    document.add_paragraph(
        f"{_xml_safe(report.consortium)} · opened {round_.opens_on:%Y-%m-%d} · due {round_.due_on:%Y-%m-%d}"
        + (" · closed" if round_.closed else "")
    )
    document.add_heading("Summary", level=1)
    table = document.add_table(rows=1, cols=4)
    table.style = "Light Grid Accent 1"
    for cell, text in zip(
        table.rows[0].cells, ("Country", "Status", "Submitted", "Updates"), strict=True
    ):
        cell.text = text
    for row in report.status.countries:
        cells = table.add_row().cells
        values = (
            f"{_xml_safe(row.country.name)} ({row.country.code})",
            row.state,
            _submitted(row.submitted_on),
            str(row.updates),
        )
        for cell, text in zip(cells, values, strict=True):
            cell.text = text
    grouped = _by_country(report)
    for section in _REPORTED:
        entries = [(c, [u for u in ups if u.fields.get(section, "").strip()]) for c, ups in grouped]
        entries = [(c, u) for c, u in entries if u]
        if not entries:
            continue
        document.add_heading(section.label, level=1)
        for country, updates in entries:
            document.add_heading(_xml_safe(country.name), level=2)
            for update in updates:
                for paragraph in update.fields[section].strip().split("\n"):
                    document.add_paragraph(_xml_safe(paragraph))
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xml_safe(text: str) -> str:
    """Word cannot hold control characters (e.g. a pasted vertical tab): make them spaces."""
    return _XML_ILLEGAL.sub(" ", text)


def _cell(value: object) -> object:
    """Spreadsheets run cells starting with = + - @ as formulas: keep partner text as text."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


CSV_COLUMNS = (
    "id", "round_id", "round_title", "country_code", "country_name", "author_id", "author_name",
    "created_at", "updated_at", "revisions", *FIELDS,
)  # fmt: skip


def to_csv(report: RoundReport) -> str:
    buffer = io.StringIO()
    # CRLF, as RFC 4180 says: the writer then quotes every value holding a CR or LF, so a
    # bare CR in partner text starts no row (and no formula) in a spreadsheet.
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for update in report.updates:
        writer.writerow(
            _cell(value)
            for value in [
                update.id,
                report.status.round.id,
                report.title,
                update.country.code,
                update.country.name,
                update.author_id,
                report.authors.get(update.author_id, ""),
                update.created_at.isoformat(),
                update.updated_at.isoformat(),
                update.revisions,
                *(update.fields.get(name, "") for name in FIELDS),
            ]
        )
    return buffer.getvalue()


def to_json(report: RoundReport) -> str:
    round_ = report.status.round
    document = {
        "format": EXPORT_FORMAT,
        "version": EXPORT_VERSION,
        "consortium": report.consortium,
        "timezone": report.timezone,
        "round": {
            "id": round_.id,
            "title": round_.title,
            "opens_on": round_.opens_on.isoformat(),
            "due_on": round_.due_on.isoformat(),
            "audience": round_.audience.stored(),
            "sections": [str(s) for s in round_.sections],
            "closed": round_.closed,
        },
        "countries": list(report.countries),
        "members": list(report.members),
        "updates": [
            {
                "id": update.id,
                "country_code": update.country.code,
                "author_id": update.author_id,
                "author_name": report.authors.get(update.author_id, ""),
                "created_at": update.created_at.isoformat(),
                "updated_at": update.updated_at.isoformat(),
                "posted_channel": update.posted_channel,
                "posted_ts": update.posted_ts,
                "fields": {str(name): update.fields.get(name, "") for name in FIELDS},
                "revisions": report.revisions.get(update.id, []),
            }
            for update in report.updates
        ],
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def render(report: RoundReport, format_name: str) -> bytes:
    if format_name == "md":
        return to_markdown(report).encode()
    if format_name == "docx":
        return to_docx(report)
    if format_name == "csv":
        return to_csv(report).encode()
    if format_name == "json":
        return to_json(report).encode()
    raise ExportError(f"unknown format {format_name!r}: choose {', '.join(FORMATS)}")
