"""The state of a fake Slack workspace and the Web API methods that read and change it, without HTTP.

The methods live by family in web_api/ (chat, conversations, users, views, files) over one Store (store.py);
Lookups (lookups.py) is what callers read. The objects (objects.py) are re-exported here, where callers import
them from.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping
from typing import Any

from devtools.sandbox.lookups import Lookups
from devtools.sandbox.objects import JSON, Channel, Clock, File, Identity, Message, SlackError, User, View
from devtools.sandbox.scopes import manifest_scopes, needed_scopes
from devtools.sandbox.store import Store, message_content
from devtools.sandbox.web_api import MODAL_STACK_MAX, TRIGGER_TTL_SECONDS, families

__all__ = [
    "JSON",
    "MODAL_STACK_MAX",
    "TRIGGER_TTL_SECONDS",
    "Channel",
    "Clock",
    "File",
    "Identity",
    "Message",
    "SlackError",
    "User",
    "View",
    "Workspace",
    "message_content",
]


class Workspace(Lookups):
    """Users, channels, messages, views and files, changed only through Slack's rules; thread-safe."""

    def __init__(
        self,
        identity: Identity | None = None,
        *,
        clock: Clock = time.monotonic,
        epoch: int = 1_700_000_000,
        scopes: Iterable[str] | None = None,
    ) -> None:
        self.identity = identity or Identity()
        self.clock, self.epoch = clock, epoch
        # What the bot token was granted: by default what manifest.json asks for, as when installed from it.
        granted = manifest_scopes() if scopes is None else scopes
        super().__init__(Store(self.identity, clock=clock, epoch=epoch, scopes=granted))
        self._lock, self._changed = self._store.lock, self._store.changed
        self._api = families(self._store, lambda: self.base_url)
        self._methods = self._api.methods()
        bot = self.identity
        self.add_user(bot.bot_user_id, bot.bot_name, real_name=bot.bot_name, is_bot=True)

    @property
    def base_url(self) -> str:
        """Where upload URLs point; the HTTP server answers with its own address."""
        return "http://127.0.0.1/"

    @property
    def methods(self) -> list[str]:
        """The Web API methods this fake serves."""
        return list(self._methods)

    def authenticate(self, method: str, token: str) -> None:
        """Raise Slack's error for an unknown method or a missing or unknown token."""
        if method not in self._methods:
            raise SlackError("unknown_method")
        if not token:
            raise SlackError("not_authed")
        with self._lock:
            if token not in self._store.tokens:
                raise SlackError("invalid_auth")

    def authorize(self, method: str, params: JSON) -> None:
        """Raise Slack's missing_scope unless the granted scopes cover this call (checked before anything is done)."""
        scopes = self._store.scopes
        needed = needed_scopes(method, self._conversation_kind(method, params))
        if needed and not set(needed) & set(scopes):
            with self._lock:
                self._store.scope_refusals.append((method, ",".join(needed)))
            raise SlackError("missing_scope", needed=",".join(needed), provided=",".join(scopes))

    def _conversation_kind(self, method: str, params: JSON) -> str | None:
        if method == "conversations.open" and not params.get("channel"):
            users = [user for user in str(params.get("users") or "").split(",") if user]
            return "mpim" if len(users) > 1 else "im"
        channel = self.channel(str(params.get("channel") or ""))
        return channel.kind if channel else None

    def call(self, method: str, params: JSON) -> JSON:
        """Run a Web API method: its success body without `ok`, or SlackError."""
        with self._changed:
            try:
                return self._methods[method](params)
            finally:
                self._changed.notify_all()

    def add_token(self, token: str) -> None:
        with self._lock:
            self._store.tokens.add(token)

    def add_user(
        self,
        id: str,
        name: str,
        real_name: str = "",
        email: str | None = None,
        deleted: bool = False,
        is_bot: bool = False,
    ) -> User:
        with self._lock:
            user = self._store.users[id] = User(id, name, real_name or name, email, deleted, is_bot)
            return user

    def deactivate_user(self, user_id: str) -> None:
        with self._lock:
            self._store.users[user_id].deleted = True

    def add_channel(
        self,
        id: str,
        name: str,
        *,
        is_archived: bool = False,
        is_private: bool = False,
        members: Iterable[str] = (),
        bot_is_member: bool = True,
    ) -> Channel:
        """A channel with these people in it; the bot is invited unless `bot_is_member` is False."""
        with self._lock:
            channel = self._store.channels[id] = Channel(
                id,
                name,
                is_archived=is_archived,
                is_private=is_private,
                members=list(members),
                bot_is_member=bot_is_member,
            )
            self._store.messages.setdefault(id, [])
            return channel

    def add_usergroup(self, id: str, user_ids: Iterable[str]) -> None:
        with self._lock:
            self._store.usergroups[id] = list(user_ids)

    def open_dm(self, user_id: str) -> str:
        """The DM channel between the bot and a user, created on first use; the same id every time."""
        return self._store.open_dm(user_id)

    def record_user_message(self, channel: str, user_id: str, text: str, thread_ts: str | None = None) -> Message:
        """Store a message a user wrote (the driver sends the matching event) so replies can thread on it."""
        store = self._store
        with self._lock:
            return store.append(Message(channel, store.next_ts(), text, thread_ts=thread_ts, user=user_id))

    def store_upload(self, file_id: str, content: bytes) -> bool:
        """Keep the bytes posted to a file's upload URL; False for an unknown file."""
        return self._api.files.store_upload(file_id, content)

    def add_file(self, filename: str, content: bytes, *, title: str | None = None) -> File:
        """A file someone uploaded (shared in a DM or picked in a file_input), downloadable at `url_private`."""
        with self._lock:
            file = self._api.files.new_file(filename, len(content))
            file.content, file.title = content, title
            return file

    def download(self, file_id: str, token: str) -> bytes | None:
        """A file's bytes for a request bearing a token that may read files; None otherwise or for an unknown file."""
        return self._api.files.download(file_id, token)

    def new_trigger_id(self, user_id: str | None = None, *, age: float = 0.0) -> str:
        """A trigger id as Slack puts in an interactive payload; it expires 3 s after issue (by `clock`), and
        one issued `age` seconds ago has that much less left."""
        return self._api.views.new_trigger_id(user_id, age)

    def resolve_submission(self, user_id: str, view_id: str, ack: Mapping[str, Any] | None) -> None:
        """Apply an app's answer to a view_submission to the user's modal stack, as Slack's client does.

        An answer Slack would refuse (an invalid view, errors on a block that is not an input) changes nothing
        and raises SlackError; the user would see Slack's own "trouble connecting" message.
        """
        self._api.views.resolve_submission(user_id, view_id, ack)

    def close_views(self, user_id: str, view_id: str, *, all_views: bool = False) -> None:
        """The user closed a modal: drop it (and the ones pushed above it), or the whole stack."""
        self._api.views.close(user_id, view_id, all_views=all_views)
