"""The create flow's listeners: /remiss ny or the shortcut opens the form, then the preview, the draft, sending."""

from __future__ import annotations

import logging
import threading
from collections.abc import Mapping
from typing import Any

from slack_bolt import App, BoltContext, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.adapters.dates import warm_up
from bot.core.domain.errors import DomainError, ErrorCode
from bot.core.domain.remiss import QuestionKind, Remiss, RemissStatus
from bot.core.usecases.results import Actor
from handlers import ids, payload
from handlers.context import HandlerContext, event_id
from handlers.create.checks import check_form, error_blocks, existing_remiss
from handlers.create.codec import (
    DOCUMENT_FILE,
    ELEMENT,
    QUESTION_KIND_CHOICES,
    TITLE,
    FormContext,
    FormValues,
    PendingForms,
    PendingRemiss,
    question_kind_block,
)
from handlers.create.documents import (
    create_from_document,
    fill_form_from_document,
    is_document_from_coordinator,
    offer_import,
)
from handlers.create.views import (
    BACK_TO_FORM,
    CREATE_FROM_DOCUMENT,
    IMPORT_DOCUMENT,
    IMPORT_VIEW,
    draft_message,
    form_text,
    form_view,
    import_view,
    new_form,
    notice_view,
    preview_view,
    sent_message,
)
from handlers.draft_blocks import draft_exists_view
from handlers.errors import tell_user
from handlers.listening import Reply, close, close_all, on_action, on_event, on_shortcut, on_view, push, refuse, show
from handlers.redraw import redraw

log = logging.getLogger(__name__)


# -- the listeners' work, as plain functions -------------------------------------------------------------
def open_new_form(
    ctx: HandlerContext,
    client: WebClient,
    trigger_id: str,
    user_id: str,
    respond: Respond | None,
    case_number: str = "",
) -> None:
    """`/remiss ny [DIARIENUMMER]` or the shortcut: the empty form at once (the case number filled in when
    given), or a refusal for someone not a coordinator. The number of a draft opens that draft; the number of a
    sent remiss says so."""
    actor = ctx.service.actor(user_id)
    if not actor.is_coordinator:
        refusal = ctx.texts.error(DomainError(ErrorCode.NOT_COORDINATOR))
        if respond is not None:
            respond(text=refusal, response_type="ephemeral")
        else:  # a global shortcut has no channel to answer in
            client.views_open(trigger_id=trigger_id, view=notice_view(ctx, refusal))
        return
    existing = existing_remiss(ctx, case_number) if case_number.strip() else None
    if existing is not None and existing.status is RemissStatus.DRAFT:
        client.views_open(trigger_id=trigger_id, view=draft_form(ctx, actor, existing.case_number))
        return
    if existing is not None and respond is not None:
        text = ctx.texts.part("slack/create_draft.j2", "remiss_exists", remiss=existing)
        respond(text=text, response_type="ephemeral")
        return
    form = new_form(ctx, user_id)
    values = FormValues(
        case_number=case_number.strip(), contact_user=user_id, sender=form.offices[0] if form.offices else ""
    )
    client.views_open(trigger_id=trigger_id, view=form_view(ctx, ctx.service.directory.directory(), values, form))


def submit_form(ctx: HandlerContext, forms: PendingForms, body: dict[str, Any], client: WebClient) -> Reply:
    """Check the form; refusals go next to their fields, else the preview replaces the form."""
    actor = ctx.service.actor(str(body["user"]["id"]))
    view = payload.view(body)
    form = FormContext.decode(view.get("private_metadata"))
    values = FormValues.from_state(payload.state_values(view), form.offices)
    if not actor.is_coordinator:
        return refuse({form.block_id(TITLE): ctx.texts.error(DomainError(ErrorCode.NOT_COORDINATOR))})
    contact_name = _user_name(client, values.contact_user) if values.contact_user else form.contact_name
    directory = ctx.service.directory.directory()
    checked = check_form(ctx, actor, values, form, directory, contact_name)
    if checked.existing_draft is not None:
        return push(draft_exists_view(ctx.texts, checked.existing_draft))
    if checked.remiss is None or checked.pending is None:
        return refuse(error_blocks(checked.errors, values, form, view))
    metadata = forms.encode(checked.pending, payload.string(view, "id", "view"))
    return show(preview_view(ctx, directory, checked.remiss, checked.pending, metadata))


def submit_preview(ctx: HandlerContext, forms: PendingForms, body: dict[str, Any], client: WebClient) -> Reply:
    """Spara utkast: store the draft (or the edit), close the modal and show the draft with its buttons."""
    user_id = str(body["user"]["id"])
    actor = ctx.service.actor(user_id)
    view = payload.view(body)
    pending = forms.decode(payload.metadata(view))
    if pending is None:
        return show(notice_view(ctx, ctx.texts.part("slack/create_preview.j2", "form_lost")))
    kinds = chosen_kinds(view, len(pending.form.question_texts()))
    try:
        data = pending.remiss_input(kinds)
        case = pending.context.editing
        remiss = (
            ctx.service.drafting.update_draft(actor, case, data)
            if case
            else ctx.service.drafting.create_draft(actor, data)
        )
    except DomainError as error:
        # Something changed since the preview (the case number was taken, midnight passed): back to the form.
        banner = f":warning: {ctx.texts.error(error)}"
        return show(form_view(ctx, ctx.service.directory.directory(), pending.form, pending.context, banner=banner))
    view_id = payload.string(view, "id", "view")
    # All of the stack: a draft opened from the notice that it exists sits over the new form it was typed in.
    return close_all(lambda: saved(ctx, forms, view_id, body, client, remiss, pending))


def chosen_kinds(view: Mapping[str, Any], count: int) -> dict[int, QuestionKind]:
    """What the coordinator chose each question to ask for in the preview; a question whose select is missing
    (a view we did not write) is fritext, and a value not offered raises TamperedPayload."""
    offered = [k.value for k in QUESTION_KIND_CHOICES]
    kinds: dict[int, QuestionKind] = {}
    for number in range(1, count + 1):
        value = payload.picked_option(payload.element(view, question_kind_block(number), ELEMENT), offered)
        if value is not None:
            kinds[number] = QuestionKind(value)
    return kinds


def saved(
    ctx: HandlerContext,
    forms: PendingForms,
    view_id: str,
    body: dict[str, Any],
    client: WebClient,
    remiss: Remiss,
    pending: PendingRemiss,
) -> None:
    """After the preview's ack: forget the kept preview, and show the draft; the draft is stored, so a failure
    to show it is told as saved, never as "not done"."""
    try:
        forms.discard(view_id)
    except Exception as error:  # best effort: kept forms are pruned after a day anyway
        log.warning("Kept preview %s not discarded: %r", view_id, error)
    try:
        show_draft(ctx, client, str(body["user"]["id"]), remiss, pending)
    except Exception as error:
        log.warning("Draft %s saved but not shown: %r", remiss.case_number, error)
        told = ctx.texts.part("slack/create_preview.j2", "draft_not_shown", case_number=remiss.case_number)
        tell_user(body, told, None, client)


def show_draft(ctx: HandlerContext, client: WebClient, user_id: str, remiss: Remiss, pending: PendingRemiss) -> None:
    """The draft message with Skicka remissen and Ändra: in place of the one being edited, or anew."""
    text, blocks = draft_message(ctx, ctx.service.directory.directory(), remiss, pending.recipients)
    if pending.context.message is not None:
        channel, ts = pending.context.message
        try:
            client.chat_update(channel=channel, ts=ts, text=text, blocks=blocks)
            return
        except SlackApiError as error:  # the old message is gone: post the draft anew
            log.info("Could not update the draft message of %s: %s", remiss.case_number, error.response.get("error"))
    client.chat_postMessage(channel=user_id, text=text, blocks=blocks, unfurl_links=False)


def back_to_form(ctx: HandlerContext, client: WebClient, body: dict[str, Any], forms: PendingForms) -> None:
    """Tillbaka in the preview: the form again, as it was filled in."""
    view = payload.view(body)
    pending = forms.decode(payload.metadata(view))
    if pending is None:
        shown = notice_view(ctx, ctx.texts.part("slack/create_preview.j2", "form_lost"))
    else:
        shown = form_view(ctx, ctx.service.directory.directory(), pending.form, pending.context)
    view_id, hash_ = payload.string(view, "id", "view"), payload.string(view, "hash", "view", required=False)
    redraw(client, view_id, shown, hash_ or None)  # a second click finds the form already back: nothing to do


def send_draft(ctx: HandlerContext, client: WebClient, body: dict[str, Any]) -> None:
    """Skicka remissen: the service sends (via the outbox); the draft message says when and to how many."""
    actor = ctx.service.actor(str(body["user"]["id"]))
    case_number = payload.action_value(body)
    report = ctx.service.drafting.send(actor, case_number)  # refusals (sent already, not coordinator) become ephemerals
    text, blocks = sent_message(ctx, report)
    container = body.get("container") or {}
    client.chat_update(channel=container["channel_id"], ts=container["message_ts"], text=text, blocks=blocks)


def edit_draft(ctx: HandlerContext, client: WebClient, body: dict[str, Any]) -> None:
    """Ändra on the draft message, or Öppna under Utkast in the App Home or on the notice that a draft with the
    typed number exists: the form filled with the draft; the case number stays. From the notice the form takes
    its place (over the form typed first); otherwise it opens anew."""
    actor = ctx.service.actor(str(body["user"]["id"]))
    container = body.get("container") or {}
    message = (str(container["channel_id"]), str(container["message_ts"])) if container.get("message_ts") else None
    view = draft_form(ctx, actor, payload.action_value(body), message)
    shown = body.get("view")
    if isinstance(shown, dict) and shown.get("type") == "modal":
        redraw(client, payload.string(shown, "id", "view"), view)
    else:
        client.views_open(trigger_id=body["trigger_id"], view=view)


def draft_form(
    ctx: HandlerContext, actor: Actor, case_number: str, message: tuple[str, str] | None = None
) -> dict[str, Any]:
    """The form filled with a stored draft (saved in Slack or imported at the command line), to change it; its
    preview's Spara utkast updates the draft and shows it with Skicka remissen (in place of `message`)."""
    ctx.service.queries.coordinated(actor, case_number)
    overview = ctx.service.queries.overview(case_number)
    remiss = overview.remiss
    remiss.require_draft()
    offices = ctx.service.drafting.sending_offices(actor)
    form = FormContext(editing=remiss.case_number, message=message, contact_name=remiss.contact, offices=offices)
    values = FormValues.from_remiss(remiss, [row.recipient.organisation_key for row in overview.rows])
    return form_view(ctx, ctx.service.directory.directory(), values, form)


def open_import(ctx: HandlerContext, client: WebClient, body: dict[str, Any]) -> None:
    """Importera från dokument: a small modal with a file picker, on top of the form."""
    view = payload.view(body)
    form = FormContext.decode(view.get("private_metadata"))
    client.views_push(trigger_id=body["trigger_id"], view=import_view(ctx, payload.string(view, "id", "view"), form))


def submit_import(ctx: HandlerContext, body: dict[str, Any], client: WebClient) -> Reply:
    """The picked file: close the picker, then read the document and fill the form under it (after the ack,
    so a failure there is told, never raised to Bolt)."""
    view = payload.view(body)
    meta = payload.json_object(payload.metadata(view) or "{}", "import metadata")
    root, form = payload.string(meta, "root", "import metadata"), FormContext.decode(meta.get("form"))
    files = payload.element(view, DOCUMENT_FILE, ELEMENT).get("files") or []
    if not isinstance(files, list) or not all(isinstance(f, dict) for f in files):
        raise payload.TamperedPayload("the import's files are not a list of files")
    if not files:
        return refuse({DOCUMENT_FILE: form_text(ctx, "error_no_file")})
    return close(lambda: fill_form_from_document(ctx, client, root, form, files[0]))


def _user_name(client: WebClient, user_id: str) -> str:
    """The name people know the contact by; Slack's profile real name, else the handle."""
    try:
        user = client.users_info(user=user_id)["user"]
    except SlackApiError as error:
        log.warning("Could not look up contact %s: %s", user_id, error.response.get("error"))
        return ""
    profile = user.get("profile") or {}
    return str(user.get("real_name") or profile.get("real_name") or user.get("name") or "")


# -- registration ----------------------------------------------------------------------------------------
def register(app: App, ctx: HandlerContext) -> None:
    """Listeners for creating, previewing, editing and sending a remiss."""
    forms = PendingForms(ctx.service)
    # dateparser's first parse costs ~120 ms; pay it now, off the request path.
    threading.Thread(target=warm_up, name="remissbot-dates-warm-up", daemon=True).start()

    def new_form(body: dict[str, Any], client: WebClient) -> None:
        open_new_form(ctx, client, str(body["trigger_id"]), str(body["user"]["id"]), None)

    def offer_once(body: dict[str, Any], event: dict[str, Any], client: WebClient) -> None:
        # A failed offer is forgotten, so Slack's next delivery of the event offers again.
        ctx.service.edge.once(event_id(body), lambda: offer_import(ctx, client, event))

    def document_matcher(event: dict[str, Any], context: BoltContext) -> bool:
        return is_document_from_coordinator(ctx, event, context)

    on_shortcut(app, ctx, ids.NEW_REMISS_SHORTCUT, new_form)
    on_view(app, ctx, ids.NEW_REMISS_VIEW, lambda body, view, client: submit_form(ctx, forms, body, client))
    on_view(app, ctx, ids.PREVIEW_VIEW, lambda body, view, client: submit_preview(ctx, forms, body, client))
    on_action(app, ctx, BACK_TO_FORM, lambda body, client, respond: back_to_form(ctx, client, body, forms))
    on_action(app, ctx, ids.SEND_DRAFT, lambda body, client, respond: send_draft(ctx, client, body))
    on_action(app, ctx, ids.EDIT_DRAFT, lambda body, client, respond: edit_draft(ctx, client, body))
    on_action(app, ctx, ids.OPEN_DRAFT, lambda body, client, respond: edit_draft(ctx, client, body))
    on_action(app, ctx, IMPORT_DOCUMENT, lambda body, client, respond: open_import(ctx, client, body))
    on_view(app, ctx, IMPORT_VIEW, lambda body, view, client: submit_import(ctx, body, client))
    on_action(app, ctx, CREATE_FROM_DOCUMENT, lambda body, client, respond: create_from_document(ctx, client, body))
    # Only files outside threads; handlers/chat.py takes the DM's text and threads.
    on_event(app, ctx, "message", offer_once, matchers=[document_matcher])
