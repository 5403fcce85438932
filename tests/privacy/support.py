"""What the privacy tests share: the members, a season of work done through signed
requests, and reading the file and summary the bot sent to a member's DM."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from typing import Any

from bot.core import ids
from bot.local.workspace import Exchange, LocalWorkspace
from scheduling.clock import FixedClock

PORTUGUESE = "U0PT"
GREEK = "U0GR"
COORDINATOR = "U0COORD1"
JOUR_FIXE_CHANNEL = "C0JOURFIXE"
NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
ISO_UTC = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")


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


# A consortium file that names every kind of retention period, as people write them.
RETENTION_FILE = """\
consortium:
  name: Retained
  timezone: Europe/Vienna
  retention:
    deliveries: 90d
    revisions: 2 years
    updates: keep
    rsvps: 6 months
    slack events: 7 days
countries:
  - {code: AT, name: Austria, role: core}
members:
  - {slack_id: U0COORD1, name: Coordinator, country: AT, roles: [coordinator]}
"""
