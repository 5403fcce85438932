"""The `/meeting` subcommands about one occurrence's records (topics, agenda, attendance,
minutes), each answered by its own feature; `commands.py` hands them over by their word."""

from __future__ import annotations
