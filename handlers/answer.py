"""The official answers in a form: each question with a position, the kind of answer, drafts and edits."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum
from typing import Any, TypeVar

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.adapters.rendering import Texts
from bot.core.domain.errors import DomainError, ErrorCode
from bot.core.domain.remiss import (
    Answer,
    Attachment,
    Position,
    Recipient,
    Remiss,
    Response,
    ResponseContent,
    ResponseKind,
)
from bot.core.ports.store import StoreUnavailable
from bot.core.usecases.results import Actor, AssignmentRow
from handlers import ids, payload
from handlers.blocks import OPTION_TEXT_LIMIT, Block, acting_user, context, divider, plain_text, section, slack_text
from handlers.context import HandlerContext
from handlers.errors import error_text, handle_error, tell_user
from handlers.remiss_blocks import button, remiss_message
from handlers.richtext import from_plain_text, to_plain_text

log = logging.getLogger(__name__)

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
KEPT_FILES = "answer.kept_files"
# Block ids stay the same when the view is updated, so Slack keeps what the user typed where it was.
KIND_BLOCK = "kind"
MEETING_DATE_BLOCK = "meeting_date"
PARAGRAPH_BLOCK = "paragraph"
DECIDED_BY_BLOCK = "decided_by"
PLANNED_BOARD_DATE_BLOCK = "planned_board_date"
FILES_BLOCK = "attachments"
KEPT_FILES_BLOCK = "kept_attachments"
ACTIONS_BLOCK = "draft_actions"

KINDS = (ResponseKind.YTTRANDE, ResponseKind.DELEGATION, ResponseKind.PRELIMINARY)
POSITIONS = (
    Position.TILLSTYRKER,
    Position.AVSTYRKER,
    Position.FORESLAR_ANDRINGAR,
    Position.INGA_SYNPUNKTER,
    Position.NOT_STATED,
)
MAX_FILES = 10  # file_input takes at most 10
FILE_TYPES = ["pdf", "doc", "docx", "odt", "rtf"]
PARAGRAPH_MAX = 30
DECIDED_BY_MAX = 300
# private_metadata holds 3000 characters; the remembered decision details stay well inside it.
REMEMBERED_TEXT_MAX = 1000

_E = TypeVar("_E", bound=StrEnum)


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

    def remembering(self, content: ResponseContent) -> FormPlace:
        return replace(
            self,
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
        )


def stored_content(recipient: Recipient) -> ResponseContent | None:
    """What the form starts from: the draft, else the submitted answer being edited."""
    if recipient.draft is not None:
        return recipient.draft.content
    current = _current_answer(recipient)
    return current.content if current else None


def _current_answer(recipient: Recipient) -> Response | None:
    current = recipient.current_response
    return current if current is not None and current.kind is not ResponseKind.DECLINED else None


def _stored_files(recipient: Recipient) -> tuple[Attachment, ...]:
    content = stored_content(recipient)
    return content.attachments if content else ()


# -- Slack's form state to a response ------------------------------------------------------------------
def content_from_state(
    remiss: Remiss, values: Mapping[str, Any], place: FormPlace, stored_files: tuple[Attachment, ...]
) -> ResponseContent:
    """The response as the form holds it (`view.state.values`); fields not shown come from `place`."""

    def element(block_id: str, action_id: str) -> Mapping[str, Any] | None:
        block = values.get(block_id)
        found = block.get(action_id) if isinstance(block, Mapping) else None
        return found if isinstance(found, Mapping) else None

    answers: list[Answer] = []
    for question in remiss.questions:
        typed = element(answer_block(question.number), TEXT) or {}
        rich = typed.get("rich_text_value")
        if rich is not None and not isinstance(rich, Mapping):
            raise payload.TamperedPayload(f"rich_text_value is not an object: {type(rich).__name__}")
        text = to_plain_text(rich).strip()
        position = _selected(element(position_block(question.number), POSITION), POSITIONS, Position.NOT_STATED)
        if text or position is not Position.NOT_STATED:
            answers.append(Answer(question.number, text, position))
    kind = _selected(element(KIND_BLOCK, KIND), KINDS, ResponseKind.YTTRANDE)
    meeting = element(MEETING_DATE_BLOCK, MEETING_DATE)
    paragraph = element(PARAGRAPH_BLOCK, PARAGRAPH)
    decided_by = element(DECIDED_BY_BLOCK, DECIDED_BY)
    planned = element(PLANNED_BOARD_DATE_BLOCK, PLANNED_BOARD_DATE)
    kept = element(KEPT_FILES_BLOCK, KEPT_FILES) or {}
    # Not checked against what was offered: a file may have left the draft since the form was opened.
    kept_ids = set(payload.picked_options(kept, None))
    uploaded = [_attachment(f) for f in (element(FILES_BLOCK, FILES) or {}).get("files") or [] if _is_file(f)]
    attachments: dict[str, Attachment] = {a.file_id: a for a in stored_files if a.file_id in kept_ids}
    attachments.update((a.file_id, a) for a in uploaded if a.file_id not in attachments)
    return ResponseContent(
        kind=kind if kind in KINDS else ResponseKind.YTTRANDE,
        answers=tuple(answers),
        meeting_date=payload.picked_date(meeting) if meeting is not None else place.meeting_date,
        paragraph=_text(paragraph) if paragraph is not None else place.paragraph,
        decided_by=_text(decided_by) if decided_by is not None else place.decided_by,
        planned_board_date=payload.picked_date(planned) if planned is not None else place.planned_board_date,
        attachments=tuple(attachments.values()),
    )


def for_submission(content: ResponseContent) -> ResponseContent:
    """Only the decision details of the chosen kind go into a submitted version."""
    kind = content.kind
    return replace(
        content,
        meeting_date=content.meeting_date if kind is ResponseKind.YTTRANDE else None,
        paragraph=content.paragraph if kind is ResponseKind.YTTRANDE else "",
        decided_by=content.decided_by if kind is ResponseKind.DELEGATION else "",
        planned_board_date=content.planned_board_date if kind is ResponseKind.PRELIMINARY else None,
    )


def _selected(state: Mapping[str, Any] | None, offered: tuple[_E, ...], default: _E) -> _E:
    """The option chosen (one the form offered: anything else raises TamperedPayload), or `default`."""
    value = payload.picked_option(state or {}, [choice.value for choice in offered])
    return next(choice for choice in offered if choice.value == value) if value is not None else default


def _text(state: Mapping[str, Any]) -> str:
    return payload.typed_text(state).strip()


def _is_file(value: Any) -> bool:
    return isinstance(value, Mapping) and bool(value.get("id"))


def _attachment(file: Mapping[str, Any]) -> Attachment:
    name = file.get("name") or file.get("title") or file["id"]
    return Attachment(str(file["id"]), str(name), str(file.get("permalink") or file.get("url_private") or ""))


# -- the view --------------------------------------------------------------------------------------------
def _plain(text: str) -> Block:
    return plain_text(text)


def answer_view(
    texts: Texts, row: AssignmentRow, content: ResponseContent, place: FormPlace, *, notice: str | None = None
) -> dict[str, Any]:
    """The modal: the remiss, each question with its answer and position, the kind of answer with what it
    needs, the formal yttrande as files, and Spara utkast; `notice` says what just happened."""
    remiss, recipient = row.remiss, row.recipient
    current = _current_answer(recipient)

    def part(name: str, **extra: object) -> str:
        return texts.part("slack/answer_form.j2", name, **extra)

    intro = part(
        "intro", remiss=remiss, organisation=row.organisation, deadline=recipient.deadline, days_left=row.days_left
    )
    blocks: list[Block] = [section(intro)]
    state = part("state", current=current, draft=recipient.draft)
    if state:
        blocks.append(context(state))
    for question in remiss.questions:
        answer = content.answer_to(question.number) or Answer(question.number, "")
        blocks += [
            divider(),
            section(part("question", question=question)),
            _answer_input(texts, part("answer_label", number=question.number), question.number, answer.text),
            _position_input(texts, question.number, answer.position),
        ]
    blocks += [divider(), _kind_input(texts, content.kind), *_decision_inputs(texts, content)]
    known = _stored_files(recipient)
    if known:
        blocks.append(_kept_files_input(texts, known, {a.file_id for a in content.attachments}))
    if len(known) < MAX_FILES:
        blocks.append(_files_input(texts, MAX_FILES - len(known)))
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


def _position_input(texts: Texts, number: int, position: Position) -> Block:
    options = [_option(texts, f"position_{p.value}", p.value) for p in POSITIONS]
    element = {
        "type": "static_select",
        "action_id": POSITION,
        "options": options,
        "initial_option": options[POSITIONS.index(position)],
    }
    return _input(position_block(number), texts.label("position"), element)


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
    if content.kind is ResponseKind.YTTRANDE:
        return [
            _date_input(texts, MEETING_DATE_BLOCK, MEETING_DATE, "meeting_date", content.meeting_date),
            _text_input(texts, PARAGRAPH_BLOCK, PARAGRAPH, "paragraph", content.paragraph, PARAGRAPH_MAX),
        ]
    if content.kind is ResponseKind.DELEGATION:
        return [_text_input(texts, DECIDED_BY_BLOCK, DECIDED_BY, "decided_by", content.decided_by, DECIDED_BY_MAX)]
    return [
        _date_input(
            texts, PLANNED_BOARD_DATE_BLOCK, PLANNED_BOARD_DATE, "planned_board_date", content.planned_board_date
        )
    ]


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
    return _notice_view(texts, texts.part("slack/answer_form.j2", "refused", error=texts.error(error)))


def _notice_view(texts: Texts, text: str) -> dict[str, Any]:
    return {
        "type": "modal",
        "title": _plain(texts.label("title_answer_refused")),
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
    elif error.field in (DECIDED_BY_BLOCK, PLANNED_BOARD_DATE_BLOCK):
        targets.append(error.field)
    targets = [t for t in targets if t in inputs] or inputs[:1]
    # Error texts are shown as plain text, not mrkdwn: undo the Slack escaping of the message templates.
    message = texts.error(error).replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    return dict.fromkeys(targets, message)


# -- listeners, as plain functions -------------------------------------------------------------------------
def require_answerable(row: AssignmentRow) -> None:
    """Refuse at once what a submission would be refused for anyway: a closed remiss, a declined one, or an
    edit after the recipient's deadline (a first answer may come late)."""
    row.remiss.require_open()
    current = row.recipient.current_response
    if current is not None and current.kind is ResponseKind.DECLINED:
        raise DomainError(ErrorCode.ALREADY_DECLINED, case_number=row.remiss.case_number)
    if current is not None and row.days_left < 0:
        raise DomainError(ErrorCode.DEADLINE_PASSED, deadline=row.recipient.deadline)


@dataclass(frozen=True)
class OpenedModal:
    """The modal a click opened: the form goes into it by id, and only over the version views.open gave."""

    view_id: str
    hash: str


# views.update's answers for a modal the official closed, or that was replaced meanwhile: nothing to show it in.
_MODAL_GONE = ("not_found", "hash_conflict")


def open_loading_modal(ctx: HandlerContext, body: Mapping[str, Any], client: WebClient) -> OpenedModal:
    """Svara / Ändra svar, on the listener: the light modal, opened before the trigger expires."""
    trigger = payload.string(body, "trigger_id", "block_actions")
    view = client.views_open(trigger_id=trigger, view=loading_view(ctx.texts))["view"]
    return OpenedModal(str(view["id"]), str(view["hash"]))


def fill_answer_form(ctx: HandlerContext, body: Mapping[str, Any], client: WebClient, modal: OpenedModal) -> None:
    """Put the form, prefilled with the draft or the current answer, into the modal the click opened.

    A refusal (not the user's organisation, a closed remiss, an edit too late) is raised, to be told."""
    ref = ids.RecipientRef.decode(payload.action_value(body))
    actor = ctx.service.actor(acting_user(body))
    row = ctx.service.answering.answer_context(actor, ref.case_number, ref.organisation_key)
    require_answerable(row)
    container = payload.mapping(body.get("container") or {}, "container")
    place = FormPlace(ref)
    if container.get("type") == "message":
        # Which of these is the remiss message is checked after submitting, off the three-second path.
        message = payload.mapping(body.get("message") or {}, "message")

        def text(data: Mapping[str, Any], key: str) -> str | None:
            return payload.string(data, key, "container", required=False) or None

        place = FormPlace(ref, text(container, "channel_id"), text(container, "message_ts"), text(message, "thread_ts"))
    content = stored_content(row.recipient) or ResponseContent(kind=ResponseKind.YTTRANDE)
    # Any other refusal is raised, to be told in the modal: it must not be left saying the form is on its way.
    if not _redraw(client, modal.view_id, answer_view(ctx.texts, row, content, place), modal.hash):
        return
    if row.recipient.opened_at is None:  # later looks change nothing (Recipient.open): no write transaction for them
        ctx.background.submit(
            _logged, ctx.service.answering.record_opened, actor, ref.case_number, ref.organisation_key
        )


def _filling(
    ctx: HandlerContext, body: dict[str, Any], client: WebClient, respond: Respond, modal: OpenedModal
) -> None:
    """The form into the opened modal, off Bolt's threads; a refusal or a failure is said in that modal."""
    try:
        fill_answer_form(ctx, body, client, modal)
    except Exception as error:
        text = error_text(ctx, error, body)
        view = _notice_view(ctx.texts, ctx.texts.part("slack/answer_form.j2", "not_opened", error=text))
        try:
            client.views_update(view_id=modal.view_id, hash=modal.hash, view=view)
        except Exception as refused:  # the modal can't be changed: say it where the click was
            log.warning("Modal %s not updated: %s", modal.view_id, refused)
            tell_user(body, text, respond, client)


def _not_opened(
    ctx: HandlerContext, error: Exception, body: dict[str, Any], respond: Respond, client: WebClient
) -> None:
    """The light modal did not open. A trigger that expired on the way, or a rate limit, gets Svara to try
    again; anything else is told as Bolt's error handler would."""
    code = error.response.get("error") if isinstance(error, SlackApiError) else None
    try:
        if code not in ("expired_trigger_id", "ratelimited"):
            raise error
        log.warning("Answer form not opened: views.open answered %s", code)
        ref = ids.RecipientRef.decode(payload.action_value(body))
        text, blocks = try_again_message(ctx.texts, ref, busy=code == "ratelimited")
        # A Svara in the Home tab has no response_url: then the message with Svara goes to the user's DM.
        tell_user(body, text, respond, client, blocks=blocks)
    except Exception as failure:
        handle_error(ctx, failure, body, respond, client)


@dataclass(frozen=True)
class _FormAction:
    """A click inside the open form: who, which form, and what it holds now."""

    actor: Actor
    place: FormPlace
    view_id: str
    values: Mapping[str, Any]

    @classmethod
    def read(cls, ctx: HandlerContext, body: Mapping[str, Any]) -> _FormAction:
        view = payload.view(body)
        return cls(
            actor=ctx.service.actor(acting_user(body)),
            place=FormPlace.decode(view.get("private_metadata")),
            view_id=payload.string(view, "id", "view"),
            values=payload.state_values(view),
        )

    def assignment(self, ctx: HandlerContext) -> AssignmentRow:
        return ctx.service.answering.answer_context(
            self.actor, self.place.ref.case_number, self.place.ref.organisation_key
        )


def change_kind(ctx: HandlerContext, body: Mapping[str, Any], client: WebClient) -> None:
    """Another kind of answer was chosen: show the fields it needs, keeping everything entered."""
    action = _FormAction.read(ctx, body)
    try:
        row = action.assignment(ctx)
    except DomainError as error:
        client.views_push(trigger_id=body["trigger_id"], view=refused_view(ctx.texts, error))
        return
    content = content_from_state(row.remiss, action.values, action.place, _stored_files(row.recipient))
    # The action names the new choice itself; the state sent with it should agree, but the action decides.
    content = replace(content, kind=_selected(payload.action(body), KINDS, content.kind))
    _redraw(client, action.view_id, answer_view(ctx.texts, row, content, action.place))


def _redraw(client: WebClient, view_id: str, view: Block, view_hash: str | None = None) -> bool:
    """Show `view` in the open modal (only over the version `view_hash`, when given); False when the official
    closed it or it was replaced meanwhile, which is no failure of theirs. Other refusals are raised."""
    try:
        client.views_update(view_id=view_id, hash=view_hash, view=view)
    except SlackApiError as error:
        if error.response.get("error") not in _MODAL_GONE:
            raise
        log.warning("Modal %s not redrawn: %s", view_id, error.response.get("error"))
        return False
    return True


def save_draft(ctx: HandlerContext, body: Mapping[str, Any], client: WebClient) -> None:
    """Spara utkast: store what the form holds as the draft and say when; the form stays open."""
    action = _FormAction.read(ctx, body)
    ref = action.place.ref
    try:
        row = action.assignment(ctx)
    except DomainError as error:
        client.views_push(trigger_id=body["trigger_id"], view=refused_view(ctx.texts, error))
        return
    content = content_from_state(row.remiss, action.values, action.place, _stored_files(row.recipient))
    try:
        ctx.service.answering.save_draft(action.actor, ref.case_number, ref.organisation_key, content)
    except DomainError as error:
        notice = ctx.texts.part("slack/answer_form.j2", "not_saved", error=ctx.texts.error(error))
        _redraw(client, action.view_id, answer_view(ctx.texts, row, content, action.place, notice=notice))
        return
    row = action.assignment(ctx)
    saved_at = row.recipient.draft.updated_at if row.recipient.draft else ctx.service.now()
    time = saved_at.astimezone(ctx.service.config.tz).strftime("%H:%M")
    try:
        notice = ctx.texts.part("slack/answer_form.j2", "saved", time=time)
        _redraw(client, action.view_id, answer_view(ctx.texts, row, content, action.place, notice=notice))
    except Exception as error:  # the draft is stored: say so, never "not done"
        log.warning("Draft of %s saved but the form not redrawn: %r", ref.case_number, error)
        tell_user(body, ctx.texts.part("slack/answer_form.j2", "saved_not_shown", time=time), None, client)
    refresh_remiss_message(ctx, client, action.place, row)


def submit_answer(ctx: HandlerContext, body: Mapping[str, Any], ack: Ack, client: WebClient) -> None:
    """Skicka in: a new version of the recipient's response; a refusal stays in the form, by its field."""
    view = payload.view(body)
    place = FormPlace.decode(view.get("private_metadata"))
    ref = place.ref
    actor = ctx.service.actor(acting_user(body))
    values = payload.state_values(view)
    content: ResponseContent | None = None
    try:
        row = ctx.service.answering.answer_context(actor, ref.case_number, ref.organisation_key)
        content = for_submission(content_from_state(row.remiss, values, place, _stored_files(row.recipient)))
        recipient = ctx.service.answering.submit(actor, ref.case_number, ref.organisation_key, content)
    except DomainError as error:
        ack(response_action="errors", errors=form_errors(ctx.texts, error, content, view))
        return
    except StoreUnavailable as error:
        # The database didn't answer: keep the form open with everything typed, and say so.
        log.warning("Answer not stored, the database is unavailable: %s", error)
        unavailable = DomainError(ErrorCode.STORE_UNAVAILABLE, field="answers")
        ack(response_action="errors", errors=form_errors(ctx.texts, unavailable, content, view))
        return
    ack()
    # The recipient as _act just stored it; the message refresh is best effort, off the listener thread.
    updated = replace(row, recipient=recipient, status=recipient.status(row.today))
    ctx.background.submit(_logged, refresh_remiss_message, ctx, client, place, updated)


def _logged(work: Callable[..., object], *args: object) -> None:
    """Run best-effort work in the background, logging (never losing silently) what goes wrong."""
    try:
        work(*args)
    except Exception:
        log.exception("Work after an acknowledged interaction failed")


def refresh_remiss_message(ctx: HandlerContext, client: WebClient, place: FormPlace, row: AssignmentRow) -> None:
    """Show the recipient's new state (and its buttons) on the remiss message the form was opened from, on
    the remiss message of the thread it was opened in (a button in the chat answer's thread), or else on the
    recipient's remiss DM in that conversation (Svara on a reminder, or on the message to try again)."""
    channel, wanted = place.channel, (place.ref.case_number, place.ref.organisation_key)
    if channel is None:
        return
    places = (place.ts, place.thread_ts)
    ts = next((ts for ts in places if ts and ctx.service.delivery.recipient_of_message(channel, ts) == wanted), None)
    if ts is None:
        ts = next((m.ts for m in ctx.service.answering.remiss_dms(*wanted) if m.channel_id == channel), None)
    if ts is None:
        return
    sender = ctx.service.directory.sender_name(row.remiss)
    text, blocks = remiss_message(
        ctx.texts,
        row.remiss,
        sender=sender,
        today=row.today,
        organisation=row.organisation,
        recipient=row.recipient,
    )
    try:
        client.chat_update(channel=channel, ts=ts, text=text, blocks=blocks)
    except SlackApiError as error:  # the answer is stored; a stale message (deleted, too old) is no reason to fail
        log.warning("Remiss message %s/%s not updated: %s", channel, ts, error.response.get("error"))


def _telling(
    ctx: HandlerContext,
    work: Callable[[HandlerContext, Mapping[str, Any], WebClient], None],
    body: dict[str, Any],
    client: WebClient,
    respond: Respond,
) -> None:
    """Form work after the ack, off Bolt's threads: a refusal or a failure is told, as Bolt's handler would."""
    try:
        work(ctx, body, client)
    except Exception as error:
        handle_error(ctx, error, body, respond, client)


def register(app: App, ctx: HandlerContext) -> None:
    """Listeners for the answer form."""
    # The form is built after the ack on ctx.forms, not on Bolt's listener threads: 50 officials pressing
    # Svara at once kept every listener thread busy with forms, and later clicks waited up to 300 ms for a
    # thread to be acknowledged on (bench/bench_ack.py --diagnose). Queued there, forms open in click order.
    forms = ctx.forms

    @app.action(ids.ANSWER)
    def _answer(ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond) -> None:
        ack()
        # The light modal opens here, at once: at 200 clicks a form thread was free only after the trigger's
        # three seconds (bench/bench_ack.py), and those forms never opened. The form then replaces it.
        # Nothing is raised to Bolt: Bolt 1.30 loses an ack() when the listener raises within ~10 ms of it
        # (thread_runner resets ack.response), and Slack then sees no answer.
        try:
            modal = open_loading_modal(ctx, body, client)
        except Exception as error:
            forms.submit(_not_opened, ctx, error, body, respond, client)
            return
        forms.submit(_filling, ctx, body, client, respond, modal)

    @app.action(KIND)
    def _kind(ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond) -> None:
        ack()
        forms.submit(_telling, ctx, change_kind, body, client, respond)

    @app.action(SAVE_DRAFT)
    def _save_draft(ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond) -> None:
        ack()
        # Saving a draft is no one's wait: it queues behind other post-ack work, and the form says when done.
        ctx.background.submit(_telling, ctx, save_draft, body, client, respond)

    @app.view(ids.ANSWER_VIEW)
    def _submit(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        submit_answer(ctx, body, ack, client)
