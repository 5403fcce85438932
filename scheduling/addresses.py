"""Mail addresses, read once wherever one enters (the consortium file, MAIL_FROM): a local
part and a domain name a mail server could deliver to; not an IP, not a single label."""

from __future__ import annotations

import re
from email.utils import parseaddr

MAX_ADDRESS_LENGTH = 254  # RFC 5321's longest forward path, less its angle brackets
_LABEL = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?")
_LOCAL_PART = re.compile(r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}")


def domain_problem(domain: str) -> str | None:
    """Why `domain` cannot be a mail domain (an IP, a single label, a bad label), or None."""
    labels = domain.rstrip(".").split(".")
    if len(labels) < 2:
        return f"{domain!r} is not a domain name with a dot"
    if not labels[-1].isalpha():
        return f"{domain!r} is an address or has no top-level domain"
    if not all(_LABEL.fullmatch(label) for label in labels) or len(domain) > 253:
        return f"{domain!r} is not a valid domain name"
    return None


def address_problem(text: str) -> str | None:
    """Why `text` (`bot@example.org` or `Name <bot@example.org>`) is not a mail address."""
    address = parseaddr(text)[1]
    local, _, domain = address.rpartition("@")
    if not local:
        return f"{text!r} is not a mail address"
    if len(address) > MAX_ADDRESS_LENGTH:
        return f"{text!r} is longer than {MAX_ADDRESS_LENGTH} characters"
    if not _LOCAL_PART.fullmatch(local):
        return f"{local!r} is not the local part of a mail address"
    return domain_problem(domain)


def bare_address(text: str) -> str:
    """`bot@example.org` from `Name <bot@example.org>` (or from itself)."""
    return parseaddr(text)[1]
