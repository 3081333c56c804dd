"""The loopback Slack's objects, as its Web API hands them out: the workspace's identity, users, channels,
messages, views and files, and Slack's error answer."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

JSON = dict[str, Any]
Clock = Callable[[], float]


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
    # The people in it, and whether the bot was invited (Slack refuses its posts to a channel it is not in).
    members: list[str] = field(default_factory=list)
    bot_is_member: bool = True

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
class Trigger:
    """A trigger id's issue: for whom, when (by the workspace's clock), and whether a views call used it."""

    user: str | None
    issued_at: float
    used: bool = False


def optional_str(value: Any) -> str | None:
    return None if value is None or value == "" else str(value)


def flag(value: Any) -> bool:
    return value in (True, "true", "1", 1)
