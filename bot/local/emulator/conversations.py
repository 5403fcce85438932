"""Conversations: history, thread replies, opening DMs, and what a channel is."""

from __future__ import annotations

from typing import Any

from bot.local.emulator.files import FileMethods
from bot.local.emulator.limits import (
    DEFAULT_HISTORY_LIMIT,
    MAX_HISTORY_LIMIT,
    MAX_REPLIES_LIMIT,
)
from bot.local.emulator.params import (
    _ApiError,
    _decode_cursor,
    _encode_cursor,
    _flag_param,
    _limit_param,
    _missing,
    _text_param,
    _ts_micros,
    _ts_param,
)
from bot.local.emulator.state import PostedMessage


class ConversationMethods(FileMethods):
    def _conversation(self, params: dict[str, Any]) -> str:
        """The conversation `channel` names, or channel_not_found."""
        channel = _text_param(params, "channel")
        resolved = self._lookup_channel(channel) if channel else None
        if resolved is None:
            raise _ApiError(
                "channel_not_found",
                f"[ERROR] unknown channel: {channel}" if channel else _missing("channel"),
            )
        return resolved

    def _conversations_history(self, params: dict[str, Any]) -> dict[str, Any]:
        resolved = self._conversation(params)
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
        for user_id in users:
            if self._dm_refused(user_id):
                shares_a_channel = any(self._in_channel(user_id, c) for c in self._channels)
                if not shares_a_channel:
                    raise _ApiError(
                        "invalid_user_combination",
                        f"[ERROR] {user_id} of another workspace shares no channel with the app",
                    )
                raise _ApiError(
                    "user_not_visible",
                    f"[ERROR] {user_id}'s workspace does not let apps of other workspaces DM them",
                )
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
            found = self._channels[resolved]
            info.update(name=found.name, name_normalized=found.name)
            if found.shared_with:
                info.update(
                    is_shared=True,
                    is_ext_shared=True,
                    context_team_id=self.team_id,
                    connected_team_ids=[self.team_id, *found.shared_with],
                )
        elif len(self._dm_members[resolved]) == 1:
            info.update(is_im=True, user=self._dm_members[resolved][0])
        else:
            info.update(is_mpim=True, name="mpdm-" + "--".join(self._dm_members[resolved]))
        return {"channel": info}

    def _conversations_replies(self, params: dict[str, Any]) -> dict[str, Any]:
        """A thread: its parent first, then the replies oldest first, in pages."""
        resolved = self._conversation(params)
        ts = _text_param(params, "ts")
        if not ts:
            raise _ApiError("invalid_arguments", _missing("ts"))
        live = [
            m
            for m in self._messages
            if m.channel == resolved and m.kind == "message" and not m.deleted
        ]
        named = next((m for m in live if m.ts == ts), None)
        if named is None:
            raise _ApiError("thread_not_found", f"[ERROR] no message {ts} in {resolved}")
        parent_ts = named.thread_ts or named.ts
        parent = next((m for m in live if m.ts == parent_ts), named)
        thread = sorted(
            (m for m in live if m.thread_ts == parent_ts and m.ts != parent_ts),
            key=lambda m: _ts_micros(m.ts) or 0,
        )
        limit = _limit_param(params, MAX_REPLIES_LIMIT, MAX_REPLIES_LIMIT)
        cursor = _text_param(params, "cursor")
        start = _decode_cursor(cursor) if cursor else None
        listed = [parent, *thread]
        if start is not None:
            listed = [m for m in listed if (_ts_micros(m.ts) or 0) >= start]
        page, rest = listed[:limit], listed[limit:]
        with_metadata = _flag_param(params, "include_all_metadata")
        messages = []
        for message in page:
            payload = self._message_payload(message, metadata=with_metadata)
            payload["thread_ts"] = parent_ts
            if message is parent and thread:
                payload.update(reply_count=len(thread), latest_reply=thread[-1].ts)
            messages.append(payload)
        return {
            "messages": messages,
            "has_more": bool(rest),
            "response_metadata": {"next_cursor": _encode_cursor(rest[0].ts) if rest else ""},
        }
