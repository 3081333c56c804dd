"""Statistik on a long history: the generated 40 remisses (devtools/answer_history.py) copied `--times` over (as
400 remisses to 10 organisations each, by default) into SQLite (and PostgreSQL with --postgres-url), then the time
of the use case's one read and the judging, of the App Home's blocks, of the chart as PNG and SVG, and of the
reminder planner's read of one organisation's history (statistics_history filtered, as the opt-in earlier
reminder reads it).

Usage: python bench/bench_statistics.py [--times 10] [--runs 5] [--postgres-url postgresql+psycopg://…]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from bot.adapters.calendar_se import SwedishCalendar
from bot.adapters.rendering import Texts
from bot.adapters.statistics_chart import chart_png, chart_svg
from bot.core.clock import SystemClock
from bot.core.domain.statistics import COUNTED_STATUSES
from bot.core.usecases import build_use_cases
from devtools import answer_history
from handlers.statistics import home_statistics
from storage import SqlStore, ensure_schema, make_engine


def copies(times: int, target: SqlStore) -> int:
    """The played history stored `times` over, each copy under its own case numbers; returns the recipients."""
    played = answer_history.build()
    source = played.service.store
    with source.read() as repo:
        directory = repo.directory.load_directory()
        remisses = repo.remisses.list_remisses()
        recipients = {r.case_number: repo.remisses.list_recipients(r.case_number) for r in remisses}
        requests = {r.case_number: repo.remisses.extension_requests(r.case_number) for r in remisses}
    count = 0
    with target.transaction() as repo:
        repo.directory.replace_directory(directory)
        for n in range(times):
            for remiss in remisses:
                case = f"{remiss.case_number}-{n}"
                repo.remisses.add_remiss(replace(remiss, id=None, case_number=case))
                for recipient in recipients[remiss.case_number]:
                    repo.remisses.add_recipient(replace(recipient, id=None, case_number=case))
                    count += 1
                for request in requests[remiss.case_number]:
                    repo.remisses.add_extension_request(replace(request, id=None, case_number=case))
    return count


def timed(what: str, runs: int, work: Callable[[], object]) -> None:
    work()  # warm: imports, caches, the first query plan
    seconds = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        seconds.append(time.perf_counter() - start)
    print(f"  {what:<38} median {statistics.median(seconds) * 1000:8.1f} ms  max {max(seconds) * 1000:8.1f} ms")


def bench(url: str, times: int, runs: int) -> None:
    engine = make_engine(url)
    ensure_schema(engine, auto_upgrade=True)
    store = SqlStore(engine)
    start = time.perf_counter()
    count = copies(times, store)
    print(f"{url.split(':')[0]}: {times * answer_history.REMISSES} remisses, {count} recipients "
          f"(stored in {time.perf_counter() - start:.1f} s)")  # fmt: skip
    service = build_use_cases(store, SystemClock(), calendar=SwedishCalendar())
    texts = Texts()
    report = service.queries.answer_statistics(None)
    timed("read + judge (answer_statistics)", runs, lambda: service.queries.answer_statistics(None))
    timed("App Home blocks", runs, lambda: home_statistics(texts, report))
    timed("chart PNG", runs, lambda: chart_png(report, texts))
    timed("chart SVG", runs, lambda: chart_svg(report, texts))
    one = report.statistics.organisations[0].organisation_key
    timed(f"planner's read: {one}", runs, lambda: planner_read(store, one))
    engine.dispose()


def planner_read(store: SqlStore, key: str) -> int:
    """One organisation's history but one remiss's, as ReminderPlanner.often_late reads it."""
    with store.read() as repo:
        return len(repo.remisses.statistics_history(COUNTED_STATUSES, organisation_keys=[key], excluding="STK-x"))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--times", type=int, default=10)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--postgres-url")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        bench(f"sqlite:///{Path(folder) / 'statistik.db'}", args.times, args.runs)
    if args.postgres_url:
        bench(args.postgres_url, args.times, args.runs)


if __name__ == "__main__":
    main()
