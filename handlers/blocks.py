"""Block Kit builders: pure functions from service results to Slack's JSON, within Slack's limits."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.adapters.rendering import Texts, cut_slack_text
from bot.core.domain.text import without_control_characters
from bot.core.usecases.results import RemissOverview
from handlers import payload

Block = dict[str, Any]

SECTION_TEXT_LIMIT = 3000
OPTION_TEXT_LIMIT = 75  # an option's text or description in a select, radio buttons or checkboxes
HEADER_LIMIT = 150
MESSAGE_BLOCK_LIMIT = 50
HOME_BLOCK_LIMIT = 100
# Slack refuses a message whose blocks hold more than about 12,000 characters (msg_blocks_too_long,
# undocumented); stay clearly below it.
MESSAGE_TEXT_BUDGET = 11_000


def plain_text(text: str, limit: int | None = None) -> Block:
    """A plain_text object (titles, labels, button texts), emoji shortcodes shown as emoji; cut to `limit` with
    a bare "…" (a label of 75 characters has no room to say how much it leaves out; mrkdwn sections do)."""
    text = without_control_characters(text)
    return {
        "type": "plain_text",
        "text": text if limit is None else cut_slack_text(text, limit, _ellipsis),
        "emoji": True,
    }


def _ellipsis(left_out: int) -> str:
    return "…"


def slack_text(text: str, limit: int | None = None) -> str:
    """Text as it may go to Slack: no control characters, and within `limit` saying how much was left out."""
    text = without_control_characters(text)
    return text if limit is None else cut_slack_text(text, limit)


def acting_user(body: Mapping[str, Any]) -> str:
    """The Slack user who clicked or submitted, from an interaction payload."""
    return payload.string(payload.mapping(body.get("user"), "user"), "id", "user")


def view_value(view: dict[str, Any], block_id: str) -> dict[str, Any]:
    """The state of the input in `block_id` (whose element has the same action_id), or {} if absent; a state
    of another shape raises TamperedPayload."""
    return dict(payload.element(view, block_id))


def section(text: str) -> Block:
    return {"type": "section", "text": {"type": "mrkdwn", "text": slack_text(text, SECTION_TEXT_LIMIT)}}


def header(text: str) -> Block:
    return {"type": "header", "text": plain_text(text, HEADER_LIMIT)}


def context(text: str) -> Block:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": slack_text(text, SECTION_TEXT_LIMIT)}]}


def divider() -> Block:
    return {"type": "divider"}


def input_block(block_id: str, label: str, element: Block, *, optional: bool | None = None, hint: str = "") -> Block:
    """An input labelled `label` around one `element`, with `hint` under it if given; `optional` is said only
    when given (Slack's default is required)."""
    block: Block = {"type": "input", "block_id": block_id, "label": plain_text(label), "element": element}
    if optional is not None:
        block["optional"] = optional
    if hint:
        block["hint"] = plain_text(hint)
    return block


def modal(texts: Texts, callback_id: str, title: str, blocks: list[Block], metadata: str, *, submit: str = "") -> Block:
    """A modal titled with the label `title`; with a `submit` label it has that button and Avbryt, else Stäng."""
    view: Block = {
        "type": "modal",
        "callback_id": callback_id,
        "title": plain_text(texts.label(title)),
        "close": plain_text(texts.label("cancel" if submit else "close")),
        "private_metadata": metadata,
        "blocks": blocks,
    }
    if submit:
        view["submit"] = plain_text(texts.label(submit))
    return view


def sections_from_lines(lines: list[str], limit: int = SECTION_TEXT_LIMIT) -> list[Block]:
    """Pack lines into as few sections as fit Slack's per-section text limit."""
    blocks: list[Block] = []
    current: list[str] = []
    size = 0
    for line in lines:
        line = slack_text(line, limit)
        if current and size + len(line) + 1 > limit:
            blocks.append(section("\n".join(current)))
            current, size = [], 0
        current.append(line)
        size += len(line) + 1
    if current:
        blocks.append(section("\n".join(current)))
    return blocks


def fit(blocks: list[Block], limit: int, overflow_text: str, text_budget: int | None = None) -> list[Block]:
    """Keep within a block limit (and a total text budget), ending with one line saying what was left out."""
    budget = text_budget if text_budget is not None else float("inf")
    if len(blocks) <= limit and sum(text_size(b) for b in blocks) <= budget:
        return blocks
    kept: list[Block] = []
    used = len(overflow_text)
    for block in blocks:
        if len(kept) == limit - 1 or used + text_size(block) > budget:
            break
        kept.append(block)
        used += text_size(block)
    return [*kept, context(overflow_text)]


def text_size(node: Any) -> int:
    """Characters in every `text` string inside a block (its buttons', options' and placeholders' too), as Slack
    counts them for msg_blocks_too_long."""
    if isinstance(node, list):
        return sum(text_size(item) for item in node)
    if isinstance(node, dict):
        return sum(
            len(value) if key == "text" and isinstance(value, str) else text_size(value) for key, value in node.items()
        )
    return 0


def help_message(texts: Texts) -> tuple[str, list[Block]]:
    text = texts.render("slack/help.j2")
    return text, [section(text)]


def remiss_line(texts: Texts, overview: RemissOverview, *, short: bool = True) -> str:
    """A remiss's status line, named by its kortrubrik (`short`) or, at the head of its own status message, by its
    full title."""
    return texts.render(
        "slack/status_remiss.j2",
        remiss=overview.remiss,
        counts=overview.count_names,
        total=len(overview.rows),
        short=short,
    )


def status_message(texts: Texts, overviews: list[RemissOverview]) -> tuple[str, list[Block]]:
    """Every open remiss with its counts: `/remiss status`."""
    if not overviews:
        text = texts.render("slack/no_open_remisses.j2")
        return text, [section(text)]
    lines = [remiss_line(texts, o) for o in overviews]
    blocks = fit(
        [section(line) for line in lines],
        MESSAGE_BLOCK_LIMIT,
        texts.part("slack/overflow.j2", "more_remisses"),
        MESSAGE_TEXT_BUDGET,
    )
    return "\n".join(lines), blocks


def remiss_status_message(
    texts: Texts, overview: RemissOverview, *, short: bool = False, below: Block | None = None
) -> tuple[str, list[Block]]:
    """One remiss, recipient by recipient: `/remiss status <diarienummer>` and the status message (its full title
    once at the head), or a remiss among others in the App Home (`short`: its kortrubrik). `below` (the status
    message's buttons) is kept room for in the message, and not added."""
    summary = remiss_line(texts, overview, short=short)
    lines = [texts.render("slack/status_recipient.j2", row=row, remiss=overview.remiss) for row in overview.rows]
    blocks = fit(
        [section(summary), divider(), *sections_from_lines(lines)],
        MESSAGE_BLOCK_LIMIT - (1 if below is not None else 0),
        texts.part("slack/overflow.j2", "list_too_long"),
        MESSAGE_TEXT_BUDGET - text_size(below),
    )
    return summary, blocks
