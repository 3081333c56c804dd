"""The send budget: slots to post to Slack, in one process (LocalSendBudget) and shared on PostgreSQL.

Time is a fake clock that only moves when a sender waits, so each slot's moment is exact and no assertion
depends on the machine's speed. One test runs on the database's own clock and only checks a lower bound.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import Engine

from bot.adapters.pace import LocalSendBudget
from bot.core.ports.pace import SendBudget
from bot.core.ports.store import StoreUnavailable
from storage import make_engine
from storage.pace import CHANNEL_ROW_TTL, SWEEP_EVERY, PostgresSendBudget
from tests.manual_time import ManualTime

RATE = 10.0  # slots a second
INTERVAL = 1 / RATE
BURST = 2
EPSILON = 1e-6


class FrozenTime(ManualTime):
    """Seconds that never pass: each sender's wait is recorded, not slept (senders waiting for later slots)."""

    def __init__(self) -> None:
        super().__init__()
        self.waits: list[float] = []

    def sleep(self, seconds: float) -> None:
        self.waits.append(seconds)


# (time, channel interval) -> a budget; a second call on PostgreSQL gives another replica's budget.
BudgetFactory = Callable[[ManualTime, float | None], SendBudget]


@pytest.fixture
def pace_engine(emptied_postgres_url: str, migrated_postgres_engine: Engine) -> Engine:
    return migrated_postgres_engine


@pytest.fixture(params=["local", pytest.param("postgres", marks=pytest.mark.postgres)])
def make_budget(request: pytest.FixtureRequest) -> Iterator[BudgetFactory]:
    if request.param == "local":

        def local(fake: ManualTime, channel_interval: float | None = None) -> SendBudget:
            return LocalSendBudget(
                RATE, burst=BURST, channel_interval=channel_interval, clock=fake.clock, sleep=fake.sleep
            )

        yield local
        return
    engine = request.getfixturevalue("pace_engine")

    def shared(fake: ManualTime, channel_interval: float | None = None) -> SendBudget:
        return PostgresSendBudget(
            engine, "T1", RATE, burst=BURST, channel_interval=channel_interval, clock=fake.clock, sleep=fake.sleep
        )

    yield shared


def granted(budget: SendBudget, fake: ManualTime, count: int, channel: str | None = None) -> list[float]:
    """The moments `count` slots are granted, taken one after another as fast as the budget allows."""
    moments = []
    for _ in range(count):
        budget.acquire(channel)
        moments.append(fake.now)
    return moments


def most_in_a_window(moments: list[float], window: float) -> int:
    ordered = sorted(moments)
    return max(sum(1 for m in ordered[i:] if m < start + window - EPSILON) for i, start in enumerate(ordered))


# -- the contract, for both ------------------------------------------------------------------------------------
def test_after_a_small_burst_slots_come_one_interval_apart(make_budget: BudgetFactory) -> None:
    fake = ManualTime()
    start = fake.now

    moments = granted(make_budget(fake, None), fake, 50)

    assert moments[:BURST] == [start] * BURST
    gaps = [b - a for a, b in zip(moments[BURST - 1 :], moments[BURST:], strict=False)]
    assert all(abs(gap - INTERVAL) < EPSILON for gap in gaps)
    assert most_in_a_window(moments, 1.0) <= RATE + BURST - 1


def test_idle_time_earns_the_burst_and_no_more(make_budget: BudgetFactory) -> None:
    fake = ManualTime()
    budget = make_budget(fake, None)
    granted(budget, fake, 5)
    fake.now += 3600  # an hour without sending

    before = fake.now
    moments = granted(budget, fake, BURST + 2)

    assert moments == pytest.approx([before] * BURST + [before + INTERVAL, before + 2 * INTERVAL], abs=EPSILON)


def test_a_channel_gets_a_slot_at_most_once_per_its_interval_without_holding_up_other_channels(
    make_budget: BudgetFactory,
) -> None:
    fake = ManualTime()
    budget = make_budget(fake, 1.0)
    start = fake.now

    first = granted(budget, fake, 1, "C1") + granted(budget, fake, 1, "D2") + granted(budget, fake, 1, "D3")
    again = granted(budget, fake, 1, "C1")

    # Other channels only wait for the workspace's slots; C1 waits a second after its last.
    assert first == pytest.approx([start, start, start + INTERVAL], abs=EPSILON)
    assert again == pytest.approx([start + 1.0], abs=EPSILON)


def test_a_refund_gives_back_one_slot(make_budget: BudgetFactory) -> None:
    fake = ManualTime()
    budget = make_budget(fake, None)
    last = granted(budget, fake, 10)[-1]

    budget.refund()  # Slack refused the last call with 429 and did not count it

    assert granted(budget, fake, 1) == pytest.approx([last], abs=EPSILON)


def test_a_refund_gives_nothing_back_while_senders_wait_for_later_slots(make_budget: BudgetFactory) -> None:
    frozen = FrozenTime()
    budget = make_budget(frozen, None)
    for _ in range(5):  # the last three wait for slots still to come
        budget.acquire()

    budget.refund()  # given back, the slot would come together with the last one handed out: refused again
    budget.acquire()

    assert frozen.waits == pytest.approx([n * INTERVAL for n in range(1, 5)], abs=EPSILON)


def test_a_hold_puts_the_next_slot_after_it_and_earns_no_burst(make_budget: BudgetFactory) -> None:
    fake = ManualTime()
    budget = make_budget(fake, None)
    granted(budget, fake, 3)
    held_at = fake.now

    budget.hold(2.0)  # Slack's Retry-After

    assert granted(budget, fake, 3) == pytest.approx([held_at + 2.0 + n * INTERVAL for n in range(3)], abs=EPSILON)


def test_a_hold_never_brings_a_later_slot_earlier(make_budget: BudgetFactory) -> None:
    frozen = FrozenTime()
    budget = make_budget(frozen, None)
    for _ in range(BURST + 30):  # slots taken three seconds ahead
        budget.acquire()

    budget.hold(1.0)
    budget.acquire()

    assert frozen.waits[-1] == pytest.approx(31 * INTERVAL, abs=EPSILON)


def test_a_hold_of_a_channel_holds_that_channel_only(make_budget: BudgetFactory) -> None:
    fake = ManualTime()
    budget = make_budget(fake, 1.0)
    start = fake.now

    budget.hold(3.0, "C1")

    assert granted(budget, fake, 1, "D2") == [start]
    assert granted(budget, fake, 1, "C1") == pytest.approx([start + 3.0], abs=EPSILON)
    assert granted(budget, fake, 1, "D3") == pytest.approx([start + 3.0], abs=EPSILON)  # the workspace had credit


# -- shared by replicas on PostgreSQL --------------------------------------------------------------------------
@pytest.mark.postgres
def test_two_replicas_draw_from_one_budget(pace_engine: Engine) -> None:
    fake = ManualTime()
    replicas = [
        PostgresSendBudget(pace_engine, "T1", RATE, burst=BURST, clock=fake.clock, sleep=fake.sleep) for _ in "ab"
    ]
    start = fake.now

    moments = [granted(replicas[i % 2], fake, 1)[0] for i in range(20)]

    # One replica's slots alone would come INTERVAL apart: together they still do, not twice as fast.
    assert moments == pytest.approx([start, start] + [start + n * INTERVAL for n in range(1, 19)], abs=EPSILON)
    # Another workspace (another app or team) has a budget of its own.
    other = PostgresSendBudget(pace_engine, "T2", RATE, burst=BURST, clock=fake.clock, sleep=fake.sleep)
    assert granted(other, fake, 1) == [fake.now]


@pytest.mark.postgres
def test_a_hold_by_one_replica_holds_the_others(pace_engine: Engine) -> None:
    fake = ManualTime()
    one, other = (
        PostgresSendBudget(
            pace_engine, "T1", RATE, burst=BURST, channel_interval=1.0, clock=fake.clock, sleep=fake.sleep
        )
        for _ in "ab"
    )
    start = fake.now

    one.hold(2.0)
    one.hold(1.0, "D1")

    assert granted(other, fake, 2) == pytest.approx([start + 2.0, start + 2.0 + INTERVAL], abs=EPSILON)
    # D1's hold has passed by then: it waits only for the workspace's next slot.
    assert granted(other, fake, 1, "D1") == pytest.approx([start + 2.0 + 2 * INTERVAL], abs=EPSILON)


@pytest.mark.postgres
def test_under_contention_every_sender_gets_a_slot_of_its_own_within_the_rate(pace_engine: Engine) -> None:
    """Eight threads, each with its own connection, take slots at one frozen moment: the row's atomic update must
    hand out distinct slots one interval apart (a read-then-write race would hand some out twice)."""
    threads, each = 8, 25
    frozen = 1_000_000.0
    waits: list[float] = []
    lock = threading.Lock()

    def record(seconds: float) -> None:  # the wait each sender was told, not slept: the clock stays frozen
        with lock:
            waits.append(seconds)

    budgets = [
        PostgresSendBudget(pace_engine, "T1", RATE, burst=BURST, clock=lambda: frozen, sleep=record)
        for _ in range(threads)
    ]
    barrier = threading.Barrier(threads)

    def send(budget: PostgresSendBudget) -> None:
        barrier.wait(timeout=30)
        for _ in range(each):
            budget.acquire()

    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(send, budgets))

    # The burst's slots need no wait (no sleep); every other sender was given a moment of its own.
    assert len(waits) == threads * each - BURST
    assert sorted(waits) == pytest.approx([n * INTERVAL for n in range(1, threads * each - BURST + 1)], abs=EPSILON)
    moments = [frozen] * BURST + [frozen + w for w in waits]
    for window in (0.5, 1.0, 5.0):
        assert most_in_a_window(moments, window) <= RATE * window + BURST


@pytest.mark.postgres
def test_on_the_database_clock_slots_are_never_faster_than_the_rate(pace_engine: Engine) -> None:
    budget = PostgresSendBudget(pace_engine, "T1", 200.0, burst=BURST)
    count = 30
    started = time.monotonic()

    for _ in range(count):
        budget.acquire()

    # Only a lower bound: a slow machine may take longer, never less.
    assert time.monotonic() - started >= (count - BURST) / 200.0 - 0.005


@pytest.mark.postgres
def test_rows_of_channels_long_idle_are_swept(pace_engine: Engine) -> None:
    fake = ManualTime()
    budget = PostgresSendBudget(pace_engine, "T1", RATE, channel_interval=1.0, clock=fake.clock, sleep=fake.sleep)
    granted(budget, fake, 1, "D1")
    fake.now += max(SWEEP_EVERY, CHANNEL_ROW_TTL) + 10

    granted(budget, fake, 1, "D2")

    with pace_engine.connect() as connection:
        keys = {row[0] for row in connection.exec_driver_sql("SELECT key FROM send_budget")}
    assert keys == {"workspace:T1", "channel:T1:D2"}


def test_a_database_out_of_reach_is_said_as_the_store_says_it() -> None:
    engine = make_engine("postgresql+psycopg://postgres@127.0.0.1:1/remissbot?connect_timeout=2")
    try:
        with pytest.raises(StoreUnavailable):
            PostgresSendBudget(engine, "T1", RATE).acquire("D1")
    finally:
        engine.dispose()
