"""EdgeUseCases: Slack's repeated deliveries and the forms kept between their steps."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.core.usecases import UseCases
from devtools.clocks import FakeClock


def test_a_retried_delivery_is_claimed_once(service: UseCases) -> None:
    assert service.edge.claim_delivery("Ev123") is True
    assert service.edge.claim_delivery("Ev123") is False
    assert service.edge.claim_delivery("Ev124") is True


def test_work_only_slack_sees_is_done_once_per_event_and_again_after_it_failed(service: UseCases) -> None:
    done: list[str] = []
    assert service.edge.once("Ev1", lambda: done.append("first")) is True
    assert service.edge.once("Ev1", lambda: done.append("retry")) is False
    with pytest.raises(RuntimeError):
        service.edge.once("Ev2", lambda: (_ for _ in ()).throw(RuntimeError("Slack")))
    assert service.edge.once("Ev2", lambda: done.append("after failing")) is True
    assert service.edge.once(None, lambda: done.append("no id")) is True
    assert done == ["first", "after failing", "no id"]


def test_deliveries_older_than_a_week_are_forgotten(service: UseCases, clock: FakeClock) -> None:
    service.edge.claim_delivery("EvOld")
    clock.advance(timedelta(days=6))
    service.edge.claim_delivery("EvNew")
    clock.advance(timedelta(days=1, minutes=1))
    assert service.edge.prune_deliveries() == 1
    assert service.edge.claim_delivery("EvOld") is True
    assert service.edge.claim_delivery("EvNew") is False


def test_a_kept_form_lasts_until_dropped_or_expired(service: UseCases, clock: FakeClock) -> None:
    service.edge.keep_form("form:a", '{"step": 2}')
    service.edge.keep_form("form:b", "{}", ttl=timedelta(hours=1))
    assert service.edge.kept_form("form:a") == '{"step": 2}'
    service.edge.drop_form("form:a")
    assert service.edge.kept_form("form:a") is None
    clock.advance(timedelta(hours=1))
    assert service.edge.kept_form("form:b") is None
    assert service.edge.prune_forms() == 1
