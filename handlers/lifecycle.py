"""Avsluta remissen, Återöppna and Återkalla remissen: the coordinator's buttons on the status message and the
App Home, and the form that asks why a remiss is withdrawn. The use cases check who may; a refusal is told."""

from __future__ import annotations

from typing import Any

from slack_bolt import App, Respond
from slack_sdk import WebClient

from bot.core.domain.errors import DomainError
from handlers import ids, payload
from handlers.blocks import acting_user, view_value
from handlers.context import HandlerContext
from handlers.events import publish_home
from handlers.lifecycle_blocks import CLOSE_OFFER, REASON, withdraw_view
from handlers.listening import Reply, close, on_action, on_view, refuse


def _from_home(body: dict[str, Any]) -> bool:
    view = body.get("view")
    return isinstance(view, dict) and view.get("type") == "home"


def _after(ctx: HandlerContext, body: dict[str, Any], client: WebClient) -> None:
    """The status message follows through the outbox; a click on the App Home shows the change there at once."""
    if _from_home(body):
        publish_home(ctx, client, acting_user(body))


def close_remiss(ctx: HandlerContext, body: dict[str, Any], client: WebClient, respond: Respond) -> None:
    remiss = ctx.service.lifecycle.close(ctx.service.actor(acting_user(body)), payload.action_value(body))
    _after(ctx, body, client)
    if payload.action(body).get("block_id") == CLOSE_OFFER:  # the offer after publishing says it is done
        respond(replace_original=True, text=ctx.texts.part("slack/lifecycle.j2", "closed_from_offer", remiss=remiss))


def reopen_remiss(ctx: HandlerContext, body: dict[str, Any], client: WebClient) -> None:
    ctx.service.lifecycle.reopen(ctx.service.actor(acting_user(body)), payload.action_value(body))
    _after(ctx, body, client)


def open_withdraw(ctx: HandlerContext, body: dict[str, Any], client: WebClient) -> None:
    """Only a coordinator gets the form, and only for a remiss that can still be withdrawn."""
    remiss = ctx.service.queries.coordinated(ctx.service.actor(acting_user(body)), payload.action_value(body))
    client.views_open(trigger_id=body["trigger_id"], view=withdraw_view(ctx.texts, remiss))


def submit_withdraw(ctx: HandlerContext, body: dict[str, Any], view: dict[str, Any]) -> Reply:
    """Återkalla: the reason is required; a refusal is shown next to it, and nothing is lost."""
    metadata = payload.json_object(view.get("private_metadata"), "metadata")
    case_number = payload.string(metadata, "case_number", "metadata")
    reason = str(view_value(view, REASON).get("value") or "")
    try:
        ctx.service.lifecycle.withdraw(ctx.service.actor(acting_user(body)), case_number, reason)
    except DomainError as error:
        return refuse({REASON: ctx.texts.error(error)})
    return close()


def register(app: App, ctx: HandlerContext) -> None:
    """Listeners for closing, reopening and withdrawing a remiss."""
    on_action(app, ctx, ids.CLOSE_REMISS, lambda body, client, respond: close_remiss(ctx, body, client, respond))
    on_action(app, ctx, ids.REOPEN_REMISS, lambda body, client, respond: reopen_remiss(ctx, body, client))
    on_action(app, ctx, ids.WITHDRAW_REMISS, lambda body, client, respond: open_withdraw(ctx, body, client))
    on_view(app, ctx, ids.WITHDRAW_REMISS_VIEW, lambda body, view, client: submit_withdraw(ctx, body, view))
