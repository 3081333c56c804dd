"""The answer history as a chart: one horizontal stacked bar per organisation (its remisses by outcome), as PNG and
SVG, drawn with matplotlib on its Agg canvas (no display, no pyplot state: safe in any thread).

Horizontal bars keep 15–40 organisations' names readable (the figure grows with them); the colours are Okabe and
Ito's colour-blind-safe palette; the SVG is byte-for-byte the same for the same figures (fixed ids, no date) and
keeps its text as text, so it can be searched and read by screen readers when the HTML report embeds it.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from bot.adapters.rendering import Texts
from bot.core.domain.statistics import Outcome
from bot.core.usecases.results import StatisticsReport

WORDS = "statistics/words.j2"
# Okabe & Ito (2008), "Color Universal Design": told apart with every common colour-vision deficiency.
COLOURS: dict[Outcome, str] = {
    Outcome.ON_TIME: "#009E73",  # bluish green
    Outcome.LATE: "#D55E00",  # vermillion
    Outcome.PRELIMINARY: "#E69F00",  # orange
    Outcome.DECLINED: "#56B4E9",  # sky blue
    Outcome.NO_ANSWER: "#CC79A7",  # reddish purple
    Outcome.PENDING: "#BBBBBB",  # grey: not yet an outcome
}
BAR_INCHES = 0.34  # height per organisation
WIDTH_INCHES = 10.0
DPI = 120
RC: Any = {
    "svg.hashsalt": "remissbot",  # fixed element ids instead of random ones
    "svg.fonttype": "none",  # text stays text
    "font.family": "DejaVu Sans",  # shipped with matplotlib: å, ä, ö everywhere, the same on every machine
    "font.size": 10,
}


def chart_png(report: StatisticsReport, texts: Texts) -> bytes:
    """The chart as a PNG (what is posted in Slack)."""
    return _draw(report, texts, "png")


def chart_svg(report: StatisticsReport, texts: Texts) -> str:
    """The chart as SVG text (what the HTML report embeds), the same bytes for the same figures."""
    return _draw(report, texts, "svg").decode("utf-8")


def _draw(report: StatisticsReport, texts: Texts, fmt: str) -> bytes:
    import matplotlib

    matplotlib.use("Agg", force=False)
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    stats = report.statistics
    # The first organisation at the top: barh draws from the bottom up.
    organisations = list(reversed(stats.organisations))
    names = [report.name(o.organisation_key) for o in organisations]
    with matplotlib.rc_context(RC):
        figure = Figure(figsize=(WIDTH_INCHES, 1.6 + BAR_INCHES * max(len(names), 3)), dpi=DPI, layout="constrained")
        axes = figure.add_subplot()
        left = [0] * len(organisations)
        for outcome in Outcome:
            counts = [o.total.count(outcome) for o in organisations]
            label = texts.part(WORDS, "outcome", value=outcome.value)
            axes.barh(names, counts, left=left, color=COLOURS[outcome], label=label, height=0.72, edgecolor="white")
            left = [a + b for a, b in zip(left, counts, strict=True)]
        for y, total in enumerate(left):
            axes.annotate(str(total), (total, y), xytext=(4, 0), textcoords="offset points", va="center", fontsize=9)
        axes.set_xlabel(texts.part(WORDS, "chart_axis"))
        axes.set_title(texts.part(WORDS, "chart_title", start=stats.period.start, end=stats.period.end), loc="left")
        axes.margins(x=0.06, y=0.01)
        axes.xaxis.set_major_locator(MaxNLocator(integer=True))
        axes.spines[["top", "right"]].set_visible(False)
        figure.legend(loc="outside lower center", ncols=len(Outcome), frameon=False)
        buffer = io.BytesIO()
        figure.savefig(buffer, format=fmt, metadata=_metadata(fmt))
    return buffer.getvalue()


def _metadata(fmt: str) -> dict[str, Any]:
    """No creation date (SVG) and no software version (both): the same figures give the same file."""
    if fmt == "svg":
        return {"Date": None, "Creator": None}
    return {"Software": None}


def outcome_colours() -> Sequence[tuple[Outcome, str]]:
    """The palette in the order the bars stack (the HTML report's legend and tables use the same)."""
    return list(COLOURS.items())
