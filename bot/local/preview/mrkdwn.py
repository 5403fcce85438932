"""Slack mrkdwn as HTML: *bold*, _italic_, ~strike~, `code`, ```pre```, > quotes, links,
mentions, date tokens (in the reader's zone) and common emoji shortcodes.

The ``<...>`` tokens are read by the plain-text renderer (`bot.local.render.mrkdwn_parts`), so
both renderers show the same names and dates. Every piece of text is HTML-escaped here:
nothing a member typed can become markup.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from html import escape

from bot.local.render import Reference, mrkdwn_parts

# Each <...> token stands in the text as one private-use character while the formatting is
# read, so a link's address can never be taken for _italic_ and a label never for *bold*.
_FIRST_SLOT = 0xE000
_LAST_SLOT = 0xF8FF
_SLOT = re.compile(f"[{chr(_FIRST_SLOT)}-{chr(_LAST_SLOT)}]")

_PRE = re.compile(r"```(.*?)```", re.DOTALL)
_CODE = re.compile(r"`([^`\n]+)`")
_QUOTE = re.compile(r"^>\s?")
_EMOJI = re.compile(r":([a-z0-9_+-]+):")


def _styled(marker: str) -> re.Pattern[str]:
    mark = re.escape(marker)
    # Slack's rule: the marks stand at word edges and hug the text they format.
    return re.compile(rf"(?<![\w{mark}]){mark}(?=\S)([^{mark}\n]+?)(?<=\S){mark}(?![\w{mark}])")


_STYLES = ((_styled("*"), "b"), (_styled("_"), "i"), (_styled("~"), "s"))

# The shortcodes people and bots use most; any other stays as typed, as it would in a preview.
EMOJI = {
    "white_check_mark": "✅",
    "heavy_check_mark": "✔️",
    "x": "❌",
    "warning": "⚠️",
    "exclamation": "❗",
    "question": "❓",
    "information_source": "ℹ️",
    "calendar": "📆",
    "date": "📅",
    "spiral_calendar_pad": "🗓️",
    "clock": "🕒",
    "alarm_clock": "⏰",
    "hourglass": "⌛",
    "hourglass_flowing_sand": "⏳",
    "bell": "🔔",
    "memo": "📝",
    "pencil": "📝",
    "page_facing_up": "📄",
    "link": "🔗",
    "pushpin": "📌",
    "email": "📧",
    "envelope": "✉️",
    "wave": "👋",
    "tada": "🎉",
    "eyes": "👀",
    "thumbsup": "👍",
    "+1": "👍",
    "thumbsdown": "👎",
    "-1": "👎",
    "red_circle": "🔴",
    "large_green_circle": "🟢",
    "large_yellow_circle": "🟡",
    "rocket": "🚀",
    "globe_with_meridians": "🌐",
    "busts_in_silhouette": "👥",
    "bust_in_silhouette": "👤",
    "gear": "⚙️",
    "inbox_tray": "📥",
    "outbox_tray": "📤",
    "mega": "📣",
    "sparkles": "✨",
}


def emoji(text: str) -> str:
    """Replaces known ``:shortcodes:`` with their emoji; unknown ones stay as typed."""
    return _EMOJI.sub(lambda match: EMOJI.get(match[1], match[0]), text)


def reference_html(reference: Reference) -> str:
    """A mention, channel, date or link as Slack shows it."""
    text = escape(reference.text, quote=False)
    if reference.kind == "link":
        url = reference.url or ""
        if not url.lower().startswith(("https://", "http://", "mailto:")):
            return f'<span class="link">{text}</span>'
        return f'<a class="link" href="{escape(url, quote=True)}">{text}</a>'
    if reference.kind == "date":
        return f'<span class="date">{text}</span>'
    return f'<span class="mention {reference.kind}">{text}</span>'


class _Slots:
    """Pieces of one text already made HTML (the <...> tokens, code spans), each standing in
    the text as one private-use character while the rest is formatted."""

    def __init__(self, text: str, tz: str, names: Mapping[str, str] | None) -> None:
        self.pieces: list[tuple[str, str]] = []  # (HTML, escaped plain text) of each slot
        shown: list[str] = []
        for part in mrkdwn_parts(text, tz=tz, names=names):
            if isinstance(part, str):
                # A member's own private-use characters must not pose as slots.
                shown.append(_SLOT.sub("\ufffd", part))
            else:
                plain = escape(part.plain, quote=False)
                shown.append(
                    self.hold(reference_html(part), plain, _SLOT.sub("\ufffd", part.plain))
                )
        self.text = "".join(shown)

    def hold(self, html: str, plain: str, fallback: str) -> str:
        """The slot standing for `html` (`fallback` once every slot is taken)."""
        if len(self.pieces) > _LAST_SLOT - _FIRST_SLOT:
            return fallback
        self.pieces.append((html, plain))
        return chr(_FIRST_SLOT + len(self.pieces) - 1)

    def html(self, escaped: str) -> str:
        return _SLOT.sub(lambda match: self.pieces[ord(match[0]) - _FIRST_SLOT][0], escaped)

    def plain(self, escaped: str) -> str:
        return _SLOT.sub(lambda match: self.pieces[ord(match[0]) - _FIRST_SLOT][1], escaped)


def _inline(line: str, slots: _Slots) -> str:
    """One line: `code` first (nothing inside it is formatted), then *bold*, _italic_, ~strike~
    and emoji over the rest, so a bold phrase may hold code or a link."""

    def code(match: re.Match[str]) -> str:
        inside = slots.plain(escape(match[1], quote=False))
        return slots.hold(f"<code>{inside}</code>", inside, match[0])

    shown = emoji(escape(_CODE.sub(code, line), quote=False))
    for pattern, tag in _STYLES:
        shown = pattern.sub(rf"<{tag}>\1</{tag}>", shown)
    return slots.html(shown)


def _lines(text: str, slots: _Slots) -> list[str]:
    """Lines grouped as Slack shows them: runs of `>` lines become one quote."""
    shown: list[str] = []
    quoted: list[str] = []
    plain: list[str] = []

    def flush() -> None:
        if plain:
            shown.append(f"<p>{'<br>'.join(plain)}</p>")
            plain.clear()
        if quoted:
            shown.append(f"<blockquote>{'<br>'.join(quoted)}</blockquote>")
            quoted.clear()

    for line in text.split("\n"):
        quote = _QUOTE.match(line)
        if (quote and plain) or (not quote and quoted):
            flush()
        if quote:
            quoted.append(_inline(line[quote.end() :], slots))
        else:
            plain.append(_inline(line, slots))
    flush()
    return shown


def mrkdwn_html(text: str, *, tz: str = "UTC", names: Mapping[str, str] | None = None) -> str:
    """Slack mrkdwn (with Slack's &amp; &lt; &gt; escaping) as escaped, formatted HTML; dates
    in ``tz``, and ``names`` (Slack IDs to names) for mentions."""
    slots = _Slots(text, tz, names)
    shown: list[str] = []
    position = 0
    for match in _PRE.finditer(slots.text):
        before = slots.text[position : match.start()].removesuffix("\n")
        if before:
            shown.extend(_lines(before, slots))
        body = match[1].removeprefix("\n")
        shown.append(f"<pre>{slots.plain(escape(body, quote=False))}</pre>")
        position = match.end()
        if slots.text.startswith("\n", position):
            position += 1
    rest = slots.text[position:]
    if rest or not shown:
        shown.extend(_lines(rest, slots))
    return "".join(shown)


def plain_html(text: str, *, emoji_shortcodes: bool = True) -> str:
    """Slack plain_text as escaped HTML: no formatting, but shortcodes become emoji."""
    shown = escape(text, quote=False)
    return emoji(shown) if emoji_shortcodes else shown
