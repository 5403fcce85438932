"""The jour fixe's draft agenda (#1, monthly on the first Thursday, 10:00 Vienna): a week
before the 1 Feb 2024 occurrence each coordinator gets it by DM, exactly once, gathering the
proposed topic and the needs and challenges two countries posted since the 4 Jan occurrence;
Edit and publish posts it to the jour fixe's channel and, edited again, updates it in place."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from bot.core import ids
from bot.local.workspace import Exchange, LocalWorkspace
from scheduling.clock import FixedClock
from scheduling.consortium.file import parse_consortium_text
from storage.meeting_records import ActionItem
from tests.support import ROOT, buttons_in, logged_errors

COORDINATORS = ("U0COORD1", "U0COORD2")
PORTUGUESE = "U0PT"
GREEK = "U0GR"
JOUR_FIXE_CHANNEL = "C0JOURFIXE"
DRAFT_DUE = datetime(2024, 1, 25, 9, 0, tzinfo=UTC)  # 1 Feb 10:00 Vienna, less 7 days


def _post_update(workspace: LocalWorkspace, user: str, texts: dict[str, str]) -> None:
    opened = workspace.command(user, "/update")
    (call,) = [c for c in opened.calls if c.method == "views.open"]
    view: dict[str, Any] = call.response["view"]
    values = LocalWorkspace.fill(view, {f"update_{k}": v for k, v in texts.items()})
    submitted = workspace.submit_view(user, view, values)
    assert [c for c in submitted.calls if c.method == "chat.postMessage"], "no card posted"


def _drafts(calls: list[Any]) -> list[dict[str, Any]]:
    return [
        c.params
        for c in calls
        if c.method == "chat.postMessage" and "Draft agenda" in c.params.get("text", "")
    ]


def _tick(workspace: LocalWorkspace, clock: FixedClock, at: datetime) -> list[Any]:
    clock.set(at)
    before = len(workspace.emulator.calls())
    workspace.jobs.tick()
    return workspace.emulator.calls()[before:]


def _opened(exchange: Exchange) -> dict[str, Any]:
    (call,) = [c for c in exchange.calls if c.method == "views.open"]
    view: dict[str, Any] = call.response["view"]
    return view


def test_the_draft_agenda_gathers_needs_and_topics_once_and_is_published_in_place(
    workspace: LocalWorkspace, clock: FixedClock
) -> None:
    clock.set(datetime(2024, 1, 10, 9, 0, tzinfo=UTC))  # after the 4 Jan jour fixe
    _post_update(workspace, PORTUGUESE, {"needs": "Peer learning on financing"})
    _post_update(
        workspace, GREEK, {"needs": "A template for city contracts", "challenges": "Staff time"}
    )
    proposed = workspace.command(PORTUGUESE, '/meeting propose 1 "Twinning visits"')
    assert "Thu 1 Feb 2024" in proposed.ack_text
    # Action items are written by their own feature; here, rows as it would store them.
    now = clock.now()
    with workspace.database.write() as work:
        for text, due, status in (
            ("Share the financing template", date(2024, 1, 30), "open"),
            ("Not due yet", date(2024, 2, 10), "open"),
            ("Already done", date(2024, 1, 20), "done"),
        ):
            work.add(
                ActionItem(text=text, country_code="PT", due_on=due, status=status,
                           created_by=PORTUGUESE, created_at=now)
            )  # fmt: skip

    assert not _drafts(_tick(workspace, clock, datetime(2024, 1, 25, 8, 59, tzinfo=UTC)))
    calls = _tick(workspace, clock, DRAFT_DUE)
    drafts = _drafts(calls)
    assert sorted(d["channel"] for d in drafts) == sorted(COORDINATORS)
    assert not _drafts(_tick(workspace, clock, DRAFT_DUE))  # tick twice: sent once
    draft = str(drafts[0]["blocks"])
    assert "1. Twinning visits (supported by Portugal)" in draft
    assert "Needs from the consortium" in draft
    assert "Portugal: Peer learning on financing (card: https://slack.com/archives/" in draft
    assert "Greece: A template for city contracts" in draft
    assert "Challenges" in draft and "Greece: Staff time" in draft
    assert draft.index("Twinning visits") < draft.index("Peer learning") < draft.index("Staff")
    assert "Open action items" in draft
    assert "Portugal: Share the financing template (due Tue 30 Jan 2024)" in draft
    assert "Not due yet" not in draft and "Already done" not in draft

    (value,) = [v for a, v in buttons_in(drafts[0]["blocks"]) if a == ids.AGENDA_EDIT]
    view = _opened(workspace.click(COORDINATORS[0], ids.AGENDA_EDIT, value))
    prefilled = view["blocks"][0]["element"]["initial_value"]
    assert "Twinning visits" in prefilled and len(prefilled) <= 3000
    first = workspace.submit_view(
        COORDINATORS[0], view, {ids.AGENDA_TEXT: {ids.AGENDA_TEXT: {
            "type": "plain_text_input", "value": prefilled + "\nAOB <b> & more"}}},
    )  # fmt: skip
    (posted,) = [c for c in first.calls if c.method == "chat.postMessage"]
    assert posted.params["channel"] == JOUR_FIXE_CHANNEL
    assert "AOB &lt;b&gt; &amp; more" in str(posted.params["blocks"])
    ts = posted.response["ts"]

    shown = workspace.command(PORTUGUESE, "/meeting agenda 1")
    assert "Agenda: Jour fixe of the core countries" in shown.ack_text
    assert "AOB" in str(shown.ack)

    again = _opened(workspace.click(COORDINATORS[1], ids.AGENDA_EDIT, value))
    assert "AOB <b> & more" in again["blocks"][0]["element"]["initial_value"]
    second = workspace.submit_view(
        COORDINATORS[1], again, {ids.AGENDA_TEXT: {ids.AGENDA_TEXT: {
            "type": "plain_text_input", "value": "1. Twinning visits\n2. Budget"}}},
    )  # fmt: skip
    assert not [c for c in second.calls if c.method == "chat.postMessage"]
    (updated,) = [c for c in second.calls if c.method == "chat.update"]
    assert updated.params["ts"] == ts and updated.params["channel"] == JOUR_FIXE_CHANNEL
    assert "2. Budget" in str(updated.params["blocks"])
    # The channel's canvas holds the agenda too: made by the first publish, replaced after.
    (canvas,) = workspace.emulator.canvases()
    assert canvas.channel == JOUR_FIXE_CHANNEL and canvas.edits == 1
    assert canvas.markdown.startswith("# Agenda: Jour fixe of the core countries")
    assert "1. Twinning visits\n2. Budget" in canvas.markdown
    assert "AOB" not in canvas.markdown


def test_partners_see_no_draft_before_it_is_published(workspace: LocalWorkspace) -> None:
    reply = workspace.command(PORTUGUESE, "/meeting agenda 1")
    assert "not published yet" in reply.ack_text
    draft = workspace.command(COORDINATORS[0], "/meeting agenda 1")
    assert "Draft agenda (not published yet)" in draft.ack_text
    assert [a for a, _ in buttons_in(draft.ack["blocks"])] == [ids.AGENDA_EDIT]  # type: ignore[index]


def test_a_meeting_s_own_agenda_lead_moves_the_draft(
    workspace: LocalWorkspace, clock: FixedClock
) -> None:
    edited = workspace.command(COORDINATORS[0], "/meeting edit 1 agenda 5d")
    assert "draft agenda now goes" in edited.ack_text
    refused = workspace.command(COORDINATORS[0], "/meeting edit 1 agenda 2h")
    assert "whole days" in refused.ack_text
    assert not _drafts(_tick(workspace, clock, DRAFT_DUE))  # 7 days before: not yet
    # 5 days before is Saturday 27 Jan: the drafts wait for the coordinators' Monday morning.
    assert not _drafts(_tick(workspace, clock, datetime(2024, 1, 27, 9, 0, tzinfo=UTC)))
    drafts = _drafts(_tick(workspace, clock, datetime(2024, 1, 29, 7, 0, tzinfo=UTC)))
    assert len(drafts) == len(COORDINATORS)


def test_the_consortium_file_sets_an_agenda_lead() -> None:
    text = (ROOT / "examples" / "capacities.yaml").read_text(encoding="utf-8")
    text = text.replace("    reminders: [1d, 1h]\n", "    reminders: [1d, 1h]\n    agenda: 5d\n", 1)
    spec = parse_consortium_text(text)
    assert [m.agenda_days for m in spec.meetings][:2] == [5, None]


def test_where_canvases_are_not_allowed_the_agenda_is_a_message_only(
    workspace: LocalWorkspace, clock: FixedClock
) -> None:
    workspace.emulator.canvases_allowed = False
    drafts = _drafts(_tick(workspace, clock, DRAFT_DUE))
    (value,) = [v for a, v in buttons_in(drafts[0]["blocks"]) if a == ids.AGENDA_EDIT]
    view = _opened(workspace.click(COORDINATORS[0], ids.AGENDA_EDIT, value))
    with logged_errors() as errors:
        published = workspace.submit_view(
            COORDINATORS[0], view, {ids.AGENDA_TEXT: {ids.AGENDA_TEXT: {
                "type": "plain_text_input", "value": "1. Budget"}}},
        )  # fmt: skip
    assert [c.method for c in published.calls if c.method.startswith(("chat.", "conv"))] == [
        "chat.postMessage",
        "conversations.canvases.create",
    ]
    assert workspace.emulator.canvases() == [] and errors == []
