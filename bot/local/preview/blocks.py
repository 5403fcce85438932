"""Block Kit blocks and elements as HTML, laid out as Slack lays them out.

Dates show in the reader's zone (``tz``) and mentions by name (``names``); every text is escaped.
A block or element this preview does not know shows as a visible placeholder, never an error.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from html import escape
from typing import Any

from bot.local.preview.mrkdwn import mrkdwn_html, plain_html
from bot.local.render import INPUT_KINDS, format_timestamp, render_mrkdwn

_SELECTS = {
    "users_select": "Select a person",
    "multi_users_select": "Select people",
    "conversations_select": "Select a conversation",
    "multi_conversations_select": "Select conversations",
    "channels_select": "Select a channel",
    "multi_channels_select": "Select channels",
    "static_select": "Select an item",
    "external_select": "Select an item",
    "multi_static_select": "Select options",
    "multi_external_select": "Select options",
}
_TEXT_INPUTS = ("plain_text_input", "number_input", "email_text_input", "url_text_input")


def _attribute(value: str) -> str:
    return escape(value, quote=True)


def _pretty_date(value: str) -> str:
    try:
        day = date.fromisoformat(value)
    except ValueError:
        return value
    return f"{day:%a} {day.day} {day:%b} {day.year}"


class BlockRenderer:
    """Renders blocks for one reader: ``tz`` is their zone, ``names`` Slack IDs to names."""

    def __init__(self, tz: str = "UTC", names: Mapping[str, str] | None = None) -> None:
        self.tz = tz
        self.names = dict(names or {})

    # -- text -----------------------------------------------------------------------------

    def text(self, text_object: Any) -> str:
        """A text object (mrkdwn or plain_text) as HTML."""
        if isinstance(text_object, str):
            return plain_html(text_object)
        if not isinstance(text_object, Mapping):
            return ""
        text = str(text_object.get("text", ""))
        if text_object.get("type") == "mrkdwn":
            return mrkdwn_html(text, tz=self.tz, names=self.names)
        return plain_html(text, emoji_shortcodes=text_object.get("emoji", True) is not False)

    def plain(self, text_object: Any) -> str:
        """A text object's words as escaped HTML with no formatting (labels of buttons)."""
        if isinstance(text_object, Mapping) and text_object.get("type") == "mrkdwn":
            text = render_mrkdwn(str(text_object.get("text", "")), tz=self.tz, names=self.names)
            return escape(text, quote=False)
        if isinstance(text_object, Mapping):
            return plain_html(str(text_object.get("text", "")))
        return plain_html(str(text_object or ""))

    def name(self, sigil: str, entity_id: Any) -> str:
        shown = sigil + self.names.get(str(entity_id), str(entity_id))
        return f'<span class="mention">{escape(shown, quote=False)}</span>'

    # -- elements -------------------------------------------------------------------------

    def element(self, element: Any) -> str:
        """An interactive or context element (button, select, picker, overflow, image...)."""
        if not isinstance(element, Mapping):
            return ""
        kind = str(element.get("type", ""))
        if kind == "button":
            style = element.get("style")
            extra = f" {style}" if style in ("primary", "danger") else ""
            link = element.get("url")
            title = f' title="{_attribute(str(link))}"' if link else ""
            label = self.plain(element.get("text"))
            return f'<span class="button{extra}"{title}>{label}</span>'
        if kind == "overflow":
            return '<span class="button overflow" title="More actions">⋯</span>'
        if kind == "image":
            alt = _attribute(str(element.get("alt_text", "")))
            return f'<span class="thumb" title="{alt}" role="img" aria-label="{alt}">▨</span>'
        if kind in ("plain_text", "mrkdwn"):
            return self.text(element)
        if kind in ("checkboxes", "radio_buttons"):
            return self.choices(element)
        if kind in _SELECTS or kind in ("datepicker", "timepicker", "datetimepicker"):
            return self.picker(element)
        if kind in _TEXT_INPUTS or kind == "rich_text_input":
            return self.text_input(element)
        return self.unknown("element", kind)

    def options(self, element: Mapping[str, Any]) -> list[Mapping[str, Any]]:
        options = list(element.get("options") or [])
        for group in element.get("option_groups") or []:
            options.extend(group.get("options") or [])
        return options

    def choices(self, element: Mapping[str, Any]) -> str:
        radio = element.get("type") == "radio_buttons"
        chosen = [element["initial_option"]] if element.get("initial_option") else []
        chosen += list(element.get("initial_options") or [])
        values = {option.get("value") for option in chosen}
        rows = []
        for option in self.options(element):
            on = option.get("value") in values
            mark = ("◉" if on else "○") if radio else ("☑" if on else "☐")
            description = option.get("description")
            below = f'<div class="hint">{self.text(description)}</div>' if description else ""
            rows.append(
                f'<div class="choice"><span class="mark">{mark}</span>'
                f"<div>{self.text(option.get('text'))}{below}</div></div>"
            )
        return f'<div class="choices">{"".join(rows)}</div>'

    def chosen(self, element: Mapping[str, Any]) -> str:
        """What a select or picker shows before anyone touches it, as HTML ('' if nothing)."""
        if element.get("initial_option"):
            return self.plain(element["initial_option"].get("text"))
        if element.get("initial_options"):
            return ", ".join(self.plain(o.get("text")) for o in element["initial_options"])
        if element.get("initial_date"):
            return escape(_pretty_date(str(element["initial_date"])), quote=False)
        if element.get("initial_time"):
            return escape(str(element["initial_time"]), quote=False)
        if element.get("initial_date_time"):
            moment = format_timestamp(float(element["initial_date_time"]), self.tz)
            return escape(moment, quote=False)
        for key, sigil in (("initial_user", "@"), ("initial_conversation", "#")):
            if element.get(key):
                return self.name(sigil, element[key])
        if element.get("initial_channel"):
            return self.name("#", element["initial_channel"])
        for key, sigil in (("initial_users", "@"), ("initial_conversations", "#")):
            if element.get(key):
                return ", ".join(self.name(sigil, entity) for entity in element[key])
        if element.get("initial_channels"):
            return ", ".join(self.name("#", channel) for channel in element["initial_channels"])
        return ""

    def picker(self, element: Mapping[str, Any]) -> str:
        kind = str(element.get("type"))
        icon = {"datepicker": "📅 ", "timepicker": "🕘 ", "datetimepicker": "📅 "}.get(kind, "")
        default = {"datepicker": "Select a date", "timepicker": "Select time"}.get(
            kind, _SELECTS.get(kind, "Select")
        )
        shown = self.chosen(element)
        if not shown:
            placeholder = self.plain(element.get("placeholder")) if "placeholder" in element else ""
            shown = f'<span class="placeholder">{placeholder or escape(default)}</span>'
        caret = "" if kind in ("datepicker", "timepicker") else '<span class="caret">▼</span>'
        return f'<span class="select {kind}">{icon}{shown}{caret}</span>'

    def text_input(self, element: Mapping[str, Any]) -> str:
        multiline = " multiline" if element.get("multiline") else ""
        value = element.get("initial_value")
        if value:
            shown = escape(str(value), quote=False)
        else:
            placeholder = self.plain(element.get("placeholder")) if "placeholder" in element else ""
            shown = f'<span class="placeholder">{placeholder}</span>'
        return f'<div class="text-input{multiline}">{shown}</div>'

    # -- blocks ---------------------------------------------------------------------------

    def blocks(self, blocks: Sequence[Any]) -> str:
        return "\n".join(self.block(block) for block in blocks)

    def block(self, block: Any) -> str:
        if not isinstance(block, Mapping):
            return self.unknown("block", type(block).__name__)
        kind = str(block.get("type", ""))
        if kind == "header":
            return f'<div class="block header">{self.plain(block.get("text"))}</div>'
        if kind == "divider":
            return '<hr class="block divider">'
        if kind == "section":
            return self.section(block)
        if kind == "context":
            shown = "".join(
                f'<span class="context-item">{self.element(e)}</span>'
                for e in block.get("elements") or []
            )
            return f'<div class="block context">{shown}</div>'
        if kind == "actions":
            shown = "".join(self.element(e) for e in block.get("elements") or [])
            return f'<div class="block actions">{shown}</div>'
        if kind == "input":
            return self.input(block)
        if kind == "image":
            return self.image(block)
        if kind == "rich_text":
            return f'<div class="block rich-text">{self.rich_text(block)}</div>'
        if kind == "markdown":
            text = escape(str(block.get("text", "")), quote=False)
            return f'<div class="block markdown">{text}</div>'
        return self.unknown("block", kind)

    def unknown(self, what: str, kind: str) -> str:
        shown = escape(kind or "(no type)", quote=False)
        return f'<div class="unknown">[{what} “{shown}” is not shown in this preview]</div>'

    def section(self, block: Mapping[str, Any]) -> str:
        body = f'<div class="mrkdwn">{self.text(block["text"])}</div>' if block.get("text") else ""
        fields = block.get("fields") or []
        if fields:
            cells = "".join(f'<div class="field">{self.text(field)}</div>' for field in fields)
            body += f'<div class="fields">{cells}</div>'
        body = f'<div class="section-body">{body}</div>'
        accessory = block.get("accessory")
        if accessory:
            body += f'<div class="accessory">{self.element(accessory)}</div>'
        return f'<div class="block section">{body}</div>'

    def input(self, block: Mapping[str, Any]) -> str:
        label = self.plain(block.get("label"))
        if block.get("optional"):
            label += ' <span class="optional">(optional)</span>'
        hint = block.get("hint")
        below = f'<div class="hint">{self.plain(hint)}</div>' if hint else ""
        element = block.get("element") or {}
        kind = str(element.get("type", ""))
        shown = self.element(element)
        if kind not in INPUT_KINDS:
            shown = self.unknown("input", kind)
        return f'<div class="block input"><div class="label">{label}</div>{shown}{below}</div>'

    def image(self, block: Mapping[str, Any]) -> str:
        title = block.get("title")
        heading = f'<div class="image-title">{self.plain(title)}</div>' if title else ""
        alt = escape(str(block.get("alt_text", "")), quote=False)
        # The preview stays offline, so the picture itself is stood in for by its alt text.
        return f'<div class="block image">{heading}<div class="image-box">▨ {alt}</div></div>'

    # -- rich text ------------------------------------------------------------------------

    def rich_text(self, element: Any) -> str:
        if not isinstance(element, Mapping):
            return ""
        kind = element.get("type")
        children = element.get("elements") or []
        inner = "".join(self.rich_text(child) for child in children)
        if kind in ("rich_text", "rich_text_section"):
            return f"<div>{inner}</div>" if kind == "rich_text_section" else inner
        if kind == "rich_text_list":
            tag = "ol" if element.get("style") == "ordered" else "ul"
            items = "".join(f"<li>{self.rich_text(child)}</li>" for child in children)
            return f"<{tag}>{items}</{tag}>"
        if kind == "rich_text_quote":
            return f"<blockquote>{inner}</blockquote>"
        if kind == "rich_text_preformatted":
            return f"<pre>{inner}</pre>"
        return self.rich_leaf(element)

    def rich_leaf(self, element: Mapping[str, Any]) -> str:
        kind = element.get("type")
        if kind == "text":
            shown = escape(str(element.get("text", "")), quote=False)
        elif kind == "link":
            url = str(element.get("url", ""))
            label = escape(str(element.get("text") or url), quote=False)
            safe = url.lower().startswith(("https://", "http://", "mailto:"))
            href = f' href="{_attribute(url)}"' if safe else ""
            return f'<a class="link"{href}>{label}</a>'
        elif kind == "user":
            return self.name("@", element.get("user_id"))
        elif kind == "channel":
            return self.name("#", element.get("channel_id"))
        elif kind == "usergroup":
            return self.name("@", element.get("usergroup_id"))
        elif kind == "broadcast":
            return self.name("@", element.get("range"))
        elif kind == "emoji":
            shown = plain_html(f":{element.get('name')}:")
        elif kind == "date":
            moment = format_timestamp(float(element.get("timestamp", 0)), self.tz)
            return f'<span class="date">{escape(moment, quote=False)}</span>'
        else:
            return self.unknown("rich text", str(kind))
        style = element.get("style") or {}
        for key, tag in (("code", "code"), ("bold", "b"), ("italic", "i"), ("strike", "s")):
            if style.get(key):
                shown = f"<{tag}>{shown}</{tag}>"
        return shown
