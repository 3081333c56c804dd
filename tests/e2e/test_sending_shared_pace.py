"""Two replicas on PostgreSQL send one remiss together, drawing from one send budget: everyone reached once.

Each replica is built as `remissbot serve` builds it (bootstrap: its own core, engine and courier, the budget
bootstrap chooses on PostgreSQL). Slack enforces a workspace cap and refuses a fifth of the posts at random;
refused posts come back after Retry-After, and none may be lost or posted twice.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import date

import pytest
from slack_sdk import WebClient
from sqlalchemy import text

from bot.bootstrap import Core, build_core, send_budget
from bot.core.clock import SystemClock
from devtools.sandbox.harness import Sandbox, SandboxUser, running_sandbox
from devtools.sandbox.rate_limits import RateLimits
from handlers.outbound.courier import Courier
from storage.pace import PostgresSendBudget
from tests.conftest import Engines
from tests.e2e.conftest import COORDINATOR, USERS
from tests.e2e.status_round import send_to_boards

pytestmark = pytest.mark.postgres

OFFICIALS = [SandboxUser(f"U0P{i:02d}", f"p{i}", f"Person {i}") for i in range(16)]
CAP = 10  # Slack's workspace cap in this test, messages a second


@pytest.fixture
def sandbox(emptied_postgres_url: str, engines: Engines) -> Iterator[Sandbox]:
    users = [*USERS, *OFFICIALS]
    with running_sandbox(
        database_url=emptied_postgres_url,
        engine=engines[emptied_postgres_url],
        users=users,
        coordinators=[COORDINATOR],
        clock=SystemClock(),
    ) as box:
        yield box


@pytest.fixture
def second_replica(sandbox: Sandbox) -> Iterator[Core]:
    core = build_core(replace(sandbox.core.settings), clock=SystemClock())
    yield core
    core.close()


def courier_of(core: Core, box: Sandbox) -> Courier:
    token = box.fake.identity.bot_token
    budget = send_budget(core, token, messages_per_second=CAP * 0.95)
    assert isinstance(budget, PostgresSendBudget)
    return Courier(core.service, WebClient(token=token, base_url=box.fake.url), core.texts, batch=4, budget=budget)


def remiss_dms(box: Sandbox, user: str) -> int:
    return sum(
        1
        for call in box.fake.calls_to("chat.postMessage")
        if call.status == 200 and isinstance(call.response, dict) and call.response.get("ok")
        if call.params.get("channel") == user and not call.params.get("thread_ts")
    )


def test_two_replicas_sharing_the_budget_reach_every_official_exactly_once(
    sandbox: Sandbox, second_replica: Core
) -> None:
    sandbox.fake.set_rate_limits(
        RateLimits(messages_per_channel_per_second=1, messages_per_minute=10**9, messages_per_second=CAP)
    )
    sandbox.fake.refuse_randomly("chat.postMessage", 0.2, retry_after=1, seed=3)
    couriers = [courier_of(sandbox.core, sandbox), courier_of(second_replica, sandbox)]
    send_to_boards(sandbox, OFFICIALS, deadline=date(2099, 11, 30))

    done = threading.Event()

    def run(courier: Courier) -> None:
        while not done.is_set():
            if courier.run_once() == 0:
                time.sleep(0.05)

    workers = [threading.Thread(target=run, args=(c,)) for c in couriers]
    for worker in workers:
        worker.start()
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not all(remiss_dms(sandbox, u.id) for u in OFFICIALS):
            time.sleep(0.1)
        time.sleep(1.5)  # anything sent twice would be sent by now (a retry waits at most Retry-After)
    finally:
        done.set()
        for worker in workers:
            worker.join(timeout=30)
        for courier in couriers:
            courier.stop()

    assert [remiss_dms(sandbox, u.id) for u in OFFICIALS] == [1] * len(OFFICIALS)
    refused = [c for c in sandbox.fake.calls_to("chat.postMessage") if c.status == 429]
    assert refused  # the random refusals happened, and their messages still arrived once
    with second_replica.engine.connect() as connection:
        keys = set(connection.execute(text("SELECT key FROM send_budget")).scalars())
    # One budget for the workspace, not one per replica.
    assert sum(1 for key in keys if key.startswith("workspace:")) == 1


def test_a_storm_of_429s_seen_by_one_replica_holds_the_other_for_retry_after(
    sandbox: Sandbox, second_replica: Core
) -> None:
    send_to_boards(sandbox, OFFICIALS[:8], deadline=date(2099, 11, 30))
    token = sandbox.fake.identity.bot_token

    def courier(core: Core, batch: int) -> Courier:
        client = WebClient(token=token, base_url=sandbox.fake.url)
        return Courier(core.service, client, core.texts, batch=batch, workers=1, budget=send_budget(core, token))

    first, second = courier(sandbox.core, 3), courier(second_replica, 4)
    try:
        # The status message first (no DMs claimed), so the three 429s below fall on the first replica's DMs.
        courier(sandbox.core, 0).run_once()
        sandbox.fake.inject("chat.postMessage", status=429, retry_after=2, times=3)
        first.run_once()  # three DMs, each refused: a storm
        second.run_once()  # the next four, by the other replica
    finally:
        first.stop()
        second.stop()

    posts = sandbox.fake.calls_to("chat.postMessage")
    storm = max(c.time for c in posts if c.status == 429)
    after = [c.time for c in posts if c.status == 200 and c.time > storm]
    assert len(after) == 4
    # The other replica waited out the Retry-After its own calls never got (a little slack: two clocks).
    assert min(after) >= storm + 2.0 - 0.1
