"""File uploads as `files_upload_v2` makes them: an upload URL, the bytes, then completion."""

from __future__ import annotations

from typing import Any

from bot.local.emulator.faults import FaultsAndLimits
from bot.local.emulator.params import (
    _UPLOAD_PREFIX,
    _ApiError,
    _missing,
    _required_param,
    _text_param,
)
from bot.local.emulator.state import PostedMessage, UploadedFile, _PendingUpload


class FileMethods(FaultsAndLimits):
    def _files_get_upload_url(self, params: dict[str, Any]) -> dict[str, Any]:
        filename = _required_param(params, "filename")
        length = _required_param(params, "length")
        if not length.isdigit():
            raise _ApiError("invalid_arguments", "[ERROR] length must be a whole number of bytes")
        file_id = self._new_id("F")
        self._pending_uploads[file_id] = _PendingUpload(filename=filename, length=int(length))
        return {"upload_url": f"{self.base_url}{_UPLOAD_PREFIX}{file_id}", "file_id": file_id}

    def _files_complete_upload(self, params: dict[str, Any]) -> dict[str, Any]:
        entries = params.get("files")
        if not isinstance(entries, list) or not entries:
            raise _ApiError("invalid_arguments", _missing("files"))
        channels = [_text_param(params, "channel_id") or ""]
        channels += (_text_param(params, "channels") or "").split(",")
        channel_ids = [self._resolve_channel({"channel": c}) for c in channels if c.strip()]
        uploads: list[tuple[str, str, _PendingUpload]] = []
        for entry in entries:
            file_id = entry.get("id") if isinstance(entry, dict) else None
            pending = self._pending_uploads.get(str(file_id))
            if pending is None or pending.content is None:
                raise _ApiError("file_not_found", f"[ERROR] {file_id} was not uploaded")
            uploads.append((str(file_id), str(entry.get("title") or pending.filename), pending))
        initial_comment = _text_param(params, "initial_comment")
        thread_ts = _text_param(params, "thread_ts")
        channel_id = channel_ids[0] if channel_ids else None
        for file_id, title, pending in uploads:
            del self._pending_uploads[file_id]
            self._files[file_id] = UploadedFile(
                id=file_id,
                filename=pending.filename,
                title=title,
                content=pending.content or b"",
                channel_id=channel_id,
                initial_comment=initial_comment,
                thread_ts=thread_ts,
            )
        file_ids = [file_id for file_id, _, _ in uploads]
        for shared_in in channel_ids:
            self._messages.append(
                PostedMessage(
                    channel=shared_in,
                    ts=self._next_ts(),
                    text=initial_comment or "",
                    thread_ts=thread_ts,
                    file_ids=file_ids,
                )
            )
        return {"files": [self._file_payload(self._files[file_id]) for file_id in file_ids]}

    def _files_info(self, params: dict[str, Any]) -> dict[str, Any]:
        file_id = _text_param(params, "file") or ""
        uploaded = self._files.get(file_id)
        if uploaded is None:
            raise _ApiError("file_not_found", f"[ERROR] unknown file: {file_id}")
        return {
            "file": self._file_payload(uploaded),
            "comments": [],
            "response_metadata": {"next_cursor": ""},
        }
