"""The Web API methods the emulator answers; each runs under the lock and returns the
response without "ok"."""

from __future__ import annotations

import copy
import secrets
from collections.abc import Mapping
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.local.emulator.blockkit import _view_problems
from bot.local.emulator.files import FileMethods
from bot.local.emulator.limits import (
    DEFAULT_HISTORY_LIMIT,
    MAX_HISTORY_LIMIT,
)
from bot.local.emulator.params import (
    _ApiError,
    _decode_cursor,
    _encode_cursor,
    _flag_param,
    _limit_param,
    _metadata_param,
    _missing,
    _required_param,
    _text_param,
    _ts_micros,
    _ts_param,
    _with_warning,
)
from bot.local.emulator.state import EmulatedUser, PostedMessage


class ApiMethods(FileMethods):
    # API methods; each runs under the lock and returns the response without "ok"

    def _auth_test(self, params: dict[str, Any]) -> dict[str, Any]:
        return {
            "url": "https://local-workspace.slack.com/",
            "team": "Local workspace",
            "user": "consortium-bot",
            "team_id": self.team_id,
            "user_id": self.bot_user_id,
            "bot_id": self.bot_id,
            "is_enterprise_install": False,
        }

    def _chat_post_message(self, params: dict[str, Any]) -> dict[str, Any]:
        channel = self._resolve_channel(params)
        self._take_post_token(channel)
        text, blocks, attachments = self._message_content(params)
        metadata, ignored_metadata = _metadata_param(params)
        thread_ts = _text_param(params, "thread_ts")
        message = PostedMessage(
            channel=channel,
            ts=self._next_ts(),
            text=text,
            blocks=blocks,
            thread_ts=thread_ts,
            attachments=attachments,
            reply_broadcast=bool(thread_ts) and _flag_param(params, "reply_broadcast"),
            metadata=metadata,
        )
        self._messages.append(message)
        response = {"channel": channel, "ts": message.ts, "message": self._message_payload(message)}
        return _with_warning(response, ignored_metadata)

    def _chat_post_ephemeral(self, params: dict[str, Any]) -> dict[str, Any]:
        channel = self._resolve_channel(params)
        user = _text_param(params, "user")
        if not user:
            raise _ApiError("user_not_found", _missing("user"))
        self._known_user(user)
        text, blocks, attachments = self._message_content(params)
        message = PostedMessage(
            channel=channel,
            ts=self._next_ts(),
            text=text,
            blocks=blocks,
            thread_ts=_text_param(params, "thread_ts"),
            user=user,
            kind="ephemeral",
            attachments=attachments,
        )
        self._messages.append(message)
        return {"message_ts": message.ts}

    def _chat_update(self, params: dict[str, Any]) -> dict[str, Any]:
        channel = self._resolve_channel(params)
        message = self._find_message(channel, _text_param(params, "ts"))
        text, blocks, attachments = self._message_content(params)
        metadata, ignored_metadata = _metadata_param(params, allow_empty=True)
        # As on Slack, fields left out of chat.update keep their previous value; metadata is
        # removed with an empty object.
        if "text" in params or "markdown_text" in params:
            message.text = text
        if "blocks" in params:
            message.blocks = blocks
        if "attachments" in params:
            message.attachments = attachments
        if metadata is not None:
            message.metadata = metadata or None
        message.updated = True
        response = {
            "channel": channel,
            "ts": message.ts,
            "text": message.text,
            "message": self._message_payload(message),
        }
        return _with_warning(response, ignored_metadata)

    def _chat_delete(self, params: dict[str, Any]) -> dict[str, Any]:
        channel = self._resolve_channel(params)
        message = self._find_message(channel, _text_param(params, "ts"))
        message.deleted = True
        return {"channel": channel, "ts": message.ts}

    def _exchange_trigger(self, params: Mapping[str, Any]) -> None:
        trigger_id = _text_param(params, "trigger_id") or _text_param(
            params, "interactivity_pointer"
        )
        if not trigger_id:
            raise _ApiError("invalid_arguments", _missing("trigger_id"))
        trigger = self._triggers.get(trigger_id)
        if trigger is None:
            raise _ApiError("invalid_trigger_id", f"[ERROR] unknown trigger_id: {trigger_id}")
        if trigger.used:
            raise _ApiError("exchanged_trigger_id", "[ERROR] trigger_id was already used")
        if self._clock() - trigger.issued_at > self.trigger_ttl:
            raise _ApiError(
                "expired_trigger_id", f"[ERROR] trigger_id is older than {self.trigger_ttl}s"
            )
        trigger.used = True

    def _validated_view(self, params: Mapping[str, Any], *types: str) -> dict[str, Any]:
        view = params.get("view")
        if view is None:
            raise _ApiError("invalid_arguments", _missing("view"))
        messages = _view_problems(view, types)
        if messages or not isinstance(view, dict):
            raise _ApiError("invalid_arguments", *messages)
        return view

    def _store_view(
        self, view: dict[str, Any], view_id: str, previous: dict[str, Any] | None
    ) -> dict[str, Any]:
        # An update that leaves external_id out keeps addressing the same view by it.
        external_id = view.get("external_id") or (previous or {}).get("external_id", "")
        if external_id and any(
            other.get("external_id") == external_id and other_id != view_id
            for other_id, other in self._views.items()
        ):
            raise _ApiError("duplicate_external_id", f"[ERROR] external_id in use: {external_id}")
        stored = {
            "id": view_id,
            "team_id": self.team_id,
            "type": view["type"],
            "title": view.get("title"),
            "submit": view.get("submit"),
            "close": view.get("close"),
            "blocks": view.get("blocks", []),
            "private_metadata": view.get("private_metadata", ""),
            "callback_id": view.get("callback_id", ""),
            "external_id": external_id,
            "state": {"values": {}},
            "hash": f"{int(self._wall_clock())}.{secrets.token_hex(4)}",
            "clear_on_close": bool(view.get("clear_on_close", False)),
            "notify_on_close": bool(view.get("notify_on_close", False)),
            "root_view_id": previous["root_view_id"] if previous else view_id,
            "previous_view_id": previous["previous_view_id"] if previous else None,
            "app_id": "A0LOCAL",
            "bot_id": self.bot_id,
            "app_installed_team_id": self.team_id,
        }
        self._views[view_id] = stored
        return copy.deepcopy(stored)

    def _views_open(self, params: dict[str, Any]) -> dict[str, Any]:
        # The view is checked before the trigger, so a rejected view leaves the trigger usable.
        view = self._validated_view(params, "modal")
        self._exchange_trigger(params)
        return {"view": self._store_view(view, self._new_id("V"), None)}

    def _views_update(self, params: dict[str, Any]) -> dict[str, Any]:
        view_id = _text_param(params, "view_id")
        external_id = _text_param(params, "external_id")
        if not view_id and not external_id:
            raise _ApiError("invalid_arguments", _missing("view_id or external_id"))
        if not view_id:
            view_id = next(
                (i for i, v in self._views.items() if v["external_id"] == external_id), None
            )
        previous = self._views.get(view_id or "")
        if view_id is None or previous is None:
            raise _ApiError("not_found", f"[ERROR] unknown view: {view_id or external_id}")
        view = self._validated_view(params, previous["type"])
        expected_hash = _text_param(params, "hash")
        if expected_hash and expected_hash != previous["hash"]:
            raise _ApiError("hash_conflict", "[ERROR] the view changed since that hash")
        return {"view": self._store_view(view, view_id, previous)}

    def _views_publish(self, params: dict[str, Any]) -> dict[str, Any]:
        user_id = _required_param(params, "user_id")
        self._known_user(user_id)
        view = self._validated_view(params, "home")
        view_id = next((i for i, u in self._view_users.items() if u == user_id), None)
        previous = self._views.get(view_id or "")
        expected_hash = _text_param(params, "hash")
        if previous is not None and expected_hash and expected_hash != previous["hash"]:
            raise _ApiError("hash_conflict", "[ERROR] the home tab changed since that hash")
        view_id = view_id or self._new_id("V")
        self._view_users[view_id] = user_id
        return {"view": self._store_view(view, view_id, None)}

    def _conversations_history(self, params: dict[str, Any]) -> dict[str, Any]:
        channel = _text_param(params, "channel")
        resolved = self._lookup_channel(channel) if channel else None
        if resolved is None:
            raise _ApiError(
                "channel_not_found",
                f"[ERROR] unknown channel: {channel}" if channel else _missing("channel"),
            )
        oldest = _ts_param(params, "oldest", "invalid_ts_oldest")
        latest = _ts_param(params, "latest", "invalid_ts_latest")
        inclusive = _flag_param(params, "inclusive")
        limit = _limit_param(params, DEFAULT_HISTORY_LIMIT, MAX_HISTORY_LIMIT)
        cursor = _text_param(params, "cursor")
        page_start = _decode_cursor(cursor) if cursor else None
        with_metadata = _flag_param(params, "include_all_metadata")

        replies: dict[str, list[PostedMessage]] = {}
        listed: list[tuple[int, PostedMessage]] = []
        for message in self._messages:
            if message.channel != resolved or message.kind != "message" or message.deleted:
                continue
            is_reply = message.thread_ts is not None and message.thread_ts != message.ts
            if is_reply:
                replies.setdefault(message.thread_ts or "", []).append(message)
            if is_reply and not message.reply_broadcast:
                continue
            ts = _ts_micros(message.ts) or 0
            if oldest is not None and (ts < oldest or (ts == oldest and not inclusive)):
                continue
            if latest is not None and (ts > latest or (ts == latest and not inclusive)):
                continue
            if page_start is not None and ts > page_start:
                continue
            listed.append((ts, message))
        listed.sort(key=lambda entry: entry[0], reverse=True)
        page, rest = listed[:limit], listed[limit:]

        messages = []
        for _, message in page:
            payload = self._message_payload(message, metadata=with_metadata)
            payload.setdefault("blocks", [])
            thread = replies.get(message.ts) if message.thread_ts in (None, message.ts) else None
            if thread:
                # Every message the emulator lists was posted by the bot.
                reply_users = [self.bot_user_id]
                payload.update(
                    thread_ts=message.ts,
                    reply_count=len(thread),
                    reply_users_count=len(reply_users),
                    latest_reply=max(thread, key=lambda r: _ts_micros(r.ts) or 0).ts,
                    reply_users=reply_users,
                )
            messages.append(payload)
        return {
            "messages": messages,
            "has_more": bool(rest),
            "pin_count": 0,
            "response_metadata": {"next_cursor": _encode_cursor(rest[0][1].ts) if rest else ""},
        }

    def _conversations_open(self, params: dict[str, Any]) -> dict[str, Any]:
        users = [u.strip() for u in (_text_param(params, "users") or "").split(",") if u.strip()]
        channel = _text_param(params, "channel")
        if not users:
            if not channel:
                raise _ApiError("users_list_not_supplied", _missing("users or channel"))
            if channel not in self._dm_members:
                raise _ApiError("channel_not_found", f"[ERROR] unknown DM: {channel}")
            return {"no_op": True, "already_open": True, "channel": {"id": channel}}
        for user_id in users:
            self._known_user(user_id)
        members = tuple(sorted(set(users)))
        existing = next((i for i, m in self._dm_members.items() if m == members), None)
        if existing is not None:
            return {"no_op": True, "already_open": True, "channel": {"id": existing}}
        if len(members) == 1:
            return {"channel": {"id": self._dm_for(members[0])}}
        group_id = self._new_id("G")
        self._dm_members[group_id] = members
        return {"channel": {"id": group_id}}

    def _conversations_info(self, params: dict[str, Any]) -> dict[str, Any]:
        channel = _text_param(params, "channel") or ""
        resolved = self._lookup_channel(channel)
        if resolved is None:
            raise _ApiError("channel_not_found", f"[ERROR] unknown channel: {channel}")
        info: dict[str, Any] = {
            "id": resolved,
            "created": 0,
            "is_archived": False,
            "is_member": True,
            "is_private": resolved in self._dm_members,
            "is_channel": resolved in self._channels,
            "is_im": False,
            "is_mpim": False,
        }
        if resolved in self._channels:
            name = self._channels[resolved].name
            info.update(name=name, name_normalized=name)
        elif len(self._dm_members[resolved]) == 1:
            info.update(is_im=True, user=self._dm_members[resolved][0])
        else:
            info.update(is_mpim=True, name="mpdm-" + "--".join(self._dm_members[resolved]))
        return {"channel": info}

    def _users_info(self, params: dict[str, Any]) -> dict[str, Any]:
        user_id = _text_param(params, "user") or ""
        self._known_user(user_id)
        user = self._users.get(user_id) or EmulatedUser(user_id, "consortium-bot", "UTC")
        now = datetime.fromtimestamp(self._wall_clock(), ZoneInfo(user.tz))
        offset = now.utcoffset()
        return {
            "user": {
                "id": user.id,
                "team_id": self.team_id,
                "name": user.name,
                "real_name": user.name,
                "deleted": False,
                "tz": user.tz,
                "tz_label": now.tzname(),
                "tz_offset": int(offset.total_seconds()) if offset is not None else 0,
                "is_bot": user_id == self.bot_user_id,
                "is_app_user": False,
                "profile": {"real_name": user.name, "display_name": user.name},
            }
        }
