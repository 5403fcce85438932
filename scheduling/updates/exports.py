"""Round reports for the deliverable: Markdown and Word grouped by section and country, CSV
and JSON with every field. The JSON export imports back into an empty database unchanged."""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from scheduling.clock import Clock
from scheduling.consortium.directory import CountryRef
from scheduling.errors import FieldError
from scheduling.updates.views import RoundStatus, UpdateView, statuses, to_view
from scheduling.vocabulary import FIELDS, SECTIONS, UpdateField
from storage.db import Database
from storage.models import (
    Consortium,
    Country,
    CountryUpdate,
    Member,
    MemberCountry,
    MemberRoleGrant,
    Round,
    UpdateRevision,
)
from storage.repositories import UnitOfWork

EXPORT_FORMAT = "consortium-bot/round-export"
EXPORT_VERSION = 1
FORMATS = ("md", "docx", "csv", "json")


class ExportError(FieldError):
    """An export or a JSON import that cannot be done; the message says why."""


@dataclass(frozen=True)
class RoundReport:
    consortium: str
    timezone: str
    status: RoundStatus
    updates: tuple[UpdateView, ...]
    authors: dict[str, str]
    revisions: dict[int, list[dict[str, Any]]]
    members: tuple[dict[str, Any], ...]
    countries: tuple[dict[str, str], ...]

    @property
    def title(self) -> str:
        return self.status.round.title


def build_report(database: Database, clock: Clock, round_id: int) -> RoundReport:
    """Everything the round's exports show, read in one transaction."""
    with database.read() as work:
        round_ = work.rounds.get(round_id)
        if round_ is None:
            raise ExportError(f"There is no round #{round_id}.", "round")
        return report_of(work, clock, round_)


def report_of(work: UnitOfWork, clock: Clock, round_: Round) -> RoundReport:
    round_id = round_.id
    (status,) = statuses(work, clock, [round_])
    directory = work.directory
    consortium = directory.consortium()
    found = work.updates.in_rounds([round_id])
    updates = tuple(to_view(u) for u in found)
    revisions = {
        u.id: [
            {
                "editor_id": r.editor_id,
                "edited_at": r.edited_at.isoformat(),
                "changes": r.changes,
            }
            for r in u.revisions
        ]
        for u in found
    }
    people: set[str] = {u.author_id for u in found}
    people |= {r.editor_id for u in found for r in u.revisions}
    members = []
    authors = {}
    for member in sorted(directory.members(sorted(people)), key=lambda m: m.slack_id):
        slack_id = member.slack_id
        authors[slack_id] = member.name
        members.append(
            {
                "slack_id": member.slack_id,
                "name": member.name,
                "timezone": member.timezone,
                "countries": member.country_codes,
                "roles": member.role_names,
            }
        )
    needed = {row.country.code for row in status.countries}
    needed |= {code for member in members for code in member["countries"]}
    countries = tuple(
        {"code": c.code, "name": c.name, "role": c.role}
        for c in directory.countries()
        if c.code in needed
    )
    return RoundReport(
        consortium=consortium.name if consortium else "Consortium",
        timezone=consortium.timezone if consortium else "UTC",
        status=status,
        updates=updates,
        authors=authors,
        revisions=revisions,
        members=tuple(members),
        countries=countries,
    )


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


def to_markdown(report: RoundReport) -> str:
    round_ = report.status.round
    lines = [
        f"# {round_.title}",
        "",
        f"{report.consortium} · opened {round_.opens_on:%Y-%m-%d} · due {round_.due_on:%Y-%m-%d}"
        + (" · closed" if round_.closed else ""),
        "",
        "## Summary",
        "",
        "| Country | Status | Submitted | Updates |",
        "|---|---|---|---|",
    ]
    for row in report.status.countries:
        lines.append(
            f"| {row.country.name} ({row.country.code}) | {row.state} | "
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
            lines += ["", f"### {country.name}", ""]
            for update in updates:
                lines.append(update.fields[section].strip())
                lines.append("")
            lines.pop()
    return "\n".join(lines) + "\n"


def to_docx(report: RoundReport) -> bytes:
    from docx import Document

    round_ = report.status.round
    document = Document()
    document.add_heading(round_.title, level=0)
    document.add_paragraph(
        f"{report.consortium} · opened {round_.opens_on:%Y-%m-%d} · due {round_.due_on:%Y-%m-%d}"
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
            f"{row.country.name} ({row.country.code})",
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
            document.add_heading(country.name, level=2)
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
    writer = csv.writer(buffer, lineterminator="\n")
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


def import_json(database: Database, clock: Clock, text: str) -> str:
    """Load a round exported as JSON; refuses a round whose title already exists."""
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise ExportError(f"not JSON: {error}") from None
    if not isinstance(document, dict) or document.get("format") != EXPORT_FORMAT:
        raise ExportError(f"not a round export (its 'format' is not {EXPORT_FORMAT!r})")
    if document.get("version") != EXPORT_VERSION:
        raise ExportError(f"export version {document.get('version')!r} is not supported")
    try:
        return _load(database, clock, document)
    except (KeyError, TypeError, ValueError) as error:
        raise ExportError(f"the export is incomplete or damaged: {error!r}") from None


def _load(database: Database, clock: Clock, document: dict[str, Any]) -> str:
    round_data = document["round"]
    with database.write() as work:
        directory = work.directory
        if work.rounds.by_title(round_data["title"]) is not None:
            raise ExportError(f"a round called “{round_data['title']}” already exists", "round")
        if directory.consortium() is None:
            directory.add(
                Consortium(id=1, name=document["consortium"], timezone=document["timezone"])
            )
        for country in document["countries"]:
            if directory.country(country["code"]) is None:
                directory.add(
                    Country(code=country["code"], name=country["name"], role=country["role"])
                )
        work.flush()
        for member in document["members"]:
            if directory.member(member["slack_id"]) is None:
                added = Member(
                    slack_id=member["slack_id"], name=member["name"], timezone=member["timezone"]
                )
                added.countries = [
                    MemberCountry(country_code=c, position=i)
                    for i, c in enumerate(member["countries"])
                ]
                added.roles = [MemberRoleGrant(role=r) for r in member["roles"]]
                directory.add(added)
        round_ = Round(
            title=round_data["title"],
            opens_on=date.fromisoformat(round_data["opens_on"]),
            due_on=date.fromisoformat(round_data["due_on"]),
            audience=round_data["audience"],
            sections=list(round_data["sections"]),
            closed_at=clock.now() if round_data["closed"] else None,
            created_at=clock.now(),
        )
        work.rounds.add(round_)
        for entry in document["updates"]:
            update = CountryUpdate(
                country_code=entry["country_code"],
                round_id=round_.id,
                author_id=entry["author_id"],
                created_at=datetime.fromisoformat(entry["created_at"]),
                updated_at=datetime.fromisoformat(entry["updated_at"]),
                posted_channel=entry.get("posted_channel"),
                posted_ts=entry.get("posted_ts"),
                **{str(name): entry["fields"].get(name, "") for name in FIELDS},
            )
            update.revisions = [
                UpdateRevision(
                    editor_id=r["editor_id"],
                    edited_at=datetime.fromisoformat(r["edited_at"]),
                    changes=r["changes"],
                )
                for r in entry["revisions"]
            ]
            work.add(update)
        return f"round “{round_.title}” with {len(document['updates'])} updates"
