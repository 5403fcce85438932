"""Settings, read once from the environment (and a `.env` file when present) into a frozen object.

A missing or malformed setting raises `SettingsError` with one line naming it; the CLI prints
that line and exits, never a traceback. Tokens never appear in `repr()` or logs.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlparse

from dotenv import dotenv_values

from scheduling.addresses import address_problem, bare_address, domain_problem
from storage.db import DEFAULT_TIMEOUT_SECONDS, database_backend

SLACK_DEFAULT_API_URL = "https://slack.com/api/"
DEFAULT_PORT = 3000
DEFAULT_DATABASE_FILE = "consortium.db"


class SettingsError(Exception):
    """A setting is missing or malformed; the message is one line that names it."""


@dataclass(frozen=True)
class SmtpServer:
    """SMTP_URL read: `smtp://` speaks STARTTLS (plain text only to this machine itself),
    `smtps://` TLS from the start; user and password when the URL names them."""

    host: str
    port: int
    security: str  # "tls", "starttls" or "none"
    user: str | None = field(default=None, repr=False)
    password: str | None = field(default=None, repr=False)


@dataclass(frozen=True)
class Settings:
    slack_bot_token: str | None = field(default=None, repr=False)
    slack_signing_secret: str | None = field(default=None, repr=False)
    slack_app_token: str | None = field(default=None, repr=False)
    slack_api_url: str = SLACK_DEFAULT_API_URL
    database_url: str = ""
    public_url: str | None = None
    port: int = DEFAULT_PORT
    database_timeout: float = DEFAULT_TIMEOUT_SECONDS
    mail_from: str | None = None  # an address with a real domain: the invitations' organiser
    smtp: SmtpServer | None = None  # where invitations by e-mail are sent from (SMTP_URL)

    @property
    def organizer(self) -> str:
        """The ORGANIZER of the calendar files: MAIL_FROM, else noreply@ the public URL's host
        when that is a domain name, else an address in `.invalid` (RFC 2606: no one's)."""
        if self.mail_from is not None:
            return bare_address(self.mail_from)
        host = urlparse(self.public_url).hostname if self.public_url else None
        if host is not None and domain_problem(host) is None:
            return f"noreply@{host}"
        return "noreply@consortium-bot.invalid"

    def require(self, *names: str) -> None:
        """Stop with a clear line if a setting the chosen command needs is unset."""
        for name in names:
            if not getattr(self, name.lower()):
                raise SettingsError(f"{name} is not set: {_PURPOSE[name]}")


_PURPOSE = {
    "SLACK_BOT_TOKEN": "the bot token (xoxb-…) from the app's OAuth & Permissions page",
    "SLACK_SIGNING_SECRET": "the signing secret from the app's Basic Information page",
    "SLACK_APP_TOKEN": "an app-level token (xapp-…) with connections:write, for Socket Mode",
}


def load_settings(
    environ: Mapping[str, str] | None = None, env_file: Path | None = Path(".env")
) -> Settings:
    """Read the settings; the process environment wins over the `.env` file."""
    get = _reader(environ, env_file)

    return Settings(
        slack_bot_token=_token(get("SLACK_BOT_TOKEN"), "SLACK_BOT_TOKEN", ("xoxb-",)),
        slack_signing_secret=_secret(get("SLACK_SIGNING_SECRET")),
        slack_app_token=_token(get("SLACK_APP_TOKEN"), "SLACK_APP_TOKEN", ("xapp-",)),
        slack_api_url=_api_url(get("SLACK_API_URL")),
        database_url=_database_url(get("DATABASE_URL")),
        public_url=_public_url(get("PUBLIC_URL")),
        port=_port(get("PORT")),
        database_timeout=_seconds(get("DATABASE_TIMEOUT"), "DATABASE_TIMEOUT"),
        mail_from=_mail_from(get("MAIL_FROM")),
        smtp=_smtp(get("SMTP_URL"), get("MAIL_FROM")),
    )


def database_url_if_set(
    environ: Mapping[str, str] | None = None, env_file: Path | None = Path(".env")
) -> str | None:
    """DATABASE_URL, checked as `load_settings` checks it, or None when it is not set: for
    `shell`, which then uses a temporary database rather than ./consortium.db."""
    value = _reader(environ, env_file)("DATABASE_URL")
    return None if value is None else _database_url(value)


def _reader(
    environ: Mapping[str, str] | None, env_file: Path | None
) -> Callable[[str], str | None]:
    values: dict[str, str] = {}
    if env_file is not None and env_file.is_file():
        values.update({k: v for k, v in dotenv_values(env_file).items() if v is not None})
    values.update(os.environ if environ is None else environ)

    def get(name: str) -> str | None:
        value = values.get(name, "").strip()
        return value or None

    return get


def _token(value: str | None, name: str, prefixes: tuple[str, ...]) -> str | None:
    if value is None:
        return None
    if not value.startswith(prefixes) or re.search(r"\s", value):
        # Never echo the value: it may be a real secret pasted into the wrong variable.
        raise SettingsError(f"{name} is malformed: it should start with {' or '.join(prefixes)}")
    return value


def _secret(value: str | None) -> str | None:
    if value is not None and re.search(r"\s", value):
        raise SettingsError("SLACK_SIGNING_SECRET is malformed: it contains whitespace")
    return value


def _http_url(value: str, name: str) -> str:
    parsed = urlparse(value)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise SettingsError(f"{name} is malformed: {value!r} is not an http(s) URL")
    return value


def _api_url(value: str | None) -> str:
    if value is None:
        return SLACK_DEFAULT_API_URL
    url = _http_url(value, "SLACK_API_URL")
    # slack_sdk joins method names onto the base URL, which therefore has to end with a slash.
    return url if url.endswith("/") else url + "/"


def _public_url(value: str | None) -> str | None:
    return None if value is None else _http_url(value, "PUBLIC_URL").rstrip("/")


def _database_url(value: str | None) -> str:
    if value is None:
        return f"sqlite:///{Path.cwd() / DEFAULT_DATABASE_FILE}"
    try:
        backend, database = database_backend(value)
    except ValueError:
        raise SettingsError(
            f"DATABASE_URL is malformed: expected sqlite:///FILE or "
            f"postgresql+psycopg://USER@HOST/DB, got {_redact(value)!r}"
        ) from None
    if backend == "postgres":
        return value
    if backend not in ("sqlite", "postgresql"):
        raise SettingsError(f"DATABASE_URL names an unsupported database {backend!r}")
    if backend == "sqlite" and database in (None, "", ":memory:"):
        raise SettingsError("DATABASE_URL must name a SQLite file, not an in-memory database")
    return value


def _mail_from(value: str | None) -> str | None:
    """MAIL_FROM: `bot@example.org` or `Consortium bot <bot@example.org>`."""
    if value is None:
        return None
    problem = address_problem(value)
    if problem is not None:
        raise SettingsError(f"MAIL_FROM is malformed: {problem}; it names the meetings' organiser")
    return value


_LOOPBACK_HOSTS = ("localhost", "127.0.0.1", "::1")


def _smtp(value: str | None, mail_from: str | None) -> SmtpServer | None:
    """SMTP_URL: `smtp://USER:PASSWORD@HOST:587` (STARTTLS) or `smtps://…@HOST:465`."""
    if value is None:
        return None
    parsed = urlparse(value)
    try:
        port = parsed.port
    except ValueError:
        port = -1
    if parsed.scheme not in ("smtp", "smtps") or not parsed.hostname or port == -1:
        raise SettingsError(
            f"SMTP_URL is malformed: expected smtp://USER:PASSWORD@HOST:587 or smtps://…,"
            f" got {_redact(value)!r}"
        )
    if mail_from is None:
        raise SettingsError("MAIL_FROM is not set: invitations by e-mail need a sender address")
    host = parsed.hostname
    user = unquote(parsed.username) if parsed.username else None
    password = unquote(parsed.password) if parsed.password else None
    if not all(part.isascii() for part in (user or "", password or "")):
        # SMTP AUTH sends them as ASCII: a server could never be logged in to.
        raise SettingsError("SMTP_URL is malformed: its user and password must be ASCII")
    if parsed.scheme == "smtps":
        security = "tls"
    else:
        # Never credentials in clear text over a network: plain SMTP only to this machine.
        security = "none" if host in _LOOPBACK_HOSTS else "starttls"
    return SmtpServer(host, port or (465 if security == "tls" else 587), security, user, password)


def _redact(value: str) -> str:
    """A URL fit for an error message: whatever precedes its host (user, password) hidden."""
    return re.sub(r"://[^/]*@", "://***@", value)


def _seconds(value: str | None, name: str) -> float:
    if value is None:
        return DEFAULT_TIMEOUT_SECONDS
    try:
        seconds = float(value)
    except ValueError:
        seconds = 0.0
    if not 1 <= seconds <= 3600:
        raise SettingsError(f"{name} is malformed: {value!r} is not a number of seconds (1-3600)")
    return seconds


def _port(value: str | None) -> int:
    if value is None:
        return DEFAULT_PORT
    if not (value.isascii() and value.isdecimal()) or not 0 < int(value) < 65536:
        raise SettingsError(f"PORT is malformed: {value!r} is not a port number (1-65535)")
    return int(value)
