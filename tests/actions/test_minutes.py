"""`/meeting minutes`: a link to an occurrence's minutes, added by someone the meeting is for,
posted to the meeting's channel (in the agenda's thread when the agenda was published), listed
in the digest, and missed on the coordinators' Home tab a week after the meeting."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.local.render import render_view
from bot.local.workspace import Exchange, LocalWorkspace
from scheduling.clock import FixedClock
from storage.meeting_records import Agenda

COORDINATOR = "U0COORD1"
PORTUGUESE = "U0PT"
BULGARIAN = "U0BG"
JOUR_FIXE_CHANNEL = "C0JOURFIXE"
# The jour fixe (#1) met on Thu 4 Jan 2024, 10:00 Vienna, for an hour.
AFTER_THE_JOUR_FIXE = datetime(2024, 1, 4, 12, 0, tzinfo=UTC)
MINUTES = "https://share.example/jourfixe/2024-01-minutes"


def channel_texts(workspace: LocalWorkspace, channel: str) -> list[str]:
    return [m.text for m in workspace.emulator.messages(channel)]


def home_text(workspace: LocalWorkspace, user: str) -> str:
    exchange = workspace.open_home(user)
    (params,) = [c.params for c in exchange.calls if c.method == "views.publish"]
    return render_view(params["view"], tz="Europe/Vienna")


def add(workspace: LocalWorkspace, user: str, line: str) -> Exchange:
    return workspace.command(user, f"/meeting minutes {line}")


def test_minutes_are_added_for_the_latest_occurrence_and_posted_in_its_channel(
    workspace: LocalWorkspace, clock: FixedClock
) -> None:
    clock.set(AFTER_THE_JOUR_FIXE)
    reply = add(workspace, PORTUGUESE, f"1 {MINUTES}")
    assert "Added: Minutes of Jour fixe of the core countries (#1) on Thu 4 Jan 2024" in (
        reply.ack_text
    )
    assert "Posting it in the meeting's channel" in reply.ack_text
    (posted,) = workspace.emulator.messages(JOUR_FIXE_CHANNEL)
    assert MINUTES in posted.text and posted.thread_ts is None
    assert "<@U0PT>" in str(posted.blocks)


def test_a_recording_for_a_named_date_goes_in_the_agendas_thread(
    workspace: LocalWorkspace, clock: FixedClock
) -> None:
    clock.set(datetime(2024, 1, 20, 9, 0, tzinfo=UTC))
    with workspace.database.write() as work:
        work.add(
            Agenda(
                meeting_id=1,
                occurrence_local=datetime(2024, 1, 4, 10, 0),
                channel=JOUR_FIXE_CHANNEL,
                ts="1704362400.000100",
                updated_at=clock.now(),
            )
        )
    reply = add(workspace, COORDINATOR, f"1 on 4 Jan {MINUTES.replace('minutes', 'rec')} recording")
    assert "Recording of Jour fixe" in reply.ack_text and "agenda's thread" in reply.ack_text
    (posted,) = workspace.emulator.messages(JOUR_FIXE_CHANNEL)
    assert posted.thread_ts == "1704362400.000100"


def test_minutes_are_refused_for_a_bad_link_a_stranger_to_the_meeting_and_a_meeting_to_come(
    workspace: LocalWorkspace, clock: FixedClock
) -> None:
    clock.set(AFTER_THE_JOUR_FIXE)
    bad = add(workspace, PORTUGUESE, "1 ftp://share.example/minutes")
    assert "is not an http(s) link" in bad.ack_text
    # Bulgaria is a supporting country: the core countries' jour fixe is not theirs.
    refused = add(workspace, BULGARIAN, f"1 {MINUTES}")
    assert "only they and the coordinators can add its minutes" in refused.ack_text
    ahead = add(workspace, PORTUGUESE, f"1 on 1 Feb 2024 {MINUTES}")
    assert "has not started yet" in ahead.ack_text
    kind = add(workspace, PORTUGUESE, f"1 {MINUTES} recordng")
    assert "did you mean 'recording'" in kind.ack_text
    usage = add(workspace, PORTUGUESE, "one")
    assert "Usage: /meeting minutes &lt;id&gt;" in usage.ack_text
    assert workspace.emulator.messages(JOUR_FIXE_CHANNEL) == []


def test_user_text_in_a_link_is_escaped(workspace: LocalWorkspace, clock: FixedClock) -> None:
    clock.set(AFTER_THE_JOUR_FIXE)
    add(workspace, PORTUGUESE, "1 https://share.example/a&lt;b&gt;&amp;c notes")
    (posted,) = workspace.emulator.messages(JOUR_FIXE_CHANNEL)
    assert "a&lt;b&gt;&amp;c" in str(posted.blocks)
    assert "<b>" not in str(posted.blocks)


def test_the_digest_lists_the_minutes_added_since_the_last_one(
    workspace: LocalWorkspace, clock: FixedClock
) -> None:
    clock.set(AFTER_THE_JOUR_FIXE)
    add(workspace, PORTUGUESE, f"1 {MINUTES}")
    clock.advance(timedelta(minutes=5))
    preview = workspace.command(COORDINATOR, "/digest preview")
    shown = str(preview.ack)
    assert "Minutes and recordings" in shown
    assert "jourfixe/2024-01-minutes" in shown
    assert "1 minutes link" in preview.ack_text


def test_missing_minutes_show_on_the_coordinators_home_tab_a_week_after(
    workspace: LocalWorkspace, clock: FixedClock
) -> None:
    clock.set(datetime(2024, 1, 10, 9, 0, tzinfo=UTC))
    assert "Jour fixe of the core countries, Thu 4 Jan" not in home_text(workspace, COORDINATOR)
    clock.set(datetime(2024, 1, 11, 12, 0, tzinfo=UTC))
    text = home_text(workspace, COORDINATOR)
    assert "Minutes missing" in text, text
    assert "Jour fixe of the core countries (#1), Thu 4 Jan" in text
    assert "Minutes missing" not in home_text(workspace, PORTUGUESE)
    add(workspace, COORDINATOR, f"1 {MINUTES}")
    assert "Jour fixe of the core countries (#1), Thu 4 Jan" not in home_text(
        workspace, COORDINATOR
    )
