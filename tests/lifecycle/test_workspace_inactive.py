"""The app uninstalled, the bot's token revoked or refused mid-send: nothing more is posted or
retried into the dead token, what falls due stays queued, and a start-up with a working token
sends it (or gives it up when its kind says it is too late)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import select

from bot.local.render import render_message
from bot.local.workspace import LocalWorkspace
from scheduling.clock import FixedClock
from storage.models import Delivery

JOUR_FIXE_CHANNEL = "C0JOURFIXE"
COORDINATOR = "U0COORD1"
REMINDER_DUE = datetime(2026, 3, 4, 9, 0, tzinfo=UTC)  # the jour fixe's reminder, a day before


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(datetime(2026, 3, 1, 12, 0, tzinfo=UTC))


def sweep_at(workspace: LocalWorkspace, clock: FixedClock, instant: datetime) -> str:
    clock.set(instant)
    summary = workspace.jobs.tick()
    workspace.executor.wait_idle()
    return summary


def posts(workspace: LocalWorkspace, channel: str) -> list[dict[str, Any]]:
    return [
        c.params
        for c in workspace.emulator.calls("chat.postMessage")
        if c.params.get("channel") == channel and c.response.get("ok")
    ]


def reminders(workspace: LocalWorkspace) -> list[tuple[str, int, str | None]]:
    """The jour fixe's reminder deliveries: status, attempts, error."""
    with workspace.database.read() as work:
        rows = work.session.scalars(
            select(Delivery).where(Delivery.key.like("reminder:1:%")).order_by(Delivery.id)
        ).all()
        return [(row.status, row.attempts, row.error) for row in rows]


@contextmanager
def restarted(workspace: LocalWorkspace) -> Iterator[LocalWorkspace]:
    """The bot started again on the same database and Slack workspace (`build_app`, whose
    `auth.test` succeeds: the app was installed again)."""
    again = LocalWorkspace(
        workspace.spec, workspace.database, workspace.emulator, workspace.clock,
        workspace.import_report,
    )  # fmt: skip
    try:
        yield again
    finally:
        again.close()


def status_text(workspace: LocalWorkspace) -> str:
    exchange = workspace.command(COORDINATOR, "/consortium status")
    return render_message(exchange.ack_text, exchange.ack["blocks"])  # type: ignore[index]


def test_an_uninstalled_app_posts_nothing_and_the_reminder_goes_once_after_a_restart(
    workspace: LocalWorkspace, clock: FixedClock
) -> None:
    assert "*Workspace:* active" in status_text(workspace)
    workspace.event({"type": "app_uninstalled"})
    summary = sweep_at(workspace, clock, REMINDER_DUE)
    assert workspace.emulator.calls("chat.postMessage") == []
    assert reminders(workspace) == [("queued", 0, None)]
    assert "workspace inactive since 2026-03-01 12:00 UTC (app_uninstalled): nothing sent" in (
        summary
    )
    shown = status_text(workspace)
    assert "*Workspace:* inactive since 2026-03-01 12:00 UTC: the app was uninstalled" in shown
    # Ticks meanwhile try nothing, however many.
    sweep_at(workspace, clock, datetime(2026, 3, 4, 9, 5, tzinfo=UTC))
    assert workspace.emulator.calls("chat.postMessage") == []
    clock.set(datetime(2026, 3, 4, 9, 10, tzinfo=UTC))  # within the reminders' 30-min grace
    with restarted(workspace) as again:
        sweep_at(again, clock, datetime(2026, 3, 4, 9, 10, tzinfo=UTC))
        sweep_at(again, clock, datetime(2026, 3, 4, 9, 11, tzinfo=UTC))
        assert len(posts(again, JOUR_FIXE_CHANNEL)) == 1
        assert reminders(again) == [("sent", 1, None)]
        assert "*Workspace:* active" in status_text(again)


def test_a_reminder_kept_past_its_grace_is_given_up_with_the_reason_after_the_restart(
    workspace: LocalWorkspace, clock: FixedClock
) -> None:
    workspace.event({"type": "app_uninstalled"})
    sweep_at(workspace, clock, REMINDER_DUE)
    clock.set(datetime(2026, 3, 4, 15, 0, tzinfo=UTC))  # six hours later
    with restarted(workspace) as again:
        sweep_at(again, clock, datetime(2026, 3, 4, 15, 0, tzinfo=UTC))
        assert posts(again, JOUR_FIXE_CHANNEL) == []
        assert reminders(again) == [("skipped", 0, "too late to send")]


def test_our_bots_tokens_revoked_make_the_workspace_inactive(
    workspace: LocalWorkspace, clock: FixedClock
) -> None:
    workspace.event({"type": "tokens_revoked", "tokens": {"oauth": [], "bot": ["U0BOT"]}})
    sweep_at(workspace, clock, REMINDER_DUE)
    assert workspace.emulator.calls("chat.postMessage") == []
    assert "the bot's token was revoked" in status_text(workspace)


def test_another_apps_tokens_revoked_change_nothing(
    workspace: LocalWorkspace, clock: FixedClock
) -> None:
    revoked = {"oauth": ["U0AT"], "bot": ["U0OTHERBOT"]}
    workspace.event({"type": "tokens_revoked", "tokens": revoked})
    sweep_at(workspace, clock, REMINDER_DUE)
    assert len(posts(workspace, JOUR_FIXE_CHANNEL)) == 1
    assert "*Workspace:* active" in status_text(workspace)


def test_invalid_auth_during_a_send_marks_the_workspace_inactive_and_retries_nothing(
    workspace: LocalWorkspace, clock: FixedClock
) -> None:
    workspace.emulator.inject_fault("chat.postMessage", status=200, error="invalid_auth")
    summary = sweep_at(workspace, clock, REMINDER_DUE)
    assert "(invalid_auth): nothing sent" in summary
    # Kept in the queue, its attempt given back: not failed, not given up.
    assert reminders(workspace) == [
        ("queued", 0, "kept: Slack refused the bot's token (invalid_auth)")
    ]
    for minute in (5, 10, 20):
        sweep_at(workspace, clock, datetime(2026, 3, 4, 9, minute, tzinfo=UTC))
    assert len(workspace.emulator.calls("chat.postMessage")) == 1  # the refused one alone
    assert "Slack refused the bot's token (invalid_auth)" in status_text(workspace)
    with restarted(workspace) as again:
        sweep_at(again, clock, datetime(2026, 3, 4, 9, 21, tzinfo=UTC))
        assert len(posts(again, JOUR_FIXE_CHANNEL)) == 1
        assert reminders(again) == [("sent", 1, None)]
