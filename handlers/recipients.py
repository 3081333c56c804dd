"""Recipients after sending, for the coordinator: *Lägg till remissinstans* (a modal from the status message or
the App Home) and *Skicka igen* (a directory's offer in the status thread, or the status message's select)."""

from __future__ import annotations

import json
from typing import Any

from slack_bolt import App, Respond
from slack_sdk import WebClient

from bot.core.domain.errors import DomainError
from bot.core.domain.organisation import Organisation
from bot.core.domain.remiss import Remiss
from bot.core.usecases.recipients import AddedRecipient
from handlers import ids, payload
from handlers.blocks import (
    OPTION_TEXT_LIMIT,
    Block,
    acting_user,
    context,
    input_block,
    modal,
    plain_text,
    section,
    view_value,
)
from handlers.context import HandlerContext
from handlers.errors import edit_message, tell_user
from handlers.extensions import DATE_TEXT, coordinator_of, date_blocks, read_date
from handlers.listening import Reply, on_action, on_view, refuse, show

ORGANISATION = "organisation"
# A static select offers at most 100 options.
MAX_OPTIONS = 100


def _part(ctx: HandlerContext, name: str, **extra: object) -> str:
    return ctx.texts.part("slack/recipients.j2", name, **extra)


def add_recipient_view(ctx: HandlerContext, remiss: Remiss, choices: tuple[Organisation, ...]) -> Block:
    """Which organisation (from the directory, not already on the remiss), and optionally its own deadline."""
    metadata = json.dumps({"case_number": remiss.case_number})
    if not choices:
        return modal(
            ctx.texts,
            ids.ADD_RECIPIENT_VIEW,
            "title_add_recipient",
            [section(_part(ctx, "nothing_to_add", remiss=remiss))],
            metadata,
        )
    options = [{"text": plain_text(o.name, OPTION_TEXT_LIMIT), "value": o.key} for o in choices[:MAX_OPTIONS]]
    picker: Block = {
        "type": "static_select",
        "action_id": ORGANISATION,
        "options": options,
        "placeholder": plain_text(ctx.texts.label("add_recipient_organisation_placeholder")),
    }
    blocks = [
        section(_part(ctx, "add_intro", remiss=remiss)),
        input_block(ORGANISATION, ctx.texts.label("add_recipient_organisation"), picker),
        *_deadline_blocks(ctx, remiss),
    ]
    return modal(
        ctx.texts, ids.ADD_RECIPIENT_VIEW, "title_add_recipient", blocks, metadata, submit="add_recipient_submit"
    )


def _deadline_blocks(ctx: HandlerContext, remiss: Remiss) -> list[Block]:
    """Its own deadline, written in Swedish or picked, both optional (the inputs Ändra svarsdatum reads)."""
    return date_blocks(ctx, "add_recipient_deadline", _part(ctx, "deadline_hint", remiss=remiss))


def open_add_recipient(ctx: HandlerContext, body: dict[str, Any], client: WebClient) -> None:
    case_number = payload.action_value(body)
    remiss, choices = ctx.service.recipients.addable(coordinator_of(ctx, acting_user(body), case_number), case_number)
    client.views_open(trigger_id=body["trigger_id"], view=add_recipient_view(ctx, remiss, choices))


def submit_add_recipient(ctx: HandlerContext, body: dict[str, Any], view: dict[str, Any]) -> Reply:
    """Add the organisation; refusals go next to their field. Afterwards the modal says what happened, with the
    short-window warning the create form gives when the answering window calls for it."""
    case_number = payload.string(
        payload.json_object(view.get("private_metadata"), "metadata"), "case_number", "metadata"
    )
    actor = ctx.service.actor(acting_user(body))
    # Any organisation in the directory: one added meanwhile (by a colleague) is refused by name, not as forged.
    known = [o.key for o in ctx.service.directory.directory()]
    organisation_key = payload.picked_option(view_value(view, ORGANISATION), known)
    errors: dict[str, str] = {}
    deadline = read_date(ctx, view, errors, optional=True)
    if organisation_key is None:
        errors[ORGANISATION] = ctx.texts.message("field_required", field=ctx.texts.label("add_recipient_organisation"))
    if errors or organisation_key is None:
        return refuse(errors)
    try:
        added = ctx.service.recipients.add_recipient(actor, case_number, organisation_key, deadline)
    except DomainError as error:
        return refuse({DATE_TEXT if error.field == "deadline" else ORGANISATION: ctx.texts.error(error)})
    return show(added_view(ctx, added))


def added_view(ctx: HandlerContext, added: AddedRecipient) -> Block:
    lines = [_part(ctx, "added", remiss=added.remiss, organisation=added.organisation, recipient=added.recipient)]
    window = added.window
    if window.short or window.spans_christmas or window.spans_summer:
        threshold = ctx.service.config.short_window_days
        lines.append(ctx.texts.part("slack/create_draft.j2", "window", window=window, threshold=threshold))
    return modal(ctx.texts, "remissbot_notice", "title_add_recipient", [section(line) for line in lines], "")


def resend(
    ctx: HandlerContext, body: dict[str, Any], ref: ids.RecipientRef, client: WebClient, respond: Respond
) -> None:
    """Skicka igen; the coordinator is told who got it where they clicked (the status thread ephemerally, the App
    Home in a DM). A refusal is told in Swedish by the error handler."""
    user_id = acting_user(body)
    again = ctx.service.recipients.resend(
        coordinator_of(ctx, user_id, ref.case_number), ref.case_number, ref.organisation_key
    )
    tell_user(body, _part(ctx, "resent", organisation=again.organisation, sent_to=again.sent_to), respond, client)
    if payload.action(body).get("action_id") == ids.RESEND:
        _mark_offer_done(ctx, body, client, user_id)


def _mark_offer_done(ctx: HandlerContext, body: dict[str, Any], client: WebClient, user_id: str) -> None:
    """The directory's offer in the status thread keeps its text; its button gives way to who sent it, when."""
    container = payload.mapping(body.get("container") or {}, "container")
    message = payload.mapping(body.get("message") or {}, "message")
    channel = payload.string(container, "channel_id", "container", required=False)
    ts = payload.string(container, "message_ts", "container", required=False)
    if container.get("type") != "message" or not channel or not ts:
        return
    kept = [b for b in message.get("blocks") or [] if isinstance(b, dict) and b.get("type") != "actions"]
    done = _part(ctx, "offer_done", by=user_id, at=ctx.service.now())
    edit_message(client, channel, ts, str(message.get("text") or done), [*kept, context(done)], "The offer")


def picked_ref(body: dict[str, Any]) -> ids.RecipientRef:
    """The recipient chosen in the status message's *Skicka igen till …* select."""
    option = payload.mapping(payload.action(body).get("selected_option"), "selected_option")
    return ids.RecipientRef.decode(payload.string(option, "value", "selected_option"))


def register(app: App, ctx: HandlerContext) -> None:
    """Listeners for adding a recipient and sending again."""

    on_action(app, ctx, ids.ADD_RECIPIENT, lambda body, client, respond: open_add_recipient(ctx, body, client))

    on_view(app, ctx, ids.ADD_RECIPIENT_VIEW, lambda body, view, client: submit_add_recipient(ctx, body, view))

    on_action(
        app,
        ctx,
        ids.RESEND,
        lambda body, client, respond: resend(
            ctx, body, ids.RecipientRef.decode(payload.action_value(body)), client, respond
        ),
    )

    on_action(
        app,
        ctx,
        ids.RESEND_PICK,
        lambda body, client, respond: resend(ctx, body, picked_ref(body), client, respond),
    )
