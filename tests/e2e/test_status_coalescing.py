"""The status message under a burst of answers: edited at most once per REMISSBOT_STATUS_EDIT_SECONDS, at once
after a quiet spell, and always ending on the last answer (bench_load saw it edited 270–390 times a minute)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import Engine

from devtools.clocks import FakeClock
from devtools.sandbox.harness import Sandbox
from tests.e2e.status_round import answer, answered_counts, fast_courier, sent_to_boards, status_ts

ORGANISATIONS = 50


@pytest.fixture
def sandbox(database_url: str, database_engine: Engine, clock: FakeClock) -> Iterator[Sandbox]:
    with sent_to_boards(database_url, database_engine, clock, ORGANISATIONS) as box:
        yield box


def status_edits(box: Sandbox) -> list[str]:
    """The texts the status message was edited to, in order."""
    ts = status_ts(box)
    return [str(c.params.get("text")) for c in box.fake.calls_to("chat.update") if c.params.get("ts") == ts]


def test_fifty_answers_in_twenty_seconds_edit_the_status_message_at_most_three_times(
    sandbox: Sandbox, clock: FakeClock
) -> None:
    service = sandbox.core.service
    courier = fast_courier(sandbox)
    courier.drain()
    clock.advance(timedelta(minutes=5))  # a quiet spell after sending
    for n in range(ORGANISATIONS):
        answer(sandbox, n)
        courier.run_once()  # a courier round after every answer, as a busy courier comes
        clock.advance(timedelta(seconds=0.4))
    # 50 answers in 20 s: the first edit came at once, then one when the interval had passed.
    during = status_edits(sandbox)
    # The last answers wait for the next edit; the courier sleeps no longer than until then (here: now).
    assert service.delivery.until_next_status_edit() == timedelta(0)
    assert courier._wait_seconds() < courier.poll_seconds

    courier.run_once()  # the round after the last interval ran out
    edits = status_edits(sandbox)

    assert answered_counts(during) == ["1 av 50", "26 av 50"]
    assert len(edits) == 3
    assert "50 av 50 har svarat" in edits[-1]
    assert service.delivery.until_next_status_edit() is None  # nothing left to show
    assert courier.run_once() == 0
