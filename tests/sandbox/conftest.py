"""Fixtures: a started fake Slack with a seeded Malmö workspace, a clock to advance, a client for it."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from slack_sdk import WebClient

from devtools.sandbox import FakeSlack


class ManualClock:
    """A monotonic clock that moves only when a test advances it."""

    def __init__(self, start: float = 1_000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def advance(clock: ManualClock) -> Callable[[float], None]:
    """Moves the fake's clock (trigger expiry, rate limits) forward by some seconds."""
    return clock.advance


@pytest.fixture
def fake(clock: ManualClock) -> Iterator[FakeSlack]:
    with FakeSlack(clock=clock) as fake:
        fake.add_user("U0ANNA", "anna", "Anna Andersson", "anna.andersson@malmo.se")
        fake.add_user("U0BERTIL", "bertil", "Bertil Berg", "bertil.berg@malmo.se")
        fake.add_channel("C0REMISS", "remisser")
        yield fake


@pytest.fixture
def client(fake: FakeSlack) -> WebClient:
    return WebClient(token=fake.identity.bot_token, base_url=fake.url)
