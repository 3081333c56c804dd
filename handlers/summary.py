"""The sammanställning in Slack: a preview for the coordinator, then the files published to the channel."""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping
from typing import Any

from slack_bolt import App, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.adapters.summary import load_summary, published_files, render_problems, render_slack_preview
from bot.adapters.summary.files import stored_documents
from bot.core.domain.organisation import is_slack_user_id
from bot.core.domain.summary_check import SummaryIncomplete
from handlers import blocks, ids, payload
from handlers.context import HandlerContext
from handlers.errors import tell_user
from handlers.lifecycle_blocks import close_offer
from handlers.listening import on_action
from handlers.remiss_blocks import button

log = logging.getLogger(__name__)
# Files shared in one message; the answers' stored files follow the summary's in further messages.
FILES_PER_MESSAGE = 10


class SlackNames(Mapping[str, str]):
    """People's names for the Slack user ids in a summary (authors, who granted anstånd), asked of users.info
    once each; an id Slack doesn't know stays as it is."""

    def __init__(self, client: WebClient) -> None:
        self.client = client
        self._names: dict[str, str] = {}

    def __getitem__(self, user_id: str) -> str:
        if user_id not in self._names:
            if not is_slack_user_id(user_id):
                raise KeyError(user_id)
            try:
                user = self.client.users_info(user=user_id)["user"]
            except SlackApiError as error:
                raise KeyError(user_id) from error
            profile = user.get("profile") or {}
            self._names[user_id] = str(user.get("real_name") or profile.get("real_name") or user.get("name"))
        return self._names[user_id]

    def __iter__(self) -> Iterator[str]:
        return iter(self._names)

    def __len__(self) -> int:
        return len(self._names)


def preview(ctx: HandlerContext, body: dict[str, Any], respond: Respond, client: WebClient) -> None:
    """What the summary says now, checked, with a button to publish it; only for the remiss's coordinators. Told
    where the click was (ephemerally under the message, or in the coordinator's DM)."""
    user_id, case_number = blocks.acting_user(body), payload.action_value(body)
    ctx.service.queries.coordinated(ctx.service.actor(user_id), case_number)
    try:
        summary = load_summary(ctx.service, case_number)
    except SummaryIncomplete as error:
        text = ctx.texts.part("slack/summary.j2", "incomplete", problems=render_problems(error, ctx.texts))
        tell_user(body, text, respond, client)
        return
    text = render_slack_preview(summary, ctx.texts)
    publish = button(ctx.texts, "summary_publish", ids.SUMMARY_PUBLISH, summary.case_number, style="primary")
    shown = [
        *blocks.sections_from_lines(text.splitlines()),
        {"type": "actions", "block_id": "summary_actions", "elements": [publish]},
    ]
    tell_user(
        body,
        text,
        respond,
        client,
        blocks=blocks.fit(shown, blocks.MESSAGE_BLOCK_LIMIT, "…", blocks.MESSAGE_TEXT_BUDGET),
    )


def publish(ctx: HandlerContext, client: WebClient, user_id: str, case_number: str, channel: str) -> None:
    """Check again (answers may have come in since the preview), render Word, HTML, Markdown and (where Pango
    is present) PDF, upload them; without the PDF, the coordinator is told why, only them."""
    remiss = ctx.service.queries.coordinated(ctx.service.actor(user_id), case_number)
    summary = load_summary(ctx.service, case_number, names=SlackNames(client))
    files, pdf_missing = published_files(summary, ctx.texts)
    # The answers' own files (the decided yttranden) go with it, as the summary's links name them.
    files += [(path.rpartition("/")[2], data) for path, data in stored_documents(ctx.service, summary)]
    comment = ctx.texts.part(
        "slack/summary.j2", "published", case_number=summary.case_number, user=user_id, pdf=pdf_missing is None
    )
    target = ctx.service.config.status_channel or channel
    for start in range(0, len(files), FILES_PER_MESSAGE):
        client.files_upload_v2(
            channel=target,
            initial_comment=comment if start == 0 else None,
            file_uploads=[
                {"content": data, "filename": name, "title": name}
                for name, data in files[start : start + FILES_PER_MESSAGE]
            ],
        )
    if pdf_missing is not None:
        why = ctx.texts.part(
            "slack/summary.j2", "pdf_missing", case_number=summary.case_number, packages=str(pdf_missing)
        )
        client.chat_postEphemeral(channel=target, user=user_id, text=why)
    if remiss.is_open:  # published: the round may be done; offered to the one who published, not to the channel
        offer = close_offer(ctx.texts, remiss)
        text = ctx.texts.part("slack/lifecycle.j2", "close_offer", remiss=remiss)
        client.chat_postEphemeral(channel=target, user=user_id, text=text, blocks=offer)


def register(app: App, ctx: HandlerContext) -> None:
    on_action(
        app,
        ctx,
        ids.SUMMARY_PREVIEW,
        lambda body, client, respond: preview(ctx, body, respond, client),
    )
    on_action(
        app, ctx, ids.SUMMARY_PUBLISH, lambda body, client, respond: _publish_or_explain(ctx, client, body, respond)
    )


def _publish_or_explain(ctx: HandlerContext, client: WebClient, body: dict[str, Any], respond: Respond) -> None:
    shown_in = payload.mapping(body.get("channel") or {}, "channel")
    channel = payload.string(shown_in, "id", "channel", required=False) or blocks.acting_user(body)
    try:
        publish(ctx, client, blocks.acting_user(body), payload.action_value(body), channel)
    except SummaryIncomplete as error:
        problems = render_problems(error, ctx.texts)
        tell_user(body, ctx.texts.part("slack/summary.j2", "incomplete", problems=problems), respond, client)
