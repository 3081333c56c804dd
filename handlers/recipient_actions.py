"""Avstå, ångra, dra tillbaka svaret and lämna över: the official's other answers to a remiss."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from slack_bolt import App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.core.domain.answer_changes import MAX_CHANGE_REASON
from bot.core.domain.errors import DomainError
from bot.core.domain.remiss import ResponseKind
from bot.core.usecases.results import AssignmentRow
from handlers import ids, payload
from handlers.blocks import Block, acting_user, context, input_block, modal, plain_text, section, view_value
from handlers.context import HandlerContext
from handlers.errors import edit_message
from handlers.listening import Reply, close, on_action, on_view, refuse
from handlers.remiss_blocks import assignment_message, remiss_message

REASON_BLOCK = "reason"
COLLEAGUE_BLOCK = "colleague"
NOTE_BLOCK = "note"
MAX_REASON = 3000
MAX_NOTE = 1000
SLACKBOT = "USLACKBOT"  # users.info calls Slackbot a person, but it cannot take over anything


@dataclass(frozen=True)
class Target:
    """The recipient a button or modal is about, and the remiss DM it was pressed on (if any)."""

    ref: ids.RecipientRef
    channel: str = ""
    ts: str = ""

    def encode(self) -> str:
        return json.dumps({"ref": self.ref.encode(), "channel": self.channel, "ts": self.ts})

    @classmethod
    def decode(cls, metadata: object) -> Target:
        """What `encode` wrote; anything else raises TamperedPayload."""
        data = payload.json_object(metadata, "private_metadata")
        channel = payload.string(data, "channel", "private_metadata", required=False)
        return cls(
            ids.RecipientRef.decode(data.get("ref")), channel, payload.string(data, "ts", "metadata", required=False)
        )

    @classmethod
    def of_action(cls, body: dict[str, Any]) -> Target:
        """From a button: its value, and the message it sits on (a button in the App Home has none)."""
        ref = ids.RecipientRef.decode(payload.action_value(body))
        container = payload.mapping(body.get("container") or {}, "container")
        if container.get("type") != "message":
            return cls(ref)
        channel = payload.string(container, "channel_id", "container", required=False)
        return cls(ref, channel, payload.string(container, "message_ts", "container", required=False))


def _text_input(label: str, block_id: str, max_length: int, placeholder: str | None = None, hint: str = "") -> Block:
    element: Block = {"type": "plain_text_input", "action_id": block_id, "multiline": True, "max_length": max_length}
    if placeholder:
        element["placeholder"] = plain_text(placeholder)
    return input_block(block_id, label, element, optional=True, hint=hint)


def _intro(ctx: HandlerContext, template: str, row: AssignmentRow, **more: Any) -> str:
    """A modal's opening lines about the recipient's remiss: the remiss, the organisation and its deadline."""
    return ctx.texts.part(
        template, "intro", remiss=row.remiss, organisation=row.organisation, deadline=row.recipient.deadline, **more
    )


def _modal(
    ctx: HandlerContext, callback_id: str, title: str, submit: str, target: Target, blocks: list[Block]
) -> Block:
    return modal(ctx.texts, callback_id, title, blocks, target.encode(), submit=submit)


def _too_long(ctx: HandlerContext, label: str, text: str, limit: int) -> str | None:
    if len(text) <= limit:
        return None
    return ctx.texts.message("field_too_long", field=ctx.texts.label(label), limit=limit, length=len(text))


# -- the remiss DM after a change --------------------------------------------------------------------------
def _update_message(ctx: HandlerContext, client: WebClient, target: Target, text: str, blocks: list[Block]) -> None:
    """Edit the remiss DM the button was on, if it is one; the change itself is already stored."""
    if not target.channel or not target.ts:
        return
    found = ctx.service.delivery.recipient_of_message(target.channel, target.ts)
    if found != (target.ref.case_number, target.ref.organisation_key):
        return
    edit_message(client, target.channel, target.ts, text, blocks, "Remiss message")


def refresh_remiss_message(ctx: HandlerContext, client: WebClient, target: Target, user_id: str) -> None:
    """Show the recipient's state now, with the buttons that fit it."""
    row = ctx.service.answering.answer_context(
        ctx.service.actor(user_id), target.ref.case_number, target.ref.organisation_key
    )
    text, blocks = assignment_message(ctx.texts, row, sender=ctx.service.directory.sender_name(row.remiss))
    _update_message(ctx, client, target, text, blocks)


# -- Avstå ---------------------------------------------------------------------------------------------------
def decline_view(ctx: HandlerContext, row: AssignmentRow, target: Target) -> Block:
    intro = _intro(ctx, "slack/decline.j2", row, has_draft=row.recipient.draft is not None)
    reason = _text_input(
        ctx.texts.label("decline_reason"), REASON_BLOCK, MAX_REASON, ctx.texts.label("decline_reason_placeholder")
    )
    return _modal(ctx, ids.DECLINE_VIEW, "title_decline", "decline", target, [section(intro), reason])


def open_decline(ctx: HandlerContext, body: dict[str, Any], client: WebClient) -> None:
    target = Target.of_action(body)
    actor = ctx.service.actor(acting_user(body))
    row = ctx.service.answering.answer_context(actor, target.ref.case_number, target.ref.organisation_key)
    row.recipient.require_declinable(row.remiss)  # say why not before opening the modal
    client.views_open(trigger_id=body["trigger_id"], view=decline_view(ctx, row, target))


def submit_decline(ctx: HandlerContext, body: dict[str, Any], view: dict[str, Any], client: WebClient) -> Reply:
    """Record the decline (its errors go next to the reason), then show the declined state in the DM."""
    target = Target.decode(view.get("private_metadata"))
    user_id = acting_user(body)
    reason = payload.typed_text(view_value(view, REASON_BLOCK))
    problem = _too_long(ctx, "decline_reason", reason, MAX_REASON)
    if problem is None:
        try:
            ctx.service.answering.decline(
                ctx.service.actor(user_id), target.ref.case_number, target.ref.organisation_key, reason
            )
        except DomainError as error:
            problem = ctx.texts.error(error)
    if problem is not None:
        return refuse({REASON_BLOCK: problem})
    return close(lambda: refresh_remiss_message(ctx, client, target, user_id))


# -- Ångra avstående / Dra tillbaka svaret ----------------------------------------------------------------------
def withdraw(ctx: HandlerContext, body: dict[str, Any], client: WebClient) -> None:
    """Dra tillbaka svaret opens a modal asking why (optional); Ångra avstående undoes the decline at once. A
    second click finds nothing and gets the domain's refusal."""
    target = Target.of_action(body)
    user_id = acting_user(body)
    actor = ctx.service.actor(user_id)
    row = ctx.service.answering.answer_context(actor, target.ref.case_number, target.ref.organisation_key)
    current = row.recipient.require_withdrawable(row.remiss, row.today)
    if current.kind is not ResponseKind.DECLINED:
        client.views_open(trigger_id=body["trigger_id"], view=withdraw_view(ctx, row, target, current.version))
        return
    ctx.service.answering.withdraw(actor, target.ref.case_number, target.ref.organisation_key)
    refresh_remiss_message(ctx, client, target, user_id)


def withdraw_view(ctx: HandlerContext, row: AssignmentRow, target: Target, version: int) -> Block:
    intro = _intro(ctx, "slack/withdraw_answer.j2", row, version=version)
    texts = ctx.texts
    reason = _text_input(
        texts.label("withdraw_reason"),
        REASON_BLOCK,
        MAX_CHANGE_REASON,
        texts.label("withdraw_reason_placeholder"),
        texts.label("withdraw_reason_hint"),
    )
    return _modal(ctx, ids.WITHDRAW_ANSWER_VIEW, "title_withdraw_answer", "withdraw", target, [section(intro), reason])


def submit_withdraw(ctx: HandlerContext, body: dict[str, Any], view: dict[str, Any], client: WebClient) -> Reply:
    """Dra tillbaka svaret with the reason given; a refusal (too long, the deadline passed meanwhile) stays next
    to the reason, with what was written kept in the modal."""
    target = Target.decode(view.get("private_metadata"))
    user_id = acting_user(body)
    reason = payload.typed_text(view_value(view, REASON_BLOCK))
    try:
        ctx.service.answering.withdraw(
            ctx.service.actor(user_id), target.ref.case_number, target.ref.organisation_key, reason
        )
    except DomainError as error:
        return refuse({REASON_BLOCK: ctx.texts.error(error)})
    return close(lambda: refresh_remiss_message(ctx, client, target, user_id))


# -- Lämna över -------------------------------------------------------------------------------------------------
def hand_over_view(ctx: HandlerContext, row: AssignmentRow, target: Target) -> Block:
    intro = ctx.texts.part("slack/hand_over.j2", "intro", remiss=row.remiss, organisation=row.organisation)
    select: Block = {
        "type": "users_select",
        "action_id": COLLEAGUE_BLOCK,
        "placeholder": plain_text(ctx.texts.label("hand_over_colleague_placeholder")),
    }
    colleague = input_block(COLLEAGUE_BLOCK, ctx.texts.label("hand_over_colleague"), select)
    note = _text_input(ctx.texts.label("hand_over_note"), NOTE_BLOCK, MAX_NOTE)
    return _modal(ctx, ids.HAND_OVER_VIEW, "title_hand_over", "hand_over", target, [section(intro), colleague, note])


def open_hand_over(ctx: HandlerContext, body: dict[str, Any], client: WebClient) -> None:
    target = Target.of_action(body)
    actor = ctx.service.actor(acting_user(body))
    row = ctx.service.answering.answer_context(actor, target.ref.case_number, target.ref.organisation_key)
    row.remiss.require_open()
    client.views_open(trigger_id=body["trigger_id"], view=hand_over_view(ctx, row, target))


def colleague_problem(ctx: HandlerContext, client: WebClient, user_id: str, colleague: str) -> str | None:
    """Why this person cannot take over (the user themself, a bot, a deactivated account), or None."""
    if colleague == user_id:
        return ctx.texts.message("hand_over_to_self")
    try:
        person: dict[str, Any] = client.users_info(user=colleague)["user"]
    except SlackApiError:
        return ctx.texts.part("slack/hand_over.j2", "colleague_unknown")
    name = str(person.get("real_name") or (person.get("profile") or {}).get("real_name") or person.get("name") or "")
    if person.get("is_bot") or colleague == SLACKBOT:
        return ctx.texts.part("slack/hand_over.j2", "colleague_is_bot", name=name)
    if person.get("deleted"):
        return ctx.texts.part("slack/hand_over.j2", "colleague_deactivated", name=name)
    return None


def submit_hand_over(ctx: HandlerContext, body: dict[str, Any], view: dict[str, Any], client: WebClient) -> Reply:
    """Check the colleague in the ack (errors next to the field), record the hand-over, and mark the old DM."""
    target = Target.decode(view.get("private_metadata"))
    user_id = acting_user(body)
    actor = ctx.service.actor(user_id)
    colleague = payload.picked_user(view_value(view, COLLEAGUE_BLOCK))
    note = payload.typed_text(view_value(view, NOTE_BLOCK))
    errors: dict[str, str] = {}
    if not colleague:
        errors[COLLEAGUE_BLOCK] = ctx.texts.message("field_required", field=ctx.texts.label("hand_over_colleague"))
    elif problem := colleague_problem(ctx, client, user_id, colleague):
        errors[COLLEAGUE_BLOCK] = problem
    if problem := _too_long(ctx, "hand_over_note", note, MAX_NOTE):
        errors[NOTE_BLOCK] = problem
    if not errors:
        try:
            row = ctx.service.answering.answer_context(actor, target.ref.case_number, target.ref.organisation_key)
            ctx.service.answering.hand_over(actor, target.ref.case_number, target.ref.organisation_key, colleague, note)
        except DomainError as error:
            errors[COLLEAGUE_BLOCK] = ctx.texts.error(error)
    if errors:
        return refuse(errors)
    return close(lambda: mark_handed_over(ctx, client, target, row, colleague))


def mark_handed_over(
    ctx: HandlerContext, client: WebClient, target: Target, row: AssignmentRow, colleague: str
) -> None:
    """The old DM keeps the remiss for reference, without buttons: only the colleague acts now."""
    text, blocks = remiss_message(
        ctx.texts,
        row.remiss,
        sender=ctx.service.directory.sender_name(row.remiss),
        today=ctx.service.today(),
        organisation=row.organisation,
    )
    line = ctx.texts.part("slack/hand_over.j2", "handed_over", colleague=colleague, at=ctx.service.now())
    _update_message(ctx, client, target, f"{line}\n{text}", [*blocks, context(line)])


def register(app: App, ctx: HandlerContext) -> None:
    """Listeners for declining, withdrawing and handing over."""

    on_action(app, ctx, ids.DECLINE, lambda body, client, respond: open_decline(ctx, body, client))

    on_view(app, ctx, ids.DECLINE_VIEW, lambda body, view, client: submit_decline(ctx, body, view, client))

    on_action(app, ctx, ids.WITHDRAW, lambda body, client, respond: withdraw(ctx, body, client))

    on_view(app, ctx, ids.WITHDRAW_ANSWER_VIEW, lambda body, view, client: submit_withdraw(ctx, body, view, client))

    on_action(app, ctx, ids.HAND_OVER, lambda body, client, respond: open_hand_over(ctx, body, client))

    on_view(app, ctx, ids.HAND_OVER_VIEW, lambda body, view, client: submit_hand_over(ctx, body, view, client))
