"""The scheduler: Stockholm time and a real misfire grace, pinned (APScheduler's defaults bite)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from bot.adapters.scheduling import MISFIRE_GRACE_SECONDS, build_scheduler, prune_deliveries
from bot.bootstrap import Core, build_core
from bot.core.clock import STOCKHOLM
from bot.settings import load_settings
from devtools.clocks import FakeClock


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime(2023, 10, 2, 7, 0, tzinfo=UTC))


@pytest.fixture
def core(sqlite_url: str, clock: FakeClock) -> Iterator[Core]:
    core = build_core(replace(load_settings({}), database_url=sqlite_url), clock=clock)
    yield core
    core.close()


def test_jobs_run_in_stockholm_time_with_a_real_misfire_grace(core: Core) -> None:
    scheduler = build_scheduler(core.service, core.settings.timezone)
    scheduler.start(paused=True)
    try:
        job = scheduler.get_job("prune-deliveries")
        assert job is not None
        assert job.misfire_grace_time == MISFIRE_GRACE_SECONDS >= 60
        assert job.coalesce is True
        after = datetime(2023, 10, 28, 12, 0, tzinfo=STOCKHOLM)  # the day before the autumn clock change
        fire = job.trigger.get_next_fire_time(None, after)
        assert fire is not None
        assert (fire.date().isoformat(), fire.hour, fire.minute) == ("2023-10-29", 3, 17)
        assert fire.utcoffset() == timedelta(hours=1)  # winter time, not the machine's zone
    finally:
        scheduler.shutdown(wait=False)


def test_the_prune_job_forgets_only_old_deliveries(core: Core, clock: FakeClock) -> None:
    assert core.service.edge.claim_delivery("EvOld")
    clock.advance(timedelta(days=6))
    assert core.service.edge.claim_delivery("EvNewer")
    clock.advance(timedelta(days=2))
    assert prune_deliveries(core.service) == 1
    assert core.service.edge.claim_delivery("EvOld") is True
    assert core.service.edge.claim_delivery("EvNewer") is False
