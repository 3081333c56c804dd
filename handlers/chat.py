"""Answering in chat: "Fråga 2: …" in the remiss's DM thread joins the same draft as the form."""

from __future__ import annotations

import logging
import re
import threading
import time
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from slack_bolt import App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.core.domain.errors import DomainError
from bot.core.domain.recipient import Recipient
from bot.core.domain.remiss import Position, QuestionKind
from bot.core.ports.store import StoreUnavailable
from bot.core.usecases.results import AssignmentRow
from handlers import ids
from handlers.blocks import Block, section, sections_from_lines
from handlers.context import HandlerContext, event_id
from handlers.listening import on_action, on_event
from handlers.recipient_actions import Target
from handlers.remiss_blocks import button

log = logging.getLogger(__name__)

# "Fråga 2: …", "fråga 2 …", "*Fråga nr 2.* …" at the start of a line.
_QUESTION_PREFIX = re.compile(
    r"^[ \t*_~]*fr[åa]ga[ \t]*(?:nr\.?|nummer)?[ \t]*(\d{1,3})(?!\d)[*_~]*[ \t]*[:.)\-–—]?[*_~]*[ \t]*",
    re.IGNORECASE | re.MULTILINE,
)
# "2. …", "2: …", "2) …" at the start of a line; the space after keeps "2.5 miljoner" and "2:a" out.
_NUMBER_PREFIX = re.compile(r"^[ \t*_~]*(\d{1,3})[*_~]*[ \t]*[.:)][*_~]*(?:[ \t]+|$)", re.MULTILINE)
_LOOKS_LIKE_ANSWER = re.compile(r"^\W*fr[åa]ga\b", re.IGNORECASE)
# A double click on "Svara här i chatten" should not post the instructions twice.
DOUBLE_CLICK_SECONDS = 30.0


@dataclass(frozen=True)
class ParsedMessage:
    """What one message in a remiss thread says, question by question."""

    answers: dict[int, str] = field(default_factory=dict)  # question number -> text, in the order written
    unknown: tuple[int, ...] = ()  # numbers the remiss has no question for
    empty: tuple[int, ...] = ()  # a number with no text after it
    preamble: str = ""  # text before the first number: not an answer
    unaddressed: str = ""  # text without a number when no question is left to give it to


def slack_message_text(text: str) -> str:
    """The text a person wrote, from Slack's message encoding (which escapes &, < and >), in NFC form."""
    plain = text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    return unicodedata.normalize("NFC", plain)


def looks_like_answer(text: str) -> bool:
    """A message outside a remiss thread that is probably meant as an answer ("Fråga 2: …")."""
    return bool(_LOOKS_LIKE_ANSWER.match(text.strip())) or bool(_QUESTION_PREFIX.search(text))


def parse_answer_message(text: str, questions: Sequence[int], fallback: int | None) -> ParsedMessage:
    """Split a message into answers per question.

    Lines starting "Fråga N" begin the answer to question N; when the message has none of those, lines
    starting "N." or "N:" do (so a numbered list inside a "Fråga 1:" answer stays part of it). A message
    without any number answers `fallback`, the question the bot asked about.
    """
    body = text.strip()
    matches = list(_QUESTION_PREFIX.finditer(body)) or list(_NUMBER_PREFIX.finditer(body))
    if not matches:
        if not body:
            return ParsedMessage()
        return ParsedMessage(answers={fallback: body}) if fallback is not None else ParsedMessage(unaddressed=body)
    parts: dict[int, list[str]] = {}
    empty: list[int] = []
    for match, following in zip(matches, [*matches[1:], None], strict=True):
        number = int(match.group(1))
        answer = body[match.end() : following.start() if following else len(body)].strip()
        if answer:
            parts.setdefault(number, []).append(answer)
        elif number not in empty:
            empty.append(number)
    known = set(questions)
    numbers = [int(m.group(1)) for m in matches]
    unknown = tuple(sorted({n for n in numbers if n not in known}))
    return ParsedMessage(
        answers={n: "\n\n".join(texts) for n, texts in parts.items()},
        unknown=unknown,
        empty=tuple(n for n in empty if n not in parts and n in known),
        preamble=body[: matches[0].start()].strip(),
    )


@dataclass(frozen=True)
class Reply:
    text: str
    blocks: list[Block]
    # The event was marked handled with the answers it stored: post the reply as is (else through service.edge.once).
    stored: bool = False


def _render(ctx: HandlerContext, part: str, **params: Any) -> str:
    return ctx.texts.part("slack/chat.j2", part, **params)


def _next_step(ctx: HandlerContext, row: AssignmentRow, missing: list[int]) -> list[Block]:
    """Ask for the first question still without an answer, or offer to submit when none is left."""
    if missing:
        question = row.remiss.question(missing[0])
        return [section(_render(ctx, "ask", missing=missing, question=question))]
    ref = ids.RecipientRef(row.remiss.case_number, row.organisation.key).encode()
    submit = button(ctx.texts, "submit_answer", ids.ANSWER, ref, style="primary")
    return [
        section(_render(ctx, "complete")),
        {"type": "actions", "block_id": "chat_submit", "elements": [submit]},
    ]


def _missing(row: AssignmentRow) -> list[int]:
    draft = row.recipient.draft
    return draft.content.missing_questions(row.remiss) if draft else [q.number for q in row.remiss.questions]


def how_to_answer(ctx: HandlerContext, row: AssignmentRow) -> Reply:
    """The bot's first message in the thread: how to answer, and the first question without an answer."""
    intro = _render(ctx, "how_to", organisation=row.organisation)
    blocks = [section(intro), *_next_step(ctx, row, _missing(row))]
    return Reply(intro, blocks)


class AnswerStoredReplyFailed(Exception):
    """A chat answer was stored (and its event marked handled), but the reply saying so could not be written."""


def store_chat_answer(
    ctx: HandlerContext, user_id: str, case_number: str, organisation_key: str, text: str, event_id: str | None = None
) -> Reply | None:
    """Store what one thread message answers, and say exactly what was stored and what is still missing.

    None when an earlier delivery of the event `event_id` stored it (and replied) already."""
    service = ctx.service
    actor = service.actor(user_id)
    row = service.answering.answer_context(actor, case_number, organisation_key)
    remiss = row.remiss
    remiss.require_answerable()  # after closing too: stored, marked as arriving after closing
    missing = _missing(row)
    parsed = parse_answer_message(text, [q.number for q in remiss.questions], missing[0] if missing else None)
    if parsed.unknown:
        message = _render(ctx, "unknown_question", unknown=list(parsed.unknown), count=len(remiss.questions))
        return Reply(message, [section(message)])
    if not parsed.answers:
        part = "which_question" if parsed.unaddressed else "no_answer_text"
        message = _render(ctx, part)
        return Reply(message, [section(message), *_next_step(ctx, row, missing)])
    recipient = service.answering.merge_draft_answers(
        actor, remiss.case_number, organisation_key, parsed.answers, event_id=event_id
    )
    if recipient is None:
        return None
    try:
        return _stored_reply(ctx, row, parsed, recipient, missing)
    except Exception as error:  # stored and committed: whatever fails now must not be told as "not saved"
        raise AnswerStoredReplyFailed(case_number, organisation_key) from error


def _stored_reply(
    ctx: HandlerContext, row: AssignmentRow, parsed: ParsedMessage, recipient: Recipient, missing: list[int]
) -> Reply:
    """What was stored and what is still missing, after the store."""
    remiss = row.remiss
    draft = recipient.draft.content if recipient.draft else None
    # The position each stored answer to a ställningstagande question has now (stated, or kept from before).
    positions = {
        n: (a.position if (a := draft.answer_to(n)) else Position.NOT_STATED) if draft else Position.NOT_STATED
        for n in parsed.answers
        if remiss.question(n).kind is QuestionKind.POSITION
    }
    labels = {n: ctx.texts.label(f"position_{p.value}") for n, p in positions.items() if p is not Position.NOT_STATED}
    stored = _render(
        ctx,
        "stored",
        organisation=row.organisation,
        stored=sorted(parsed.answers.items()),
        empty=list(parsed.empty),
        preamble=parsed.preamble,
        positions=labels,
        unstated=sorted(n for n, p in positions.items() if p is Position.NOT_STATED),
    )
    missing = recipient.draft.content.missing_questions(remiss) if recipient.draft else missing
    lines = stored.splitlines()
    fallback = stored + "\n" + (_render(ctx, "missing", missing=missing) if missing else _render(ctx, "complete"))
    return Reply(fallback, [*sections_from_lines(lines), *_next_step(ctx, row, missing)], stored=True)


def refusal(ctx: HandlerContext, error: DomainError) -> Reply:
    message = ctx.texts.error(error)
    return Reply(message, [section(message)])


class RecentClicks:
    """Remembers clicks for a short while, so a double click (two deliveries) posts the instructions once."""

    def __init__(self, window: float = DOUBLE_CLICK_SECONDS) -> None:
        self.window = window
        self._seen: dict[tuple[str, ...], float] = {}
        self._lock = threading.Lock()

    def first(self, key: tuple[str, ...]) -> bool:
        now = time.monotonic()
        with self._lock:
            self._seen = {k: at for k, at in self._seen.items() if now - at < self.window}
            if key in self._seen:
                return False
            self._seen[key] = now
            return True


def answer_in_chat(ctx: HandlerContext, body: dict[str, Any], client: WebClient, recent: RecentClicks) -> None:
    """«Svara här i chatten»: how to answer, in the remiss message's thread, and the first open question."""
    target = Target.of_action(body)
    user_id = str(body["user"]["id"])
    actor = ctx.service.actor(user_id)
    row = ctx.service.answering.answer_context(actor, target.ref.case_number, target.ref.organisation_key)
    row.remiss.require_answerable()
    # The thread is the remiss DM's; a button elsewhere (the App Home) has no thread to answer in.
    if not target.ts or not recent.first((target.channel, target.ts, user_id)):
        return
    ctx.service.answering.record_opened(actor, target.ref.case_number, target.ref.organisation_key)
    reply = how_to_answer(ctx, row)
    client.chat_postMessage(channel=target.channel, thread_ts=target.ts, text=reply.text, blocks=reply.blocks)


def _reply_to(
    ctx: HandlerContext, event: dict[str, Any], user_id: str, text: str, event_id: str | None
) -> tuple[str, Reply | None]:
    """Where to reply (a thread's ts) and what: stored answers, a refusal, a hint, or nothing."""
    thread_ts = event.get("thread_ts")
    found = ctx.service.delivery.recipient_of_message(str(event["channel"]), str(thread_ts)) if thread_ts else None
    if found is None:
        if not looks_like_answer(text):
            return "", None
        assignments = ctx.service.queries.assignments(ctx.service.actor(user_id))[:5]
        hint = _render(ctx, "hint_outside_thread", assignments=assignments)
        return str(thread_ts or event["ts"]), Reply(hint, [section(hint)])
    case_number, organisation_key = found
    try:
        return str(thread_ts), store_chat_answer(ctx, user_id, case_number, organisation_key, text, event_id)
    except DomainError as error:
        log.info("Refused a chat answer to %s for %s: %s", case_number, organisation_key, error)
        return str(thread_ts), refusal(ctx, error)


def answer_written_in_chat(
    ctx: HandlerContext, event: dict[str, Any], client: WebClient, event_id: str | None = None
) -> None:
    """A message in the bot's DM: an answer when written in a remiss's thread, else maybe a hint where to write.

    Slack's event `event_id` is handled once: marked handled with the answers it stores, or with the reply
    posted. If storing fails (the database is down), the official is told in the thread, without the database.
    """
    if event.get("channel_type") != "im" or event.get("subtype") or event.get("bot_id") or not event.get("user"):
        return  # edits, deletions, joins and other bots' messages are not answers
    channel, user_id = str(event["channel"]), str(event["user"])
    text = slack_message_text(str(event.get("text") or ""))
    try:
        thread_ts, reply = _reply_to(ctx, event, user_id, text, event_id)
    except AnswerStoredReplyFailed as error:
        log.exception("Stored a chat answer from %s in %s, but could not write the reply", user_id, channel)
        _tell_stored(ctx, client, channel, str(event.get("thread_ts")), error)
        return
    except Exception as error:
        if isinstance(error, StoreUnavailable):
            log.warning("Could not handle a message from %s in %s: %s", user_id, channel, error)
        else:
            log.exception("Could not handle a message from %s in %s", user_id, channel)
        if event.get("thread_ts") or looks_like_answer(text):
            message = _render(ctx, "not_saved", unavailable=isinstance(error, StoreUnavailable))
            _post(client, channel, str(event.get("thread_ts") or event["ts"]), Reply(message, [section(message)]))
        return
    if reply is None:
        return
    if reply.stored:
        _post(client, channel, thread_ts, reply)
        return
    try:
        ctx.service.edge.once(
            event_id,
            lambda: client.chat_postMessage(channel=channel, thread_ts=thread_ts, text=reply.text, blocks=reply.blocks),
        )
    except SlackApiError as error:  # the event stays unhandled: a delivery of it again replies
        log.warning("Could not reply to %s in %s: %s", user_id, channel, error.response.get("error"))
    except StoreUnavailable:  # the event could not be marked handled: reply anyway rather than stay silent
        _post(client, channel, thread_ts, reply)


def _tell_stored(
    ctx: HandlerContext, client: WebClient, channel: str, thread_ts: str, error: AnswerStoredReplyFailed
) -> None:
    """The short, true message when the full reply failed: the answer is in the draft. If even that can't be
    written, nothing is said (the failure is logged) rather than something untrue."""
    try:
        message = _render(ctx, "stored_without_details")
    except Exception:
        log.exception("No reply to the chat answer stored for %s", error)
        return
    _post(client, channel, thread_ts, Reply(message, [section(message)], stored=True))


def _post(client: WebClient, channel: str, thread_ts: str, reply: Reply) -> None:
    """Post in the thread; if Slack refuses, log it (there is no other way to reach the official)."""
    try:
        client.chat_postMessage(channel=channel, thread_ts=thread_ts, text=reply.text, blocks=reply.blocks)
    except SlackApiError as error:
        log.warning("Could not reply in %s: %s", channel, error.response.get("error"))


def register(app: App, ctx: HandlerContext) -> None:
    """Listeners for answers written in the DM thread."""
    recent = RecentClicks()

    on_action(app, ctx, ids.ANSWER_IN_CHAT, lambda body, client, respond: answer_in_chat(ctx, body, client, recent))

    # Every message event is handled here (and most ignored): an unhandled event would be answered 404,
    # and Slack retries those.
    on_event(
        app, ctx, "message", lambda body, event, client: answer_written_in_chat(ctx, event, client, event_id(body))
    )
