"""Svarshistorik's blocks and chart with many organisations (40): within Slack's limits, and kept whole in an App
Home that overflows."""

from __future__ import annotations

from datetime import UTC, date, datetime

from bot.adapters.calendar_se import SwedishCalendar
from bot.adapters.rendering import Texts
from bot.adapters.statistics_chart import chart_png, chart_svg
from bot.core.clock import STOCKHOLM
from bot.core.domain.organisation import Directory, Organisation, OrgKind
from bot.core.domain.remiss import RemissStatus, ResponseKind
from bot.core.domain.statistics import RecipientHistory, VersionFact, answer_statistics
from bot.core.usecases.results import StatisticsReport
from devtools.sandbox.block_kit import message_block_errors
from handlers import blocks, ids
from handlers.remiss_blocks import home_view
from handlers.statistics import TOP, home_statistics
from tests.summary.browser import png_size

SENT = datetime(2024, 3, 4, 8, tzinfo=UTC)
KINDS = (ResponseKind.YTTRANDE, ResponseKind.DECLINED, ResponseKind.PRELIMINARY)


def report(organisations: int) -> StatisticsReport:
    """`organisations` boards with long names, board n receiving n remisses."""
    directory = Directory(
        tuple(Organisation(f"namnd-{n}", f"Stadsdelsnämnden för område nummer {n} <&>", f"N{n}", OrgKind.NAMND)
              for n in range(1, organisations + 1))
    )  # fmt: skip
    histories = [
        RecipientHistory(
            f"STK-2024-{n}-{i}",
            f"namnd-{n}",
            "stadskontoret",
            RemissStatus.CLOSED,
            SENT,
            date(2024, 4, 1),
            versions=(VersionFact(1, KINDS[i % 3], SENT),) if i % 4 else (),
        )
        for n in range(1, organisations + 1)
        for i in range(n)
    ]
    stats = answer_statistics(
        histories, calendar=SwedishCalendar(), tz=STOCKHOLM, today=date(2024, 6, 1), order=[o.key for o in directory]
    )
    return StatisticsReport(stats, directory, date(2024, 6, 1))


def test_forty_organisations_show_the_top_fifteen_within_slack_limits() -> None:
    shown = home_statistics(Texts(), report(40))
    assert message_block_errors(shown) == []
    assert len(shown) == 6
    table = shown[3]["text"]["text"]
    lines = table.strip("`\n").splitlines()
    assert len(lines) == 1 + TOP
    # The most remisses first; names are cut to the table's width.
    assert lines[1].startswith("Stadsdelsnämnden för områ…") and lines[1].split()[-8] == "40"
    assert "Visar de 15 remissinstanser som fått flest remisser av 40" in shown[4]["elements"][0]["text"]
    assert shown[5]["elements"][0]["action_id"] == ids.STATISTICS_CHART


def test_an_overflowing_app_home_keeps_svarshistorik_whole() -> None:
    texts = Texts()
    statistics = home_statistics(texts, report(20))
    drafts = [blocks.section(f"Utkast {n}") for n in range(150)]
    view = home_view(texts, [], [], drafts=drafts, statistics=statistics)
    assert len(view["blocks"]) == blocks.HOME_BLOCK_LIMIT
    assert view["blocks"][-len(statistics) :] == statistics
    assert view["blocks"][-len(statistics) - 1]["type"] == "context"  # "… and more" before it


def test_no_sent_remiss_says_so() -> None:
    empty = home_statistics(Texts(), report(0))
    assert [b["type"] for b in empty] == ["divider", "header", "section"]
    assert "Inga skickade remisser ännu" in empty[2]["text"]["text"]


def test_the_chart_grows_with_the_organisations_and_keeps_every_name() -> None:
    texts = Texts()
    small, large = png_size(chart_png(report(15), texts)), png_size(chart_png(report(40), texts))
    assert large[0] == small[0] and large[1] > small[1] * 1.8
    svg = chart_svg(report(40), texts)
    assert all(f"område nummer {n} &lt;&amp;&gt;" in svg for n in range(1, 41))
    assert svg == chart_svg(report(40), texts)
