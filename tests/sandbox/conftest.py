"""Fixtures: a started fake Slack with a seeded Malmö workspace, a clock to advance, a client for it."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from slack_sdk import WebClient

from devtools.sandbox import FakeSlack
from tests.manual_time import ManualTime


@pytest.fixture
def clock() -> ManualTime:
    """The fake's monotonic clock, moving only when a test advances it."""
    return ManualTime(1_000.0)


@pytest.fixture
def advance(clock: ManualTime) -> Callable[[float], None]:
    """Moves the fake's clock (trigger expiry, rate limits) forward by some seconds, as if the test slept."""
    return clock.sleep


@pytest.fixture
def fake(clock: ManualTime) -> Iterator[FakeSlack]:
    with FakeSlack(clock=clock.clock) as fake:
        fake.add_user("U0ANNA", "anna", "Anna Andersson", "anna.andersson@malmo.se")
        fake.add_user("U0BERTIL", "bertil", "Bertil Berg", "bertil.berg@malmo.se")
        fake.add_channel("C0REMISS", "remisser")
        yield fake


@pytest.fixture
def client(fake: FakeSlack) -> WebClient:
    return WebClient(token=fake.identity.bot_token, base_url=fake.url)
