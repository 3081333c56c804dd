"""Anstånd in Slack: the official asks for a later date, the coordinator grants it (that date or another) or
refuses it in the status thread, and the coordinator's "Ändra svarsdatum" moves the deadline for everyone."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Any

from slack_bolt import App
from slack_sdk import WebClient

from bot.adapters.dates import parse_swedish_date
from bot.core.domain.errors import DomainError, ErrorCode
from bot.core.domain.extension import ExtensionRequest
from bot.core.domain.outbox import MessageKind, OutboxMessage
from bot.core.domain.remiss import Remiss, require_not_past
from bot.core.usecases.results import Actor, Delivery, RecipientRow
from handlers import ids, payload
from handlers.blocks import Block, acting_user, input_block, modal, plain_text, section, view_value
from handlers.context import HandlerContext
from handlers.errors import edit_message
from handlers.listening import Reply, close, on_action, on_view, refuse, show
from handlers.outbound.messages import extension_request_message
from handlers.recipient_actions import Target

# Block ids of the modals' inputs; each input's action id is its block id.
DATE_TEXT = "new_deadline"
DATE_PICKED = "new_deadline_date"
REASON = "reason"
NOTE = "note"
MAX_REASON = 1000
# Avslå opens a form for an optional note to the official (ids.py has no id for it).
REFUSE_EXTENSION_VIEW = "extension_refuse"


@dataclass(frozen=True)
class RequestPlace:
    """A request for anstånd, and the message in the status thread that shows it (edited once decided)."""

    request_id: int
    channel: str = ""
    ts: str = ""

    def encode(self) -> str:
        return json.dumps({"request": self.request_id, "channel": self.channel, "ts": self.ts})

    @classmethod
    def decode(cls, metadata: object) -> RequestPlace:
        """What `encode` wrote; anything else raises TamperedPayload."""
        data = payload.json_object(metadata, "private_metadata")
        request = data.get("request")
        if not isinstance(request, int) or isinstance(request, bool) or request < 1:
            raise payload.TamperedPayload(f"private_metadata.request is no request id: {request!r:.60}")
        channel = payload.string(data, "channel", "private_metadata", required=False)
        return cls(request, channel, payload.string(data, "ts", "private_metadata", required=False))

    @classmethod
    def of_action(cls, body: dict[str, Any]) -> RequestPlace:
        value = payload.action_value(body)
        if not value.isascii() or not value.isdigit() or len(value) > 18:
            raise payload.TamperedPayload(f"a request button's value is no request id: {value[:60]!r}")
        container = payload.mapping(body.get("container") or {}, "container")
        if container.get("type") != "message":
            return cls(int(value))
        channel = payload.string(container, "channel_id", "container", required=False)
        return cls(int(value), channel, payload.string(container, "message_ts", "container", required=False))


# -- small helpers ------------------------------------------------------------------------------------------------


def _text(view: dict[str, Any], block_id: str) -> str:
    return payload.typed_text(view_value(view, block_id)).strip()


def _part(ctx: HandlerContext, name: str, **extra: object) -> str:
    return ctx.texts.part("slack/extension.j2", name, **extra)


def _modal(ctx: HandlerContext, callback_id: str, title: str, submit: str, metadata: str, blocks: list[Block]) -> Block:
    return modal(ctx.texts, callback_id, title, blocks, metadata, submit=submit)


def _text_block(ctx: HandlerContext, label: str, block_id: str, *, optional: bool, placeholder: str = "") -> Block:
    element: Block = {"type": "plain_text_input", "action_id": block_id, "multiline": True, "max_length": MAX_REASON}
    if placeholder:
        element["placeholder"] = plain_text(ctx.texts.label(placeholder))
    return input_block(block_id, ctx.texts.label(label), element, optional=optional)


def date_blocks(ctx: HandlerContext, label: str, hint: str) -> list[Block]:
    """A date written in Swedish ("15 december", "om två veckor") or picked in the calendar: the inputs read_date
    reads. `label` names the written one, `hint` goes under it."""
    typed: Block = {
        "type": "plain_text_input",
        "action_id": DATE_TEXT,
        "max_length": 80,
        "placeholder": plain_text(ctx.texts.label("new_deadline_placeholder")),
    }
    picked: Block = {"type": "datepicker", "action_id": DATE_PICKED}
    return [
        input_block(DATE_TEXT, ctx.texts.label(label), typed, optional=True, hint=hint),
        input_block(DATE_PICKED, ctx.texts.label("new_deadline_date"), picked, optional=True),
    ]


def _date_blocks(ctx: HandlerContext) -> list[Block]:
    """The new date of an anstånd."""
    return date_blocks(ctx, "new_deadline", _part(ctx, "date_hint"))


def _date_block(view: dict[str, Any]) -> str:
    """Where a refusal of the date goes: next to the text if one was written, else next to the calendar."""
    return (
        DATE_TEXT if _text(view, DATE_TEXT) or not payload.picked_date(view_value(view, DATE_PICKED)) else DATE_PICKED
    )


def read_date(
    ctx: HandlerContext, view: dict[str, Any], errors: dict[str, str], *, optional: bool = False
) -> date | None:
    """The date written or picked; both given must agree. A problem goes into `errors`, next to the field; no date
    at all is one unless `optional`."""
    picked = payload.picked_date(view_value(view, DATE_PICKED))
    text = _text(view, DATE_TEXT)
    if not text:
        if picked is None and not optional:
            errors[DATE_TEXT] = _part(ctx, "error_date_missing")
        return picked
    parsed = parse_swedish_date(text, today=ctx.service.today(), tz=ctx.service.config.tz)
    if parsed is None:
        errors[DATE_TEXT] = _part(ctx, "error_date_unparseable", text=text)
    elif picked is not None and picked != parsed:
        errors[DATE_TEXT] = _part(ctx, "error_date_conflict", parsed=parsed, picked=picked)
        return None
    return parsed


def _check_length(ctx: HandlerContext, view: dict[str, Any], block_id: str, label: str, errors: dict[str, str]) -> str:
    text = _text(view, block_id)
    if len(text) > MAX_REASON:
        field = ctx.texts.label(label)
        errors[block_id] = ctx.texts.message("field_too_long", field=field, limit=MAX_REASON, length=len(text))
    return text


def coordinator_of(ctx: HandlerContext, user_id: str, case_number: str) -> Actor:
    """Only the remiss's coordinators decide anstånd and move deadlines; say so before opening a form for anyone
    else (another office's coordinator is told whose remiss it is)."""
    actor = ctx.service.actor(user_id)
    ctx.service.queries.coordinated(actor, case_number)
    return actor


def _recipient_row(ctx: HandlerContext, request: ExtensionRequest) -> tuple[Remiss, RecipientRow]:
    """The remiss and the requesting recipient as they are now."""
    overview = ctx.service.queries.overview(request.case_number)
    return overview.remiss, next(r for r in overview.rows if r.organisation.key == request.organisation_key)


def _pending(ctx: HandlerContext, request_id: int) -> ExtensionRequest:
    request = ctx.service.deadlines.extension_request(request_id)
    request.require_pending()
    return request


# -- Begär anstånd (the official) -----------------------------------------------------------------------------------
def open_request(ctx: HandlerContext, body: dict[str, Any], client: WebClient) -> None:
    """From the remiss DM, a reminder or the App Home: the form, for an official of a recipient on an open remiss."""
    target = Target.of_action(body)
    row = ctx.service.answering.answer_context(
        ctx.service.actor(acting_user(body)), target.ref.case_number, target.ref.organisation_key
    )
    row.remiss.require_open()
    intro = _part(
        ctx, "request_intro", remiss=row.remiss, organisation=row.organisation, deadline=row.recipient.deadline
    )
    reason = _text_block(ctx, "extension_reason", REASON, optional=False, placeholder="extension_reason_placeholder")
    view = _modal(
        ctx,
        ids.EXTENSION_REQUEST_VIEW,
        "title_request_extension",
        "send_request",
        target.encode(),
        [section(intro), *_date_blocks(ctx), reason],
    )
    client.views_open(trigger_id=body["trigger_id"], view=view)


def submit_request(ctx: HandlerContext, body: dict[str, Any], view: dict[str, Any]) -> Reply:
    """Check the date and the reason in the ack (errors next to the field), record the request, and tell the
    official in the same modal that it went to the coordinator."""
    target = Target.decode(view.get("private_metadata"))
    case_number, organisation_key = target.ref.case_number, target.ref.organisation_key
    errors: dict[str, str] = {}
    wanted = read_date(ctx, view, errors)
    reason = _check_length(ctx, view, REASON, "extension_reason", errors)
    if not reason and REASON not in errors:
        errors[REASON] = ctx.texts.message("field_required", field=ctx.texts.label("extension_reason"))
    try:
        if wanted is not None:  # told at once, beside a missing reason, not after it is given
            require_not_past(wanted, ctx.service.today(), "new_deadline")
    except DomainError as past:
        errors.setdefault(_date_block(view), ctx.texts.error(past))
    sent = ""
    if not errors and wanted is not None:
        try:
            actor = ctx.service.actor(acting_user(body))
            row = ctx.service.answering.answer_context(actor, case_number, organisation_key)
            ctx.service.deadlines.request_extension(actor, case_number, organisation_key, wanted, reason)
            sent = _part(ctx, "request_sent", remiss=row.remiss, requested=wanted, deadline=row.recipient.deadline)
        except DomainError as error:
            errors[_date_block(view)] = ctx.texts.error(error)
    if errors or not sent:
        return refuse(errors)
    done: Block = {
        "type": "modal",
        "title": plain_text(ctx.texts.label("title_extension_requested")),
        "close": plain_text(ctx.texts.label("close")),
        "blocks": [section(sent)],
    }
    return show(done)


# -- Bevilja / Bevilja annat datum / Avslå (the coordinator, in the status thread) -----------------------------------
def show_decided(ctx: HandlerContext, client: WebClient, place: RequestPlace, request: ExtensionRequest) -> None:
    """Edit the request in the status thread to say who decided what, without the buttons."""
    if not place.channel or not place.ts:
        return
    remiss, row = _recipient_row(ctx, request)
    # The same Delivery the courier renders the request from (its outbox key included), read as it is now.
    delivery = Delivery(
        message=OutboxMessage(
            key=f"extension-request:{request.id}",
            kind=MessageKind.EXTENSION_REQUEST,
            case_number=request.case_number,
            created_at=request.requested_at,
            organisation_key=request.organisation_key,
        ),
        remiss=remiss,
        sender_name=ctx.service.directory.sender_name(remiss),
        today=ctx.service.today(),
        organisation=row.organisation,
        recipient=row.recipient,
        request=request,
    )
    text, blocks = extension_request_message(ctx.texts, delivery)
    edit_message(client, place.channel, place.ts, text, blocks, "Request message")


def grant(ctx: HandlerContext, body: dict[str, Any], client: WebClient) -> None:
    """Bevilja: the date asked for. A second click finds it decided, shows that, and says so."""
    place = RequestPlace.of_action(body)
    try:
        decided = ctx.service.deadlines.decide_extension(
            ctx.service.actor(acting_user(body)), place.request_id, grant=True
        )
    except DomainError as error:
        if error.code is ErrorCode.REQUEST_ALREADY_DECIDED:
            show_decided(ctx, client, place, ctx.service.deadlines.extension_request(place.request_id))
        raise
    show_decided(ctx, client, place, decided)


def _decision_context(ctx: HandlerContext, request: ExtensionRequest) -> dict[str, Any]:
    remiss, row = _recipient_row(ctx, request)
    return {"remiss": remiss, "organisation": row.organisation, "deadline": row.recipient.deadline}


def open_grant_other_date(ctx: HandlerContext, body: dict[str, Any], client: WebClient) -> None:
    place = RequestPlace.of_action(body)
    request = _pending(ctx, place.request_id)
    coordinator_of(ctx, acting_user(body), request.case_number)
    intro = _part(ctx, "grant_other_intro", request=request, **_decision_context(ctx, request))
    view = _modal(
        ctx,
        ids.GRANT_OTHER_DATE_VIEW,
        "title_grant_other_date",
        "grant_extension",
        place.encode(),
        [section(intro), *_date_blocks(ctx)],
    )
    client.views_open(trigger_id=body["trigger_id"], view=view)


def submit_grant_other_date(
    ctx: HandlerContext, body: dict[str, Any], view: dict[str, Any], client: WebClient
) -> Reply:
    """Grant the date chosen: later than the recipient's deadline now, and not in the past."""
    place = RequestPlace.decode(view.get("private_metadata"))
    errors: dict[str, str] = {}
    granted = read_date(ctx, view, errors)
    decided: ExtensionRequest | None = None
    if not errors and granted is not None:
        try:
            request = ctx.service.deadlines.extension_request(place.request_id)
            current = _decision_context(ctx, request)
            if granted <= current["deadline"]:
                errors[_date_block(view)] = _part(ctx, "error_grant_not_later", **current)
            else:
                actor = ctx.service.actor(acting_user(body))
                decided = ctx.service.deadlines.decide_extension(actor, place.request_id, grant=True, deadline=granted)
        except DomainError as error:
            errors[_date_block(view)] = ctx.texts.error(error)
    return _decided(ctx, client, place, decided, errors)


def _decided(
    ctx: HandlerContext,
    client: WebClient,
    place: RequestPlace,
    decided: ExtensionRequest | None,
    errors: dict[str, str],
) -> Reply:
    """The refusals next to their fields, or the modal closed and the request in the thread shown decided."""
    if errors or decided is None:
        return refuse(errors)
    return close(lambda: show_decided(ctx, client, place, decided))


def open_refuse(ctx: HandlerContext, body: dict[str, Any], client: WebClient) -> None:
    place = RequestPlace.of_action(body)
    request = _pending(ctx, place.request_id)
    coordinator_of(ctx, acting_user(body), request.case_number)
    intro = _part(ctx, "refuse_intro", request=request, **_decision_context(ctx, request))
    note = _text_block(ctx, "refuse_note", NOTE, optional=True)
    view = _modal(
        ctx, REFUSE_EXTENSION_VIEW, "title_refuse_extension", "refuse_extension", place.encode(), [section(intro), note]
    )
    client.views_open(trigger_id=body["trigger_id"], view=view)


def submit_refuse(ctx: HandlerContext, body: dict[str, Any], view: dict[str, Any], client: WebClient) -> Reply:
    place = RequestPlace.decode(view.get("private_metadata"))
    errors: dict[str, str] = {}
    note = _check_length(ctx, view, NOTE, "refuse_note", errors)
    decided: ExtensionRequest | None = None
    if not errors:
        try:
            actor = ctx.service.actor(acting_user(body))
            decided = ctx.service.deadlines.decide_extension(actor, place.request_id, grant=False, note=note)
        except DomainError as error:
            errors[NOTE] = ctx.texts.error(error)
    return _decided(ctx, client, place, decided, errors)


# -- Ändra svarsdatum (the coordinator, on the status message) -------------------------------------------------------
def open_change_deadline(ctx: HandlerContext, body: dict[str, Any], client: WebClient) -> None:
    case_number = payload.action_value(body)
    coordinator_of(ctx, acting_user(body), case_number)
    remiss = ctx.service.queries.overview(case_number).remiss
    remiss.require_open()
    intro = _part(ctx, "change_deadline_intro", remiss=remiss)
    reason = _text_block(ctx, "change_deadline_reason", REASON, optional=True)
    view = _modal(
        ctx,
        ids.CHANGE_DEADLINE_VIEW,
        "title_change_deadline",
        "save",
        json.dumps({"case_number": case_number}),
        [section(intro), *_date_blocks(ctx), reason],
    )
    client.views_open(trigger_id=body["trigger_id"], view=view)


def submit_change_deadline(ctx: HandlerContext, body: dict[str, Any], view: dict[str, Any]) -> Reply:
    """Move the deadline for everyone; a date in the past or the same date is refused next to the field. The
    status message and its thread show the change; recipients who have not answered are told."""
    case_number = payload.string(
        payload.json_object(view.get("private_metadata"), "metadata"), "case_number", "metadata"
    )
    errors: dict[str, str] = {}
    new_deadline = read_date(ctx, view, errors)
    reason = _check_length(ctx, view, REASON, "change_deadline_reason", errors)
    if not errors and new_deadline is not None:
        try:
            ctx.service.deadlines.change_deadline(
                ctx.service.actor(acting_user(body)), case_number, new_deadline, reason
            )
        except DomainError as error:
            errors[_date_block(view)] = ctx.texts.error(error)
    if errors or new_deadline is None:
        return refuse(errors)
    return close()


def register(app: App, ctx: HandlerContext) -> None:
    """Listeners for asking for, deciding on and moving deadlines."""

    on_action(app, ctx, ids.REQUEST_EXTENSION, lambda body, client, respond: open_request(ctx, body, client))

    on_view(app, ctx, ids.EXTENSION_REQUEST_VIEW, lambda body, view, client: submit_request(ctx, body, view))

    on_action(app, ctx, ids.GRANT_EXTENSION, lambda body, client, respond: grant(ctx, body, client))

    on_action(app, ctx, ids.GRANT_OTHER_DATE, lambda body, client, respond: open_grant_other_date(ctx, body, client))

    on_view(
        app,
        ctx,
        ids.GRANT_OTHER_DATE_VIEW,
        lambda body, view, client: submit_grant_other_date(ctx, body, view, client),
    )

    on_action(app, ctx, ids.REFUSE_EXTENSION, lambda body, client, respond: open_refuse(ctx, body, client))

    on_view(app, ctx, REFUSE_EXTENSION_VIEW, lambda body, view, client: submit_refuse(ctx, body, view, client))

    on_action(app, ctx, ids.CHANGE_DEADLINE, lambda body, client, respond: open_change_deadline(ctx, body, client))

    on_view(app, ctx, ids.CHANGE_DEADLINE_VIEW, lambda body, view, client: submit_change_deadline(ctx, body, view))
