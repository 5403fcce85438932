"""A country with nobody in the consortium file is told apart from one that did not answer:
`/meeting who` lists it as "no contact listed"; a round's opening, reminder and status say
"no member listed for CZ, FR"; "could not reach" stays for a DM Slack refused.

In the example consortium the Czech Republic, France, Hungary, Italy and the Netherlands are
core countries with no member listed.
"""

from __future__ import annotations

from typing import Any

from bot.local.render import render_message
from bot.local.workspace import Exchange, LocalWorkspace

COORDINATOR = "U0COORD1"
PORTUGUESE = "U0PT"
BULGARIAN = "U0BG"
UNLISTED = "CZ, FR, HU, IT, NL"


def shown(exchange: Exchange) -> str:
    assert exchange.status == 200 and isinstance(exchange.ack, dict), exchange.ack
    return render_message(exchange.ack_text, exchange.ack.get("blocks"))


def dms(exchange: Exchange) -> list[dict[str, Any]]:
    return [c.params for c in exchange.calls if c.method == "chat.postMessage"]


def test_who_lists_countries_without_members_as_no_contact_listed(
    workspace: LocalWorkspace,
) -> None:
    text = shown(workspace.command(PORTUGUESE, "/meeting who 1"))  # the jour fixe: core
    assert "*Czech Republic* — no contact listed" in text
    assert "*Netherlands* — no contact listed" in text
    assert "*Portugal* — No answer: Portuguese partner" in text
    assert "Bulgaria" not in text  # supporting: not invited
    lines = [line for line in text.splitlines() if line.startswith("*")]
    assert lines == sorted(lines)  # one list, by country name


def test_who_for_everyone_and_for_wp_leads(workspace: LocalWorkspace) -> None:
    everyone = shown(workspace.command(PORTUGUESE, "/meeting who 2"))
    assert "*Bulgaria* — No answer: Bulgarian partner" in everyone
    assert "*France* — no contact listed" in everyone
    leads = shown(workspace.command(PORTUGUESE, "/meeting who 3"))  # the core team: people
    assert "no contact listed" not in leads


def test_opening_a_round_names_the_countries_with_no_member(workspace: LocalWorkspace) -> None:
    opened = workspace.command(COORDINATOR, '/round open "Spring call" due 2024-02-01 for core')
    assert opened.ack_text == (
        "Opened round #2 “Spring call”, due Thu 1 Feb 2024; asking 8 countries by DM; "
        f"no member listed for {UNLISTED} in the consortium file."
        # 2 January is a public holiday in Romania: its DM waits (quiet hours).
        " It waits for a working day and hours where they are: Coordinator (UEFISCDI) at"
        " Wed 3 Jan 2024 08:00 their time."
    )
    asked = {d["channel"] for d in dms(opened)}
    assert asked == {"U0AT", "U0FI", "U0PT", "U0TR", "U0GR", "U0PL", "U0VC"}
    # Said once, in the reply: no DM to the coordinator repeats it.
    assert COORDINATOR not in asked


def test_status_and_remind_say_no_member_listed(workspace: LocalWorkspace) -> None:
    workspace.command(COORDINATOR, '/round open "Spring call" due 2024-02-01 for PT CZ FR')
    status = workspace.command(PORTUGUESE, "/round status")
    text = shown(status)
    assert "Czech Republic: *missing* · no member listed" in text
    assert "Portugal: *missing* · 22 working days left\n" in text + "\n"  # no "no member"
    assert "No member listed for CZ, FR in the consortium file, so nobody there can be asked." in (
        text
    )
    assert status.ack_text.endswith("; no member listed for CZ, FR in the consortium file")
    remind = workspace.command(COORDINATOR, "/round remind 2")
    assert remind.ack_text == (
        "Reminding 1 country of “Spring call”: PT; "
        "no member listed for CZ, FR in the consortium file."
    )
    assert [d["channel"] for d in dms(remind)] == [PORTUGUESE]
    workspace.command(PORTUGUESE, "/update The platform is live")  # a free note: not an answer
    view_round = shown(workspace.command(PORTUGUESE, "/round status"))
    assert "Portugal: *missing*" in view_round


def test_a_round_only_for_unlisted_countries_asks_nobody_and_says_why(
    workspace: LocalWorkspace,
) -> None:
    opened = workspace.command(COORDINATOR, '/round open "Gap call" due 2024-02-01 for CZ FR')
    assert opened.ack_text == (
        "Opened round #2 “Gap call”, due Thu 1 Feb 2024; asking 0 countries by DM; "
        "no member listed for CZ, FR in the consortium file."
    )
    assert dms(opened) == []
    remind = workspace.command(COORDINATOR, "/round remind 2")
    assert remind.ack_text == (
        "Nobody to remind for “Gap call”: no member listed for CZ, FR in the consortium file."
    )
    assert remind.calls == []


def test_a_dm_slack_refuses_is_still_could_not_reach(workspace: LocalWorkspace) -> None:
    workspace.emulator.inject_fault("chat.postMessage", status=200, error="user_disabled")
    opened = workspace.command(COORDINATOR, '/round open "Spring call" due 2024-02-01 for PT')
    assert (
        opened.ack_text
        == "Opened round #2 “Spring call”, due Thu 1 Feb 2024; asking 1 country by DM."
    )
    told = [d["text"] for d in dms(opened) if d["channel"] == COORDINATOR]
    assert told == ["I could not reach some members of PT (user_disabled); I will try again."]
