"""A real SMTP server on loopback (aiosmtpd) that keeps what it is sent, and answers a
recipient with a 4xx or 5xx, or holds the session there, when a test asks."""

from __future__ import annotations

import asyncio
import email
import email.policy
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Received:
    sender: str
    recipients: list[str]
    message: EmailMessage

    def calendar_part(self) -> tuple[str, bytes]:
        """The text/calendar part: its method parameter and its bytes."""
        for part in self.message.walk():
            if part.get_content_type() == "text/calendar":
                payload = part.get_payload(decode=True)
                assert isinstance(payload, bytes)
                return str(part.get_param("method")), payload
        raise AssertionError("no text/calendar part")


class Mailbox:
    """The handler: `received`, and per-recipient answers to give (`refuse`) or holds."""

    def __init__(self) -> None:
        self.received: list[Received] = []
        self.answers: dict[str, list[str]] = {}
        self.hold = threading.Event()
        self.hold.set()  # not holding
        self.held = threading.Event()
        self.lock = threading.Lock()
        self.hold_from: int | None = None  # hold the session at this RCPT (counted from 1)
        self.recipients_seen = 0

    def refuse(self, recipient: str, *answers: str) -> None:
        """Answer the next RCPTs of `recipient` with these replies (`451 4.3.0 Try later`)."""
        with self.lock:
            self.answers.setdefault(recipient, []).extend(answers)

    def to(self, recipient: str) -> list[Received]:
        with self.lock:
            return [r for r in self.received if recipient in r.recipients]

    async def handle_RCPT(  # noqa: N802 (aiosmtpd's name)
        self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: Any
    ) -> str:
        with self.lock:
            self.recipients_seen += 1
            if self.hold_from is not None and self.recipients_seen >= self.hold_from:
                self.hold.clear()
        if not self.hold.is_set():
            self.held.set()
            await asyncio.get_running_loop().run_in_executor(None, self.hold.wait)
        with self.lock:
            answers = self.answers.get(address)
            if answers:
                return answers.pop(0)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        with self.lock:
            self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"


@contextmanager
def smtp_server() -> Iterator[tuple[Mailbox, int]]:
    """A running SMTP server on 127.0.0.1 and its port."""
    mailbox = Mailbox()
    port = free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield mailbox, port
    finally:
        mailbox.hold.set()
        controller.stop()
