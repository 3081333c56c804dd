"""Sending benchmark with replicas: one remiss to N recipients, sent by 1 or 2 bot processes on one PostgreSQL.

The loopback Slack runs here, served over HTTP, and every replica is a process of its own (this script again,
with --replica) that builds the core as `remissbot serve` does and runs a courier against it. Slack enforces
about one message per second per channel and a workspace cap of CAP messages per second, and (like
bench/bench_send.py) answers a fraction of chat.postMessage calls with 429 at random (--refuse). Every
replica's courier is configured at 0.95 x CAP, as an operator would configure one.

--budget shared: the replicas draw from the send budget bootstrap picks on PostgreSQL (one row per workspace
and channel, storage/pace.py). --budget local: each paces itself as if alone (how it was before), so two ask
Slack for twice the cap.

Printed per run: elapsed time from sending until the last DM arrived, the floor the cap allows (N / CAP), their
ratio (target <= 1.15), the calls answered 429 by the rate limits and at random (target: rate-limited plus
random <= 10% of calls when --refuse 0; with the random ones, those from the limits), lost and duplicated DMs
(target 0 and 0); then the median ratio per number of replicas.

--no-refund keeps the slot of every call answered 429 (the courier gives it back, since Slack did not count
the call, but the budget takes it only while no sender waits for a later slot): it shows what the refund costs
in 429s from the limits and buys in time.

Usage: python bench/bench_send_replicas.py [--recipients 500] [--cap 20] [--runs 3] [--replicas 1,2]
       [--budget shared|local] [--refuse 0.10] [--burst 2] [--batch 50] [--workers 4] [--no-refund]
       [--postgres postgresql+psycopg://postgres@127.0.0.1:5432/test]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import IO

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from bench_send import COORDINATOR, add_officials, delivered_dms, draft_to_all  # noqa: E402 - the same round
from slack_sdk import WebClient  # noqa: E402

from bot.adapters.pace import CHANNEL_INTERVAL, LocalSendBudget  # noqa: E402
from bot.bootstrap import build_core, send_budget  # noqa: E402
from bot.core.clock import SystemClock  # noqa: E402
from bot.core.ports.pace import SendBudget  # noqa: E402
from bot.settings import load_settings  # noqa: E402
from devtools.sandbox import FakeSlack  # noqa: E402
from devtools.sandbox.objects import JSON  # noqa: E402
from handlers.outbound.courier import Courier  # noqa: E402
from tests.conftest import DEFAULT_POSTGRES_URL, postgres_schema  # noqa: E402 - the tests' throwaway schemas


class CountingSlack(FakeSlack):
    """The loopback Slack, counting the calls its rate limits refused (apart from the random refusals)."""

    limited = 0

    def _admit(self, method: str, params: JSON) -> int | None:
        wait = super()._admit(method, params)
        if wait is not None and method == "chat.postMessage":
            self.limited += 1
        return wait


class KeepsRefusedSlots:
    """A budget that never gives a refused call's slot back (--no-refund): what the refund costs and buys."""

    def __init__(self, budget: SendBudget) -> None:
        self._budget = budget

    def acquire(self, channel: str | None = None) -> None:
        self._budget.acquire(channel)

    def refund(self) -> None:
        pass

    def hold(self, seconds: float, channel: str | None = None) -> None:
        self._budget.hold(seconds, channel)


@dataclass(frozen=True)
class Run:
    elapsed: float
    recorded: float  # of `elapsed`, the send itself (recording the outbox), before the couriers start
    posting: float  # from the first post to the last DM, on the loopback Slack's clock
    floor: float
    calls: int
    limited: int
    refused: int
    lost: int
    duplicated: int

    @property
    def ratio(self) -> float:
        return self.elapsed / self.floor

    @property
    def posting_ratio(self) -> float:
        return self.posting / self.floor


def run_once(args: argparse.Namespace, replicas: int) -> Run:
    recipients, cap, refuse = args.recipients, args.cap, args.refuse
    with postgres_schema(args.postgres) as url, CountingSlack() as fake:
        users = add_officials(fake, recipients)
        settings = replace(load_settings({}), database_url=url, coordinators=(COORDINATOR,), archive_dir=None)
        core = build_core(settings, clock=SystemClock(), migrate=True)
        try:
            service = core.service
            actor, case = draft_to_all(fake, core, users, cap)
            if refuse:
                fake.refuse_randomly("chat.postMessage", refuse, retry_after=1, seed=7)
            processes = [_start_replica(url, fake, args) for _ in range(replicas)]
            try:
                for process in processes:
                    _expect(process, "ready")
                # Timed as bench/bench_send.py times it: from the send, which records the outbox, to the last DM.
                started = time.monotonic()
                service.drafting.send(actor, case)
                recorded = time.monotonic() - started
                for process in processes:
                    _say(process, "go")
                delivered: dict[str, int] = {}
                while len(delivered) < recipients and time.monotonic() - started < 600:
                    time.sleep(0.05)
                    delivered = delivered_dms(fake, users)
                elapsed = time.monotonic() - started
                time.sleep(1.5)  # a second copy of any DM would arrive by now
                delivered = delivered_dms(fake, users)
            finally:
                for process in processes:
                    _say(process, "stop")
                for process in processes:
                    process.wait(timeout=60)
        finally:
            core.close()
        posts = fake.calls_to("chat.postMessage")
        refused = sum(1 for c in posts if c.status == 429)
        return Run(
            elapsed=elapsed,
            recorded=recorded,
            posting=_last_dm(fake, users) - posts[0].time,
            floor=recipients / cap,
            calls=len(posts),
            limited=fake.limited,
            refused=refused,
            lost=sum(1 for u in users if delivered.get(u, 0) == 0),
            duplicated=sum(1 for u in users if delivered.get(u, 0) > 1),
        )


def _start_replica(url: str, fake: FakeSlack, args: argparse.Namespace) -> subprocess.Popen[str]:
    command = [sys.executable, str(Path(__file__).resolve()), "--replica", "--cap", str(args.cap)]
    command += ["--budget", args.budget, "--burst", str(args.burst), "--batch", str(args.batch)]
    command += ["--workers", str(args.workers)] + (["--no-refund"] if args.no_refund else [])
    environment = {
        **os.environ,
        "DATABASE_URL": url,
        "SLACK_BOT_TOKEN": fake.identity.bot_token,
        "SLACK_API_URL": fake.url,
        "REMISSBOT_COORDINATORS": COORDINATOR,
    }
    return subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=environment)


def _say(process: subprocess.Popen[str], line: str) -> None:
    stdin: IO[str] | None = process.stdin
    if stdin is not None and process.poll() is None:
        stdin.write(line + "\n")
        stdin.flush()


def _expect(process: subprocess.Popen[str], line: str) -> None:
    stdout: IO[str] | None = process.stdout
    said = stdout.readline().strip() if stdout is not None else ""
    if said != line:
        raise RuntimeError(f"a replica said {said!r}, not {line!r} (exit code {process.poll()})")


def _last_dm(fake: FakeSlack, users: list[str]) -> float:
    wanted = set(users)
    posts = fake.calls_to("chat.postMessage")
    return max(c.time for c in posts if c.status == 200 and c.params.get("channel") in wanted)


def replica(args: argparse.Namespace) -> int:
    """One replica: the core as `remissbot serve` builds it, and a courier that sends from "go" until "stop"."""
    settings = replace(load_settings(), archive_dir=None)
    token = settings.slack_bot_token or ""
    core = build_core(settings, clock=SystemClock())
    rate = args.cap * 0.95  # 5% under the cap, as an operator would configure it
    budget: SendBudget = (
        send_budget(core, token, rate, burst=args.burst)
        if args.budget == "shared"
        else LocalSendBudget(rate, burst=args.burst, channel_interval=CHANNEL_INTERVAL)
    )
    if args.no_refund:
        budget = KeepsRefusedSlots(budget)
    client = WebClient(token=token, base_url=settings.slack_api_url or WebClient.BASE_URL)
    courier = Courier(core.service, client, core.texts, batch=args.batch, workers=args.workers, budget=budget)
    stop = threading.Event()
    try:
        print("ready", flush=True)
        if sys.stdin.readline().strip() != "go":
            return 1

        def until_stop() -> None:
            sys.stdin.readline()
            stop.set()

        threading.Thread(target=until_stop, daemon=True).start()
        while not stop.is_set():
            if courier.run_once() == 0:
                time.sleep(0.02)
    finally:
        courier.stop()
        core.close()
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--recipients", type=int, default=500)
    parser.add_argument("--cap", type=int, default=20, help="workspace cap, messages per second")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--replicas", default="1,2", help="numbers of replicas to compare, e.g. 1,2")
    parser.add_argument("--budget", choices=("shared", "local"), default="shared")
    parser.add_argument("--refuse", type=float, default=0.10, help="share of posts Slack refuses at random")
    parser.add_argument("--burst", type=int, default=2, help="slots an idle budget may give at once")
    parser.add_argument("--batch", type=int, default=50, help="messages a courier claims at a time")
    parser.add_argument("--workers", type=int, default=4, help="sending threads per courier")
    parser.add_argument("--no-refund", action="store_true", help="keep the slots of calls answered 429")
    parser.add_argument("--postgres", default=DEFAULT_POSTGRES_URL, help="server URL; each run gets a schema")
    parser.add_argument("--replica", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.replica:
        return replica(args)
    results: dict[int, list[Run]] = {}
    for replicas in (int(n) for n in args.replicas.split(",")):
        runs = results.setdefault(replicas, [])
        for number in range(1, args.runs + 1):
            run = run_once(args, replicas)
            runs.append(run)
            print(
                f"{replicas} replica(s), {args.budget} budget, run {number}: {args.recipients} DMs in "
                f"{run.elapsed:.1f} s (recording {run.recorded:.1f} s, posting {run.posting:.1f} s); "
                f"floor at {args.cap}/s {run.floor:.1f} s; ratio {run.ratio:.3f}; "
                f"{run.calls} posts, 429 from the limits {run.limited} ({run.limited / run.calls:.1%}), "
                f"429 in all {run.refused} ({run.refused / run.calls:.1%}); "
                f"lost {run.lost}; duplicated {run.duplicated}",
                flush=True,
            )
    for replicas, runs in results.items():
        ratio = statistics.median(r.ratio for r in runs)
        posting = statistics.median(r.posting_ratio for r in runs)
        limited = statistics.median(r.limited / r.calls for r in runs)
        refused = statistics.median(r.refused / r.calls for r in runs)
        print(
            f"medians, {replicas} replica(s), {args.runs} runs: ratio {ratio:.3f} (target <= 1.15), posting only "
            f"{posting:.3f}; 429 from the limits {limited:.1%}, in all {refused:.1%}; "
            f"lost {sum(r.lost for r in runs)}, duplicated {sum(r.duplicated for r in runs)} in all runs"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
