"""Reading what a person was shown in the loopback Slack: for the end-to-end tests and the demo.

Slack shows a message as its blocks, with its text as the notification (and the fallback without blocks); a
modal as its blocks. `shown` is everything a person can read of a message or a modal, `blocks_shown` only
what is in its blocks (to check that the body, not just the notification, says something). The other
helpers find the bot's messages in a person's DM: the remiss DM, replies in a thread, a message as it is now
(after edits), and the ephemeral answers sent to response URLs.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from devtools.sandbox.fake_slack import FakeSlack
from devtools.sandbox.workspace import Message, View, Workspace

# What the courier puts in each message's metadata: `{"event_type": OUTBOX_EVENT, "event_payload": {"key": …}}`.
OUTBOX_EVENT = "remissbot_outbox"


def blocks_shown(item: Message | View) -> str:
    """A message's or a modal's blocks as one searchable string (JSON, non-ASCII kept)."""
    blocks = item.payload["blocks"] if isinstance(item, View) else item.blocks
    return json.dumps(blocks, ensure_ascii=False)


def shown(item: Message | View) -> str:
    """Everything a person can read: a message's text (its notification) and its blocks; a modal's blocks."""
    if isinstance(item, View):
        return blocks_shown(item)
    return item.text + blocks_shown(item)


def outbox_key(message: Message) -> str:
    """The outbox key the courier put in a message's metadata ("" for a message it did not send)."""
    payload = (message.metadata or {}).get("event_payload") or {}
    return str(payload.get("key", ""))


def bot_messages(fake: Workspace, user_id: str) -> list[Message]:
    """The bot's top-level messages in its DM with the user, oldest first."""
    return [m for m in fake.messages_in(user_id) if m.user is None and m.thread_ts is None]


def bot_replies(fake: Workspace, user_id: str, thread_ts: str) -> list[Message]:
    """The bot's replies in a thread of its DM with the user, oldest first."""
    return [m for m in fake.messages_in(user_id) if m.user is None and m.thread_ts == thread_ts]


def remiss_dm(fake: Workspace, user_id: str) -> Message | None:
    """The remiss message the user got from the bot (the newest, if several): a top-level DM with a header."""
    found = [m for m in bot_messages(fake, user_id) if any(b.get("type") == "header" for b in m.blocks or [])]
    return found[-1] if found else None


def current(fake: Workspace, user_id: str, ts: str) -> Message:
    """A message in the user's DM as Slack shows it now (after any chat.update)."""
    return next(m for m in fake.messages_in(user_id) if m.ts == ts)


def wait_until_shown(fake: Workspace, user_id: str, message: Message, phrase: str) -> Message:
    """The message once the app has edited it to show `phrase` (listeners edit after their ack)."""

    def edited() -> Message | None:
        now = current(fake, user_id, message.ts)
        return now if phrase in shown(now) else None

    return fake.wait_for(edited)


def ephemeral_after(fake: FakeSlack, count: int) -> str:
    """The text of the next ephemeral message (posted to a response URL) after `count` earlier ones."""
    return str(fake.wait_for(lambda: fake.responses[count:][:1])[0].payload["text"])


def elements(message: Message) -> list[dict[str, Any]]:
    """The interactive elements of a message: those of its actions blocks, and its sections' accessories."""
    found: list[dict[str, Any]] = []
    for block in message.blocks or []:
        if block["type"] == "actions":
            found += block["elements"]
        elif "accessory" in block:
            found.append(block["accessory"])
    return found


def labels(message: Message) -> list[str]:
    """What its buttons say (a date picker: its placeholder), in order."""
    return [e["text"]["text"] if "text" in e else e["placeholder"]["text"] for e in elements(message)]


def nested(blocks: Any) -> Iterator[dict[str, Any]]:
    """Every object anywhere in a block structure, depth first (for elements wherever they sit)."""
    if isinstance(blocks, dict):
        yield blocks
        for value in blocks.values():
            yield from nested(value)
    elif isinstance(blocks, list):
        for item in blocks:
            yield from nested(item)
