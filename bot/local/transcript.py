"""What a person in the local workspace would see after each request, as plain text."""

from __future__ import annotations

import json
from collections.abc import Mapping
from email.message import EmailMessage
from typing import Any

from bot.local.emulator import RecordedCall, UploadedFile
from bot.local.render import render_message, render_view
from bot.local.workspace import Exchange

_MESSAGE_METHODS = ("chat.postMessage", "chat.postEphemeral", "chat.update", "response_url")
_VIEW_METHODS = ("views.open", "views.update", "views.push", "views.publish")


def indent(text: str, prefix: str = "  │ ") -> str:
    return "\n".join(prefix + line for line in text.splitlines() or [""])


_CALENDAR_KEYS = (
    "METHOD", "UID", "SEQUENCE", "STATUS", "SUMMARY", "DTSTART", "DTEND", "RRULE", "EXDATE",
    "RECURRENCE-ID", "LOCATION", "URL", "BEGIN:VEVENT", "TZID:",
)  # fmt: skip


def describe_calendar(file: UploadedFile) -> str:
    """The lines of an .ics file that say what it does, leaving out time-zone boilerplate."""
    lines = file.content.decode("utf-8", "replace").replace("\r\n ", "").splitlines()
    keep, in_zone = [], False
    for line in lines:
        in_zone = (in_zone or line == "BEGIN:VTIMEZONE") and line != "END:VTIMEZONE"
        zone_rule = in_zone and not line.startswith("TZID:")
        if line.startswith(_CALENDAR_KEYS) and not zone_rule:
            keep.append(line)
    return f"[file] {file.filename} ({len(file.content)} bytes)\n" + "\n".join(keep)


def describe_exchange(
    exchange: Exchange,
    viewer_tz: str,
    channel_names: dict[str, str],
    files: dict[str, UploadedFile] | None = None,
    people: Mapping[str, str] | None = None,
    viewer: str | None = None,
) -> str:
    """What `exchange` showed, as a member in `viewer_tz` reads it; with `people` (Slack IDs
    of members and channels to names), DMs and mentions are named rather than shown by ID,
    and the DM of `viewer` is theirs."""
    parts: list[str] = []
    ack = exchange.ack
    if exchange.status != 200:
        parts.append(f"  (Slack got HTTP {exchange.status} from the bot)")
    if isinstance(ack, dict) and (ack.get("text") or ack.get("blocks")):
        shown = render_message(
            ack.get("text", ""), ack.get("blocks") or [], tz=viewer_tz, names=people
        )
        parts.append("  only you can see this:\n" + indent(shown))
    if isinstance(ack, dict) and ack.get("response_action") in ("update", "push"):
        view = ack.get("view")
        shown = render_view(view if isinstance(view, dict) else {}, tz=viewer_tz, names=people)
        how = "turns the form into" if ack["response_action"] == "update" else "puts up"
        parts.append(f"  bot {how}:\n" + indent(shown))
    for call in exchange.calls:
        described = describe_call(call, viewer_tz, channel_names, files or {}, people, viewer)
        if described:
            parts.append(described)
    return "\n".join(parts) if parts else "  (no reply)"


def describe_call(
    call: RecordedCall,
    viewer_tz: str,
    channel_names: dict[str, str],
    files: dict[str, UploadedFile],
    people: Mapping[str, str] | None = None,
    viewer: str | None = None,
) -> str | None:
    params = call.params
    failed = (
        ""
        if call.response.get("ok", call.status == 200)
        else f" [rejected: {call.response.get('error')}]"
    )
    if call.method in _MESSAGE_METHODS:
        where = params.get("channel", "")
        place = f"#{channel_names[where]}" if where in channel_names else where or "your reply"
        member = where.removeprefix("D") if where.startswith("DU") else where
        if people is not None and member.startswith("U"):
            place = "your DM" if member == viewer else f"DM with {people.get(member, member)}"
        who = " (only visible to you)" if call.method == "chat.postEphemeral" else ""
        who += " (in the thread)" if params.get("thread_ts") else ""
        blocks = _json_list(params.get("blocks"))
        shown = render_message(params.get("text", ""), blocks, tz=viewer_tz, names=people)
        return f"  bot → {place}{who}{failed}:\n" + indent(shown)
    if call.method in _VIEW_METHODS:
        view = params.get("view")
        view_dict = json.loads(view) if isinstance(view, str) else view or {}
        label = "App Home" if call.method == "views.publish" else "modal"
        owner = params.get("user_id")
        if call.method == "views.publish" and viewer and owner and owner != viewer:
            # Another member's Home tab redrawn: theirs to read, not the viewer's.
            name = (people or {}).get(owner, owner)
            return f"  bot redraws the Home tab of {name}{failed}"
        return f"  bot opens {label}{failed}:\n" + indent(
            render_view(view_dict, tz=viewer_tz, names=people)
        )
    if call.method == "files.completeUploadExternal":
        shared = params.get("files")
        described = []
        for entry in shared if isinstance(shared, list) else []:
            uploaded = files.get(entry.get("id", ""))
            if uploaded is None:
                continue
            if uploaded.content.lstrip().startswith(b"BEGIN:VCALENDAR"):
                described.append(describe_calendar(uploaded))
            else:
                described.append(f"[file] {uploaded.filename} ({len(uploaded.content)} bytes)")
        channel = params.get("channel_id", "")
        where = f"#{channel_names[channel]}" if channel in channel_names else "your DM with the bot"
        member = channel.removeprefix("D") if channel.startswith("DU") else channel
        if people is not None and member.startswith("U") and member != viewer:
            where = f"the DM with {people.get(member, member)}"
        thread = " (in the thread)" if params.get("thread_ts") else ""
        return f"  bot shares a file in {where}{thread}{failed}:\n" + indent("\n".join(described))
    return None


def _json_list(value: Any) -> list[dict[str, Any]]:
    if isinstance(value, str):
        decoded = json.loads(value)
        return decoded if isinstance(decoded, list) else []
    return value if isinstance(value, list) else []


def describe_mail(message: EmailMessage) -> str:
    """An invitation by e-mail the local workspace kept instead of sending it."""
    lines = [f"bot would e-mail {message['To']} (the local workspace sends no e-mail):"]
    shown = [f"Subject: {message['Subject']}"]
    for part in message.walk():
        if part.get_content_type() == "text/plain":
            shown += str(part.get_content()).strip().splitlines()[:3]
        elif part.get_content_type() == "text/calendar":
            payload = part.get_payload(decode=True)
            size = len(payload) if isinstance(payload, bytes) else 0
            shown.append(f"[text/calendar; method={part.get_param('method')}] ({size} bytes)")
    return "  " + lines[0] + "\n" + indent("\n".join(shown))
