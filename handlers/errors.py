"""Bolt's global error handler: refusals become a Swedish message, anything else is logged, never shown."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Mapping
from typing import Any

from slack_bolt import App, BoltResponse, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.core.domain.errors import DomainError
from handlers.context import HandlerContext
from handlers.payload import TamperedPayload

log = logging.getLogger(__name__)


def handle_error(
    ctx: HandlerContext,
    error: Exception,
    body: dict[str, Any],
    respond: Respond | None,
    client: WebClient | None = None,
) -> None:
    """Tell the user what happened in words they can act on; stack traces go to the log only."""
    text = error_text(ctx, error, body)
    if respond is not None and body.get("response_url"):
        tell_user(body, text, respond, None)
    elif client is not None and body.get("type") in _CLICKS:
        tell_user(body, text, None, client)  # a button in the Home tab or a modal has no response_url: a DM


# Payloads a person sent by clicking or submitting: with no response_url to answer on, they are told in a DM.
_CLICKS = ("block_actions", "view_submission", "shortcut", "message_action")


def rate_limited(error: BaseException) -> bool:
    """Slack answered 429: it is busy, which is no failure of ours or the user's."""
    return isinstance(error, SlackApiError) and error.response.get("error") == "ratelimited"


def retry_after(error: SlackApiError) -> int:
    """The whole seconds Slack asked us to wait (its Retry-After header), at least 1."""
    headers = {k.lower(): v for k, v in (error.response.headers or {}).items()}
    value = headers.get("retry-after", "1")
    text = value[0] if isinstance(value, list) else str(value)
    return max(1, int(text)) if text.isdigit() else 1


def tell_user(
    body: Mapping[str, Any],
    text: str,
    respond: Respond | None,
    client: WebClient | None,
    *,
    blocks: list[dict[str, Any]] | None = None,
) -> None:
    """Say `text` where the user clicked: ephemerally by the response_url, else (a button in the Home tab or a
    modal has none) in the user's DM. Never raises: this runs after the ack, where a network error or a
    refusal from Slack would reach Bolt; it is logged once instead."""
    try:
        if respond is not None and body.get("response_url"):
            respond(text=text, blocks=blocks, response_type="ephemeral", replace_original=False)
        elif client is not None:
            _direct_message(client, body, text, blocks)
    except Exception as failure:
        detail = failure.response.get("error") if isinstance(failure, SlackApiError) else repr(failure)
        log.warning("Could not tell %r what happened: %s", _user_id(body), detail)


def edit_message(client: WebClient, channel: str, ts: str, text: str, blocks: list[dict[str, Any]], what: str) -> None:
    """Show `text` and `blocks` in place of the message at `channel`/`ts`, best effort: what it shows is stored
    already, so a message Slack will not edit (deleted, too old) is no reason to fail; it is logged as `what`."""
    try:
        client.chat_update(channel=channel, ts=ts, text=text, blocks=blocks)
    except SlackApiError as error:
        log.warning("%s %s/%s not updated: %s", what, channel, ts, error.response.get("error"))


def error_text(ctx: HandlerContext, error: Exception, body: Mapping[str, Any]) -> str:
    """Log a refusal or a failure of a listener, and return what to tell the user about it."""
    if isinstance(error, TamperedPayload):
        return _tampered(ctx, error, body)
    if isinstance(error, DomainError):
        log.info("Refused %s: %s", body.get("type") or body.get("command"), error)
        return ctx.texts.error(error)
    if isinstance(error, SlackApiError) and error.response.get("error") == "push_limit_reached":
        # Slack shows at most three modals on top of each other: the user closes one, nothing of ours failed.
        log.warning("A modal was not pushed for %r: push_limit_reached", _user_id(body))
        return ctx.texts.message("too_many_windows")
    log.exception("Unhandled error in a Slack listener", exc_info=error)
    return ctx.texts.message("internal_error")


def _tampered(ctx: HandlerContext, error: TamperedPayload, body: Mapping[str, Any]) -> str:
    """A payload we did not produce: a warning with the reason (no trace), and the user's Swedish message."""
    kind = body.get("type") or body.get("command")
    log.warning("Ignored a tampered %s from %r: %s", kind, _user_id(body), error.reason)
    return ctx.texts.message("tampered_payload")


def _user_id(body: Mapping[str, Any]) -> object:
    user = body.get("user")
    return user.get("id") if isinstance(user, dict) else body.get("user_id")


def _direct_message(
    client: WebClient, body: Mapping[str, Any], text: str, blocks: list[dict[str, Any]] | None = None
) -> None:
    user_id = _user_id(body)
    if isinstance(user_id, str) and user_id:
        client.chat_postMessage(channel=user_id, text=text, blocks=blocks)


def refuse_tampered_submission(
    ctx: HandlerContext, error: TamperedPayload, body: dict[str, Any], client: WebClient | None
) -> BoltResponse:
    """A modal submitted with a value we did not produce: the message next to its first input, nothing stored.
    A modal without inputs is closed, and the user told in their DM."""
    text = _tampered(ctx, error, body)
    view = body.get("view")
    blocks = view.get("blocks") if isinstance(view, dict) else None
    inputs = [
        b["block_id"]
        for b in (blocks if isinstance(blocks, list) else [])
        if isinstance(b, dict) and b.get("type") == "input" and isinstance(b.get("block_id"), str)
    ]
    if not inputs:
        tell_user(body, text, None, client)
        return BoltResponse(status=200, body="")
    errors = {"response_action": "errors", "errors": {inputs[0]: text}}
    return BoltResponse(status=200, body=json.dumps(errors), headers={"content-type": "application/json"})


def after_ack(
    ctx: HandlerContext,
    body: dict[str, Any],
    respond: Respond | None,
    work: Callable[[], None],
    *,
    client: WebClient | None = None,
) -> None:
    """Run a listener's work after its ack, telling the user about a failure instead of raising it.

    The work runs after the response has left (handlers/listening.py queues it), so nothing raised there could
    reach Slack; what goes wrong is told to the user in Swedish and logged. `client` lets a refusal of a tampered
    click reach a user who has no response_url (a button inside a modal).
    """
    try:
        work()
    except Exception as error:  # handed to the same wording and logging as Bolt's error handler
        handle_error(ctx, error, body, respond, client)


def register(app: App, ctx: HandlerContext) -> None:
    @app.error
    def _on_error(error: Exception, body: dict[str, Any], respond: Respond, client: WebClient) -> BoltResponse | None:
        if isinstance(error, TamperedPayload) and body.get("type") == "view_submission":
            return refuse_tampered_submission(ctx, error, body, client)
        handle_error(ctx, error, body, respond, client)
        return None
