"""At 100 times the example consortium (1,000 members, 600 series, 30 open rounds, 300 recent
updates) the Home tab of a partner and of a coordinator stays within Slack's limits: the
emulator validates every view as Slack does, and the tab says how many more there are."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import yaml

from bot.local.render import render_view
from bot.local.workspace import LocalWorkspace
from scheduling.clock import FixedClock
from tests.conftest import EXAMPLE_FILE, OpenWorkspace

COPIES = 100
ROUNDS = 30
NOTES = 300


def scaled_file(folder: Path, today: date) -> Path:
    doc = yaml.safe_load(EXAMPLE_FILE.read_text(encoding="utf-8"))
    members, meetings = [], []
    for k in range(COPIES):
        tag = f"K{k}" if k else ""
        members += [
            {**m, "slack_id": m["slack_id"] + tag, "name": m["name"] + tag} for m in doc["members"]
        ]
        meetings += [
            {**m, "id": f"m{i}-{k}", "title": f"{m['title']} #{k}" if k else m["title"]}
            for i, m in enumerate(doc["meetings"])
        ]
    rounds = [
        {
            "title": f"Call {n} " + "with a long title " * 8,
            "opens": str(today - timedelta(days=40)),
            "due": str(today + timedelta(days=n - 10)),
            "audience": "all",
        }
        for n in range(ROUNDS)
    ]
    doc["members"], doc["meetings"], doc["rounds"] = members, meetings, doc["rounds"] + rounds
    path = folder / "scaled.yaml"
    path.write_text(yaml.safe_dump(doc, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


def home_of(workspace: LocalWorkspace, user: str) -> dict[str, Any]:
    exchange = workspace.open_home(user)
    (call,) = [c for c in exchange.calls if c.method == "views.publish"]
    assert call.response.get("ok"), call.response  # the emulator checks Slack's limits
    return call.params["view"]


def check_limits(view: dict[str, Any]) -> None:
    blocks = view["blocks"]
    assert len(blocks) <= 100
    block_ids = [b["block_id"] for b in blocks if "block_id" in b]
    assert len(block_ids) == len(set(block_ids))
    for block in blocks:
        if block["type"] == "section":
            assert len(block["text"]["text"]) <= 3000
        if block["type"] == "header":
            assert len(block["text"]["text"]) <= 150
        if block["type"] == "actions":
            assert len(block["elements"]) <= 25
            assert all(len(e["text"]["text"]) <= 75 for e in block["elements"])


def test_the_home_tab_fits_at_a_hundred_times_the_consortium(
    open_workspace: OpenWorkspace, tmp_path: Path, clock: FixedClock
) -> None:
    path = scaled_file(tmp_path, clock.now().date())
    with open_workspace(clock, consortium_file=path, name="scaled") as workspace:
        for n in range(NOTES):
            author = "U0PT" if n % 2 else f"U0FIK{n % 99 + 1}"
            posted = workspace.command(author, f"/update Note {n} " + "& <b>long</b> " * 40)
            assert "is posted" in posted.ack_text
        partner = home_of(workspace, "U0PTK7")
        coordinator = home_of(workspace, "U0COORD1")
        for view in (partner, coordinator):
            check_limits(view)
        text = render_view(coordinator)
        assert "For coordinators" in text
        assert "…and 25 more: `/round status`" in text  # 31 open rounds, 6 shown
        assert "more: `/meeting next`" in text
        assert "more: `/update list`" in text
        assert "<b>" in text  # what people typed is shown as text, never as markup
        assert "&lt;b&gt;" in str(coordinator)
