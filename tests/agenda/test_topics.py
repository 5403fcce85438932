"""Topics for the jour fixe (#1, for the core countries) of the example consortium, as of
Tue 2 Jan 2024: proposed by its audience, supported once per country, dropped and merged by
coordinators, carried to the next occurrence when one is cancelled."""

from __future__ import annotations

from bot.core import ids
from bot.local.workspace import LocalWorkspace
from tests.support import buttons_in, buttons_of, press

COORDINATOR = "U0COORD1"  # Austria
AUSTRIAN = "U0AT"
PORTUGUESE = "U0PT"
FINNISH = "U0FI"
BULGARIAN = "U0BG"  # a supporting country: not invited to the jour fixe


def _ephemeral_texts(exchange: object) -> list[str]:
    calls = exchange.calls  # type: ignore[attr-defined]
    return [
        c.params.get("text", "")
        for c in calls
        if c.method in ("response_url", "chat.postEphemeral")
    ]


def test_a_member_of_the_audience_proposes_a_topic_for_the_next_jour_fixe(
    workspace: LocalWorkspace,
) -> None:
    reply = workspace.command(PORTUGUESE, '/meeting propose 1 "Twinning <b> & visits"')
    assert "Twinning &lt;b&gt; &amp; visits" in reply.ack_text
    assert "Thu 4 Jan 2024" in reply.ack_text
    assert "Others support it from `/meeting topics 1`" in reply.ack_text
    assert not buttons_of(reply)  # a Support button there would be only the proposer's
    later = workspace.command(COORDINATOR, '/meeting propose 1 "Budget" on 1 Feb 2024')
    assert "Thu 1 Feb 2024" in later.ack_text


def test_a_supporting_country_partner_cannot_propose_for_the_core_jour_fixe(
    workspace: LocalWorkspace,
) -> None:
    reply = workspace.command(BULGARIAN, '/meeting propose 1 "Our topic"')
    assert "is for" in reply.ack_text and "cannot propose" in reply.ack_text
    assert not buttons_of(reply)


def test_support_counts_once_per_country(workspace: LocalWorkspace) -> None:
    workspace.command(PORTUGUESE, '/meeting propose 1 "Twinning visits"')
    # Every member of the audience sees the topics with a Support button each.
    proposed = workspace.command(AUSTRIAN, "/meeting topics 1")
    assert [a for a, _ in buttons_of(proposed)] == [ids.TOPIC_SUPPORT]
    first = press(workspace, AUSTRIAN, proposed, ids.TOPIC_SUPPORT)
    assert any("Austria supports" in t for t in _ephemeral_texts(first))
    second = press(workspace, COORDINATOR, proposed, ids.TOPIC_SUPPORT)
    assert any("Austria already supports" in t for t in _ephemeral_texts(second))
    own = press(workspace, PORTUGUESE, proposed, ids.TOPIC_SUPPORT)
    assert any("Portugal already supports" in t for t in _ephemeral_texts(own))
    bulgarian = press(workspace, BULGARIAN, proposed, ids.TOPIC_SUPPORT)
    assert any("cannot support" in t for t in _ephemeral_texts(bulgarian))
    assert "cannot see its topics" in workspace.command(BULGARIAN, "/meeting topics 1").ack_text
    listed = workspace.command(COORDINATOR, "/meeting topics 1")
    assert "Topics for Jour fixe of the core countries on Thu 4 Jan 2024" in listed.ack_text
    assert "2 countries · Portugal, Austria" in str(listed.ack)


def test_coordinators_drop_and_merge_topics_and_partners_are_refused(
    workspace: LocalWorkspace,
) -> None:
    for title in ("Alpha", "Beta", "Gamma"):
        workspace.command(PORTUGUESE, f'/meeting propose 1 "{title}"')
    # A partner sees the topics with Support only; merging and dropping are refused.
    listed = workspace.command(PORTUGUESE, "/meeting topics 1")
    assert {a for a, _ in buttons_of(listed)} == {ids.TOPIC_SUPPORT}
    refused = workspace.command(PORTUGUESE, "/meeting topics 1 merge 3 into 1")
    assert "Only coordinators can merge topics" in refused.ack_text
    merged = workspace.command(COORDINATOR, "/meeting topics 1 merge 3 into 1")
    blocks = merged.ack["blocks"] if isinstance(merged.ack, dict) else []
    text = str(blocks)
    assert "Alpha" in text and "Beta" in text and "Gamma" not in text
    dropped = workspace.command(COORDINATOR, "/meeting topics 1 drop 2")
    text = str(dropped.ack["blocks"] if isinstance(dropped.ack, dict) else [])
    assert "Beta" not in text and "Alpha" in text
    # The buttons: Support, and Drop on the first (no Up), for coordinators only at the door.
    buttons = buttons_in(dropped.ack["blocks"] if isinstance(dropped.ack, dict) else [])
    assert [a for a, _ in buttons] == [ids.TOPIC_SUPPORT, ids.TOPIC_DROP]
    by_partner = workspace.click(PORTUGUESE, ids.TOPIC_DROP, buttons[1][1])
    assert any("Only coordinators" in t for t in _ephemeral_texts(by_partner))
    by_coordinator = workspace.click(COORDINATOR, ids.TOPIC_DROP, buttons[1][1])
    replaced = [c.params for c in by_coordinator.calls if c.method == "response_url"]
    assert replaced and replaced[-1]["replace_original"] in (True, "true")
    assert "No topics proposed yet" in str(replaced[-1]["blocks"])


def test_topics_of_a_cancelled_occurrence_are_carried_to_the_next(
    workspace: LocalWorkspace,
) -> None:
    workspace.command(PORTUGUESE, '/meeting propose 1 "Carry me"')
    cancelled = workspace.command(COORDINATOR, "/meeting cancel 1 on 4 Jan 2024")
    assert "Cancelled" in cancelled.ack_text
    offers = [
        c.params
        for c in cancelled.calls
        if c.method in ("chat.postEphemeral", "response_url")
        and "Carry topics to Thu 1 Feb 2024" in str(c.params.get("blocks"))
    ]
    assert offers, [c.method for c in cancelled.calls]
    (value,) = [v for a, v in buttons_in(offers[0]["blocks"]) if a == ids.TOPIC_CARRY]
    carried = workspace.click(COORDINATOR, ids.TOPIC_CARRY, value)
    assert any("Carried 1 topic to Thu 1 Feb 2024" in t for t in _ephemeral_texts(carried))
    listed = str(workspace.command(COORDINATOR, "/meeting topics 1").ack)
    assert "Carry me" in listed and "Thu 1 Feb 2024" in listed


def test_open_actions_of_a_cancelled_occurrence_go_with_its_topics(
    workspace: LocalWorkspace,
) -> None:
    workspace.command(PORTUGUESE, '/meeting propose 1 "Carry me"')
    given = workspace.command(COORDINATOR, '/action add PT "Send the roadmap" for meeting 1')
    assert "Send the roadmap" in given.ack_text, given.ack_text
    cancelled = workspace.command(COORDINATOR, "/meeting cancel 1 on 4 Jan 2024")
    offers = [
        c.params
        for c in cancelled.calls
        if c.method in ("chat.postEphemeral", "response_url")
        and "Carry them to Thu 1 Feb 2024" in str(c.params.get("blocks"))
    ]
    assert offers, [c.params.get("text") for c in cancelled.calls]
    assert "1 topic and 1 open action" in offers[0]["text"]
    (value,) = [v for a, v in buttons_in(offers[0]["blocks"]) if a == ids.TOPIC_CARRY]
    carried = workspace.click(COORDINATOR, ids.TOPIC_CARRY, value)
    assert any(
        "Carried 1 topic and 1 open action to Thu 1 Feb 2024" in t
        for t in _ephemeral_texts(carried)
    )
