"""Events: the App Home is published when a user opens it."""

from __future__ import annotations

from typing import Any

from slack_bolt import App
from slack_sdk import WebClient

from handlers import BOT_EVENTS, HandlerContext, blocks
from handlers.errors import after_ack


def publish_home(ctx: HandlerContext, client: WebClient, user_id: str) -> None:
    """Show the user what they have to answer, and coordinators every open remiss."""
    actor = ctx.service.actor(user_id)
    overviews = ctx.service.open_remisses() if actor.is_coordinator else None
    view = blocks.home_view(ctx.texts, ctx.service.assignments(actor), overviews)
    client.views_publish(user_id=user_id, view=view)


def register(app: App, ctx: HandlerContext) -> None:
    @app.event(BOT_EVENTS[0])
    def _home_opened(event: dict[str, Any], client: WebClient) -> None:
        if event.get("tab", "home") == "home":
            after_ack(ctx, event, None, lambda: publish_home(ctx, client, str(event["user"])))
