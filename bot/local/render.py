"""Plain-text rendering of what the bot posted, for terminal transcripts of the local workspace.

Dates in Slack's ``<!date^...>`` tokens are shown in the viewer's time zone, so a transcript shows
what a member in Lisbon or Vienna would actually read.
"""

from __future__ import annotations

import mimetypes
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.local.emulator import UploadedFile

DIVIDER_LINE = "-" * 40
FILE_PREVIEW_LINES = 8

# Spelled out rather than taken from strftime so the output does not depend on the locale.
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)

_ANGLE_TOKEN = re.compile(r"<([^<>]*)>")
_DATE_FORMAT_TOKEN = re.compile(r"\{(\w+)\}")

INPUT_KINDS = {
    "plain_text_input": "text input",
    "rich_text_input": "rich text input",
    "number_input": "number input",
    "email_text_input": "email input",
    "url_text_input": "URL input",
    "static_select": "select",
    "external_select": "select",
    "users_select": "user select",
    "conversations_select": "conversation select",
    "channels_select": "channel select",
    "multi_static_select": "multi-select",
    "multi_external_select": "multi-select",
    "multi_users_select": "multi user select",
    "multi_conversations_select": "multi conversation select",
    "multi_channels_select": "multi channel select",
    "datepicker": "date picker",
    "timepicker": "time picker",
    "datetimepicker": "date and time picker",
    "checkboxes": "checkboxes",
    "radio_buttons": "radio buttons",
    "file_input": "file input",
}


def _short_date(moment: datetime) -> str:
    weekday, month = _WEEKDAYS[moment.weekday()][:3], _MONTHS[moment.month - 1][:3]
    return f"{weekday} {moment.day} {month} {moment.year}"


def _long_date(moment: datetime) -> str:
    return f"{_WEEKDAYS[moment.weekday()]} {moment.day} {_MONTHS[moment.month - 1]} {moment.year}"


def _time_of_day(moment: datetime) -> str:
    return f"{moment:%H:%M} {moment.tzname()}"


def _time_with_seconds(moment: datetime) -> str:
    return f"{moment:%H:%M:%S} {moment.tzname()}"


def _full_moment(moment: datetime) -> str:
    return f"{_short_date(moment)} {_time_of_day(moment)}"


# Relative forms ("today", "3 minutes ago") would make transcripts depend on when they were made.
_DATE_TOKENS: dict[str, Callable[[datetime], str]] = {
    "date_num": lambda moment: f"{moment:%Y-%m-%d}",
    "date": _short_date,
    "date_short": _short_date,
    "date_pretty": _short_date,
    "date_short_pretty": _short_date,
    "date_long": _long_date,
    "date_long_pretty": _long_date,
    "time": _time_of_day,
    "time_secs": _time_with_seconds,
    "ago": _full_moment,
}


def format_timestamp(epoch: float, tz: str) -> str:
    """Formats an epoch time as e.g. ``Thu 4 Jan 2024 09:00 WET`` in the zone ``tz``."""
    return _full_moment(datetime.fromtimestamp(epoch, ZoneInfo(tz)))


def _render_date(token: str, fallback: str | None, zone: ZoneInfo) -> str:
    # Shape: !date^<epoch>^<format>[^<link>]; the link is dropped, as in Slack's own text copy.
    parts = token.split("^")
    try:
        moment = datetime.fromtimestamp(int(parts[1]), zone)
        return _DATE_FORMAT_TOKEN.sub(lambda match: _DATE_TOKENS[match[1]](moment), parts[2])
    except (IndexError, ValueError, OverflowError, OSError, KeyError):
        return fallback if fallback is not None else f"<{token}>"


def _unescape(text: str) -> str:
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


@dataclass(frozen=True)
class Reference:
    """One ``<...>`` token of mrkdwn as the reader sees it: a ``user``, ``channel``, ``date``,
    ``broadcast`` or ``link`` (with its ``url``); the HTML preview styles each kind."""

    kind: str
    text: str
    url: str | None = None

    @property
    def plain(self) -> str:
        """The token as plain text: a link's address follows its label."""
        if self.url is None:
            return self.text
        return f"{self.text} ({self.url})" if self.text != self.url else self.url


def read_reference(body: str, zone: ZoneInfo, names: Mapping[str, str]) -> Reference:
    """Reads what is between ``<`` and ``>``: names for mentions, dates in ``zone``."""
    target, has_label, raw_label = body.partition("|")
    label = _unescape(raw_label) if has_label else None
    if target.startswith("@"):
        return Reference("user", "@" + (label or names.get(target[1:], target[1:])))
    if target.startswith("#"):
        return Reference("channel", "#" + (label or names.get(target[1:], target[1:])))
    if target.startswith("!date^"):
        return Reference("date", _render_date(target, label, zone))
    if target.startswith("!subteam^"):
        return Reference("broadcast", label or "@" + target.removeprefix("!subteam^"))
    if target.startswith("!"):
        return Reference("broadcast", label or "@" + target[1:])
    url = _unescape(target)
    return Reference("link", label or url, url)


def mrkdwn_parts(
    text: str, *, tz: str = "UTC", names: Mapping[str, str] | None = None
) -> list[str | Reference]:
    """Splits mrkdwn into unescaped text and the ``<...>`` tokens between it, read."""
    zone, known_names = ZoneInfo(tz), names or {}
    parts: list[str | Reference] = []
    position = 0
    # Entities are unescaped piecewise so an escaped "&lt;" can never start a link.
    for match in _ANGLE_TOKEN.finditer(text):
        parts.append(_unescape(text[position : match.start()]))
        parts.append(read_reference(match[1], zone, known_names))
        position = match.end()
    parts.append(_unescape(text[position:]))
    return parts


def render_mrkdwn(text: str, *, tz: str = "UTC", names: Mapping[str, str] | None = None) -> str:
    """Makes Slack mrkdwn readable: links, mentions and dates spelled out, entities unescaped."""
    parts = mrkdwn_parts(text, tz=tz, names=names)
    return "".join(part if isinstance(part, str) else part.plain for part in parts)


class _Renderer:
    def __init__(self, tz: str, names: Mapping[str, str] | None) -> None:
        self.tz = tz
        self.names = names or {}

    def text(self, text_object: Any) -> str:
        if isinstance(text_object, str):
            return text_object
        if not isinstance(text_object, Mapping):
            return ""
        text = str(text_object.get("text", ""))
        if text_object.get("type") == "mrkdwn":
            return render_mrkdwn(text, tz=self.tz, names=self.names)
        return text

    def mention(self, sigil: str, entity_id: Any) -> str:
        return sigil + self.names.get(str(entity_id), str(entity_id))

    def options(self, element: Mapping[str, Any]) -> list[str]:
        options = list(element.get("options") or [])
        for group in element.get("option_groups") or []:
            options.extend(group.get("options") or [])
        return [self.text(option.get("text")) for option in options]

    def element(self, element: Any) -> str:
        if not isinstance(element, Mapping):
            return ""
        kind = element.get("type")
        if kind == "button":
            return f"[{self.text(element.get('text'))}]"
        if kind == "image":
            return f"[image: {element.get('alt_text')}]"
        if kind in ("plain_text", "mrkdwn"):
            return self.text(element)
        if kind == "overflow":
            return "[...]"
        if kind in ("checkboxes", "radio_buttons"):
            return " ".join(f"( ) {label}" for label in self.options(element))
        initial = self.initial_value(element)
        placeholder = self.text(element.get("placeholder")) or INPUT_KINDS.get(str(kind), kind)
        return f"[{initial or placeholder} v]"

    def initial_value(self, element: Mapping[str, Any]) -> str:
        if "initial_value" in element:
            return f'"{element["initial_value"]}"'
        if "initial_option" in element:
            return self.text(element["initial_option"].get("text"))
        if "initial_options" in element:
            return ", ".join(self.text(o.get("text")) for o in element["initial_options"])
        for key in ("initial_date", "initial_time"):
            if key in element:
                return str(element[key])
        if "initial_date_time" in element:
            return format_timestamp(float(element["initial_date_time"]), self.tz)
        if "initial_user" in element:
            return self.mention("@", element["initial_user"])
        if "initial_users" in element:
            return ", ".join(self.mention("@", user) for user in element["initial_users"])
        for key in ("initial_conversation", "initial_channel"):
            if key in element:
                return self.mention("#", element[key])
        for key in ("initial_conversations", "initial_channels"):
            if key in element:
                return ", ".join(self.mention("#", channel) for channel in element[key])
        return ""

    def rich_text(self, element: Any) -> str:
        if not isinstance(element, Mapping):
            return ""
        kind = element.get("type")
        children = element.get("elements") or []
        if kind == "text":
            return str(element.get("text", ""))
        if kind == "link":
            url, label = str(element.get("url", "")), element.get("text")
            return f"{label} ({url})" if label and label != url else url
        if kind == "user":
            return self.mention("@", element.get("user_id"))
        if kind == "channel":
            return self.mention("#", element.get("channel_id"))
        if kind == "usergroup":
            return self.mention("@", element.get("usergroup_id"))
        if kind == "broadcast":
            return f"@{element.get('range')}"
        if kind == "emoji":
            return f":{element.get('name')}:"
        if kind == "date":
            return format_timestamp(float(element.get("timestamp", 0)), self.tz)
        if kind == "rich_text_list":
            ordered = element.get("style") == "ordered"
            return "\n".join(
                f"{f'{number}.' if ordered else '-'} {self.rich_text(child)}"
                for number, child in enumerate(children, start=1)
            )
        if kind == "rich_text_quote":
            return "\n".join(f"> {line}" for line in self.joined(children).splitlines())
        separator = "\n" if kind == "rich_text" else ""
        return self.joined(children, separator)

    def joined(self, children: Sequence[Any], separator: str = "") -> str:
        return separator.join(self.rich_text(child) for child in children)

    def input_line(self, block: Mapping[str, Any]) -> str:
        element = block.get("element") or {}
        kind = str(element.get("type", "input"))
        if kind == "plain_text_input" and element.get("multiline"):
            description = "multi-line text input"
        else:
            description = INPUT_KINDS.get(kind, kind)
        if kind in ("static_select", "multi_static_select", "checkboxes", "radio_buttons"):
            description += ": " + " / ".join(self.options(element))
        line = f"{self.text(block.get('label'))}: <{description}>"
        if block.get("optional"):
            line += " (optional)"
        initial = self.initial_value(element)
        return f"{line} = {initial}" if initial else line

    def block(self, block: Mapping[str, Any]) -> list[str]:
        kind = block.get("type")
        if kind == "header":
            return [f"== {self.text(block.get('text'))} =="]
        if kind == "divider":
            return [DIVIDER_LINE]
        if kind == "section":
            lines = self.text(block.get("text")).splitlines() if block.get("text") else []
            for field in block.get("fields") or []:
                lines.extend(f"  {line}" for line in self.text(field).splitlines())
            accessory = self.element(block.get("accessory"))
            if accessory:
                lines = [f"{lines[0]}  {accessory}", *lines[1:]] if lines else [accessory]
            return lines
        if kind == "context":
            return [" | ".join(self.element(e) for e in block.get("elements") or [])]
        if kind == "actions":
            return [" ".join(self.element(e) for e in block.get("elements") or [])]
        if kind == "input":
            return [self.input_line(block)]
        if kind == "image":
            title = self.text(block.get("title"))
            image = f"[image: {block.get('alt_text')}]"
            return [f"{title}: {image}" if title else image]
        if kind == "rich_text":
            return self.rich_text(block).splitlines()
        if kind == "markdown":
            return str(block.get("text", "")).splitlines()
        return [f"[{kind} block]"]

    def blocks(self, blocks: Sequence[Mapping[str, Any]]) -> list[str]:
        return [line for block in blocks for line in self.block(block)]


def render_message(
    text: str,
    blocks: Sequence[Mapping[str, Any]] | None = None,
    *,
    tz: str = "UTC",
    names: Mapping[str, str] | None = None,
) -> str:
    """Renders a message as a member in ``tz`` would read it; ``names`` maps ids to names."""
    if not blocks:
        return render_mrkdwn(text, tz=tz, names=names)
    return "\n".join(_Renderer(tz, names).blocks(blocks))


def render_view(
    view: Mapping[str, Any], *, tz: str = "UTC", names: Mapping[str, str] | None = None
) -> str:
    """Renders a modal (title, blocks, buttons) or a home tab as plain text."""
    renderer = _Renderer(tz, names)
    lines = renderer.blocks(view.get("blocks") or [])
    if view.get("type") != "modal":
        return "\n".join(["[Home tab]", *lines])
    buttons = [f"[{renderer.text(view.get('close')) or 'Cancel'}]"]
    if view.get("submit"):
        buttons.append(f"[{renderer.text(view.get('submit'))}]")
    return "\n".join([f"[Modal] {renderer.text(view.get('title'))}", *lines, " ".join(buttons)])


def render_file(file: UploadedFile) -> str:
    """Names a shared file and, for text such as iCalendar, shows its first lines."""
    mimetype = mimetypes.guess_type(file.filename)[0] or ""
    looks_like_calendar = file.content.lstrip().startswith(b"BEGIN:VCALENDAR")
    heading = f"[file] {file.filename}"
    if file.title and file.title != file.filename:
        heading += f' "{file.title}"'
    heading += f" ({len(file.content)} bytes)"
    if not (mimetype.startswith("text/") or looks_like_calendar):
        return heading
    lines = file.content.decode("utf-8", "replace").splitlines()
    shown = [f"  {line}" for line in lines[:FILE_PREVIEW_LINES]]
    if len(lines) > FILE_PREVIEW_LINES:
        shown.append(f"  ... ({len(lines) - FILE_PREVIEW_LINES} more lines)")
    return "\n".join([heading, *shown])
