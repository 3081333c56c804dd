"""Svarshistorik: each organisation's answer history in the coordinators' App Home (a compact table of the
organisations that got the most remisses), and the chart posted to the coordinator on request (Skicka diagram)."""

from __future__ import annotations

from typing import Any

from slack_bolt import App
from slack_sdk import WebClient

from bot.adapters.rendering import Texts
from bot.core.usecases.results import StatisticsReport
from handlers import blocks, ids
from handlers.blocks import Block, context, divider, header, section
from handlers.context import HandlerContext
from handlers.listening import on_action
from handlers.remiss_blocks import button

TEMPLATE = "slack/statistics.j2"
WORDS = "statistics/words.j2"  # the words the report and the chart use too (the median as written)
# Organisations in the App Home's table: a code block of this many lines stays well within a section's 3000
# characters (about 70 characters a line) and readable on a laptop; the rest are in the chart and the report.
TOP = 15
CHART_FILE = "svarshistorik.png"
NAME_WIDTH = 26  # characters of an organisation's name in the table; a longer one is cut, ending in …


def home_statistics(texts: Texts, report: StatisticsReport, top: int = TOP) -> list[Block]:
    """Svarshistorik: everyone's outcomes in one line, a table of the `top` organisations by remisses received,
    and Skicka diagram. Five blocks at most, whatever the number of organisations."""
    stats = report.statistics
    shown: list[Block] = [divider(), header(texts.part(TEMPLATE, "header"))]
    if stats.empty:
        return [*shown, section(texts.part(TEMPLATE, "nothing_sent"))]
    ranked = sorted(stats.organisations, key=lambda o: -o.total.received)[:top]
    rows = [
        (_cut(report.name(o.organisation_key)), o.total, texts.part(WORDS, "median", days=o.total.median_days_before))
        for o in ranked
    ]
    count = len(stats.organisations)
    intro = texts.part(TEMPLATE, "intro", total=stats.total, organisations=count, years=list(stats.years))
    note = texts.part(TEMPLATE, "more", shown=len(rows), total=count) if len(rows) < count else None
    action = {
        "type": "actions",
        "block_id": "statistics",
        "elements": [button(texts, "statistics_chart", ids.STATISTICS_CHART, "all")],
    }
    return [
        *shown,
        section(intro),
        section(texts.part(TEMPLATE, "table", rows=rows, width=NAME_WIDTH)),
        context(note or texts.part(TEMPLATE, "all_shown")),
        action,
    ]


def _cut(name: str) -> str:
    return name if len(name) <= NAME_WIDTH else name[: NAME_WIDTH - 1].rstrip() + "…"


def send_chart(ctx: HandlerContext, client: WebClient, user_id: str) -> None:
    """The chart of every organisation's outcomes, as a PNG in the coordinator's DM; only a coordinator gets it
    (a scoped one, of their offices' remisses)."""
    from bot.adapters.statistics_chart import chart_png  # matplotlib: loaded when a chart is first asked for

    report = ctx.service.queries.answer_statistics(ctx.service.actor(user_id))
    channel = client.conversations_open(users=user_id)["channel"]["id"]
    if report.statistics.empty:
        client.chat_postMessage(channel=channel, text=ctx.texts.part(TEMPLATE, "nothing_sent"))
        return
    client.files_upload_v2(
        channel=channel,
        content=chart_png(report, ctx.texts),
        filename=CHART_FILE,
        title=ctx.texts.part(TEMPLATE, "chart_title"),
        initial_comment=ctx.texts.part(TEMPLATE, "chart_comment", total=report.statistics.total),
    )


def register(app: App, ctx: HandlerContext) -> None:
    def chart(body: dict[str, Any], client: WebClient, respond: Any) -> None:
        send_chart(ctx, client, blocks.acting_user(body))

    on_action(app, ctx, ids.STATISTICS_CHART, chart)
