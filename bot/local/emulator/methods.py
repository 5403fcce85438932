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
from bot.local.emulator.canvases import CanvasMethods
from bot.local.emulator.params import (
    _ApiError,
    _flag_param,
    _metadata_param,
    _missing,
    _required_param,
    _text_param,
    _with_warning,
)
from bot.local.emulator.state import EmulatedUser, PostedMessage


class ApiMethods(CanvasMethods):
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
        if not self._in_channel(user, channel):
            raise _ApiError("user_not_in_channel", f"[ERROR] {user} is not in {channel}")
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

    def _users_info(self, params: dict[str, Any]) -> dict[str, Any]:
        user_id = _text_param(params, "user") or ""
        self._known_user(user_id)
        user = self._users.get(user_id) or EmulatedUser(user_id, "consortium-bot", "UTC")
        now = datetime.fromtimestamp(self._wall_clock(), ZoneInfo(user.tz))
        offset = now.utcoffset()
        return {
            "user": {
                "id": user.id,
                "team_id": self._team_of(user.id),
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
