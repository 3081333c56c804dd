"""chat.*: posting, ephemeral messages, edits in place and permalinks, with Slack's limits on what a message holds."""

from __future__ import annotations

import json
from typing import Any

from devtools.sandbox.objects import JSON, Message, SlackError, optional_str
from devtools.sandbox.store import Store


class ChatApi:
    def __init__(self, store: Store) -> None:
        self.store = store

    def post_message(self, params: JSON) -> JSON:
        store = self.store
        channel = store.channel_to_post_in(params.get("channel"))
        text, blocks = store.checked_content(params, "chat.postMessage", channel.id)
        thread_ts = optional_str(params.get("thread_ts"))
        metadata = _metadata(params.get("metadata"))
        message = store.append(Message(channel.id, store.next_ts(), text, blocks, thread_ts, metadata=metadata))
        return {"channel": channel.id, "ts": message.ts, "message": store.message_json(message)}

    def post_ephemeral(self, params: JSON) -> JSON:
        store = self.store
        channel = store.channel_to_post_in(params.get("channel"))
        user = store.users.get(str(params.get("user")))
        if user is None:
            raise SlackError("user_not_in_channel")
        text, blocks = store.checked_content(params, "chat.postEphemeral", channel.id)
        thread_ts = optional_str(params.get("thread_ts"))
        message = Message(channel.id, store.next_ts(), text, blocks, thread_ts, ephemeral_to=user.id)
        return {"message_ts": store.append(message).ts}

    def update(self, params: JSON) -> JSON:
        store = self.store
        channel = store.existing_channel(params.get("channel"))
        message = store.find_message(channel.id, params.get("ts"))
        if message.user is not None:
            raise SlackError("cant_update_message")
        message.text, message.blocks = store.checked_content(params, "chat.update", channel.id)
        return {
            "channel": channel.id,
            "ts": message.ts,
            "text": message.text,
            "message": store.message_json(message),
        }

    def get_permalink(self, params: JSON) -> JSON:
        channel = self.store.existing_channel(params.get("channel"))
        message = self.store.find_message(channel.id, params.get("message_ts"))
        archive = f"https://{self.store.identity.team_domain}.slack.com/archives/{channel.id}"
        link = f"{archive}/p{message.ts.replace('.', '')}"
        return {"channel": channel.id, "permalink": link}


def _metadata(value: Any) -> JSON | None:
    """chat.postMessage takes metadata as a JSON object, or as its JSON text in a form field."""
    if isinstance(value, str) and value:
        value = json.loads(value)
    if value is None:
        return None
    if not isinstance(value, dict) or not isinstance(value.get("event_type"), str):
        raise SlackError("invalid_metadata_format")
    return value
