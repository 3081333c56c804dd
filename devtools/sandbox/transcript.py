"""Block Kit as terminal text, so the demo can show what each person saw in Slack."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

_MENTION = re.compile(r"<@([UW][A-Z0-9]+)>")
_LINK = re.compile(r"<(https?://[^|>]+)\|([^>]+)>")
_BOLD = re.compile(r"(?<![\w*])\*([^*\n]+)\*(?![\w*])")
_ITALIC = re.compile(r"(?<![\w_])_([^_\n]+)_(?![\w_])")


def mrkdwn_as_text(text: str, name_of: Callable[[str], str]) -> str:
    """Slack's markup read as a person sees it: mentions as @name, links as their label, no bold or italic
    markers, entities decoded."""
    text = _MENTION.sub(lambda m: "@" + name_of(m.group(1)), text)
    text = _LINK.sub(lambda m: f"{m.group(2)} ({m.group(1)})", text)
    text = _BOLD.sub(r"\1", text)
    text = _ITALIC.sub(r"\1", text)
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def blocks_as_text(blocks: Iterable[dict[str, Any]], name_of: Callable[[str], str] = lambda u: u) -> str:
    """One line or paragraph per block; buttons in brackets."""
    lines: list[str] = []
    for block in blocks:
        kind = block.get("type")
        if kind == "header":
            lines.append(emoji_as_text(block["text"]["text"]).upper())
        elif kind == "divider":
            lines.append("─" * 40)
        elif kind in ("section", "context", "actions", "input"):
            lines.extend(_block_texts(block, name_of))
    return "\n".join(lines)


def _block_texts(block: dict[str, Any], name_of: Callable[[str], str]) -> list[str]:
    texts: list[str] = []
    if isinstance(block.get("text"), dict):
        texts.append(mrkdwn_as_text(block["text"]["text"], name_of))
    for field in block.get("fields", ()):
        texts.append(mrkdwn_as_text(field["text"], name_of))
    elements = block.get("elements", ())
    buttons = [f"[{e['text']['text']}]" for e in elements if e.get("type") == "button"]
    texts.extend(mrkdwn_as_text(e["text"], name_of) for e in elements if e.get("type") in ("mrkdwn", "plain_text"))
    if buttons:
        texts.append(" ".join(buttons))
    if block.get("type") == "input" and isinstance(block.get("label"), dict):
        texts.append(f"{block['label']['text']}: ____")
    return texts


# The emoji the bot's messages use, as a terminal shows them.
_EMOJI = {
    "white_check_mark": "✅",
    "pencil2": "✏️",
    "no_entry_sign": "🚫",
    "arrows_counterclockwise": "🔄",
    "outbox_tray": "📤",
    "leftwards_arrow_with_hook": "↩️",
    "calendar": "📅",
    "spiral_calendar_pad": "🗓️",
    "warning": "⚠️",
    "lock": "🔒",
    "floppy_disk": "💾",
    "x": "❌",
    "bar_chart": "📊",
    "page_facing_up": "📄",
    "bell": "🔔",
    "memo": "📝",
    "wave": "👋",
    "zzz": "💤",
    "thumbsup": "👍",
    "sunrise": "🌅",
    "rotating_light": "🚨",
    "information_source": "ℹ️",
    "incoming_envelope": "📨",
    "hourglass": "⌛",
    "hourglass_flowing_sand": "⏳",
    "alarm_clock": "⏰",
    "eyes": "👀",
    "inbox_tray": "📥",
    "ledger": "📒",
}
_EMOJI_CODE = re.compile(r":([a-z0-9_+-]+):")


def emoji_as_text(text: str) -> str:
    """Slack's :emoji: codes as the characters a person sees; unknown codes stay as written."""
    return _EMOJI_CODE.sub(lambda m: _EMOJI.get(m.group(1), m.group(0)), text)


def shortened(text: str, limit: int) -> str:
    """`text` on one line, cut after a word within `limit` characters, with its full length:
    «Tekniska nämnden tillstyrker …(10 412 tecken)»."""
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    return _word_cut(flat, limit) + f" …({len(text):,} tecken)".replace(",", " ")


def cut(text: str, limit: int) -> str:
    """`text` on one line, at most about `limit` characters: whole sentences if they fit, else whole words, and
    «…» where something was left out."""
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    sentence_end = flat.rfind(". ", 0, limit)
    if sentence_end > limit // 2:
        return flat[: sentence_end + 1] + " …"
    return _word_cut(flat, limit) + " …"


def _word_cut(text: str, limit: int) -> str:
    space = text.rfind(" ", 0, limit)
    return (text[:space] if space > limit // 2 else text[:limit]).rstrip(" ,;:–-")
