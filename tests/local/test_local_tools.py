"""`consortium-bot demo` and `shell`: offline, on their own temporary database."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.local.shell import run_shell
from tests.support import EXAMPLE_FILE, ROOT


@pytest.mark.slow
def test_demo_runs_offline_exits_0_and_never_touches_database_url(tmp_path: Path) -> None:
    forbidden = tmp_path / "real.db"
    env = {k: v for k, v in os.environ.items() if not k.startswith("SLACK_")}
    env.update(
        {
            "DATABASE_URL": f"sqlite:///{forbidden}",
            "SLACK_API_URL": "http://127.0.0.1:9/api/",  # a real workspace would be here
            "PYTHONPATH": str(ROOT),
        }
    )
    result = subprocess.run(
        [sys.executable, "-m", "bot", "demo"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Imported capacities.yaml: created 1 consortium, 14 countries" in out
    assert "Coordinator (FFG) (U0COORD1) types: /consortium help" in out
    assert "*Country:* 🇵🇹 Portugal (PT, core country)" in out
    assert "You are not in the CapaCITIES member list yet" in out
    assert "bot opens App Home:" in out
    assert "unchanged 1 consortium, 14 countries" in out
    assert "3 of 3 countries submitted" in out  # Türkiye's note counted for the round
    assert "can be read two ways: Tuesday 12 March 2024 (as I read it)" in out
    assert "Coordinator (FFG) presses “Undo”" in out and "is back on" in out
    assert "| Portugal (PT) | submitted | 2024-01-08 | 1 |" in out
    assert "METHOD:CANCEL" in out
    # The jour fixe scene: topics, the draft, attendance, the action carried and answered done.
    assert "== Draft agenda: Jour fixe of the core countries, Fri 8 Mar 2024 ==" in out
    assert "1. Twinning visits between Lisbon and Tampere (supported by Portugal, Türkiye)" in out
    assert "2 here: Finland 1, Portugal 1" in out
    assert "- Portugal: Send the twinning visit plan to Tampere (due Wed 3 Apr 2024)" in out
    assert "You planned: Send the twinning visit plan to Tampere — done?" in out
    assert "No open actions (yours and your country's)." in out
    assert not forbidden.exists()
    assert not (tmp_path / "consortium.db").exists()


def test_shell_reads_commands_switches_members_and_renders_replies() -> None:
    script = io.StringIO(
        "/consortium whoami\n"
        ":as turkish\n"
        "/consortium whoami\n"
        ":as U0NEWCOMER\n"
        "/consortium help\n"
        "hello\n"
        ":home\n"
        ":quit\n"
    )
    out = io.StringIO()
    assert run_shell(None, "U0FI", script, out) == 0
    transcript = out.getvalue()
    assert "You are Finnish partner (U0FI)." in transcript
    assert "🇫🇮 Finland (FI, core country)" in transcript
    assert "You are now Turkish partner (U0TR)." in transcript
    assert "🇹🇷 Türkiye (TR, core country)" in transcript
    assert "You are now someone the consortium does not know (U0NEWCOMER)." in transcript
    assert "You are not in the CapaCITIES member list yet" in transcript
    assert "Commands start with '/'" in transcript
    assert "bot opens App Home:" in transcript


def test_shell_names_an_ambiguous_member() -> None:
    out = io.StringIO()
    assert run_shell(None, "partner", io.StringIO(""), out) == 2
    assert "'partner' names" in out.getvalue()


def test_shell_shows_the_invitations_by_e_mail_it_would_send(tmp_path: Path) -> None:
    text = EXAMPLE_FILE.read_text(encoding="utf-8").replace(
        "name: Portuguese partner,", "name: Portuguese partner, email: pt.partner@example.org,"
    )
    with_address = tmp_path / "with-address.yaml"
    with_address.write_text(text, encoding="utf-8")
    script = io.StringIO(
        "/consortium invites email\n"
        ":as U0COORD1\n"
        '/meeting schedule webinar "Funding webinar" once on 2027-03-04 at 14:00\n'
        ":quit\n"
    )
    out = io.StringIO()
    assert run_shell(with_address, "U0PT", script, out) == 0
    transcript = out.getvalue()
    assert "comes to pt.partner@example.org as a calendar invitation" in transcript
    assert "bot would e-mail Portuguese partner <pt.partner@example.org>" in transcript
    assert "Subject: Invitation: Funding webinar" in transcript
    assert "[text/calendar; method=REQUEST]" in transcript
