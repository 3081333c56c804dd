"""The official answers in a form: each question with a position, the kind of answer, drafts and edits."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any, TypeVar

from slack_bolt import App, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.adapters.importer.ocr import expected_seconds
from bot.core.domain.answer_changes import checked_reason
from bot.core.domain.answer_reading import keep_marks
from bot.core.domain.errors import DomainError, ErrorCode
from bot.core.domain.recipient import Recipient
from bot.core.domain.remiss import (
    Answer,
    Attachment,
    DecidingBody,
    Position,
    QuestionKind,
    Remiss,
    ResponseContent,
    ResponseKind,
)
from bot.core.ports.store import StoreUnavailable
from bot.core.usecases.results import Actor, AssignmentRow
from handlers import ids, payload
from handlers.answer_files import FetchedFiles, fetch_new_files, new_files
from handlers.answer_reading import FORM_TEXTS, Answering, Reading, read_documents, read_notice
from handlers.answer_views import (
    CHANGE_REASON,
    CHANGE_REASON_BLOCK,
    DECIDED_BY,
    DECIDED_BY_BLOCK,
    DECIDING_BODIES,
    DECIDING_BODY,
    DECIDING_BODY_BLOCK,
    DEFAULT_BODY,
    FILES,
    FILES_BLOCK,
    KEPT_FILES,
    KEPT_FILES_BLOCK,
    KIND,
    KIND_BLOCK,
    KINDS,
    MEETING_DATE,
    MEETING_DATE_BLOCK,
    OVERALL_POSITION,
    OVERALL_POSITION_BLOCK,
    PARAGRAPH,
    PARAGRAPH_BLOCK,
    PLANNED_BOARD_DATE,
    PLANNED_BOARD_DATE_BLOCK,
    POSITION,
    POSITIONS,
    SAVE_DRAFT,
    TEXT,
    THEIR_CASE_NUMBER,
    THEIR_CASE_NUMBER_BLOCK,
    FormPlace,
    answer_block,
    answer_view,
    current_answer,
    default_body,
    form_errors,
    loading_view,
    notice_view,
    position_block,
    refused_view,
    saving_view,
    stored_content,
    stored_files,
    try_again_message,
)
from handlers.blocks import acting_user, section
from handlers.context import HandlerContext
from handlers.errors import edit_message, error_text, handle_error, rate_limited, tell_user
from handlers.listening import Reply, close, on_action, on_view, refuse, show
from handlers.redraw import AnsweredModal, redraw
from handlers.remiss_blocks import assignment_message
from handlers.richtext import to_plain_text

# The form's element and block ids live in handlers/answer_views.py; tests, the demo and the benchmark read
# them here too, as answer.<name>.
__all__ = [
    "CHANGE_REASON",
    "CHANGE_REASON_BLOCK",
    "DECIDED_BY",
    "DECIDED_BY_BLOCK",
    "DECIDING_BODY_BLOCK",
    "DEFAULT_BODY",
    "KIND",
    "KIND_BLOCK",
    "MEETING_DATE",
    "MEETING_DATE_BLOCK",
    "OVERALL_POSITION",
    "OVERALL_POSITION_BLOCK",
    "PARAGRAPH",
    "PARAGRAPH_BLOCK",
    "PLANNED_BOARD_DATE_BLOCK",
    "POSITION",
    "SAVE_DRAFT",
    "TEXT",
    "THEIR_CASE_NUMBER_BLOCK",
    "FormPlace",
    "answer_block",
    "position_block",
]

log = logging.getLogger(__name__)

_E = TypeVar("_E", bound=StrEnum)


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
        # A position is read only where the question asks for one; anything else sent for it is not kept.
        asked = question.kind is QuestionKind.POSITION
        chosen = element(position_block(question.number), POSITION) if asked else None
        position = _selected(chosen, POSITIONS, Position.NOT_STATED)
        if text or position is not Position.NOT_STATED:
            answers.append(Answer(question.number, text, position))
    kind = _selected(element(KIND_BLOCK, KIND), KINDS, ResponseKind.YTTRANDE)
    body_default = DEFAULT_BODY.get(kind, DecidingBody.NAMND)
    meeting = element(MEETING_DATE_BLOCK, MEETING_DATE)
    paragraph = element(PARAGRAPH_BLOCK, PARAGRAPH)
    decided_by = element(DECIDED_BY_BLOCK, DECIDED_BY)
    planned = element(PLANNED_BOARD_DATE_BLOCK, PLANNED_BOARD_DATE)
    body = element(DECIDING_BODY_BLOCK, DECIDING_BODY)
    their = element(THEIR_CASE_NUMBER_BLOCK, THEIR_CASE_NUMBER)
    kept = element(KEPT_FILES_BLOCK, KEPT_FILES) or {}
    # Not checked against what was offered: a file may have left the draft since the form was opened.
    kept_ids = set(payload.picked_options(kept, None))
    uploaded = [_attachment(f) for f in payload.shared_files(element(FILES_BLOCK, FILES) or {}) if _is_file(f)]
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
        their_case_number=_text(their) if their is not None else "",
        deciding_body=_selected(body, DECIDING_BODIES, body_default) if body is not None else place.deciding_body,
        overall_position=_selected(element(OVERALL_POSITION_BLOCK, OVERALL_POSITION), POSITIONS, Position.NOT_STATED),
    )


def change_reason_from_state(values: Mapping[str, Any]) -> str:
    """Why the official changes the answer, as typed (the field is only there when an answer is changed)."""
    block = values.get(CHANGE_REASON_BLOCK)
    state = block.get(CHANGE_REASON) if isinstance(block, Mapping) else None
    return payload.typed_text(state).strip() if isinstance(state, Mapping) else ""


def for_submission(content: ResponseContent) -> ResponseContent:
    """Only the decision details of the chosen kind go into a submitted version."""
    kind = content.kind
    return replace(
        content,
        meeting_date=content.meeting_date if kind is ResponseKind.YTTRANDE else None,
        paragraph=content.paragraph if kind is ResponseKind.YTTRANDE else "",
        decided_by=content.decided_by if kind in DEFAULT_BODY else "",
        deciding_body=(content.deciding_body or DEFAULT_BODY[kind]) if kind in DEFAULT_BODY else None,
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


# -- listeners, as plain functions -------------------------------------------------------------------------
def require_answerable(row: AssignmentRow) -> None:
    """Refuse at once, before the form is filled in, what a submission would be refused for anyway (the domain's
    Recipient.require_answerable: a remiss that takes no answers, a declined recipient, an edit too late)."""
    row.recipient.require_answerable(row.remiss, row.today, row.rules)


@dataclass(frozen=True)
class OpenedModal:
    """The modal a click opened: the form goes into it by id, and only over the version views.open gave."""

    view_id: str
    hash: str


def open_loading_modal(ctx: HandlerContext, body: Mapping[str, Any], client: WebClient) -> OpenedModal:
    """Svara / Ändra svar, on the listener: the light modal, opened before the trigger expires."""
    trigger = payload.string(body, "trigger_id", "block_actions")
    view = client.views_open(trigger_id=trigger, view=loading_view(ctx.texts))["view"]
    return OpenedModal(str(view["id"]), str(view["hash"]))


# What the form says at its top when opened by another button than Svara (from the content it shows).
FormNotice = Callable[[ResponseContent], str | None]


def fill_answer_form(
    ctx: HandlerContext,
    body: Mapping[str, Any],
    client: WebClient,
    modal: OpenedModal,
    notice: FormNotice | None = None,
) -> None:
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
    view = answer_view(ctx.texts, row, content, place, notice=notice(content) if notice else None)
    if not redraw(client, modal.view_id, view, modal.hash):
        return
    if row.recipient.opened_at is None:  # later looks change nothing (Recipient.open): no write transaction for them
        ctx.background.submit(
            _logged, ctx.service.answering.record_opened, actor, ref.case_number, ref.organisation_key
        )


def _filling(
    ctx: HandlerContext,
    body: dict[str, Any],
    client: WebClient,
    respond: Respond,
    modal: OpenedModal,
    notice: FormNotice | None = None,
) -> None:
    """The form into the opened modal, off Bolt's threads; a refusal or a failure is said in that modal."""
    try:
        fill_answer_form(ctx, body, client, modal, notice)
    except Exception as error:
        blocks = None
        if rate_limited(error):
            # Slack is busy (bench/bench_load.py --slack-limits): Svara again, as when views.open is limited.
            log.warning("Answer form not shown: views.update answered ratelimited")
            text, blocks = try_again_message(ctx.texts, ids.RecipientRef.decode(payload.action_value(body)), busy=True)
            view = notice_view(ctx.texts, text)
        else:
            text = error_text(ctx, error, body)
            view = notice_view(ctx.texts, ctx.texts.part("slack/answer_form.j2", "not_opened", error=text))
        try:
            client.views_update(view_id=modal.view_id, hash=modal.hash, view=view)
        except Exception as refused:  # the modal can't be changed: say it where the click was
            log.warning("Modal %s not updated: %s", modal.view_id, refused)
            tell_user(body, text, respond, client, blocks=blocks)


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

    def entered(
        self, ctx: HandlerContext, body: Mapping[str, Any], client: WebClient
    ) -> tuple[AssignmentRow, ResponseContent] | None:
        """The assignment and what the form holds; None, with the refusal shown, when the official may not act."""
        try:
            row = self.assignment(ctx)
        except DomainError as error:
            client.views_push(trigger_id=body["trigger_id"], view=refused_view(ctx.texts, error))
            return None
        content = content_from_state(row.remiss, self.values, self.place, stored_files(row.recipient))
        return row, keep_marks(content, row.recipient.draft.content if row.recipient.draft else None)


def change_kind(ctx: HandlerContext, body: Mapping[str, Any], client: WebClient) -> None:
    """Another kind of answer was chosen: show the fields it needs, keeping everything entered."""
    action = _FormAction.read(ctx, body)
    entered = action.entered(ctx, body, client)
    if entered is None:
        return
    row, content = entered
    # The action names the new choice itself; the state sent with it should agree, but the action decides.
    kind = _selected(payload.action(body), KINDS, content.kind)
    # The body that only stood as the old kind's default gives way to the new kind's.
    if content.deciding_body is default_body(content.kind, row.organisation):
        content = replace(content, deciding_body=None)
    content = replace(content, kind=kind)
    redraw(client, action.view_id, answer_view(ctx.texts, row, content, action.place))


def save_draft(ctx: HandlerContext, body: Mapping[str, Any], client: WebClient) -> None:
    """Spara utkast: store what the form holds as the draft and say when; the form stays open."""
    action = _FormAction.read(ctx, body)
    ref = action.place.ref
    entered = action.entered(ctx, body, client)
    if entered is None:
        return
    row, content = entered
    # New files are fetched and stored with the draft; a refused one is left out, with the reason shown.
    fetched = fetch_new_files(ctx, client, content, ref.case_number, ref.organisation_key)
    content = fetched.content
    try:
        recipient = ctx.service.answering.save_draft(
            action.actor, ref.case_number, ref.organisation_key, content, fetched.documents
        )
    except DomainError as error:
        notice = ctx.texts.part("slack/answer_form.j2", "not_saved", error=ctx.texts.error(error))
        redraw(client, action.view_id, answer_view(ctx.texts, row, content, action.place, notice=notice))
        return
    # The recipient as the transaction stored it, not read again.
    row = replace(row, recipient=recipient, status=recipient.status(row.today))
    time = _draft_time(ctx, row)
    try:
        if fetched.refusals:
            notice = ctx.texts.part("slack/answer_form.j2", "files_refused", refusals=fetched.refusals, time=time)
        else:
            notice = ctx.texts.part("slack/answer_form.j2", "saved", time=time)
        redraw(client, action.view_id, answer_view(ctx.texts, row, content, action.place, notice=notice))
    except Exception as error:  # the draft is stored: say so, never "not done"
        log.warning("Draft of %s saved but the form not redrawn: %r", ref.case_number, error)
        tell_user(body, ctx.texts.part("slack/answer_form.j2", "saved_not_shown", time=time), None, client)
    refresh_remiss_message(ctx, client, action.place, row)


def _draft_time(ctx: HandlerContext, row: AssignmentRow) -> str:
    saved_at = row.recipient.draft.updated_at if row.recipient.draft else ctx.service.now()
    return saved_at.astimezone(ctx.service.config.tz).strftime("%H.%M")  # "kl. 15.45", as Swedish writes it


def open_form(
    ctx: HandlerContext, body: dict[str, Any], client: WebClient, respond: Respond, notice: FormNotice | None = None
) -> None:
    """Svara, after its ack: the light modal opens at once, then the form replaces it (on ctx.forms); `notice`,
    for another button opening the same form, says what it holds.

    The light modal opens here, in the listener: at 200 clicks a form thread was free only after the trigger's
    three seconds (bench/bench_ack.py), and those forms never opened. Reading and building the form while
    views.open travels was measured (issue 11): its work then fell among the burst's acks, whose p99 rose,
    and the forms opened no sooner. So it waits for the modal.
    """
    try:
        modal = open_loading_modal(ctx, body, client)
    except Exception as error:
        ctx.forms.submit(_not_opened, ctx, error, body, respond, client)
        return
    ctx.forms.submit(_filling, ctx, body, client, respond, modal, notice)


def submit_answer(ctx: HandlerContext, body: Mapping[str, Any], client: WebClient) -> Reply:
    """Skicka in: a new version of the recipient's response; a refusal stays in the form, by its field."""
    view = payload.view(body)
    place = FormPlace.decode(view.get("private_metadata"))
    ref = place.ref
    actor = ctx.service.actor(acting_user(body))
    values = payload.state_values(view)
    reason = change_reason_from_state(values)
    content: ResponseContent | None = None
    try:
        row = ctx.service.answering.answer_context(actor, ref.case_number, ref.organisation_key)
        entered = content_from_state(row.remiss, values, place, stored_files(row.recipient))
        content = for_submission(keep_marks(entered, row.recipient.draft.content if row.recipient.draft else None))
        if new_files(content):
            # Checked now, by its field, as any submission; the files are fetched after the ack (too slow for
            # Slack's three seconds) while the modal says so, then the answer is stored with their bytes.
            # An attached yttrande with nothing typed is read first: the decision it states may fill the form.
            if _typed(content):
                ctx.service.answering.check_submission(actor, ref.case_number, ref.organisation_key, content, reason)
            elif current_answer(row.recipient) is not None:
                checked_reason(reason)  # the decision may come from the document; the reason is checked now
            view_id = payload.string(view, "id", "view")
            checked = content
            form = SubmittedForm(actor, place, view_id, row, AnsweredModal(view_id), reason)
            saving = {**saving_view(ctx.texts), "external_id": form.modal.external_id}
            return replace(show(saving), then=lambda: _submitting(ctx, client, body, form, checked))
        recipient = ctx.service.answering.submit(actor, ref.case_number, ref.organisation_key, content, reason=reason)
    except DomainError as error:
        return refuse(form_errors(ctx.texts, error, content, view))
    except StoreUnavailable as error:
        # The database didn't answer: keep the form open with everything typed, and say so.
        log.warning("Answer not stored, the database is unavailable: %s", error)
        unavailable = DomainError(ErrorCode.STORE_UNAVAILABLE, field="answers")
        return refuse(form_errors(ctx.texts, unavailable, content, view))
    _log_stored(recipient)
    # The recipient as _act just stored it; the message refresh is best effort, on ctx.background.
    updated = replace(row, recipient=recipient, status=recipient.status(row.today))

    def refresh() -> None:
        ctx.background.submit(_logged, refresh_remiss_message, ctx, client, place, updated)

    if _after_close(recipient):  # the official is told it came after closing, and was kept
        receipt = ctx.texts.part("slack/answer_form.j2", "submitted_after_close")
        return replace(show(notice_view(ctx.texts, receipt, "title_answer_submitted")), then=refresh)
    return close(refresh)


def _log_stored(recipient: Recipient) -> None:
    """One line per stored answer: whose, which kind and version; never what it says."""
    latest = recipient.responses[-1] if recipient.responses else None
    if latest is not None:
        log.info(
            "Answer stored for %s: %s, version %d", recipient.organisation_key, latest.content.kind, latest.version
        )


def _after_close(recipient: Recipient) -> bool:
    """The version just stored came after the remiss was closed (inkom efter avslut)."""
    return bool(recipient.responses) and recipient.responses[-1].after_close


@dataclass(frozen=True)
class SubmittedForm:
    """A submission whose files are fetched after the ack: who, which form, and the modal now saying so."""

    actor: Actor
    place: FormPlace
    view_id: str
    row: AssignmentRow
    modal: AnsweredModal  # the modal, with the view the submission's answer put in it
    change_reason: str = ""


def _submitting(
    ctx: HandlerContext, client: WebClient, body: Mapping[str, Any], form: SubmittedForm, content: ResponseContent
) -> None:
    """submit_with_files after the ack. On a failure (the database or Slack down) the form comes back with
    everything as it was submitted and the reason, so nothing typed is lost and it can be sent again."""
    try:
        submit_with_files(ctx, client, form, content)
    except Exception as error:
        notice = ctx.texts.part("slack/answer_form.j2", "not_submitted", error=error_text(ctx, error, body))
        view = answer_view(ctx.texts, form.row, content, form.place, notice=notice, change_reason=form.change_reason)
        form.modal.redraw(client, view)


def submit_with_files(ctx: HandlerContext, client: WebClient, form: SubmittedForm, content: ResponseContent) -> None:
    """Fetch the new files, then submit with their bytes; a refused file (or a refusal meanwhile) keeps
    everything else as the draft and brings the form back saying why."""
    ref = form.place.ref
    fetched = fetch_new_files(ctx, client, content, ref.case_number, ref.organisation_key)
    if not fetched.refusals:
        typed = _typed(fetched.content)
        # Typed answers are submitted as typed; with none, what the yttrande says is shown to check first.
        reading = read_documents(
            form.row.remiss, fetched.content, fetched.documents, fill=not typed, on_ocr=_scanning(ctx, client, form)
        )
        if not typed and any(r.split is not None for r in reading.read):
            # The yttrande answers for the board: show what was read from it before anything is submitted.
            _check_what_was_read(ctx, client, form, replace(fetched, content=reading.content), reading)
            return
        fetched = replace(fetched, content=reading.content)
        try:
            recipient = ctx.service.answering.submit(
                form.actor,
                ref.case_number,
                ref.organisation_key,
                fetched.content,
                fetched.documents,
                form.change_reason,
            )
        except DomainError as error:
            fetched = replace(fetched, refusals=(ctx.texts.error(error),))
        else:
            _log_stored(recipient)
            names = [a.name for a in fetched.content.attachments]
            unreadable = [r.attachment.name for r in reading.unreadable]
            receipt = ctx.texts.part(
                "slack/answer_form.j2",
                "submitted_unreadable" if unreadable and not _typed(content) else "submitted_with_files",
                names=unreadable or names,
            )
            if _after_close(recipient):
                receipt = f"{receipt}\n{ctx.texts.part('slack/answer_form.j2', 'submitted_after_close')}"
            updated = replace(form.row, recipient=recipient, status=recipient.status(form.row.today))
            # Stored: what fails from here on is logged, never answered with the form saying "not submitted",
            # which would have the official send the same answer again.
            _logged(form.modal.redraw, client, notice_view(ctx.texts, receipt, "title_answer_submitted"))
            _logged(refresh_remiss_message, ctx, client, form.place, updated)
            return
    _back_to_the_form(ctx, client, form, fetched)


def _scanning(ctx: HandlerContext, client: WebClient, form: SubmittedForm) -> Callable[[str, int], None]:
    """Says in the modal that a scanned yttrande is being read (seconds a page); what was read replaces it."""

    def tell(name: str, pages: int) -> None:
        text = ctx.texts.part(FORM_TEXTS, "reading_scan", name=name, pages=pages, seconds=expected_seconds(pages))
        form.modal.redraw(client, {**saving_view(ctx.texts), "blocks": [section(text)]})

    return tell


def _typed(content: ResponseContent) -> bool:
    """Whether the official wrote an answer themselves (not only attached the yttrande)."""
    return any(a.text.strip() for a in content.answers)


def _check_what_was_read(
    ctx: HandlerContext, client: WebClient, form: SubmittedForm, fetched: FetchedFiles, reading: Reading
) -> None:
    """Not submitted yet: the answer as read from the document is the draft, and the form shows it with
    what was read (and from which sentence), for the official to correct and then submit."""
    ref = form.place.ref
    ctx.service.answering.save_draft(
        form.actor, ref.case_number, ref.organisation_key, fetched.content, fetched.documents
    )
    row = _reloaded(ctx, form)
    answering = Answering(row.remiss, row.organisation, ctx.service.directory.directory())
    notice = read_notice(ctx.texts, answering, reading, _draft_time(ctx, row))
    view = answer_view(ctx.texts, row, fetched.content, form.place, notice=notice, change_reason=form.change_reason)
    form.modal.redraw(client, view)
    refresh_remiss_message(ctx, client, form.place, row)


def _back_to_the_form(ctx: HandlerContext, client: WebClient, form: SubmittedForm, fetched: FetchedFiles) -> None:
    """Not submitted: what the official entered (with the files that could be stored) becomes the draft."""
    ref = form.place.ref
    ctx.service.answering.save_draft(
        form.actor, ref.case_number, ref.organisation_key, fetched.content, fetched.documents
    )
    row = _reloaded(ctx, form)
    notice = ctx.texts.part(
        "slack/answer_form.j2", "not_submitted_files", refusals=fetched.refusals, time=_draft_time(ctx, row)
    )
    view = answer_view(ctx.texts, row, fetched.content, form.place, notice=notice, change_reason=form.change_reason)
    form.modal.redraw(client, view)
    refresh_remiss_message(ctx, client, form.place, row)


def _reloaded(ctx: HandlerContext, form: SubmittedForm) -> AssignmentRow:
    ref = form.place.ref
    return ctx.service.answering.answer_context(form.actor, ref.case_number, ref.organisation_key)


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
    text, blocks = assignment_message(ctx.texts, row, sender=ctx.service.directory.sender_name(row.remiss))
    edit_message(client, channel, ts, text, blocks, "Remiss message")


def register(app: App, ctx: HandlerContext) -> None:
    """Listeners for the answer form, through the one ack-then-work path (handlers/listening.py)."""
    # The form is built on ctx.forms, a few threads of its own: 50 officials pressing Svara at once used to keep
    # every listener thread busy with forms, and later clicks waited up to 300 ms to be acknowledged
    # (bench/bench_ack.py --diagnose). Queued there, forms open in click order.
    on_action(app, ctx, ids.ANSWER, lambda body, client, respond: open_form(ctx, body, client, respond))
    on_action(app, ctx, KIND, lambda body, client, _: change_kind(ctx, body, client), executor=ctx.forms)
    # Saving a draft is no one's wait: it queues behind other post-ack work, and the form says when done.
    on_action(app, ctx, SAVE_DRAFT, lambda body, client, _: save_draft(ctx, body, client), executor=ctx.background)
    on_view(app, ctx, ids.ANSWER_VIEW, lambda body, _view, client: submit_answer(ctx, body, client))
