"""Slack's retries of an event (`X-Slack-Retry-Num`, the same `event_id`) are acknowledged and
change nothing, also when two instances receive the same event at once; old event IDs go."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import yaml

from bot.local.workspace import LocalWorkspace
from scheduling.clock import FixedClock
from scheduling.lifecycle.service import LifecycleService
from storage.db import Database
from tests.support import ROOT, run_at_once

STRANGER = "U0STRANGER"


def written_to_the_bot(workspace: LocalWorkspace, event_id: str, retry: int = 0) -> int:
    """A stranger writes to the bot (answered every time, nothing recorded of them): how
    many replies that delivery of the event caused."""
    exchange = workspace.event(
        {
            "type": "message",
            "channel_type": "im",
            "channel": f"D{STRANGER}",
            "user": STRANGER,
            "text": "hello?",
            "ts": "1772366400.000100",
        },
        event_id=event_id,
        retry=retry,
    )
    assert exchange.status == 200  # a retry is acknowledged too, or Slack tries again
    return len([c for c in exchange.calls if c.method == "chat.postMessage"])


def test_a_retried_event_is_handled_once(workspace: LocalWorkspace) -> None:
    workspace.member_id(STRANGER)  # in the Slack workspace, not in the consortium
    assert written_to_the_bot(workspace, "Ev0ONCE") == 1
    assert written_to_the_bot(workspace, "Ev0ONCE", retry=1) == 0
    assert written_to_the_bot(workspace, "Ev0ONCE", retry=2) == 0
    assert written_to_the_bot(workspace, "Ev0OTHER") == 1  # another event is answered


def test_a_retried_uninstall_keeps_the_first_instant(
    workspace: LocalWorkspace, clock: FixedClock
) -> None:
    workspace.event({"type": "app_uninstalled"}, event_id="Ev0GONE")
    clock.advance(timedelta(minutes=5))
    workspace.event({"type": "app_uninstalled"}, event_id="Ev0GONE", retry=1)
    state = workspace.services.lifecycle.state()
    assert state is not None
    assert state.since == datetime(2024, 1, 2, 9, 0, tzinfo=UTC)


def test_two_instances_receiving_one_event_at_once_handle_it_once(database: Database) -> None:
    """On PostgreSQL the second insert waits for the first to commit, then does nothing."""
    clock = FixedClock(datetime(2024, 1, 2, 9, 0, tzinfo=UTC))
    instances = [LifecycleService(database, clock) for _ in range(4)]
    firsts: dict[str, list[bool]] = {f"Ev0RACE{attempt}": [] for attempt in range(5)}
    for event_id, seen in firsts.items():

        def receive(n: int, event_id: str = event_id, seen: list[bool] = seen) -> None:
            seen.append(instances[n].first_time(event_id))

        assert run_at_once(4, receive) == []
        assert sorted(seen) == [False, False, False, True]


def test_the_manifest_subscribes_to_the_lifecycle_events() -> None:
    manifest = yaml.safe_load(Path(ROOT / "manifest.yml").read_text())
    events = manifest["settings"]["event_subscriptions"]["bot_events"]
    assert {"app_uninstalled", "tokens_revoked", "user_change"} <= set(events)
    assert "users:read" in manifest["oauth_config"]["scopes"]["bot"]  # user_change needs it


def test_an_event_whose_handling_failed_is_handled_at_slacks_retry(
    workspace: LocalWorkspace,
) -> None:
    """A listener that fails answers 500, so Slack sends the event again; that retry runs
    the listener (its ID was forgotten), and a retry after a success does not."""
    handled: list[str] = []

    @workspace.app.event("team_rename")
    async def renamed(event: dict[str, str]) -> None:
        handled.append(event["name"])
        if len(handled) == 1:
            raise RuntimeError("the database went away for a moment")

    event = {"type": "team_rename", "name": "CapaCITIES", "team_id": "T0LOCAL"}
    assert workspace.event(event, event_id="Ev0RENAME").status == 500
    assert workspace.event(event, event_id="Ev0RENAME", retry=1).status == 200
    assert workspace.event(event, event_id="Ev0RENAME", retry=2).status == 200
    assert handled == ["CapaCITIES", "CapaCITIES"]
