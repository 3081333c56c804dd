"""Global middleware: replies go only to Slack's response_urls."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import App, BoltContext, Respond
from slack_sdk import WebClient
from slack_sdk.webhook import WebhookResponse

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


def register(app: App, ctx: HandlerContext) -> None:
    @app.middleware
    def _guard_response_url(context: BoltContext, client: WebClient, next: Callable[[], None]) -> None:
        guard_response_url(context, client, next)
