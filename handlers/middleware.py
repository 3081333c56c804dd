"""Global middleware: what each request's log lines are about; replies go only to Slack's response_urls."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import App, BoltContext, BoltRequest, Respond
from slack_sdk import WebClient
from slack_sdk.webhook import WebhookResponse

from bot.adapters.logs import request_id_from, start
from handlers.context import HandlerContext
from handlers.slack_urls import is_response_url

log = logging.getLogger(__name__)


class _Discarded(Respond):
    """`respond` for a request whose response_url is not Slack's: logs instead of posting anywhere."""

    def __init__(self) -> None:
        super().__init__(response_url=None)

    def __call__(self, *args: Any, **kwargs: Any) -> WebhookResponse:
        log.warning("Dropped a reply to a response_url that is not Slack's")
        return WebhookResponse(url="", status_code=0, body="", headers={})


def guard_response_url(context: BoltContext, client: WebClient, next_: Callable[[], None]) -> None:
    """A response_url outside Slack (or the configured loopback Slack) is never posted to, by any listener
    or by the error handler: Bolt builds `respond` from the body, so it is replaced here, before them."""
    url = context.response_url
    if url is not None and not is_response_url(url, client.base_url):
        log.warning("Ignoring a response_url that is not Slack's: %.200r", url)
        context["respond"] = _Discarded()
    next_()


def start_log_context(req: BoltRequest, body: dict[str, Any], context: BoltContext, next_: Callable[[], None]) -> None:
    """Every line logged for this request (here, in its listener, and in its work after the ack) names its
    request id, Slack team, user and action; a RecipientRef read later adds the diarienummer. HTTP mode's id
    comes from the HTTP edge (bot/bootstrap.py), a Socket Mode request gets a new one."""
    kind, action = what_it_is(body)
    start(
        request_id=request_id_from(_first(req.headers.get("x-request-id"))),
        team=context.team_id or context.enterprise_id,
        user=context.user_id,
        action=action or kind,
    )
    log.info("Slack %s %s", kind or "request", action or "")
    next_()


def what_it_is(body: Any) -> tuple[str | None, str | None]:
    """The kind of payload, and the action it carries (action id, callback id, command or event type), from a
    body that may be anything (it is logged before any listener checks it)."""
    if not isinstance(body, dict):
        return None, None
    if isinstance(body.get("command"), str):
        return "command", _short(body["command"])
    kind = _short(body.get("type"))
    actions, view, event = body.get("actions"), body.get("view"), body.get("event")
    if isinstance(actions, list) and actions and isinstance(actions[0], dict):
        return kind, _short(actions[0].get("action_id"))
    if isinstance(view, dict) and kind in ("view_submission", "view_closed"):
        return kind, _short(view.get("callback_id"))
    if isinstance(event, dict):
        return kind, _short(event.get("type"))
    return kind, _short(body.get("callback_id") or body.get("action_id"))


def _short(value: object) -> str | None:
    return value[:100] if isinstance(value, str) and value else None


def _first(value: object) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, list | tuple) and value and isinstance(value[0], str):
        return value[0]
    return None


def register(app: App, ctx: HandlerContext) -> None:
    @app.middleware
    def _log_context(req: BoltRequest, body: dict[str, Any], context: BoltContext, next: Callable[[], None]) -> None:
        start_log_context(req, body, context, next)

    @app.middleware
    def _guard_response_url(context: BoltContext, client: WebClient, next: Callable[[], None]) -> None:
        guard_response_url(context, client, next)
