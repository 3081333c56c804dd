"""`/remiss sammanträden`: an organisation's board meetings and inlämningsdag, edited by its own officials.

Reminders to a board name its last meeting before the deadline and the day the matter must be ready for it;
this is where the board's officials keep those dates right. A coordinator may edit any organisation's.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from slack_bolt import App, Respond
from slack_sdk import WebClient

from bot.adapters.dates import parse_swedish_date
from bot.core.domain.errors import DomainError
from bot.core.domain.organisation import Organisation
from handlers import ids, payload
from handlers.blocks import OPTION_TEXT_LIMIT, Block, input_block, plain_text, section
from handlers.context import HandlerContext
from handlers.listening import Reply, close, on_action, on_view, refuse
from handlers.redraw import redraw

ORGANISATION_BLOCK = "organisation"
MEETINGS_BLOCK = "meetings"
LEAD_DAYS_BLOCK = "lead_days"
MAX_MEETINGS = 60
MAX_LEAD_DAYS = 90
_TEMPLATE = "slack/meetings.j2"


def _t(ctx: HandlerContext, part: str, **context: Any) -> str:
    return ctx.texts.part(_TEMPLATE, part, **context)


def meetings_view(ctx: HandlerContext, organisation: Organisation, choices: list[Organisation]) -> Block:
    """The modal for one organisation; with a picker when the user may edit several."""
    blocks: list[Block] = []
    if len(choices) > 1:
        options = [{"text": plain_text(o.name, OPTION_TEXT_LIMIT), "value": o.key} for o in choices[:100]]
        current = next(option for option in options if option["value"] == organisation.key)
        blocks.append(
            {
                "type": "section",
                "block_id": ORGANISATION_BLOCK,
                "text": {"type": "mrkdwn", "text": _t(ctx, "pick")},
                "accessory": {
                    "type": "static_select",
                    "action_id": ids.MEETINGS_ORGANISATION,
                    "options": options,
                    "initial_option": current,
                },
            }
        )
    blocks.append(section(_t(ctx, "intro", organisation=organisation, today=ctx.service.today())))
    meetings = "\n".join(d.isoformat() for d in organisation.meetings)
    meetings_input: Block = {
        "type": "plain_text_input",
        "action_id": MEETINGS_BLOCK,
        "multiline": True,
        "max_length": 3000,
        "placeholder": plain_text(_t(ctx, "meetings_placeholder")),
    }
    if meetings:
        meetings_input["initial_value"] = meetings
    lead_input: Block = {"type": "plain_text_input", "action_id": LEAD_DAYS_BLOCK, "max_length": 3}
    if organisation.submission_lead_days is not None:
        lead_input["initial_value"] = str(organisation.submission_lead_days)
    blocks += [
        input_block(
            MEETINGS_BLOCK, _t(ctx, "meetings_label"), meetings_input, optional=True, hint=_t(ctx, "meetings_hint")
        ),
        input_block(LEAD_DAYS_BLOCK, _t(ctx, "lead_label"), lead_input, optional=True, hint=_t(ctx, "lead_hint")),
    ]
    return {
        "type": "modal",
        "callback_id": ids.MEETINGS_VIEW,
        "title": plain_text(_t(ctx, "title")),
        "submit": plain_text(_t(ctx, "submit")),
        "close": plain_text(ctx.texts.label("cancel")),
        "private_metadata": organisation.key,
        "blocks": blocks,
    }


def open_meetings_form(
    ctx: HandlerContext, client: WebClient, trigger_id: str, user_id: str, wanted: str, respond: Respond
) -> None:
    """Open the form for the user's organisation (or the one named, when they may edit several)."""
    choices = ctx.service.directory.editable_organisations(ctx.service.actor(user_id))
    if not choices:
        respond(text=_t(ctx, "not_an_official"), response_type="ephemeral")
        return
    chosen = _match(choices, wanted) if wanted else None
    if wanted and chosen is None:
        respond(text=_t(ctx, "unknown_organisation", wanted=wanted, choices=choices), response_type="ephemeral")
        return
    client.views_open(trigger_id=trigger_id, view=meetings_view(ctx, chosen or choices[0], choices))


def _match(choices: list[Organisation], wanted: str) -> Organisation | None:
    needle = wanted.strip().lower()
    for organisation in choices:
        names = (organisation.key, organisation.name, organisation.short_name, *organisation.aliases)
        if any(needle == name.lower() for name in names):
            return organisation
    return None


def switch_organisation(ctx: HandlerContext, body: dict[str, Any], client: WebClient) -> None:
    """The picker changed: show that organisation's dates instead (the same modal, updated in place)."""
    user_id = str(body["user"]["id"])
    key = payload.string(payload.mapping(payload.action(body).get("selected_option"), "option"), "value", "option")
    choices = ctx.service.directory.editable_organisations(ctx.service.actor(user_id))
    chosen = next((o for o in choices if o.key == key), None)
    if chosen is None:
        return
    view = payload.view(body)
    view_id, hash_ = payload.string(view, "id", "view"), payload.string(view, "hash", "view", required=False)
    redraw(client, view_id, meetings_view(ctx, chosen, choices), hash_ or None)  # closed or changed meanwhile


def parse_meetings(ctx: HandlerContext, text: str, today: date) -> tuple[list[date], str | None]:
    """One date per line (or separated by commas): ISO or Swedish ("16 november"); the problem, in Swedish."""
    found: list[date] = []
    for raw in re.split(r"[\n,;]+", text):
        item = raw.strip()
        if not item:
            continue
        day = _iso(item) or parse_swedish_date(item, today=today)
        if day is None:
            return [], _t(ctx, "bad_date", value=item)
        if day not in found:
            found.append(day)
    if len(found) > MAX_MEETINGS:
        return [], _t(ctx, "too_many", limit=MAX_MEETINGS)
    return sorted(found), None


def _iso(text: str) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def submit_meetings(ctx: HandlerContext, body: dict[str, Any], view: dict[str, Any], client: WebClient) -> Reply:
    user_id = str(body["user"]["id"])
    key = payload.string(view, "private_metadata", "view")
    meetings_text = payload.typed_text(payload.element(view, MEETINGS_BLOCK))
    lead_text = payload.typed_text(payload.element(view, LEAD_DAYS_BLOCK)).strip()
    errors: dict[str, str] = {}
    meetings, problem = parse_meetings(ctx, meetings_text, ctx.service.today())
    if problem:
        errors[MEETINGS_BLOCK] = problem
    lead_days: int | None = None
    if lead_text:
        if not lead_text.isdigit() or int(lead_text) > MAX_LEAD_DAYS:
            errors[LEAD_DAYS_BLOCK] = _t(ctx, "bad_lead_days", value=lead_text, limit=MAX_LEAD_DAYS)
        else:
            lead_days = int(lead_text)
    if not errors:
        try:
            organisation = ctx.service.directory.set_meetings(ctx.service.actor(user_id), key, meetings, lead_days)
        except DomainError as error:
            errors[MEETINGS_BLOCK] = ctx.texts.error(error)
    if errors:
        return refuse(errors)
    text = _t(ctx, "saved", organisation=organisation)

    def confirm() -> None:
        client.chat_postMessage(channel=user_id, text=text)

    return close(confirm)


def register(app: App, ctx: HandlerContext) -> None:
    on_action(app, ctx, ids.MEETINGS_ORGANISATION, lambda body, client, respond: switch_organisation(ctx, body, client))

    on_view(app, ctx, ids.MEETINGS_VIEW, lambda body, view, client: submit_meetings(ctx, body, view, client))
