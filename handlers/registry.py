"""The registrators' Registrerad: on a registry's copy of a remiss or of an incoming answer, it asks for the
number the item got in their diary and records it; the copy then says who registered it, when, and as what."""

from __future__ import annotations

import json
import logging
from typing import Any

from slack_bolt import App
from slack_sdk import WebClient

from bot.core.domain.errors import DomainError, ErrorCode
from bot.core.ports.store import StoreUnavailable
from bot.core.usecases.registry import RegistryContext
from handlers import ids, payload
from handlers.blocks import acting_user, view_value
from handlers.context import HandlerContext
from handlers.errors import edit_message
from handlers.listening import Reply, close, on_action, on_view, refuse
from handlers.registry_blocks import NUMBER_BLOCK, register_view, registry_message

log = logging.getLogger(__name__)


def open_register(ctx: HandlerContext, body: dict[str, Any], client: WebClient) -> None:
    """Registrerad: someone of that registry, on an item not yet registered, gets the form; anyone else is told
    why not (raised, and told where they clicked)."""
    ref = ids.RegistryRef.decode(payload.action_value(body))
    found = ctx.service.registry.check(acting_user(body), ref.item)
    container = payload.mapping(body.get("container") or {}, "container")
    place = {
        "ref": ref.encode(),
        "channel": payload.string(container, "channel_id", "container", required=False),
        "ts": payload.string(container, "message_ts", "container", required=False),
    }
    metadata = json.dumps(place, ensure_ascii=False)
    client.views_open(
        trigger_id=body["trigger_id"], view=register_view(ctx.texts, ref.item, found.organisation.name, metadata)
    )


def submit_register(ctx: HandlerContext, body: dict[str, Any], view: dict[str, Any], client: WebClient) -> Reply:
    """Record the number; a refusal (not of the registry, registered meanwhile, a number that is none) stays
    in the form next to the number."""
    place = payload.json_object(view.get("private_metadata"), "private_metadata")
    ref = ids.RegistryRef.decode(place.get("ref"))
    number = payload.typed_text(view_value(view, NUMBER_BLOCK))
    try:
        done = ctx.service.registry.register(acting_user(body), ref.item, number)
    except DomainError as error:
        return refuse({NUMBER_BLOCK: ctx.texts.error(error)})
    except StoreUnavailable as error:
        log.warning("Registration not stored, the database is unavailable: %s", error)
        return refuse({NUMBER_BLOCK: ctx.texts.error(DomainError(ErrorCode.STORE_UNAVAILABLE))})
    channel = payload.string(place, "channel", "private_metadata", required=False)
    ts = payload.string(place, "ts", "private_metadata", required=False)
    return close(lambda: _show_registered(ctx, client, done, channel, ts))


def _show_registered(ctx: HandlerContext, client: WebClient, done: RegistryContext, channel: str, ts: str) -> None:
    """The copy the button was on now says who registered it and as what (best effort: it is recorded)."""
    if not channel or not ts:
        return
    text, blocks = registry_message(
        ctx.texts,
        done.item,
        done.remiss,
        sender=done.sender_name,
        organisation=done.organisation,
        recipient=done.recipient,
        registration=done.registration,
    )
    edit_message(client, channel, ts, text, blocks, "Registry copy")


def register(app: App, ctx: HandlerContext) -> None:
    """Listeners for the registries' Registrerad."""
    on_action(app, ctx, ids.REGISTER, lambda body, client, _: open_register(ctx, body, client))
    on_view(app, ctx, ids.REGISTER_VIEW, lambda body, view, client: submit_register(ctx, body, view, client))
