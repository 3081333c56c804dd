"""Events: the App Home is published when a user opens it."""

from __future__ import annotations

from typing import Any

from slack_bolt import App
from slack_sdk import WebClient

from handlers import draft_blocks, lifecycle_blocks, remiss_blocks, statistics
from handlers.context import BOT_EVENTS, HandlerContext, event_id
from handlers.listening import on_event


def publish_home(ctx: HandlerContext, client: WebClient, user_id: str, event_id: str | None = None) -> None:
    """Show the user what they have to answer, and coordinators every open remiss; once per Slack event.

    The view is read before the event is claimed, so a failed read or publish leaves the event to a retry."""
    actor = ctx.service.actor(user_id)
    overviews = ctx.service.queries.open_remisses(actor) if actor.is_coordinator else None
    drafts = draft_blocks.home_drafts(ctx.texts, ctx.service.queries.drafts(actor)) if actor.is_coordinator else []
    closed = (
        lifecycle_blocks.closed_blocks(ctx.texts, ctx.service.queries.closed_remisses(actor))
        if overviews is not None
        else []
    )
    history = (
        statistics.home_statistics(ctx.texts, ctx.service.queries.answer_statistics(actor))
        if actor.is_coordinator
        else []
    )
    away = ctx.service.people.away_until(user_id)
    view = remiss_blocks.home_view(
        ctx.texts,
        ctx.service.queries.assignments(actor),
        overviews,
        drafts=drafts,
        away_until=away,
        status_actions=lambda o: lifecycle_blocks.home_status_actions(ctx.texts, o),
        closed=closed,
        statistics=history,
    )
    ctx.service.edge.once(event_id, lambda: client.views_publish(user_id=user_id, view=view))


def register(app: App, ctx: HandlerContext) -> None:
    def home_opened(body: dict[str, Any], event: dict[str, Any], client: WebClient) -> None:
        if event.get("tab", "home") == "home":
            publish_home(ctx, client, str(event["user"]), event_id(body))

    on_event(app, ctx, BOT_EVENTS[0], home_opened)
