"""files.*: Slack's two-step external upload, sharing the uploaded files in channels, file info, and the bytes a
request with a token may download."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from devtools.sandbox.objects import JSON, File, Message, SlackError, optional_str
from devtools.sandbox.scopes import FILE_DOWNLOAD_SCOPE
from devtools.sandbox.store import Store


class FilesApi:
    def __init__(self, store: Store, base_url: Callable[[], str]) -> None:
        self.store = store
        self.base_url = base_url  # where upload and file URLs point: the HTTP server's own address

    def get_upload_url_external(self, params: JSON) -> JSON:
        for name in ("filename", "length"):
            if not params.get(name):
                raise SlackError("invalid_arguments", [f"[ERROR] missing required field: {name}"])
        file = self.new_file(str(params["filename"]), int(params["length"]))
        return {"upload_url": f"{self.base_url()}upload/{file.id}", "file_id": file.id}

    def complete_upload_external(self, params: JSON) -> JSON:
        store = self.store
        entries = params.get("files")
        if not isinstance(entries, list) or not entries:
            raise SlackError("invalid_arguments", ["[ERROR] missing required field: files"])
        files = [self._uploaded_file(entry) for entry in entries]
        channel_ids = [params["channel_id"]] if params.get("channel_id") else []
        channel_ids += [c for c in str(params.get("channels") or "").split(",") if c]
        channels = [store.channel_to_post_in(channel_id) for channel_id in channel_ids]
        comment = optional_str(params.get("initial_comment"))
        for file, entry in zip(files, entries, strict=True):
            file.title = entry.get("title") or file.filename
            file.initial_comment = comment
        # Sharing a file posts a message carrying it (and the comment) in each channel.
        thread_ts = optional_str(params.get("thread_ts"))
        for channel in channels:
            shared = [file.id for file in files]
            store.append(Message(channel.id, store.next_ts(), comment or "", thread_ts=thread_ts, files=shared))
            for file in files:
                file.channels.append(channel.id)
        return {"files": [file.to_slack() for file in files]}

    def info(self, params: JSON) -> JSON:
        file = self.store.files.get(str(params.get("file")))
        if file is None:
            raise SlackError("file_not_found")
        return {"file": file.to_slack()}

    def new_file(self, filename: str, length: int) -> File:
        file = File(self.store.new_id("F"), filename, length)
        # Slack's shape: https://files.slack.com/files-pri/T…-F…/name
        file.url_private = f"{self.base_url()}files-pri/{self.store.identity.team_id}-{file.id}/{quote(filename)}"
        self.store.files[file.id] = file
        return file

    def store_upload(self, file_id: str, content: bytes) -> bool:
        """Keep the bytes posted to a file's upload URL; False for an unknown file."""
        with self.store.lock:
            file = self.store.files.get(file_id)
            if file is not None:
                file.content = content
            return file is not None

    def download(self, file_id: str, token: str) -> bytes | None:
        """A file's bytes for a request bearing a token that may read files; None otherwise or for an unknown file."""
        store = self.store
        with store.lock:
            file = store.files.get(file_id)
            if token not in store.tokens or FILE_DOWNLOAD_SCOPE not in store.scopes or file is None:
                return None
            return file.content

    def _uploaded_file(self, entry: Any) -> File:
        file = self.store.files.get(str(entry.get("id"))) if isinstance(entry, dict) else None
        if file is None or file.content is None:
            raise SlackError("file_not_found")
        return file
