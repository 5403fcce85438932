"""Participants reports as Zoom and Teams export them, read liberally: UTF-8 with or without
a BOM, commas, semicolons or tabs, a summary block before the table (Teams), and whichever of
the usual headers name the name and the e-mail columns. Then matched to members: by e-mail
first, then by name (ignoring case and accents); whoever is left is a guest."""

from __future__ import annotations

import csv
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from scheduling.consortium.directory import MemberProfile
from scheduling.errors import FieldError

NAME_HEADERS = ("name (original name)", "name", "full name", "participant", "display name")
EMAIL_HEADERS = ("user email", "email", "e-mail", "email address", "e-mail address")
MAX_PARTICIPANTS = 5000


class ReportError(FieldError):
    """A participants report that cannot be read; the message says why."""


@dataclass(frozen=True)
class Participant:
    name: str
    email: str | None = None


def _column(header: Sequence[str], names: Sequence[str]) -> int | None:
    cleaned = [cell.strip().strip('"').strip().lower() for cell in header]
    for wanted in names:
        if wanted in cleaned:
            return cleaned.index(wanted)
    return None


def _delimiter(line: str) -> str:
    return max(("\t", ";", ","), key=line.count)


def read_participants(content: bytes | str) -> list[Participant]:
    """The participants a report lists, in its order (each once: a person who joined twice
    appears twice in Zoom's report). ReportError when no table with a name column is found."""
    text = content.decode("utf-8-sig", errors="replace") if isinstance(content, bytes) else content
    text = text.lstrip("\ufeff")
    lines = text.splitlines()
    for start, line in enumerate(lines):
        if not line.strip():
            continue
        delimiter = _delimiter(line)
        header = next(csv.reader([line], delimiter=delimiter))
        name_at = _column(header, NAME_HEADERS)
        if name_at is None:
            continue
        email_at = _column(header, EMAIL_HEADERS)
        return _rows(lines[start + 1 :], delimiter, name_at, email_at)
    raise ReportError(
        "no participant table found: the report needs a header row with a name column "
        f"({', '.join(repr(h.title()) for h in NAME_HEADERS[:4])})",
        "file",
    )


def _rows(
    lines: list[str], delimiter: str, name_at: int, email_at: int | None
) -> list[Participant]:
    found: list[Participant] = []
    seen: set[str] = set()
    for row in csv.reader(lines, delimiter=delimiter):
        if not any(cell.strip() for cell in row):
            if found:
                break  # Teams: a blank line ends the table (another section may follow)
            continue
        name = row[name_at].strip() if name_at < len(row) else ""
        # Zoom: "Ana Silva (Ana)" names the original name in brackets; keep the name.
        email = row[email_at].strip() if email_at is not None and email_at < len(row) else ""
        email = email if "@" in email else ""
        if not name and not email:
            continue
        key = email.lower() or fold(name)
        if key in seen:
            continue
        seen.add(key)
        found.append(Participant(name, email or None))
        if len(found) > MAX_PARTICIPANTS:
            raise ReportError(
                f"more than {MAX_PARTICIPANTS} participants: is this the right file?", "file"
            )
    return found


def fold(name: str) -> str:
    """A name compared ignoring case, accents and spacing: `Ana  Silva` = `ana silva`."""
    decomposed = unicodedata.normalize("NFKD", name)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(plain.casefold().split())


def _without_bracket(name: str) -> str:
    """Zoom's `Name (original name)` column: `Ana (Ana Silva)` -> `Ana`."""
    return name.split(" (", 1)[0] if name.endswith(")") else name


def match_participants(
    participants: Sequence[Participant], members: Sequence[MemberProfile]
) -> list[tuple[Participant, MemberProfile | None]]:
    """Each participant with the member they are (by e-mail, then by name) or None (a guest);
    a member matched twice counts once."""
    by_email = {m.email.strip().lower(): m for m in members if m.email}
    by_name = {fold(m.name): m for m in members}
    matched: list[tuple[Participant, MemberProfile | None]] = []
    taken: set[str] = set()
    for participant in participants:
        member = by_email.get((participant.email or "").lower())
        if member is None:
            names = {fold(participant.name), fold(_without_bracket(participant.name))}
            if "(" in participant.name:
                names.add(fold(participant.name.split("(", 1)[1].rstrip(")")))
            member = next((by_name[n] for n in names if n in by_name), None)
        if member is not None:
            if member.slack_id in taken:
                continue
            taken.add(member.slack_id)
        matched.append((participant, member))
    return matched
