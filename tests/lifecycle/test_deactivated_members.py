"""A member's Slack account deactivated (`user_change` with `deleted: true`): no DM reaches
them (reminders, round requests), the channel's posts go on, the coordinators' Home tab and
`/round status` flag them; reactivated, the flag goes. Nothing of anyone's profile is kept."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import func, select

from bot.local.render import render_message
from bot.local.workspace import LocalWorkspace
from scheduling.clock import FixedClock
from storage.models import Delivery, Member

JOUR_FIXE_CHANNEL = "C0JOURFIXE"
COORDINATOR = "U0COORD1"
PORTUGUESE = "U0PT"
FINNISH = "U0FI"


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(datetime(2026, 3, 1, 12, 0, tzinfo=UTC))


def user_change(workspace: LocalWorkspace, slack_id: str, *, deleted: bool) -> None:
    """The event as Slack sends it, with the profile fields the bot must not keep."""
    user = {
        "id": slack_id,
        "team_id": "T0LOCAL",
        "name": "someone-new",
        "deleted": deleted,
        "real_name": "A New Name",
        "tz": "America/Los_Angeles",
        "profile": {"real_name": "A New Name", "email": "new@example.org", "phone": "+1 555"},
    }
    workspace.event({"type": "user_change", "user": user, "cache_ts": 1, "event_ts": "1.0"})


def posts(workspace: LocalWorkspace, channel: str) -> list[dict[str, Any]]:
    return [
        c.params
        for c in workspace.emulator.calls("chat.postMessage")
        if c.params.get("channel") == channel and c.response.get("ok")
    ]


def sweep_at(workspace: LocalWorkspace, clock: FixedClock, instant: datetime) -> None:
    clock.set(instant)
    workspace.jobs.sweep()
    workspace.executor.wait_idle()


def home_of(workspace: LocalWorkspace, user: str) -> str:
    opened = workspace.open_home(user)
    (view,) = [c.params["view"] for c in opened.calls if c.method == "views.publish"]
    return render_message("", view["blocks"])


def skipped_reasons(workspace: LocalWorkspace, member: str) -> list[tuple[str, str | None]]:
    with workspace.database.read() as work:
        rows = work.session.execute(
            select(Delivery.kind, Delivery.error).where(
                Delivery.channel == member, Delivery.status == "skipped"
            )
        ).all()
    return [(kind, error) for kind, error in rows]


def test_a_deactivated_member_gets_no_dm_while_the_channel_reminder_goes(
    workspace: LocalWorkspace, clock: FixedClock
) -> None:
    workspace.command(PORTUGUESE, "/consortium remind me dm")
    user_change(workspace, PORTUGUESE, deleted=True)
    sweep_at(workspace, clock, datetime(2026, 3, 4, 9, 0, tzinfo=UTC))
    assert posts(workspace, PORTUGUESE) == []
    assert len(posts(workspace, JOUR_FIXE_CHANNEL)) == 1
    assert skipped_reasons(workspace, PORTUGUESE) == [
        ("reminder", "deactivated in Slack since 2026-03-01")
    ]
    # Back in Slack: the next reminder reaches them by DM again.
    user_change(workspace, PORTUGUESE, deleted=False)
    sweep_at(workspace, clock, datetime(2026, 3, 5, 8, 0, tzinfo=UTC))
    assert len(posts(workspace, PORTUGUESE)) == 1


def test_round_requests_skip_a_deactivated_member_and_round_status_says_why(
    workspace: LocalWorkspace, clock: FixedClock
) -> None:
    user_change(workspace, PORTUGUESE, deleted=True)
    workspace.command(COORDINATOR, '/round open "Spring call" due 2026-03-20 for PT FI')
    sweep_at(workspace, clock, datetime(2026, 3, 2, 10, 0, tzinfo=UTC))  # a working morning
    assert posts(workspace, PORTUGUESE) == []
    assert len(posts(workspace, FINNISH)) == 1
    assert skipped_reasons(workspace, PORTUGUESE) == [
        ("round", "deactivated in Slack since 2026-03-01")
    ]
    status = workspace.command(COORDINATOR, "/round status")
    shown = render_message(status.ack_text, status.ack["blocks"])  # type: ignore[index]
    assert (
        "its only member, Portuguese partner, deactivated in Slack: nobody there gets a DM" in shown
    )
    assert "deactivated" not in next(line for line in shown.splitlines() if "Finland" in line)


def test_the_coordinators_home_tab_flags_a_deactivated_member_until_reactivated(
    workspace: LocalWorkspace, clock: FixedClock
) -> None:
    assert "Deactivated in Slack" not in home_of(workspace, COORDINATOR)
    user_change(workspace, PORTUGUESE, deleted=True)
    shown = home_of(workspace, COORDINATOR)
    assert "*Deactivated in Slack*" in shown
    assert (
        "*Portuguese partner* (🇵🇹 Portugal): deactivated in Slack since Sun 1 Mar 2026. Remove"
        " them from the consortium file, or `/consortium forget @Portuguese partner`." in shown
    )
    assert "Deactivated in Slack" not in home_of(workspace, FINNISH)  # coordinators only
    # An open tab is redrawn when Slack says the account is back.
    before = len(workspace.emulator.calls("views.publish"))
    user_change(workspace, PORTUGUESE, deleted=False)
    redrawn = workspace.emulator.calls("views.publish")[before:]
    assert [c.params["user_id"] for c in redrawn] == [COORDINATOR]
    assert "Deactivated in Slack" not in render_message("", redrawn[0].params["view"]["blocks"])


def test_nothing_of_the_profile_is_kept_and_strangers_are_ignored(
    workspace: LocalWorkspace,
) -> None:
    with workspace.database.read() as work:
        members_before = work.session.scalar(select(func.count()).select_from(Member))
    user_change(workspace, PORTUGUESE, deleted=True)
    user_change(workspace, "U0NOBODY", deleted=True)
    with workspace.database.read() as work:
        portuguese = work.session.get(Member, PORTUGUESE)
        assert portuguese is not None
        assert (portuguese.name, portuguese.timezone, portuguese.email) == (
            "Portuguese partner",
            "Europe/Lisbon",
            None,
        )
        assert portuguese.deactivated_at == datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
        assert work.session.get(Member, "U0NOBODY") is None
        assert work.session.scalar(select(func.count()).select_from(Member)) == members_before


def test_a_second_deactivation_keeps_the_first_date(
    workspace: LocalWorkspace, clock: FixedClock
) -> None:
    user_change(workspace, PORTUGUESE, deleted=True)
    clock.set(datetime(2026, 3, 3, 12, 0, tzinfo=UTC))
    user_change(workspace, PORTUGUESE, deleted=True)
    assert "since Sun 1 Mar 2026" in home_of(workspace, COORDINATOR)


def test_a_deactivated_members_feed_links_stop_and_start_again(
    workspace: LocalWorkspace,
) -> None:
    """Someone who left keeps no window on the meetings and their join links: every feed
    link of theirs, the whole consortium's too, answers as revoked while Slack has them
    deactivated, and works again when they are back."""
    links = workspace.services.feeds.links_for(
        workspace.services.directory.load().profiles[PORTUGUESE]
    )
    assert links and all(workspace.services.feeds.document(link.token) for link in links)
    user_change(workspace, PORTUGUESE, deleted=True)
    assert [workspace.services.feeds.document(link.token) for link in links] == [None] * len(links)
    user_change(workspace, PORTUGUESE, deleted=False)
    assert all(workspace.services.feeds.document(link.token) for link in links)
