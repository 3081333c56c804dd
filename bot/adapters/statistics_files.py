"""The answer history as files: JSON (every figure, exactly), CSV for Excel, and one self-contained HTML report
with the tables and the chart as inline SVG (templates/statistics/report.html.j2)."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from bot.adapters.rendering import Texts
from bot.adapters.statistics_chart import WORDS, chart_svg, outcome_colours
from bot.core.domain.statistics import Tally
from bot.core.usecases.results import StatisticsReport


def statistics_json(report: StatisticsReport) -> bytes:
    """Per organisation its total and each year's figures, then everyone's; dates ISO 8601, keys in English."""
    stats = report.statistics
    data: dict[str, Any] = {
        "period": {
            "from": stats.period.start.isoformat() if stats.period.start else None,
            "to": stats.period.end.isoformat() if stats.period.end else None,
        },
        "today": report.today.isoformat(),
        "organisations": [
            {
                "key": org.organisation_key,
                "name": report.name(org.organisation_key),
                "total": org.total.as_dict(),
                "years": {str(year): t.as_dict() for year, t in org.by_year.items()},
            }
            for org in stats.organisations
        ],
        "total": stats.total.as_dict(),
        "years": {str(year): t.as_dict() for year, t in stats.by_year.items()},
    }
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def statistics_csv(report: StatisticsReport, texts: Texts) -> bytes:
    """One row per organisation and year, then its row for all years (år «alla»), then everyone's rows (an empty
    key). For Excel as `remissbot audit --csv` writes it: UTF-8 with a BOM, `;` between fields, CRLF, and the
    median with a decimal comma."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(texts.part(WORDS, "csv_header").split(";"))
    every_year = texts.part(WORDS, "all_years_cell")
    stats = report.statistics
    for org in stats.organisations:
        name = report.name(org.organisation_key)
        for year, t in org.by_year.items():
            writer.writerow([str(year), org.organisation_key, name, *_cells(t)])
        writer.writerow([every_year, org.organisation_key, name, *_cells(org.total)])
    everyone = texts.part(WORDS, "column", name="everyone")
    for year, t in stats.by_year.items():
        writer.writerow([str(year), "", everyone, *_cells(t)])
    writer.writerow([every_year, "", everyone, *_cells(stats.total)])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _cells(t: Tally) -> list[str]:
    median = "" if t.median_days_before is None else f"{t.median_days_before:g}".replace(".", ",")
    counts = (t.received, t.on_time, t.late, t.preliminary, t.declined, t.no_answer, t.pending)
    return [*(str(n) for n in counts), median, str(t.extensions_requested), str(t.extensions_granted)]


def statistics_html(report: StatisticsReport, texts: Texts) -> str:
    """The report as one web page: what is counted and how, the chart, the table for all years and one per year."""
    stats = report.statistics
    return texts.render_html(
        "statistics/report.html.j2",
        report=report,
        stats=stats,
        all_rows=[(report.name(o.organisation_key), o.total) for o in stats.organisations],
        year_rows={
            year: [(report.name(o.organisation_key), o.by_year[year]) for o in stats.organisations if year in o.by_year]
            for year in stats.years
        },
        chart=_inline(chart_svg(report, texts)) if not stats.empty else "",
        colours=outcome_colours(),
    )


def _inline(svg: str) -> str:
    """The SVG element alone, for a web page: without the XML declaration and the DOCTYPE that a file has."""
    return svg[svg.index("<svg") :]
