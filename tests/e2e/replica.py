"""One bot replica in a process of its own, for the multi-process reminder tests; driven over stdin.

Run as `python -m tests.e2e.replica` with the environment a deployed bot has (DATABASE_URL, SLACK_BOT_TOKEN,
SLACK_API_URL, REMISSBOT_COORDINATORS, …) and REMISSBOT_FAKE_CLOCK_FILE, the time all replicas share. It
builds what `remissbot serve` builds below Slack's HTTP side: bot.bootstrap.build_core (the clock comes from the
environment, as there), the Slack user directory and the Courier on a WebClient. APScheduler is left out:
its interval runs on the machine's time, and the test decides when the replicas tick. For each line "tick"
it runs the scheduler's reminder job (bot.adapters.scheduling.remind), then lets its courier send everything due
(claimed against the other replicas), and answers "done". "quit" or the end of stdin stops it.
"""

from __future__ import annotations

import logging
import sys

from slack_sdk import WebClient

from bot.adapters.scheduling import remind
from bot.bootstrap import build_core, slack_user_directory
from bot.settings import load_settings
from devtools.clocks import configured_clock
from handlers.outbound.courier import Courier


def main() -> int:
    logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(asctime)s %(name)s %(message)s")
    settings = load_settings()
    client = WebClient(token=settings.slack_bot_token, base_url=settings.slack_api_url or WebClient.BASE_URL)
    core = build_core(settings, clock=configured_clock(), users=slack_user_directory(client))
    # Small batches, so the replicas' couriers share a day's messages; a rate above the default keeps the
    # test short (pacing is bench/bench_send.py's subject, not this test's).
    courier = Courier(core.service, client, core.texts, batch=5, messages_per_second=50)
    try:
        print("ready", flush=True)
        for line in sys.stdin:
            command = line.strip()
            if command == "quit":
                break
            if command == "tick":
                remind(core.service)
                courier.drain()
                print("done", flush=True)
            else:
                print(f"unknown command {command!r}", flush=True)
    finally:
        courier.stop()
        core.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
