"""Whole HTML pages, one per Slack surface: a message in a channel or DM (its top-level
`text` shown as the notification above it), an App Home tab, and a modal."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from html import escape
from typing import Any
from zoneinfo import ZoneInfo

from bot.local.preview.blocks import BlockRenderer
from bot.local.preview.style import STYLESHEET_FILE
from bot.local.render import render_mrkdwn


def _page(title: str, body: str) -> str:
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(title, quote=False)}</title>\n"
        f'<link rel="stylesheet" href="{STYLESHEET_FILE}">\n</head>\n'
        f"<body>\n{body}\n</body>\n</html>\n"
    )


def _seen_by(viewer: str | None, tz: str) -> str:
    if viewer is None:
        return ""
    return f'<span class="muted">as {escape(viewer, quote=False)} sees it ({escape(tz)})</span>'


def _initials(name: str) -> str:
    return escape(name[:1].upper() or "B", quote=False)


def message_page(
    text: str,
    blocks: Sequence[Mapping[str, Any]] | None = None,
    *,
    where: str,
    bot_name: str,
    tz: str = "UTC",
    names: Mapping[str, str] | None = None,
    viewer: str | None = None,
    posted_at: datetime | None = None,
    ephemeral: bool = False,
) -> str:
    """A message as a member in ``tz`` sees it in ``where`` (e.g. ``#announcements``):
    the notification (its top-level ``text``) above, then the message with its blocks;
    ``viewer`` names the reader in the title bar."""
    renderer = BlockRenderer(tz, names)
    notification = escape(render_mrkdwn(text, tz=tz, names=names), quote=False)
    # A message without blocks shows its text, as mrkdwn.
    shown = renderer.blocks(
        blocks or [{"type": "section", "text": {"type": "mrkdwn", "text": text}}]
    )
    when = ""
    if posted_at is not None:
        local = posted_at.astimezone(ZoneInfo(tz))
        when = f'<span class="timestamp">{local:%H:%M}</span>'
    only_you = '<div class="ephemeral">Only visible to you</div>' if ephemeral else ""
    body = (
        '<div class="window">'
        f'<div class="titlebar">{escape(where, quote=False)}{_seen_by(viewer, tz)}</div>'
        '<div class="notification"><span class="what">Notification</span>'
        f"{notification}</div>"
        f'<div class="message"><div class="avatar">{_initials(bot_name)}</div>'
        f'<div class="message-body">{only_you}<div><span class="sender">'
        f'{escape(bot_name, quote=False)}</span><span class="app-badge">APP</span>{when}</div>'
        f"{shown}</div></div></div>"
    )
    return _page(f"{bot_name} in {where}", body)


def home_page(
    view: Mapping[str, Any],
    *,
    bot_name: str,
    tz: str = "UTC",
    names: Mapping[str, str] | None = None,
    viewer: str | None = None,
) -> str:
    """An App Home tab (a ``views.publish`` view) as the member in ``tz`` sees it."""
    shown = BlockRenderer(tz, names).blocks(view.get("blocks") or [])
    body = (
        '<div class="window">'
        f'<div class="titlebar"><div class="avatar">{_initials(bot_name)}</div>'
        f"{escape(bot_name, quote=False)}{_seen_by(viewer, tz)}</div>"
        '<div class="tabs"><span class="active">Home</span><span>Messages</span>'
        "<span>About</span></div>"
        f'<div class="home">{shown}</div></div>'
    )
    return _page(f"{bot_name}: Home", body)


def modal_page(
    view: Mapping[str, Any], *, tz: str = "UTC", names: Mapping[str, str] | None = None
) -> str:
    """A modal (title, blocks, Close and Submit) over a dimmed window."""
    renderer = BlockRenderer(tz, names)
    title = renderer.plain(view.get("title"))
    close = renderer.plain(view.get("close")) if view.get("close") else "Cancel"
    submit = view.get("submit")
    buttons = f'<span class="button">{close}</span>'
    if submit:
        buttons += f'<span class="button primary">{renderer.plain(submit)}</span>'
    body = (
        '<div class="overlay"><div class="modal">'
        f'<div class="modal-title"><span>{title}</span><span class="close">✕</span></div>'
        f'<div class="modal-body">{renderer.blocks(view.get("blocks") or [])}</div>'
        f'<div class="modal-footer">{buttons}</div></div></div>'
    )
    heading = view.get("title")
    return _page(str(heading.get("text")) if isinstance(heading, Mapping) else "Modal", body)
