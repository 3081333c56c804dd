"""A yttrande dropped in the remiss's DM thread: the bot fetches and stores each file with the draft, reads it,
and says in the thread what it found, with *Använd som svar* to open the answer form prefilled from the draft.

Files the official shares in a remiss's thread are theirs to answer with: the same rule as answers written
there (handlers/chat.py) decides who may. Files outside any thread from a coordinator are the import offer's
(handlers/create); this module gets every other file in the bot's DM.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from slack_bolt import App, BoltContext
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.adapters.importer.ocr import expected_seconds
from bot.core.domain.answer_document import SplitKind
from bot.core.domain.answer_reading import DocumentRead, filled_questions, with_documents
from bot.core.domain.documents import stored_attachment
from bot.core.domain.errors import DomainError
from bot.core.domain.remiss import Attachment, ResponseContent, ResponseKind
from bot.core.ports.store import StoreUnavailable
from bot.core.usecases.answering import Document
from bot.core.usecases.results import AssignmentRow
from handlers import ids, payload
from handlers.answer import open_form, refresh_remiss_message, require_answerable
from handlers.answer_files import fetch_slack_file
from handlers.answer_reading import Answering, decision_details, read_documents
from handlers.answer_views import FormPlace, stored_content
from handlers.blocks import Block, sections_from_lines
from handlers.context import HandlerContext, event_id
from handlers.listening import on_action, on_event
from handlers.remiss_blocks import button

log = logging.getLogger(__name__)

TEMPLATE = "slack/answer_file.j2"


@dataclass(frozen=True)
class Reply:
    text: str
    blocks: list[Block]
    stored: bool = False  # the event was marked handled with the draft it changed: post as is


def is_file_for_an_answer(event: Mapping[str, Any], context: BoltContext) -> bool:
    """Files a person shared in their DM with the bot (an edit or deletion of such a message is not a share)."""
    user = event.get("user")
    return bool(
        event.get("channel_type") == "im"
        and payload.shared_files(event)
        and event.get("subtype") in (None, "file_share")
        and not event.get("bot_id")
        and user
        and user != context.bot_user_id
    )


def _render(ctx: HandlerContext, part: str, **params: Any) -> str:
    return ctx.texts.part(TEMPLATE, part, **params)


def _reply(ctx: HandlerContext, lines: Sequence[str], *, stored: bool = False, extra: Sequence[Block] = ()) -> Reply:
    text = "\n".join(line for line in lines if line.strip())
    return Reply(text, [*sections_from_lines(text.splitlines()), *extra], stored)


def _files(event: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    return [f for f in payload.shared_files(event) if f.get("id")]


def _fetch_all(
    ctx: HandlerContext, client: WebClient, files: Sequence[Mapping[str, Any]], case_number: str, organisation_key: str
) -> tuple[list[Attachment], list[Document], list[str]]:
    """Each file fetched and checked (PDF or DOCX, the size limit); refusals said in Swedish, per file."""
    attachments: list[Attachment] = []
    documents: list[Document] = []
    refusals: list[str] = []
    for file in files:
        file_id = str(file["id"])
        name = str(file.get("name") or file.get("title") or file_id)
        try:
            document, data = fetch_slack_file(ctx, client, file_id, name, case_number, organisation_key)
        except DomainError as refused:
            refusals.append(ctx.texts.error(refused))
            continue
        url = str(file.get("permalink") or file.get("url_private") or "")
        attachments.append(stored_attachment(Attachment(file_id, document.name, url), document))
        documents.append((document, data))
    return attachments, documents, refusals


def store_documents(
    ctx: HandlerContext,
    client: WebClient,
    user_id: str,
    found: tuple[str, str],
    files: Sequence[Mapping[str, Any]],
    event_id: str | None,
    on_ocr: Callable[[str, int], None] | None = None,
) -> Reply | None:
    """Fetch, store and read the files into the recipient's draft; what was found, or why nothing was stored.
    None when an earlier delivery of the event stored them (and replied) already."""
    case_number, organisation_key = found
    actor = ctx.service.actor(user_id)
    row = ctx.service.answering.answer_context(actor, case_number, organisation_key)
    require_answerable(row)
    attachments, documents, refusals = _fetch_all(ctx, client, files, case_number, organisation_key)
    if not documents:
        return _reply(ctx, [_render(ctx, "refused", refusals=refusals), _render(ctx, "nothing_stored")])
    before = stored_content(row.recipient) or ResponseContent(kind=ResponseKind.YTTRANDE)
    # Read against the draft as it is now; the use case puts the reading into the draft as it is when stored.
    reading = read_documents(row.remiss, with_documents(before, attachments, (), ()), documents, on_ocr=on_ocr)
    recipient = ctx.service.answering.add_documents_to_draft(
        actor, case_number, organisation_key, reading.read, documents, event_id=event_id
    )
    if recipient is None:
        return None
    after = recipient.draft.content if recipient.draft else before
    try:
        return _found_reply(ctx, row, reading.read, filled_questions(before, after), refusals)
    except Exception:  # stored and committed: say that much rather than "not saved"
        log.exception("Stored documents for %s/%s, but could not describe them", case_number, organisation_key)
        return _reply(ctx, [_render(ctx, "stored", organisation=row.organisation, count=len(documents))], stored=True)


def _found_reply(
    ctx: HandlerContext, row: AssignmentRow, reads: Sequence[DocumentRead], filled: Sequence[int], refusals: list[str]
) -> Reply:
    lines = [_render(ctx, "stored", organisation=row.organisation, count=len(reads))]
    answering = Answering(row.remiss, row.organisation, ctx.service.directory.directory())
    for read in reads:
        lines.append(_render(ctx, "document", doc=_described(read, filled)))
        if read.split is not None:
            lines.append(_render(ctx, "offers", found=decision_details(ctx.texts, read, answering)))
    if refusals:
        lines.append(_render(ctx, "refused", refusals=refusals))
    lines.append(_render(ctx, "next_step"))
    ref = ids.RecipientRef(row.remiss.case_number, row.organisation.key).encode()
    use = button(ctx.texts, "use_document_as_answer", ids.USE_DOCUMENT_AS_ANSWER, ref, style="primary")
    return _reply(ctx, lines, stored=True, extra=[{"type": "actions", "block_id": "use_document", "elements": [use]}])


def _described(read: DocumentRead, filled: Sequence[int]) -> dict[str, Any]:
    """What the template says about one document."""
    split = read.split
    if split is None:
        return {"name": read.attachment.name, "unreadable": read.unreadable or "failed"}
    found = [n for n, text in sorted(split.sections.items()) if text.strip()]
    return {
        "name": read.attachment.name,
        "unreadable": "",
        "kind": split.kind.value if split.kind is not SplitKind.BY_QUESTION or found else SplitKind.WHOLE.value,
        "filled": [n for n in found if n in filled],
        "kept": [n for n in found if n not in filled],
        "missing": list(split.missing),
        "headings": list(split.unmatched_headings[:5]),
        "ocr_pages": list(read.ocr_pages),
    }


def _reply_to(
    ctx: HandlerContext,
    client: WebClient,
    event: Mapping[str, Any],
    user_id: str,
    event_id: str | None,
    scans: _ScanNotices,
) -> tuple[str, Reply | None]:
    """Where to reply (a thread's ts) and what: what was found, a refusal, a hint, or nothing."""
    channel, thread_ts = str(event["channel"]), event.get("thread_ts")
    found = ctx.service.delivery.recipient_of_message(channel, str(thread_ts)) if thread_ts else None
    if found is None:
        # Not in a remiss's thread: only someone with remisses to answer is told where a yttrande goes.
        if not ctx.service.queries.assignments(ctx.service.actor(user_id)):
            return "", None
        return str(thread_ts or event["ts"]), _reply(ctx, [_render(ctx, "outside_remiss_thread")])
    try:
        return str(thread_ts), store_documents(ctx, client, user_id, found, _files(event), event_id, scans.reading)
    except DomainError as error:
        log.info("Refused documents for %s/%s: %s", *found, error)
        return str(thread_ts), _reply(ctx, [ctx.texts.error(error), _render(ctx, "nothing_stored")])


class _ScanNotices:
    """A scanned yttrande takes seconds a page to read: the thread is told at once, and the reply with what
    was found takes the notice's place. Best effort: the reading goes on if Slack refuses."""

    def __init__(self, ctx: HandlerContext, client: WebClient, channel: str, thread_ts: str) -> None:
        self._ctx, self._client, self._channel, self._thread_ts = ctx, client, channel, thread_ts
        self._posted: list[str] = []

    def reading(self, name: str, pages: int) -> None:
        text = _render(self._ctx, "reading_scan", name=name, pages=pages, seconds=expected_seconds(pages))
        try:
            posted = self._client.chat_postMessage(channel=self._channel, thread_ts=self._thread_ts, text=text)
        except SlackApiError as error:
            log.warning("Could not say in %s that a scan is read: %s", self._channel, error.response.get("error"))
            return
        self._posted.append(str(posted["ts"]))

    def replaced(self) -> str | None:
        """The notice the reply takes the place of (None: post the reply); other notices say they are done."""
        if not self._posted:
            return None
        first, *others = self._posted
        for ts in others:
            try:
                self._client.chat_update(channel=self._channel, ts=ts, text=_render(self._ctx, "read_scan"))
            except SlackApiError as error:
                log.warning("Could not update the scan notice %s: %s", ts, error.response.get("error"))
        self._posted = []
        return first


def document_shared(ctx: HandlerContext, event: dict[str, Any], client: WebClient, event_id: str | None) -> None:
    """Files shared in the bot's DM: in a remiss's thread they join the draft, and the thread is told what
    was found. Slack's event `event_id` is handled once."""
    channel, user_id = str(event["channel"]), str(event["user"])
    scans = _ScanNotices(ctx, client, channel, str(event.get("thread_ts") or event["ts"]))
    try:
        thread_ts, reply = _reply_to(ctx, client, event, user_id, event_id, scans)
    except Exception as error:
        unavailable = isinstance(error, StoreUnavailable)
        if unavailable:
            log.warning("Could not store documents from %s in %s: %s", user_id, channel, error)
        else:
            log.exception("Could not store documents from %s in %s", user_id, channel)
        message = _render(ctx, "not_saved", unavailable=unavailable)
        _post(client, channel, str(event.get("thread_ts") or event["ts"]), _reply(ctx, [message]), scans.replaced())
        return
    notice = scans.replaced()
    if reply is None:
        if notice is not None:  # an earlier delivery replied: the notice only says the reading is done
            _post(client, channel, thread_ts, _reply(ctx, [_render(ctx, "read_scan")]), notice)
        return
    if reply.stored:
        _post(client, channel, thread_ts, reply, notice)
        _refresh(ctx, client, channel, thread_ts, user_id)
        return
    try:
        ctx.service.edge.once(event_id, lambda: _send(client, channel, thread_ts, reply, notice))
    except SlackApiError as error:  # the event stays unhandled: a delivery of it again replies
        log.warning("Could not reply to %s in %s: %s", user_id, channel, error.response.get("error"))
    except StoreUnavailable:  # the event could not be marked handled: reply anyway rather than stay silent
        _post(client, channel, thread_ts, reply, notice)


def _send(client: WebClient, channel: str, thread_ts: str, reply: Reply, notice: str | None = None) -> None:
    """The reply in the thread, in place of the notice that a scan is being read when there is one."""
    if notice is not None:
        client.chat_update(channel=channel, ts=notice, text=reply.text, blocks=reply.blocks)
    else:
        client.chat_postMessage(channel=channel, thread_ts=thread_ts, text=reply.text, blocks=reply.blocks)


def _post(client: WebClient, channel: str, thread_ts: str, reply: Reply, notice: str | None = None) -> None:
    """Post in the thread; if Slack refuses, log it (there is no other way to reach the official)."""
    try:
        _send(client, channel, thread_ts, reply, notice)
    except SlackApiError as error:
        log.warning("Could not reply in %s: %s", channel, error.response.get("error"))


def _refresh(ctx: HandlerContext, client: WebClient, channel: str, thread_ts: str, user_id: str) -> None:
    """The remiss message shows the saved draft; best effort (the draft is stored)."""
    try:
        found = ctx.service.delivery.recipient_of_message(channel, thread_ts)
        if found is None:
            return
        ref = ids.RecipientRef(*found)
        row = ctx.service.answering.answer_context(ctx.service.actor(user_id), ref.case_number, ref.organisation_key)
        refresh_remiss_message(ctx, client, FormPlace(ref, channel, thread_ts), row)
    except Exception:
        log.exception("The remiss message of %s was not refreshed after documents were stored", thread_ts)


def form_notice(ctx: HandlerContext, content: ResponseContent) -> str | None:
    """At the top of the form *Använd som svar* opens: which documents the text comes from, to check."""
    names = [a.name for a in content.attachments if a.text.strip() or a.unreadable]
    return _render(ctx, "form_notice", names=names) if names else None


def register(app: App, ctx: HandlerContext) -> None:
    """Files in the DM (before chat's catch-all message listener), and *Använd som svar*."""

    def shared(body: dict[str, Any], event: dict[str, Any], client: WebClient) -> None:
        document_shared(ctx, event, client, event_id(body))

    on_event(app, ctx, "message", shared, matchers=[lambda event, context: is_file_for_an_answer(event, context)])
    on_action(
        app,
        ctx,
        ids.USE_DOCUMENT_AS_ANSWER,
        lambda body, client, respond: open_form(ctx, body, client, respond, lambda c: form_notice(ctx, c)),
    )
