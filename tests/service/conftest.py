"""Fixtures of the use-case tests: a fake clock at Monday 2 October 2023, 09:00 in Stockholm, and the use cases
on an empty memory store with the directory seeded. Modules about the reminder round override `clock` and
`service` with the round already sent (tests/service/support.py: stk_round)."""

from __future__ import annotations

import pytest

from bot.core.usecases import UseCases
from devtools.clocks import FakeClock
from tests.service.support import START, RecordingUsers, fresh


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(START)


@pytest.fixture
def users() -> RecordingUsers:
    return RecordingUsers({"anna.miljo@malmo.se": "UANNA"})


@pytest.fixture
def service(clock: FakeClock, users: RecordingUsers) -> UseCases:
    return fresh(clock, users)
