"""Bolt's global error handler: refusals become a Swedish message, anything else is logged, never shown."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import App, Respond

from bot.domain.errors import DomainError
from handlers import HandlerContext

log = logging.getLogger(__name__)


def handle_error(ctx: HandlerContext, error: Exception, body: dict[str, Any], respond: Respond | None) -> None:
    """Tell the user what happened in words they can act on; stack traces go to the log only."""
    if isinstance(error, DomainError):
        text = ctx.texts.error(error)
        log.info("Refused %s: %s", body.get("type") or body.get("command"), error)
    else:
        text = ctx.texts.message("internal_error")
        log.exception("Unhandled error in a Slack listener", exc_info=error)
    if respond is not None and body.get("response_url"):
        respond(text=text, response_type="ephemeral", replace_original=False)


def register(app: App, ctx: HandlerContext) -> None:
    @app.error
    def _on_error(error: Exception, body: dict[str, Any], respond: Respond) -> None:
        handle_error(ctx, error, body, respond)
