"""The people on a recipient: the coordinator's *Tilldela om* (reassign), and `/remiss borta` / *Tillbaka nu*
(an official away until a date, their reminders meanwhile to the stand-ins)."""

from __future__ import annotations

import json
from typing import Any

from slack_bolt import App
from slack_sdk import WebClient

from bot.adapters.dates import strict_iso_date
from bot.core.domain.errors import DomainError
from handlers import ids, payload
from handlers.blocks import Block, acting_user, input_block, modal, plain_text, section, view_value
from handlers.context import HandlerContext
from handlers.events import publish_home
from handlers.listening import Reply, close, on_action, on_view, refuse

TEMPLATE = "slack/people.j2"
ORGANISATION_BLOCK = "organisation"
PERSON_BLOCK = "person"
NOTE_BLOCK = "note"
MAX_NOTE = 1000
MAX_OPTIONS = 100  # Slack's cap on a static_select's options
AWAY_WORDS = {"borta", "frånvarande", "ledig"}
BACK_WORDS = {"tillbaka", "åter"}


# -- Tilldela om ----------------------------------------------------------------------------------------------
def reassign_view(ctx: HandlerContext, case_number: str) -> Block:
    """Pick the organisation, the person who gets its remiss, and a note for the ones who had it."""
    overview = ctx.service.queries.overview(case_number)
    overview.remiss.require_open()
    options = [
        {"text": plain_text(row.organisation.name, 75), "value": row.organisation.key}
        for row in overview.rows[:MAX_OPTIONS]
    ]
    organisation: Block = {
        "type": "static_select",
        "action_id": ORGANISATION_BLOCK,
        "placeholder": plain_text(ctx.texts.label("reassign_organisation_placeholder")),
        "options": options,
    }
    person: Block = {
        "type": "users_select",
        "action_id": PERSON_BLOCK,
        "placeholder": plain_text(ctx.texts.label("reassign_person_placeholder")),
    }
    note: Block = {"type": "plain_text_input", "action_id": NOTE_BLOCK, "multiline": True, "max_length": MAX_NOTE}
    body = [
        section(ctx.texts.part(TEMPLATE, "reassign_intro", remiss=overview.remiss)),
        input_block(ORGANISATION_BLOCK, ctx.texts.label("reassign_organisation"), organisation),
        input_block(PERSON_BLOCK, ctx.texts.label("reassign_person"), person),
        input_block(NOTE_BLOCK, ctx.texts.label("reassign_note"), note, optional=True),
    ]
    metadata = json.dumps({"case_number": overview.remiss.case_number})
    return modal(ctx.texts, ids.REASSIGN_VIEW, "title_reassign", body, metadata, submit="reassign")


def open_reassign(ctx: HandlerContext, body: dict[str, Any], client: WebClient) -> None:
    ctx.service.queries.coordinated(ctx.service.actor(acting_user(body)), payload.action_value(body))
    view = reassign_view(ctx, payload.action_value(body))
    client.views_open(trigger_id=body["trigger_id"], view=view)


def submit_reassign(ctx: HandlerContext, body: dict[str, Any], view: dict[str, Any]) -> Reply:
    """Reassign; each refusal (a bot, a deactivated account, the one who has it) goes next to the person."""
    case_number = payload.string(
        payload.json_object(view.get("private_metadata"), "metadata"), "case_number", "metadata"
    )
    offered = {str(o["value"]) for o in _offered(view)}
    organisation_key = payload.picked_option(view_value(view, ORGANISATION_BLOCK), offered)
    person = payload.picked_user(view_value(view, PERSON_BLOCK))
    note = payload.typed_text(view_value(view, NOTE_BLOCK))
    errors: dict[str, str] = {}
    if not organisation_key:
        errors[ORGANISATION_BLOCK] = ctx.texts.message("field_required", field=ctx.texts.label("reassign_organisation"))
    if not person:
        errors[PERSON_BLOCK] = ctx.texts.message("field_required", field=ctx.texts.label("reassign_person"))
    if len(note) > MAX_NOTE:
        errors[NOTE_BLOCK] = ctx.texts.message(
            "field_too_long", field=ctx.texts.label("reassign_note"), limit=MAX_NOTE, length=len(note)
        )
    if not errors and organisation_key:
        try:
            ctx.service.people.reassign(
                ctx.service.actor(acting_user(body)), case_number, organisation_key, person, note
            )
        except DomainError as error:
            block = PERSON_BLOCK if error.field == "to_user" else ORGANISATION_BLOCK
            errors[block] = ctx.texts.error(error)
    if errors:
        return refuse(errors)
    return close()


def _offered(view: dict[str, Any]) -> list[dict[str, Any]]:
    """The organisations the modal offered (what it was built with), to refuse any other value."""
    for block in view.get("blocks") or []:
        if isinstance(block, dict) and block.get("block_id") == ORGANISATION_BLOCK:
            element = block.get("element") or {}
            return [o for o in element.get("options") or [] if isinstance(o, dict)]
    return []


# -- Borta till och med … / Tillbaka nu -----------------------------------------------------------------
def away_command(ctx: HandlerContext, user_id: str, word: str, rest: str) -> str:
    """`/remiss borta 2023-11-20` marks the user away through that day; `/remiss tillbaka` ends it early."""
    actor = ctx.service.actor(user_id)
    if word in BACK_WORDS:
        ended = ctx.service.people.end_away(actor)
        return ctx.texts.part(TEMPLATE, "back", was_away=ended)
    text = rest.strip()
    if not text:
        return ctx.texts.part(TEMPLATE, "away_how", until=ctx.service.people.away_until(user_id))
    until = strict_iso_date(text)
    if until is None:
        return ctx.texts.part(TEMPLATE, "away_bad_date", given=text)
    try:
        absence = ctx.service.people.mark_away(actor, until)
    except DomainError as error:
        return ctx.texts.error(error)
    return ctx.texts.part(TEMPLATE, "away_marked", until=absence.until)


def end_away(ctx: HandlerContext, body: dict[str, Any], client: WebClient) -> None:
    """*Tillbaka nu* on the App Home: the reminders come to me again; the Home shows it."""
    user_id = acting_user(body)
    ctx.service.people.end_away(ctx.service.actor(user_id))
    publish_home(ctx, client, user_id)


def register(app: App, ctx: HandlerContext) -> None:
    on_action(app, ctx, ids.REASSIGN, lambda body, client, respond: open_reassign(ctx, body, client))
    on_view(app, ctx, ids.REASSIGN_VIEW, lambda body, view, client: submit_reassign(ctx, body, view))
    on_action(app, ctx, ids.END_AWAY, lambda body, client, respond: end_away(ctx, body, client))
