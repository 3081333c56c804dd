"""What the loopback Slack holds (users, channels, messages, views, files, trigger ids) and the few rules every
Web API family shares: ids and timestamps as Slack makes them, where a message may be posted, what a message may
contain. The families (web_api/) change it only under its lock."""

from __future__ import annotations

import itertools
import threading
from collections.abc import Iterable, Mapping
from typing import Any

from devtools.sandbox import block_kit
from devtools.sandbox.objects import (
    JSON,
    Channel,
    Clock,
    File,
    Identity,
    Message,
    SlackError,
    Trigger,
    User,
    View,
    optional_str,
)


class Store:
    """The workspace's state; callers hold `lock` (an RLock; `changed` is its condition) while they touch it."""

    def __init__(self, identity: Identity, *, clock: Clock, epoch: int, scopes: Iterable[str]) -> None:
        self.identity, self.clock, self.epoch = identity, clock, epoch
        self.scopes = tuple(scopes)
        self.scope_refusals: list[tuple[str, str]] = []
        self.lock = threading.RLock()
        self.changed = threading.Condition(self.lock)
        self.seq = itertools.count(1)
        self.tokens = {identity.bot_token}
        self.users: dict[str, User] = {}
        self.channels: dict[str, Channel] = {}
        self.dm_of_user: dict[str, str] = {}
        self.usergroups: dict[str, list[str]] = {}
        self.messages: dict[str, list[Message]] = {}
        self.views: dict[str, View] = {}
        self.modal_stacks: dict[str, list[str]] = {}
        # Modals the user no longer has (closed, cleared, or submitted and closed): Slack updates them no more.
        self.closed_views: set[str] = set()
        self.homes: dict[str, str] = {}
        self.files: dict[str, File] = {}
        self.triggers: dict[str, Trigger] = {}
        self.warnings: list[str] = []
        # The app's answers to view submissions (errors shown under fields, views pushed or swapped in), as the
        # user saw them: they reach Slack in the HTTP response, not through a Web API call.
        self.submission_answers: list[JSON] = []

    def new_id(self, prefix: str) -> str:
        return f"{prefix}{next(self.seq):09d}"

    def next_ts(self) -> str:
        # Unique and increasing both as strings and as numbers, like Slack's.
        number = next(self.seq)
        return f"{self.epoch + number // 1_000_000}.{number % 1_000_000:06d}"

    def open_dm(self, user_id: str) -> str:
        """The DM channel between the bot and a user, created on first use; the same id every time."""
        with self.lock:
            if user_id not in self.dm_of_user:
                channel_id = self.new_id("D")
                self.channels[channel_id] = Channel(channel_id, "directmessage", dm_user=user_id)
                self.messages[channel_id] = []
                self.dm_of_user[user_id] = channel_id
            return self.dm_of_user[user_id]

    def append(self, message: Message) -> Message:
        self.messages.setdefault(message.channel, []).append(message)
        return message

    def message_json(self, message: Message) -> JSON:
        return message.to_slack(self.identity.bot_user_id, self.identity.bot_id)

    def existing_channel(self, channel_id: Any) -> Channel:
        channel = self.channels.get(str(channel_id or ""))
        if channel is None:
            raise SlackError("channel_not_found")
        return channel

    def channel_to_post_in(self, channel_id: Any) -> Channel:
        # Deactivating a user archives their DMs; chat.postMessage's documented error for that is is_archived
        # (user_disabled is conversations.open's), so both a DM id and a user id of a deactivated user get it.
        user = self.users.get(str(channel_id or ""))
        if user is not None and user.deleted:
            raise SlackError("is_archived")
        # Slack lets a bot post to a user id, meaning its DM with that user.
        channel = self.channels[self.open_dm(user.id)] if user else self.existing_channel(channel_id)
        peer = self.users.get(channel.dm_user or "")
        if channel.is_archived or (peer is not None and peer.deleted):
            raise SlackError("is_archived")
        if not channel.bot_is_member:
            # With chat:write (not chat:write.public) a bot posts only where it was invited; a private channel
            # it is not in does not exist for it.
            raise SlackError("channel_not_found" if channel.is_private else "not_in_channel")
        return channel

    def checked_content(self, params: JSON, method: str, channel_id: str) -> tuple[str, list[JSON] | None]:
        text, blocks = message_content(params)
        if blocks and not text:
            # Slack accepts this and only warns; notifications and screen readers then have nothing to say.
            self.warnings.append(f"{method} to {channel_id}: blocks without a plain text fallback")
        return text or "", self.with_block_ids(blocks)

    def with_block_ids(self, blocks: list[JSON] | None) -> list[JSON] | None:
        # Slack gives every block without a block_id one of its own, and interactive payloads carry it.
        if blocks is None:
            return None
        return [block if "block_id" in block else {**block, "block_id": self.new_id("b")} for block in blocks]

    def find_message(self, channel_id: str, ts: Any) -> Message:
        for message in self.messages.get(channel_id, []):
            if message.ts == ts and message.ephemeral_to is None:
                return message
        raise SlackError("message_not_found")


def message_content(params: Mapping[str, Any]) -> tuple[str | None, list[JSON] | None]:
    """A message's text and blocks, or the error Slack answers for a message it refuses."""
    text, blocks = optional_str(params.get("text")), params.get("blocks")
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
