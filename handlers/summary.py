"""The sammanställning in Slack: a preview for the coordinator, then the files published to the channel."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.domain.errors import DomainError, ErrorCode
from bot.domain.summary import SummaryIncomplete
from bot.summary import load_summary, render_files, render_problems, render_slack_preview
from handlers import HandlerContext, blocks, ids
from handlers.errors import after_ack
from handlers.remiss_blocks import button

log = logging.getLogger(__name__)


def preview(ctx: HandlerContext, user_id: str, case_number: str, respond: Respond) -> None:
    """What the summary says now, checked, with a button to publish it; only for coordinators."""
    if not ctx.service.actor(user_id).is_coordinator:
        raise DomainError(ErrorCode.NOT_COORDINATOR)
    try:
        summary = load_summary(ctx.service, case_number)
    except SummaryIncomplete as error:
        text = ctx.texts.render("slack/summary.j2", part="incomplete", problems=render_problems(error, ctx.texts))
        respond(text=text, response_type="ephemeral", replace_original=False)
        return
    text = render_slack_preview(summary, ctx.texts)
    publish = button(ctx.texts, "summary_publish", ids.SUMMARY_PUBLISH, summary.case_number, style="primary")
    body = [
        *blocks.sections_from_lines(text.splitlines()),
        {"type": "actions", "block_id": "summary_actions", "elements": [publish]},
    ]
    respond(
        text=text,
        blocks=blocks.fit(body, blocks.MESSAGE_BLOCK_LIMIT, "…", blocks.MESSAGE_TEXT_BUDGET),
        response_type="ephemeral",
        replace_original=False,
    )


def publish(ctx: HandlerContext, client: WebClient, user_id: str, case_number: str, channel: str) -> None:
    """Check again (answers may have come in since the preview), render all three formats, upload them."""
    if not ctx.service.actor(user_id).is_coordinator:
        raise DomainError(ErrorCode.NOT_COORDINATOR)
    summary = load_summary(ctx.service, case_number)
    files = render_files(summary, ctx.texts)
    comment = ctx.texts.render("slack/summary.j2", part="published", case_number=summary.case_number, user=user_id)
    client.files_upload_v2(
        channel=ctx.service.status_channel or channel,
        initial_comment=comment,
        file_uploads=[{"content": data, "filename": name, "title": name} for name, data in files],
    )


def register(app: App, ctx: HandlerContext) -> None:
    @app.action(ids.SUMMARY_PREVIEW)
    def _preview(ack: Ack, body: dict[str, Any], action: dict[str, Any], respond: Respond) -> None:
        ack()
        after_ack(ctx, body, respond, lambda: preview(ctx, str(body["user"]["id"]), str(action["value"]), respond))

    @app.action(ids.SUMMARY_PUBLISH)
    def _publish(ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient, respond: Respond) -> None:
        ack()
        after_ack(ctx, body, respond, lambda: _publish_or_explain(ctx, client, body, action, respond))


def _publish_or_explain(
    ctx: HandlerContext, client: WebClient, body: dict[str, Any], action: dict[str, Any], respond: Respond
) -> None:
    channel = str((body.get("channel") or {}).get("id") or body["user"]["id"])
    try:
        publish(ctx, client, str(body["user"]["id"]), str(action["value"]), channel)
    except SummaryIncomplete as error:
        problems = render_problems(error, ctx.texts)
        respond(
            text=ctx.texts.render("slack/summary.j2", part="incomplete", problems=problems),
            response_type="ephemeral",
            replace_original=False,
        )
