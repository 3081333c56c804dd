"""A remiss from a document: the file a coordinator sends or picks is downloaded with the bot token, read by the
importer, and the form filled with what it found."""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

from slack_bolt import BoltContext
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.adapters.importer import MAX_FILE_BYTES, DocumentError, ImportedRemiss, import_file
from bot.adapters.importer.ocr import expected_seconds
from bot.adapters.importer.wording import default_wording
from bot.core.domain.errors import DomainError, ErrorCode
from bot.core.domain.organisation import Directory
from handlers import payload
from handlers.blocks import Block, section
from handlers.context import HandlerContext
from handlers.create.codec import MAX_LENGTH, FormContext, FormValues
from handlers.create.views import CREATE_FROM_DOCUMENT, IMPORT_FORMATS, form_text, form_view, new_form
from handlers.remiss_blocks import button
from handlers.slack_urls import FileRefused, download_slack_file

log = logging.getLogger(__name__)


def offer_import(ctx: HandlerContext, client: WebClient, event: dict[str, Any]) -> None:
    """A coordinator sent the bot a file: offer to make a remiss of it."""
    files = payload.shared_files(event)
    usable = next((f for f in files if _suffix(str(f.get("name", ""))) in IMPORT_FORMATS), None)
    channel = str(event["channel"])
    if usable is None:
        name = str(files[0].get("name", "")) if files else ""
        text = ctx.texts.part("slack/create_draft.j2", "unsupported_file", name=name)
        client.chat_postMessage(channel=channel, text=text)
        return
    text = ctx.texts.part("slack/create_draft.j2", "offer_import", name=str(usable.get("name", "")))
    actions: Block = {
        "type": "actions",
        "block_id": "offer_import",
        "elements": [
            button(ctx.texts, "create_from_document", CREATE_FROM_DOCUMENT, str(usable["id"]), style="primary")
        ],
    }
    client.chat_postMessage(channel=channel, text=text, blocks=[section(text), actions])


def create_from_document(ctx: HandlerContext, client: WebClient, body: dict[str, Any]) -> None:
    """Skapa remiss under a shared file: the form opens at once, then fills in as the document is read."""
    user_id = str(body["user"]["id"])
    if not ctx.service.actor(user_id).is_coordinator:
        raise DomainError(ErrorCode.NOT_COORDINATOR)
    file_id = payload.action_value(body)
    form = new_form(ctx, user_id)
    reading = form_text(ctx, "reading_document")
    view = form_view(ctx, ctx.service.directory.directory(), FormValues(contact_user=user_id), form, banner=reading)
    opened = client.views_open(trigger_id=body["trigger_id"], view=view)
    try:
        file = client.files_info(file=file_id)["file"]
    except SlackApiError as error:
        log.warning("Could not look up file %s: %s", file_id, error.response.get("error"))
        failed = form_text(ctx, "import_failed", message=form_text(ctx, "error_download", name=file_id))
        update_form(ctx, client, str(opened["view"]["id"]), FormValues(contact_user=user_id), form, [failed])
        return
    fill_form_from_document(ctx, client, str(opened["view"]["id"]), form, file, contact_user=user_id)


def fill_form_from_document(
    ctx: HandlerContext,
    client: WebClient,
    root_view_id: str,
    form: FormContext,
    file: Mapping[str, Any],
    *,
    contact_user: str = "",
) -> None:
    """Download the file with the bot token, run the importer and fill the form with what it found."""
    name = str(file.get("name") or file.get("title") or "dokument")
    directory = ctx.service.directory.directory()

    def scanning(pages: int) -> None:
        # A scan takes seconds a page: say so at once; the result below replaces it. Same revision: whatever
        # the coordinator typed meanwhile stays in the inputs.
        note = form_text(ctx, "reading_scan", pages=pages, seconds=expected_seconds(pages))
        update_form(ctx, client, root_view_id, FormValues(contact_user=contact_user), form, [note])

    try:
        found = _import_from_slack(ctx, client, file, name, directory, scanning)
    except Exception as failure:
        if isinstance(failure, _ImportFailed):
            message = str(failure)
        else:  # the child crashed, or a bug: unforeseen, so logged with its trace; the form must not stay "reading"
            log.exception("The import of a document failed")
            message = default_wording().import_failed(file_name=name)
        notes = [form_text(ctx, "import_failed", message=message)]
        update_form(ctx, client, root_view_id, FormValues(contact_user=contact_user), form, notes)
        return
    contact = _user_by_email(client, found.contact.email) if found.contact and found.contact.email else ""
    values = FormValues.from_import(found, form.offices, contact or contact_user)
    notes = [form_text(ctx, "imported", name=name)]
    notes += [form_text(ctx, "import_cut", field=f, limit=MAX_LENGTH[f]) for f in values.longer_than_inputs()]
    notes += [form_text(ctx, "import_warning", message=w.message) for w in found.warnings]
    if found.unmatched_recipients:
        notes.append(form_text(ctx, "unmatched", names=list(found.unmatched_recipients)))
    update_form(ctx, client, root_view_id, values, replace(form, rev=form.rev + 1), notes)


class _ImportFailed(Exception):
    """The document could not be fetched or read; the message says why, in Swedish."""


def _import_from_slack(
    ctx: HandlerContext,
    client: WebClient,
    file: Mapping[str, Any],
    name: str,
    directory: Directory,
    on_ocr: Callable[[int], None],
) -> ImportedRemiss:
    suffix = _suffix(name)
    if suffix not in IMPORT_FORMATS:
        raise _ImportFailed(form_text(ctx, "error_unsupported_file", name=name))
    url = str(file.get("url_private_download") or file.get("url_private") or "")
    try:
        content = download_slack_file(
            url, str(client.token or ""), max_bytes=MAX_FILE_BYTES, api_base_url=ctx.slack_api_url
        )
    except FileRefused as refused:
        log.warning("Refused to fetch %s with the bot token: %s", name, refused)
        raise _ImportFailed(form_text(ctx, "error_file_host", name=name)) from refused
    except (OSError, ValueError) as error:
        log.warning("Could not download %s: %s", name, error)
        raise _ImportFailed(form_text(ctx, "error_download", name=name)) from error
    with tempfile.TemporaryDirectory(prefix="remissbot-import-") as folder:
        # Our own file name: the user's could hold a path.
        path = Path(folder) / f"dokument.{suffix}"
        path.write_bytes(content)
        try:
            return import_file(path, directory, on_ocr=on_ocr)
        except DocumentError as error:
            raise _ImportFailed(default_wording().error(error, file_name=name)) from error


def update_form(
    ctx: HandlerContext, client: WebClient, view_id: str, values: FormValues, form: FormContext, notes: list[str]
) -> None:
    try:
        client.views_update(
            view_id=view_id, view=form_view(ctx, ctx.service.directory.directory(), values, form, notes=notes)
        )
    except SlackApiError as error:  # the coordinator closed the form meanwhile
        log.info("Could not fill the form %s: %s", view_id, error.response.get("error"))


def _suffix(name: str) -> str:
    return name.rpartition(".")[2].lower() if "." in name else ""


def _user_by_email(client: WebClient, email: str) -> str:
    try:
        user = client.users_lookupByEmail(email=email)["user"]
    except SlackApiError:
        return ""  # not in Slack: the coordinator picks the contact
    return "" if user.get("deleted") else str(user.get("id") or "")


def is_document_from_coordinator(ctx: HandlerContext, event: dict[str, Any], context: BoltContext) -> bool:
    """A file a person (not a bot) sent in their DM with the bot, outside any thread (threads are answers)."""
    user = event.get("user")
    return bool(
        event.get("channel_type") == "im"
        and payload.shared_files(event)
        and not event.get("thread_ts")
        and not event.get("bot_id")
        and user
        and user != context.bot_user_id
        and ctx.service.actor(str(user)).is_coordinator
    )
