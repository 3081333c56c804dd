"""Historik: a remiss's audit trail for coordinators, in a modal, newest first, a page at a time.

*Historik* on the status message opens it; *Föregående* and *Nästa* show the next page in the same modal
(views.update). Each click asks the use case again, so a coordinator is checked every time and a page shows
the trail as it is then. Only the people on the page shown are looked up in Slack.
"""

from __future__ import annotations

from typing import Any

from slack_bolt import App
from slack_sdk import WebClient

from bot.adapters.audit_files import PeopleNames, rows_of
from bot.core.usecases.results import AuditTrail
from handlers import ids, payload
from handlers.blocks import Block, acting_user, modal, section
from handlers.context import HandlerContext
from handlers.listening import on_action
from handlers.payload import TamperedPayload
from handlers.redraw import redraw
from handlers.remiss_blocks import button

# Entries per page: one section each, with the intro and the buttons well within a modal's 100 blocks, and
# few enough people to look up per click.
PAGE_SIZE = 20
_TEMPLATE = "slack/history.j2"


def history_view(ctx: HandlerContext, trail: AuditTrail, page: int) -> Block:
    """Page `page` (from 0, newest first) of the trail; a page past the end shows the last one."""
    newest_first = trail.entries[::-1]
    total = len(newest_first)
    last_page = max(0, (total - 1) // PAGE_SIZE)
    page = min(max(page, 0), last_page)
    shown = newest_first[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
    names = PeopleNames(ctx.service.shared.users, ctx.texts)
    rows = rows_of(trail, ctx.texts, names, ctx.service.config.tz, shown)
    first, last = page * PAGE_SIZE + 1, page * PAGE_SIZE + len(rows)
    intro = ctx.texts.part(_TEMPLATE, "intro", remiss=trail.remiss, first=first, last=last, total=total)
    body: list[Block] = [section(intro)]
    body += [section(ctx.texts.part(_TEMPLATE, "entry", row=row)) for row in rows]
    turns: list[Block] = []
    if page > 0:
        turns.append(button(ctx.texts, "history_newer", ids.HISTORY_NEWER, str(page - 1)))
    if page < last_page:
        turns.append(button(ctx.texts, "history_older", ids.HISTORY_OLDER, str(page + 1)))
    if turns:
        body.append({"type": "actions", "block_id": "history_pages", "elements": turns})
    return modal(ctx.texts, ids.HISTORY_VIEW, "title_history", body, trail.remiss.case_number)


def open_history(ctx: HandlerContext, body: dict[str, Any], client: WebClient) -> None:
    """Historik on the status message: the newest page; anyone but a coordinator is refused in Swedish."""
    case_number = payload.action_value(body)
    trail = ctx.service.queries.history(ctx.service.actor(acting_user(body)), case_number)
    client.views_open(trigger_id=body["trigger_id"], view=history_view(ctx, trail, 0))


def turn_page(ctx: HandlerContext, body: dict[str, Any], client: WebClient) -> None:
    """Föregående / Nästa: the page the button names, in place of the one shown."""
    page = _page(payload.action_value(body))
    shown = payload.view(body)
    case_number = payload.string(shown, "private_metadata", "view")
    trail = ctx.service.queries.history(ctx.service.actor(acting_user(body)), case_number)
    view_id = payload.string(shown, "id", "view")
    view_hash = payload.string(shown, "hash", "view", required=False)
    redraw(client, view_id, history_view(ctx, trail, page), view_hash or None)  # closed or turned meanwhile: no failure


def _page(value: str) -> int:
    if not value.isascii() or not value.isdigit() or len(value) > 6:
        raise TamperedPayload(f"not a page number: {value[:20]!r}")
    return int(value)


def register(app: App, ctx: HandlerContext) -> None:
    on_action(app, ctx, ids.HISTORY, lambda body, client, respond: open_history(ctx, body, client))
    for action_id in (ids.HISTORY_NEWER, ids.HISTORY_OLDER):
        on_action(app, ctx, action_id, lambda body, client, respond: turn_page(ctx, body, client))
