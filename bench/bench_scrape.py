"""Scrape benchmark: one GET /metrics (the gauges read from the database) with a large outbox history.

The database holds SENT outbox messages already sent (the history every installation accumulates), PENDING due
ones, and REMISSES open remisses. Rows are inserted in bulk into the real, migrated tables. Timed: SCRAPES scrapes
of /metrics over real HTTP from `build_wsgi_app` on waitress, as Prometheus makes them; the same with a small
history, and the ratio printed: a scrape's cost must follow what waits, not what was ever sent (target <= 2).
Target: p50 <= 50 ms per scrape (every replica is scraped every 15–30 s).

Usage: python bench/bench_scrape.py [--sent 200000] [--small 1000] [--pending 50] [--scrapes 20]
       [--database sqlite|postgres|both] [--postgres-url URL]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
import urllib.request
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

import databases  # noqa: E402 - bench/databases.py: --database and the throwaway databases
from sqlmodel import SQLModel  # noqa: E402

from bot.bootstrap import HttpServer, build_core, build_wsgi_app  # noqa: E402
from bot.settings import load_settings  # noqa: E402
from devtools.clocks import FakeClock  # noqa: E402
from storage import tables as _declared  # noqa: E402, F401 - declares the tables on SQLModel.metadata

NOW = datetime(2023, 11, 16, 8, 0, tzinfo=UTC)
OUTBOX = SQLModel.metadata.tables["outbox_message"]
CHUNK = 20_000
TARGET_P50_MS = 50.0
TARGET_RATIO = 2.0


def fill(url: str, sent: int, pending: int) -> None:
    core = build_core(replace(load_settings({}), database_url=url, archive_dir=None), migrate=True)
    try:
        rows = [
            {
                "key": f"k{n}",
                "kind": "remiss",
                "case_number": f"KS 2023/{n % 500}",
                "created_at": NOW - timedelta(days=30, seconds=n),
                "state": "sent" if n < sent else "pending",
                "attempts": 1 if n < sent else 0,
                "error": "",
                "uncertain": False,
            }
            for n in range(sent + pending)
        ]
        with core.engine.begin() as connection:
            for start in range(0, len(rows), CHUNK):
                connection.execute(OUTBOX.insert(), rows[start : start + CHUNK])
        if core.engine.dialect.name == "postgresql":  # what autovacuum does after a bulk load
            with core.engine.begin() as connection:
                connection.exec_driver_sql("ANALYZE outbox_message")
    finally:
        core.close()


def scrape_times(url: str, scrapes: int) -> tuple[list[float], str]:
    core = build_core(replace(load_settings({}), database_url=url, archive_dir=None), clock=FakeClock(NOW))
    server = HttpServer(build_wsgi_app(core, None), host="127.0.0.1", port=0, threads=2).start()
    try:
        times: list[float] = []
        body = ""
        for _ in range(scrapes):
            started = time.perf_counter()
            with urllib.request.urlopen(server.url + "/metrics", timeout=30) as response:
                body = response.read().decode()
            times.append((time.perf_counter() - started) * 1000)
        return times, body
    finally:
        server.stop()
        core.close()


def bench(name: str, database: databases.Database, args: argparse.Namespace) -> None:
    p50s: dict[int, float] = {}
    for sent in (args.small, args.sent):
        with database() as url:
            fill(url, sent, args.pending)
            times, body = scrape_times(url, args.scrapes)
        expected = f'remissbot_outbox_messages{{state="pending"}} {float(args.pending)}'
        if expected not in body:
            raise SystemExit(f"{name}: the scrape did not count the {args.pending} pending messages")
        p50s[sent] = statistics.median(times)
        print(
            f"{name}: {sent:,} sent + {args.pending} pending: scrape p50 {p50s[sent]:.1f} ms, "
            f"max {max(times):.1f} ms over {len(times)} (target p50 <= {TARGET_P50_MS:.0f} ms)"
        )
    ratio = p50s[args.sent] / p50s[args.small]
    print(f"{name} ratio scrape({args.sent:,})/scrape({args.small:,}): {ratio:.2f} (target <= {TARGET_RATIO:.0f})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--sent", type=int, default=200_000)
    parser.add_argument("--small", type=int, default=1_000)
    parser.add_argument("--pending", type=int, default=50)
    parser.add_argument("--scrapes", type=int, default=20)
    databases.add_arguments(parser)
    args = parser.parse_args()
    for name, database in databases.chosen(args):
        bench(name, database, args)


if __name__ == "__main__":
    main()
