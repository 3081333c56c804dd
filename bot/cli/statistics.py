"""`remissbot statistik [--from DATUM] [--to DATUM] [--json|--csv] [--html FIL] [--diagram FIL]`: each
organisation's answer history, as a list, JSON or CSV on standard output, an HTML report and the chart as files."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path
from typing import Any, TextIO

from bot.adapters.rendering import default_texts
from bot.cli.common import EXIT_CONFIG, EXIT_OK, Refused, open_core, write_bytes
from bot.core.domain.errors import DomainError, ErrorCode
from bot.core.domain.statistics import Period

_TEMPLATE = "statistics/words.j2"


def _says(name: str, /, **params: object) -> str:
    return default_texts().part(_TEMPLATE, name, **params)


def register(commands: Any) -> None:
    """Add `statistik` to the `remissbot` parser's subcommands."""
    command = commands.add_parser("statistik", help=_says("help"))
    command.add_argument("--from", dest="start", metavar="DATUM", help=_says("help_from"))
    command.add_argument("--to", dest="end", metavar="DATUM", help=_says("help_to"))
    formats = command.add_mutually_exclusive_group()
    formats.add_argument("--json", action="store_true", help=_says("help_json"))
    formats.add_argument("--csv", action="store_true", help=_says("help_csv"))
    command.add_argument("--html", metavar="FIL", help=_says("help_html"))
    command.add_argument("--diagram", metavar="FIL", help=_says("help_chart"))
    command.set_defaults(handler=cmd_statistics)


def parse_day(value: str | None, option: str, *, end: bool) -> date | None:
    """A date as 2024-01-31, or a year (2024: its first day for --from, its last for --to); None if not given."""
    if value is None:
        return None
    text = value.strip()
    try:
        if text.isdigit() and len(text) == 4:
            return date(int(text), 12, 31) if end else date(int(text), 1, 1)
        return date.fromisoformat(text)
    except ValueError:
        raise Refused(_says("bad_date", value=value, option=option)) from None


def cmd_statistics(args: argparse.Namespace, out: TextIO) -> int:
    """The list (default), or JSON or CSV on standard output; --html and --diagram write files besides."""
    try:
        period = Period(parse_day(args.start, "--from", end=False), parse_day(args.end, "--to", end=True))
        chart = Path(args.diagram) if args.diagram else None
        if chart is not None and chart.suffix.lower() not in (".png", ".svg"):
            raise Refused(_says("bad_chart_file", path=args.diagram))
    except Refused as refused:
        print(f"remissbot: {refused}", file=sys.stderr)
        return EXIT_CONFIG
    except DomainError as error:
        if error.code is not ErrorCode.INVALID_PERIOD:
            raise
        print(f"remissbot: {default_texts().error(error)}", file=sys.stderr)
        return EXIT_CONFIG
    core = open_core()
    try:
        report = core.service.queries.answer_statistics(None, period)
    finally:
        core.close()
    # The files' writers load matplotlib: only when a file or the chart is asked for.
    from bot.adapters.statistics_chart import chart_png, chart_svg
    from bot.adapters.statistics_files import statistics_csv, statistics_html, statistics_json

    texts = core.texts
    written: list[str] = []
    try:
        if args.html:
            Path(args.html).write_text(statistics_html(report, texts), encoding="utf-8")
            written.append(args.html)
        if chart is not None and not report.statistics.empty:
            if chart.suffix.lower() == ".png":
                chart.write_bytes(chart_png(report, texts))
            else:
                chart.write_text(chart_svg(report, texts), encoding="utf-8")
            written.append(str(chart))
    except OSError as error:
        print(f"remissbot: {_says('cannot_write', path=error.filename, reason=error.strerror)}", file=sys.stderr)
        return EXIT_CONFIG
    stats = report.statistics
    if stats.empty:
        print(_says("empty", start=stats.period.start, end=stats.period.end), file=sys.stderr)
    if args.json or args.csv:
        write_bytes(out, statistics_json(report) if args.json else statistics_csv(report, texts))
    elif not stats.empty:
        out.write(texts.part(_TEMPLATE, "listing", report=report, names=_names(report)) + "\n")
    for path in written:
        print(_says("written", path=path), file=sys.stderr)
    return EXIT_OK


def _names(report: Any) -> dict[str, str]:
    return {o.organisation_key: report.name(o.organisation_key) for o in report.statistics.organisations}
