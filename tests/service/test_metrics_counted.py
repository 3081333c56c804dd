"""What the use cases count through the Metrics port: each outcome of a message once, where it is recorded (a
retry that runs out of attempts is given up, not retried), and Slack's repeated events."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace

from bot.core.domain.outbox import MAX_ATTEMPTS, MessageKind
from bot.core.usecases import UseCases
from tests.service.support import sent


class Recorded:
    """bot.core.ports.metrics.Metrics that remembers each call by name and first argument."""

    def __init__(self) -> None:
        self.calls: Counter[tuple[str, str]] = Counter()

    def message_sent(self, kind: str) -> None:
        self.calls["sent", kind] += 1

    def message_retried(self, reason: str) -> None:
        self.calls["retried", reason] += 1

    def message_given_up(self, state: str) -> None:
        self.calls["given_up", state] += 1

    def rate_limited(self) -> None:
        self.calls["rate_limited", ""] += 1

    def reminder_lag(self, seconds: float) -> None:
        self.calls["reminder_lag", ""] += 1

    def duplicate_event(self) -> None:
        self.calls["duplicate_event", ""] += 1

    def acknowledged(self, kind: str, seconds: float) -> None:
        self.calls["acknowledged", kind] += 1

    def database_error(self) -> None:
        self.calls["database_error", ""] += 1

    def http_response(self, path: str, status: int) -> None:
        self.calls["http_response", f"{path} {status}"] += 1


def recorded(service: UseCases) -> Recorded:
    metrics = Recorded()
    service.shared.metrics = metrics
    return metrics


def test_each_outcome_of_a_message_is_counted_once_where_it_is_recorded(service: UseCases) -> None:
    metrics = recorded(service)
    sent(service)
    first, second, third = [m for m in service.delivery.claim_outgoing(100) if m.kind is MessageKind.REMISS][:3]
    service.delivery.outgoing_sent(first, "D0ANNA", "1.1")
    service.delivery.outgoing_retry(second, "ratelimited", after=None, uncertain=False)
    service.delivery.outgoing_retry(
        replace(second, attempts=MAX_ATTEMPTS - 1), "network: timeout", after=None, uncertain=True
    )
    service.delivery.outgoing_undeliverable(third, "user_not_found", unreachable=True)
    assert metrics.calls == Counter(
        {
            ("sent", "remiss"): 1,
            ("retried", "ratelimited"): 1,  # the last try ran out of attempts: given up, not retried
            ("given_up", "failed"): 1,
            ("given_up", "unreachable"): 1,
        }
    )


def test_a_repeated_slack_event_is_counted_as_a_duplicate_and_the_first_is_not(service: UseCases) -> None:
    metrics = recorded(service)
    assert service.edge.claim_delivery("Ev1")
    assert not service.edge.claim_delivery("Ev1")
    assert not service.edge.once("Ev1", lambda: None)
    assert metrics.calls == Counter({("duplicate_event", ""): 2})
