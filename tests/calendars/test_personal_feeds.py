"""Personal feed links through the doors members use: each member's own token per audience,
serving the audience's calendar; `/consortium subscribe reset` (asking first) for oneself,
and for coordinators `reset @member` (the member hears by DM) and `reset shared` (the
audience-wide links from before); the links' line of `/consortium status`; a member's row
deleted takes their tokens with it."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import delete, select

from bot.core import ids
from bot.local.workspace import Exchange, LocalWorkspace
from storage.models import FeedToken, Member, MemberRoleGrant
from tests.support import buttons_of, feed_paths, press, web_client

PORTUGUESE = "U0PT"
GREEK = "U0GR"
BULGARIAN = "U0BG"
COORDINATOR = "U0COORD1"
HOST = "https://consortium.example.org"


def tokens_of(workspace: LocalWorkspace, member: str | None) -> dict[str, str]:
    """A member's stored tokens by audience (None: the shared ones from before)."""
    with workspace.database.read() as work:
        if member is not None:
            return {audience: row.token for audience, row in work.feeds.of_member(member).items()}
        rows = work.session.scalars(select(FeedToken).where(FeedToken.member_id.is_(None)))
        return {row.audience: row.token for row in rows}


def answered(exchange: Exchange) -> str:
    """The text a button's answer (by response_url) carried."""
    replies = [c.params for c in exchange.calls if c.method == "response_url"]
    assert replies, exchange
    return str(replies[-1]["text"])


def add_shared_links(workspace: LocalWorkspace, *audiences: str) -> list[str]:
    """Audience-wide links as the bot handed them out before links were personal."""
    made = []
    with workspace.database.write() as work:
        for number, audience in enumerate(audiences):
            token = f"shared-{audience}-{number}-0123456789abcdefghij"
            work.feeds.add_unless_taken(
                FeedToken(
                    token=token, audience=audience, created_at=datetime(2024, 1, 1, tzinfo=UTC)
                )
            )
            made.append(f"/calendar/{token}.ics")
    return made


def test_two_members_of_two_countries_get_their_own_links_to_the_same_calendars(
    workspace: LocalWorkspace,
) -> None:
    portuguese, greek = feed_paths(workspace, PORTUGUESE), feed_paths(workspace, GREEK)
    assert len(portuguese) == len(greek) == 2  # the whole consortium, the core countries
    assert set(portuguese).isdisjoint(greek)
    assert feed_paths(workspace, PORTUGUESE) == portuguese  # made once, then the same
    assert set(tokens_of(workspace, PORTUGUESE)) == {"all", "core"}
    with web_client(workspace) as http:
        for mine, theirs in zip(portuguese, greek, strict=True):
            one, other = http.get(mine), http.get(theirs)
            assert one.status_code == other.status_code == 200
            assert one.content == other.content  # the audience's calendar, nobody's own


def test_the_home_tab_and_the_welcome_show_the_members_own_links(
    workspace: LocalWorkspace,
) -> None:
    workspace.open_home(PORTUGUESE)
    (home,) = [v for v in workspace.emulator.views().values() if v.get("user") == PORTUGUESE]
    shown = set(re.findall(r"/calendar/[\w-]+\.ics", str(home["blocks"])))
    assert shown == set(feed_paths(workspace, PORTUGUESE))
    welcome = workspace.emulator.messages(PORTUGUESE)
    assert welcome and all(path in str(welcome[0].blocks) for path in shown)


@pytest.mark.parametrize(
    "line",
    [
        "subscribe reset",
        "subscribe rest",
        "subscribe reset links",
        "Subscribe Reset my links please",
    ],
)
def test_a_reset_asks_first_and_forgives_slips(workspace: LocalWorkspace, line: str) -> None:
    before = feed_paths(workspace, PORTUGUESE)
    asked = workspace.command(PORTUGUESE, f"/consortium {line}")
    assert "Reset your calendar feed links?" in asked.ack_text
    assert "stop working at once" in asked.ack_text
    assert [a for a, _ in buttons_of(asked)] == [ids.FEED_RESET_CONFIRM, ids.FEED_RESET_KEEP]
    assert feed_paths(workspace, PORTUGUESE) == before  # nothing happened yet
    kept = press(workspace, PORTUGUESE, asked, ids.FEED_RESET_KEEP)
    assert "Nothing changed: your calendar feed links still work." in answered(kept)
    assert feed_paths(workspace, PORTUGUESE) == before


@pytest.mark.parametrize(
    ("line", "says"),
    [
        ("subscribe resett everything", "whose links `everything` names"),
        ("subscribe shared", "Did you mean `/consortium subscribe reset shared`?"),
        ("subscribe frobnicate", "I don't know `/consortium subscribe frobnicate`."),
    ],
)
def test_a_line_that_cannot_be_read_says_what_to_type(
    workspace: LocalWorkspace, line: str, says: str
) -> None:
    reply = workspace.command(PORTUGUESE, f"/consortium {line}")
    assert says in reply.ack_text
    assert "`/consortium subscribe reset`" in reply.ack_text
    assert buttons_of(reply) == []
    assert tokens_of(workspace, PORTUGUESE) == {}


def test_a_reset_stops_only_the_callers_links(workspace: LocalWorkspace) -> None:
    (old_all, old_core) = feed_paths(workspace, PORTUGUESE)
    greek = feed_paths(workspace, GREEK)
    asked = workspace.command(PORTUGUESE, "/consortium subscribe reset")
    done = press(workspace, PORTUGUESE, asked, ids.FEED_RESET_CONFIRM)
    text = answered(done)
    assert "Your 2 old links stopped working" in text
    assert "subscribe again with a new link" in text
    new = re.findall(HOST + r"(/calendar/[\w-]+\.ics)", text)
    assert len(new) == 2 and {old_all, old_core}.isdisjoint(new)
    assert feed_paths(workspace, PORTUGUESE) == new
    with web_client(workspace) as http:
        assert http.get(old_all).status_code == 404
        assert http.get(old_core).status_code == 404
        assert "`/consortium subscribe`" in http.get(old_all).text
        assert all(http.get(path).status_code == 200 for path in new)
        assert all(http.get(path).status_code == 200 for path in greek)


def test_a_coordinator_resets_a_leaked_link_and_the_member_hears_by_dm(
    workspace: LocalWorkspace,
) -> None:
    greek = feed_paths(workspace, GREEK)
    portuguese = feed_paths(workspace, PORTUGUESE)
    asked = workspace.command(COORDINATOR, f"/consortium subscribe reset <@{GREEK}|greek>")
    assert "Reset the calendar feed links of Greek partner?" in asked.ack_text
    done = press(workspace, COORDINATOR, asked, ids.FEED_RESET_OTHERS_CONFIRM)
    told = answered(done)
    assert "Reset the calendar feed links of Greek partner: 2 old links stopped working" in told
    assert "/calendar/" not in told  # the coordinator never sees the member's new links
    (dm,) = [m for m in workspace.emulator.messages(GREEK) if "New calendar feed links" in m.text]
    assert "Coordinator (FFG) reset your calendar feed links" in dm.text
    new = re.findall(HOST + r"(/calendar/[\w-]+\.ics)", dm.text)
    assert len(new) == 2 and feed_paths(workspace, GREEK) == new
    with web_client(workspace) as http:
        assert [http.get(p).status_code for p in greek] == [404, 404]
        assert [http.get(p).status_code for p in new] == [200, 200]
        assert [http.get(p).status_code for p in portuguese] == [200, 200]


@pytest.mark.parametrize("target", ["@Greek partner", "@greek", GREEK])
def test_a_coordinator_may_name_the_member_by_name_or_id(
    workspace: LocalWorkspace, target: str
) -> None:
    asked = workspace.command(COORDINATOR, f"/consortium subscribe reset {target}")
    assert "Reset the calendar feed links of Greek partner?" in asked.ack_text


def test_a_member_not_in_the_consortium_is_named_so(workspace: LocalWorkspace) -> None:
    reply = workspace.command(COORDINATOR, "/consortium subscribe reset <@U0NOBODY>")
    assert "U0NOBODY is not in the consortium's member list." in reply.ack_text
    assert buttons_of(reply) == []


@pytest.mark.parametrize(
    "line",
    [
        f"subscribe reset <@{GREEK}>",
        f"subscribe reset {GREEK}",
        "subscribe reset shared",
        f"subscribe rest <@{GREEK}>",  # past the door by the slip: the service refuses
        "subscribe reset sharde",
    ],
)
def test_a_partner_cannot_reset_anyone_elses_links(workspace: LocalWorkspace, line: str) -> None:
    greek = feed_paths(workspace, GREEK)
    add_shared_links(workspace, "all")
    reply = workspace.command(PORTUGUESE, f"/consortium {line}")
    assert "Only coordinators can reset" in reply.ack_text
    assert buttons_of(reply) == []
    assert feed_paths(workspace, GREEK) == greek


def test_a_forged_confirmation_is_refused_at_the_door(workspace: LocalWorkspace) -> None:
    greek = feed_paths(workspace, GREEK)
    shared = add_shared_links(workspace, "all")
    for whose in (GREEK, "shared"):
        forged = workspace.click(PORTUGUESE, ids.FEED_RESET_OTHERS_CONFIRM, f'{{"w": "{whose}"}}')
        posted = [c.params for c in forged.calls if c.method == "chat.postEphemeral"]
        assert posted and "Only coordinators can reset" in posted[-1]["text"]
    assert feed_paths(workspace, GREEK) == greek
    with web_client(workspace) as http:
        assert http.get(shared[0]).status_code == 200


def test_a_coordinator_stops_the_shared_links_from_before(workspace: LocalWorkspace) -> None:
    shared = add_shared_links(workspace, "all", "core")
    personal = feed_paths(workspace, PORTUGUESE)
    with web_client(workspace) as http:
        assert [http.get(p).status_code for p in shared] == [200, 200]
    asked = workspace.command(COORDINATOR, "/consortium subscribe reset shared")
    assert "Stop the 2 shared feed links from before links were personal?" in asked.ack_text
    kept = press(workspace, COORDINATOR, asked, ids.FEED_RESET_KEEP)
    assert "the shared feed links from before still work" in answered(kept)
    assert len(tokens_of(workspace, None)) == 2
    done = press(workspace, COORDINATOR, asked, ids.FEED_RESET_OTHERS_CONFIRM)
    assert "Stopped 2 shared feed links from before links were personal" in answered(done)
    assert tokens_of(workspace, None) == {}
    with web_client(workspace) as http:
        assert [http.get(p).status_code for p in shared] == [404, 404]
        assert [http.get(p).status_code for p in personal] == [200, 200]
    again = workspace.command(COORDINATOR, "/consortium subscribe reset shared")
    assert "No shared feed links from before are left" in again.ack_text
    assert buttons_of(again) == []


def test_the_status_counts_personal_links_and_says_whether_shared_ones_remain(
    workspace: LocalWorkspace,
) -> None:
    feed_paths(workspace, PORTUGUESE)
    feed_paths(workspace, COORDINATOR)  # all, core, wp-lead
    add_shared_links(workspace, "all")
    status = workspace.command(COORDINATOR, "/consortium status").ack_text
    assert "Calendar feed links: 5 personal, held by 2 members; 1 shared link from before" in status
    assert "`/consortium subscribe reset shared` stops them" in str(
        workspace.command(COORDINATOR, "/consortium status").ack
    )
    with workspace.database.write() as work:
        work.feeds.revoke_shared()
    status = workspace.command(COORDINATOR, "/consortium status").ack_text
    assert "no shared link from before is left" in status


def test_deleting_a_members_row_deletes_their_links(workspace: LocalWorkspace) -> None:
    bulgarian = feed_paths(workspace, BULGARIAN)
    greek = feed_paths(workspace, GREEK)
    with workspace.database.write() as work:
        work.session.execute(delete(Member).where(Member.slack_id == BULGARIAN))
    assert tokens_of(workspace, BULGARIAN) == {}
    with web_client(workspace) as http:
        assert [http.get(p).status_code for p in bulgarian] == [404, 404]
        assert [http.get(p).status_code for p in greek] == [200, 200]


def test_a_personal_link_serves_only_while_its_holder_is_in_the_audience(
    workspace: LocalWorkspace,
) -> None:
    leader = "U0VC"  # Viable Cities, work-package leader in Sweden (a core country)
    (whole, core, leaders) = feed_paths(workspace, leader)
    with workspace.database.write() as work:
        work.session.execute(
            delete(MemberRoleGrant).where(
                MemberRoleGrant.member_id == leader, MemberRoleGrant.role == "wp-lead"
            )
        )
    with web_client(workspace) as http:
        assert [http.get(p).status_code for p in (whole, core, leaders)] == [200, 200, 404]
