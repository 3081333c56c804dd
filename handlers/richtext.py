"""Slack's rich text (a rich_text_input's value) to readable plain text and back, for answers of any length."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

RichText = dict[str, Any]

# Bullets by nesting level, as Slack draws them; a level is indented by four spaces.
BULLETS = ("•", "◦", "▪")
INDENT = "    "
# Slack documents no cap for a text element; pieces of at most this size keep prefilled answers within the
# cap it documents for every other kind of text.
TEXT_ELEMENT_CHUNK = 3000

_BULLET_LINE = re.compile(rf"^((?:{INDENT})*)([{''.join(BULLETS)}]) (.*)$")
# Up to three digits, so that a year starting a sentence ("2023. …") stays a sentence.
_ORDERED_LINE = re.compile(rf"^((?:{INDENT})*)(\d{{1,3}})\. (.*)$")
# A web address ends before spaces and before punctuation that closes a sentence or a parenthesis.
_URL = re.compile(r"https?://[^\s<>\"]*[^\s<>\".,;:!?)\]']")


# -- rich text to plain text -------------------------------------------------------------------------
def to_plain_text(value: Mapping[str, Any] | None) -> str:
    """The text a person wrote: paragraphs and line breaks as written, lists as "•"/"1." lines, links with
    their address, emoji as characters, mentions as plain "@…" text (never a mention when shown again)."""
    if not value:
        return ""
    return "\n".join(_block_text(block) for block in _dicts(value.get("elements")))


def _block_text(block: Mapping[str, Any]) -> str:
    kind = block.get("type")
    if kind == "rich_text_list":
        return _list_text(block)
    text = _inline_text(_dicts(block.get("elements")))
    if kind == "rich_text_quote":
        return "\n".join(f"> {line}" for line in text.split("\n"))
    # rich_text_section, rich_text_preformatted and anything newer: its text as it stands
    return text


def _list_text(block: Mapping[str, Any]) -> str:
    indent = _int(block.get("indent"))
    ordered = block.get("style") == "ordered"
    offset = _int(block.get("offset"))
    lines: list[str] = []
    for number, item in enumerate(_dicts(block.get("elements")), start=offset + 1):
        marker = f"{number}." if ordered else BULLETS[indent % len(BULLETS)]
        prefix = f"{INDENT * indent}{marker} "
        first, *rest = _inline_text(_dicts(item.get("elements"))).split("\n")
        # A line break inside an item continues under the item's text, not at the margin.
        lines.append(prefix + first)
        lines += [" " * len(prefix) + line for line in rest]
    return "\n".join(lines)


def _inline_text(elements: Iterable[Mapping[str, Any]]) -> str:
    return "".join(_element_text(element) for element in elements)


def _element_text(element: Mapping[str, Any]) -> str:
    kind = element.get("type")
    if kind == "text":
        return str(element.get("text", ""))
    if kind == "link":
        url = str(element.get("url", ""))
        label = str(element.get("text") or "")
        if label == url.removeprefix("mailto:"):
            return label
        return f"{label} ({url})" if label and label != url else url
    if kind == "emoji":
        return _emoji(element)
    if kind in ("user", "usergroup", "team"):
        return "@" + str(element.get(f"{kind}_id", ""))
    if kind == "channel":
        return "#" + str(element.get("channel_id", ""))
    if kind == "broadcast":
        return "@" + str(element.get("range", ""))
    if kind == "date":
        return str(element.get("fallback") or element.get("timestamp", ""))
    if kind == "color":
        return str(element.get("value", ""))
    return str(element.get("text", ""))


def _emoji(element: Mapping[str, Any]) -> str:
    codes = str(element.get("unicode") or "")
    try:
        return "".join(chr(int(code, 16)) for code in codes.split("-")) if codes else f":{element.get('name', '')}:"
    except ValueError:  # not hexadecimal code points: show the emoji's name instead
        return f":{element.get('name', '')}:"


def _dicts(value: Any) -> list[Mapping[str, Any]]:
    return [item for item in value if isinstance(item, Mapping)] if isinstance(value, list) else []


def _int(value: Any) -> int:
    return value if isinstance(value, int) and value >= 0 else 0


# -- plain text to rich text -------------------------------------------------------------------------
def from_plain_text(text: str) -> RichText:
    """A rich_text value that shows `text` in a rich_text_input and converts back to exactly `text`.

    "•" and "1." lines become real lists and web addresses links, where that converts back unchanged;
    otherwise the text goes in as it is.
    """
    if not text:
        return {"type": "rich_text", "elements": []}
    blocks = _structured(text)
    structured: RichText = {"type": "rich_text", "elements": blocks}
    if all(_has_text(block) for block in blocks) and to_plain_text(structured) == text:
        return structured
    return {"type": "rich_text", "elements": [_section(text)]}


@dataclass
class _Run:
    """Consecutive lines that become one rich text block: a paragraph, or a list at one level."""

    style: str  # "paragraph", "bullet" or "ordered"
    indent: int
    items: list[str]
    first_number: int = 1


def _structured(text: str) -> list[RichText]:
    runs: list[_Run] = []
    for line in text.split("\n"):
        run = runs[-1] if runs else None
        parsed = _list_line(line)
        if parsed is not None:
            style, indent, number, item = parsed
            expected = run.first_number + len(run.items) if run else 0
            same_list = run is not None and (run.style, run.indent) == (style, indent)
            if same_list and run is not None and (style == "bullet" or number == expected):
                run.items.append(item)
            else:
                runs.append(_Run(style, indent, [item], number))
        elif run is not None and run.style != "paragraph" and _continues(line, run):
            run.items[-1] += "\n" + line[len(_prefix(run, len(run.items) - 1)) :]
        elif run is not None and run.style == "paragraph":
            run.items.append(line)
        else:
            runs.append(_Run("paragraph", 0, [line]))
    return [_block(run) for run in runs]


def _list_line(line: str) -> tuple[str, int, int, str] | None:
    if bullet := _BULLET_LINE.match(line):
        indent = len(bullet.group(1)) // len(INDENT)
        if bullet.group(2) == BULLETS[indent % len(BULLETS)]:
            return "bullet", indent, 0, bullet.group(3)
        return None
    if ordered := _ORDERED_LINE.match(line):
        return "ordered", len(ordered.group(1)) // len(INDENT), int(ordered.group(2)), ordered.group(3)
    return None


def _prefix(run: _Run, index: int) -> str:
    marker = f"{run.first_number + index}." if run.style == "ordered" else BULLETS[run.indent % len(BULLETS)]
    return f"{INDENT * run.indent}{marker} "


def _continues(line: str, run: _Run) -> bool:
    width = len(_prefix(run, len(run.items) - 1))
    return line.startswith(" " * width) and bool(line[width:].strip())


def _block(run: _Run) -> RichText:
    if run.style == "paragraph":
        return _section("\n".join(run.items))
    block: RichText = {
        "type": "rich_text_list",
        "style": run.style,
        "indent": run.indent,
        "elements": [_section(item) for item in run.items],
    }
    if run.style == "ordered" and run.first_number > 1:
        block["offset"] = run.first_number - 1
    return block


def _section(text: str) -> RichText:
    elements: list[RichText] = []
    position = 0
    for link in _URL.finditer(text):
        elements += _text_elements(text[position : link.start()])
        elements.append({"type": "link", "url": link.group()})
        position = link.end()
    elements += _text_elements(text[position:])
    return {"type": "rich_text_section", "elements": elements}


def _text_elements(text: str) -> list[RichText]:
    return [
        {"type": "text", "text": text[start : start + TEXT_ELEMENT_CHUNK]}
        for start in range(0, len(text), TEXT_ELEMENT_CHUNK)
    ]


def _has_text(block: Mapping[str, Any]) -> bool:
    """Slack's editor has no empty paragraph or list item; a text with one goes in unstructured."""
    if block.get("type") == "rich_text_list":
        return all(_has_text(item) for item in _dicts(block.get("elements")))
    return bool(_dicts(block.get("elements")))
