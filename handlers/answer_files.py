"""The files an official attaches in the answer form, fetched from Slack and made ready to store.

Each new file is looked up (`files.info`) and its `url_private` downloaded with the bot token, only from
Slack's file host and never along a redirect (handlers/slack_urls.py). What may be attached (PDF or DOCX, up to
the size limit) is the domain's rule (bot/core/domain/documents.py). A refused file is dropped from the answer
with a Swedish reason; everything else the form holds is kept.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.core.domain.documents import (
    FIELD,
    accepted_type,
    check_size,
    document_of,
    stored_attachment,
    too_large,
)
from bot.core.domain.errors import DomainError, ErrorCode
from bot.core.domain.remiss import Attachment, ResponseContent
from bot.core.usecases.answering import Document
from handlers.context import HandlerContext
from handlers.slack_urls import FileRefused, FileTooLarge, download_slack_file

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class FetchedFiles:
    """The form's content with its new files fetched: those stored carry their sha256, refused ones are gone
    (`refusals` says why, in Swedish), and `documents` holds the bytes to store with the answer."""

    content: ResponseContent
    documents: tuple[Document, ...] = ()
    refusals: tuple[str, ...] = ()


def new_files(content: ResponseContent) -> list[Attachment]:
    """Files the bot has no copy of yet: uploaded in the form since it was last saved."""
    return [a for a in content.attachments if not a.is_stored]


def fetch_new_files(
    ctx: HandlerContext, client: WebClient, content: ResponseContent, case_number: str, organisation_key: str
) -> FetchedFiles:
    """Fetch every file the bot has no copy of yet; slow (a download each), so never inside an ack."""
    attachments: list[Attachment] = []
    documents: list[Document] = []
    refusals: list[str] = []
    for attachment in content.attachments:
        if attachment.is_stored:
            attachments.append(attachment)
            continue
        try:
            document, data = fetch_slack_file(
                ctx, client, attachment.file_id, attachment.name, case_number, organisation_key
            )
        except DomainError as refused:
            refusals.append(ctx.texts.error(refused))
            continue
        attachments.append(stored_attachment(replace(attachment, name=document.name), document))
        documents.append((document, data))
    return FetchedFiles(replace(content, attachments=tuple(attachments)), tuple(documents), tuple(refusals))


def fetch_slack_file(
    ctx: HandlerContext, client: WebClient, file_id: str, name: str, case_number: str, organisation_key: str
) -> Document:
    """One Slack file (by its id; `name` as the message or form gave it) fetched with the bot token and made
    ready to store; a DomainError, in Swedish, for a file refused or not fetched."""
    limit = ctx.service.config.max_document_bytes
    accepted_type(name)  # a DOC, ODT or RTF is refused before anything is fetched
    try:
        file: Mapping[str, Any] = client.files_info(file=file_id)["file"]
    except SlackApiError as error:
        log.warning("Could not look up file %s: %s", file_id, error.response.get("error"))
        raise _not_fetched(name) from error
    name = str(file.get("name") or name)
    accepted_type(name)
    if isinstance(file.get("size"), int):
        check_size(name, file["size"], limit)
    url = str(file.get("url_private_download") or file.get("url_private") or "")
    try:
        data = download_slack_file(url, str(client.token or ""), max_bytes=limit, api_base_url=ctx.slack_api_url)
    except FileRefused as refused:
        log.warning("Refused to fetch %s with the bot token: %s", name, refused)
        raise DomainError(ErrorCode.DOCUMENT_NOT_FROM_SLACK, field=FIELD, name=name) from refused
    except FileTooLarge as error:
        raise too_large(name, limit) from error
    except (OSError, ValueError) as error:
        log.warning("Could not download %s: %s", name, error)
        raise _not_fetched(name) from error
    document = document_of(
        name, data, case_number=case_number, organisation_key=organisation_key, at=ctx.service.now(), max_bytes=limit
    )
    return document, data


def _not_fetched(name: str) -> DomainError:
    return DomainError(ErrorCode.DOCUMENT_NOT_FETCHED, field=FIELD, name=name)
