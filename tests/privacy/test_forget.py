"""Erasing a member (`/consortium forget`, `consortium-bot forget`): a Portuguese partner with
a rich history is erased through the confirmation buttons; then no table, export, feed or
digest holds their Slack ID, name or e-mail, while their country's update keeps its text and
reads "a former member of PT"."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlalchemy import select

from bot.cli import main
from bot.composition import compose_domain
from bot.core import ids
from bot.local.workspace import LocalWorkspace
from bot.privacy.forget_cli import forget as forget_on_command_line
from bot.reminders.digest_blocks import digest_messages
from scheduling.actions.items import Assignee
from scheduling.attendance.documents import render_record, render_register
from scheduling.attendance.reports import Participant
from scheduling.clock import FixedClock
from scheduling.consortium.file import load_consortium_file
from scheduling.consortium.importer import import_consortium
from scheduling.errors import FieldError, NotAllowedError
from scheduling.meetings.rsvp import RsvpAnswer
from scheduling.updates.documents import render
from scheduling.updates.views import UpdateDraft
from scheduling.vocabulary import UpdateField
from storage.db import Database
from storage.meeting_records import Agenda
from storage.models import Base, Erasure, FeedToken, Meeting
from storage.repositories.privacy.people import MEMBER_ID_COLUMNS, MEMBER_NAME_COLUMNS
from tests.support import EXAMPLE_FILE, OpenWorkspace, buttons_of, feed_paths, press, web_client

PT = "U0PT"
NAME = "Joana Araújo"
EMAIL = "joana.araujo@fct.example.pt"
COORDINATOR = "U0COORD1"
GREEK = "U0GR"
FORMER = "a former member of PT"
UPDATE_TEXT = "Lisbon and Porto signed the climate city contract."
JOUR_FIXE = datetime(2024, 1, 4, 10, 0)  # its first occurrence, wall clock in Vienna
NEXT_JOUR_FIXE = datetime(2024, 2, 1, 10, 0)


@pytest.fixture
def consortium_file(tmp_path: Path) -> Path:
    """The example consortium, its Portuguese partner with a name and an e-mail address."""
    data = yaml.safe_load(EXAMPLE_FILE.read_text(encoding="utf-8"))
    for member in data["members"]:
        if member["slack_id"] == PT:
            member.update(name=NAME, email=EMAIL)
    path = tmp_path / "consortium.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(datetime(2024, 1, 2, 9, 0, tzinfo=UTC))


@pytest.fixture
def workspace(
    open_workspace: OpenWorkspace, clock: FixedClock, consortium_file: Path
) -> Iterator[LocalWorkspace]:
    with open_workspace(clock, consortium_file) as workspace:
        yield workspace


def meeting_id(workspace: LocalWorkspace, kind: str) -> int:
    with workspace.database.read() as work:
        found = work.session.scalars(select(Meeting.id).where(Meeting.kind == kind)).first()
    assert found is not None
    return found


def build_history(workspace: LocalWorkspace, clock: FixedClock) -> dict[str, Any]:
    """Everything a Portuguese partner leaves behind in a month of work."""
    services = workspace.services
    profiles = services.directory.load().profiles
    pt, coordinator, greek = profiles[PT], profiles[COORDINATOR], profiles[GREEK]
    jour_fixe = meeting_id(workspace, "jour-fixe")
    consortium_meeting = meeting_id(workspace, "consortium")
    # RSVPs, days away, a feed link of their own, DMs.
    services.rsvps.record(jour_fixe, JOUR_FIXE, pt, RsvpAnswer.GOING)
    services.rsvps.record(jour_fixe, NEXT_JOUR_FIXE, pt, RsvpAnswer.MAYBE)
    assert "You are away" in workspace.command(PT, "/consortium away 1 Aug to 20 Aug").ack_text
    # Their own feed links, made by asking for them.
    assert "calendar" in workspace.command(PT, "/consortium subscribe").ack_text.lower()
    workspace.command(PT, "/consortium remind me dm")
    opened = workspace.command(COORDINATOR, '/round open "Q1 2024" due 2024-01-26')
    assert "Opened" in opened.ack_text or "opened" in opened.ack_text, opened.ack_text
    round_id = services.rounds.resolve("Q1 2024").id
    # Their update, a revision of theirs to the coordinator's note for Portugal, a mention.
    written = services.updates.submit(
        pt, UpdateDraft("PT", round_id, {UpdateField.ACHIEVEMENTS: UPDATE_TEXT})
    )
    other = services.updates.submit(
        coordinator, UpdateDraft("PT", None, {UpdateField.NOTE: "Portugal hosts the May workshop."})
    )
    services.updates.edit(pt, other.update.id, {UpdateField.NOTE: "Portugal hosts it in June."})
    workspace.command(GREEK, f"/update Thanks to <@{PT}> ({NAME}) for the heat data.")
    # Attendance: by button, and by an imported report that names their e-mail.
    clock.set(datetime(2024, 1, 4, 9, 10, tzinfo=UTC))
    services.attendance.press(jour_fixe, JOUR_FIXE, pt)
    clock.set(datetime(2024, 1, 11, 12, 0, tzinfo=UTC))
    services.attendance.import_report(
        consortium_meeting,
        date(2024, 1, 11),
        [Participant("J. Araujo (FCT)", EMAIL), Participant("Greek partner", None)],
    )
    # A topic, a support, action items assigned to them, made by them, closed by them.
    topic = services.topics.propose(pt, jour_fixe, "Heat plans of pilot cities", date(2024, 2, 1))
    theirs_supported = services.topics.propose(greek, jour_fixe, "Data sharing", date(2024, 2, 1))
    services.topics.support(pt, theirs_supported.topic_id)
    assigned = services.action_items.add(
        coordinator, Assignee(member_id=PT), "Send the roadmap draft", None, jour_fixe
    )
    services.action_items.add(pt, Assignee(country="PT"), "Collect city data", None, None)
    services.action_items.done(pt, assigned.id, f"sent by {NAME}")
    # A published agenda that names them, in its text and its items.
    services.agendas.prepare(
        coordinator, jour_fixe, NEXT_JOUR_FIXE, f"1. Heat plans of pilot cities ({NAME})"
    )
    services.agendas.published(coordinator, jour_fixe, NEXT_JOUR_FIXE, "C0JOURFIXE", "1.2")
    with workspace.database.write() as work:
        agenda = work.session.scalars(select(Agenda)).one()
        agenda.items = [{"title": "Heat plans", "proposed_by": PT, "by": NAME, "mail": EMAIL}]
    return {
        "round": round_id,
        "update": written.update.id,
        "jour_fixe": jour_fixe,
        "consortium_meeting": consortium_meeting,
        "topic": topic,
    }


def cells_naming_them(database: Database) -> list[str]:
    """Every cell of every table (JSON included, as text) holding their ID, name or e-mail."""
    found = []
    with database.read() as work:
        for table in Base.metadata.sorted_tables:
            for row in work.session.execute(select(table)).all():
                for column, value in zip(table.columns, row, strict=True):
                    if value is None:
                        continue
                    text = value if isinstance(value, str) else json.dumps(value, default=str)
                    text += " " + json.dumps(value, default=str, ensure_ascii=False)
                    if PT in text or NAME.lower() in text.lower() or EMAIL in text.lower():
                        found.append(f"{table.name}.{column.name} = {value!r}")
    return found


def names_them(content: str | bytes) -> bool:
    text = content.decode() if isinstance(content, bytes) else content
    return PT in text or NAME.lower() in text.lower() or EMAIL in text.lower()


def docx_text(content: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(content)) as document:
        return "".join(document.read(n).decode() for n in document.namelist() if n.endswith(".xml"))


def erase_through_buttons(workspace: LocalWorkspace) -> str:
    asked = workspace.command(COORDINATOR, f"/consortium forget <@{PT}|joana>")
    text = asked.ack_text
    assert f"Erase the personal data of {NAME} (PT)?" in text
    assert "cannot be undone" in text and "consortium file" in text
    blocks = json.dumps(asked.ack)
    for said in ("2 RSVPs", "attendance row", "1 update they wrote", "1 revision they made"):
        assert said in blocks, said
    assert "personal calendar feed link" in blocks and "1 period of days away" in blocks
    erase_button = next(
        b
        for block in asked.ack["blocks"]  # type: ignore[index]
        for b in block.get("elements", [])
        if b.get("action_id") == ids.FORGET_ERASE
    )
    assert erase_button["style"] == "danger" and erase_button["confirm"]["style"] == "danger"
    pressed = press(workspace, COORDINATOR, asked, ids.FORGET_ERASE)
    replies = [c.params for c in pressed.calls if c.method == "response_url"]
    assert replies and "Erased" in replies[-1]["text"], pressed.calls
    # Their own Home tab no longer shows their settings: it is a stranger's now.
    (tab,) = [
        c.params for c in pressed.calls if c.method == "views.publish" and c.params["user_id"] == PT
    ]
    assert "not in the" in json.dumps(tab["view"]) and NAME not in json.dumps(tab["view"])
    again = press(workspace, COORDINATOR, asked, ids.FORGET_ERASE)
    replies = [c.params for c in again.calls if c.method == "response_url"]
    assert "Nothing to do" in replies[-1]["text"]
    return str(replies[-1]["text"])


def test_an_erased_member_is_absent_from_every_table_export_feed_and_digest(
    workspace: LocalWorkspace, clock: FixedClock
) -> None:
    history = build_history(workspace, clock)
    assert cells_naming_them(workspace.database)  # the history is there to be erased
    erase_through_buttons(workspace)

    # (1) every table
    assert cells_naming_them(workspace.database) == []
    # (5) the accountability record: when, which countries, who asked
    with workspace.database.read() as work:
        (erasure,) = work.session.scalars(select(Erasure)).all()
    assert (erasure.country_codes, erasure.requested_by) == ("PT", COORDINATOR)

    services = workspace.services
    # Their update keeps its text and country; its author reads as a former member of PT.
    update = services.updates.get(history["update"])
    assert update.country.code == "PT" and UPDATE_TEXT in update.fields[UpdateField.ACHIEVEMENTS]
    listed = json.dumps(workspace.command(COORDINATOR, "/update list PT").ack, ensure_ascii=False)
    assert FORMER in listed and not names_them(listed) and "<@former" not in listed

    # (2) every export made afterwards
    report = services.rounds.report(None, "Q1 2024")
    for format_name in ("md", "docx", "csv", "json"):
        content = render(report, format_name)
        text = docx_text(content) if format_name == "docx" else content.decode()
        assert not names_them(text), format_name
        assert UPDATE_TEXT in text and "Portugal" in text, format_name
        if format_name in ("csv", "json"):
            assert FORMER in text, format_name
    record = services.records.occurrence(history["jour_fixe"], date(2024, 1, 4))
    register = services.records.register(date(2024, 1, 1), date(2024, 1, 31))
    for format_name in ("md", "docx", "csv"):
        for content in (render_record(record, format_name), render_register(register, format_name)):
            text = docx_text(content) if format_name == "docx" else content.decode()
            assert not names_them(text), format_name
    actions = workspace.command(COORDINATOR, "/action list all").ack_text
    assert "Send the roadmap draft" not in actions  # done
    assert "Collect city data" in actions and not names_them(actions)
    topics = workspace.command(COORDINATOR, f"/meeting topics {history['jour_fixe']}")
    assert not names_them(json.dumps(topics.ack))

    # (3) every calendar feed
    with web_client(workspace) as client:
        for user in (COORDINATOR, GREEK):
            for path in feed_paths(workspace, user):
                served = client.get(path)
                assert served.status_code == 200 and not names_them(served.text)
    with workspace.database.read() as work:
        assert not work.session.scalars(select(FeedToken).where(FeedToken.member_id == PT)).all()

    # (4) the digest built afterwards
    for message in digest_messages(services.jobs.preview()):
        assert not names_them(json.dumps(message.blocks) + message.text)
    assert not names_them(workspace.command(COORDINATOR, "/digest preview").ack_text)

    # The directory forgot them at once: they are a stranger now.
    assert (
        "not in the CapaCITIES member list" in workspace.command(PT, "/consortium whoami").ack_text
    )


def test_the_update_cards_already_posted_are_redrawn(workspace: LocalWorkspace) -> None:
    """The card of their update in the updates channel names "a former member of PT" after
    the erasure (chat.update after the transaction), its text unchanged."""
    workspace.command(PT, f"/update {UPDATE_TEXT}")
    (card,) = [m for m in workspace.emulator.messages() if UPDATE_TEXT in m.text]
    assert NAME in card.text
    asked = workspace.command(COORDINATOR, f"/consortium forget {PT}")
    press(workspace, COORDINATOR, asked, ids.FORGET_ERASE)
    workspace.emulator.wait_for_calls("chat.update", 1)
    (card,) = [m for m in workspace.emulator.messages(card.channel) if m.ts == card.ts]
    drawn = card.text + json.dumps(card.blocks, ensure_ascii=False)
    assert card.updated and FORMER in drawn and UPDATE_TEXT in drawn
    assert not names_them(drawn) and "<@" not in drawn


def test_partners_are_refused_at_the_door_and_by_the_service(workspace: LocalWorkspace) -> None:
    refused = workspace.command(GREEK, f"/consortium forget <@{PT}|joana>").ack_text
    assert "Only coordinators can erase a member's data" in refused
    asked = workspace.command(COORDINATOR, f"/consortium forget {PT}")
    value = next(v for a, v in buttons_of(asked) if a == ids.FORGET_ERASE)
    pressed = workspace.click(GREEK, ids.FORGET_ERASE, value)
    told = [c.params for c in pressed.calls if c.method == "chat.postEphemeral"]
    assert told and "Only coordinators" in told[-1]["text"]
    greek = workspace.services.directory.load().profiles[GREEK]
    with pytest.raises(NotAllowedError):
        workspace.services.erasure.erase(greek, PT)
    assert PT in workspace.services.directory.load().profiles


@pytest.mark.parametrize(
    ("said", "answer"),
    [
        ("joana araujo", f"Erase the personal data of {NAME} (PT)?"),
        ("Joanna Araújo", f"Did you mean {NAME}?"),
        ("Joana", f"Erase the personal data of {NAME} (PT)?"),
        ("partner", "members are called 'partner': which one?"),
        ("U0NOBODY", "U0NOBODY is not a member of the consortium."),
        ("", "Name the member to erase"),
        (COORDINATOR, "You cannot erase yourself from Slack"),
    ],
)
def test_members_are_named_as_people_name_them(
    workspace: LocalWorkspace, said: str, answer: str
) -> None:
    reply = workspace.command(COORDINATOR, f"/consortium forget {said}".rstrip())
    assert answer.replace("'", "&#39;") in reply.ack_text or answer in reply.ack_text, (
        reply.ack_text
    )
    assert PT in workspace.services.directory.load().profiles


def test_a_name_that_fits_several_asks_which_then_confirms(workspace: LocalWorkspace) -> None:
    asked = workspace.command(COORDINATOR, "/consortium forget partner")
    chosen = press(workspace, COORDINATOR, asked, ids.FORGET_PICK, GREEK)
    replies = [c.params for c in chosen.calls if c.method == "response_url"]
    assert "Erase the personal data of Greek partner (GR)?" in replies[-1]["text"]
    cancelled = workspace.click(COORDINATOR, ids.FORGET_CANCEL, json.dumps({"m": GREEK}))
    replies = [c.params for c in cancelled.calls if c.method == "response_url"]
    assert "nothing was erased" in replies[-1]["text"]
    assert GREEK in workspace.services.directory.load().profiles


def test_the_command_line_erases_with_yes_and_asks_otherwise(
    workspace: LocalWorkspace,
    clock: FixedClock,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    build_history(workspace, clock)
    monkeypatch.setenv("DATABASE_URL", str(workspace.database.url))
    assert main(["forget", "U0NOBODY", "--yes"]) == 1
    assert "U0NOBODY is not a member" in capsys.readouterr().err
    assert main(["forget", PT]) == 1  # not a terminal, no --yes
    said = capsys.readouterr()
    assert "--yes" in said.err and "Erase? [y/N]" not in said.out
    assert PT in workspace.services.directory.load().profiles

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    out = io.StringIO()
    assert forget_on_command_line(workspace.services.erasure, PT, False, Terminal("n\n"), out) == 1
    assert "Erase? [y/N]" in out.getvalue() and "Nothing was erased" in out.getvalue()
    assert main(["forget", PT, "--yes"]) == 0
    printed = capsys.readouterr().out
    assert f"Erasing {NAME} (U0PT, PT) removes:" in printed and "RSVP" in printed
    assert "cannot be undone" in printed and FORMER in printed
    assert cells_naming_them(workspace.database) == []
    with workspace.database.read() as work:
        (erasure,) = work.session.scalars(select(Erasure)).all()
    assert erasure.requested_by == "command line"


def test_every_column_that_names_members_is_listed() -> None:
    """A new column holding a member's ID must join people.py, or erasure would miss it."""
    listed = {(c.expression.table.name, c.key) for c in (*MEMBER_ID_COLUMNS, *MEMBER_NAME_COLUMNS)}
    named = {
        (table.name, column.name)
        for table in Base.metadata.sorted_tables
        for column in table.columns
        if column.name.endswith(("member_id", "_by", "author_id", "editor_id", "slack_id"))
    }
    assert named - listed == set()


def test_erasure_on_each_backend(database: Database, consortium_file: Path) -> None:
    """The same erasure on SQLite and PostgreSQL: one transaction, nothing of them left."""
    clock = FixedClock(datetime(2024, 1, 2, 9, 0, tzinfo=UTC))
    import_consortium(database, load_consortium_file(consortium_file), clock)
    domain = compose_domain(database, clock)
    profiles = domain.directory.load().profiles
    pt, coordinator = profiles[PT], profiles[COORDINATOR]
    with database.read() as work:
        jour_fixe = work.session.scalars(
            select(Meeting.id).where(Meeting.kind == "jour-fixe")
        ).one()
    domain.rsvps.record(jour_fixe, JOUR_FIXE, pt, RsvpAnswer.GOING)
    published = domain.updates.submit(pt, UpdateDraft("PT", None, {UpdateField.NOTE: UPDATE_TEXT}))
    domain.action_items.add(coordinator, Assignee(member_id=PT), "Send the draft", None, None)
    clock.advance(timedelta(days=2, hours=0, minutes=10))
    domain.attendance.press(jour_fixe, JOUR_FIXE, pt)
    plan = domain.erasure.plan(coordinator, PT)
    assert (plan.footprint.rsvps, plan.footprint.updates, plan.footprint.attendance) == (1, 1, 1)
    done = domain.erasure.erase(coordinator, PT)
    assert done.updates_written == (published.update.id,)
    assert cells_naming_them(database) == []
    assert domain.updates.get(published.update.id).author_id == "former:PT"
    with pytest.raises(FieldError, match="Nothing to do"):
        domain.erasure.erase(coordinator, PT)
