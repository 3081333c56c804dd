"""The modals' state.values, as Slack's client sends them when the demo's people fill a form in, and what the
demo reads off a modal (its title, an element, the answer form's kind and prefilled questions)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from bot.adapters.rendering import swedish_date
from bot.core.domain.remiss import ResponseKind
from devtools.demo.scenario import DemoRemiss, FormAnswer
from devtools.sandbox.workspace import View
from handlers import answer
from handlers.richtext import to_plain_text


def input_blocks(view: View) -> list[dict[str, Any]]:
    return [b for b in view.payload["blocks"] if b.get("type") == "input"]


def create_form_values(view: View, remiss: DemoRemiss, contact: str) -> dict[str, Any]:
    """The new-remiss form filled in with seed 002 (its block ids may carry a revision: «title~1»)."""
    typed = {
        "case_number": remiss.case_number,
        "title": remiss.title,
        "short_title": remiss.short_title,
        "description": remiss.description,
        # Typed as a person would («30 november»); the preview says which date it understood.
        "deadline": swedish_date(remiss.deadline).rpartition(" ")[0],
        "questions": "\n".join(f"{n}. {text}" for n, (text, _) in enumerate(remiss.questions, start=1)),
    }
    values: dict[str, Any] = {}
    for block in input_blocks(view):
        name, element = block["block_id"].partition("~")[0], block["element"]
        state: dict[str, Any] = {"type": element["type"]}
        if name in typed:
            state["value"] = typed[name]
        elif name == "recipients":
            options = [o for group in element["option_groups"] for o in group["options"]]
            state["selected_options"] = [o for o in options if o["value"] in remiss.recipient_keys]
        elif name == "contact":
            state["selected_user"] = contact
        elif element["type"] == "datepicker":
            state["selected_date"] = None
        elif element["type"] == "checkboxes":
            state["selected_options"] = []
        else:
            state["value"] = None
        values[block["block_id"]] = {element["action_id"]: state}
    return values


def modal_values(view: View, typed: Mapping[str, str]) -> dict[str, Any]:
    """A simple modal's state: the text `typed` into the inputs whose block ids it names, the rest empty."""
    values: dict[str, Any] = {}
    for block in input_blocks(view):
        element = block["element"]
        state: dict[str, Any] = {"type": element["type"]}
        if element["type"] == "datepicker":
            state["selected_date"] = None
        else:
            state["value"] = typed.get(block["block_id"])
        values[block["block_id"]] = {element["action_id"]: state}
    return values


def preview_values(view: View, remiss: DemoRemiss) -> dict[str, Any]:
    """The preview with each question marked as seed 002's data says (ställningstagande, fritext,
    organisationsval), whatever the bot suggested."""
    values: dict[str, Any] = {}
    for block in question_kind_blocks(view):
        element = block["element"]
        _, kind = remiss.questions[question_number(block["block_id"]) - 1]
        chosen = next(o for o in element["options"] if o["value"] == kind.value)
        values[block["block_id"]] = {element["action_id"]: {"type": element["type"], "selected_option": chosen}}
    return values


def question_kind_blocks(view: View) -> list[dict[str, Any]]:
    """The preview's select per question of what it asks for."""
    return [b for b in input_blocks(view) if b["block_id"].startswith("question_kind_")]


def answer_form_values(view: View, entered: FormAnswer, files: Sequence[Mapping[str, Any]] = ()) -> dict[str, Any]:
    """The answer form's state: what was entered (and `files` picked in its file field, as Slack's file
    objects), else what the form was opened with."""
    dates = {
        answer.MEETING_DATE_BLOCK: entered.meeting_date,
        answer.PLANNED_BOARD_DATE_BLOCK: entered.planned_board_date,
    }
    texts = {
        answer.PARAGRAPH_BLOCK: entered.paragraph,
        answer.DECIDED_BY_BLOCK: entered.decided_by,
        answer.THEIR_CASE_NUMBER_BLOCK: entered.their_case_number,
        answer.CHANGE_REASON_BLOCK: entered.change_reason,
    }
    values: dict[str, Any] = {}
    for block in input_blocks(view):
        block_id, element = block["block_id"], block["element"]
        kind = element["type"]
        state: dict[str, Any] = {"type": kind}
        if kind == "rich_text_input":
            text = entered.answers.get(question_number(block_id))
            state["rich_text_value"] = _typed(text) if text else element.get("initial_value") or _typed("")
        elif kind == "static_select" and block_id == answer.DECIDING_BODY_BLOCK:
            # As the form shows it: the body it offers for the kind shown (a bolag's styrelse, a nämnd), or,
            # when another kind is chosen, that kind's usual body.
            shown = _shown_kind(view)
            body = answer.DEFAULT_BODY.get(entered.kind)
            initial = element.get("initial_option")
            state["selected_option"] = (
                initial if shown is entered.kind and initial else _option(element, body.value if body else None)
            )
        elif kind == "static_select" and block_id == answer.OVERALL_POSITION_BLOCK:
            state["selected_option"] = _option(element, entered.overall.value if entered.overall else None)
        elif kind == "static_select":
            position = entered.positions.get(question_number(block_id))
            state["selected_option"] = _option(element, position.value if position else None)
        elif kind == "radio_buttons":
            state["selected_option"] = _option(element, entered.kind.value)
        elif kind == "datepicker":
            chosen = dates.get(block_id)
            state["selected_date"] = chosen.isoformat() if chosen else element.get("initial_date")
        elif kind == "plain_text_input":
            state["value"] = texts.get(block_id) or element.get("initial_value")
        elif kind == "checkboxes":
            state["selected_options"] = element.get("initial_options", [])
        elif kind == "file_input":
            state["files"] = list(files)
        values[block_id] = {element["action_id"]: state}
    return values


def question_number(block_id: str) -> int:
    return int(block_id.rpartition("_")[2])


def _option(element: Mapping[str, Any], value: str | None) -> Any:
    chosen = [o for o in element["options"] if value is not None and o["value"] == value]
    return chosen[0] if chosen else element.get("initial_option")


def _typed(text: str) -> dict[str, Any]:
    """A rich_text_input's value for text typed into it."""
    return {
        "type": "rich_text",
        "elements": [{"type": "rich_text_section", "elements": [{"type": "text", "text": text}]}],
    }


def view_title(view: View) -> str:
    return str(view.payload.get("title", {}).get("text", ""))


def input_element(view: View, block_id: str) -> dict[str, Any]:
    return next((dict(b["element"]) for b in input_blocks(view) if b["block_id"] == block_id), {})


def kind_shown(form: View) -> str | None:
    block = next((b for b in input_blocks(form) if b["block_id"] == answer.KIND_BLOCK), None)
    option = (block or {}).get("element", {}).get("initial_option") or {}
    return option.get("value")


def prefilled(form: View) -> list[int]:
    """The questions whose answers the form was opened with."""
    return [
        question_number(b["block_id"])
        for b in input_blocks(form)
        if b["element"]["type"] == "rich_text_input" and to_plain_text(b["element"].get("initial_value")).strip()
    ]


def _shown_kind(view: View) -> ResponseKind | None:
    """The kind of answer the form shows now (its kind select's initial option)."""
    for block in input_blocks(view):
        if block["block_id"] == answer.KIND_BLOCK:
            initial = block["element"].get("initial_option")
            return ResponseKind(initial["value"]) if initial else None
    return None
