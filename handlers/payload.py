"""What comes back to us inside a Slack payload, read strictly: our own encodings and the user's input.

Button values and private_metadata return as we wrote them, and view state as Slack's elements fill it, unless
someone sends a payload of their own (a signed request is only as trustworthy as the workspace). Every reader
here raises `TamperedPayload`, with the reason, on anything we did not produce; handlers/errors.py turns it
into a Swedish message where the user is and a warning in the log. `clean_text` makes user text storable.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Collection, Mapping
from datetime import date
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from slack_bolt import App

# A lone UTF-16 surrogate ("\ud800" is valid JSON) cannot be encoded as UTF-8, so no database stores it. Python
# joins a well-formed pair while parsing JSON, so any surrogate left in a str is a lone one.
_SURROGATE = re.compile("[\ud800-\udfff]")
_UNCLEAN = re.compile("[\x00\ud800-\udfff]")
REPLACEMENT = "\ufffd"
_REASON_VALUE_MAX = 60


class TamperedPayload(ValueError):
    """A value in a payload that neither we nor Slack's elements produced; `reason` says what was wrong."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _shown(value: object) -> str:
    """A short, printable picture of a bad value for the log (never more than a few dozen characters)."""
    text = repr(value)
    return text if len(text) <= _REASON_VALUE_MAX else text[: _REASON_VALUE_MAX - 1] + "…"


# -- user text ---------------------------------------------------------------------------------------------
def clean_text(text: str) -> str:
    """`text` with each lone surrogate replaced by U+FFFD and NUL left out, so an answer is stored rather than lost.

    Neither can be stored: UTF-8 has no lone surrogates, and PostgreSQL's text type refuses NUL.
    """
    return _SURROGATE.sub(REPLACEMENT, text).replace("\x00", "")


def clean_in_place(node: Any) -> Any:
    """Clean every string (keys too) in a parsed payload, in place, so listeners all see the cleaned one.

    A walk with a stack, not recursion: a Socket Mode payload never passes the HTTP edge's bound on nesting.
    Each object's or list's strings are looked at together, and replaced only when one needs cleaning (an answer
    form's payload is ~36 kB of strings that almost never do); an object with a key to clean is rebuilt in its
    order, as a later key of the same cleaned text wins.
    """
    if isinstance(node, str):
        return clean_text(node)
    unclean = _UNCLEAN.search
    stack = [node]
    while stack:
        container = stack.pop()
        if isinstance(container, dict):
            if unclean("".join([k for k in container if isinstance(k, str)])):
                items = list(container.items())
                container.clear()
                container.update((clean_text(k) if isinstance(k, str) else k, v) for k, v in items)
            values = container.values()
            if unclean("".join([v for v in values if isinstance(v, str)])):
                for key, value in list(container.items()):
                    if isinstance(value, str):
                        container[key] = clean_text(value)
            stack.extend([v for v in values if isinstance(v, dict | list)])
        elif isinstance(container, list):
            if unclean("".join([item for item in container if isinstance(item, str)])):
                container[:] = [clean_text(item) if isinstance(item, str) else item for item in container]
            stack.extend([item for item in container if isinstance(item, dict | list)])
    return node


# -- our own encodings -------------------------------------------------------------------------------------
def json_object(text: object, what: str) -> dict[str, Any]:
    """The JSON object in `text` (a private_metadata we wrote), or TamperedPayload."""
    if not isinstance(text, str):
        raise TamperedPayload(f"{what} is not text: {_shown(text)}")
    try:
        data = json.loads(text)
    except (ValueError, RecursionError) as error:
        raise TamperedPayload(f"{what} is not JSON: {_shown(text)}") from error
    if not isinstance(data, dict):
        raise TamperedPayload(f"{what} is not a JSON object: {_shown(text)}")
    return data


def string(data: Mapping[str, Any], key: str, what: str, *, required: bool = True) -> str:
    """`data[key]` as the text we put there; absent or null gives "" unless `required`."""
    value = data.get(key)
    if value is None and not required:
        return ""
    if not isinstance(value, str) or (required and not value):
        raise TamperedPayload(f"{what}.{key} is not text: {_shown(value)}")
    return value


def mapping(value: object, what: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise TamperedPayload(f"{what} is not an object: {_shown(value)}")
    return value


def shared_files(node: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The file objects in `node["files"]` (a message event, a file input's state): none when it holds none, or
    anything but a list; what in the list is not an object is passed over. A file shared is a file to read, never
    a reason for the listener to fail."""
    files = node.get("files")
    if not isinstance(files, list):
        return []
    return [f for f in files if isinstance(f, Mapping)]


def iso_date(value: object, what: str) -> date | None:
    """An ISO date (a datepicker's selected_date, or one we encoded); absent or null is None."""
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise TamperedPayload(f"{what} is not a date: {_shown(value)}")
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise TamperedPayload(f"{what} is not a date: {_shown(value)}") from error


# -- interaction payloads ------------------------------------------------------------------------------------
def action(body: Mapping[str, Any]) -> Mapping[str, Any]:
    """The one action of a block_actions payload."""
    actions = body.get("actions")
    if not isinstance(actions, list) or not actions:
        raise TamperedPayload(f"actions is not a list of one action: {_shown(actions)}")
    return mapping(actions[0], "actions[0]")


def action_value(body: Mapping[str, Any]) -> str:
    """The value of the button pressed: text we wrote, never empty."""
    return string(action(body), "value", "action")


def view(body: Mapping[str, Any]) -> Mapping[str, Any]:
    return mapping(body.get("view"), "view")


def metadata(shown: Mapping[str, Any]) -> str:
    """A view's private_metadata ("" when absent)."""
    return string(shown, "private_metadata", "view", required=False)


def state_values(shown: Mapping[str, Any]) -> Mapping[str, Any]:
    """A view's `state.values`: each input's state by block id ({} when it has none)."""
    state = mapping(shown.get("state") or {}, "view.state")
    return mapping(state.get("values") or {}, "view.state.values")


def element(shown: Mapping[str, Any], block_id: str, action_id: str | None = None) -> Mapping[str, Any]:
    """The state of one input of a view (`action_id` defaults to `block_id`); {} when the view lacks it."""
    block = mapping(state_values(shown).get(block_id) or {}, f"state {block_id}")
    return mapping(block.get(action_id or block_id) or {}, f"state {block_id}")


def typed_text(state: Mapping[str, Any]) -> str:
    """What was typed into a plain_text_input ("" when nothing)."""
    return string(state, "value", "input", required=False)


def picked_date(state: Mapping[str, Any]) -> date | None:
    return iso_date(state.get("selected_date"), "selected_date")


def picked_user(state: Mapping[str, Any]) -> str:
    return string(state, "selected_user", "input", required=False)


def _option_value(option: object, what: str, offered: Collection[str] | None) -> str:
    value = string(mapping(option, what), "value", what)
    if offered is not None and value not in offered:
        raise TamperedPayload(f"{what} {_shown(value)} was not offered")
    return value


def picked_option(state: Mapping[str, Any], offered: Collection[str]) -> str | None:
    """The value of the chosen option of a select or radio buttons; it must be one the view offered."""
    option = state.get("selected_option")
    return None if option is None else _option_value(option, "selected_option", offered)


def picked_options(state: Mapping[str, Any], offered: Collection[str] | None) -> list[str]:
    """The values of the ticked checkboxes or multi-select options, each one the view offered (if said)."""
    options = state.get("selected_options")
    if options is None:
        return []
    if not isinstance(options, list):
        raise TamperedPayload(f"selected_options is not a list: {_shown(options)}")
    return [_option_value(option, "selected_options", offered) for option in options]


def register(app: App) -> None:
    """Clean every payload before anything reads it (its event id included): see `clean_text`."""

    # Bolt injects middleware arguments by name, so this one must be called `next`.
    @app.middleware
    def _clean(body: dict[str, Any], next: Callable[[], None]) -> None:
        clean_in_place(body)
        next()
