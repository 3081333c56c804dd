"""The messages of reminders, escalations, the digest, anstånd and a moved deadline (rendered when sent)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bot.domain.outbox import MessageKind
from bot.rendering import Texts
from bot.service import Delivery
from handlers import blocks

Block = dict[str, Any]
Renderer = Callable[[Texts, Delivery], tuple[str, list[Block]]]


def _plain(part: str) -> Renderer:
    def render(texts: Texts, d: Delivery) -> tuple[str, list[Block]]:
        text = texts.render("slack/reminders.j2", part=part, d=d)
        return text, [blocks.section(text)]

    return render


def reminder_message(texts: Texts, d: Delivery) -> tuple[str, list[Block]]:
    return _plain("reminder")(texts, d)


def escalation_message(texts: Texts, d: Delivery) -> tuple[str, list[Block]]:
    return _plain("escalation")(texts, d)


def digest_message(texts: Texts, d: Delivery) -> tuple[str, list[Block]]:
    return _plain("digest")(texts, d)


def extension_request_message(texts: Texts, d: Delivery) -> tuple[str, list[Block]]:
    return _plain("extension_request")(texts, d)


def extension_decided_message(texts: Texts, d: Delivery) -> tuple[str, list[Block]]:
    return _plain("extension_decided")(texts, d)


def deadline_changed_message(texts: Texts, d: Delivery) -> tuple[str, list[Block]]:
    return _plain("deadline_changed")(texts, d)


# Kinds sent on their own to `to_user` (a person or a channel); EXTENSION_REQUEST goes in the status thread.
RENDERERS: dict[MessageKind, Renderer] = {
    MessageKind.REMINDER: reminder_message,
    MessageKind.ESCALATION: escalation_message,
    MessageKind.DIGEST: digest_message,
    MessageKind.EXTENSION_DECIDED: extension_decided_message,
    MessageKind.DEADLINE_CHANGED: deadline_changed_message,
}
