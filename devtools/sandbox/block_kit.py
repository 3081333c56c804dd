"""Slack's Block Kit limits as one table, checked the way the Web API reports a breach."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from functools import partial
from typing import Any, Literal

from slack_sdk.errors import SlackObjectFormationError
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

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

_OPTION = (Limit("text.text", 75), Limit("description.text", 75), Limit("value", 150), Limit("url", 3000))
# Slack's documented block types; anything else is refused.
BLOCK_TYPES = frozenset(
    {
        "actions",
        "context",
        "context_actions",
        "divider",
        "file",
        "header",
        "image",
        "input",
        "markdown",
        "rich_text",
        "section",
        "table",
        "video",
    }
)
_TEXT_TYPES = frozenset({"plain_text", "mrkdwn"})

# Keyed by the object's "type"; "*" applies to every object. "message" is the wrapper the checker puts
# around a message's blocks, so that the 50-block cap is one more row here. Objects without a type of their
# own are keyed by the role their key gives them (an "option" under options, a "confirm" dialog, ...).
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
    "option": _OPTION,
    "option_group": (Limit("label.text", 75), Limit("options", 100, "items")),
    "placeholder": (Limit("text", 150),),
    "confirm": (Limit("title.text", 100), Limit("text.text", 300), Limit("confirm.text", 30), Limit("deny.text", 30)),
    "field": (Limit("text", 2000),),
}


def message_block_errors(blocks: list[Any]) -> list[str]:
    """Slack's `response_metadata.messages` for a message's blocks; empty when they are acceptable.

    slack_sdk's models are asked only when the fake's own rules pass, so that each fault is reported once.
    """
    errors = [
        *_untyped_blocks(blocks, "/blocks"),
        *_walk({"type": "message", "blocks": blocks}, ""),
        *_block_rules(blocks, "/blocks"),
    ]
    return errors or list(_sdk_block_errors(blocks, "/blocks"))


def view_errors(view: Mapping[str, Any]) -> list[str]:
    """Slack's `response_metadata.messages` for a view (modal or Home tab); empty when it is acceptable."""
    blocks = view.get("blocks", [])
    errors = [*_untyped_blocks(blocks, "/view/blocks"), *_walk(view, "/view"), *_block_rules(blocks, "/view/blocks")]
    if view.get("type") == "modal" and "title" not in view:
        errors.insert(0, _error("missing required field: title", "/view"))
    if view.get("type") == "modal" and "submit" not in view and isinstance(blocks, list):
        first_input = next((i for i, b in enumerate(blocks) if isinstance(b, dict) and b.get("type") == "input"), None)
        if first_input is not None:
            errors.append(_error("must define submit to use input block", f"/view/blocks/{first_input}"))
    return errors or list(_sdk_view_errors(view))


def input_block_ids(view: Mapping[str, Any]) -> set[str]:
    """The block_ids a view_submission answer may put errors on: those of the view's input blocks."""
    blocks = view.get("blocks") or []
    return {str(b.get("block_id")) for b in blocks if isinstance(b, dict) and b.get("type") == "input"}


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


def _sdk_block_errors(blocks: Any, pointer: str) -> Iterator[str]:
    """A second opinion from slack_sdk's own Block Kit models, each block parsed and validated on its own."""
    for index, block in enumerate(blocks if isinstance(blocks, list) else []):
        if isinstance(block, dict) and block.get("type") in BLOCK_TYPES:
            yield from _sdk_errors(partial(Block.parse, block), f"{pointer}/{index}")


def _sdk_view_errors(view: Mapping[str, Any]) -> Iterator[str]:
    yield from _sdk_errors(lambda: View(**view), "/view")


def _sdk_errors(build: Callable[[], Any], pointer: str) -> Iterator[str]:
    try:
        model = build()
        if model is not None:
            model.validate_json()
            # validate_json checks only the object's own fields; to_dict validates every nested object as well.
            model.to_dict()
    except SlackObjectFormationError as refused:
        yield _error(f"slack_sdk: {refused}", pointer)


def _walk(node: Any, pointer: str, role: str = "") -> Iterator[str]:
    if isinstance(node, list):
        for index, item in enumerate(node):
            yield from _walk(item, f"{pointer}/{index}", role)
    elif isinstance(node, dict):
        kind = str(node.get("type"))
        for limit in (*LIMITS["*"], *LIMITS.get(kind, ()), *LIMITS.get(role, ())):
            yield from _check(node, limit, pointer)
        if kind in _TEXT_TYPES and node.get("text") == "":
            yield _error("must be more than 0 characters", f"{pointer}/text")
        for key, value in node.items():
            yield from _walk(value, f"{pointer}/{key}", _role(kind, role, key))


def _role(kind: str, role: str, key: str) -> str:
    """What the value under `key` is, for objects Slack recognises by where they are rather than by a type."""
    if key in ("options", "initial_options", "initial_option"):
        return "option"
    if key == "option_groups":
        return "option_group"
    if key == "placeholder":
        return "placeholder"
    if key == "confirm" and role != "confirm":
        return "confirm"
    if key == "fields" and kind == "section":
        return "field"
    return ""


def _block_rules(blocks: Any, pointer: str) -> Iterator[str]:
    """The rules about a whole block rather than one field: required parts, unique ids, known types."""
    if not isinstance(blocks, list):
        return
    block_ids: set[str] = set()
    for index, block in enumerate(blocks):
        if not isinstance(block, dict):
            continue
        where = f"{pointer}/{index}"
        kind = block.get("type")
        if "type" in block and kind not in BLOCK_TYPES:
            yield _error(f"unsupported type: {kind}", f"{where}/type")
        block_id = block.get("block_id")
        if isinstance(block_id, str):
            if block_id in block_ids:
                yield _error(f"duplicate block_id: {block_id}", f"{where}/block_id")
            block_ids.add(block_id)
        if kind == "section" and not block.get("text") and not block.get("fields"):
            yield _error("must provide text or fields", where)
        if kind in ("actions", "context") and not block.get("elements"):
            yield _error("no fewer than 1 items allowed", f"{where}/elements")
        action_ids: set[str] = set()
        for element, element_pointer in _elements(block, where):
            action_id = element.get("action_id")
            if isinstance(action_id, str):
                if action_id in action_ids:
                    yield _error(f"duplicate action_id: {action_id}", f"{element_pointer}/action_id")
                action_ids.add(action_id)
            yield from _initial_options(element, element_pointer)


def _elements(block: Mapping[str, Any], pointer: str) -> Iterator[tuple[Mapping[str, Any], str]]:
    for key in ("accessory", "element"):
        if isinstance(block.get(key), dict):
            yield block[key], f"{pointer}/{key}"
    elements = block.get("elements")
    if block.get("type") in ("actions", "context") and isinstance(elements, list):
        for index, element in enumerate(elements):
            if isinstance(element, dict):
                yield element, f"{pointer}/elements/{index}"


def _initial_options(element: Mapping[str, Any], pointer: str) -> Iterator[str]:
    """Slack wants each initial option to be exactly one of the element's options (external selects have none)."""
    groups = element.get("option_groups")
    if "options" in element:
        options = element.get("options") or []
    elif isinstance(groups, list):
        options = [option for group in groups if isinstance(group, dict) for option in group.get("options") or []]
    else:
        return
    if "initial_option" in element and element["initial_option"] not in options:
        yield _error("initial_option must exactly match one of the options", f"{pointer}/initial_option")
    initial = element.get("initial_options")
    for index, chosen in enumerate(initial if isinstance(initial, list) else []):
        if chosen not in options:
            yield _error("initial_options must exactly match options", f"{pointer}/initial_options/{index}")


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
