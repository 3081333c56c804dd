"""Global middleware: Slack's retried event deliveries are handled once."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import App, BoltResponse

from handlers import HandlerContext

log = logging.getLogger(__name__)


def deduplicate_events(ctx: HandlerContext, body: dict[str, Any], next_: Callable[[], None]) -> BoltResponse | None:
    """Claim the event id in the database; a delivery already claimed is acknowledged and dropped.

    Only ids are compared, not retry headers: the first delivery may never have reached us, so a retry
    of an unseen event must still be handled.
    """
    event_id = body.get("event_id") if body.get("type") == "event_callback" else None
    if isinstance(event_id, str) and not ctx.service.claim_delivery(event_id):
        log.info("Dropping repeated delivery of event %s", event_id)
        return BoltResponse(status=200, body="")
    next_()
    return None


def register(app: App, ctx: HandlerContext) -> None:
    # Bolt injects listener arguments by name, so this one must be called `next`.
    @app.middleware
    def _deduplicate(body: dict[str, Any], next: Callable[[], None]) -> BoltResponse | None:
        return deduplicate_events(ctx, body, next)
