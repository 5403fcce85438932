"""File names people can read: ASCII, lower case, dashes."""

from __future__ import annotations

import re
import unicodedata


def slugify(text: str, fallback: str) -> str:
    """`Türkiye & Portugal` -> `turkiye-portugal`; `fallback` when nothing is left."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:60] or fallback
