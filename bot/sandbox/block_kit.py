"""Slack's Block Kit limits as one table, checked the way the Web API reports a breach."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Literal

MESSAGE_TEXT_MAX = 40_000
# Undocumented cumulative cap on the text inside a message's blocks; beyond it Slack says msg_blocks_too_long.
MESSAGE_BLOCK_TEXT_MAX = 12_000
VIEW_JSON_MAX_BYTES = 250_000


@dataclass(frozen=True)
class Limit:
    """At most `maximum` characters (`chars`), list items (`items`) or as a number (`value`) at `path`."""

    path: str
    maximum: int
    kind: Literal["chars", "items", "value"] = "chars"


_SELECT_OPTIONS = (Limit("options", 100, "items"), Limit("option_groups", 100, "items"))
_VIEW_COMMON = (
    Limit("blocks", 100, "items"),
    Limit("private_metadata", 3000),
    Limit("callback_id", 255),
    Limit("external_id", 255),
)

# Keyed by the object's "type"; "*" applies to every object. "message" is the wrapper the checker puts
# around a message's blocks, so that the 50-block cap is one more row here.
LIMITS: Mapping[str, tuple[Limit, ...]] = {
    "*": (Limit("block_id", 255), Limit("action_id", 255)),
    "message": (Limit("blocks", 50, "items"),),
    "modal": (*_VIEW_COMMON, Limit("title.text", 24), Limit("submit.text", 24), Limit("close.text", 24)),
    "home": _VIEW_COMMON,
    "section": (Limit("text.text", 3000), Limit("fields", 10, "items")),
    "header": (Limit("text.text", 150),),
    "actions": (Limit("elements", 25, "items"),),
    "context": (Limit("elements", 10, "items"),),
    "input": (Limit("label.text", 2000), Limit("hint.text", 2000)),
    "button": (Limit("text.text", 75), Limit("value", 2000), Limit("url", 3000)),
    "static_select": _SELECT_OPTIONS,
    "multi_static_select": _SELECT_OPTIONS,
    "overflow": (Limit("options", 5, "items"),),
    "radio_buttons": (Limit("options", 10, "items"),),
    "checkboxes": (Limit("options", 10, "items"),),
    "plain_text_input": (Limit("max_length", 3000, "value"), Limit("initial_value", 3000)),
}


def message_block_errors(blocks: list[Any]) -> list[str]:
    """Slack's `response_metadata.messages` for a message's blocks; empty when they are acceptable."""
    return [*_untyped_blocks(blocks, "/blocks"), *_walk({"type": "message", "blocks": blocks}, "")]


def view_errors(view: Mapping[str, Any]) -> list[str]:
    """Slack's `response_metadata.messages` for a view (modal or Home tab); empty when it is acceptable."""
    errors = [*_untyped_blocks(view.get("blocks", []), "/view/blocks"), *_walk(view, "/view")]
    if view.get("type") == "modal" and "title" not in view:
        errors.insert(0, _error("missing required field: title", "/view"))
    return errors


def block_text_length(node: Any) -> int:
    """Characters in every `text` string inside blocks, the measure behind msg_blocks_too_long."""
    if isinstance(node, list):
        return sum(block_text_length(item) for item in node)
    if isinstance(node, dict):
        return sum(
            len(value) if key == "text" and isinstance(value, str) else block_text_length(value)
            for key, value in node.items()
        )
    return 0


def _walk(node: Any, pointer: str) -> Iterator[str]:
    if isinstance(node, list):
        for index, item in enumerate(node):
            yield from _walk(item, f"{pointer}/{index}")
    elif isinstance(node, dict):
        for limit in (*LIMITS["*"], *LIMITS.get(str(node.get("type")), ())):
            yield from _check(node, limit, pointer)
        for key, value in node.items():
            yield from _walk(value, f"{pointer}/{key}")


def _untyped_blocks(blocks: Any, pointer: str) -> Iterator[str]:
    if not isinstance(blocks, list):
        yield _error("must be an array", pointer)
        return
    for index, block in enumerate(blocks):
        if not isinstance(block, dict) or "type" not in block:
            yield _error("missing required field: type", f"{pointer}/{index}")


def _check(node: Mapping[str, Any], limit: Limit, pointer: str) -> Iterator[str]:
    value: Any = node
    for part in limit.path.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    where = f"{pointer}/{limit.path.replace('.', '/')}"
    if limit.kind == "chars" and isinstance(value, str) and len(value) > limit.maximum:
        yield _error(f"must be less than {limit.maximum + 1} characters", where)
    elif limit.kind == "items" and isinstance(value, list) and len(value) > limit.maximum:
        yield _error(f"no more than {limit.maximum} items allowed", where)
    elif limit.kind == "value" and isinstance(value, int) and value > limit.maximum:
        yield _error(f"must be less than {limit.maximum + 1}", where)


def _error(text: str, pointer: str) -> str:
    return f"[ERROR] {text} [json-pointer:{pointer}]"
