"""Settings and the command line: clear one-line failures, tokens never shown."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.settings import SLACK_DEFAULT_API_URL, SettingsError, load_settings
from tests.support import EXAMPLE_FILE, run_cli

SECRET_TOKEN = "xoxb-1234-SECRET-never-print-me"


def test_defaults_need_no_setup(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    settings = load_settings({}, env_file=None)
    assert settings.slack_api_url == SLACK_DEFAULT_API_URL
    assert settings.database_url == f"sqlite:///{tmp_path / 'consortium.db'}"
    assert settings.port == 3000
    assert settings.public_url is None


def test_the_environment_wins_over_the_env_file(tmp_path: Path) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text(
        "PORT=4000\nSLACK_API_URL=http://127.0.0.1:9/api\nPUBLIC_URL=https://bot.example.org/\n"
    )
    settings = load_settings({"PORT": "5000"}, env_file=env_file)
    assert settings.port == 5000
    assert settings.slack_api_url == "http://127.0.0.1:9/api/"
    assert settings.public_url == "https://bot.example.org"


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("PORT", "eighty", "PORT is malformed"),
        ("PORT", "70000", "PORT is malformed"),
        ("SLACK_API_URL", "slack.com/api", "SLACK_API_URL is malformed"),
        ("PUBLIC_URL", "ftp://x", "PUBLIC_URL is malformed"),
        ("DATABASE_URL", "not a url", "DATABASE_URL is malformed"),
        ("DATABASE_URL", "mysql://x/y", "DATABASE_URL names an unsupported database"),
        ("DATABASE_URL", "sqlite://", "DATABASE_URL must name a SQLite file"),
        ("SLACK_BOT_TOKEN", "xapp-wrong-kind", "SLACK_BOT_TOKEN is malformed"),
        ("SLACK_APP_TOKEN", "xoxb-wrong-kind", "SLACK_APP_TOKEN is malformed"),
    ],
)
def test_a_malformed_setting_is_named_in_one_line(name: str, value: str, message: str) -> None:
    with pytest.raises(SettingsError) as caught:
        load_settings({name: value}, env_file=None)
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize(
    ("environment", "message"),
    [
        ({"MAIL_FROM": "bot@10.0.0.7"}, "MAIL_FROM is malformed: '10.0.0.7' is an address"),
        ({"MAIL_FROM": "bot@localhost"}, "'localhost' is not a domain name with a dot"),
        ({"MAIL_FROM": "no address"}, "'no address' is not a mail address"),
        ({"SMTP_URL": "smtp://mail.example.org:587"}, "MAIL_FROM is not set"),
        ({"SMTP_URL": "imap://x", "MAIL_FROM": "b@example.org"}, "SMTP_URL is malformed"),
        ({"SMTP_URL": "smtp://u:p@h:99999", "MAIL_FROM": "b@example.org"}, "smtp://***@h:99999"),
        ({"SMTP_URL": "smtp://u:p@ss@h:9x", "MAIL_FROM": "b@example.org"}, "smtp://***@h:9x"),
        ({"SMTP_URL": "smtp://u:p%C3%A4ss@h", "MAIL_FROM": "b@example.org"}, "must be ASCII"),
    ],
)
def test_mail_settings_are_checked_at_start(environment: dict[str, str], message: str) -> None:
    with pytest.raises(SettingsError, match=re.escape(message)):
        load_settings(environment, env_file=None)


def test_the_organiser_is_mail_from_else_the_public_host_if_it_is_a_domain() -> None:
    named = load_settings({"MAIL_FROM": "Bot <bot@capacities.eu>"}, env_file=None)
    assert named.organizer == "bot@capacities.eu"
    assert load_settings({"PUBLIC_URL": "https://bot.capacities.eu"}, env_file=None).organizer == (
        "noreply@bot.capacities.eu"
    )
    by_ip = load_settings({"PUBLIC_URL": "http://192.0.2.10:3000"}, env_file=None)
    assert by_ip.organizer == "noreply@consortium-bot.invalid"
    smtp = load_settings(
        {"SMTP_URL": "smtp://me%40x.org:s%3Acret@mail.x.org", "MAIL_FROM": "b@x.org"},
        env_file=None,
    ).smtp
    assert smtp is not None
    assert (smtp.host, smtp.port, smtp.security, smtp.user, smtp.password) == (
        "mail.x.org", 587, "starttls", "me@x.org", "s:cret",
    )  # fmt: skip
    assert "s:cret" not in repr(smtp)


def test_tokens_never_appear_in_repr_or_errors() -> None:
    settings = load_settings(
        {"SLACK_BOT_TOKEN": SECRET_TOKEN, "SLACK_SIGNING_SECRET": "s3cr3t"}, env_file=None
    )
    assert SECRET_TOKEN not in repr(settings)
    assert "s3cr3t" not in repr(settings)
    with pytest.raises(SettingsError) as caught:
        load_settings({"SLACK_APP_TOKEN": SECRET_TOKEN}, env_file=None)
    assert SECRET_TOKEN not in str(caught.value)


@pytest.mark.slow
def test_serve_without_a_token_stops_with_one_clear_line(tmp_path: Path) -> None:
    result = run_cli("serve", cwd=tmp_path, env={"SLACK_SIGNING_SECRET": "x"})
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "consortium-bot: SLACK_BOT_TOKEN is not set: the bot token (xoxb-…) from the app's "
        "OAuth & Permissions page"
    ]


@pytest.mark.slow
def test_socket_without_an_app_token_stops_with_one_clear_line(tmp_path: Path) -> None:
    result = run_cli("socket", cwd=tmp_path, env={"SLACK_BOT_TOKEN": SECRET_TOKEN})
    assert result.returncode == 2
    assert "SLACK_APP_TOKEN is not set" in result.stderr
    assert "Traceback" not in result.stderr
    assert SECRET_TOKEN not in result.stderr + result.stdout


@pytest.mark.slow
def test_a_malformed_port_stops_serve_with_one_line(tmp_path: Path) -> None:
    result = run_cli("serve", cwd=tmp_path, env={"PORT": "http"})
    assert result.returncode == 2
    assert (
        result.stderr.strip()
        == "consortium-bot: PORT is malformed: 'http' is not a port number (1-65535)"
    )


@pytest.mark.slow
def test_import_then_import_again_then_db_current(tmp_path: Path) -> None:
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'c.db'}"}
    first = run_cli("import", str(EXAMPLE_FILE), cwd=tmp_path, env=env)
    assert first.returncode == 0, first.stderr
    assert (
        "created 1 consortium, 14 countries, 3 channels, 10 members, 6 meetings, 1 rounds"
        in first.stdout
    )
    second = run_cli("import", str(EXAMPLE_FILE), cwd=tmp_path, env=env)
    assert second.returncode == 0
    assert "created" not in second.stdout and "updated" not in second.stdout
    current = run_cli("db", "current", cwd=tmp_path, env=env)
    assert "schema 0015 (latest 0015)" in current.stdout


@pytest.mark.slow
def test_a_bad_file_is_rejected_whole_with_file_and_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(EXAMPLE_FILE.read_text(encoding="utf-8").replace("country: PT", "country: ZZ"))
    database = tmp_path / "c.db"
    result = run_cli(
        "import", str(bad), cwd=tmp_path, env={"DATABASE_URL": f"sqlite:///{database}"}
    )
    assert result.returncode == 1
    assert "the consortium file was rejected; nothing was changed" in result.stderr
    assert f"{bad}:39: unknown country code 'ZZ'" in result.stderr
    assert "Traceback" not in result.stderr
    assert not database.exists()


@pytest.mark.slow
def test_db_upgrade_uses_the_default_sqlite_file_in_the_working_directory(tmp_path: Path) -> None:
    result = run_cli("db", "upgrade", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "consortium.db").exists()
    assert "schema empty -> 0015" in result.stdout


@pytest.mark.slow
def test_an_unreachable_database_is_one_line(tmp_path: Path) -> None:
    result = run_cli(
        "db",
        "upgrade",
        cwd=tmp_path,
        env={"DATABASE_URL": "postgresql+psycopg://nobody@127.0.0.1:1/none"},
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
