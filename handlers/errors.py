"""Bolt's global error handler: refusals become a Swedish message, anything else is logged, never shown."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.domain.errors import DomainError
from handlers import HandlerContext

log = logging.getLogger(__name__)


def handle_error(ctx: HandlerContext, error: Exception, body: dict[str, Any], respond: Respond | None) -> None:
    """Tell the user what happened in words they can act on; stack traces go to the log only."""
    text = error_text(ctx, error, body)
    if respond is not None and body.get("response_url"):
        respond(text=text, response_type="ephemeral", replace_original=False)


def error_text(ctx: HandlerContext, error: Exception, body: Mapping[str, Any]) -> str:
    """Log a refusal or a failure of a listener, and return what to tell the user about it."""
    if isinstance(error, DomainError):
        log.info("Refused %s: %s", body.get("type") or body.get("command"), error)
        return ctx.texts.error(error)
    log.exception("Unhandled error in a Slack listener", exc_info=error)
    return ctx.texts.message("internal_error")


def after_ack(ctx: HandlerContext, body: dict[str, Any], respond: Respond | None, work: Callable[[], None]) -> None:
    """Run a listener's work after its ack, telling the user about a failure instead of raising it.

    Bolt's thread runner (1.30) resets `ack.response` to None when a listener raises after acking; if that
    happens before the request thread has seen the ack (it polls every 10 ms), Slack gets a 404 after three
    seconds on top of our message. So listeners never raise after ack(): every one calls this.
    """
    try:
        work()
    except Exception as error:  # handed to the same wording and logging as Bolt's error handler
        handle_error(ctx, error, body, respond)


# What a block action does after its ack: given the payload, the client and the respond function.
ActionWork = Callable[[dict[str, Any], WebClient, Respond], None]


def on_action(app: App, ctx: HandlerContext, action_id: str, work: ActionWork) -> None:
    """Listen for `action_id`: acknowledge at once, then do `work` through after_ack (never raising to Bolt)."""

    def listener(ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond) -> None:
        ack()
        after_ack(ctx, body, respond, lambda: work(body, client, respond))

    app.action(action_id)(listener)


def register(app: App, ctx: HandlerContext) -> None:
    @app.error
    def _on_error(error: Exception, body: dict[str, Any], respond: Respond) -> None:
        handle_error(ctx, error, body, respond)
