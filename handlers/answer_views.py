"""The answer form as Slack shows it: the ids of its elements and blocks, what its private_metadata carries, the
modal itself (and the light one Svara opens first), the notices shown over it, and refusals placed by field."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from bot.adapters.rendering import Texts
from bot.core.domain.answer_changes import MAX_CHANGE_REASON
from bot.core.domain.documents import ACCEPTED_TYPES
from bot.core.domain.errors import DomainError
from bot.core.domain.organisation import Organisation, OrgKind
from bot.core.domain.recipient import Recipient
from bot.core.domain.remiss import (
    Answer,
    Attachment,
    DecidingBody,
    Position,
    QuestionKind,
    Response,
    ResponseContent,
    ResponseKind,
)
from bot.core.usecases.results import AssignmentRow
from handlers import ids, payload
from handlers.blocks import OPTION_TEXT_LIMIT, Block, context, divider, plain_text, section, slack_text
from handlers.remiss_blocks import button
from handlers.richtext import from_plain_text

# Elements inside the form; the buttons on the remiss message are in handlers/ids.py.
SAVE_DRAFT = "answer.save_draft"
KIND = "answer.kind"
TEXT = "answer.text"
POSITION = "answer.position"
MEETING_DATE = "answer.meeting_date"
PARAGRAPH = "answer.paragraph"
DECIDED_BY = "answer.decided_by"
PLANNED_BOARD_DATE = "answer.planned_board_date"
FILES = "answer.files"
THEIR_CASE_NUMBER = "answer.their_case_number"
DECIDING_BODY = "answer.deciding_body"
KEPT_FILES = "answer.kept_files"
OVERALL_POSITION = "answer.overall_position"
CHANGE_REASON = "answer.change_reason"
# Block ids stay the same when the view is updated, so Slack keeps what the user typed where it was.
KIND_BLOCK = "kind"
MEETING_DATE_BLOCK = "meeting_date"
PARAGRAPH_BLOCK = "paragraph"
DECIDED_BY_BLOCK = "decided_by"
PLANNED_BOARD_DATE_BLOCK = "planned_board_date"
FILES_BLOCK = "attachments"
THEIR_CASE_NUMBER_BLOCK = "their_case_number"
DECIDING_BODY_BLOCK = "deciding_body"
KEPT_FILES_BLOCK = "kept_attachments"
OVERALL_POSITION_BLOCK = "overall_position"
CHANGE_REASON_BLOCK = "change_reason"  # the domain's field name, so a refusal lands next to it
ACTIONS_BLOCK = "draft_actions"

KINDS = (ResponseKind.YTTRANDE, ResponseKind.DELEGATION, ResponseKind.PRELIMINARY)
POSITIONS = (
    Position.TILLSTYRKER,
    Position.AVSTYRKER,
    Position.FORESLAR_ANDRINGAR,
    Position.INGA_SYNPUNKTER,
    Position.NOT_STATED,
)
DECIDING_BODIES = tuple(DecidingBody)
# The body a kind of answer is decided by unless the official says otherwise.
DEFAULT_BODY = {ResponseKind.YTTRANDE: DecidingBody.NAMND, ResponseKind.DELEGATION: DecidingBody.DELEGAT}


def default_body(kind: ResponseKind, organisation: Organisation) -> DecidingBody | None:
    """Who decides an answer of this kind unless the official says otherwise: a bolag's styrelse, a nämnd."""
    if kind is ResponseKind.YTTRANDE and organisation.kind is OrgKind.BOLAG:
        return DecidingBody.STYRELSE
    return DEFAULT_BODY.get(kind)


MAX_FILES = 10  # file_input takes at most 10
FILE_TYPES = sorted(ACCEPTED_TYPES)  # what the domain accepts: PDF and DOCX
PARAGRAPH_MAX = 30
DECIDED_BY_MAX = 300
# private_metadata holds 3000 characters; the remembered decision details stay well inside it.
REMEMBERED_TEXT_MAX = 1000


def answer_block(number: int) -> str:
    return f"answer_{number}"


def position_block(number: int) -> str:
    return f"position_{number}"


# -- what the form carries -----------------------------------------------------------------------------
@dataclass(frozen=True)
class FormPlace:
    """The form's private_metadata: whose answer it is, where it was opened (the message, and the thread it
    is in), and the decision details of the kinds of answer not shown right now (switching back finds them)."""

    ref: ids.RecipientRef
    channel: str | None = None
    ts: str | None = None
    thread_ts: str | None = None
    meeting_date: date | None = None
    paragraph: str = ""
    decided_by: str = ""
    planned_board_date: date | None = None
    deciding_body: DecidingBody | None = None

    def remembering(self, content: ResponseContent) -> FormPlace:
        return replace(
            self,
            deciding_body=content.deciding_body,
            meeting_date=content.meeting_date,
            paragraph=content.paragraph[:REMEMBERED_TEXT_MAX],
            decided_by=content.decided_by[:REMEMBERED_TEXT_MAX],
            planned_board_date=content.planned_board_date,
        )

    def encode(self) -> str:
        data = {
            "ref": self.ref.encode(),
            "channel": self.channel,
            "ts": self.ts,
            "thread_ts": self.thread_ts,
            "meeting_date": self.meeting_date.isoformat() if self.meeting_date else None,
            "paragraph": self.paragraph,
            "decided_by": self.decided_by,
            "planned_board_date": self.planned_board_date.isoformat() if self.planned_board_date else None,
            "deciding_body": self.deciding_body.value if self.deciding_body else None,
        }
        return json.dumps({key: value for key, value in data.items() if value}, ensure_ascii=False)

    @classmethod
    def decode(cls, text: object) -> FormPlace:
        """What `encode` wrote; anything else raises TamperedPayload."""
        data = payload.json_object(text, "private_metadata")

        def optional(key: str) -> str:
            return payload.string(data, key, "private_metadata", required=False)

        return cls(
            ref=ids.RecipientRef.decode(data.get("ref")),
            channel=optional("channel") or None,
            ts=optional("ts") or None,
            thread_ts=optional("thread_ts") or None,
            meeting_date=payload.iso_date(data.get("meeting_date"), "meeting_date"),
            paragraph=optional("paragraph"),
            decided_by=optional("decided_by"),
            planned_board_date=payload.iso_date(data.get("planned_board_date"), "planned_board_date"),
            deciding_body=_body(optional("deciding_body")),
        )


def _body(value: str) -> DecidingBody | None:
    if not value:
        return None
    if value not in {b.value for b in DecidingBody}:
        raise payload.TamperedPayload(f"deciding_body {value!r} is not one the form offers")
    return DecidingBody(value)


def stored_content(recipient: Recipient) -> ResponseContent | None:
    """What the form starts from: the draft, else the submitted answer being edited, else the answer just
    withdrawn (dragit tillbaka), so sending it again does not mean writing it again."""
    if recipient.draft is not None:
        return recipient.draft.content
    shown = current_answer(recipient) or withdrawn_answer(recipient)
    return shown.content if shown else None


def current_answer(recipient: Recipient) -> Response | None:
    current = recipient.current_response
    return current if current is not None and current.kind is not ResponseKind.DECLINED else None


def withdrawn_answer(recipient: Recipient) -> Response | None:
    """The answer the recipient drew back last, while nothing has replaced it."""
    last = recipient.responses[-1] if recipient.responses else None
    if last is None or last.version != recipient.withdrawn_version or last.kind is ResponseKind.DECLINED:
        return None
    return last


def stored_files(recipient: Recipient) -> tuple[Attachment, ...]:
    content = stored_content(recipient)
    return content.attachments if content else ()


# -- the view --------------------------------------------------------------------------------------------
def _plain(text: str) -> Block:
    return plain_text(text)


def answer_view(
    texts: Texts,
    row: AssignmentRow,
    content: ResponseContent,
    place: FormPlace,
    *,
    notice: str | None = None,
    change_reason: str = "",
) -> dict[str, Any]:
    """The modal: the remiss, each question with its answer (and a position where the question asks for one),
    the overall position, the kind of answer with what it needs, the formal yttrande as files, why the answer
    is changed (only when one is submitted), and Spara utkast; `notice` says what just happened,
    `change_reason` is what the official wrote as the reason."""
    remiss, recipient = row.remiss, row.recipient
    current = current_answer(recipient)
    if content.deciding_body is None:
        content = replace(content, deciding_body=default_body(content.kind, row.organisation))

    def part(name: str, **extra: object) -> str:
        return texts.part("slack/answer_form.j2", name, **extra)

    intro = part(
        "intro", remiss=remiss, organisation=row.organisation, deadline=recipient.deadline, days_left=row.days_left
    )
    blocks: list[Block] = [section(intro)]
    withdrawn = withdrawn_answer(recipient) if recipient.draft is None else None
    state = part("state", current=current, draft=recipient.draft, withdrawn=withdrawn)
    if state:
        blocks.append(context(state))
    for question in remiss.questions:
        answer = content.answer_to(question.number) or Answer(question.number, "")
        blocks += [
            divider(),
            section(part("question", question=question)),
            _answer_input(texts, part("answer_label", number=question.number), question.number, answer.text),
        ]
        # A position only where the coordinator asked for one (ställningstagande).
        if question.kind is QuestionKind.POSITION:
            blocks.append(_position_input(texts, question.number, answer.position))
    blocks += [
        divider(),
        _overall_position_input(texts, content.overall_position),
        _kind_input(texts, content.kind),
        *_decision_inputs(texts, content),
    ]
    known = stored_files(recipient)
    if known:
        blocks.append(_kept_files_input(texts, known, {a.file_id for a in content.attachments}))
    if len(known) < MAX_FILES:
        blocks.append(_files_input(texts, MAX_FILES - len(known)))
    if current is not None:
        blocks.append(_change_reason_input(texts, change_reason))
    blocks += [
        {
            "type": "actions",
            "block_id": ACTIONS_BLOCK,
            "elements": [button(texts, "save_draft", SAVE_DRAFT, place.ref.encode())],
        },
        context(notice or part("draft_note")),
    ]
    return {
        "type": "modal",
        "callback_id": ids.ANSWER_VIEW,
        "title": _plain(texts.label("title_change_answer" if current else "title_answer")),
        "submit": _plain(texts.label("submit_answer")),
        "close": _plain(texts.label("cancel")),
        "private_metadata": place.remembering(content).encode(),
        "blocks": blocks,
    }


def _input(block_id: str, label: str, element: Block, *, optional: bool = False, hint: str | None = None) -> Block:
    block: Block = {"type": "input", "block_id": block_id, "label": _plain(label), "element": element}
    if optional:
        block["optional"] = True
    if hint:
        block["hint"] = _plain(hint)
    return block


def _answer_input(texts: Texts, label: str, number: int, text: str) -> Block:
    # rich_text_input, not plain_text_input: the plain one holds 3000 characters and answers are longer.
    element: Block = {
        "type": "rich_text_input",
        "action_id": TEXT,
        "placeholder": _plain(texts.label("answer_placeholder")),
    }
    if text:
        element["initial_value"] = from_plain_text(slack_text(text))
    return _input(answer_block(number), label, element, optional=True)


def _option(texts: Texts, label: str, value: str, description: str | None = None) -> Block:
    option: Block = {"text": plain_text(texts.label(label), OPTION_TEXT_LIMIT), "value": value}
    if description:
        option["description"] = plain_text(texts.label(description), OPTION_TEXT_LIMIT)
    return option


def _select_input(block_id: str, label: str, action_id: str, options: list[Block], chosen: int) -> Block:
    element = {"type": "static_select", "action_id": action_id, "options": options, "initial_option": options[chosen]}
    return _input(block_id, label, element)


def _position_input(texts: Texts, number: int, position: Position) -> Block:
    options = [_option(texts, f"position_{p.value}", p.value) for p in POSITIONS]
    return _select_input(position_block(number), texts.label("position"), POSITION, options, POSITIONS.index(position))


def _overall_position_input(texts: Texts, position: Position) -> Block:
    """The answer's one position on the proposal as a whole; optional ("Ej angivet" stays not stated)."""
    options = [_option(texts, f"position_{p.value}", p.value) for p in POSITIONS]
    block = _select_input(
        OVERALL_POSITION_BLOCK, texts.label("overall_position"), OVERALL_POSITION, options, POSITIONS.index(position)
    )
    return {**block, "optional": True, "hint": _plain(texts.label("overall_position_hint"))}


def _kind_input(texts: Texts, kind: ResponseKind) -> Block:
    options = [_option(texts, f"kind_{k.value}", k.value, f"kind_{k.value}_hint") for k in KINDS]
    element = {
        "type": "radio_buttons",
        "action_id": KIND,
        "options": options,
        "initial_option": options[KINDS.index(kind)],
    }
    # Choosing a kind updates the form at once, to ask only for what that kind needs.
    return {**_input(KIND_BLOCK, texts.label("response_kind"), element), "dispatch_action": True}


def _decision_inputs(texts: Texts, content: ResponseContent) -> list[Block]:
    their = _text_input(
        texts, THEIR_CASE_NUMBER_BLOCK, THEIR_CASE_NUMBER, "their_case_number", content.their_case_number, 40
    )
    their.update(optional=True, hint=_plain(texts.label("their_case_number_hint")))
    if content.kind is ResponseKind.YTTRANDE:
        name = _text_input(
            texts, DECIDED_BY_BLOCK, DECIDED_BY, "deciding_body_name", content.decided_by, DECIDED_BY_MAX
        )
        return [
            _date_input(texts, MEETING_DATE_BLOCK, MEETING_DATE, "meeting_date", content.meeting_date),
            _text_input(texts, PARAGRAPH_BLOCK, PARAGRAPH, "paragraph", content.paragraph, PARAGRAPH_MAX),
            _body_input(texts, content.deciding_body or DecidingBody.NAMND),
            {**name, "optional": True},
            their,
        ]
    if content.kind is ResponseKind.DELEGATION:
        return [
            _body_input(texts, content.deciding_body or DecidingBody.DELEGAT),
            _text_input(texts, DECIDED_BY_BLOCK, DECIDED_BY, "decided_by", content.decided_by, DECIDED_BY_MAX),
            their,
        ]
    planned = _date_input(
        texts, PLANNED_BOARD_DATE_BLOCK, PLANNED_BOARD_DATE, "planned_board_date", content.planned_board_date
    )
    return [planned, their]


def _body_input(texts: Texts, body: DecidingBody) -> Block:
    options = [_option(texts, f"deciding_body_{b.value}", b.value) for b in DECIDING_BODIES]
    label = texts.label("deciding_body")
    return _select_input(DECIDING_BODY_BLOCK, label, DECIDING_BODY, options, DECIDING_BODIES.index(body))


def _date_input(texts: Texts, block_id: str, action_id: str, label: str, value: date | None) -> Block:
    element: Block = {"type": "datepicker", "action_id": action_id, "placeholder": _plain(texts.label("pick_date"))}
    if value is not None:
        element["initial_date"] = value.isoformat()
    return _input(block_id, texts.label(label), element)


def _text_input(texts: Texts, block_id: str, action_id: str, label: str, value: str, limit: int) -> Block:
    element: Block = {
        "type": "plain_text_input",
        "action_id": action_id,
        # A value stored longer than the field allows (written elsewhere) must still fit when prefilled.
        "max_length": max(limit, len(value)),
        "placeholder": _plain(texts.label(f"{label}_placeholder")),
    }
    if value:
        element["initial_value"] = slack_text(value)
    return _input(block_id, texts.label(label), element)


def _change_reason_input(texts: Texts, reason: str) -> Block:
    element: Block = {
        "type": "plain_text_input",
        "action_id": CHANGE_REASON,
        "multiline": True,
        # What was written longer than the field allows (refused, then shown again) must still fit.
        "max_length": max(MAX_CHANGE_REASON, len(reason)),
        "placeholder": _plain(texts.label("change_reason_placeholder")),
    }
    if reason:
        element["initial_value"] = reason
    label, hint = texts.label("change_reason"), texts.label("change_reason_hint")
    return _input(CHANGE_REASON_BLOCK, label, element, optional=True, hint=hint)


def _kept_files_input(texts: Texts, known: tuple[Attachment, ...], chosen: set[str]) -> Block:
    options = [{"text": plain_text(a.name, OPTION_TEXT_LIMIT), "value": a.file_id} for a in known[:MAX_FILES]]
    element: Block = {"type": "checkboxes", "action_id": KEPT_FILES, "options": options}
    initial = [option for option in options if option["value"] in chosen]
    if initial:
        element["initial_options"] = initial
    label, hint = texts.label("kept_attachments"), texts.label("kept_attachments_hint")
    return _input(KEPT_FILES_BLOCK, label, element, optional=True, hint=hint)


def _files_input(texts: Texts, room: int) -> Block:
    element = {"type": "file_input", "action_id": FILES, "filetypes": FILE_TYPES, "max_files": room}
    label, hint = texts.label("attachments"), texts.label("attachments_hint")
    return _input(FILES_BLOCK, label, element, optional=True, hint=hint)


def refused_view(texts: Texts, error: DomainError) -> dict[str, Any]:
    """Pushed over the form when an action in it is refused, so the form and what it holds stay below."""
    return notice_view(texts, texts.part("slack/answer_form.j2", "refused", error=texts.error(error)))


def notice_view(texts: Texts, text: str, title: str = "title_answer_refused") -> dict[str, Any]:
    return {
        "type": "modal",
        "title": _plain(texts.label(title)),
        "close": _plain(texts.label("close")),
        "blocks": [section(text)],
    }


def loading_view(texts: Texts) -> dict[str, Any]:
    """What Svara opens at once, inside the trigger's three seconds; the form replaces it. Its own callback_id
    and no inputs or submit button: nothing can be typed into it, and no submission can come from it."""
    return {
        "type": "modal",
        "callback_id": ids.ANSWER_LOADING_VIEW,
        "title": _plain(texts.label("title_answer")),
        "close": _plain(texts.label("close")),
        "blocks": [section(texts.part("slack/answer_form.j2", "loading"))],
    }


def saving_view(texts: Texts) -> dict[str, Any]:
    """What a submission with new files shows while they are fetched; like the light modal, nothing in it can
    be submitted. The form (with a refusal) or the receipt replaces it."""
    return {**loading_view(texts), "blocks": [section(texts.part("slack/answer_form.j2", "saving"))]}


def try_again_message(texts: Texts, ref: ids.RecipientRef, *, busy: bool = False) -> tuple[str, list[Block]]:
    """The click's trigger expired before the form could open (or Slack was `busy`, answering views.open with
    a rate limit): say so, with Svara to try again."""
    text = texts.message("answer_form_not_opened", busy=busy)
    again = button(texts, "answer", ids.ANSWER, ref.encode(), style="primary")
    return text, [section(text), {"type": "actions", "block_id": "try_again", "elements": [again]}]


def form_errors(
    texts: Texts, error: DomainError, content: ResponseContent | None, view: Mapping[str, Any]
) -> dict[str, str]:
    """The refusal next to the field it is about; a refusal of the whole answer goes by the first answer."""
    inputs = [str(b.get("block_id")) for b in view.get("blocks") or [] if b.get("type") == "input"]
    targets: list[str] = []
    if error.field == "meeting_date" and content is not None:
        # The domain names one field for "date and §"; point at whichever of them is missing.
        targets += [MEETING_DATE_BLOCK] if content.meeting_date is None else []
        targets += [PARAGRAPH_BLOCK] if not content.paragraph.strip() else []
    elif error.field in (
        DECIDED_BY_BLOCK,
        PLANNED_BOARD_DATE_BLOCK,
        KIND_BLOCK,
        PARAGRAPH_BLOCK,
        THEIR_CASE_NUMBER_BLOCK,
        CHANGE_REASON_BLOCK,
    ):
        targets.append(error.field)
    targets = [t for t in targets if t in inputs] or inputs[:1]
    # Error texts are shown as plain text, not mrkdwn: undo the Slack escaping of the message templates.
    message = texts.error(error).replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    return dict.fromkeys(targets, message)
