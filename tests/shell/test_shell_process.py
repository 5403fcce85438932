"""`consortium-bot shell` as a process, reading what a person types on standard input."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support import ROOT

pytestmark = pytest.mark.slow


def shell_process(
    script: str, cwd: Path, database_url: str | None
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DATABASE_URL"))}
    env["PYTHONPATH"] = str(ROOT)
    if database_url is not None:
        env["DATABASE_URL"] = database_url
    return subprocess.run(
        [sys.executable, "-m", "bot", "shell", "--as", "U0COORD1"],
        input=script, cwd=cwd, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def test_without_database_url_it_runs_on_a_temporary_database_and_leaves_nothing(
    tmp_path: Path,
) -> None:
    result = shell_process("/consortium whoami\n:quit\n", tmp_path, None)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Using a temporary database; everything is lost on :quit.")
    assert "Coordinator (FFG)> /consortium whoami" in result.stdout
    assert result.stderr == ""
    assert list(tmp_path.iterdir()) == []  # no ./consortium.db


def test_with_database_url_a_second_run_finds_what_the_first_made(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'kept.db'}"
    made = shell_process(
        # 6 May 2031 is St George's Day, a public holiday in BG: the bot asks first.
        '/meeting schedule workshop "Kept workshop" once on 2031-05-06 at 10:00\n:click Confirm\n',
        tmp_path,
        url,
    )
    assert made.returncode == 0, made.stderr
    assert f"Using DATABASE_URL {url} — changes are kept." in made.stdout
    assert "Scheduled #" in made.stdout
    found = shell_process("/meeting list\n", tmp_path, url)
    assert found.returncode == 0, found.stderr
    assert "It already holds CapaCITIES" in found.stdout
    assert "Kept workshop" in found.stdout


def test_a_database_it_cannot_reach_is_one_line_without_the_password(tmp_path: Path) -> None:
    url = "postgresql+psycopg://shell:s3cret-pw@127.0.0.1:9/consortium"
    result = shell_process("/meeting list\n", tmp_path, url)
    assert result.returncode == 1
    assert result.stderr.startswith("consortium-bot: cannot use the database")
    assert "Traceback" not in result.stderr
    assert "s3cret-pw" not in result.stdout + result.stderr
