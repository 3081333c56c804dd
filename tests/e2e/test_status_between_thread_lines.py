"""The status message is not starved by its own thread lines: a courier round that posts many lines in one
channel (each paced at about one a second) looks at the status message between them, so an answer that comes
in mid-round shows as soon as the edit interval allows, not after the round (bench_load: two edits a minute)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import Engine

from bot.adapters.pace import LocalSendBudget
from devtools.clocks import FakeClock
from devtools.sandbox.harness import Sandbox
from tests.e2e.conftest import COORDINATOR
from tests.e2e.status_round import INTERVAL, answer, answered_counts, fast_courier, sent_to_boards, status_ts

ORGANISATIONS = 6


@pytest.fixture
def sandbox(database_url: str, database_engine: Engine, clock: FakeClock) -> Iterator[Sandbox]:
    with sent_to_boards(database_url, database_engine, clock, ORGANISATIONS) as box:
        yield box


class AnswerArrivesMidRound(LocalSendBudget):
    """A fast budget whose 2nd slot in the status message's channel takes the edit interval (as a round of
    paced thread lines does), during which one more official answers."""

    def __init__(self, box: Sandbox, clock: FakeClock, channel: str) -> None:
        super().__init__(500)
        self.box, self.clock, self.channel, self.slots = box, clock, channel, 0

    def acquire(self, channel: str | None = None) -> None:
        if channel == self.channel:
            self.slots += 1
            if self.slots == 2:
                answer(self.box, ORGANISATIONS - 1)
                self.clock.advance(timedelta(seconds=INTERVAL))
        super().acquire(channel)


def test_an_answer_during_a_round_of_thread_lines_shows_before_the_round_ends(
    sandbox: Sandbox, clock: FakeClock
) -> None:
    fast_courier(sandbox).drain()
    clock.advance(timedelta(minutes=5))  # a quiet spell after sending
    ts = status_ts(sandbox)
    for n in range(ORGANISATIONS - 1):
        answer(sandbox, n)
    courier = fast_courier(sandbox, AnswerArrivesMidRound(sandbox, clock, COORDINATOR))

    before = len(sandbox.fake.calls)
    courier.run_once()  # the status message, then the five answers' thread lines; the sixth answer mid-round

    calls = sandbox.fake.calls[before:]
    lines = [
        n
        for n, c in enumerate(calls)
        if c.method == "chat.postMessage" and c.params.get("thread_ts") == ts and c.status == 200
    ]
    edits = [
        (n, str(c.params.get("text")))
        for n, c in enumerate(calls)
        if c.method == "chat.update" and c.params.get("ts") == ts
    ]
    assert len(lines) == ORGANISATIONS - 1  # the sixth answer's line waits for the next round
    assert answered_counts([text for _, text in edits]) == ["5 av 6", "6 av 6"]
    assert edits[-1][0] < lines[-1]  # the new count showed while thread lines were still going out
