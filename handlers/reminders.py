"""Listeners for reminders: "Vi kommer att svara", snoozing, and the coordinator's "Påminn igen".

Each click is acknowledged at once; the change is then made through the service and shown by editing the
message the click came from (its buttons give way to a line saying what happened). A refusal, such as a
snooze past the deadline, reaches the user in Swedish through `after_ack`, never as a trace.
"""

from __future__ import annotations

import logging
from datetime import date
from typing import Any

from slack_bolt import App, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from handlers import ids, payload
from handlers.blocks import SECTION_TEXT_LIMIT, Block, acting_user, context, slack_text
from handlers.context import HandlerContext
from handlers.listening import on_action
from handlers.reminder_blocks import REMINDER_ACTIONS_BLOCK, SNOOZE_BLOCK, late_row_block_id, ref_of_block
from handlers.remiss_blocks import button

log = logging.getLogger(__name__)
REPLIES = "slack/reminder_replies.j2"


def _action(body: dict[str, Any]) -> dict[str, Any]:
    return dict(payload.action(body))


def _ref(body: dict[str, Any]) -> ids.RecipientRef:
    """A button carries its recipient as its value; a datepicker has none, its block_id carries it."""
    action = _action(body)
    value = action.get("value")
    if value is not None:
        return ids.RecipientRef.decode(value)
    return ref_of_block(payload.string(action, "block_id", "action"))


def _edit_message(client: WebClient, body: dict[str, Any], respond: Respond, blocks: list[Block], line: str) -> None:
    """Show the outcome in the message clicked on; ephemerally if that message can't be edited."""
    container = body.get("container") or {}
    message = body.get("message") or {}
    if container.get("type") == "message" and message and not container.get("is_ephemeral"):
        try:
            client.chat_update(
                channel=str(container["channel_id"]),
                ts=str(container["message_ts"]),
                text=str(message.get("text") or line),
                blocks=blocks,
            )
            return
        except SlackApiError as error:
            log.warning("Reminder message %s not updated: %s", container.get("message_ts"), error.response.get("error"))
    respond(text=line, response_type="ephemeral", replace_original=False)


def _blocks_of(body: dict[str, Any]) -> list[Block]:
    found: list[Block] = list((body.get("message") or {}).get("blocks") or [])
    return found


def _replace_block(blocks: list[Block], prefix: str, replacement: list[Block]) -> list[Block]:
    """`blocks` with the block whose block_id starts with `prefix` replaced (or `replacement` appended)."""
    for i, block in enumerate(blocks):
        if str(block.get("block_id", "")).startswith(prefix):
            return [*blocks[:i], *replacement, *blocks[i + 1 :]]
    return [*blocks, *replacement]


# -- the nudge's "Vi kommer att svara" -------------------------------------------------------------------
def intend_to_answer(ctx: HandlerContext, body: dict[str, Any], client: WebClient, respond: Respond) -> None:
    """Recorded (the remiss counts as opened); the nudge's question gives way to thanks and Svara."""
    ref = _ref(body)
    actor = ctx.service.actor(acting_user(body))
    ctx.service.reminding.intend_to_answer(actor, ref.case_number, ref.organisation_key)
    row = ctx.service.answering.answer_context(actor, ref.case_number, ref.organisation_key)
    line = ctx.texts.part(
        REPLIES, "intends", organisation=row.organisation, remiss=row.remiss, deadline=row.recipient.deadline
    )
    answer = button(ctx.texts, "answer", ids.ANSWER, ref.encode(), style="primary")
    after = [
        context(line),
        {"type": "actions", "block_id": f"{REMINDER_ACTIONS_BLOCK}:{ref.encode()}"[:255], "elements": [answer]},
    ]
    _edit_message(client, body, respond, _replace_block(_blocks_of(body), REMINDER_ACTIONS_BLOCK, after), line)


# -- Påminn mig i morgon / den … ---------------------------------------------------------------------------
def snooze(ctx: HandlerContext, body: dict[str, Any], client: WebClient, respond: Respond, *, on_date: bool) -> None:
    """Leave the official alone until the day asked for; the snooze row becomes "Vi påminner dig …"."""
    ref = _ref(body)
    until: date | None = None
    if on_date:
        until = payload.picked_date(_action(body))
        if until is None:
            raise payload.TamperedPayload("a snooze without a date")
    actor = ctx.service.actor(acting_user(body))
    day = ctx.service.reminding.snooze(actor, ref.case_number, ref.organisation_key, until)
    at = ctx.service.reminding.reminder_policy_for(ref.case_number).send_at.strftime("%H.%M")
    line = ctx.texts.part(REPLIES, "snoozed", day=day, at=at)
    _edit_message(client, body, respond, _replace_block(_blocks_of(body), SNOOZE_BLOCK, [context(line)]), line)


# -- the coordinator's "Påminn igen" -------------------------------------------------------------------------
def remind_again(ctx: HandlerContext, body: dict[str, Any], client: WebClient, respond: Respond) -> None:
    """One reminder to a late recipient now; its row in the escalation says who sent it and when."""
    ref = _ref(body)
    user_id = acting_user(body)
    recipient = ctx.service.reminding.remind_again(ctx.service.actor(user_id), ref.case_number, ref.organisation_key)
    organisation = ctx.service.directory.directory().require(ref.organisation_key)
    if recipient.is_answered():
        line = ctx.texts.part(REPLIES, "already_answered", organisation=organisation)
    else:
        line = ctx.texts.part(REPLIES, "reminded_again", organisation=organisation, user=user_id, now=ctx.service.now())
    block_id = late_row_block_id(ref)
    blocks = _blocks_of(body)
    for i, block in enumerate(blocks):
        if block.get("block_id") == block_id and block.get("type") == "section":
            marked = {k: v for k, v in block.items() if k != "accessory"}
            text = dict(marked["text"])
            text["text"] = slack_text(f"{text['text']}\n{line}", SECTION_TEXT_LIMIT)
            marked["text"] = text
            blocks = [*blocks[:i], marked, *blocks[i + 1 :]]
            break
    else:
        respond(text=line, response_type="ephemeral", replace_original=False)
        return
    _edit_message(client, body, respond, blocks, line)


def register(app: App, ctx: HandlerContext) -> None:
    """Attach this module's listeners."""

    on_action(
        app, ctx, ids.INTEND_TO_ANSWER, lambda body, client, respond: intend_to_answer(ctx, body, client, respond)
    )

    on_action(
        app, ctx, ids.SNOOZE_TOMORROW, lambda body, client, respond: snooze(ctx, body, client, respond, on_date=False)
    )

    on_action(app, ctx, ids.SNOOZE_DATE, lambda body, client, respond: snooze(ctx, body, client, respond, on_date=True))

    on_action(app, ctx, ids.REMIND_AGAIN, lambda body, client, respond: remind_again(ctx, body, client, respond))
