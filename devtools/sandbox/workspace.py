"""The state of a fake Slack workspace and the Web API methods that read and change it, without HTTP."""

from __future__ import annotations

import itertools
import json
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar
from urllib.parse import quote

from devtools.sandbox import block_kit
from devtools.sandbox.scopes import FILE_DOWNLOAD_SCOPE, manifest_scopes, needed_scopes

JSON = dict[str, Any]
Clock = Callable[[], float]
T = TypeVar("T")

TRIGGER_TTL_SECONDS = 3.0
MODAL_STACK_MAX = 3  # the root view plus two pushed ones


@dataclass(frozen=True)
class Identity:
    """Who the workspace and the bot are; what auth.test answers."""

    team_id: str = "T0MALMO"
    team_name: str = "Malmö stad"
    team_domain: str = "malmostad"
    bot_token: str = "xoxb-test"  # noqa: S105 - the fake's own token, known to nothing real
    bot_user_id: str = "U0REMISSBOT"
    bot_id: str = "B0REMISSBOT"
    bot_name: str = "remissbot"
    app_id: str = "A0REMISSBOT"


class SlackError(Exception):
    """A Slack error answer: HTTP 200 with `ok: false`, the error code and Slack's explanations."""

    def __init__(self, code: str, messages: Iterable[str] = (), **details: str) -> None:
        super().__init__(code)
        self.code = code
        self.messages = list(messages)
        self.details = details  # fields Slack adds beside the code, e.g. missing_scope's needed and provided

    def body(self) -> JSON:
        body: JSON = {"ok": False, "error": self.code, **self.details}
        if self.messages:
            body["response_metadata"] = {"messages": self.messages}
        if self.code == "invalid_blocks":
            body["errors"] = [message.removeprefix("[ERROR] ") for message in self.messages]
        return body


@dataclass
class User:
    id: str
    name: str
    real_name: str = ""
    email: str | None = None
    deleted: bool = False
    is_bot: bool = False

    def to_slack(self, team_id: str) -> JSON:
        profile = {"real_name": self.real_name, "display_name": self.name, "email": self.email}
        return {
            "id": self.id,
            "team_id": team_id,
            "name": self.name,
            "real_name": self.real_name,
            "deleted": self.deleted,
            "is_bot": self.is_bot,
            "tz": "Europe/Stockholm",
            "profile": {key: value for key, value in profile.items() if value is not None},
        }


@dataclass
class Channel:
    id: str
    name: str
    dm_user: str | None = None
    is_archived: bool = False
    is_private: bool = False

    @property
    def kind(self) -> str:
        """public, private or im: which of Slack's *:history scopes reading it needs."""
        return "im" if self.dm_user else "private" if self.is_private else "public"

    def to_slack(self) -> JSON:
        if self.dm_user:
            kind: JSON = {"is_im": True, "user": self.dm_user}
        else:
            kind = {"is_channel": not self.is_private, "is_group": self.is_private, "name": self.name}
        is_private = self.is_private or bool(self.dm_user)
        return {"id": self.id, "is_archived": self.is_archived, "is_private": is_private, **kind}


@dataclass
class Message:
    channel: str
    ts: str
    text: str
    blocks: list[JSON] | None = None
    thread_ts: str | None = None
    user: str | None = None  # None: posted by the bot
    ephemeral_to: str | None = None
    files: list[str] = field(default_factory=list)
    metadata: JSON | None = None  # message metadata (event_type, event_payload), as chat.postMessage took it

    def to_slack(self, bot_user_id: str, bot_id: str, *, with_metadata: bool = False) -> JSON:
        author = {"user": self.user} if self.user else {"user": bot_user_id, "bot_id": bot_id}
        optional: dict[str, Any] = {"blocks": self.blocks, "thread_ts": self.thread_ts, "files": self.files}
        if with_metadata:
            optional["metadata"] = self.metadata
        present = {key: value for key, value in optional.items() if value}
        return {"type": "message", "ts": self.ts, "text": self.text, **author, **present}


@dataclass
class View:
    id: str
    user: str
    payload: JSON  # the view object as Slack returns it: id, hash, callback_id, private_metadata, state, ...

    @property
    def type(self) -> str:
        return str(self.payload["type"])

    @property
    def hash(self) -> str:
        return str(self.payload["hash"])

    @property
    def callback_id(self) -> str:
        return str(self.payload.get("callback_id", ""))

    @property
    def private_metadata(self) -> str:
        return str(self.payload.get("private_metadata", ""))


@dataclass
class File:
    id: str
    filename: str
    length: int
    title: str | None = None
    content: bytes | None = None
    channels: list[str] = field(default_factory=list)
    initial_comment: str | None = None
    url_private: str = ""  # served by the fake to a request with a token, as Slack serves files

    def to_slack(self) -> JSON:
        urls = {"url_private": self.url_private, "url_private_download": self.url_private} if self.url_private else {}
        return {
            "id": self.id,
            "name": self.filename,
            "title": self.title or self.filename,
            "size": self.length,
            "filetype": self.filename.rpartition(".")[2].lower() if "." in self.filename else "",
            "channels": self.channels,
            **urls,
        }


@dataclass
class _Trigger:
    user: str | None
    issued_at: float
    used: bool = False


class Workspace:
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
        # What the bot token was granted: by default what manifest.json asks for, as when installed from it.
        self._scopes = tuple(manifest_scopes() if scopes is None else scopes)
        self._scope_refusals: list[tuple[str, str]] = []
        self.clock, self.epoch = clock, epoch
        self._lock = threading.RLock()
        self._changed = threading.Condition(self._lock)
        self._seq = itertools.count(1)
        self._tokens = {self.identity.bot_token}
        self._users: dict[str, User] = {}
        self._channels: dict[str, Channel] = {}
        self._dm_of_user: dict[str, str] = {}
        self._usergroups: dict[str, list[str]] = {}
        self._messages: dict[str, list[Message]] = {}
        self._views: dict[str, View] = {}
        self._modal_stacks: dict[str, list[str]] = {}
        self._homes: dict[str, str] = {}
        self._files: dict[str, File] = {}
        self._triggers: dict[str, _Trigger] = {}
        self._warnings: list[str] = []
        self._methods: dict[str, Callable[[JSON], JSON]] = {
            "auth.test": self._auth_test,
            "chat.postMessage": self._chat_post_message,
            "chat.postEphemeral": self._chat_post_ephemeral,
            "chat.update": self._chat_update,
            "chat.getPermalink": self._chat_get_permalink,
            "conversations.open": self._conversations_open,
            "conversations.history": self._conversations_history,
            "conversations.replies": self._conversations_replies,
            "users.info": self._users_info,
            "users.lookupByEmail": self._users_lookup_by_email,
            "usergroups.users.list": self._usergroups_users_list,
            "views.open": self._views_open,
            "views.push": self._views_push,
            "views.update": self._views_update,
            "views.publish": self._views_publish,
            "files.getUploadURLExternal": self._files_get_upload_url_external,
            "files.completeUploadExternal": self._files_complete_upload_external,
            "files.info": self._files_info,
        }
        bot = self.identity
        self.add_user(bot.bot_user_id, bot.bot_name, real_name=bot.bot_name, is_bot=True)

    @property
    def base_url(self) -> str:
        """Where upload URLs point; the HTTP server answers with its own address."""
        return "http://127.0.0.1/"

    def authenticate(self, method: str, token: str) -> None:
        """Raise Slack's error for an unknown method or a missing or unknown token."""
        if method not in self._methods:
            raise SlackError("unknown_method")
        if not token:
            raise SlackError("not_authed")
        with self._lock:
            if token not in self._tokens:
                raise SlackError("invalid_auth")

    def authorize(self, method: str, params: JSON) -> None:
        """Raise Slack's missing_scope unless the granted scopes cover this call (checked before anything is done)."""
        needed = needed_scopes(method, self._conversation_kind(method, params))
        if needed and not set(needed) & set(self._scopes):
            with self._lock:
                self._scope_refusals.append((method, ",".join(needed)))
            raise SlackError("missing_scope", needed=",".join(needed), provided=",".join(self._scopes))

    def _conversation_kind(self, method: str, params: JSON) -> str | None:
        if method == "conversations.open" and not params.get("channel"):
            users = [user for user in str(params.get("users") or "").split(",") if user]
            return "mpim" if len(users) > 1 else "im"
        channel = self.channel(str(params.get("channel") or ""))
        return channel.kind if channel else None

    @property
    def granted_scopes(self) -> set[str]:
        return set(self._scopes)

    @property
    def methods(self) -> list[str]:
        """The Web API methods this fake serves."""
        return list(self._methods)

    @property
    def scope_refusals(self) -> list[tuple[str, str]]:
        """(method, needed scopes) of every call refused as missing_scope: real Slack would have refused it too."""
        with self._lock:
            return list(self._scope_refusals)

    def call(self, method: str, params: JSON) -> JSON:
        """Run a Web API method: its success body without `ok`, or SlackError."""
        with self._changed:
            try:
                return self._methods[method](params)
            finally:
                self._changed.notify_all()

    def add_token(self, token: str) -> None:
        with self._lock:
            self._tokens.add(token)

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
            user = self._users[id] = User(id, name, real_name or name, email, deleted, is_bot)
            return user

    def deactivate_user(self, user_id: str) -> None:
        with self._lock:
            self._users[user_id].deleted = True

    def add_channel(self, id: str, name: str, *, is_archived: bool = False, is_private: bool = False) -> Channel:
        with self._lock:
            channel = self._channels[id] = Channel(id, name, is_archived=is_archived, is_private=is_private)
            self._messages.setdefault(id, [])
            return channel

    def add_usergroup(self, id: str, user_ids: Iterable[str]) -> None:
        with self._lock:
            self._usergroups[id] = list(user_ids)

    def open_dm(self, user_id: str) -> str:
        """The DM channel between the bot and a user, created on first use; the same id every time."""
        with self._lock:
            if user_id not in self._dm_of_user:
                channel_id = self._new_id("D")
                self._channels[channel_id] = Channel(channel_id, "directmessage", dm_user=user_id)
                self._messages[channel_id] = []
                self._dm_of_user[user_id] = channel_id
            return self._dm_of_user[user_id]

    def record_user_message(self, channel: str, user_id: str, text: str, thread_ts: str | None = None) -> Message:
        """Store a message a user wrote (the driver sends the matching event) so replies can thread on it."""
        with self._lock:
            return self._append(Message(channel, self._next_ts(), text, thread_ts=thread_ts, user=user_id))

    def store_upload(self, file_id: str, content: bytes) -> bool:
        """Keep the bytes posted to a file's upload URL; False for an unknown file."""
        with self._lock:
            file = self._files.get(file_id)
            if file is not None:
                file.content = content
            return file is not None

    def add_file(self, filename: str, content: bytes, *, title: str | None = None) -> File:
        """A file someone uploaded (shared in a DM or picked in a file_input), downloadable at `url_private`."""
        with self._lock:
            file = self._new_file(filename, len(content))
            file.content, file.title = content, title
            return file

    def file(self, file_id: str) -> File | None:
        with self._lock:
            return self._files.get(file_id)

    def download(self, file_id: str, token: str) -> bytes | None:
        """A file's bytes for a request bearing a token that may read files; None otherwise or for an unknown file."""
        with self._lock:
            file = self._files.get(file_id)
            if token not in self._tokens or FILE_DOWNLOAD_SCOPE not in self._scopes or file is None:
                return None
            return file.content

    def new_trigger_id(self, user_id: str | None = None, *, age: float = 0.0) -> str:
        """A trigger id as Slack puts in an interactive payload; it expires 3 s after issue (by `clock`), and
        one issued `age` seconds ago has that much less left."""
        with self._lock:
            number = next(self._seq)
            trigger_id = f"{number}.{self.epoch}.{number:032x}"
            self._triggers[trigger_id] = _Trigger(user_id, self.clock() - age)
            return trigger_id

    def resolve_submission(self, user_id: str, view_id: str, ack: Mapping[str, Any] | None) -> None:
        """Apply an app's answer to a view_submission to the user's modal stack, as Slack's client does.

        An answer Slack would refuse (an invalid view, errors on a block that is not an input) changes nothing
        and raises SlackError; the user would see Slack's own "trouble connecting" message.
        """
        with self._lock:
            stack = self._modal_stacks.setdefault(user_id, [])
            action = (ack or {}).get("response_action")
            try:
                if action == "clear":
                    stack.clear()
                elif action == "update":
                    self._replace_view(self._views[view_id], self._view_param(ack, {"modal"}))
                elif action == "push":
                    self._push_view(user_id, self._view_param(ack, {"modal"}))
                elif action == "errors":
                    _check_submission_errors((ack or {}).get("errors"), self._views[view_id].payload)
                elif view_id in stack:
                    del stack[stack.index(view_id) :]
            except SlackError as error:
                self._warnings.append(f"view_submission answer {action} refused: {error.code} {error.messages}")
                raise

    def close_views(self, user_id: str, view_id: str, *, all_views: bool = False) -> None:
        """The user closed a modal: drop it (and the ones pushed above it), or the whole stack."""
        with self._lock:
            stack = self._modal_stacks.setdefault(user_id, [])
            if all_views:
                stack.clear()
            elif view_id in stack:
                del stack[stack.index(view_id) :]

    @property
    def warnings(self) -> list[str]:
        with self._lock:
            return list(self._warnings)

    @property
    def files(self) -> list[File]:
        with self._lock:
            return list(self._files.values())

    def user(self, user_id: str) -> User | None:
        with self._lock:
            return self._users.get(user_id)

    def channel(self, channel_id: str) -> Channel | None:
        with self._lock:
            return self._channels.get(channel_id)

    def dm_channel_of(self, user_id: str) -> str | None:
        with self._lock:
            return self._dm_of_user.get(user_id)

    def messages_in(self, channel: str) -> list[Message]:
        """Messages in a channel, oldest first; a user id means the bot's DM with that user."""
        with self._lock:
            return list(self._messages.get(self._dm_of_user.get(channel, channel), []))

    def last_message(self, channel: str) -> Message | None:
        messages = self.messages_in(channel)
        return messages[-1] if messages else None

    def view(self, view_id: str) -> View | None:
        with self._lock:
            return self._views.get(view_id)

    def views_of(self, user_id: str) -> list[View]:
        """The user's open modal stack, root first."""
        with self._lock:
            return [self._views[view_id] for view_id in self._modal_stacks.get(user_id, [])]

    def home_of(self, user_id: str) -> View | None:
        with self._lock:
            view_id = self._homes.get(user_id)
            return self._views[view_id] if view_id else None

    def wait_for(self, predicate: Callable[[], T | None], timeout: float = 5.0) -> T:
        """Wait until `predicate()` is truthy and return it, for listeners that finish after their ack.

        It is checked after each change to the workspace, and every 50 ms for conditions on other state.
        """
        deadline = time.monotonic() + timeout
        with self._changed:
            while not (result := predicate()):
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError("wait_for: the condition did not come true in time")
                self._changed.wait(min(remaining, 0.05))
            return result

    def _auth_test(self, params: JSON) -> JSON:
        return {
            "url": f"https://{self.identity.team_domain}.slack.com/",
            "team": self.identity.team_name,
            "user": self._users[self.identity.bot_user_id].name,
            "team_id": self.identity.team_id,
            "user_id": self.identity.bot_user_id,
            "bot_id": self.identity.bot_id,
            "is_enterprise_install": False,
        }

    def _chat_post_message(self, params: JSON) -> JSON:
        channel = self._channel_to_post_in(params.get("channel"))
        text, blocks = self._checked_content(params, "chat.postMessage", channel.id)
        thread_ts = _optional_str(params.get("thread_ts"))
        metadata = _metadata(params.get("metadata"))
        message = self._append(Message(channel.id, self._next_ts(), text, blocks, thread_ts, metadata=metadata))
        return {"channel": channel.id, "ts": message.ts, "message": self._message_json(message)}

    def _conversations_history(self, params: JSON) -> JSON:
        """Newest first, top-level messages only (thread replies are in conversations.replies), as Slack does."""
        channel = self._existing_channel(params.get("channel"))
        found = [m for m in self._messages.get(channel.id, []) if m.thread_ts in (None, m.ts)]
        return self._message_page(found, params)

    def _conversations_replies(self, params: JSON) -> JSON:
        """The thread's parent first, then its replies, oldest first, as Slack does."""
        channel = self._existing_channel(params.get("channel"))
        parent = self._find_message(channel.id, params.get("ts"))
        replies = [m for m in self._messages.get(channel.id, []) if m.thread_ts == parent.ts and m is not parent]
        page = self._message_page([parent, *replies], params)
        page["messages"].reverse()
        return page

    def _message_page(self, messages: list[Message], params: JSON) -> JSON:
        oldest = float(params.get("oldest") or 0)
        latest = float(params.get("latest") or "inf")
        limit = int(params.get("limit") or 100)
        with_metadata = _flag(params.get("include_all_metadata"))
        chosen = [m for m in messages if m.ephemeral_to is None and oldest <= float(m.ts) <= latest]
        newest_first = sorted(chosen, key=lambda m: float(m.ts), reverse=True)[:limit]
        bot = self.identity
        return {
            "messages": [m.to_slack(bot.bot_user_id, bot.bot_id, with_metadata=with_metadata) for m in newest_first],
            "has_more": len(chosen) > limit,
        }

    def _chat_post_ephemeral(self, params: JSON) -> JSON:
        channel = self._channel_to_post_in(params.get("channel"))
        user = self._users.get(str(params.get("user")))
        if user is None:
            raise SlackError("user_not_in_channel")
        text, blocks = self._checked_content(params, "chat.postEphemeral", channel.id)
        thread_ts = _optional_str(params.get("thread_ts"))
        message = Message(channel.id, self._next_ts(), text, blocks, thread_ts, ephemeral_to=user.id)
        return {"message_ts": self._append(message).ts}

    def _chat_update(self, params: JSON) -> JSON:
        channel = self._existing_channel(params.get("channel"))
        message = self._find_message(channel.id, params.get("ts"))
        if message.user is not None:
            raise SlackError("cant_update_message")
        message.text, message.blocks = self._checked_content(params, "chat.update", channel.id)
        return {
            "channel": channel.id,
            "ts": message.ts,
            "text": message.text,
            "message": self._message_json(message),
        }

    def _chat_get_permalink(self, params: JSON) -> JSON:
        channel = self._existing_channel(params.get("channel"))
        message = self._find_message(channel.id, params.get("message_ts"))
        archive = f"https://{self.identity.team_domain}.slack.com/archives/{channel.id}"
        link = f"{archive}/p{message.ts.replace('.', '')}"
        return {"channel": channel.id, "permalink": link}

    def _conversations_open(self, params: JSON) -> JSON:
        if params.get("channel"):
            return {"channel": self._existing_channel(params["channel"]).to_slack()}
        user_ids = [user_id for user_id in str(params.get("users") or "").split(",") if user_id]
        if not user_ids:
            raise SlackError("users_list_not_supplied")
        if len(user_ids) > 1:
            raise SlackError("invalid_arguments", ["this fake opens direct messages with one user only"])
        user = self._users.get(user_ids[0])
        if user is None:
            raise SlackError("user_not_found")
        if user.deleted:
            raise SlackError("user_disabled")
        already_open = user.id in self._dm_of_user
        channel = self._channels[self.open_dm(user.id)]
        result: JSON = {"channel": channel.to_slack() if _flag(params.get("return_im")) else {"id": channel.id}}
        return {**result, "no_op": True, "already_open": True} if already_open else result

    def _users_info(self, params: JSON) -> JSON:
        user = self._users.get(str(params.get("user")))
        if user is None:
            raise SlackError("user_not_found")
        return {"user": user.to_slack(self.identity.team_id)}

    def _users_lookup_by_email(self, params: JSON) -> JSON:
        email = str(params.get("email") or "").lower()
        for user in self._users.values():
            if user.email and user.email.lower() == email:
                return {"user": user.to_slack(self.identity.team_id)}
        raise SlackError("users_not_found")

    def _usergroups_users_list(self, params: JSON) -> JSON:
        members = self._usergroups.get(str(params.get("usergroup")))
        if members is None:
            raise SlackError("no_such_subteam")
        return {"users": list(members)}

    def _views_open(self, params: JSON) -> JSON:
        body = self._view_param(params, {"modal"})
        trigger = self._exchange_trigger(params.get("trigger_id"))
        user_id = trigger.user or self.identity.bot_user_id
        view = self._new_view(user_id, body, root_view_id=None)
        self._modal_stacks[user_id] = [view.id]
        return {"view": view.payload}

    def _views_push(self, params: JSON) -> JSON:
        body = self._view_param(params, {"modal"})
        trigger = self._exchange_trigger(params.get("trigger_id"))
        return {"view": self._push_view(trigger.user or self.identity.bot_user_id, body).payload}

    def _views_update(self, params: JSON) -> JSON:
        view = self._find_view(params)
        body = self._view_param(params, {view.type})
        _check_hash(params, view)
        return {"view": self._replace_view(view, body).payload}

    def _views_publish(self, params: JSON) -> JSON:
        user = self._users.get(str(params.get("user_id")))
        if user is None:
            raise SlackError("user_not_found")
        body = self._view_param(params, {"home"})
        home = self.home_of(user.id)
        if home is None:
            home = self._new_view(user.id, body, root_view_id=None)
            self._homes[user.id] = home.id
            return {"view": home.payload}
        _check_hash(params, home)
        return {"view": self._replace_view(home, body).payload}

    def _files_get_upload_url_external(self, params: JSON) -> JSON:
        for name in ("filename", "length"):
            if not params.get(name):
                raise SlackError("invalid_arguments", [f"[ERROR] missing required field: {name}"])
        file = self._new_file(str(params["filename"]), int(params["length"]))
        return {"upload_url": f"{self.base_url}upload/{file.id}", "file_id": file.id}

    def _new_file(self, filename: str, length: int) -> File:
        file = File(self._new_id("F"), filename, length)
        # Slack's shape: https://files.slack.com/files-pri/T…-F…/name
        file.url_private = f"{self.base_url}files-pri/{self.identity.team_id}-{file.id}/{quote(filename)}"
        self._files[file.id] = file
        return file

    def _files_complete_upload_external(self, params: JSON) -> JSON:
        entries = params.get("files")
        if not isinstance(entries, list) or not entries:
            raise SlackError("invalid_arguments", ["[ERROR] missing required field: files"])
        files = [self._uploaded_file(entry) for entry in entries]
        channel_ids = [params["channel_id"]] if params.get("channel_id") else []
        channel_ids += [c for c in str(params.get("channels") or "").split(",") if c]
        channels = [self._channel_to_post_in(channel_id) for channel_id in channel_ids]
        comment = _optional_str(params.get("initial_comment"))
        for file, entry in zip(files, entries, strict=True):
            file.title = entry.get("title") or file.filename
            file.initial_comment = comment
        # Sharing a file posts a message carrying it (and the comment) in each channel.
        thread_ts = _optional_str(params.get("thread_ts"))
        for channel in channels:
            shared = [file.id for file in files]
            self._append(Message(channel.id, self._next_ts(), comment or "", thread_ts=thread_ts, files=shared))
            for file in files:
                file.channels.append(channel.id)
        return {"files": [file.to_slack() for file in files]}

    def _files_info(self, params: JSON) -> JSON:
        file = self._files.get(str(params.get("file")))
        if file is None:
            raise SlackError("file_not_found")
        return {"file": file.to_slack()}

    def _new_id(self, prefix: str) -> str:
        return f"{prefix}{next(self._seq):09d}"

    def _next_ts(self) -> str:
        # Unique and increasing both as strings and as numbers, like Slack's.
        number = next(self._seq)
        return f"{self.epoch + number // 1_000_000}.{number % 1_000_000:06d}"

    def _append(self, message: Message) -> Message:
        self._messages.setdefault(message.channel, []).append(message)
        return message

    def _message_json(self, message: Message) -> JSON:
        return message.to_slack(self.identity.bot_user_id, self.identity.bot_id)

    def _existing_channel(self, channel_id: Any) -> Channel:
        channel = self._channels.get(str(channel_id or ""))
        if channel is None:
            raise SlackError("channel_not_found")
        return channel

    def _channel_to_post_in(self, channel_id: Any) -> Channel:
        # Deactivating a user archives their DMs; chat.postMessage's documented error for that is is_archived
        # (user_disabled is conversations.open's), so both a DM id and a user id of a deactivated user get it.
        user = self._users.get(str(channel_id or ""))
        if user is not None and user.deleted:
            raise SlackError("is_archived")
        # Slack lets a bot post to a user id, meaning its DM with that user.
        channel = self._channels[self.open_dm(user.id)] if user else self._existing_channel(channel_id)
        peer = self._users.get(channel.dm_user or "")
        if channel.is_archived or (peer is not None and peer.deleted):
            raise SlackError("is_archived")
        return channel

    def _checked_content(self, params: JSON, method: str, channel_id: str) -> tuple[str, list[JSON] | None]:
        text, blocks = message_content(params)
        if blocks and not text:
            # Slack accepts this and only warns; notifications and screen readers then have nothing to say.
            self._warnings.append(f"{method} to {channel_id}: blocks without a plain text fallback")
        return text or "", self._with_block_ids(blocks)

    def _with_block_ids(self, blocks: list[JSON] | None) -> list[JSON] | None:
        # Slack gives every block without a block_id one of its own, and interactive payloads carry it.
        if blocks is None:
            return None
        return [block if "block_id" in block else {**block, "block_id": self._new_id("b")} for block in blocks]

    def _find_message(self, channel_id: str, ts: Any) -> Message:
        for message in self._messages.get(channel_id, []):
            if message.ts == ts and message.ephemeral_to is None:
                return message
        raise SlackError("message_not_found")

    def _exchange_trigger(self, trigger_id: Any) -> _Trigger:
        trigger = self._triggers.get(str(trigger_id or ""))
        if trigger is None:
            raise SlackError("invalid_trigger_id")
        if trigger.used:
            raise SlackError("exchanged_trigger_id")
        if self.clock() - trigger.issued_at > TRIGGER_TTL_SECONDS:
            raise SlackError("expired_trigger_id")
        trigger.used = True
        return trigger

    def _view_param(self, params: Mapping[str, Any] | None, types: set[str]) -> JSON:
        view = (params or {}).get("view")
        if not isinstance(view, dict):
            raise SlackError("invalid_arguments", ["[ERROR] failed to parse view json [json-pointer:/view]"])
        if len(json.dumps(view).encode()) > block_kit.VIEW_JSON_MAX_BYTES:
            raise SlackError("view_too_large")
        if view.get("type") not in types:
            raise SlackError("invalid_arguments", [f"[ERROR] must be one of {sorted(types)} [json-pointer:/view/type]"])
        errors = block_kit.view_errors(view)
        if errors:
            raise SlackError("invalid_arguments", errors)
        return view

    def _find_view(self, params: JSON) -> View:
        if params.get("view_id"):
            view = self._views.get(str(params["view_id"]))
        else:
            external_id = params.get("external_id")
            view = next(
                (v for v in self._views.values() if external_id and v.payload.get("external_id") == external_id),
                None,
            )
        if view is None:
            raise SlackError("not_found")
        return view

    def _new_view(self, user_id: str, body: JSON, root_view_id: str | None, previous: str | None = None) -> View:
        view_id = self._new_id("V")
        view = View(view_id, user_id, {})
        self._views[view_id] = view
        self._fill_view(view, body, root_view_id or view_id, previous)
        return view

    def _replace_view(self, view: View, body: JSON) -> View:
        self._fill_view(view, body, view.payload["root_view_id"], view.payload.get("previous_view_id"))
        return view

    def _push_view(self, user_id: str, body: JSON) -> View:
        stack = self._modal_stacks.get(user_id) or []
        if not stack:
            raise SlackError("not_found")
        if len(stack) >= MODAL_STACK_MAX:
            raise SlackError("push_limit_reached")
        view = self._new_view(user_id, body, root_view_id=stack[0], previous=stack[-1])
        stack.append(view.id)
        return view

    def _fill_view(self, view: View, body: JSON, root_view_id: str, previous_view_id: str | None) -> None:
        number = next(self._seq)
        view.payload = {
            "private_metadata": "",
            "callback_id": "",
            "external_id": "",
            "clear_on_close": False,
            "notify_on_close": False,
            **body,
            "blocks": self._with_block_ids(body.get("blocks", [])),
            "id": view.id,
            "team_id": self.identity.team_id,
            "state": {"values": {}},
            "hash": f"{self.epoch + number}.{number:08x}",
            "root_view_id": root_view_id,
            "previous_view_id": previous_view_id,
            "app_id": self.identity.app_id,
            "bot_id": self.identity.bot_id,
        }

    def _uploaded_file(self, entry: Any) -> File:
        file = self._files.get(str(entry.get("id"))) if isinstance(entry, dict) else None
        if file is None or file.content is None:
            raise SlackError("file_not_found")
        return file


def message_content(params: Mapping[str, Any]) -> tuple[str | None, list[JSON] | None]:
    text, blocks = _optional_str(params.get("text")), params.get("blocks")
    if blocks is not None and not (isinstance(blocks, list) and all(isinstance(b, dict) for b in blocks)):
        raise SlackError("invalid_blocks_format")
    if not text and not blocks and not params.get("attachments"):
        raise SlackError("no_text")
    # Slack's docs say text past 40,000 characters is truncated, and also list msg_too_long: refusing is the
    # stricter choice, so an app that passes here never loses text there.
    if text and len(text) > block_kit.MESSAGE_TEXT_MAX:
        raise SlackError("msg_too_long")
    if blocks:
        errors = block_kit.message_block_errors(blocks)
        if errors:
            raise SlackError("invalid_blocks", errors)
        if block_kit.block_text_length(blocks) > block_kit.MESSAGE_BLOCK_TEXT_MAX:
            raise SlackError("msg_blocks_too_long")
    return text, blocks


def _check_submission_errors(errors: Any, view: JSON) -> None:
    """Slack shows `response_action: errors` only under input blocks of the submitted view, and refuses the rest."""
    if not isinstance(errors, dict):
        raise SlackError("invalid_arguments", ["[ERROR] must be an object [json-pointer:/errors]"])
    inputs = block_kit.input_block_ids(view)
    misplaced = [str(block_id) for block_id in errors if block_id not in inputs]
    if misplaced:
        raise SlackError(
            "invalid_arguments",
            [
                f"[ERROR] {block_id} is not an input block of the view [json-pointer:/errors/{block_id}]"
                for block_id in misplaced
            ],
        )


def _check_hash(params: JSON, view: View) -> None:
    # A hash from an older version of the view means someone else updated it in between.
    if params.get("hash") and params["hash"] != view.hash:
        raise SlackError("hash_conflict")


def _metadata(value: Any) -> JSON | None:
    """chat.postMessage takes metadata as a JSON object, or as its JSON text in a form field."""
    if isinstance(value, str) and value:
        value = json.loads(value)
    if value is None:
        return None
    if not isinstance(value, dict) or not isinstance(value.get("event_type"), str):
        raise SlackError("invalid_metadata_format")
    return value


def _optional_str(value: Any) -> str | None:
    return None if value is None or value == "" else str(value)


def _flag(value: Any) -> bool:
    return value in (True, "true", "1", 1)
